/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis log of an episode as a PDF (issue 15, item 6), drawn like
 * the shift's reports (DozorReportWriter: the centre and title at the head
 * of every page, page numbers, the signing officer at the end): a table of
 * the log's rows, oldest first as a record is read, with the same four
 * columns as the CSV. The rows are folded by DozorCrisisLog from the
 * journal, so the board and dozorctl print the same log. Blocks: call it
 * in a worker thread.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-crisis-log.h"
#include "dozor-report-crisis-log.h"
#include "dozor-report-writer.h"

/* Time with its day, what, who, the details: the details take the rest. */
static const double widths[] = { 0.2, 0.2, 0.1, 0.5 };

/**
 * dozor_report_crisis_log_pdf:
 * @entries: (element-type DozorCrisisLogEntry): the log's rows, newest
 *   first, as dozor_crisis_log_get_entries() holds them
 * @zone: the time zone the times are written in
 * @centre: the centre's name, at the head of every page
 * @officer: the signing officer's name
 * @path: the PDF to write
 * @error: return location for a #GError
 *
 * Returns: whether the PDF was written whole
 */
gboolean
dozor_report_crisis_log_pdf (GListModel  *entries,
                             GTimeZone   *zone,
                             const char  *centre,
                             const char  *officer,
                             const char  *path,
                             GError     **error)
{
  const char *headers[] = {
    C_("crisis log column", "Time"), C_("crisis log column", "What"), C_("crisis log column", "Who"),
    C_("crisis log column", "Details"), NULL,
  };
  g_autoptr(DozorReportWriter) writer = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autofree char *period = NULL;
  g_autofree char *summary = NULL;
  guint n;

  g_return_val_if_fail (G_IS_LIST_MODEL (entries), FALSE);

  n = g_list_model_get_n_items (entries);
  if (n > 0)
    {
      g_autoptr(DozorCrisisLogEntry) newest = g_list_model_get_item (entries, 0);
      g_autoptr(DozorCrisisLogEntry) oldest = g_list_model_get_item (entries, n - 1);
      g_autofree char *from = dozor_crisis_log_format_time (dozor_crisis_log_entry_get_time (oldest), zone);
      g_autofree char *to = dozor_crisis_log_format_time (dozor_crisis_log_entry_get_time (newest), zone);

      /* TRANSLATORS: the period of a crisis log: its first and last row's times */
      period = g_strdup_printf (_("From %s to %s"), from, to);
    }
  else
    period = g_strdup (_("No entries"));

  writer = dozor_report_writer_new (path, centre, officer, _("Crisis log"), period, error);
  if (writer == NULL)
    return FALSE;

  for (guint i = n; i > 0; i--)
    {
      g_autoptr(DozorCrisisLogEntry) entry = g_list_model_get_item (entries, i - 1);
      GStrv row = g_new0 (char *, 5);

      row[0] = dozor_crisis_log_format_time (dozor_crisis_log_entry_get_time (entry), zone);
      row[1] = g_strdup (dozor_crisis_log_entry_get_what (entry));
      row[2] = g_strdup (dozor_crisis_log_entry_get_who (entry));
      row[3] = g_strdup (dozor_crisis_log_entry_get_details (entry));
      g_ptr_array_add (rows, row);
    }
  /* TRANSLATORS: above the crisis log's table: how many rows it has */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry, oldest first.", "%u entries, oldest first.", n),
                             n);
  dozor_report_writer_paragraph (writer, summary);
  dozor_report_writer_table (writer, headers, widths, rows);
  return dozor_report_writer_finish (writer, error);
}
