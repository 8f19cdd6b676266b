/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "dozor-cache.h"
#include "dozor-outbox.h"
#include "dozor-situation.h"
#include "test-sqlite-files.h"
#include "test-json.h"

#define CHILD_SAVE "--child-save"
#define KILLED_UNITS 5000
#define KILL_ROUNDS 8

/* 2026-11-22T08:00:00Z, in Unix microseconds. */
#define BASE_TIME ((gint64) 1795334400 * G_USEC_PER_SEC)

/* This program, run again as a child that is killed mid-way. */
static char *self_exe;

/* Where the board keeps it: in the data folder, which
 * G_TEST_OPTION_ISOLATE_DIRS makes new, and removes, for every test. The
 * folder below it does not exist yet. */
static char *
cache_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "dozor", "situation.sqlite", NULL);
}

static DozorCache *
open_cache (const char *path)
{
  g_autoptr(GError) error = NULL;
  DozorCache *cache = dozor_cache_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cache);
  return cache;
}

static void
apply (DozorSituation *situation,
       const char     *text)
{
  g_autoptr(JsonNode) event = parse_json (text);

  g_assert_cmpint (dozor_situation_apply_event (situation, event), ==, DOZOR_APPLY_APPLIED);
}

static DozorSituation *
situation_from (JsonNode *snapshot)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&situation);
}

static const char *const kinds[] = { "incident", "dispatch", "zone", "route" };

/* A board's situation after a snapshot and a few events: Cyrillic and
 * Kazakh call signs, a unit that never reported, one with no heading or
 * speed, fixes to the microsecond, and every kind of entity. */
static DozorSituation *
small_situation (void)
{
  g_autoptr(JsonNode) snapshot = parse_json (
    "{\"as_of_seq\":41,\"readiness\":{\"level\":\"raised\",\"set_by\":\"sup\"},"
    "\"units\":["
    "{\"id\":\"u1\",\"call_sign\":\"Беркут-12\",\"kind\":\"car\",\"crew\":[\"Ахметов\"],\"status\":\"available\","
    "\"position\":{\"lat\":43.2389,\"lon\":76.9453,\"time\":\"2026-11-22T08:15:30.123456Z\",\"speed\":12.5,"
    "\"heading\":90,\"accuracy\":5},\"version\":4},"
    "{\"id\":\"u2\",\"call_sign\":\"Қыран-07\",\"kind\":\"foot\",\"status\":\"off_duty\",\"position\":null,\"version\":1},"
    "{\"id\":\"u3\",\"call_sign\":\"Сұңқар-3\",\"kind\":\"moto\",\"status\":\"en_route\","
    "\"position\":{\"lat\":-0.000001,\"lon\":-179.9999999,\"time\":\"2026-11-22T08:15:29.000001Z\",\"speed\":null,"
    "\"heading\":null},\"version\":9}],"
    "\"incidents\":[{\"id\":\"i1\",\"number\":\"20261122-0007\",\"type\":\"robbery\",\"priority\":1,\"status\":\"dispatched\","
    "\"location\":{\"lat\":43.25,\"lon\":76.95},\"address\":\"пр. Абая, 10\",\"description\":\"Ұры \\\"қашты\\\"\\n\","
    "\"dispatched_at\":\"2026-11-22T08:10:00Z\",\"closed_at\":null,\"version\":2}],"
    "\"dispatches\":[{\"id\":\"d1\",\"unit_id\":\"u3\",\"incident_id\":\"i1\",\"status\":\"active\","
    "\"created_by\":\"sup\",\"ended_at\":null}],"
    "\"zones\":[{\"id\":\"z1\",\"kind\":\"district\",\"name\":\"Алмалы\",\"geometry\":{\"type\":\"Polygon\","
    "\"coordinates\":[[[76.9,43.24],[76.95,43.24],[76.95,43.27],[76.9,43.24]]]},\"version\":1},"
    "{\"id\":\"z2\",\"kind\":\"sector\",\"name\":\"Алмалы-2\",\"parent_id\":\"z1\",\"geometry\":{\"type\":\"MultiPolygon\","
    "\"coordinates\":[[[[76.91,43.25],[76.92,43.25],[76.92,43.26],[76.91,43.25]]]]},\"version\":3}],"
    "\"routes\":[{\"id\":\"r1\",\"name\":\"Алмалы-2\",\"zone_id\":\"z2\",\"unit_id\":\"u1\","
    "\"shift_start\":\"2026-11-22T03:00:00Z\",\"shift_end\":\"2026-11-22T15:00:00Z\","
    "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[76.91,43.25],[76.915,43.255]]},\"version\":3}]}");
  g_autoptr(DozorSituation) situation = situation_from (snapshot);

  /* The situation the cache keeps is the one after the events, not the
   * snapshot it started from. */
  apply (situation,
         "{\"seq\":42,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Беркут-12\","
         "\"status\":\"available\",\"position\":{\"lat\":43.2401,\"lon\":76.9460,"
         "\"time\":\"2026-11-22T08:15:35.999999Z\",\"speed\":13,\"heading\":null},\"version\":4}}");
  apply (situation,
         "{\"seq\":43,\"type\":\"incident.created\",\"incident\":{\"id\":\"i2\",\"number\":\"20261122-0008\","
         "\"type\":\"theft\",\"priority\":3,\"status\":\"new\",\"location\":{\"lat\":43.3,\"lon\":76.9},"
         "\"address\":\"ул. Толе би, 59\",\"version\":1}}");
  apply (situation,
         "{\"seq\":44,\"type\":\"zone.updated\",\"zone\":{\"id\":\"z1\",\"kind\":\"district\",\"name\":\"Алмалы ауданы\","
         "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[76.9,43.24],[76.96,43.24],[76.96,43.28],[76.9,43.24]]]},"
         "\"version\":2}}");
  apply (situation, "{\"seq\":45,\"type\":\"readiness.changed\",\"readiness\":{\"level\":\"high\"}}");

  return g_steal_pointer (&situation);
}

static void
assert_same_number (double found,
                    double expected)
{
  if (isnan (expected))
    g_assert_true (isnan (found));
  else
    g_assert_cmpfloat (found, ==, expected);
}

static void
assert_same_situation (DozorSituation *found,
                       DozorSituation *expected)
{
  GPtrArray *found_units = dozor_situation_get_units (found);
  GPtrArray *expected_units = dozor_situation_get_units (expected);

  g_assert_cmpint (dozor_situation_get_seq (found), ==, dozor_situation_get_seq (expected));
  g_assert_cmpstr (dozor_situation_get_readiness (found), ==, dozor_situation_get_readiness (expected));

  g_assert_cmpuint (found_units->len, ==, expected_units->len);
  for (guint i = 0; i < expected_units->len; i++)
    {
      DozorUnit *a = found_units->pdata[i];
      DozorUnit *b = expected_units->pdata[i];

      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpstr (a->call_sign, ==, b->call_sign);
      g_assert_cmpstr (a->status, ==, b->status);
      g_assert_cmpint (a->version, ==, b->version);
      g_assert_cmpint (a->has_fix, ==, b->has_fix);
      if (!b->has_fix)
        continue;
      g_assert_cmpfloat (a->lat, ==, b->lat);
      g_assert_cmpfloat (a->lon, ==, b->lon);
      g_assert_cmpint (a->fix_time, ==, b->fix_time);
      assert_same_number (a->heading, b->heading);
      assert_same_number (a->speed, b->speed);
    }

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GList) entities = dozor_situation_get_entities (expected, kinds[k]);

      g_assert_cmpuint (dozor_situation_get_n_entities (found, kinds[k]), ==,
                        dozor_situation_get_n_entities (expected, kinds[k]));
      for (GList *l = entities; l != NULL; l = l->next)
        {
          JsonObject *entity = json_node_get_object (l->data);
          JsonObject *other = dozor_situation_get_entity (found, kinds[k],
                                                          json_object_get_string_member (entity, "id"));

          g_assert_nonnull (other);
          g_assert_true (json_object_equal (other, entity));

          /* Zones and routes keep their geometry apart from the JSON. */
          {
            const char *id = json_object_get_string_member (entity, "id");
            DozorGeometry *a = dozor_situation_get_geometry (found, kinds[k], id);
            DozorGeometry *b = dozor_situation_get_geometry (expected, kinds[k], id);

            g_assert_true ((a == NULL) == (b == NULL));
            g_assert_true (a == NULL || dozor_geometry_equal (a, b));
          }
        }
    }
}

static char *
to_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

static JsonObject *
unit_at (JsonNode *snapshot,
         guint     i)
{
  JsonArray *units = json_object_get_array_member (json_node_get_object (snapshot), "units");

  return json_array_get_object_element (units, i);
}

/* to_snapshot gives back what load_snapshot takes, also through text, and
 * leaves out nothing the situation keeps. */
static void
test_round_trip (void)
{
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  g_autofree char *text = to_text (snapshot);
  g_autoptr(JsonNode) reparsed = parse_json (text);
  g_autoptr(DozorSituation) direct = situation_from (snapshot);
  g_autoptr(DozorSituation) through_text = situation_from (reparsed);
  g_autoptr(JsonNode) again = dozor_situation_to_snapshot (through_text);
  g_autofree char *again_text = to_text (again);
  JsonObject *root = json_node_get_object (snapshot);
  JsonObject *position;

  g_test_message ("%s", text);

  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 45);
  assert_same_situation (direct, situation);
  assert_same_situation (through_text, situation);
  /* Saved again it is the same text: the cache does not drift. */
  g_assert_cmpstr (again_text, ==, text);

  /* The wire format, member by member. */
  g_assert_cmpint (json_object_get_int_member (root, "as_of_seq"), ==, 45);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "readiness"), "level"),
                   ==, "high");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "incidents")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "dispatches")), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "zones")), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "routes")), ==, 1);

  g_assert_cmpstr (json_object_get_string_member (unit_at (snapshot, 0), "call_sign"), ==, "Беркут-12");
  position = json_object_get_object_member (unit_at (snapshot, 0), "position");
  g_assert_cmpstr (json_object_get_string_member (position, "time"), ==, "2026-11-22T08:15:35.999999Z");
  g_assert_cmpfloat (json_object_get_double_member (position, "speed"), ==, 13);
  /* JSON has no NaN: a heading not reported is null, not left out. */
  g_assert_true (json_object_has_member (position, "heading"));
  g_assert_true (json_object_get_null_member (position, "heading"));
  g_assert_cmpint (json_object_get_int_member (unit_at (snapshot, 0), "version"), ==, 4);

  g_assert_true (json_object_has_member (unit_at (snapshot, 1), "position"));
  g_assert_true (json_object_get_null_member (unit_at (snapshot, 1), "position"));

  position = json_object_get_object_member (unit_at (snapshot, 2), "position");
  g_assert_cmpstr (json_object_get_string_member (position, "time"), ==, "2026-11-22T08:15:29.000001Z");
  g_assert_true (json_object_get_null_member (position, "speed"));
  g_assert_cmpfloat (json_object_get_double_member (position, "lon"), ==, -179.9999999);

  /* Zones and routes keep their geometry, written again from the
   * situation's compact copy: the updated district's ring, the sector's
   * multi-polygon, the route's line, as the server sent them. */
  {
    JsonArray *zones = json_object_get_array_member (root, "zones");
    JsonObject *route = json_array_get_object_element (json_object_get_array_member (root, "routes"), 0);
    g_autoptr(JsonNode) district = json_from_string ("{\"type\":\"Polygon\",\"coordinates\":"
                                                     "[[[76.9,43.24],[76.96,43.24],[76.96,43.28],[76.9,43.24]]]}", NULL);
    g_autoptr(JsonNode) sector = json_from_string ("{\"type\":\"MultiPolygon\",\"coordinates\":"
                                                   "[[[[76.91,43.25],[76.92,43.25],[76.92,43.26],[76.91,43.25]]]]}", NULL);
    g_autoptr(JsonNode) line = json_from_string ("{\"type\":\"LineString\",\"coordinates\":"
                                                 "[[76.91,43.25],[76.915,43.255]]}", NULL);

    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (zones, 0), "id"), ==, "z1");
    g_assert_true (json_node_equal (json_object_get_member (json_array_get_object_element (zones, 0), "geometry"),
                                    district));
    g_assert_true (json_node_equal (json_object_get_member (json_array_get_object_element (zones, 1), "geometry"),
                                    sector));
    g_assert_true (json_node_equal (json_object_get_member (route, "geometry"), line));
  }

  /* What the situation does not keep is not made up either. */
  g_assert_false (json_object_has_member (unit_at (snapshot, 0), "kind"));
  g_assert_false (json_object_has_member (unit_at (snapshot, 0), "crew"));
  g_assert_false (json_object_has_member (position, "accuracy"));
}

/* Every microsecond of a second survives text and back: the board shows
 * a fix's age from it. */
static void
test_fix_times (void)
{
  g_autoptr(GString) units = g_string_new (NULL);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(DozorSituation) situation = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(DozorSituation) loaded = NULL;
  g_autofree char *text = NULL;
  g_autofree char *saved_text = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  static const gint64 offsets[] = {
    0, 1, 999999, 500000, 123456, 7 * G_USEC_PER_SEC + 654321,
    /* Before 1970 and in the next century. */
    -BASE_TIME - 1, (gint64) 3000000000 * G_USEC_PER_SEC,
  };

  for (guint i = 0; i < G_N_ELEMENTS (offsets) + 200; i++)
    {
      gint64 when = BASE_TIME + (i < G_N_ELEMENTS (offsets) ? offsets[i] : g_test_rand_int_range (0, G_MAXINT32));
      gint64 seconds = when / G_USEC_PER_SEC - (when % G_USEC_PER_SEC < 0);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);
      g_autofree char *iso = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

      g_string_append_printf (units, "%s{\"id\":\"u%u\",\"call_sign\":\"Т-%u\",\"status\":\"busy\","
                              "\"position\":{\"lat\":43.2,\"lon\":76.9,\"time\":\"%s.%06dZ\"},\"version\":1}",
                              i > 0 ? "," : "", i, i, iso, (int) (when - seconds * G_USEC_PER_SEC));
    }
  text = g_strdup_printf ("{\"as_of_seq\":7,\"units\":[%s]}", units->str);
  snapshot = parse_json (text);
  situation = situation_from (snapshot);
  g_assert_cmpint (dozor_situation_get_unit (situation, "u6")->fix_time, ==, -1);

  saved = dozor_situation_to_snapshot (situation);
  saved_text = to_text (saved);
  reparsed = parse_json (saved_text);
  loaded = situation_from (reparsed);
  assert_same_situation (loaded, situation);
}

/* The snapshot is the caller's to hand to a worker thread: the situation
 * going on does not reach into it. */
static void
test_snapshot_is_independent (void)
{
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  g_autofree char *before = to_text (snapshot);
  g_autofree char *after = NULL;
  JsonArray *zones = json_object_get_array_member (json_node_get_object (snapshot), "zones");

  for (guint i = 0; i < json_array_get_length (zones); i++)
    {
      JsonObject *zone = json_array_get_object_element (zones, i);
      JsonObject *kept = dozor_situation_get_entity (situation, "zone",
                                                     json_object_get_string_member (zone, "id"));

      g_assert_true (zone != kept);
      /* The snapshot's geometry is written out anew; the situation's is
       * no JSON at all. */
      g_assert_true (json_object_has_member (zone, "geometry"));
      g_assert_false (json_object_has_member (kept, "geometry"));
    }

  apply (situation, "{\"seq\":46,\"type\":\"zone.deleted\",\"zone\":{\"id\":\"z2\"}}");
  apply (situation, "{\"seq\":47,\"type\":\"incident.updated\",\"incident\":{\"id\":\"i1\",\"status\":\"closed\","
                    "\"version\":3}}");
  g_clear_object (&situation);

  after = to_text (snapshot);
  g_assert_cmpstr (after, ==, before);
}

/* N units, with incidents, zones and routes about as large as the Almaty
 * scenario's, as GET /snapshot would send it. Every unit has @version
 * for its version, so a mix of two saves would show. */
static JsonNode *
big_snapshot (guint  n_units,
              gint64 seq,
              gint64 version)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GRand *rand = g_rand_new_with_seed ((guint32) n_units);

  g_string_append_printf (text, "{\"as_of_seq\":%" G_GINT64_FORMAT ",\"readiness\":{\"level\":\"normal\"},\"units\":[",
                          seq);
  for (guint i = 0; i < n_units; i++)
    {
      gint64 when = BASE_TIME + i * 1000 + g_rand_int_range (rand, 0, 1000);
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when / G_USEC_PER_SEC);
      g_autofree char *iso = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

      g_string_append_printf (text, "%s{\"id\":\"%08x-5b1c-4c1e-9a6e-%012x\",\"call_sign\":\"Беркут-%u\","
                              "\"kind\":\"car\",\"status\":\"%s\",", i > 0 ? "," : "", i, i, i,
                              i % 4 == 0 ? "dispatched" : "available");
      if (i % 50 == 49)
        g_string_append (text, "\"position\":null,");
      else
        g_string_append_printf (text, "\"position\":{\"lat\":%.7f,\"lon\":%.7f,\"time\":\"%s.%06dZ\","
                                "\"speed\":%.1f,\"heading\":%d},",
                                43.15 + g_rand_double (rand) * 0.2, 76.8 + g_rand_double (rand) * 0.25,
                                iso, (int) (when % G_USEC_PER_SEC), g_rand_double (rand) * 20,
                                g_rand_int_range (rand, 0, 360));
      g_string_append_printf (text, "\"version\":%" G_GINT64_FORMAT "}", version);
    }

  g_string_append (text, "],\"incidents\":[");
  for (guint i = 0; i < 100; i++)
    g_string_append_printf (text, "%s{\"id\":\"i%04u\",\"number\":\"20261122-%04u\",\"type\":\"theft\",\"priority\":3,"
                            "\"status\":\"new\",\"location\":{\"lat\":43.2,\"lon\":76.9},\"address\":\"ул. Абая, %u\","
                            "\"caller_name\":\"Иванов\",\"caller_phone\":\"+77010000000\",\"description\":\"\","
                            "\"created_at\":\"2026-11-22T08:00:00Z\",\"dispatched_at\":null,\"on_scene_at\":null,"
                            "\"closed_at\":null,\"version\":1}", i > 0 ? "," : "", i, i + 1, i + 1);

  g_string_append (text, "],\"dispatches\":[");
  for (guint i = 0; i < 25; i++)
    g_string_append_printf (text, "%s{\"id\":\"d%04u\",\"unit_id\":\"u%u\",\"incident_id\":\"i%04u\",\"status\":\"active\","
                            "\"created_by\":\"sup\",\"created_at\":\"2026-11-22T08:01:00Z\",\"ended_by\":null,"
                            "\"ended_at\":null}", i > 0 ? "," : "", i, i * 4, i);

  /* 50 zones of 300 positions and 34 routes of 400. */
  g_string_append (text, "],\"zones\":[");
  for (guint i = 0; i < 50; i++)
    {
      g_string_append_printf (text, "%s{\"id\":\"z%02u\",\"kind\":\"sector\",\"name\":\"Сектор-%u\","
                              "\"parent_id\":null,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[",
                              i > 0 ? "," : "", i, i);
      for (guint p = 0; p < 300; p++)
        g_string_append_printf (text, "%s[%.7f,%.7f]", p > 0 ? "," : "",
                                p < 299 ? 76.8 + g_rand_double (rand) * 0.25 : 76.8,
                                p < 299 ? 43.15 + g_rand_double (rand) * 0.2 : 43.15);
      g_string_append (text, "]]},\"version\":1}");
    }
  g_string_append (text, "],\"routes\":[");
  for (guint i = 0; i < 34; i++)
    {
      g_string_append_printf (text, "%s{\"id\":\"r%02u\",\"name\":\"Маршрут-%u\",\"zone_id\":\"z%02u\",\"unit_id\":null,"
                              "\"shift_start\":\"2026-11-22T03:00:00Z\",\"shift_end\":\"2026-11-22T15:00:00Z\","
                              "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[", i > 0 ? "," : "", i, i, i);
      for (guint p = 0; p < 400; p++)
        g_string_append_printf (text, "%s[%.7f,%.7f]", p > 0 ? "," : "",
                                76.8 + g_rand_double (rand) * 0.25, 43.15 + g_rand_double (rand) * 0.2);
      g_string_append (text, "]},\"version\":2}");
    }
  g_string_append (text, "]}");

  g_rand_free (rand);
  return parse_json (text->str);
}

static void
save (DozorCache *cache,
      JsonNode   *snapshot)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_cache_save (cache, snapshot, &error));
  g_assert_no_error (error);
}

static JsonNode *
load (DozorCache *cache,
      gint64     *saved_at)
{
  g_autoptr(GError) error = NULL;
  JsonNode *snapshot = dozor_cache_load (cache, saved_at, &error);

  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  return snapshot;
}

typedef struct
{
  GMainLoop *loop;
  guint pending;
  GAsyncResult *result;
} Waiter;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiter *waiter = user_data;

  /* Callbacks come back on the thread that asked. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_set_object (&waiter->result, result);
  if (--waiter->pending == 0)
    g_main_loop_quit (waiter->loop);
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_cache_save_finish (DOZOR_CACHE (source), result, &error));
  g_assert_no_error (error);
  on_done (source, result, user_data);
}

static void
wait_for (Waiter *waiter)
{
  if (waiter->pending > 0)
    g_main_loop_run (waiter->loop);
}

static Waiter *
waiter_new (guint pending)
{
  Waiter *waiter = g_new0 (Waiter, 1);

  waiter->loop = g_main_loop_new (NULL, FALSE);
  waiter->pending = pending;
  return waiter;
}

static void
waiter_free (Waiter *waiter)
{
  g_main_loop_unref (waiter->loop);
  g_clear_object (&waiter->result);
  g_free (waiter);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Waiter, waiter_free)

static gboolean
save_and_wait (DozorCache    *cache,
               JsonNode      *snapshot,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(Waiter) waiter = waiter_new (1);

  dozor_cache_save_async (cache, snapshot, cancellable, on_done, waiter);
  wait_for (waiter);
  return dozor_cache_save_finish (cache, waiter->result, error);
}

static JsonNode *
load_and_wait (DozorCache    *cache,
               gint64        *saved_at,
               GError       **error)
{
  g_autoptr(Waiter) waiter = waiter_new (1);

  dozor_cache_load_async (cache, NULL, on_done, waiter);
  wait_for (waiter);
  return dozor_cache_load_finish (cache, waiter->result, saved_at, error);
}

/* The way the board does it: save as it runs, load when it starts. */
static void
test_save_and_load_async (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  g_autofree char *saved_text = to_text (snapshot);
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(DozorSituation) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *loaded_text = NULL;
  gint64 before = g_get_real_time ();
  gint64 after;
  gint64 saved_at = -1;

  g_assert_cmpstr (dozor_cache_get_path (cache), ==, path);

  g_assert_true (save_and_wait (cache, snapshot, NULL, &error));
  g_assert_no_error (error);
  after = g_get_real_time ();
  g_clear_pointer (&snapshot, json_node_unref);

  /* As the board closes and starts again. */
  g_clear_object (&cache);
  cache = open_cache (path);

  loaded = load_and_wait (cache, &saved_at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpint (saved_at, >=, before);
  g_assert_cmpint (saved_at, <=, after);

  loaded_text = to_text (loaded);
  g_assert_cmpstr (loaded_text, ==, saved_text);
  restored = situation_from (loaded);
  assert_same_situation (restored, situation);
}

static void
test_empty (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gint64 saved_at = -1;

  snapshot = load_and_wait (cache, &saved_at, &error);
  g_assert_no_error (error);
  g_assert_null (snapshot);
  g_assert_cmpint (saved_at, ==, 0);

  saved_at = -1;
  snapshot = dozor_cache_load (cache, &saved_at, &error);
  g_assert_no_error (error);
  g_assert_null (snapshot);
  g_assert_cmpint (saved_at, ==, 0);

  /* An empty file left behind is a new cache too. */
  g_clear_object (&cache);
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  cache = open_cache (path);
  snapshot = dozor_cache_load (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (snapshot);
}

/* Saves asked for one after the other end with the last one in the file,
 * whichever worker reaches it first. */
static void
test_save_order (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(Waiter) waiter = waiter_new (8);
  g_autoptr(JsonNode) loaded = NULL;

  for (guint i = 1; i <= 8; i++)
    {
      /* The early ones the largest, so they would be the last written. */
      g_autoptr(JsonNode) snapshot = big_snapshot (i < 5 ? 2000 : 10, i, i);

      dozor_cache_save_async (cache, snapshot, NULL, on_saved, waiter);
    }
  wait_for (waiter);

  loaded = load (cache, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (loaded), "as_of_seq"), ==, 8);
  g_clear_pointer (&loaded, json_node_unref);

  /* The blocking save at closing is the last word, too. */
  {
    g_autoptr(JsonNode) last = big_snapshot (10, 9, 9);

    save (cache, last);
  }
  loaded = load (cache, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (loaded), "as_of_seq"), ==, 9);
}

static void
test_cancelled (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (save_and_wait (cache, snapshot, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  loaded = dozor_cache_load (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);
}

static void
test_private_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "dozor", "board",
                                            "situation.sqlite", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  GStatBuf st;

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Where every patrol is goes through the log first: it is as private. */
  save (cache, snapshot);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static gpointer
open_cache_file (const char  *path,
                 GError     **error)
{
  return dozor_cache_open (path, error);
}

static void
assert_refused (const char *path,
                int         code)
{
  assert_open_refused (path, open_cache_file, code);
}

static void
test_garbage_file (void)
{
  g_autofree char *path = cache_path ();

  assert_garbage_refused (path, open_cache_file);
}

static void
test_another_program (void)
{
  g_autofree char *path = cache_path ();

  assert_another_program_refused (path, open_cache_file);
}

/* The board's other file, given by mistake: both refuse the other's. */
static void
test_outbox_file (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorOutbox) outbox = dozor_outbox_open (path, &error);
  g_autoptr(DozorOutboxEntry) entry = NULL;
  g_autoptr(DozorCache) cache = NULL;
  g_autoptr(sqlite3) db = NULL;

  g_assert_no_error (error);
  entry = dozor_outbox_add (outbox, "POST", "incidents", "{}", -1, "Не потерять", &error);
  g_assert_no_error (error);
  g_clear_object (&outbox);
  /* Out of WAL mode, so that the file alone holds it and may be compared. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA journal_mode = DELETE");
  g_clear_pointer (&db, sqlite3_close);

  assert_refused (path, G_IO_ERROR_INVALID_DATA);

  g_assert_cmpint (g_unlink (path), ==, 0);
  cache = open_cache (path);
  g_clear_object (&cache);
  outbox = dozor_outbox_open (path, &error);
  g_assert_null (outbox);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_wrong_columns (void)
{
  g_autofree char *path = cache_path ();

  make_database (path, "CREATE TABLE snapshot (id INTEGER PRIMARY KEY, data BLOB);"
                       "PRAGMA user_version = 1;");
  assert_refused (path, G_IO_ERROR_INVALID_DATA);
}

static void
test_newer_version (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  g_autoptr(sqlite3) db = NULL;

  save (cache, snapshot);
  g_clear_object (&cache);

  /* As a later version would leave it. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 2;");
  g_clear_pointer (&db, sqlite3_close);

  assert_refused (path, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_directory (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCache) cache = NULL;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  cache = dozor_cache_open (path, &error);
  g_assert_null (cache);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_assert_nonnull (strstr (error->message, path));
}

static void
assert_load_refused (const char *path,
                     int         code)
{
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gint64 saved_at = -1;

  snapshot = load_and_wait (cache, &saved_at, &error);
  g_assert_null (snapshot);
  g_assert_error (error, G_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpint (saved_at, ==, 0);
}

static void
update_row (const char *path,
            const char *sql)
{
  g_autoptr(sqlite3) db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  exec_sql (db, sql);
}

/* A cache a buggy version wrote: the board starts without it, and its
 * next save puts a good one in its place. */
static void
test_damaged_snapshot (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorSituation) situation = small_situation ();
  g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(DozorCache) cache = open_cache (path);
  static const char *const damage[] = {
    /* Cut off half way. */
    "UPDATE snapshot SET body = substr (body, 1, length (body) / 2)",
    "UPDATE snapshot SET body = ''",
    "UPDATE snapshot SET body = CAST (x'7b2261735f6f665f736571223a34357dff' AS TEXT)",
    "UPDATE snapshot SET body = '[1, 2, 3]'",
    /* Too deep for the parser: refused before json-glib recurses. */
    "UPDATE snapshot SET body = '{\"as_of_seq\":45,\"units\":' || replace (hex (zeroblob (5000)), '00', '[')",
    /* Valid, but not what the row says it is. */
    "UPDATE snapshot SET body = '{\"as_of_seq\":44,\"units\":[]}'",
    "UPDATE snapshot SET format = 0",
  };

  save (cache, snapshot);
  g_clear_object (&cache);

  for (guint i = 0; i < G_N_ELEMENTS (damage); i++)
    {
      update_row (path, damage[i]);
      assert_load_refused (path, G_IO_ERROR_INVALID_DATA);

      cache = open_cache (path);
      save (cache, snapshot);
      loaded = load (cache, NULL);
      g_clear_pointer (&loaded, json_node_unref);
      g_clear_object (&cache);
    }

  /* A later version's snapshot, in a file laid out as this one's. */
  update_row (path, "UPDATE snapshot SET format = 2");
  assert_load_refused (path, G_IO_ERROR_NOT_SUPPORTED);
  cache = open_cache (path);
  save (cache, snapshot);
  loaded = load (cache, NULL);
}

static void
test_disk_full (void)
{
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = open_cache (path);
  g_autoptr(JsonNode) small = big_snapshot (50, 100, 1);
  g_autoptr(JsonNode) large = big_snapshot (5000, 200, 2);
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *small_text = to_text (small);
  g_autofree char *loaded_text = NULL;

  save (cache, small);

  /* No room for one page more than the file has now. */
  g_assert_cmpint (dozor_cache_set_max_pages (cache, 1), >, 0);

  g_assert_false (save_and_wait (cache, large, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_false (dozor_cache_save (cache, large, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);

  loaded = load (cache, NULL);
  loaded_text = to_text (loaded);
  g_assert_cmpstr (loaded_text, ==, small_text);
  g_clear_pointer (&loaded, json_node_unref);
  g_clear_pointer (&loaded_text, g_free);

  /* Reopened, the old copy is there, and with room again the new one is
   * saved. */
  g_clear_object (&cache);
  cache = open_cache (path);
  loaded = load (cache, NULL);
  loaded_text = to_text (loaded);
  g_assert_cmpstr (loaded_text, ==, small_text);
  g_clear_pointer (&loaded, json_node_unref);

  save (cache, large);
  loaded = load (cache, NULL);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (loaded), "as_of_seq"), ==, 200);
}

static gpointer
kill_after (gpointer user_data)
{
  g_usleep (GPOINTER_TO_UINT (user_data));
  raise (SIGKILL);
  return NULL;
}

/* The child: saves one snapshot after the other, each a new seq with all
 * its units at that version, says each seq once it is saved, and is
 * killed by its own hand at @delay_us, in the middle of one. */
static int
child_save (const char *path,
            const char *delay_us,
            const char *first_seq)
{
  g_autoptr(GError) error = NULL;
  DozorCache *cache = dozor_cache_open (path, &error);
  g_autoptr(DozorSituation) situation = NULL;
  gint64 seq = g_ascii_strtoll (first_seq, NULL, 10);

  if (cache == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  /* Built once: only seq and versions change between saves. */
  {
    g_autoptr(JsonNode) snapshot = big_snapshot (KILLED_UNITS, seq, seq);

    situation = situation_from (snapshot);
  }

  for (guint i = 0; ; i++)
    {
      g_autoptr(JsonNode) snapshot = dozor_situation_to_snapshot (situation);
      JsonArray *units = json_object_get_array_member (json_node_get_object (snapshot), "units");

      json_object_set_int_member (json_node_get_object (snapshot), "as_of_seq", seq);
      for (guint u = 0; u < json_array_get_length (units); u++)
        json_object_set_int_member (json_array_get_object_element (units, u), "version", seq);

      if (!dozor_cache_save (cache, snapshot, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_print ("%" G_GINT64_FORMAT "\n", seq);
      fflush (stdout);

      /* The first is always in, so there is an old copy to keep. */
      if (i == 0)
        g_thread_unref (g_thread_new ("killer", kill_after,
                                      GUINT_TO_POINTER ((guint) g_ascii_strtoull (delay_us, NULL, 10))));
      seq++;
    }

  return 1;
}

static void
test_killed_mid_save (void)
{
  g_autofree char *path = cache_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  gint64 first_seq = 1;

  for (guint round = 0; round < KILL_ROUNDS; round++)
    {
      g_autofree char *delay = g_strdup_printf ("%d", g_test_rand_int_range (0, 600000));
      g_autofree char *first = g_strdup_printf ("%" G_GINT64_FORMAT, first_seq);
      const char *argv[] = { self_exe, CHILD_SAVE, path, delay, first, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_auto(GStrv) lines = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorCache) cache = NULL;
      g_autoptr(JsonNode) loaded = NULL;
      g_autoptr(DozorSituation) situation = NULL;
      JsonArray *units;
      gint64 last_said = -1;
      gint64 seq;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                    &error);
      g_assert_no_error (error);
      if (err != NULL && *err != '\0')
        g_test_message ("child: %s", err);

      /* Killed, not exited: no destructor, no close, no checkpoint ran. */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      lines = g_strsplit (g_strstrip (out), "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), >=, 1);
      last_said = g_ascii_strtoll (lines[g_strv_length (lines) - 1], NULL, 10);
      g_test_message ("round %u: killed after %s µs, %u saves done", round, delay, g_strv_length (lines));
      g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

      cache = open_cache (path);
      loaded = load (cache, NULL);
      seq = json_object_get_int_member (json_node_get_object (loaded), "as_of_seq");

      /* The last one it said it saved, or the one it was saving if that
       * was committed before the kill, and whole either way. */
      g_assert_cmpint (seq, >=, last_said);
      g_assert_cmpint (seq, <=, last_said + 1);
      units = json_object_get_array_member (json_node_get_object (loaded), "units");
      g_assert_cmpuint (json_array_get_length (units), ==, KILLED_UNITS);
      for (guint u = 0; u < KILLED_UNITS; u++)
        g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (units, u), "version"),
                         ==, seq);
      situation = situation_from (loaded);
      g_assert_cmpuint (dozor_situation_get_units (situation)->len, ==, KILLED_UNITS);
      g_assert_cmpuint (dozor_situation_get_n_entities (situation, "zone"), ==, 50);

      first_seq = seq + 1;
    }
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* What the 500 ms cold start is made of, measured, not asserted: CI
 * machines vary too much for a bound to mean anything here. */
static void
measure (guint n_units)
{
  g_autofree char *path = cache_path ();
  g_autoptr(JsonNode) source = big_snapshot (n_units, 1000, 3);
  g_autoptr(DozorSituation) situation = situation_from (source);
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) loaded = NULL;
  g_autoptr(DozorCache) cache = NULL;
  g_autoptr(DozorSituation) restored = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  double to_snapshot_ms, save_ms, save_async_ms, open_ms, load_ms, apply_ms;
  gint64 start;
  GStatBuf st;

  cache = open_cache (path);

  start = g_get_monotonic_time ();
  snapshot = dozor_situation_to_snapshot (situation);
  to_snapshot_ms = ms_since (start);

  start = g_get_monotonic_time ();
  save (cache, snapshot);
  save_ms = ms_since (start);

  /* Again, as the board saves while running, over the previous copy. */
  start = g_get_monotonic_time ();
  g_assert_true (save_and_wait (cache, snapshot, NULL, &error));
  g_assert_no_error (error);
  save_async_ms = ms_since (start);
  g_clear_object (&cache);

  /* A cold start: open, read and parse in a worker, then build the
   * situation on the main thread. */
  start = g_get_monotonic_time ();
  cache = open_cache (path);
  open_ms = ms_since (start);

  start = g_get_monotonic_time ();
  loaded = load_and_wait (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  load_ms = ms_since (start);

  start = g_get_monotonic_time ();
  restored = situation_from (loaded);
  apply_ms = ms_since (start);

  assert_same_situation (restored, situation);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  text = to_text (snapshot);

  g_test_message ("%u units: to_snapshot %.1f ms, save %.1f ms, save_async over it %.1f ms "
                  "(text %.1f MiB, file %.1f MiB); cold start: open %.1f ms + load_async %.1f ms + "
                  "load_snapshot %.1f ms = %.1f ms",
                  n_units, to_snapshot_ms, save_ms, save_async_ms, strlen (text) / 1048576.0,
                  st.st_size / 1048576.0,
                  open_ms, load_ms, apply_ms, open_ms + load_ms + apply_ms);
}

static void
test_timing_5000 (void)
{
  measure (5000);
}

static void
test_timing_10000 (void)
{
  measure (10000);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 5 && strcmp (argv[1], CHILD_SAVE) == 0)
    return child_save (argv[2], argv[3], argv[4]);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_canonicalize_filename (argv[0], NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/cache/snapshot/round-trip", test_round_trip);
  g_test_add_func ("/cache/snapshot/fix-times", test_fix_times);
  g_test_add_func ("/cache/snapshot/independent", test_snapshot_is_independent);
  g_test_add_func ("/cache/save-and-load-async", test_save_and_load_async);
  g_test_add_func ("/cache/empty", test_empty);
  g_test_add_func ("/cache/save-order", test_save_order);
  g_test_add_func ("/cache/cancelled", test_cancelled);
  g_test_add_func ("/cache/open/private-file", test_private_file);
  g_test_add_func ("/cache/open/garbage", test_garbage_file);
  g_test_add_func ("/cache/open/another-program", test_another_program);
  g_test_add_func ("/cache/open/outbox-file", test_outbox_file);
  g_test_add_func ("/cache/open/wrong-columns", test_wrong_columns);
  g_test_add_func ("/cache/open/newer-version", test_newer_version);
  g_test_add_func ("/cache/open/directory", test_directory);
  g_test_add_func ("/cache/load/damaged", test_damaged_snapshot);
  g_test_add_func ("/cache/disk-full", test_disk_full);
  g_test_add_func ("/cache/killed-mid-save", test_killed_mid_save);
  g_test_add_func ("/cache/timing/5000-units", test_timing_5000);
  g_test_add_func ("/cache/timing/10000-units", test_timing_10000);

  return g_test_run ();
}
