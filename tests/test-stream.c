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

/* A client taking arrays and one not, from @since, both greeted. */
static void
open_both (Server     *server,
           const char *token,
           gint64      since,
           Stream     *batched,
           Stream     *plain)
{
  stream_open_query (server, batched, token, since, "batch=1");
  stream_open (server, plain, token, since);
  g_assert_true (batched->heartbeat);
  g_assert_true (plain->heartbeat);
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
  open_both (server, wall, since, &batched, &plain);
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
  open_both (server, wall, since, &batched, &plain);
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
  gint64 since, posting, posted;
  gboolean caught_up;

  fleet_init (&fleet, server, 10);
  since = snapshot_seq (server, wall);
  stream_open_query (server, &batched, wall, since, "batch=1");
  g_assert_true (batched.heartbeat);

  posting = g_get_monotonic_time ();
  for (guint i = 0; i < 30; i++)
    post_fixes (&fleet, 1000);
  posted = g_get_monotonic_time ();

  caught_up = stream_wait_seq (&batched, since + 30000);
  g_test_message ("30 posts of 1000 fixes took %.1f s; the client then had %u events after %.1f s%s",
                  (posted - posting) / 1e6, batched.events->len, (g_get_monotonic_time () - posted) / 1e6,
                  batched.closed ? ", its stream closed" : "");
  g_assert_true (caught_up);
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

/* What a client that fell behind got against the journal (every event
 * but a fix, as the stream sent it): each event of the journal after
 * @since exactly once, at its seq, unchanged; every other seq a position
 * or a `coalesced` one. Returns how many were coalesced. */
static guint
assert_only_positions_coalesced (Stream    *stream,
                                 GPtrArray *journal,
                                 gint64     since)
{
  guint j = 0, coalesced = 0;

  while (j < journal->len &&
         json_object_get_int_member (json_node_get_object (journal->pdata[j]), "seq") <= since)
    j++;
  for (guint i = 0; i < stream->events->len; i++)
    {
      const char *type = event_type (stream, i);

      if (j < journal->len &&
          json_object_get_int_member (json_node_get_object (journal->pdata[j]), "seq") == event_seq (stream, i))
        {
          g_assert_true (json_node_equal (stream->events->pdata[i], journal->pdata[j]));
          j++;
          continue;
        }
      if (!g_str_equal (type, "unit.position"))
        g_assert_cmpstr (type, ==, "coalesced");
      coalesced += g_str_equal (type, "coalesced");
    }
  g_assert_cmpuint (j, ==, journal->len);
  return coalesced;
}

/* Two clients, one taking arrays and one not, read nothing while fixes
 * pour in with status changes, incidents and dispatches among them: both
 * fall behind and are fed from the store, from pages they share. Once
 * caught up each has every seq once and in order, the newest position of
 * every unit, and every status, incident and dispatch event as it was
 * stored: only positions are coalesced. */
static void
test_slow_keeps_all_but_positions (Server        *server,
                                   gconstpointer  data)
{
  g_autofree char *wall = login (server, "wall");
  g_autofree char *sup = login (server, "sup");
  g_autoptr(GPtrArray) journal = NULL;
  guint versions[5] = { 1, 1, 1, 1, 1 };
  guint dispatched = 0, kinds[3] = { 0 };
  Fleet fleet;
  Stream batched, plain;
  gint64 since, head;
  guint pages;

  fleet_init (&fleet, server, 10);
  since = snapshot_seq (server, wall);
  open_both (server, wall, since, &batched, &plain);

  for (guint round = 0; round < 30; round++)
    {
      post_fixes (&fleet, 1000);
      if (round % 3 == 0)
        {
          /* Units 0–4 change status; 5–9 are dispatched. */
          guint u = round / 3 % 5;
          g_autofree char *path = g_strdup_printf ("/api/v1/units/%s", (char *) fleet.units->pdata[u]);
          g_autofree char *version = g_strdup_printf ("\"%u\"", versions[u]);
          g_auto(Answer) changed = request (server, "PATCH", path, sup, NULL, version,
                                            round % 2 ? "{\"status\":\"available\"}" : "{\"status\":\"busy\"}");

          g_assert_cmpuint (changed.status, ==, 200);
          versions[u]++;
          kinds[0]++;
        }
      else
        {
          g_autofree char *incident = create_incident (server, sup);

          kinds[1]++;
          if (round % 3 == 2 && dispatched < 5)
            {
              g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}",
                                                       (char *) fleet.units->pdata[5 + dispatched], incident);
              g_autofree char *key = g_uuid_string_random ();
              g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);

              g_assert_cmpuint (dispatch.status, ==, 201);
              dispatched++;
              kinds[2]++;
            }
        }
    }
  head = snapshot_seq (server, wall);
  g_test_message ("%u status changes, %u incidents, %u dispatches among 30000 fixes: seqs %" G_GINT64_FORMAT
                  " to %" G_GINT64_FORMAT, kinds[0], kinds[1], kinds[2], since + 1, head);
  g_assert_cmpuint (kinds[2], ==, 5);

  g_assert_true (stream_wait_seq (&batched, head));
  g_assert_true (stream_wait_seq (&plain, head));
  assert_gapless (&batched, since);
  assert_gapless (&plain, since);
  g_assert_cmpint (event_seq (&batched, batched.events->len - 1), ==, head);
  g_assert_cmpint (event_seq (&plain, plain.events->len - 1), ==, head);
  assert_latest_positions (&fleet, &batched);
  assert_latest_positions (&fleet, &plain);

  journal = journal_read (server, wall, "", &pages);
  {
    guint coalesced_batched = assert_only_positions_coalesced (&batched, journal, since);
    guint coalesced_plain = assert_only_positions_coalesced (&plain, journal, since);

    g_test_message ("coalesced: %u of the array client's events, %u of the other's", coalesced_batched,
                    coalesced_plain);
    /* Both did fall behind: only then are positions coalesced. */
    g_assert_cmpuint (coalesced_batched, >, 0);
    g_assert_cmpuint (coalesced_plain, >, 0);
  }

  stream_close (&batched);
  stream_close (&plain);
  fleet_clear (&fleet);
}

/* A fix as posted, and the text of its unit.position event as SQLite
 * writes it (docs/api.md): the expected bytes, built here. */
typedef struct
{
  guint unit;
  const char *time;
  double lat, lon;
  double speed, heading, accuracy; /* < 0: not sent */
  gboolean news;                   /* newer than the unit's last fix */
} TextFix;

static void
append_number (GString    *out,
               const char *name,
               int         decimals,
               double      value)
{
  g_string_append_printf (out, ",\"%s\":", name);
  if (value < 0)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "%.*f", decimals, value);
}

/* Each unit.position event is, byte for byte, what the store writes for
 * one fix at a time, whether the fix went alone (a stopped car, which may
 * be arriving) or in a run of fixes (PostgreSQL writes those a few
 * statements a batch, dozor-store-positions.c); an older fix makes no
 * event. */
static void
test_position_text (Server        *server,
                    gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *wall = login (server, "wall");
  static const char *const call_signs[] = { "Text-0", "Беркут-7", "Text-2" };
  static const TextFix fixes[] = {
    { 0, "2026-11-22T10:00:00Z", 43.1234567, 76.9012345, 12.5, 90, 5, TRUE },
    { 1, "2026-11-22T10:00:00.5Z", 43.2, 76.95, 0.5, 180, 3, TRUE },
    { 0, "2026-11-22T09:59:00Z", 43.3, 76.8, 10, 0, 1, FALSE },
    { 2, "2026-11-22T15:00:00+05:00", 43.25, 76.91, -1, -1, -1, TRUE },
    { 0, "2026-11-22T10:00:01.25Z", 43.1234568, 76.9012346, 13.25, 91.5, -1, TRUE },
    { 1, "2026-11-22T10:00:02Z", 43.2001, 76.9501, 14, -1, 4.5, TRUE },
    { 1, "2026-11-22T10:00:02Z", 43.2002, 76.9502, 1.5, -1, 4.5, TRUE },
  };
  char *units[G_N_ELEMENTS (call_signs)];
  GString *body = g_string_new ("{\"positions\":[");
  g_autofree char *text = NULL;
  Stream plain;
  gint64 since;
  guint expected = 0;

  for (guint u = 0; u < G_N_ELEMENTS (call_signs); u++)
    units[u] = create_unit (server, sup, call_signs[u]);
  since = snapshot_seq (server, wall);
  stream_open (server, &plain, wall, since);
  plain.texts = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (fixes); i++)
    {
      g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%.7f,\"lon\":%.7f,\"time\":\"%s\"",
                              i ? "," : "", units[fixes[i].unit], fixes[i].lat, fixes[i].lon, fixes[i].time);
      if (fixes[i].speed >= 0)
        g_string_append_printf (body, ",\"speed\":%g", fixes[i].speed);
      if (fixes[i].heading >= 0)
        g_string_append_printf (body, ",\"heading\":%g", fixes[i].heading);
      if (fixes[i].accuracy >= 0)
        g_string_append_printf (body, ",\"accuracy\":%g", fixes[i].accuracy);
      g_string_append (body, "}");
      expected += fixes[i].news;
    }
  g_string_append (body, "]}");
  text = g_string_free (body, FALSE);
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, text);

    g_assert_cmpuint (answer.status, ==, 202);
  }

  g_assert_true (stream_wait_seq (&plain, since + expected));
  g_assert_cmpuint (plain.events->len, ==, expected);
  g_assert_cmpuint (plain.texts->len, ==, expected);
  assert_gapless (&plain, since);

  for (guint i = 0, e = 0; i < G_N_ELEMENTS (fixes); i++)
    {
      const TextFix *fix = &fixes[i];
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (fix->time, NULL);
      g_autoptr(GDateTime) utc = g_date_time_to_utc (parsed);
      g_autofree char *fix_time = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
      g_autoptr(GString) want = g_string_new (NULL);

      if (!fix->news)
        continue;
      /* The event's own time is the server's: taken from what came. */
      g_string_append_printf (want, "{\"seq\":%" G_GINT64_FORMAT ",\"type\":\"unit.position\",\"time\":\"%s\","
                              "\"unit\":{\"id\":\"%s\",\"call_sign\":\"%s\",\"kind\":\"car\",\"crew\":[],"
                              "\"status\":\"available\",\"position\":{\"lat\":%.7f,\"lon\":%.7f,\"time\":\"%s\"",
                              since + 1 + e,
                              json_object_get_string_member (json_node_get_object (plain.events->pdata[e]), "time"),
                              units[fix->unit], call_signs[fix->unit], fix->lat, fix->lon, fix_time);
      append_number (want, "speed", 2, fix->speed);
      append_number (want, "heading", 1, fix->heading);
      append_number (want, "accuracy", 1, fix->accuracy);
      g_string_append (want, "},\"version\":1}}");
      g_assert_cmpstr (plain.texts->pdata[e], ==, want->str);
      e++;
    }

  /* The units hold their newest fix. */
  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
    JsonArray *list = json_object_get_array_member (json_node_get_object (snapshot.body), "units");
    static const guint newest[] = { 4, 6, 3 };

    g_assert_cmpuint (json_array_get_length (list), ==, G_N_ELEMENTS (call_signs));
    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *unit = json_array_get_object_element (list, i);
        JsonObject *position = json_object_get_object_member (unit, "position");

        for (guint u = 0; u < G_N_ELEMENTS (call_signs); u++)
          if (g_str_equal (json_object_get_string_member (unit, "id"), units[u]))
            g_assert_cmpfloat_with_epsilon (json_object_get_double_member (position, "lat"), fixes[newest[u]].lat, 1e-9);
      }
  }

  stream_close (&plain);
  for (guint u = 0; u < G_N_ELEMENTS (call_signs); u++)
    g_free (units[u]);
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
  ADD ("/stream/slow-keeps-all-but-positions", test_slow_keeps_all_but_positions);
  ADD ("/stream/position-text", test_position_text);
#undef ADD

  return g_test_run ();
}
