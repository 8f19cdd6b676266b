/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The ticker's sentences, as the room reads them, for a dispatch from call
 * to close, described before each event is applied (as the board does).
 */
#include "config.h"

#include "dozor-event-text.h"
#include "test-json.h"

/* Describes the event, then applies it; returns the sentence. */
static char *
step (DozorSituation *situation,
      GTimeZone      *zone,
      const char     *text)
{
  g_autoptr(JsonNode) event = parse_json (text);
  char *sentence = dozor_event_describe (situation, json_node_get_object (event), zone);

  g_assert_cmpint (dozor_situation_apply_event (situation, event), ==, DOZOR_APPLY_APPLIED);
  return sentence;
}

#define UNIT(status) "{\"id\":\"u1\",\"call_sign\":\"Барыс-16\",\"kind\":\"car\",\"status\":\"" status "\"," \
  "\"position\":{\"lat\":43.25,\"lon\":76.9,\"time\":\"2026-12-06T09:00:00Z\"},\"version\":1}"
#define INCIDENT(status) "{\"id\":\"i1\",\"type\":\"theft\",\"priority\":1,\"status\":\"" status "\"," \
  "\"location\":{\"lat\":43.25,\"lon\":76.95},\"address\":\"пр. Абая, 10\",\"created_at\":\"2026-12-06T08:58:00Z\",\"version\":1}"
#define DISPATCH(status) "{\"id\":\"d1\",\"unit_id\":\"u1\",\"incident_id\":\"i1\",\"status\":\"" status "\"}"

static void
test_dispatch_cycle (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (5 * 3600);
  g_autoptr(JsonNode) snapshot = parse_json ("{\"as_of_seq\":1,\"readiness\":{\"level\":\"normal\"},\"units\":[" UNIT ("available")
                                        "],\"incidents\":[],\"dispatches\":[],\"zones\":[],\"routes\":[]}");
  g_autoptr(GError) error = NULL;
  char *sentence;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));

  sentence = step (situation, zone, "{\"seq\":2,\"type\":\"incident.created\",\"time\":\"2026-12-06T08:58:10Z\",\"incident\":"
                   INCIDENT ("new") "}");
  g_assert_cmpstr (sentence, ==, "13:58 New call: Theft, пр. Абая, 10 (priority 1)");
  g_free (sentence);

  sentence = step (situation, zone, "{\"seq\":3,\"type\":\"dispatch.created\",\"time\":\"2026-12-06T08:59:00Z\",\"dispatch\":"
                   DISPATCH ("active") "}");
  g_assert_cmpstr (sentence, ==, "13:59 Барыс-16 dispatched — Theft, пр. Абая, 10");
  g_free (sentence);
  /* The dispatch's change of status is not news of its own. */
  g_assert_null (step (situation, zone, "{\"seq\":4,\"type\":\"unit.updated\",\"time\":\"2026-12-06T08:59:00Z\",\"unit\":"
                       UNIT ("dispatched") "}"));
  g_assert_null (step (situation, zone, "{\"seq\":5,\"type\":\"incident.updated\",\"time\":\"2026-12-06T08:59:00Z\",\"incident\":"
                       INCIDENT ("dispatched") "}"));
  g_assert_null (step (situation, zone, "{\"seq\":6,\"type\":\"unit.position\",\"time\":\"2026-12-06T09:00:00Z\",\"unit\":"
                       UNIT ("dispatched") "}"));

  sentence = step (situation, zone, "{\"seq\":7,\"type\":\"unit.updated\",\"time\":\"2026-12-06T09:02:30Z\",\"unit\":"
                   UNIT ("on_scene") "}");
  g_assert_cmpstr (sentence, ==, "14:02 Барыс-16 arrived — Theft, пр. Абая, 10");
  g_free (sentence);
  /* Still on scene: told once. */
  g_assert_null (step (situation, zone, "{\"seq\":8,\"type\":\"unit.updated\",\"time\":\"2026-12-06T09:03:00Z\",\"unit\":"
                       UNIT ("on_scene") "}"));

  g_assert_null (step (situation, zone, "{\"seq\":9,\"type\":\"dispatch.ended\",\"time\":\"2026-12-06T09:30:00Z\",\"dispatch\":"
                       DISPATCH ("completed") "}"));
  sentence = step (situation, zone, "{\"seq\":10,\"type\":\"incident.updated\",\"time\":\"2026-12-06T09:30:00Z\",\"incident\":"
                   INCIDENT ("closed") "}");
  g_assert_cmpstr (sentence, ==, "14:30 Closed — Theft, пр. Абая, 10");
  g_free (sentence);
}

static void
test_recall (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();
  g_autoptr(JsonNode) snapshot = parse_json ("{\"as_of_seq\":1,\"readiness\":{\"level\":\"normal\"},\"units\":[" UNIT ("dispatched")
                                        "],\"incidents\":[" INCIDENT ("dispatched") "],\"dispatches\":[" DISPATCH ("active")
                                        "],\"zones\":[],\"routes\":[]}");
  g_autoptr(GError) error = NULL;
  char *sentence;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  sentence = step (situation, zone, "{\"seq\":2,\"type\":\"dispatch.ended\",\"time\":\"2026-12-06T09:10:00Z\",\"dispatch\":"
                   DISPATCH ("cancelled") "}");
  g_assert_cmpstr (sentence, ==, "09:10 Барыс-16 recalled — Theft, пр. Абая, 10");
  g_free (sentence);
}

/* A dispatch to a plan's post has no incident: told as a post. */
static void
test_post (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_utc ();
  g_autoptr(JsonNode) snapshot = parse_json ("{\"as_of_seq\":1,\"readiness\":{\"level\":\"normal\"},\"units\":[" UNIT ("available")
                                        "],\"incidents\":[],\"dispatches\":[],\"zones\":[],\"routes\":[]}");
  g_autoptr(GError) error = NULL;
  char *sentence;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  sentence = step (situation, zone, "{\"seq\":2,\"type\":\"dispatch.created\",\"time\":\"2026-12-06T09:10:00Z\",\"dispatch\":"
                   "{\"id\":\"d9\",\"unit_id\":\"u1\",\"incident_id\":null,\"plan_id\":\"p1\",\"post_id\":\"s1\",\"status\":\"active\"}}");
  g_assert_cmpstr (sentence, ==, "09:10 Барыс-16 dispatched — a post of a plan");
  g_free (sentence);
  sentence = step (situation, zone, "{\"seq\":3,\"type\":\"unit.updated\",\"time\":\"2026-12-06T09:20:00Z\",\"unit\":"
                   UNIT ("on_scene") "}");
  g_assert_cmpstr (sentence, ==, "09:20 Барыс-16 arrived — a post of a plan");
  g_free (sentence);
}

/* A repeated call is news, named by its incident; one about an incident
 * the board does not hold (closed already) is not. */
static void
test_repeated_call (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (5 * 3600);
  g_autoptr(JsonNode) snapshot = parse_json ("{\"as_of_seq\":1,\"readiness\":{\"level\":\"normal\"},\"units\":[],"
                                        "\"incidents\":[" INCIDENT ("new") "],\"dispatches\":[],\"zones\":[],\"routes\":[]}");
  g_autoptr(JsonNode) attached = parse_json ("{\"seq\":2,\"type\":\"call.attached\",\"time\":\"2026-12-06T09:05:00Z\","
                                        "\"call\":{\"id\":\"c1\",\"incident_id\":\"i1\"}}");
  g_autoptr(JsonNode) elsewhere = parse_json ("{\"seq\":3,\"type\":\"call.attached\",\"time\":\"2026-12-06T09:06:00Z\","
                                         "\"call\":{\"id\":\"c2\",\"incident_id\":\"i0\"}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *sentence = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  sentence = dozor_event_describe (situation, json_node_get_object (attached), zone);
  g_assert_cmpstr (sentence, ==, "14:05 Repeated call — Theft, пр. Абая, 10");
  g_assert_null (dozor_event_describe (situation, json_node_get_object (elsewhere), zone));
}

int
main (int   argc,
      char *argv[])
{
  /* The sentences as written in the source: no translation. */
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/event-text/dispatch-cycle", test_dispatch_cycle);
  g_test_add_func ("/event-text/recall", test_recall);
  g_test_add_func ("/event-text/post", test_post);
  g_test_add_func ("/event-text/repeated-call", test_repeated_call);
  return g_test_run ();
}
