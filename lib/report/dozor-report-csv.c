/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * CSV as RFC 4180 has it, in UTF-8: CRLF after every record, a field
 * quoted when it holds a comma, a quote or a line break, its quotes
 * doubled. Spreadsheets then read names like «Абая, 10» as one cell.
 */
#include "config.h"

#include <string.h>

#include "dozor-report-csv.h"

/**
 * dozor_report_csv_row:
 * @out: the CSV text so far
 * @fields: (array zero-terminated=1): the record's fields; a %NULL field
 *   cannot be given, an empty one is ""
 *
 * Appends one record.
 */
void
dozor_report_csv_row (GString           *out,
                      const char *const *fields)
{
  for (guint i = 0; fields[i] != NULL; i++)
    {
      const char *field = fields[i];

      if (i > 0)
        g_string_append_c (out, ',');
      if (strpbrk (field, ",\"\r\n") == NULL)
        {
          g_string_append (out, field);
          continue;
        }
      g_string_append_c (out, '"');
      for (const char *c = field; *c != '\0'; c++)
        {
          if (*c == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append (out, "\r\n");
}
