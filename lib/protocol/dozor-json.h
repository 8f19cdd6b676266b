/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_JSON_ERROR (dozor_json_error_quark ())

typedef enum
{
  DOZOR_JSON_ERROR_TOO_LARGE,
  DOZOR_JSON_ERROR_TOO_DEEP,
  DOZOR_JSON_ERROR_INVALID,
  DOZOR_JSON_ERROR_INVALID_FIELD, /* valid grammar, but a member's string is not text */
} DozorJsonError;

/* json-glib 1.6 has no nesting limit and recurses: a few hundred thousand
 * brackets overflow the stack. Every message on the wire stays far below. */
#define DOZOR_JSON_MAX_DEPTH 32

GQuark    dozor_json_error_quark (void);
gboolean  dozor_json_check       (const char  *data,
                                  gsize        length,
                                  gsize        max_bytes,
                                  GError     **error);
JsonNode *dozor_json_parse       (const char  *data,
                                  gsize        length,
                                  gsize        max_bytes,
                                  GError     **error);
char     *dozor_json_to_string   (JsonNode    *node);
gint64    dozor_json_get_int     (JsonObject *object,
                                  const char *member,
                                  gint64      fallback);
const char *dozor_json_get_string (JsonObject *object,
                                   const char *member);
JsonArray  *dozor_json_get_array  (JsonObject *object,
                                   const char *member);
JsonObject *dozor_json_get_object (JsonObject *object,
                                   const char *member);
gboolean    dozor_json_node_get_number (JsonNode *node,
                                        double   *value);
gint64      dozor_json_get_time   (JsonObject *object,
                                   const char *member);
void        dozor_json_builder_add_string_or_null (JsonBuilder *builder,
                                                   const char  *name,
                                                   const char  *value);
void        dozor_json_set_text   (JsonObject *object,
                                   const char *name,
                                   const char *value);
void        dozor_json_append_string (GString    *out,
                                      const char *value);
void        dozor_json_append_double (GString    *out,
                                      double      value);

G_END_DECLS
