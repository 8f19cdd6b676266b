/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dates and times as the user's locale writes them (issue 20, item 11).
 * Kept apart from the widgets that show them, so that a test can set a
 * Russian or Kazakh locale and read what the board would show.
 */
#include "config.h"

#include "dozor-local-time.h"

#include <langinfo.h>
#include <string.h>

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
 * dozor_format_local_clock:
 * @time: a moment, in the time zone it is to be shown in
 * @seconds: whether to show the seconds
 *
 * The time of day as the locale's clock reads (%X): "13:22:03" in Russian
 * and Kazakh, "01:22:03 PM" in American English. Without @seconds, the same
 * clock to the minute ("13:22", "01:22 PM"), so that the wall's clock and
 * its ticker's times read alike.
 *
 * Returns: (transfer full): the text
 */
char *
dozor_format_local_clock (GDateTime *time,
                          gboolean   seconds)
{
  g_autofree char *format = NULL;
  const char *locale_format;

  g_return_val_if_fail (time != NULL, NULL);

  if (seconds)
    return g_date_time_format (time, "%X");
  /* The C library has no "time of day to the minute" for a locale; its
   * clock without the seconds is what is meant. %r is the 12-hour clock and
   * %T the 24-hour one, both with seconds. */
  locale_format = nl_langinfo (T_FMT);
  if (g_str_equal (locale_format, "%r"))
    locale_format = nl_langinfo (T_FMT_AMPM);
  if (locale_format[0] == '\0' || g_str_equal (locale_format, "%T"))
    locale_format = "%H:%M:%S";
  format = g_strdup (locale_format);
  if (strstr (format, ":%S") != NULL)
    {
      char *at = strstr (format, ":%S");

      memmove (at, at + 3, strlen (at + 3) + 1);
      return g_date_time_format (time, format);
    }
  /* A locale writing seconds otherwise: its whole clock. */
  return g_date_time_format (time, "%X");
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
