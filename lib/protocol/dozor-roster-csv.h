/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DozorCsvRow:
 * @line: the physical line the row starts on, the header being line 1
 * @fields: (element-type utf8): the row's fields, unquoted
 */
typedef struct
{
  guint line;
  GPtrArray *fields;
} DozorCsvRow;

void       dozor_csv_row_free   (DozorCsvRow  *row);

GPtrArray *dozor_csv_parse      (const char   *text,
                                 GError      **error);
void       dozor_csv_append     (GString      *out,
                                 const char   *field,
                                 gboolean      last);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorCsvRow, dozor_csv_row_free)

G_END_DECLS
