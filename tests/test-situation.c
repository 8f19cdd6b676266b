/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dozor-situation.h"

static JsonNode *
parse (const char *text)
{
  JsonNode *node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return node;
}

static DozorApplyResult
apply (DozorSituation *situation,
       const char     *text)
{
  g_autoptr(JsonNode) event = parse (text);

  return dozor_situation_apply_event (situation, event);
}

static DozorSituation *
situation_at_10 (void)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = parse (
    "{\"as_of_seq\":10,\"readiness\":{\"level\":\"normal\"},"
    "\"units\":[{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"kind\":\"car\",\"status\":\"available\","
    "\"position\":{\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-11-22T08:00:00Z\",\"speed\":10,\"heading\":90},\"version\":3},"
    "{\"id\":\"u2\",\"call_sign\":\"Барыс-02\",\"kind\":\"car\",\"status\":\"available\",\"position\":null,\"version\":1}],"
    "\"incidents\":[{\"id\":\"i1\",\"status\":\"new\",\"version\":1}],"
    "\"dispatches\":[],\"zones\":[],\"routes\":[]}");
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  return situation;
}

static void
test_snapshot (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  DozorUnit *u1 = dozor_situation_get_unit (situation, "u1");
  DozorUnit *u2 = dozor_situation_get_unit (situation, "u2");

  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 10);
  g_assert_cmpuint (dozor_situation_get_units (situation)->len, ==, 2);
  g_assert_true (u1->has_fix);
  g_assert_cmpfloat (u1->lat, ==, 43.2);
  g_assert_cmpint (u1->fix_time, ==, (gint64) 1795334400 * G_USEC_PER_SEC);
  g_assert_false (u2->has_fix);
  g_assert_nonnull (dozor_situation_get_entity (situation, "incident", "i1"));
}

/* Events apply in seq order only: a repeat changes nothing, a skip is
 * refused so the caller resumes from the last seq it has. */
static void
test_order_gap_and_repeat (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  static const char move_11[] =
    "{\"seq\":11,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"available\","
    "\"position\":{\"lat\":43.3,\"lon\":76.95,\"time\":\"2026-11-22T08:00:05Z\"},\"version\":3}}";
  static const char move_13[] =
    "{\"seq\":13,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"available\","
    "\"position\":{\"lat\":43.5,\"lon\":76.95,\"time\":\"2026-11-22T08:00:15Z\"},\"version\":3}}";
  static const char dispatched_12[] =
    "{\"seq\":12,\"type\":\"unit.updated\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"dispatched\","
    "\"position\":{\"lat\":43.4,\"lon\":76.95,\"time\":\"2026-11-22T08:00:10Z\"},\"version\":4}}";
  static const char old_10[] =
    "{\"seq\":10,\"type\":\"unit.updated\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"X\",\"status\":\"off_duty\",\"version\":9}}";

  g_assert_cmpint (apply (situation, move_11), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpfloat (dozor_situation_get_unit (situation, "u1")->lat, ==, 43.3);

  g_assert_cmpint (apply (situation, move_13), ==, DOZOR_APPLY_GAP);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 11);
  g_assert_cmpfloat (dozor_situation_get_unit (situation, "u1")->lat, ==, 43.3);

  g_assert_cmpint (apply (situation, dispatched_12), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (apply (situation, dispatched_12), ==, DOZOR_APPLY_DUPLICATE);
  g_assert_cmpint (apply (situation, old_10), ==, DOZOR_APPLY_DUPLICATE);
  g_assert_cmpint (apply (situation, move_11), ==, DOZOR_APPLY_DUPLICATE);
  g_assert_cmpstr (dozor_situation_get_unit (situation, "u1")->status, ==, "dispatched");
  g_assert_cmpint (dozor_situation_get_unit (situation, "u1")->version, ==, 4);

  g_assert_cmpint (apply (situation, move_13), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpfloat (dozor_situation_get_unit (situation, "u1")->lat, ==, 43.5);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 13);
}

/* Closed incidents and ended dispatches leave the board, as in a snapshot. */
static void
test_lifecycle (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();

  g_assert_cmpint (apply (situation, "{\"seq\":11,\"type\":\"dispatch.created\",\"dispatch\":{\"id\":\"d1\","
                                     "\"unit_id\":\"u1\",\"incident_id\":\"i1\",\"status\":\"active\"}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_nonnull (dozor_situation_get_entity (situation, "dispatch", "d1"));
  g_assert_cmpint (apply (situation, "{\"seq\":12,\"type\":\"dispatch.ended\",\"dispatch\":{\"id\":\"d1\","
                                     "\"unit_id\":\"u1\",\"incident_id\":\"i1\",\"status\":\"completed\"}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_entity (situation, "dispatch", "d1"));
  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"incident.updated\",\"incident\":{\"id\":\"i1\","
                                     "\"status\":\"closed\",\"version\":4}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_entity (situation, "incident", "i1"));
  g_assert_cmpint (apply (situation, "{\"seq\":14,\"type\":\"readiness.changed\",\"readiness\":{\"level\":\"high\"}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpstr (dozor_situation_get_readiness (situation), ==, "high");
  g_assert_cmpint (apply (situation, "{\"seq\":15,\"type\":\"zone.created\",\"zone\":{\"id\":\"z1\",\"kind\":\"district\"}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (apply (situation, "{\"seq\":16,\"type\":\"zone.deleted\",\"zone\":{\"id\":\"z1\",\"kind\":\"district\"}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_entity (situation, "zone", "z1"));
}

/* A reset means a new snapshot, which replaces everything, seq included. */
static void
test_new_snapshot_replaces (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  g_autoptr(JsonNode) later = parse ("{\"as_of_seq\":500,\"units\":[{\"id\":\"u9\",\"call_sign\":\"Қыран-01\","
                                     "\"status\":\"busy\",\"position\":null,\"version\":1}],\"incidents\":[]}");

  g_assert_true (dozor_situation_load_snapshot (situation, later, NULL));
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 500);
  g_assert_null (dozor_situation_get_unit (situation, "u1"));
  g_assert_nonnull (dozor_situation_get_unit (situation, "u9"));
  g_assert_null (dozor_situation_get_entity (situation, "incident", "i1"));
}

/* What a board does not understand it skips without harm. */
static void
test_hostile_events (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  static const char *const bad[] = {
    "[]", "{\"seq\":11}", "{\"type\":\"unit.updated\"}", "{\"seq\":\"11\",\"type\":\"unit.updated\"}",
    "{\"seq\":11.5,\"type\":\"unit.updated\"}",
  };
  g_autoptr(JsonNode) not_snapshot = parse ("{\"units\":[]}");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_cmpint (apply (situation, bad[i]), ==, DOZOR_APPLY_INVALID);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 10);

  /* A kind from a newer server, or a unit without an id: the seq moves on. */
  g_assert_cmpint (apply (situation, "{\"seq\":11,\"type\":\"weather.changed\",\"weather\":{}}"), ==, DOZOR_APPLY_INVALID);
  g_assert_cmpint (apply (situation, "{\"seq\":12,\"type\":\"unit.updated\",\"unit\":{\"status\":\"busy\"}}"),
                   ==, DOZOR_APPLY_INVALID);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 12);
  /* A fix off the globe is not a fix. */
  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"unit.position\",\"unit\":{\"id\":\"u2\",\"call_sign\":\"B\","
                                     "\"status\":\"available\",\"position\":{\"lat\":95,\"lon\":76,\"time\":\"2026-11-22T08:00:00Z\"}}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_false (dozor_situation_get_unit (situation, "u2")->has_fix);

  g_assert_false (dozor_situation_load_snapshot (situation, not_snapshot, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 13);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/situation/snapshot", test_snapshot);
  g_test_add_func ("/situation/order-gap-and-repeat", test_order_gap_and_repeat);
  g_test_add_func ("/situation/lifecycle", test_lifecycle);
  g_test_add_func ("/situation/new-snapshot-replaces", test_new_snapshot_replaces);
  g_test_add_func ("/situation/hostile-events", test_hostile_events);

  return g_test_run ();
}
