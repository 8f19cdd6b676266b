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

/* One event of unit u1 (or @id) with a fix at 08:mm:ss of @time. */
static guint
report (DozorSituation *situation,
        gint64          seq,
        const char     *type,
        const char     *id,
        const char     *call_sign,
        const char     *status,
        double          lat,
        const char     *time)
{
  g_autofree char *position = time == NULL ? g_strdup ("null") :
    g_strdup_printf ("{\"lat\":%.2f,\"lon\":76.9,\"time\":\"2026-11-22T08:%sZ\"}", lat, time);
  g_autofree char *unit = g_strdup_printf ("{\"id\":\"%s\",\"call_sign\":\"%s\",\"status\":\"%s\","
                                           "\"version\":%" G_GINT64_FORMAT ",\"position\":%s}",
                                           id, call_sign, status, seq, position);

  return apply (situation, seq, type, unit);
}

static void
test_events (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  const guint moved = DOZOR_SITUATION_UNITS;
  const guint state = DOZOR_SITUATION_UNITS | DOZOR_SITUATION_UNIT_STATES;

  g_assert_cmpuint (report (situation, 11, "unit.position", "u1", "Барыс-01", "available", 43.21, "00:05"),
                    ==, moved);
  g_assert_cmpuint (report (situation, 12, "unit.updated", "u1", "Барыс-01", "dispatched", 43.21, "00:05"),
                    ==, state);
  g_assert_cmpuint (report (situation, 13, "unit.position", "u1", "Барыс-01", "dispatched", 43.22, "00:10"),
                    ==, moved);
  /* A new call sign is what the map labels. */
  g_assert_cmpuint (report (situation, 14, "unit.updated", "u1", "Барыс-11", "dispatched", 43.22, "00:10"),
                    ==, state);
  /* Two minutes of silence made the fix stale: the next one un-greys it. */
  g_assert_cmpuint (report (situation, 15, "unit.position", "u1", "Барыс-11", "dispatched", 43.23, "02:10"),
                    ==, state);
  /* A unit the board did not know, then its first fix. */
  g_assert_cmpuint (report (situation, 16, "unit.created", "u2", "Барыс-02", "available", 0, NULL),
                    ==, state);
  g_assert_cmpuint (report (situation, 17, "unit.position", "u2", "Барыс-02", "available", 43.3, "02:10"),
                    ==, state);
  g_assert_cmpstr (dozor_situation_get_unit (situation, "u1")->call_sign, ==, "Барыс-11");
  g_assert_cmpfloat (dozor_situation_get_unit (situation, "u1")->lat, ==, 43.23);
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
