/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The stream with several events per frame (`batch=1`, docs/api.md), as a
 * client sees it from the real dozord: every event exactly once, in seq
 * order, across frames, live and when caught up from the store; the same
 * events a client without batch gets; arrays within their bound.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "server-fixture.h"

/* Bytes of events an array may hold (DOZOR_STREAM_FRAME_BYTES). */
#define FRAME_BYTES (64 * 1024)

typedef struct
{
  Server *server;
  char *tracker;
  GPtrArray *units;
  guint fixes; /* posted so far: each the newest of its unit */
} Fleet;

static void
fleet_init (Fleet  *fleet,
            Server *server,
            guint   n_units)
{
  g_autofree char *sup = login (server, "sup");

  fleet->server = server;
  fleet->tracker = login (server, "tracker");
  fleet->units = g_ptr_array_new_with_free_func (g_free);
  fleet->fixes = 0;
  for (guint i = 0; i < n_units; i++)
    {
      g_autofree char *call_sign = g_strdup_printf ("Batch-%u", i);

      g_ptr_array_add (fleet->units, create_unit (server, sup, call_sign));
    }
}

static void
fleet_clear (Fleet *fleet)
{
  g_clear_pointer (&fleet->tracker, g_free);
  g_clear_pointer (&fleet->units, g_ptr_array_unref);
}

/* Fix i goes to unit i mod N, 10 ms after fix i-1, its latitude telling i. */
static double
fix_lat (guint i)
{
  return 43.0 + i * 1e-6;
}

static void
post_fixes (Fleet *fleet,
            guint  count)
{
  GString *body = g_string_new ("{\"positions\":[");
  g_autofree char *text = NULL;

  for (guint n = 0; n < count; n++)
    {
      guint i = fleet->fixes++;
      guint ms = i * 10;

      g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%.7f,\"lon\":76.9,"
                              "\"time\":\"2026-11-22T%02u:%02u:%02u.%03uZ\",\"speed\":12.5}",
                              n ? "," : "", (char *) fleet->units->pdata[i % fleet->units->len], fix_lat (i),
                              ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
    }
  g_string_append (body, "]}");
  text = g_string_free (body, FALSE);
  {
    g_auto(Answer) answer = request (fleet->server, "POST", "/api/v1/positions", fleet->tracker, NULL, NULL, text);

    g_assert_cmpuint (answer.status, ==, 202);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (answer.body), "accepted"), ==, count);
  }
}

static const char *
event_type (Stream *stream,
            guint   i)
{
  return json_object_get_string_member (json_node_get_object (stream->events->pdata[i]), "type");
}

/* Each unit's last position in the stream is its last fix posted. */
static void
assert_latest_positions (Fleet  *fleet,
                         Stream *stream)
{
  g_autoptr(GHashTable) latest = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < stream->events->len; i++)
    if (g_str_equal (event_type (stream, i), "unit.position"))
      {
        JsonObject *unit = json_object_get_object_member (json_node_get_object (stream->events->pdata[i]), "unit");

        g_hash_table_insert (latest, (gpointer) json_object_get_string_member (unit, "id"), unit);
      }

  g_assert_cmpuint (fleet->fixes, >=, fleet->units->len);
  for (guint u = 0; u < fleet->units->len; u++)
    {
      JsonObject *unit = g_hash_table_lookup (latest, fleet->units->pdata[u]);
      guint last = fleet->fixes - 1 - ((fleet->fixes - 1 - u) % fleet->units->len);

      g_assert_nonnull (unit);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (unit, "position"),
                                                                     "lat"),
                                      fix_lat (last), 1e-8);
    }
}

/* The two streams carry the same events; a position either may have been
 * told as `coalesced` had it fallen behind. */
static void
assert_same_events (Stream *batched,
                    Stream *plain)
{
  g_assert_cmpuint (batched->events->len, ==, plain->events->len);
  for (guint i = 0; i < batched->events->len; i++)
    {
      g_assert_cmpint (event_seq (batched, i), ==, event_seq (plain, i));
      if (!g_str_equal (event_type (batched, i), "coalesced") && !g_str_equal (event_type (plain, i), "coalesced"))
        g_assert_true (json_node_equal (batched->events->pdata[i], plain->events->pdata[i]));
    }
}

static void
test_batch_live (Server        *server,
                 gconstpointer  data)
{
  g_autofree char *wall = login (server, "wall");
  Fleet fleet;
  Stream batched, plain;
  gint64 since;

  fleet_init (&fleet, server, 8);
  since = snapshot_seq (server, wall);
  stream_open_query (server, &batched, wall, since, "batch=1");
  stream_open (server, &plain, wall, since);
  g_assert_true (batched.heartbeat);
  g_assert_true (plain.heartbeat);
  g_assert_cmpuint (batched.events->len, ==, 0);

  /* Three commits of 400 events, ~130 KB each: arrays of several events,
   * each commit over more than one array. */
  for (guint i = 0; i < 3; i++)
    post_fixes (&fleet, 400);

  g_assert_true (stream_wait_seq (&batched, since + 1200));
  g_assert_true (stream_wait_seq (&plain, since + 1200));
  g_assert_cmpuint (batched.events->len, ==, 1200);
  assert_gapless (&batched, since);
  assert_gapless (&plain, since);
  assert_same_events (&batched, &plain);
  assert_latest_positions (&fleet, &batched);

  g_assert_cmpuint (batched.most_per_frame, >, 1);
  g_assert_cmpuint (batched.frames, <, 1200);
  g_assert_cmpuint (batched.frames, >=, 3 * 2);
  g_assert_cmpuint (batched.longest_frame, <=, FRAME_BYTES);
  g_assert_cmpuint (plain.most_per_frame, ==, 1);
  g_assert_cmpuint (plain.frames, ==, 1200);

  stream_close (&batched);
  stream_close (&plain);
  fleet_clear (&fleet);
}

/* A district whose outline has @points corners: one event of ~100 KB. */
static void
create_large_zone (Server     *server,
                   const char *token,
                   guint       points)
{
  GString *body = g_string_new ("{\"kind\":\"district\",\"name\":\"Большой\",\"geometry\":"
                                "{\"type\":\"Polygon\",\"coordinates\":[[");
  g_autofree char *text = NULL;

  for (guint i = 0; i <= points; i++)
    {
      double angle = 2 * G_PI * (i % points) / points;

      g_string_append_printf (body, "%s[%.7f,%.7f]", i ? "," : "", 76.9 + 0.05 * cos (angle),
                              43.25 + 0.05 * sin (angle));
    }
  g_string_append (body, "]]}}");
  text = g_string_free (body, FALSE);
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/zones", token, "large-zone", NULL, text);

    g_assert_cmpuint (answer.status, ==, 201);
  }
}

static void
test_batch_backlog (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *wall = login (server, "wall");
  g_autofree char *sup = login (server, "sup");
  Fleet fleet;
  Stream batched, plain;
  guint coalesced = 0;
  gint64 since;

  fleet_init (&fleet, server, 10);
  since = snapshot_seq (server, wall);
  for (guint i = 0; i < 3; i++)
    post_fixes (&fleet, 1000);
  create_large_zone (server, sup, 4000);
  post_fixes (&fleet, 20);

  /* All of it is behind the client: it comes from the store, a page at a
   * time, with superseded positions coalesced, then the heartbeat. */
  stream_open_query (server, &batched, wall, since, "batch=1");
  stream_open (server, &plain, wall, since);
  g_assert_true (batched.heartbeat);
  g_assert_true (plain.heartbeat);
  g_assert_cmpuint (batched.events->len, ==, 3021);
  assert_gapless (&batched, since);
  assert_gapless (&plain, since);
  assert_same_events (&batched, &plain);
  assert_latest_positions (&fleet, &batched);

  for (guint i = 0; i < batched.events->len; i++)
    coalesced += g_str_equal (event_type (&batched, i), "coalesced");
  g_assert_cmpuint (coalesced, >, 0);
  g_assert_cmpstr (event_type (&batched, 3000), ==, "zone.created");

  /* The zone's event is larger than an array may be: it came alone. */
  g_assert_cmpuint (batched.most_per_frame, >, 1);
  g_assert_cmpuint (batched.frames, <, 3021);
  g_assert_cmpuint (batched.longest_frame, <=, FRAME_BYTES);
  g_assert_cmpuint (plain.frames, ==, 3021);

  stream_close (&batched);
  stream_close (&plain);
  fleet_clear (&fleet);
}

/* A live client that stops reading falls behind (dozord stops queueing
 * for it past 256 KiB and feeds it from the store as its socket drains,
 * coalescing positions), then is live again: every event still comes
 * exactly once, in order, in arrays. The client reads nothing while the
 * fixes are posted (the requests here are synchronous): ~10 MB of events,
 * more than the two kernels' buffers hold. */
static void
test_batch_falls_behind (Server        *server,
                         gconstpointer  data)
{
  g_autofree char *wall = login (server, "wall");
  Fleet fleet;
  Stream batched;
  guint coalesced = 0;
  gint64 since;

  fleet_init (&fleet, server, 10);
  since = snapshot_seq (server, wall);
  stream_open_query (server, &batched, wall, since, "batch=1");
  g_assert_true (batched.heartbeat);

  for (guint i = 0; i < 30; i++)
    post_fixes (&fleet, 1000);

  g_assert_true (stream_wait_seq (&batched, since + 30000));
  g_assert_cmpuint (batched.events->len, ==, 30000);
  assert_gapless (&batched, since);
  assert_latest_positions (&fleet, &batched);
  for (guint i = 0; i < batched.events->len; i++)
    coalesced += g_str_equal (event_type (&batched, i), "coalesced");
  g_test_message ("%u of 30000 positions coalesced, %u frames", coalesced, batched.frames);
  /* Only a client that is behind gets `coalesced` events: it did fall
   * behind, and came back. */
  g_assert_cmpuint (coalesced, >, 0);
  g_assert_cmpuint (batched.most_per_frame, >, 1);
  g_assert_cmpuint (batched.longest_frame, <=, FRAME_BYTES);

  /* Live again: a new fix comes as a position, not from the store. */
  post_fixes (&fleet, 10);
  g_assert_true (stream_wait_seq (&batched, since + 30010));
  assert_gapless (&batched, since);
  g_assert_cmpstr (event_type (&batched, batched.events->len - 1), ==, "unit.position");

  stream_close (&batched);
  fleet_clear (&fleet);
}

static void
test_batch_malformed (Server        *server,
                      gconstpointer  data)
{
  g_autofree char *wall = login (server, "wall");
  g_autofree char *sup = login (server, "sup");
  static const char *const refused[] = { "batch=2", "batch=yes", "batch=", "batch=true" };
  Stream stream;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      stream_open_query (server, &stream, wall, 0, refused[i]);
      g_assert_true (stream.closed);
      g_assert_false (stream.heartbeat);
      g_assert_cmpint (soup_websocket_connection_get_close_code (stream.conn), ==, 4400);
      stream_close (&stream);
    }

  /* batch=0 is the default: one object per frame. */
  g_free (create_unit (server, sup, "Plain-1"));
  g_free (create_unit (server, sup, "Plain-2"));
  stream_open_query (server, &stream, wall, 0, "batch=0");
  g_assert_true (stream.heartbeat);
  g_assert_cmpuint (stream.events->len, ==, 2);
  g_assert_cmpuint (stream.frames, ==, 2);
  stream_close (&stream);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  server_fixture_init ();

#define ADD(path, func) g_test_add (path, Server, NULL, server_setup, func, server_teardown)
  ADD ("/stream/batch-live", test_batch_live);
  ADD ("/stream/batch-backlog", test_batch_backlog);
  ADD ("/stream/batch-falls-behind", test_batch_falls_behind);
  ADD ("/stream/batch-malformed", test_batch_malformed);
#undef ADD

  return g_test_run ();
}
