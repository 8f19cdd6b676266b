/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The registers (messages, orientations) as CSV for a spreadsheet: one
 * writer for dozorctl and the board, so both files are the same. RFC 4180
 * (quoted where needed, CRLF), UTF-8 with a byte order mark, which the
 * spreadsheets of the offices need to read Cyrillic; a cell that a
 * spreadsheet would run as a formula is kept as text.
 */
#include "config.h"

#include <string.h>

#include "dozor-register-csv.h"

const char *const dozor_register_csv_message_columns[] = {
  "direction", "number", "year", "kind", "time", "ref", "sender", "addressee", "summary", "action",
  "registered_by", "registered_at", NULL
};

const char *const dozor_register_csv_orientation_columns[] = {
  "kind", "name", "plate", "description", "issued_by", "issued_at", "registered_by", "registered_at",
  "active", "cancellation.by", "cancellation.at", "cancellation.reason", NULL
};

/* A member by its path ("cancellation.by"); NULL when any step is
 * missing or null. */
static JsonNode *
lookup (JsonObject *row,
        const char *path)
{
  g_auto(GStrv) steps = g_strsplit (path, ".", 0);
  JsonNode *node = NULL;

  for (guint i = 0; steps[i] != NULL; i++)
    {
      if (row == NULL || !json_object_has_member (row, steps[i]))
        return NULL;
      node = json_object_get_member (row, steps[i]);
      row = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static void
append_cell (GString    *out,
             const char *text)
{
  /* =, +, -, @ (and a tab or CR before them) start a formula in the
   * spreadsheets: a leading apostrophe keeps the cell text. */
  gboolean formula = strchr ("=+-@\t\r", text[0]) != NULL && text[0] != '\0';

  if (!formula && strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  if (formula)
    g_string_append_c (out, '\'');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static char *
cell_text (JsonNode *node)
{
  if (node == NULL)
    return g_strdup ("");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return json_to_string (node, FALSE);
}

/**
 * dozor_register_csv:
 * @rows: objects as the API answers them
 * @columns: the member paths to write, %NULL-terminated
 *
 * Returns: (transfer full): the CSV text, a header line of @columns first
 */
char *
dozor_register_csv (JsonArray         *rows,
                    const char *const *columns)
{
  GString *out = g_string_new ("\xEF\xBB\xBF");

  for (guint c = 0; columns[c] != NULL; c++)
    {
      if (c > 0)
        g_string_append_c (out, ',');
      append_cell (out, columns[c]);
    }
  g_string_append (out, "\r\n");

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *item = json_array_get_element (rows, i);
      JsonObject *row = JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;

      for (guint c = 0; columns[c] != NULL; c++)
        {
          JsonNode *node = row != NULL ? lookup (row, columns[c]) : NULL;
          g_autofree char *text = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? cell_text (node) : g_strdup ("");

          if (c > 0)
            g_string_append_c (out, ',');
          append_cell (out, text);
        }
      g_string_append (out, "\r\n");
    }
  return g_string_free (out, FALSE);
}
