/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-json.h"

G_DEFINE_QUARK (dozor-json-error-quark, dozor_json_error)

/* Counts bracket nesting outside strings, without building anything, so that
 * hostile input is refused before json-glib recurses into it. */
static gboolean
nesting_within (const char *data,
                gsize       length,
                guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/**
 * dozor_json_parse:
 * @data: the text
 * @length: its length in bytes
 * @max_bytes: the most this message may have
 * @error: return location for a #GError
 *
 * Parses untrusted JSON after checking its size, encoding and nesting.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set
 */
JsonNode *
dozor_json_parse (const char  *data,
                  gsize        length,
                  gsize        max_bytes,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (length > max_bytes)
    {
      g_set_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_TOO_LARGE,
                   _("The message is larger than %lu KiB"), (unsigned long) (max_bytes / 1024));
      return NULL;
    }

  if (length == 0 || !g_utf8_validate (data, length, NULL) || memchr (data, '\0', length) != NULL)
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The message is empty or not UTF-8 text"));
      return NULL;
    }

  if (!nesting_within (data, length, DOZOR_JSON_MAX_DEPTH))
    {
      g_set_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_TOO_DEEP,
                   _("The message nests deeper than %d levels"), DOZOR_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                   _("The message is not valid JSON: %s"), local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The message is empty"));
      return NULL;
    }

  return json_node_copy (root);
}

/**
 * dozor_json_to_string:
 * @node: a #JsonNode
 *
 * Returns: (transfer full): compact JSON text
 */
char *
dozor_json_to_string (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

/**
 * dozor_json_get_string:
 * @object: a JSON object
 * @member: a member's name
 *
 * json-glib's own getters warn about a member of another type; a message
 * from outside may have anything there.
 *
 * Returns: (nullable): the member's text, or %NULL when it is missing or
 *   not a string
 */
const char *
dozor_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
