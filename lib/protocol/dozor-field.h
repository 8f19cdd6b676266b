/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a text field may hold; docs/api.md, "Text fields", says the same. */
typedef enum
{
  DOZOR_FIELD_NAME, /* names, call signs, categories, phone numbers, ids: one line */
  DOZOR_FIELD_TEXT, /* addresses, descriptions, caller details: may hold lines */
} DozorFieldKind;

/* A fix may be this far ahead of the server's clock (clock drift, latency),
 * no further: a later one would pin the unit against every real fix. */
#define DOZOR_FIELD_MAX_FIX_AHEAD_SECONDS (5 * 60)

const char *dozor_field_check_text       (DozorFieldKind  kind,
                                          const char     *text);
const char *dozor_field_check_stream_url (const char     *text);
const char *dozor_field_check_fix_time   (GDateTime      *time,
                                          GDateTime      *now);
char       *dozor_field_phone_key        (const char     *phone);

G_END_DECLS
