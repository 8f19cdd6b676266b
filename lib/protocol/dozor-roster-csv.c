/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * RFC 4180 text as the duty roster's import and export spell it
 * (docs/api.md, "Roster CSV"): rows of fields, each row with the line it
 * starts on, so that a refusal names the line a person sees in an editor.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-roster-csv.h"

void
dozor_csv_row_free (DozorCsvRow *row)
{
  if (row == NULL)
    return;
  g_ptr_array_unref (row->fields);
  g_free (row);
}

static DozorCsvRow *
row_new (guint line)
{
  DozorCsvRow *row = g_new0 (DozorCsvRow, 1);

  row->line = line;
  row->fields = g_ptr_array_new_with_free_func (g_free);
  return row;
}

/* A row of one empty field is an empty line: skipped. */
static void
finish_row (GPtrArray   *rows,
            DozorCsvRow *row)
{
  if (row->fields->len == 1 && ((char *) row->fields->pdata[0])[0] == '\0')
    dozor_csv_row_free (row);
  else
    g_ptr_array_add (rows, row);
}

/**
 * dozor_csv_parse:
 * @text: UTF-8 text, with or without a byte order mark, CRLF or LF
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DozorCsvRow): the rows, empty
 *   lines left out, or %NULL with @error set (G_IO_ERROR_INVALID_DATA)
 *   for text that is not UTF-8 or a quote left open
 */
GPtrArray *
dozor_csv_parse (const char  *text,
                 GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_csv_row_free);
  g_autoptr(GString) field = g_string_new (NULL);
  DozorCsvRow *row;
  const char *p = text;
  guint line = 1;
  guint quote_line = 0;
  gboolean quoted = FALSE;

  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the text is not UTF-8"));
      return NULL;
    }
  if (g_str_has_prefix (p, "\xEF\xBB\xBF"))
    p += 3;

  row = row_new (line);
  for (; *p != '\0'; p++)
    {
      if (quoted)
        {
          if (*p == '"' && p[1] == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (*p == '"')
            quoted = FALSE;
          else
            {
              if (*p == '\n')
                line++;
              g_string_append_c (field, *p);
            }
          continue;
        }

      if (*p == '"' && field->len == 0)
        {
          quoted = TRUE;
          quote_line = line;
        }
      else if (*p == ',')
        g_ptr_array_add (row->fields, g_strdup (field->str)), g_string_truncate (field, 0);
      else if (*p == '\r' && p[1] == '\n')
        continue;
      else if (*p == '\n')
        {
          g_ptr_array_add (row->fields, g_strdup (field->str));
          g_string_truncate (field, 0);
          finish_row (rows, row);
          row = row_new (++line);
        }
      else
        g_string_append_c (field, *p);
    }

  if (quoted)
    {
      dozor_csv_row_free (row);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("line %u: a quote is not closed"), quote_line);
      return NULL;
    }
  g_ptr_array_add (row->fields, g_strdup (field->str));
  finish_row (rows, row);
  return g_steal_pointer (&rows);
}

/**
 * dozor_csv_append:
 * @out: the text so far
 * @field: (nullable): a field; %NULL is an empty one
 * @last: whether it ends the row (then CRLF, else a comma)
 *
 * Quotes the field when it holds a comma, a quote or a line break.
 */
void
dozor_csv_append (GString    *out,
                  const char *field,
                  gboolean    last)
{
  const char *text = field != NULL ? field : "";

  if (strpbrk (text, ",\"\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, text);
  g_string_append (out, last ? "\r\n" : ",");
}
