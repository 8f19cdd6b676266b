/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dozor-incident-item.h"
#include "dozor-situation.h"
#include "dozor-unit-item.h"
#include "test-json.h"

static DozorApplyResult
apply (DozorSituation *situation,
       const char     *text)
{
  g_autoptr(JsonNode) event = parse_json (text);

  return dozor_situation_apply_event (situation, event);
}

static DozorSituation *
situation_at_10 (void)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = parse_json (
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

static void
count_changes_cb (DozorSituation *situation,
                  guint           what,
                  gpointer        user_data)
{
  guint *readiness_changes = user_data;

  if (what & DOZOR_SITUATION_READINESS)
    (*readiness_changes)++;
}

/* The whole readiness: level, reason, who, since when and the area, which
 * the board draws and tests points against; the local copy keeps it. */
static void
test_readiness (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  g_autoptr(DozorSituation) restored = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = NULL;
  guint readiness_changes = 0;
  JsonObject *readiness;
  DozorCrisisArea *area;

  g_signal_connect (situation, "changed", G_CALLBACK (count_changes_cb), &readiness_changes);
  g_assert_null (dozor_situation_get_crisis_area (situation));
  g_assert_cmpint (apply (situation, "{\"seq\":11,\"type\":\"readiness.changed\",\"readiness\":{\"level\":\"high\","
                                     "\"reason\":\"Митинг\",\"set_by\":\"sup\",\"set_at\":\"2026-11-22T08:15:30Z\","
                                     "\"raised_at\":\"2026-11-22T08:00:00Z\",\"area\":{\"type\":\"Circle\","
                                     "\"center\":[76.9453,43.2389],\"radius_m\":1000}}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (readiness_changes, ==, 1);
  g_assert_cmpstr (dozor_situation_get_readiness (situation), ==, "high");
  readiness = dozor_situation_get_readiness_object (situation);
  g_assert_cmpstr (json_object_get_string_member (readiness, "reason"), ==, "Митинг");
  g_assert_cmpstr (json_object_get_string_member (readiness, "set_by"), ==, "sup");
  g_assert_cmpstr (json_object_get_string_member (readiness, "raised_at"), ==, "2026-11-22T08:00:00Z");
  area = dozor_situation_get_crisis_area (situation);
  g_assert_nonnull (area);
  g_assert_true (dozor_crisis_area_is_circle (area));
  /* 500 m from the centre lies inside, 1.5 km does not (0.0135° of latitude ≈ 1.5 km). */
  g_assert_true (dozor_crisis_area_contains (area, 76.9453, 43.2389 + 0.0045));
  g_assert_false (dozor_crisis_area_contains (area, 76.9453, 43.2389 + 0.0135));

  /* Through the local copy's snapshot and back: all of it. */
  snapshot = dozor_situation_to_snapshot (situation);
  g_assert_true (dozor_situation_load_snapshot (restored, snapshot, NULL));
  g_assert_cmpstr (dozor_situation_get_readiness (restored), ==, "high");
  g_assert_true (json_node_equal (json_object_get_member (dozor_situation_get_readiness_object (restored), "area"),
                                  json_object_get_member (readiness, "area")));
  g_assert_cmpstr (json_object_get_string_member (dozor_situation_get_readiness_object (restored), "reason"), ==,
                   "Митинг");
  g_assert_nonnull (dozor_situation_get_crisis_area (restored));

  /* A polygon; a point inside, one outside. */
  g_assert_cmpint (apply (situation, "{\"seq\":12,\"type\":\"readiness.changed\",\"readiness\":{\"level\":\"full\","
                                     "\"reason\":\"x\",\"area\":{\"type\":\"Polygon\",\"coordinates\":"
                                     "[[[76.9,43.2],[77.0,43.2],[77.0,43.3],[76.9,43.3],[76.9,43.2]]]}}}"),
                   ==, DOZOR_APPLY_APPLIED);
  area = dozor_situation_get_crisis_area (situation);
  g_assert_false (dozor_crisis_area_is_circle (area));
  g_assert_true (dozor_crisis_area_contains (area, 76.95, 43.25));
  g_assert_false (dozor_crisis_area_contains (area, 77.05, 43.25));

  /* Lowered: no area. */
  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"readiness.changed\",\"readiness\":{\"level\":\"normal\","
                                     "\"reason\":null,\"area\":null}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (readiness_changes, ==, 3);
  g_assert_cmpstr (dozor_situation_get_readiness (situation), ==, "normal");
  g_assert_null (dozor_situation_get_crisis_area (situation));
}

/* A reset means a new snapshot, which replaces everything, seq included. */
static void
test_new_snapshot_replaces (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  g_autoptr(JsonNode) later = parse_json ("{\"as_of_seq\":500,\"units\":[{\"id\":\"u9\",\"call_sign\":\"Қыран-01\","
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
  g_autoptr(JsonNode) not_snapshot = parse_json ("{\"units\":[]}");
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

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

/* The lists a supervisor reads follow the events: a status change
 * notifies its row, a mere position does not, and a closed incident leaves
 * the queue. */
static void
test_list_models (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  GListModel *units = dozor_situation_get_unit_model (situation);
  GListModel *incidents = dozor_situation_get_incident_model (situation);
  g_autoptr(DozorUnitItem) u1 = NULL;
  g_autoptr(DozorIncidentItem) i1 = NULL;
  guint status_notifies = 0;
  double lat;

  g_assert_cmpuint (g_list_model_get_n_items (units), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (incidents), ==, 1);
  u1 = g_list_model_get_item (units, 0);
  g_assert_cmpstr (dozor_unit_item_get_call_sign (u1), ==, "Барыс-01");
  g_signal_connect (u1, "notify::status", G_CALLBACK (count_notify), &status_notifies);

  g_assert_cmpint (apply (situation,
    "{\"seq\":11,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"available\","
    "\"position\":{\"lat\":43.3,\"lon\":76.95,\"time\":\"2026-11-22T08:00:05Z\"},\"version\":3}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (status_notifies, ==, 0);
  g_assert_true (dozor_unit_item_get_position (u1, &lat, NULL, NULL));
  g_assert_cmpfloat (lat, ==, 43.3);

  g_assert_cmpint (apply (situation,
    "{\"seq\":12,\"type\":\"unit.updated\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Барыс-01\",\"status\":\"dispatched\","
    "\"position\":{\"lat\":43.3,\"lon\":76.95,\"time\":\"2026-11-22T08:00:05Z\"},\"version\":4}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (status_notifies, ==, 1);
  g_assert_cmpstr (dozor_unit_item_get_status (u1), ==, "dispatched");

  i1 = g_list_model_get_item (incidents, 0);
  g_assert_cmpint (apply (situation,
    "{\"seq\":13,\"type\":\"incident.created\",\"incident\":{\"id\":\"i2\",\"number\":\"20261122-0002\",\"status\":\"new\",\"priority\":1,\"version\":1}}"),
    ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (g_list_model_get_n_items (incidents), ==, 2);
  g_assert_cmpint (apply (situation,
    "{\"seq\":14,\"type\":\"incident.updated\",\"incident\":{\"id\":\"i1\",\"status\":\"closed\",\"version\":2}}"),
    ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (g_list_model_get_n_items (incidents), ==, 1);
  {
    g_autoptr(DozorIncidentItem) left = g_list_model_get_item (incidents, 0);

    g_assert_cmpstr (dozor_incident_item_get_number (left), ==, "20261122-0002");
    g_assert_cmpint (dozor_incident_item_get_priority (left), ==, 1);
  }

  /* A new snapshot rebuilds both lists, in one change each. */
  {
    g_autoptr(DozorSituation) fresh = situation_at_10 ();
    g_autoptr(JsonNode) snapshot = parse_json ("{\"as_of_seq\":20,\"units\":[{\"id\":\"u9\",\"call_sign\":\"Сұңқар-9\",\"status\":\"busy\"}],"
                                          "\"incidents\":[]}");

    g_assert_true (dozor_situation_load_snapshot (fresh, snapshot, NULL));
    g_assert_cmpuint (g_list_model_get_n_items (dozor_situation_get_unit_model (fresh)), ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (dozor_situation_get_incident_model (fresh)), ==, 0);
  }
}

/* Suggestions for an incident: available units with a current position,
 * nearest first; the busy, the off-duty and the stale are never offered. */
static void
test_nearest (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GString) units = g_string_new (NULL);
  g_autoptr(JsonNode) snapshot = NULL;
  const char *ids[DOZOR_SITUATION_NEAREST];
  double distances[DOZOR_SITUATION_NEAREST];
  /* 2026-11-22T08:00:00Z and a minute and a half later. */
  gint64 now = (gint64) 1795334400 * G_USEC_PER_SEC + 30 * G_USEC_PER_SEC;
  static const struct { const char *id; const char *status; double north_km; const char *time; } fleet[] = {
    { "far", "available", 9.0, "2026-11-22T08:00:00Z" },
    { "near", "available", 0.5, "2026-11-22T08:00:00Z" },
    { "busy", "on_scene", 0.1, "2026-11-22T08:00:00Z" },
    { "stale", "available", 0.2, "2026-11-22T07:50:00Z" },
    { "mid", "available", 2.0, "2026-11-22T08:00:00Z" },
    { "a3", "available", 3.0, "2026-11-22T08:00:00Z" },
    { "a4", "available", 4.0, "2026-11-22T08:00:00Z" },
    { "a5", "available", 5.0, "2026-11-22T08:00:00Z" },
  };
  guint n;

  for (guint i = 0; i < G_N_ELEMENTS (fleet); i++)
    g_string_append_printf (units, "%s{\"id\":\"%s\",\"call_sign\":\"%s\",\"status\":\"%s\","
                            "\"position\":{\"lat\":%.6f,\"lon\":76.9,\"time\":\"%s\"}}",
                            i > 0 ? "," : "", fleet[i].id, fleet[i].id, fleet[i].status,
                            43.2 + fleet[i].north_km / 111.2, fleet[i].time);
  {
    g_autofree char *text = g_strdup_printf ("{\"as_of_seq\":1,\"units\":[%s]}", units->str);

    snapshot = parse_json (text);
  }
  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, NULL));

  n = dozor_situation_find_nearest (situation, 43.2, 76.9, now, ids, distances);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpstr (ids[0], ==, "near");
  g_assert_cmpstr (ids[1], ==, "mid");
  g_assert_cmpstr (ids[2], ==, "a3");
  g_assert_cmpstr (ids[3], ==, "a4");
  g_assert_cmpstr (ids[4], ==, "a5");
  g_assert_cmpfloat_with_epsilon (distances[0], 500, 5);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (distances[i - 1], <=, distances[i]);
}

/* What the board asks of the situation when a unit is dragged: where it
 * is sent now, and where an incident is. */
static void
test_unit_dispatch_and_location (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  JsonObject *incident;
  double lat, lon;

  g_assert_null (dozor_situation_get_unit_dispatch (situation, "u1"));
  g_assert_cmpint (apply (situation,
    "{\"seq\":11,\"type\":\"incident.created\",\"incident\":{\"id\":\"i2\",\"status\":\"new\","
    "\"location\":{\"lat\":43.25,\"lon\":76.95},\"version\":1}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (apply (situation,
    "{\"seq\":12,\"type\":\"dispatch.created\",\"dispatch\":{\"id\":\"d1\",\"unit_id\":\"u1\","
    "\"incident_id\":\"i2\",\"status\":\"active\"}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpstr (json_object_get_string_member (dozor_situation_get_unit_dispatch (situation, "u1"), "incident_id"),
                   ==, "i2");
  g_assert_null (dozor_situation_get_unit_dispatch (situation, "u2"));

  incident = dozor_situation_get_entity (situation, "incident", "i2");
  g_assert_true (dozor_incident_get_location (incident, &lat, &lon));
  g_assert_cmpfloat (lat, ==, 43.25);
  g_assert_cmpfloat (lon, ==, 76.95);
  /* The snapshot's i1 has no scene. */
  g_assert_false (dozor_incident_get_location (dozor_situation_get_entity (situation, "incident", "i1"), &lat, &lon));

  g_assert_cmpint (apply (situation,
    "{\"seq\":13,\"type\":\"dispatch.ended\",\"dispatch\":{\"id\":\"d1\",\"unit_id\":\"u1\","
    "\"incident_id\":\"i2\",\"status\":\"cancelled\"}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_unit_dispatch (situation, "u1"));
}

/* Checklist steps: from the snapshot and events, kept over the local
 * copy, gone with their incident when it closes. */
static void
test_checklist (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorSituation) copy = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = parse_json (
    "{\"as_of_seq\":10,\"readiness\":{\"level\":\"normal\"},\"units\":[],"
    "\"incidents\":[{\"id\":\"i1\",\"type\":\"robbery\",\"status\":\"new\",\"version\":1},"
    "{\"id\":\"i2\",\"type\":\"theft\",\"status\":\"new\",\"version\":1}],"
    "\"dispatches\":[],\"zones\":[],\"routes\":[],"
    "\"checklists\":[{\"id\":\"c1\",\"incident_id\":\"i1\",\"procedure_id\":\"robbery-in-progress\","
    "\"step_id\":\"ask\",\"done\":true,\"by\":\"op\",\"at\":\"2026-12-06T09:00:00Z\",\"version\":1}]}");
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *check;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  check = dozor_situation_get_check (situation, "i1", "robbery-in-progress", "ask");
  g_assert_nonnull (check);
  g_assert_true (json_object_get_boolean_member (check, "done"));
  g_assert_null (dozor_situation_get_check (situation, "i1", "robbery-in-progress", "send"));
  g_assert_null (dozor_situation_get_check (situation, "i2", "robbery-in-progress", "ask"));

  g_assert_cmpint (apply (situation, "{\"seq\":11,\"type\":\"check.updated\",\"check\":{\"id\":\"c1\","
                                     "\"incident_id\":\"i1\",\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"ask\","
                                     "\"done\":false,\"by\":\"sup\",\"at\":\"2026-12-06T09:01:00Z\",\"version\":2}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (apply (situation, "{\"seq\":12,\"type\":\"check.updated\",\"check\":{\"id\":\"c2\","
                                     "\"incident_id\":\"i2\",\"procedure_id\":\"fresh-theft\",\"step_id\":\"ask\","
                                     "\"done\":true,\"by\":\"op\",\"at\":\"2026-12-06T09:02:00Z\",\"version\":1}}"),
                   ==, DOZOR_APPLY_APPLIED);
  check = dozor_situation_get_check (situation, "i1", "robbery-in-progress", "ask");
  g_assert_false (json_object_get_boolean_member (check, "done"));
  g_assert_cmpstr (json_object_get_string_member (check, "by"), ==, "sup");

  /* The local copy keeps them. */
  saved = dozor_situation_to_snapshot (situation);
  g_assert_true (dozor_situation_load_snapshot (copy, saved, &error));
  g_assert_nonnull (dozor_situation_get_check (copy, "i2", "fresh-theft", "ask"));

  /* i1 closes: its steps go, i2's stay. */
  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"incident.updated\",\"incident\":{\"id\":\"i1\","
                                     "\"type\":\"robbery\",\"status\":\"closed\",\"version\":2}}"),
                   ==, DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_check (situation, "i1", "robbery-in-progress", "ask"));
  g_assert_nonnull (dozor_situation_get_check (situation, "i2", "fresh-theft", "ask"));
  g_assert_cmpuint (dozor_situation_get_n_entities (situation, "check"), ==, 1);
}

/* The duty roster and its flags (docs/api.md, "Duty roster"): from the
 * snapshot, then entries drawn and deleted, flags raised and cleared, and
 * what a board saves holds them. */
static void
test_roster (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  g_autoptr(DozorSituation) copy = dozor_situation_new ();
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(GList) entries = NULL;
  g_autoptr(GList) flags = NULL;
  GHashTableIter iter;
  JsonNode *node;
  guint n_iterated = 0;

  g_assert_cmpint (apply (situation, "{\"seq\":11,\"type\":\"roster.created\",\"roster\":{\"id\":\"r1\","
                                     "\"unit_id\":\"u1\",\"from\":\"2026-12-06T03:00:00Z\",\"to\":\"2026-12-06T15:00:00Z\","
                                     "\"version\":1}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (apply (situation, "{\"seq\":12,\"type\":\"roster.flag.raised\",\"flag\":{\"id\":\"f1\","
                                     "\"kind\":\"no_position\",\"unit_id\":\"u1\",\"entry_id\":\"r1\","
                                     "\"since\":\"2026-12-06T03:05:00Z\",\"cleared_at\":null}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"roster.flag.raised\",\"flag\":{\"id\":\"f2\","
                                     "\"kind\":\"not_on_roster\",\"unit_id\":\"u2\",\"entry_id\":null,"
                                     "\"since\":\"2026-12-06T03:06:00Z\",\"cleared_at\":null}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_nonnull (dozor_situation_get_entity (situation, "roster", "r1"));
  g_assert_cmpuint (dozor_situation_get_n_entities (situation, "roster_flag"), ==, 2);

  /* A cleared flag leaves the board; the entry stays. */
  g_assert_cmpint (apply (situation, "{\"seq\":14,\"type\":\"roster.flag.cleared\",\"flag\":{\"id\":\"f1\","
                                     "\"kind\":\"no_position\",\"unit_id\":\"u1\",\"entry_id\":\"r1\","
                                     "\"since\":\"2026-12-06T03:05:00Z\",\"cleared_at\":\"2026-12-06T03:09:00Z\"}}"),
                   ==, DOZOR_APPLY_APPLIED);
  flags = dozor_situation_get_entities (situation, "roster_flag");
  g_assert_cmpuint (g_list_length (flags), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (flags->data), "id"), ==, "f2");
  /* Gone through in place, as the map's layers do on every render: the
   * same one flag, once. */
  g_assert_true (dozor_situation_iter_entities (situation, "roster_flag", &iter));
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &node))
    {
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "id"), ==, "f2");
      n_iterated++;
    }
  g_assert_cmpuint (n_iterated, ==, 1);

  /* What the board saves comes back with the entry and the open flag. */
  saved = dozor_situation_to_snapshot (situation);
  g_assert_true (dozor_situation_load_snapshot (copy, saved, NULL));
  g_assert_nonnull (dozor_situation_get_entity (copy, "roster", "r1"));
  g_assert_nonnull (dozor_situation_get_entity (copy, "roster_flag", "f2"));

  g_assert_cmpint (apply (situation, "{\"seq\":15,\"type\":\"roster.deleted\",\"roster\":{\"id\":\"r1\","
                                     "\"unit_id\":\"u1\",\"version\":1}}"), ==, DOZOR_APPLY_APPLIED);
  entries = dozor_situation_get_entities (situation, "roster");
  g_assert_null (entries);
  g_assert_false (dozor_situation_iter_entities (situation, "roster", &iter));
  g_assert_false (dozor_situation_iter_entities (situation, "no such kind", &iter));
}

/* A route deviation in progress (docs/api.md, "Route compliance"): kept
 * from its start, its stretch grown by the unit's newer fixes (not by an
 * older one, nor by another unit's), gone at its end, and saved with the
 * board's copy; the event's own tree is not changed. */
static void
test_deviation (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  g_autoptr(DozorSituation) copy = dozor_situation_new ();
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) started = parse_json ("{\"seq\":11,\"type\":\"deviation.started\",\"deviation\":{\"id\":\"d1\","
                                       "\"unit_id\":\"u1\",\"route_id\":\"r1\",\"roster_id\":null,"
                                       "\"started_at\":\"2026-11-22T08:01:00.000000Z\",\"ended_at\":null,"
                                       "\"stretch\":[{\"lat\":43.21,\"lon\":76.9,\"time\":\"2026-11-22T08:01:00.000000Z\"},"
                                       "{\"lat\":43.22,\"lon\":76.9,\"time\":\"2026-11-22T08:03:00.000000Z\"}]}}");
  JsonObject *deviation;

  g_assert_cmpint (dozor_situation_apply_event (situation, started), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (dozor_situation_get_n_entities (situation, "deviation"), ==, 1);

  g_assert_cmpint (apply (situation, "{\"seq\":12,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\","
                                     "\"call_sign\":\"Барыс-01\",\"status\":\"available\",\"version\":3,"
                                     "\"position\":{\"lat\":43.23,\"lon\":76.91,"
                                     "\"time\":\"2026-11-22T08:03:05.000000Z\"}}}"), ==, DOZOR_APPLY_APPLIED);
  /* Older than the stretch's last: not added. */
  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\","
                                     "\"call_sign\":\"Барыс-01\",\"status\":\"available\",\"version\":3,"
                                     "\"position\":{\"lat\":43.5,\"lon\":76.5,"
                                     "\"time\":\"2026-11-22T08:02:00.000000Z\"}}}"), ==, DOZOR_APPLY_APPLIED);
  /* Another unit's: not added. */
  g_assert_cmpint (apply (situation, "{\"seq\":14,\"type\":\"unit.position\",\"unit\":{\"id\":\"u2\","
                                     "\"call_sign\":\"Барыс-02\",\"status\":\"available\",\"version\":1,"
                                     "\"position\":{\"lat\":43.6,\"lon\":76.6,"
                                     "\"time\":\"2026-11-22T08:04:00.000000Z\"}}}"), ==, DOZOR_APPLY_APPLIED);
  deviation = dozor_situation_get_entity (situation, "deviation", "d1");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (deviation, "stretch")), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (
                       json_object_get_array_member (deviation, "stretch"), 2), "lat"), ==, 43.23);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_object_get_object_member (json_node_get_object (started), "deviation"), "stretch")), ==, 2);

  saved = dozor_situation_to_snapshot (situation);
  g_assert_true (dozor_situation_load_snapshot (copy, saved, NULL));
  g_assert_nonnull (dozor_situation_get_entity (copy, "deviation", "d1"));

  g_assert_cmpint (apply (situation, "{\"seq\":15,\"type\":\"deviation.ended\",\"deviation\":{\"id\":\"d1\","
                                     "\"unit_id\":\"u1\",\"route_id\":\"r1\",\"ended_at\":\"2026-11-22T08:05:00.000000Z\","
                                     "\"stretch\":[]}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpuint (dozor_situation_get_n_entities (situation, "deviation"), ==, 0);
}

/* A replay's events (docs/api.md, "Replay"): journal seqs skip the
 * positions and are not refused for it; a fix from the track names only
 * its unit and keeps the unit's status and call sign; a fix of a unit the
 * situation does not hold changes nothing. */
static void
test_replayed (void)
{
  g_autoptr(DozorSituation) situation = situation_at_10 ();
  g_autoptr(JsonNode) dispatched_14 = parse_json (
    "{\"seq\":14,\"type\":\"unit.updated\",\"time\":\"2026-11-22T08:00:10Z\",\"unit\":{\"id\":\"u1\","
    "\"call_sign\":\"Барыс-01\",\"status\":\"dispatched\",\"position\":null,\"version\":4}}");
  g_autoptr(JsonNode) fix = parse_json (
    "{\"type\":\"unit.position\",\"time\":\"2026-11-22T08:00:12Z\",\"unit\":{\"id\":\"u1\","
    "\"position\":{\"lat\":43.25,\"lon\":76.95,\"time\":\"2026-11-22T08:00:12Z\",\"speed\":4,\"heading\":null}}}");
  g_autoptr(JsonNode) stranger = parse_json (
    "{\"type\":\"unit.position\",\"time\":\"2026-11-22T08:00:13Z\",\"unit\":{\"id\":\"u9\","
    "\"position\":{\"lat\":43.0,\"lon\":76.0,\"time\":\"2026-11-22T08:00:13Z\"}}}");
  DozorUnit *u1;

  g_assert_cmpint (dozor_situation_apply_replayed (situation, dispatched_14), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 14);
  g_assert_cmpint (dozor_situation_apply_replayed (situation, fix), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 14);
  u1 = dozor_situation_get_unit (situation, "u1");
  g_assert_cmpstr (u1->status, ==, "dispatched");
  g_assert_cmpstr (u1->call_sign, ==, "Барыс-01");
  g_assert_cmpint (u1->version, ==, 4);
  g_assert_true (u1->has_fix);
  g_assert_cmpfloat (u1->lat, ==, 43.25);
  g_assert_cmpfloat (u1->speed, ==, 4);
  g_assert_cmpint (dozor_situation_apply_replayed (situation, stranger), ==, DOZOR_APPLY_INVALID);
  g_assert_null (dozor_situation_get_unit (situation, "u9"));
}

/* A replay's situation reckons from its moment; a live one from the
 * present, and again after a replay's clock is taken off. */
static void
test_clock (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  gint64 before = g_get_real_time ();
  gint64 now = dozor_situation_get_now (situation);
  gint64 replayed = before - (gint64) 3600 * G_USEC_PER_SEC;

  g_assert_cmpint (now, >=, before);
  g_assert_cmpint (now, <=, g_get_real_time ());
  dozor_situation_set_clock (situation, replayed);
  g_assert_cmpint (dozor_situation_get_now (situation), ==, replayed);
  dozor_situation_set_clock (situation, 0);
  g_assert_cmpint (dozor_situation_get_now (situation), >=, before);
}

/* Whoever shows an age hears the replay's moment move, with no event,
 * and only when it moves. */
static void
test_clock_notify (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  gint64 replayed = (gint64) 1764000000 * G_USEC_PER_SEC;
  gint64 clock = -1;
  guint notified = 0;

  g_signal_connect (situation, "notify::clock", G_CALLBACK (count_notify), &notified);
  dozor_situation_set_clock (situation, replayed);
  g_assert_cmpuint (notified, ==, 1);
  g_object_get (situation, "clock", &clock, NULL);
  g_assert_cmpint (clock, ==, replayed);
  dozor_situation_set_clock (situation, replayed);
  g_assert_cmpuint (notified, ==, 1);
  dozor_situation_set_clock (situation, replayed + G_USEC_PER_SEC / 4);
  g_assert_cmpuint (notified, ==, 2);
  dozor_situation_set_clock (situation, 0);
  g_assert_cmpuint (notified, ==, 3);
  g_object_get (situation, "clock", &clock, NULL);
  g_assert_cmpint (clock, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/situation/snapshot", test_snapshot);
  g_test_add_func ("/situation/order-gap-and-repeat", test_order_gap_and_repeat);
  g_test_add_func ("/situation/lifecycle", test_lifecycle);
  g_test_add_func ("/situation/readiness", test_readiness);
  g_test_add_func ("/situation/new-snapshot-replaces", test_new_snapshot_replaces);
  g_test_add_func ("/situation/hostile-events", test_hostile_events);
  g_test_add_func ("/situation/list-models", test_list_models);
  g_test_add_func ("/situation/nearest", test_nearest);
  g_test_add_func ("/situation/roster", test_roster);
  g_test_add_func ("/situation/deviation", test_deviation);
  g_test_add_func ("/situation/unit-dispatch-and-location", test_unit_dispatch_and_location);
  g_test_add_func ("/situation/checklist", test_checklist);
  g_test_add_func ("/situation/replayed", test_replayed);
  g_test_add_func ("/situation/clock", test_clock);
  g_test_add_func ("/situation/clock-notify", test_clock_notify);

  return g_test_run ();
}
