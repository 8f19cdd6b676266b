/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The escalation rule the desk and the wall share: when an incident waits
 * too long unassigned (the desk), when it still has nobody on scene (the
 * wall), and when a unit stays on scene too long.
 */
#include "config.h"

#include "dozor-escalation.h"

#define MIN_US ((gint64) 60 * G_USEC_PER_SEC)

/* Now, and limits of 10, 20, 40 and 90 minutes; an hour on scene. */
static const gint64 now = G_GINT64_CONSTANT (1800000000) * G_USEC_PER_SEC;

static void
test_defaults (void)
{
  DozorEscalation rule;

  dozor_escalation_init_defaults (&rule);
  g_assert_cmpint (rule.wait_limit_s[0], ==, 10 * 60);
  g_assert_cmpint (rule.wait_limit_s[1], ==, 20 * 60);
  g_assert_cmpint (rule.wait_limit_s[2], ==, 40 * 60);
  g_assert_cmpint (rule.wait_limit_s[3], ==, 90 * 60);
  g_assert_cmpint (rule.on_scene_long_s, ==, 60 * 60);
}

/* The case: a P1 assault 16 minutes old, a P2 accident 38. */
static void
test_overdue_unassigned (void)
{
  DozorEscalation rule;

  dozor_escalation_init_defaults (&rule);
  g_assert_true (dozor_escalation_incident_overdue (&rule, 1, "new", now - 16 * MIN_US, now));
  g_assert_true (dozor_escalation_incident_overdue (&rule, 2, "new", now - 38 * MIN_US, now));
  /* Within the limit, and exactly at it: not yet. */
  g_assert_false (dozor_escalation_incident_overdue (&rule, 1, "new", now - 9 * MIN_US, now));
  g_assert_false (dozor_escalation_incident_overdue (&rule, 1, "new", now - 10 * MIN_US, now));
  g_assert_true (dozor_escalation_incident_overdue (&rule, 1, "new", now - 10 * MIN_US - 1, now));
  g_assert_false (dozor_escalation_incident_overdue (&rule, 3, "new", now - 38 * MIN_US, now));
  /* A unit dispatched: no longer waiting unassigned, on the way or there. */
  g_assert_false (dozor_escalation_incident_overdue (&rule, 1, "dispatched", now - 16 * MIN_US, now));
  g_assert_false (dozor_escalation_incident_overdue (&rule, 1, "on_scene", now - 16 * MIN_US, now));
  /* What cannot be judged never escalates. */
  g_assert_false (dozor_escalation_incident_overdue (&rule, 0, "new", now - 600 * MIN_US, now));
  g_assert_false (dozor_escalation_incident_overdue (&rule, 5, "new", now - 600 * MIN_US, now));
  g_assert_false (dozor_escalation_incident_overdue (&rule, 1, "new", 0, now));
}

/* The wall's measure: nobody on scene yet, so a unit on its way does not
 * stop the clock. */
static void
test_late_on_wall (void)
{
  DozorEscalation rule;

  dozor_escalation_init_defaults (&rule);
  g_assert_true (dozor_escalation_incident_late (&rule, 1, "new", now - 16 * MIN_US, now));
  g_assert_true (dozor_escalation_incident_late (&rule, 1, "dispatched", now - 16 * MIN_US, now));
  g_assert_false (dozor_escalation_incident_late (&rule, 1, "on_scene", now - 16 * MIN_US, now));
  g_assert_false (dozor_escalation_incident_late (&rule, 1, "dispatched", now - 5 * MIN_US, now));
}

/* Limits set per priority (the desk's settings, in seconds) are used as
 * set, and the moment each becomes due is known ahead. */
static void
test_configured (void)
{
  DozorEscalation rule = { .wait_limit_s = { 20, 60, 120, 600 }, .on_scene_long_s = 90 };
  gint64 created = now - 30 * G_USEC_PER_SEC;

  g_assert_true (dozor_escalation_incident_overdue (&rule, 1, "new", created, now));
  g_assert_false (dozor_escalation_incident_overdue (&rule, 2, "new", created, now));
  g_assert_cmpint (dozor_escalation_due_at (&rule, 1, created), ==, created + 20 * G_USEC_PER_SEC);
  g_assert_cmpint (dozor_escalation_due_at (&rule, 2, created), ==, created + 60 * G_USEC_PER_SEC);
  g_assert_false (dozor_escalation_incident_overdue (&rule, 2, "new", created, dozor_escalation_due_at (&rule, 2, created)));
  g_assert_true (dozor_escalation_incident_overdue (&rule, 2, "new", created, dozor_escalation_due_at (&rule, 2, created) + 1));
  g_assert_cmpint (dozor_escalation_due_at (&rule, 7, created), ==, 0);
  g_assert_cmpint (dozor_escalation_due_at (&rule, 1, 0), ==, 0);

  g_assert_false (dozor_escalation_is_long_on_scene (&rule, 90 * G_USEC_PER_SEC));
  g_assert_true (dozor_escalation_is_long_on_scene (&rule, 90 * G_USEC_PER_SEC + 1));
}

static JsonObject *
object (const char *json)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return json_object_ref (json_node_get_object (node));
}

/* The wire has the first arrival per incident; a unit sent later cannot
 * have been there before it was sent. */
static void
test_on_scene_since (void)
{
  g_autoptr(JsonObject) incident = object ("{\"id\":\"i\",\"on_scene_at\":\"2026-12-06T03:00:00Z\"}");
  g_autoptr(JsonObject) first = object ("{\"incident_id\":\"i\",\"created_at\":\"2026-12-06T02:50:00Z\"}");
  g_autoptr(JsonObject) later = object ("{\"incident_id\":\"i\",\"created_at\":\"2026-12-06T03:20:00Z\"}");
  g_autoptr(JsonObject) none = object ("{\"id\":\"i\"}");
  g_autoptr(GDateTime) three = g_date_time_new_utc (2026, 12, 6, 3, 0, 0);
  g_autoptr(GDateTime) twenty = g_date_time_new_utc (2026, 12, 6, 3, 20, 0);

  g_assert_cmpint (dozor_escalation_on_scene_since (first, incident), ==, g_date_time_to_unix (three) * G_USEC_PER_SEC);
  g_assert_cmpint (dozor_escalation_on_scene_since (later, incident), ==, g_date_time_to_unix (twenty) * G_USEC_PER_SEC);
  g_assert_cmpint (dozor_escalation_on_scene_since (first, none), ==, 0);
  g_assert_cmpint (dozor_escalation_on_scene_since (NULL, incident), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/escalation/defaults", test_defaults);
  g_test_add_func ("/escalation/overdue-unassigned", test_overdue_unassigned);
  g_test_add_func ("/escalation/late-on-wall", test_late_on_wall);
  g_test_add_func ("/escalation/configured", test_configured);
  g_test_add_func ("/escalation/on-scene-since", test_on_scene_since);

  return g_test_run ();
}
