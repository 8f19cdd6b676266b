/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board and dozord in a Russian and a Kazakh locale (issue 20, item
 * 11: dates, times and numbers follow the user's locale), as a control
 * room's machines are set up, not in the C locale the other tests run in.
 * The locales are made by the build (localedef, into LOCPATH), so the
 * test does not depend on which ones the machine has.
 *
 * What a user sees: the header's clock and the wall's date written as the
 * language writes them. What must not change with the locale: numbers on
 * the wire and in files, which a Russian or Kazakh locale would write with
 * decimal commas ("2,5" is no JSON number, "[76,93,43,24]" is four).
 *
 * Usage: test-locale --tap (with LOCPATH, DOZOR_LOCALE_DIR, DOZORD and
 * DOZORCTL set, as meson does)
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "dozor-gis-export.h"
#include "dozor-gis-layer.h"
#include "dozor-labels.h"
#include "dozor-local-time.h"
#include "dozor-plan.h"
#include "server-fixture.h"

typedef struct
{
  const char *lang;   /* LANGUAGE, and the catalogue */
  const char *locale; /* LC_ALL */
} Language;

static const Language languages[] = {
  { "ru", "ru_RU.UTF-8" },
  { "kk", "kk_KZ.UTF-8" },
};
static const Language american = { "en", "en_US.UTF-8" };

/* The test process in @language's locale and catalogue, as the board runs
 * for its user; a locale that cannot be set fails the test rather than
 * falling back to C unseen. */
static void
enter (const Language *language)
{
  g_setenv ("LANGUAGE", language->lang, TRUE);
  if (setlocale (LC_ALL, language->locale) == NULL)
    g_error ("no locale %s in LOCPATH=%s", language->locale, g_getenv ("LOCPATH"));
}

static void
leave (void)
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("LANGUAGE", "en", TRUE);
}

/* 6 December 2026, a Sunday, 09:30:05 in Almaty (UTC+5). */
static GDateTime *
moment (void)
{
  g_autoptr(GTimeZone) almaty = g_time_zone_new_identifier ("+05:00");

  return g_date_time_new (almaty, 2026, 12, 6, 9, 30, 5);
}

/* The header's clock: day, month, year and the time to the second. */
static void
test_clock (gconstpointer data)
{
  const Language *language = data;
  g_autoptr(GDateTime) now = moment ();
  g_autofree char *text = NULL;

  enter (language);
  text = dozor_format_header_clock (now);
  leave ();
  g_test_message ("%s: %s", language->locale, text);
  g_assert_cmpstr (text, ==, "06.12.2026  09:30:05");
}

/* A register's or a handover's time: the locale's date, 24-hour minutes.
 * American English is there too: its dates were written day first, as
 * Russian ones, before (06.12.2026 beside the header's 12/06/2026). */
static void
test_local_minute (gconstpointer data)
{
  const Language *language = data;
  g_autofree char *text = NULL;
  g_autofree char *none = NULL;

  enter (language);
  text = dozor_format_local_minute ("2026-12-06T09:30:05Z", NULL);
  none = dozor_format_local_minute ("yesterday", "yesterday");
  leave ();
  g_test_message ("%s: %s", language->locale, text);
  g_assert_cmpstr (text, ==, g_str_equal (language->lang, "en") ? "12/06/2026 09:30" : "06.12.2026 09:30");
  g_assert_cmpstr (none, ==, "yesterday");
}

/* The wall's big clock and its ticker's times read alike: the locale's
 * clock, with and without the seconds. The English wall once showed
 * "01:23:03 PM" above a ticker's "13:22". */
static void
test_wall_clock (gconstpointer data)
{
  const Language *language = data;
  g_autoptr(GTimeZone) almaty = g_time_zone_new_identifier ("+05:00");
  g_autoptr(GDateTime) afternoon = g_date_time_new (almaty, 2026, 12, 6, 13, 22, 3);
  g_autofree char *clock = NULL;
  g_autofree char *minute = NULL;

  enter (language);
  clock = dozor_format_local_clock (afternoon, TRUE);
  minute = dozor_format_local_clock (afternoon, FALSE);
  leave ();
  g_test_message ("%s: %s, %s", language->locale, clock, minute);
  if (g_str_equal (language->lang, "en"))
    {
      g_assert_cmpstr (clock, ==, "01:22:03 PM");
      g_assert_cmpstr (minute, ==, "01:22 PM");
    }
  else
    {
      g_assert_cmpstr (clock, ==, "13:22:03");
      g_assert_cmpstr (minute, ==, "13:22");
    }
}

/* A number and its unit joined by a no-break space wherever the boards
 * show one, even where the catalogue wrote a plain one: the wall's
 * "longest 57 s" ("57 с" in Kazakh broke after "57"), and on the desk the
 * queue's ages, the dispatch confirmation's road distance and driving
 * time, the nearest units' distances, the plan's cover time, the
 * deviations' kilometres. Each of them is made by one of these. */
static void
test_unbroken (gconstpointer data)
{
  const Language *language = data;
  gboolean english = g_str_equal (language->lang, "en");
  const char *expected[] = {
    english ? "57 s" : "57 с",
    english ? "5 min" : "5 мин",
    NULL,
    english ? "16 min" : "16 мин",
    english ? "600 m" : "600 м",
    /* In the locale's numbers: a decimal comma in Russian and Kazakh. */
    english ? "6.0 km" : "6,0 км",
    english ? "8 min 12 s" : "8 мин 12 с",
    NULL,
  };
  char *texts[G_N_ELEMENTS (expected)];

  enter (language);
  texts[0] = dozor_format_age (57 * G_USEC_PER_SEC);
  texts[1] = dozor_format_age (300 * G_USEC_PER_SEC);
  texts[2] = dozor_format_age (G_GINT64_CONSTANT (3) * 3600 * G_USEC_PER_SEC);
  texts[3] = dozor_format_minutes (16);
  texts[4] = dozor_format_distance (600);
  texts[5] = dozor_format_distance (6040);
  texts[6] = dozor_format_duration (492);
  texts[7] = dozor_format_duration (3 * 3600 + 5 * 60);
  leave ();

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *text = texts[i];
      g_auto(GStrv) parts = NULL;
      g_autofree char *plain = NULL;

      g_test_message ("%s: %s", language->locale, text);
      g_assert_null (strchr (text, ' '));
      g_assert_nonnull (strstr (text, "\u00a0"));
      if (expected[i] == NULL)
        continue;
      /* The expected texts are written with plain spaces, for reading. */
      parts = g_strsplit (text, "\u00a0", -1);
      plain = g_strjoinv (" ", parts);
      g_assert_cmpstr (plain, ==, expected[i]);
    }
}

/* The wall's date under its clock, through the catalogue as the wall
 * formats it: in Russian the weekday, the day, the month's name in the
 * genitive and the year; in Kazakh the year first, with "ж." for жыл, then
 * the day, the month and the weekday. */
static void
test_long_date (gconstpointer data)
{
  const Language *language = data;
  g_autoptr(GDateTime) now = moment ();
  g_autofree char *text = NULL;
  g_autofree char *folded = NULL;

  enter (language);
  /* The wall's own message (dozor-wall-figures-view.c). */
  text = g_date_time_format (now, g_dgettext (GETTEXT_PACKAGE, "%A, %-d %B %Y"));
  leave ();
  g_assert_nonnull (text);
  g_test_message ("%s: %s", language->locale, text);
  folded = g_utf8_strdown (text, -1);
  if (g_str_equal (language->lang, "ru"))
    g_assert_cmpstr (folded, ==, "воскресенье, 6 декабря 2026");
  else
    g_assert_cmpstr (folded, ==, "2026 ж. 6 желтоқсан, жексенбі");
}

/* The situation's export (the board's Export the Situation…): the places
 * and the incidents where they are. */
static void
test_export (gconstpointer data)
{
  const Language *language = data;
  g_autoptr(JsonNode) snapshot = json_from_string ("{\"places\": [{\"name\": \"Театр им. Абая\", \"kind\": \"camera\","
                                                   " \"location\": {\"lat\": 43.2385, \"lon\": 76.93}}],"
                                                   " \"incidents\": [{\"id\": \"i1\", \"number\": \"20261206-0001\","
                                                   " \"type\": \"theft\", \"priority\": 2, \"status\": \"new\","
                                                   " \"location\": {\"lat\": 43.2567, \"lon\": 76.9286},"
                                                   " \"dispatches\": []}]}",
                                                   NULL);
  JsonObject *object = json_node_get_object (snapshot);
  g_autoptr(DozorGisLayer) places = NULL;
  g_autoptr(DozorGisLayer) incidents = NULL;
  struct
  {
    DozorGisLayer *layer;
    double lon, lat;
  } expected[2];

  enter (language);
  places = dozor_gis_export_places (object);
  incidents = dozor_gis_export_incidents (json_object_get_array_member (object, "incidents"), FALSE);
  leave ();
  expected[0].layer = places;
  expected[0].lon = 76.93;
  expected[0].lat = 43.2385;
  expected[1].layer = incidents;
  expected[1].lon = 76.9286;
  expected[1].lat = 43.2567;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *geometry = NULL;
      g_autoptr(JsonNode) node = NULL;
      JsonArray *coordinates;

      g_assert_cmpuint (dozor_gis_layer_get_n_features (expected[i].layer), ==, 1);
      geometry = dozor_gis_layer_get_geometry_json (expected[i].layer, 0);
      g_test_message ("%s, %s: %s", language->locale, dozor_gis_layer_get_name (expected[i].layer), geometry);
      node = json_from_string (geometry, NULL);
      g_assert_nonnull (node);
      coordinates = json_object_get_array_member (json_node_get_object (node), "coordinates");
      g_assert_cmpuint (json_array_get_length (coordinates), ==, 2);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (coordinates, 0), expected[i].lon, 1e-6);
      g_assert_cmpfloat_with_epsilon (json_array_get_double_element (coordinates, 1), expected[i].lat, 1e-6);
    }
}

/* dozord itself in the locale: a repeated call's match, with its distance
 * and the window in hours, is JSON the board can read. */
static void
test_matches (Server        *server,
              gconstpointer  data)
{
  const Language *language = data;
  static const char *const window[] = { "--repeat-window", "2.5", NULL };
  g_autofree char *token = NULL;
  g_autofree char *incident = NULL;
  JsonObject *body;
  JsonArray *matches;
  JsonObject *match;

  server_stop (server, SIGTERM);
  g_setenv ("LC_ALL", language->locale, TRUE);
  server_start_args (server, window);
  g_unsetenv ("LC_ALL");
  token = login (server, "sup");
  incident = create_incident (server, token);

  {
    /* 50 m north of the incident at Republic Square (43.2389, 76.9453). */
    g_auto(Answer) answer = request (server, "GET", "/api/v1/incidents/matches?lat=43.2393497&lon=76.9453", token,
                                     NULL, NULL, NULL);

    g_assert_cmpuint (answer.status, ==, 200);
    if (answer.body == NULL)
      g_error ("dozord in %s answered matches with no JSON", language->locale);
    body = json_node_get_object (answer.body);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (body, "window_h"), 2.5, 1e-9);
    matches = json_object_get_array_member (body, "matches");
    g_assert_cmpuint (json_array_get_length (matches), ==, 1);
    match = json_array_get_object_element (matches, 0);
    g_test_message ("%s: %.1f m", language->locale, json_object_get_double_member (match, "distance_m"));
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (match, "distance_m"), 50.0, 1.0);
  }
}

/* The fixture's users and dozord, started in the C locale first. */
static void
setup (Server        *server,
       gconstpointer  data)
{
  server_setup (server, NULL);
}

int
main (int   argc,
      char *argv[])
{
  /* Server times shown in UTC, whatever the machine's zone. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  server_fixture_init ();
  g_assert_nonnull (g_getenv ("LOCPATH"));
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DOZOR_LOCALE_DIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    {
      const Language *language = &languages[i];
      g_autofree char *clock = g_strdup_printf ("/locale/%s/clock", language->lang);
      g_autofree char *long_date = g_strdup_printf ("/locale/%s/long-date", language->lang);
      g_autofree char *export = g_strdup_printf ("/locale/%s/export", language->lang);
      g_autofree char *matches = g_strdup_printf ("/locale/%s/matches", language->lang);
      g_autofree char *minute = g_strdup_printf ("/locale/%s/local-minute", language->lang);
      g_autofree char *wall_clock = g_strdup_printf ("/locale/%s/wall-clock", language->lang);
      g_autofree char *unbroken = g_strdup_printf ("/locale/%s/unbroken", language->lang);

      g_test_add_data_func (clock, language, test_clock);
      g_test_add_data_func (long_date, language, test_long_date);
      g_test_add_data_func (minute, language, test_local_minute);
      g_test_add_data_func (wall_clock, language, test_wall_clock);
      g_test_add_data_func (unbroken, language, test_unbroken);
      g_test_add_data_func (export, language, test_export);
      g_test_add (matches, Server, language, setup, test_matches, server_teardown);
    }
  g_test_add_data_func ("/locale/en/local-minute", &american, test_local_minute);
  g_test_add_data_func ("/locale/en/wall-clock", &american, test_wall_clock);
  g_test_add_data_func ("/locale/en/unbroken", &american, test_unbroken);
  return g_test_run ();
}
