/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What "changed" tells of units: a fix that only moves a unit is
 * DOZOR_SITUATION_UNITS alone, which the map draws at its pace of moves;
 * anything a control room must see at once (a status, a call sign, a new
 * unit, a fix lost, a unit reporting again after a silence) adds
 * DOZOR_SITUATION_UNIT_STATES, which the map draws at once.
 */
#include "config.h"

#include <math.h>

#include "dozor-situation.h"

#define EIGHT_O_CLOCK (G_GINT64_CONSTANT (1795334400) * G_USEC_PER_SEC) /* 2026-11-22T08:00:00Z */

static DozorSituation *
situation_at_10 (void)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = json_from_string (
    "{\"as_of_seq\":10,\"readiness\":{\"level\":\"normal\"},"
    "\"units\":[{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"kind\":\"car\",\"status\":\"available\","
    "\"position\":{\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-11-22T08:00:00Z\"},\"version\":3}],"
    "\"incidents\":[],\"dispatches\":[],\"zones\":[],\"routes\":[]}", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (snapshot);
  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  return situation;
}

static void
changed_cb (DozorSituation *situation,
            guint           what,
            guint          *seen)
{
  *seen |= what;
}

/* What one event tells, applied as the stream sends it. */
static guint
apply (DozorSituation *situation,
       gint64          seq,
       const char     *type,
       const char     *unit)
{
  g_autofree char *text = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"%s\",\"unit\":%s}", seq, type,
                                           unit);
  g_autoptr(JsonNode) event = json_from_string (text, NULL);
  guint seen = 0;
  gulong handler = g_signal_connect (situation, "changed", G_CALLBACK (changed_cb), &seen);

  g_assert_nonnull (event);
  g_assert_cmpint (dozor_situation_apply_event (situation, event), ==, DOZOR_APPLY_APPLIED);
  g_signal_handler_disconnect (situation, handler);
  return seen;
}

static void
test_events (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();

  g_assert_cmpuint (apply (situation, 11, "unit.position",
                           "{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"available\",\"version\":3,"
                           "\"position\":{\"lat\":43.21,\"lon\":76.9,\"time\":\"2026-11-22T08:00:05Z\"}}"),
                    ==, DOZOR_SITUATION_UNITS);
  g_assert_cmpuint (apply (situation, 12, "unit.updated",
                           "{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"dispatched\",\"version\":4,"
                           "\"position\":{\"lat\":43.21,\"lon\":76.9,\"time\":\"2026-11-22T08:00:05Z\"}}"),
                    ==, DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES);
  g_assert_cmpuint (apply (situation, 13, "unit.position",
                           "{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"dispatched\",\"version\":4,"
                           "\"position\":{\"lat\":43.22,\"lon\":76.9,\"time\":\"2026-11-22T08:00:10Z\"}}"),
                    ==, DOZOR_SITUATION_UNITS);
  /* A new call sign is what the map labels. */
  g_assert_cmpuint (apply (situation, 14, "unit.updated",
                           "{\"id\":\"u1\",\"call_sign\":\"Барыс-11\",\"status\":\"dispatched\",\"version\":5,"
                           "\"position\":{\"lat\":43.22,\"lon\":76.9,\"time\":\"2026-11-22T08:00:10Z\"}}"),
                    ==, DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES);
  /* Two minutes of silence made the fix stale: the next one un-greys it. */
  g_assert_cmpuint (apply (situation, 15, "unit.position",
                           "{\"id\":\"u1\",\"call_sign\":\"Барыс-11\",\"status\":\"dispatched\",\"version\":5,"
                           "\"position\":{\"lat\":43.23,\"lon\":76.9,\"time\":\"2026-11-22T08:02:10Z\"}}"),
                    ==, DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES);
  /* A unit the board did not know. */
  g_assert_cmpuint (apply (situation, 16, "unit.created",
                           "{\"id\":\"u2\",\"call_sign\":\"Барыс-02\",\"status\":\"available\",\"version\":1,"
                           "\"position\":null}"),
                    ==, DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES);
  /* Its first fix. */
  g_assert_cmpuint (apply (situation, 17, "unit.position",
                           "{\"id\":\"u2\",\"call_sign\":\"Барыс-02\",\"status\":\"available\",\"version\":1,"
                           "\"position\":{\"lat\":43.3,\"lon\":76.9,\"time\":\"2026-11-22T08:02:10Z\"}}"),
                    ==, DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES);
  g_assert_cmpstr (dozor_situation_get_unit (situation, "u1")->call_sign, ==, "Барыс-11");
}

static DozorUnitFix
fix (const char *status,
     double      lat,
     int         seconds,
     gint64      seq)
{
  DozorUnitFix fix = { "u1", "Барыс-01", status, TRUE, lat, 76.9, NAN, NAN, EIGHT_O_CLOCK + seconds * G_USEC_PER_SEC,
                       "", 3, seq };

  return fix;
}

/* A run of positions as DozorStreamDecoder hands it over: one "changed",
 * which says a state changed if any fix of the run changed one. */
static void
test_runs (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  DozorUnitFix moves[] = { fix ("available", 43.21, 5, 11), fix ("available", 43.22, 10, 12) };
  DozorUnitFix busy[] = { fix ("available", 43.23, 15, 13), fix ("busy", 43.24, 20, 14),
                          fix ("busy", 43.25, 25, 15) };
  guint seen = 0;

  g_signal_connect (situation, "changed", G_CALLBACK (changed_cb), &seen);
  g_assert_cmpint (dozor_situation_apply_fixes (situation, moves, G_N_ELEMENTS (moves), 11, 12), ==,
                   DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (seen, ==, DOZOR_SITUATION_UNITS);
  seen = 0;
  g_assert_cmpint (dozor_situation_apply_fixes (situation, busy, G_N_ELEMENTS (busy), 13, 15), ==,
                   DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (seen, ==, DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES);
  g_assert_cmpstr (dozor_situation_get_unit (situation, "u1")->status, ==, "busy");
  g_assert_cmpfloat (dozor_situation_get_unit (situation, "u1")->lat, ==, 43.25);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/situation-moves/events", test_events);
  g_test_add_func ("/situation-moves/runs", test_runs);
  return g_test_run ();
}
