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
