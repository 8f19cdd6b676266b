/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The local copy written without a tree: what dozor_snapshot_writer_to_text()
 * writes is read back as the same situation, and the text is written in the
 * cache's worker from a copy taken at the moment of the save.
 */
#include "config.h"

#include <math.h>

#include "dozor-cache.h"
#include "dozor-json.h"
#include "dozor-local-copy.h"
#include "dozor-situation.h"
#include "dozor-snapshot-writer.h"
#include "test-json.h"

/* Every kind of thing the snapshot carries, with the awkward cases: a call
 * sign that must be escaped, whole-number coordinates (doubles that must
 * not come back as integers), a speed not reported, a unit without a fix,
 * a polygon with a hole, a multipolygon, a route, a place. */
static const char snapshot_text[] =
  "{\"as_of_seq\":42,"
  "\"readiness\":{\"level\":\"high\",\"reason\":\"Учения\",\"by\":\"sup\",\"since\":\"2026-12-07T03:00:00Z\"},"
  "\"units\":["
  "{\"id\":\"u1\",\"call_sign\":\"Барыс-01 \\\"А\\\" \\\\ \\n\",\"status\":\"available\","
  "\"position\":{\"lat\":43.25,\"lon\":77,\"time\":\"2026-12-07T04:00:00.123456Z\",\"speed\":12.5,\"heading\":270},"
  "\"version\":3},"
  "{\"id\":\"u2\",\"call_sign\":\"Барыс-02\",\"status\":\"en_route\","
  "\"position\":{\"lat\":43.2,\"lon\":76.9,\"time\":\"2026-12-07T04:00:01Z\",\"speed\":null,\"heading\":null},"
  "\"version\":7},"
  "{\"id\":\"u3\",\"call_sign\":\"Барыс-03\",\"status\":\"off_duty\",\"position\":null,\"version\":1}],"
  "\"incidents\":[{\"id\":\"i2\",\"number\":\"20261207-0002\",\"type\":\"theft\",\"priority\":1,"
  "\"status\":\"new\",\"location\":{\"lat\":43.26,\"lon\":76.93},\"notes\":[\"a\",\"b\"],\"version\":2},"
  "{\"id\":\"i1\",\"number\":\"20261207-0001\",\"type\":\"fight\",\"priority\":2,"
  "\"status\":\"new\",\"location\":{\"lat\":43.21,\"lon\":76.91},\"version\":1}],"
  "\"dispatches\":[],"
  "\"zones\":[{\"id\":\"z1\",\"kind\":\"district\",\"name\":\"Алмалы\",\"version\":1,"
  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[76,43],[77,43],[77,44],[76,43]],"
  "[[76.2,43.1],[76.3,43.1],[76.3,43.2],[76.2,43.1]]]}},"
  "{\"id\":\"z2\",\"kind\":\"sector\",\"name\":\"Сектор 2\",\"version\":4,"
  "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[76.1,43.1],[76.15,43.1],[76.15,43.15],[76.1,43.1]]],"
  "[[[76.5,43.5],[76.6,43.5],[76.6,43.6],[76.5,43.5]]]]}}],"
  "\"routes\":[{\"id\":\"r1\",\"name\":\"Маршрут 1\",\"zone_id\":\"z2\",\"version\":1,"
  "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2],[76.91,43.21],[76.925,43.2333333333333]]}}],"
  "\"places\":[{\"id\":\"p1\",\"name\":\"Школа №1\",\"lat\":43.22,\"lon\":76.92,\"version\":1}]}";

static DozorSituation *
loaded_situation (void)
{
  DozorSituation *situation = dozor_situation_new ();
  g_autoptr(JsonNode) snapshot = parse_json (snapshot_text);
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
  return situation;
}

static void
assert_same_units (DozorSituation *a,
                   DozorSituation *b)
{
  GPtrArray *units = dozor_situation_get_units (a);

  g_assert_cmpuint (units->len, ==, dozor_situation_get_units (b)->len);
  for (guint i = 0; i < units->len; i++)
    {
      DozorUnit *unit = units->pdata[i];
      DozorUnit *other = g_ptr_array_index (dozor_situation_get_units (b), i);

      g_assert_cmpstr (unit->id, ==, other->id);
      g_assert_cmpstr (unit->call_sign, ==, other->call_sign);
      g_assert_cmpstr (unit->status, ==, other->status);
      g_assert_cmpint (unit->has_fix, ==, other->has_fix);
      g_assert_cmpint (unit->version, ==, other->version);
      if (!unit->has_fix)
        continue;
      g_assert_cmpfloat (unit->lat, ==, other->lat);
      g_assert_cmpfloat (unit->lon, ==, other->lon);
      g_assert_cmpint (unit->fix_time, ==, other->fix_time);
      g_assert_cmpint (isnan (unit->speed), ==, isnan (other->speed));
      if (!isnan (unit->speed))
        g_assert_cmpfloat (unit->speed, ==, other->speed);
      g_assert_cmpint (isnan (unit->heading), ==, isnan (other->heading));
      if (!isnan (unit->heading))
        g_assert_cmpfloat (unit->heading, ==, other->heading);
    }
}

static void
assert_same_entities (DozorSituation *a,
                      DozorSituation *b,
                      const char     *kind)
{
  g_autoptr(GList) entities = dozor_situation_get_entities (a, kind);

  g_assert_cmpuint (dozor_situation_get_n_entities (a, kind), ==, dozor_situation_get_n_entities (b, kind));
  for (GList *l = entities; l != NULL; l = l->next)
    {
      const char *id = json_object_get_string_member (json_node_get_object (l->data), "id");
      JsonObject *other = dozor_situation_get_entity (b, kind, id);
      g_autoptr(JsonNode) node = NULL;
      DozorGeometry *geometry = dozor_situation_get_geometry (a, kind, id);
      DozorGeometry *other_geometry = dozor_situation_get_geometry (b, kind, id);

      g_assert_nonnull (other);
      node = json_node_init_object (json_node_alloc (), other);
      g_assert_true (json_node_equal (l->data, node));
      g_assert_cmpint (geometry != NULL, ==, other_geometry != NULL);
      if (geometry != NULL)
        g_assert_true (dozor_geometry_equal (geometry, other_geometry));
    }
}

static void
assert_same_situation (DozorSituation *a,
                       DozorSituation *b)
{
  g_autoptr(JsonNode) readiness_a = NULL;
  g_autoptr(JsonNode) readiness_b = NULL;

  g_assert_cmpint (dozor_situation_get_seq (a), ==, dozor_situation_get_seq (b));
  readiness_a = json_node_init_object (json_node_alloc (), dozor_situation_get_readiness_object (a));
  readiness_b = json_node_init_object (json_node_alloc (), dozor_situation_get_readiness_object (b));
  g_assert_true (json_node_equal (readiness_a, readiness_b));
  assert_same_units (a, b);
  assert_same_entities (a, b, "incident");
  assert_same_entities (a, b, "zone");
  assert_same_entities (a, b, "route");
  assert_same_entities (a, b, "place");
}

/* The text written without a tree is the snapshot the tree gave: the same
 * JSON once parsed, and it loads as the same situation. */
static void
test_same_as_tree (void)
{
  g_autoptr(DozorSituation) situation = loaded_situation ();
  g_autoptr(DozorSituation) restored = dozor_situation_new ();
  g_autoptr(DozorSnapshotWriter) writer = dozor_situation_to_snapshot_writer (situation);
  g_autoptr(JsonNode) tree = dozor_situation_to_snapshot (situation);
  g_autofree char *tree_text = dozor_json_to_string (tree);
  g_autoptr(JsonNode) from_tree = parse_json (tree_text);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) written = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  g_assert_cmpint (dozor_snapshot_writer_get_seq (writer), ==, 42);
  text = dozor_snapshot_writer_to_text (writer, &length);
  g_assert_cmpuint (length, ==, strlen (text));
  written = dozor_json_parse (text, length, DOZOR_CACHE_MAX_BYTES, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (written, from_tree));

  g_assert_true (dozor_situation_load_snapshot (restored, written, &error));
  g_assert_no_error (error);
  assert_same_situation (situation, restored);
  g_assert_cmpstr (dozor_situation_get_unit (restored, "u1")->call_sign, ==, "Барыс-01 \"А\" \\ \n");
}

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean main_loop_ran;
  gboolean waited_out;
  GThread *thread;
  gboolean done;
  gboolean saved;
} SaveWatch;

typedef struct
{
  DozorSnapshotWriter *writer;
  SaveWatch *watch;
} WatchedWriter;

/* Writes the text only once the main loop has run meanwhile: a save that
 * wrote it on the caller's thread would wait here in vain. */
static char *
watched_to_text (gpointer  data,
                 gsize    *length)
{
  WatchedWriter *watched = data;
  SaveWatch *watch = watched->watch;
  gint64 until = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&watch->lock);
  watch->thread = g_thread_self ();
  while (!watch->main_loop_ran)
    if (!g_cond_wait_until (&watch->cond, &watch->lock, until))
      {
        watch->waited_out = TRUE;
        break;
      }
  g_mutex_unlock (&watch->lock);
  return dozor_snapshot_writer_to_text (watched->writer, length);
}

static void
watched_free (gpointer data)
{
  WatchedWriter *watched = data;

  dozor_snapshot_writer_free (watched->writer);
  g_free (watched);
}

static gboolean
main_loop_ran_cb (gpointer data)
{
  SaveWatch *watch = data;

  g_mutex_lock (&watch->lock);
  watch->main_loop_ran = TRUE;
  g_cond_signal (&watch->cond);
  g_mutex_unlock (&watch->lock);
  return G_SOURCE_REMOVE;
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  SaveWatch *watch = user_data;
  g_autoptr(GError) error = NULL;

  watch->saved = dozor_cache_save_finish (DOZOR_CACHE (source), result, &error);
  g_assert_no_error (error);
  watch->done = TRUE;
}

static char *
cache_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "dozor", "situation.sqlite", NULL);
}

/* The main thread only takes the copy: the text is written in the cache's
 * worker while the main loop goes on, and what is saved is the situation
 * at the moment the copy was taken, whatever changed after. */
static void
test_written_in_worker (void)
{
  g_autoptr(DozorSituation) situation = loaded_situation ();
  g_autoptr(DozorSituation) before = loaded_situation ();
  g_autoptr(DozorSituation) restored = dozor_situation_new ();
  g_autofree char *path = cache_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCache) cache = dozor_cache_open (path, &error);
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(JsonNode) loaded = NULL;
  WatchedWriter *watched = g_new0 (WatchedWriter, 1);
  SaveWatch watch = { 0 };

  g_assert_no_error (error);
  g_mutex_init (&watch.lock);
  g_cond_init (&watch.cond);
  watched->writer = dozor_situation_to_snapshot_writer (situation);
  watched->watch = &watch;

  dozor_cache_save_text_async (cache, dozor_snapshot_writer_get_seq (watched->writer), watched_to_text,
                               watched, watched_free, NULL, saved_cb, &watch);

  /* The situation goes on while the copy is written: a unit moves, an
   * incident closes, a zone goes. */
  event = parse_json ("{\"seq\":43,\"type\":\"unit.position\",\"unit\":{\"id\":\"u1\",\"call_sign\":\"Барыс-01\","
                      "\"status\":\"busy\",\"position\":{\"lat\":43.3,\"lon\":76.95,"
                      "\"time\":\"2026-12-07T04:00:05Z\"},\"version\":4}}");
  g_assert_cmpint (dozor_situation_apply_event (situation, event), ==, DOZOR_APPLY_APPLIED);
  g_clear_pointer (&event, json_node_unref);
  event = parse_json ("{\"seq\":44,\"type\":\"zone.deleted\",\"zone\":{\"id\":\"z1\",\"kind\":\"district\"}}");
  g_assert_cmpint (dozor_situation_apply_event (situation, event), ==, DOZOR_APPLY_APPLIED);

  g_idle_add (main_loop_ran_cb, &watch);
  while (!watch.done)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (watch.waited_out);
  g_assert_nonnull (watch.thread);
  g_assert_true (watch.thread != g_thread_self ());
  g_assert_true (watch.saved);

  loaded = dozor_cache_load (cache, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_situation_load_snapshot (restored, loaded, &error));
  g_assert_no_error (error);
  assert_same_situation (before, restored);
  g_assert_cmpint (dozor_situation_get_seq (restored), ==, 42);
  g_assert_cmpstr (dozor_situation_get_unit (restored, "u1")->status, ==, "available");
  g_assert_nonnull (dozor_situation_get_geometry (restored, "zone", "z1"));

  g_mutex_clear (&watch.lock);
  g_cond_clear (&watch.cond);
}

/* The last save as the board closes writes the same way, blocking. */
static void
test_save_now (void)
{
  g_autoptr(DozorSituation) situation = loaded_situation ();
  g_autoptr(DozorSituation) restored = dozor_situation_new ();
  g_autofree char *path = cache_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCache) cache = dozor_cache_open (path, &error);
  g_autoptr(DozorLocalCopy) local_copy = NULL;
  g_autoptr(JsonNode) loaded = NULL;
  gint64 saved_at = 0;

  g_assert_no_error (error);
  local_copy = dozor_local_copy_new (cache, situation, NULL);
  g_assert_true (dozor_local_copy_save_now (local_copy, &error));
  g_assert_no_error (error);

  loaded = dozor_cache_load (cache, &saved_at, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpint (saved_at, >, 0);
  g_assert_true (dozor_situation_load_snapshot (restored, loaded, &error));
  g_assert_no_error (error);
  assert_same_situation (situation, restored);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/snapshot-writer/same-as-tree", test_same_as_tree);
  g_test_add_func ("/snapshot-writer/written-in-worker", test_written_in_worker);
  g_test_add_func ("/snapshot-writer/save-now", test_save_now);

  return g_test_run ();
}
