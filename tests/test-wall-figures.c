/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's figures on a constructed situation whose answers are known:
 * what a supervisor would count by hand on the map and the incident list.
 */
#include "config.h"

#include "dozor-response-times.h"
#include "dozor-wall-figures.h"
#include "test-json.h"

/* An RFC 3339 time, seconds before now. */
static char *
ago (GDateTime *now,
     int        seconds)
{
  g_autoptr(GDateTime) time = g_date_time_add_seconds (now, -seconds);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
unit (const char *id,
      const char *status,
      const char *fix_time)
{
  if (fix_time == NULL)
    return g_strdup_printf ("{\"id\":\"%s\",\"call_sign\":\"%s\",\"kind\":\"car\",\"status\":\"%s\","
                            "\"position\":null,\"version\":1}", id, id, status);
  return g_strdup_printf ("{\"id\":\"%s\",\"call_sign\":\"%s\",\"kind\":\"car\",\"status\":\"%s\","
                          "\"position\":{\"lat\":43.25,\"lon\":76.9,\"time\":\"%s\"},\"version\":1}",
                          id, id, status, fix_time);
}

static char *
incident (const char *id,
          const char *status,
          int         priority,
          const char *created_at,
          const char *on_scene_at)
{
  g_autofree char *arrival = on_scene_at != NULL ? g_strdup_printf ("\"%s\"", on_scene_at) : g_strdup ("null");

  return g_strdup_printf ("{\"id\":\"%s\",\"type\":\"theft\",\"priority\":%d,\"status\":\"%s\","
                          "\"location\":{\"lat\":43.25,\"lon\":76.95},\"created_at\":\"%s\","
                          "\"on_scene_at\":%s,\"version\":1}",
                          id, priority, status, created_at, arrival);
}

/* Noon, so that every "ago" below stays within today in any zone. */
static GDateTime *
noon (void)
{
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("Asia/Almaty");
  g_autoptr(GDateTime) now = NULL;

  if (zone == NULL)
    zone = g_time_zone_new_utc ();
  now = g_date_time_new_now (zone);

  return g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                          g_date_time_get_month (now), g_date_time_get_day_of_month (now), 12, 0, 0);
}

/* Counts by status, stale units apart, off duty not at all; incidents by
 * priority; the oldest unassigned one's wait. */
static void
test_counts (void)
{
  g_autoptr(GDateTime) now = noon ();
  g_autofree char *fresh = ago (now, 10), *old = ago (now, 600);
  g_autofree char *u1 = unit ("u1", "available", fresh), *u2 = unit ("u2", "available", fresh);
  g_autofree char *u3 = unit ("u3", "available", old), *u4 = unit ("u4", "en_route", fresh);
  g_autofree char *u5 = unit ("u5", "on_scene", fresh), *u6 = unit ("u6", "dispatched", NULL);
  g_autofree char *u7 = unit ("u7", "off_duty", old), *u8 = unit ("u8", "busy", fresh);
  g_autofree char *t1 = ago (now, 1200), *t2 = ago (now, 300), *t3 = ago (now, 60);
  g_autofree char *i1 = incident ("i1", "new", 1, t1, NULL), *i2 = incident ("i2", "new", 3, t2, NULL);
  g_autofree char *i3 = incident ("i3", "dispatched", 1, t3, NULL);
  g_autofree char *i4 = incident ("i4", "on_scene", 2, t1, t2);
  g_autofree char *text = g_strdup_printf ("{\"as_of_seq\":5,\"readiness\":{\"level\":\"normal\"},"
                                           "\"units\":[%s,%s,%s,%s,%s,%s,%s,%s],\"incidents\":[%s,%s,%s,%s],"
                                           "\"dispatches\":[],\"zones\":[],\"routes\":[]}",
                                           u1, u2, u3, u4, u5, u6, u7, u8, i1, i2, i3, i4);
  g_autoptr(JsonNode) snapshot = parse_json (text);
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GError) error = NULL;
  DozorWallFigures figures;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  dozor_wall_figures_compute (&figures, situation, NULL, now);

  /* u3's fix is ten minutes old, u6 never sent one: stale, whatever their
   * status says. u7 is off duty and not a force at hand. */
  g_assert_cmpuint (figures.available, ==, 2);
  g_assert_cmpuint (figures.dispatched, ==, 0);
  g_assert_cmpuint (figures.en_route, ==, 1);
  g_assert_cmpuint (figures.on_scene, ==, 1);
  g_assert_cmpuint (figures.busy, ==, 1);
  g_assert_cmpuint (figures.stale, ==, 2);

  g_assert_cmpuint (figures.open_incidents, ==, 4);
  g_assert_cmpuint (figures.open_by_priority[0], ==, 2);
  g_assert_cmpuint (figures.open_by_priority[1], ==, 1);
  g_assert_cmpuint (figures.open_by_priority[2], ==, 1);
  g_assert_cmpuint (figures.open_by_priority[3], ==, 0);
  g_assert_cmpuint (figures.unassigned, ==, 2);
  g_assert_cmpint (figures.oldest_unassigned_s, ==, 1200);
  g_assert_cmpuint (figures.today.arrivals, ==, 0);
}

/* Registration to arrival, today: an incident counts once however often
 * it is seen, also after it closed and left the situation; yesterday's
 * do not count; the 90th percentile is a time that happened. */
static void
test_response_times (void)
{
  g_autoptr(GDateTime) now = noon ();
  g_autoptr(DozorResponseTimes) times = dozor_response_times_new ();
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = parse_json ("{\"as_of_seq\":1,\"readiness\":{\"level\":\"normal\"},\"units\":[],"
                                        "\"incidents\":[],\"dispatches\":[],\"zones\":[],\"routes\":[]}");
  g_autoptr(GError) error = NULL;
  DozorWallFigures figures;
  /* Ten of today's incidents reached after 1 … 10 minutes. */
  for (int i = 1; i <= 10; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%d", i);
      g_autofree char *created = ago (now, 3 * 3600 + i * 60);
      g_autofree char *arrived = ago (now, 3 * 3600);
      g_autofree char *text = incident (id, "closed", 2, created, arrived);
      g_autoptr(JsonNode) node = parse_json (text);

      dozor_response_times_add (times, json_node_get_object (node));
      /* Seen again, as the history and then an event would show it. */
      dozor_response_times_add (times, json_node_get_object (node));
    }
  /* Yesterday's, and today's that nobody has reached yet. */
  {
    g_autofree char *yesterday = ago (now, 13 * 3600), *later = ago (now, 13 * 3600 - 30);
    g_autofree char *waiting = ago (now, 120);
    g_autofree char *old = incident ("y1", "closed", 1, yesterday, later);
    g_autofree char *open = incident ("w1", "new", 1, waiting, NULL);
    g_autoptr(JsonNode) old_node = parse_json (old);
    g_autoptr(JsonNode) open_node = parse_json (open);

    dozor_response_times_add (times, json_node_get_object (old_node));
    dozor_response_times_add (times, json_node_get_object (open_node));
  }
  g_assert_cmpuint (dozor_response_times_get_size (times), ==, 12);

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  dozor_wall_figures_compute (&figures, situation, times, now);
  g_assert_cmpuint (figures.today.arrivals, ==, 10);
  g_assert_cmpfloat_with_epsilon (figures.today.mean_s, 330.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (figures.today.p90_s, 540.0, 1e-6);

  /* The waiting one is reached after 2 minutes: 11 arrivals, the p90 is
   * now the 10th of 11 sorted (ceil (9.9)). */
  {
    g_autofree char *waiting = ago (now, 120);
    g_autofree char *arrived = ago (now, 0);
    g_autofree char *text = incident ("w1", "on_scene", 1, waiting, arrived);
    g_autoptr(JsonNode) node = parse_json (text);

    dozor_response_times_add (times, json_node_get_object (node));
  }
  dozor_wall_figures_compute (&figures, situation, times, now);
  g_assert_cmpuint (figures.today.arrivals, ==, 11);
  g_assert_cmpfloat_with_epsilon (figures.today.mean_s, (3300.0 + 120.0) / 11, 1e-6);
  g_assert_cmpfloat_with_epsilon (figures.today.p90_s, 540.0, 1e-6);

  /* An arrival stamped before the call is not a response time. */
  {
    g_autofree char *created = ago (now, 60), *before = ago (now, 600);
    g_autofree char *text = incident ("bad", "on_scene", 1, created, before);
    g_autoptr(JsonNode) node = parse_json (text);

    dozor_response_times_add (times, json_node_get_object (node));
  }
  dozor_wall_figures_compute (&figures, situation, times, now);
  g_assert_cmpuint (figures.today.arrivals, ==, 11);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/wall-figures/counts", test_counts);
  g_test_add_func ("/wall-figures/response-times", test_response_times);
  return g_test_run ();
}
