/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dates and times as the user's locale writes them (issue 20, item 11).
 * Kept apart from the widgets that show them, so that a test can set a
 * Russian or Kazakh locale and read what the board would show.
 */
#include "config.h"

#include "dozor-local-time.h"

/**
 * dozor_format_header_clock:
 * @time: a moment, in the time zone it is to be shown in
 *
 * The header's clock: the locale's date (%x) and time of day (%X), to the
 * second, as a control room logs and reads times ("06.12.2026  09:30:05"
 * in Russian and Kazakh).
 *
 * Returns: (transfer full): the text
 */
char *
dozor_format_header_clock (GDateTime *time)
{
  g_autofree char *date = NULL;
  g_autofree char *clock = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  date = g_date_time_format (time, "%x");
  clock = g_date_time_format (time, "%X");
  return g_strdup_printf ("%s  %s", date, clock);
}

/**
 * dozor_format_local_minute:
 * @iso8601: (nullable): a time as the server gives it (RFC 3339)
 * @fallback: (nullable): what to show when @iso8601 is no time
 *
 * A server time as a register or a handover shows it: the local day as
 * the locale writes dates (%x: 06.12.2026 in Russian and Kazakh,
 * 12/06/2026 in American English) and the minute, 24-hour.
 *
 * Returns: (transfer full): the text, or a copy of @fallback ("" for %NULL)
 */
char *
dozor_format_local_minute (const char *iso8601,
                           const char *fallback)
{
  g_autoptr(GDateTime) time = iso8601 != NULL ? g_date_time_new_from_iso8601 (iso8601, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;
  g_autofree char *date = local != NULL ? g_date_time_format (local, "%x") : NULL;

  if (date == NULL)
    return g_strdup (fallback != NULL ? fallback : "");
  return g_strdup_printf ("%s %02d:%02d", date, g_date_time_get_hour (local), g_date_time_get_minute (local));
}
