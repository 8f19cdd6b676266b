/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route compliance and arrival on scene as dozord computes them from
 * positions (issue 17, items 2 and 3; docs/api.md, "Route compliance" and
 * "Incident"): what a board sees on the stream, in the snapshot and in
 * GET /units/{id}/deviations, against the real dozord.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"

/* A patrol route along a parallel of Almaty, 3.2 km east to west. */
#define ROUTE_LAT 43.26
#define ROUTE_GEOMETRY "{\"type\":\"LineString\",\"coordinates\":[[76.88,43.26],[76.92,43.26]]}"
/* 400 m north of the route: 400 / 111,132 m per degree. */
#define AWAY_LAT (ROUTE_LAT + 400.0 / 111132.0)

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Fixes of one unit, each {lat, lon, time, speed}, in one batch. */
static void
post_fixes (Server     *server,
            const char *unit_id,
            guint       n,
            const double *lats,
            const double *lons,
            const gint64 *times,
            double      speed)
{
  g_autofree char *tracker = login (server, "tracker");
  g_autoptr(GString) body = g_string_new ("{\"positions\":[");

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *time = time_text_us (times[i]);
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE], v[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%s,\"lon\":%s,\"time\":\"%s\",\"speed\":%s}",
                              i > 0 ? "," : "", unit_id, g_ascii_dtostr (lat, sizeof lat, lats[i]),
                              g_ascii_dtostr (lon, sizeof lon, lons[i]), time, g_ascii_dtostr (v, sizeof v, speed));
    }
  g_string_append (body, "]}");
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, body->str);

    g_assert_cmpuint (answer.status, ==, 202);
  }
}

/* 4 fixes every 10 s from @t0 at ROUTE_LAT, east from @near_lon by
 * @near_step degrees, 9 fixes 400 m north every 20 s, east from @away_lon
 * by @away_step (160 s away, more than the 120-s dwell), and, if
 * @come_back, one fix back at ROUTE_LAT, 76.90. */
static void
post_drive (Server     *server,
            const char *unit_id,
            gint64      t0,
            gboolean    come_back,
            double      near_lon,
            double      near_step,
            double      away_lon,
            double      away_step)
{
  double lats[14], lons[14];
  gint64 times[14];
  guint n = 0;

  for (guint i = 0; i < 4; i++, n++)
    {
      lats[n] = ROUTE_LAT;
      lons[n] = near_lon + near_step * i;
      times[n] = t0 + 10 * i;
    }
  for (guint i = 0; i < 9; i++, n++)
    {
      lats[n] = AWAY_LAT;
      lons[n] = away_lon + away_step * i;
      times[n] = t0 + 40 + 20 * i;
    }
  if (come_back)
    {
      lats[n] = ROUTE_LAT;
      lons[n] = 76.90;
      times[n] = t0 + 220;
      n++;
    }
  post_fixes (server, unit_id, n, lats, lons, times, 10);
}

/* The route's drive: along it, then a detour north of it. */
static void
post_detour (Server     *server,
             const char *unit_id,
             gint64      t0,
             gboolean    come_back)
{
  post_drive (server, unit_id, t0, come_back, 76.89, 0.001, 76.895, 0.0005);
}

/* The first event of @type about @unit_id after index @from, waiting for
 * it (the worker's records come asynchronously) for a generous minute. */
static JsonObject *
wait_event (Stream     *stream,
            guint       from,
            const char *type,
            const char *member_name,
            const char *unit_id,
            guint      *index)
{
  for (guint turn = 0; turn < 200; turn++)
    {
      for (guint i = from; i < stream->events->len; i++)
        {
          JsonObject *event = json_node_get_object (stream->events->pdata[i]);
          JsonObject *entity;

          if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), type) != 0)
            continue;
          entity = json_object_get_object_member (event, member_name);
          if (unit_id != NULL && g_strcmp0 (json_object_get_string_member_with_default (entity, "unit_id", ""),
                                            unit_id) != 0)
            continue;
          if (index != NULL)
            *index = i;
          return entity;
        }
      if (stream->closed || !stream_wait_seq (stream, stream->events->len > 0
                                                        ? event_seq (stream, stream->events->len - 1) + 1
                                                        : 1))
        break;
    }
  return NULL;
}

static guint
count_events (Stream     *stream,
              const char *type,
              const char *unit_id)
{
  guint n = 0;

  for (guint i = 0; i < stream->events->len; i++)
    {
      JsonObject *event = json_node_get_object (stream->events->pdata[i]);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), type) == 0)
        {
          const char *member_name = g_str_has_prefix (type, "deviation") ? "deviation" : "gap";
          JsonObject *entity = json_object_get_object_member (event, member_name);

          n += g_strcmp0 (json_object_get_string_member (entity, "unit_id"), unit_id) == 0;
        }
    }
  return n;
}

static Answer
unit_deviations (Server     *server,
                 const char *token,
                 const char *unit_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/deviations", unit_id);
  Answer answer = request (server, "GET", path, token, NULL, NULL, NULL);

  g_assert_cmpuint (answer.status, ==, 200);
  return answer;
}

/* 400 m away for 160 s: a deviation starts at the fix that makes 120 s,
 * ends at the fix back, with the stretch it took; the read counts it. */
static void
test_deviation (Server        *server,
                gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Беркут-1");
  gint64 t0 = now_s () - 3600;
  g_autofree char *route = create_patrol_route (server, sup, unit, t0 - 5, t0 + 7200);
  Stream stream;
  JsonObject *started, *ended, *counts;
  JsonArray *stretch;
  guint at = 0;

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_detour (server, unit, t0, TRUE);

  started = wait_event (&stream, 0, "deviation.started", "deviation", unit, &at);
  g_assert_nonnull (started);
  g_assert_cmpstr (json_object_get_string_member (started, "route_id"), ==, route);
  assert_time_member (started, "started_at", t0 + 40);
  assert_time_member (started, "confirmed_at", t0 + 160);
  g_assert_true (json_node_is_null (json_object_get_member (started, "ended_at")));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (started, "distance_m"), 400, 2);
  stretch = json_object_get_array_member (started, "stretch");
  g_assert_cmpuint (json_array_get_length (stretch), ==, 7);

  ended = wait_event (&stream, at + 1, "deviation.ended", "deviation", unit, NULL);
  g_assert_nonnull (ended);
  g_assert_cmpstr (json_object_get_string_member (ended, "id"), ==, json_object_get_string_member (started, "id"));
  assert_time_member (ended, "ended_at", t0 + 220);
  g_assert_cmpstr (json_object_get_string_member (ended, "reason"), ==, "returned");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ended, "duration_s"), 180, 0.01);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ended, "max_distance_m"), 400, 2);
  stretch = json_object_get_array_member (ended, "stretch");
  g_assert_cmpuint (json_array_get_length (stretch), ==, 9);
  /* 8 steps of 0.0005° of longitude at 43.26°: 8 × 40.5 m. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ended, "away_m"), 8 * 40.5, 3);
  g_assert_cmpuint (count_events (&stream, "reporting.gap", unit), ==, 0);

  {
    g_auto(Answer) read = unit_deviations (server, wall, unit);
    JsonObject *root = json_node_get_object (read.body);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "deviations")), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "gaps")), ==, 0);
    counts = json_array_get_object_element (json_object_get_array_member (root, "counts"), 0);
    g_assert_cmpstr (json_object_get_string_member (counts, "route_id"), ==, route);
    g_assert_cmpint (json_object_get_int_member (counts, "deviations"), ==, 1);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (counts, "deviation_s"), 180, 0.01);
  }

  /* The shift's figures for every unit: this one, by call sign; a window
   * that ends before it began counts nothing. */
  {
    g_autofree char *window = time_text_us (t0 - 5);
    g_autofree char *path = g_strdup_printf ("/api/v1/stats/deviations?from=%s", window);
    g_autofree char *before = g_strdup_printf ("/api/v1/stats/deviations?to=%s", window);
    g_autofree char *tracker = login (server, "tracker");
    g_auto(Answer) stats = request (server, "GET", path, wall, NULL, NULL, NULL);
    g_auto(Answer) empty = request (server, "GET", before, wall, NULL, NULL, NULL);
    g_auto(Answer) bad = request (server, "GET", "/api/v1/stats/deviations?from=yesterday", wall, NULL, NULL, NULL);
    g_auto(Answer) refused = request (server, "GET", path, tracker, NULL, NULL, NULL);
    JsonObject *root, *row;

    g_assert_cmpuint (stats.status, ==, 200);
    root = json_node_get_object (stats.body);
    g_assert_cmpint (json_object_get_int_member (root, "deviations"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (root, "gaps"), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "by_unit")), ==, 1);
    row = json_array_get_object_element (json_object_get_array_member (root, "by_unit"), 0);
    g_assert_cmpstr (json_object_get_string_member (row, "call_sign"), ==, "Беркут-1");
    g_assert_cmpint (json_object_get_int_member (row, "deviations"), ==, 1);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "deviation_s"), 180, 0.01);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "away_m"), 8 * 40.5, 3);
    g_assert_cmpuint (empty.status, ==, 200);
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (empty.body), "deviations"), ==, 0);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (empty.body),
                                                                           "by_unit")), ==, 0);
    g_assert_cmpuint (bad.status, ==, 422);
    g_assert_cmpuint (refused.status, ==, 403);
  }
  stream_close (&stream);
}

/* The same drive on a dispatch is not judged; a unit beside it driving
 * the same without a dispatch deviates (so the check did run). */
static void
test_dispatched_exempt (Server        *server,
                        gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *sent = create_unit (server, sup, "Беркут-2");
  g_autofree char *free_unit = create_unit (server, sup, "Беркут-3");
  g_autofree char *incident = create_incident (server, sup);
  gint64 t0 = now_s () - 30;
  g_autofree char *route_sent = create_patrol_route (server, sup, sent, t0 - 5, t0 + 7200);
  g_autofree char *route_free = create_patrol_route (server, sup, free_unit, t0 - 5, t0 + 7200);
  g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", sent, incident);
  g_autofree char *key = g_uuid_string_random ();
  Stream stream;

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  {
    g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);

    g_assert_cmpuint (dispatch.status, ==, 201);
  }
  /* From the dispatch on (fixes up to 5 minutes ahead are taken). */
  post_detour (server, sent, t0 + 31, FALSE);
  post_detour (server, free_unit, t0 + 31, FALSE);

  g_assert_nonnull (wait_event (&stream, 0, "deviation.started", "deviation", free_unit, NULL));
  g_assert_cmpuint (count_events (&stream, "deviation.started", sent), ==, 0);
  {
    g_auto(Answer) read = unit_deviations (server, wall, sent);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (read.body),
                                                                           "deviations")), ==, 0);
  }
  stream_close (&stream);
}

/* 380 s without a fix, with a gap time of 180 s: a reporting gap. */
static void
test_gap (Server        *server,
          gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Беркут-4");
  gint64 t0 = now_s () - 3600;
  g_autofree char *route = create_patrol_route (server, sup, unit, t0 - 5, t0 + 7200);
  const double lats[] = { ROUTE_LAT, ROUTE_LAT, ROUTE_LAT };
  const double lons[] = { 76.89, 76.891, 76.90 };
  const gint64 times[] = { t0, t0 + 10, t0 + 390 };
  Stream stream;
  JsonObject *gap;

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_fixes (server, unit, 3, lats, lons, times, 10);
  gap = wait_event (&stream, 0, "reporting.gap", "gap", unit, NULL);
  g_assert_nonnull (gap);
  g_assert_cmpstr (json_object_get_string_member (gap, "route_id"), ==, route);
  assert_time_member (gap, "from", t0 + 10);
  assert_time_member (gap, "to", t0 + 390);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (gap, "duration_s"), 380, 0.01);
  g_assert_cmpuint (count_events (&stream, "deviation.started", unit), ==, 0);
  stream_close (&stream);
}

/* A deviation in progress survives a restart: in the snapshot, in the
 * read, and the fix back after the restart ends that same deviation —
 * with no gap from the shift's start, no second start. */
static void
test_restart (Server        *server,
              gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = NULL;
  g_autofree char *unit = create_unit (server, sup, "Беркут-5");
  gint64 t0 = now_s () - 3600;
  g_autofree char *route = create_patrol_route (server, sup, unit, t0 - 5, t0 + 7200);
  g_autofree char *id = NULL;
  const double lat[] = { ROUTE_LAT };
  const double lon[] = { 76.90 };
  const gint64 back[] = { t0 + 220 };
  Stream stream;
  JsonObject *started, *ended;
  gint64 seq;

  wall = login (server, "wall");
  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_detour (server, unit, t0, FALSE);
  started = wait_event (&stream, 0, "deviation.started", "deviation", unit, NULL);
  g_assert_nonnull (started);
  id = g_strdup (json_object_get_string_member (started, "id"));
  stream_close (&stream);

  server_stop (server, SIGTERM);
  server_start (server, NULL);
  g_free (wall);
  wall = login (server, "wall");

  {
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
    JsonArray *deviations = json_object_get_array_member (json_node_get_object (snapshot.body), "deviations");
    JsonObject *deviation;

    g_assert_cmpuint (snapshot.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (deviations), ==, 1);
    deviation = json_array_get_object_element (deviations, 0);
    g_assert_cmpstr (json_object_get_string_member (deviation, "id"), ==, id);
    g_assert_cmpstr (json_object_get_string_member (deviation, "route_id"), ==, route);
    seq = json_object_get_int_member (json_node_get_object (snapshot.body), "as_of_seq");
  }

  stream_open (server, &stream, wall, seq);
  post_fixes (server, unit, 1, lat, lon, back, 10);
  ended = wait_event (&stream, 0, "deviation.ended", "deviation", unit, NULL);
  g_assert_nonnull (ended);
  g_assert_cmpstr (json_object_get_string_member (ended, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (ended, "reason"), ==, "returned");
  assert_time_member (ended, "ended_at", t0 + 220);
  g_assert_cmpuint (count_events (&stream, "deviation.started", unit), ==, 0);
  g_assert_cmpuint (count_events (&stream, "reporting.gap", unit), ==, 0);

  {
    g_auto(Answer) read = unit_deviations (server, wall, unit);
    JsonArray *deviations = json_object_get_array_member (json_node_get_object (read.body), "deviations");

    g_assert_cmpuint (json_array_get_length (deviations), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (deviations, 0), "ended_at"),
                     !=, NULL);
  }
  stream_close (&stream);
}

/* A roster entry with a post (issue 17: "a route or post"): at the post
 * (43.26, 76.90), then 400 m north of it, and @come_back to it. */
static void
post_leave_post (Server     *server,
                 const char *unit_id,
                 gint64      t0,
                 gboolean    come_back)
{
  post_drive (server, unit_id, t0, come_back, 76.90, 0.0002, 76.90, 0);
}

/* A roster entry's post is judged like a route: leaving it for longer
 * than the dwell time is a deviation naming the entry (route_id null);
 * it survives a restart (the worker reads the roster's posts back) and
 * ends at the fix back; the read counts it under the entry. A second
 * unit on the roster without a post, driving the same, is not judged. */
static void
test_post (Server        *server,
           gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Беркут-7");
  g_autofree char *reserve = create_unit (server, sup, "Беркут-8");
  gint64 t0 = now_s () - 3600;
  g_autofree char *from = time_text_us (t0 - 5);
  g_autofree char *to = time_text_us (t0 + 7200);
  g_autofree char *entry_id = NULL;
  g_autofree char *id = NULL;
  const double lat[] = { ROUTE_LAT };
  const double lon[] = { 76.90 };
  const gint64 back[] = { t0 + 220 };
  Stream stream;
  JsonObject *started, *ended;
  gint64 seq;

  {
    g_autofree char *key = g_uuid_string_random ();
    g_autofree char *body = g_strdup_printf ("{\"shift_date\":\"2026-12-06\",\"from\":\"%s\",\"to\":\"%s\","
                                             "\"unit_id\":\"%s\",\"post\":{\"name\":\"Пост 1\","
                                             "\"location\":{\"lat\":43.26,\"lon\":76.9}}}", from, to, unit);
    g_autofree char *other_key = g_uuid_string_random ();
    g_autofree char *other_body = g_strdup_printf ("{\"shift_date\":\"2026-12-06\",\"from\":\"%s\",\"to\":\"%s\","
                                                   "\"unit_id\":\"%s\"}", from, to, reserve);
    g_auto(Answer) entry = request (server, "POST", "/api/v1/roster", sup, key, NULL, body);
    g_auto(Answer) other = request (server, "POST", "/api/v1/roster", sup, other_key, NULL, other_body);

    g_assert_cmpuint (entry.status, ==, 201);
    g_assert_cmpuint (other.status, ==, 201);
    entry_id = g_strdup (member (&entry, "id"));
  }

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_leave_post (server, reserve, t0, FALSE);
  post_leave_post (server, unit, t0, FALSE);
  started = wait_event (&stream, 0, "deviation.started", "deviation", unit, NULL);
  g_assert_nonnull (started);
  g_assert_true (json_node_is_null (json_object_get_member (started, "route_id")));
  g_assert_cmpstr (json_object_get_string_member (started, "roster_id"), ==, entry_id);
  assert_time_member (started, "started_at", t0 + 40);
  assert_time_member (started, "confirmed_at", t0 + 160);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (started, "distance_m"), 400, 2);
  id = g_strdup (json_object_get_string_member (started, "id"));
  /* The reserve unit's fixes were judged before these (one worker, in
   * order): had it been judged, its deviation would have come first. */
  g_assert_cmpuint (count_events (&stream, "deviation.started", reserve), ==, 0);
  stream_close (&stream);

  server_stop (server, SIGTERM);
  server_start (server, NULL);
  g_free (wall);
  wall = login (server, "wall");
  seq = snapshot_seq (server, wall);

  stream_open (server, &stream, wall, seq);
  post_fixes (server, unit, 1, lat, lon, back, 10);
  ended = wait_event (&stream, 0, "deviation.ended", "deviation", unit, NULL);
  g_assert_nonnull (ended);
  g_assert_cmpstr (json_object_get_string_member (ended, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (ended, "reason"), ==, "returned");
  g_assert_cmpstr (json_object_get_string_member (ended, "roster_id"), ==, entry_id);
  assert_time_member (ended, "ended_at", t0 + 220);
  g_assert_cmpuint (count_events (&stream, "deviation.started", unit), ==, 0);
  stream_close (&stream);

  {
    g_auto(Answer) read = unit_deviations (server, wall, unit);
    JsonObject *counts = json_array_get_object_element (json_object_get_array_member (json_node_get_object (read.body),
                                                                                      "counts"), 0);

    g_assert_true (json_node_is_null (json_object_get_member (counts, "route_id")));
    g_assert_cmpstr (json_object_get_string_member (counts, "roster_id"), ==, entry_id);
    g_assert_cmpint (json_object_get_int_member (counts, "deviations"), ==, 1);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (counts, "deviation_s"), 180, 0.01);
  }
  {
    g_auto(Answer) read = unit_deviations (server, wall, reserve);

    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (read.body),
                                                                           "deviations")), ==, 0);
  }

  /* The entry moved from its post to a route: the unit is judged on the
   * route from then on (the post let go first, not refused as an overlap). */
  {
    g_autofree char *key = g_uuid_string_random ();
    g_autofree char *path = g_strdup_printf ("/api/v1/roster/%s", entry_id);
    g_autofree char *route = NULL;
    g_autofree char *body = NULL;
    g_autofree char *sup2 = login (server, "sup");
    JsonObject *on_route;

    {
      g_auto(Answer) made = request (server, "POST", "/api/v1/routes", sup2, key, NULL,
                                     "{\"name\":\"Пост и маршрут\",\"geometry\":" ROUTE_GEOMETRY "}");

      g_assert_cmpuint (made.status, ==, 201);
      route = g_strdup (member (&made, "id"));
    }
    body = g_strdup_printf ("{\"route_id\":\"%s\"}", route);
    stream_open (server, &stream, wall, snapshot_seq (server, wall));
    {
      g_auto(Answer) moved = request (server, "PATCH", path, sup2, NULL, "1", body);

      g_assert_cmpuint (moved.status, ==, 200);
    }
    post_detour (server, unit, t0 + 300, FALSE);
    on_route = wait_event (&stream, 0, "deviation.started", "deviation", unit, NULL);
    g_assert_nonnull (on_route);
    g_assert_cmpstr (json_object_get_string_member (on_route, "route_id"), ==, route);
    g_assert_true (json_node_is_null (json_object_get_member (on_route, "roster_id")));
    assert_time_member (on_route, "started_at", t0 + 340);
    stream_close (&stream);
  }
}

/* A roster entry at a post at 43.26, 76.9 (or at the place @place_id),
 * drawn with @rules (a `compliance` object, or NULL for the defaults); the
 * entry's id. */
static char *
create_post_entry (Server     *server,
                   const char *token,
                   const char *unit_id,
                   gint64      t0,
                   const char *place_id,
                   const char *rules)
{
  g_autofree char *at = place_id != NULL
    ? g_strdup_printf ("\"place_id\":\"%s\"", place_id)
    : g_strdup ("\"post\":{\"name\":\"Пост\",\"location\":{\"lat\":43.26,\"lon\":76.9}}");
  g_autofree char *from = time_text_us (t0 - 5);
  g_autofree char *to = time_text_us (t0 + 7200);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"shift_date\":\"2026-12-06\",\"from\":\"%s\",\"to\":\"%s\","
                                           "\"unit_id\":\"%s\",%s%s%s}", from, to, unit_id, at,
                                           rules != NULL ? ",\"compliance\":" : "", rules != NULL ? rules : "");
  g_auto(Answer) entry = request (server, "POST", "/api/v1/roster", token, key, NULL, body);

  g_assert_cmpuint (entry.status, ==, 201);
  return g_strdup (member (&entry, "id"));
}

/* 3 fixes at the post from @t0, every 10 s, then 9 fixes 80 m north of it
 * every 20 s (160 s away). */
static void
post_stand_near (Server     *server,
                 const char *unit_id,
                 gint64      t0)
{
  double lats[12], lons[12];
  gint64 times[12];

  for (guint i = 0; i < 12; i++)
    {
      lats[i] = i < 3 ? 43.26 : 43.26 + 80.0 / 111132.0;
      lons[i] = 76.9;
      times[i] = i < 3 ? t0 + 10 * i : t0 + 40 + 20 * (i - 3);
    }
  post_fixes (server, unit_id, 12, lats, lons, times, 0);
}

/* A post's own rules (docs/api.md, "Duty roster"): shown on the entry,
 * refused by name when bad, kept across a PATCH that leaves them out, and
 * judged by dozord, from the store after a restart and from the entry's
 * event after an edit. A unit 80 m from a post of 50 m radius is off its
 * post; one 80 m from a post with the default rules (150 m) is not; a
 * place used as a post is judged by its entry's rules too. */
static void
test_post_rules (Server        *server,
                 gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = NULL;
  g_autofree char *strict = create_unit (server, sup, "Беркут-11");
  g_autofree char *lenient = create_unit (server, sup, "Беркут-12");
  g_autofree char *at_place = create_unit (server, sup, "Беркут-13");
  g_autofree char *place = NULL;
  gint64 t0 = now_s () - 3600;
  g_autofree char *strict_entry = create_post_entry (server, sup, strict, t0, NULL,
                                                     "{\"threshold_m\":50,\"dwell_s\":60}");
  g_autofree char *lenient_entry = create_post_entry (server, sup, lenient, t0, NULL, NULL);
  g_autofree char *place_entry = NULL;
  g_autofree char *lenient_path = g_strdup_printf ("/api/v1/roster/%s", lenient_entry);
  JsonObject *started;
  Stream stream;

  {
    g_autofree char *key = g_uuid_string_random ();
    g_auto(Answer) made = request (server, "POST", "/api/v1/places", sup, key, NULL,
                                   "{\"kind\":\"poi\",\"name\":\"Пост у вокзала\","
                                   "\"location\":{\"lat\":43.26,\"lon\":76.9}}");

    g_assert_cmpuint (made.status, ==, 201);
    place = g_strdup (member (&made, "id"));
    place_entry = create_post_entry (server, sup, at_place, t0, place, "{\"threshold_m\":50}");
  }
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/roster/%s", strict_entry);
    g_auto(Answer) read = request (server, "GET", "/api/v1/roster", sup, NULL, NULL, NULL);
    g_auto(Answer) bad = request (server, "PATCH", path, sup, NULL, "1",
                                  "{\"compliance\":{\"threshold_m\":20000}}");
    JsonArray *entries = json_object_get_array_member (json_node_get_object (read.body), "entries");

    g_assert_cmpuint (read.status, ==, 200);
    g_assert_cmpuint (json_array_get_length (entries), ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        JsonObject *entry = json_array_get_object_element (entries, i);
        JsonObject *rules = json_object_get_object_member (entry, "compliance");
        gboolean is_strict = g_str_equal (json_object_get_string_member (entry, "id"), strict_entry);
        gboolean is_lenient = g_str_equal (json_object_get_string_member (entry, "id"), lenient_entry);

        g_assert_cmpfloat (json_object_get_double_member (rules, "threshold_m"), ==, is_lenient ? 150 : 50);
        g_assert_cmpint (json_object_get_int_member (rules, "dwell_s"), ==, is_strict ? 60 : 120);
        g_assert_cmpint (json_object_get_int_member (rules, "gap_s"), ==, 180);
        g_assert_cmpint (json_object_get_int_member (rules, "exempt_after_s"), ==, 600);
      }
    g_assert_cmpuint (bad.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&bad, "message"), "compliance.threshold_m: "));
  }

  /* Judged from the stored rules: the worker reads them back at start. */
  server_stop (server, SIGTERM);
  server_start (server, NULL);
  g_free (sup);
  sup = login (server, "sup");
  wall = login (server, "wall");

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_stand_near (server, lenient, t0);
  post_stand_near (server, at_place, t0);
  post_stand_near (server, strict, t0);
  started = wait_event (&stream, 0, "deviation.started", "deviation", at_place, NULL);
  g_assert_nonnull (started);
  g_assert_cmpstr (json_object_get_string_member (started, "roster_id"), ==, place_entry);
  /* The place's entry keeps the default dwell. */
  assert_time_member (started, "confirmed_at", t0 + 160);
  started = wait_event (&stream, 0, "deviation.started", "deviation", strict, NULL);
  g_assert_nonnull (started);
  g_assert_cmpstr (json_object_get_string_member (started, "roster_id"), ==, strict_entry);
  assert_time_member (started, "started_at", t0 + 40);
  /* 60 s away, the post's dwell, not the default 120 s. */
  assert_time_member (started, "confirmed_at", t0 + 100);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (started, "distance_m"), 80, 2);
  /* The default post's unit was judged first (one worker, in order). */
  g_assert_cmpuint (count_events (&stream, "deviation.started", lenient), ==, 0);
  stream_close (&stream);

  /* Judged from the entry's event: the lenient post narrowed to 50 m by a
   * PATCH that gives the radius alone (its dwell stays the default). */
  {
    g_auto(Answer) patched = request (server, "PATCH", lenient_path, sup, NULL, "1",
                                      "{\"compliance\":{\"threshold_m\":50}}");
    JsonObject *rules;

    g_assert_cmpuint (patched.status, ==, 200);
    stream_open (server, &stream, wall, snapshot_seq (server, wall));
    post_stand_near (server, lenient, t0 + 400);
    started = wait_event (&stream, 0, "deviation.started", "deviation", lenient, NULL);
    g_assert_nonnull (started);
    g_assert_cmpstr (json_object_get_string_member (started, "roster_id"), ==, lenient_entry);
    assert_time_member (started, "confirmed_at", t0 + 400 + 160);
    stream_close (&stream);

    /* A new post without rules keeps the entry's. */
    {
      g_auto(Answer) renamed = request (server, "PATCH", lenient_path, sup, NULL, "2",
                                        "{\"post\":{\"name\":\"Пост 2\",\"location\":{\"lat\":43.261,\"lon\":76.9}}}");

      g_assert_cmpuint (renamed.status, ==, 200);
      rules = json_object_get_object_member (json_node_get_object (renamed.body), "compliance");
      g_assert_cmpfloat (json_object_get_double_member (rules, "threshold_m"), ==, 50);
      g_assert_cmpint (json_object_get_int_member (rules, "dwell_s"), ==, 120);
    }
  }
}

/* The rules of a route: defaults shown, a member given kept, bad ones
 * refused by name; the read's refusals. */
static void
test_rules (Server        *server,
            gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *op = login (server, "op");
  g_autofree char *tracker = login (server, "tracker");
  g_autofree char *unit = create_unit (server, sup, "Беркут-6");
  g_autofree char *key = g_uuid_string_random ();
  g_auto(Answer) made = request (server, "POST", "/api/v1/routes", sup, key, NULL,
                                 "{\"name\":\"Правила\",\"geometry\":" ROUTE_GEOMETRY ","
                                 "\"compliance\":{\"dwell_s\":60}}");
  JsonObject *rules;

  g_assert_cmpuint (made.status, ==, 201);
  rules = json_object_get_object_member (json_node_get_object (made.body), "compliance");
  g_assert_cmpfloat (json_object_get_double_member (rules, "threshold_m"), ==, 150);
  g_assert_cmpint (json_object_get_int_member (rules, "dwell_s"), ==, 60);
  g_assert_cmpint (json_object_get_int_member (rules, "gap_s"), ==, 180);
  g_assert_cmpint (json_object_get_int_member (rules, "exempt_after_s"), ==, 600);

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/routes/%s", member (&made, "id"));
    g_auto(Answer) patched = request (server, "PATCH", path, sup, NULL, "1",
                                      "{\"compliance\":{\"threshold_m\":75.5}}");
    g_auto(Answer) bad = request (server, "PATCH", path, sup, NULL, "2",
                                  "{\"compliance\":{\"gap_s\":-1}}");

    g_assert_cmpuint (patched.status, ==, 200);
    rules = json_object_get_object_member (json_node_get_object (patched.body), "compliance");
    g_assert_cmpfloat (json_object_get_double_member (rules, "threshold_m"), ==, 75.5);
    g_assert_cmpint (json_object_get_int_member (rules, "dwell_s"), ==, 60);
    g_assert_cmpuint (bad.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&bad, "message"), "compliance.gap_s: "));
  }

  {
    g_autofree char *bad_from = g_strdup_printf ("/api/v1/units/%s/deviations?from=yesterday", unit);
    g_auto(Answer) refused = request (server, "GET", bad_from, op, NULL, NULL, NULL);
    g_auto(Answer) missing = request (server, "GET", "/api/v1/units/nobody/deviations", op, NULL, NULL, NULL);
    g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/deviations", unit);
    g_auto(Answer) forbidden = request (server, "GET", path, tracker, NULL, NULL, NULL);

    g_assert_cmpuint (refused.status, ==, 422);
    g_assert_cmpuint (missing.status, ==, 404);
    g_assert_cmpuint (forbidden.status, ==, 403);
  }
}

/* Fixes of one unit every @step s from @t0 to @t1 at (@lat, @lon). */
static void
post_standing (Server     *server,
               const char *unit_id,
               double      lat,
               double      lon,
               gint64      t0,
               gint64      t1,
               gint64      step)
{
  double lats[64], lons[64];
  gint64 times[64];
  guint n = 0;

  for (gint64 t = t0; t <= t1 && n < G_N_ELEMENTS (times); t += step, n++)
    {
      lats[n] = lat;
      lons[n] = lon;
      times[n] = t;
    }
  post_fixes (server, unit_id, n, lats, lons, times, 10);
}

static gint64
read_count (Server     *server,
            const char *token,
            const char *unit_id,
            const char *name)
{
  g_auto(Answer) read = unit_deviations (server, token, unit_id);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (read.body), name));
}

/* What dozord finds when it starts in the middle of shifts, as the demo
 * does (docs/decisions.md, "The demo's figures at start-up"):
 * - a unit whose shift began an hour before dozord, first heard 400 m
 *   off its route and driving to it for 160 s, has neither a deviation
 *   (it had not reached its route yet) nor a gap (dozord was not there
 *   to hear the hour before its first fix);
 * - a unit last heard 15 minutes before dozord started and again after
 *   has no gap: that silence ran into dozord's start;
 * - a silence between two fixes that both came before dozord started
 *   (a tracker's buffer sent late) is still a gap, whole;
 * - the drive to the route is allowed only the route's exemption time
 *   from the first fix: with 60 s, the unit still away after it deviates,
 *   counted from the first fix past the 60 s. */
static void
test_start_up (Server        *server,
               gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *driving = create_unit (server, sup, "Беркут-21");
  g_autofree char *silent = create_unit (server, sup, "Беркут-22");
  g_autofree char *buffered = create_unit (server, sup, "Беркут-23");
  g_autofree char *late = create_unit (server, sup, "Беркут-24");
  gint64 now = now_s ();
  g_autofree char *r1 = create_patrol_route (server, sup, driving, now - 3600, now + 7200);
  g_autofree char *r2 = create_patrol_route (server, sup, silent, now - 3600, now + 7200);
  g_autofree char *r3 = create_patrol_route (server, sup, buffered, now - 3600, now + 7200);
  g_autofree char *r4 = NULL;
  JsonObject *gap, *started;
  Stream stream;

  {
    g_autofree char *start = time_text_us (now - 3600);
    g_autofree char *end = time_text_us (now + 7200);
    g_autofree char *key = g_uuid_string_random ();
    g_autofree char *body = g_strdup_printf ("{\"name\":\"Маршрут строгий\",\"unit_id\":\"%s\","
                                             "\"shift_start\":\"%s\",\"shift_end\":\"%s\",\"geometry\":"
                                             ROUTE_GEOMETRY ",\"compliance\":{\"dwell_s\":30,"
                                             "\"exempt_after_s\":60}}", late, start, end);
    g_auto(Answer) made = request (server, "POST", "/api/v1/routes", sup, key, NULL, body);

    g_assert_cmpuint (made.status, ==, 201);
    r4 = g_strdup (member (&made, "id"));
  }

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_standing (server, driving, AWAY_LAT, 76.90, now, now + 160, 20);
  post_standing (server, driving, ROUTE_LAT, 76.90, now + 180, now + 200, 10);
  post_standing (server, silent, ROUTE_LAT, 76.90, now - 900, now - 890, 10);
  post_standing (server, silent, ROUTE_LAT, 76.90, now + 5, now + 5, 10);
  post_standing (server, buffered, ROUTE_LAT, 76.90, now - 900, now - 890, 10);
  post_standing (server, buffered, ROUTE_LAT, 76.90, now - 500, now - 500, 10);
  post_standing (server, late, AWAY_LAT, 76.90, now, now + 200, 20);

  gap = wait_event (&stream, 0, "reporting.gap", "gap", buffered, NULL);
  g_assert_nonnull (gap);
  g_assert_cmpstr (json_object_get_string_member (gap, "route_id"), ==, r3);
  assert_time_member (gap, "from", now - 890);
  assert_time_member (gap, "to", now - 500);
  started = wait_event (&stream, 0, "deviation.started", "deviation", late, NULL);
  g_assert_nonnull (started);
  g_assert_cmpstr (json_object_get_string_member (started, "route_id"), ==, r4);
  assert_time_member (started, "started_at", now + 60);
  assert_time_member (started, "confirmed_at", now + 100);

  /* One worker takes the fixes in order: the others were judged before. */
  g_assert_cmpuint (count_events (&stream, "deviation.started", driving), ==, 0);
  g_assert_cmpuint (count_events (&stream, "reporting.gap", driving), ==, 0);
  g_assert_cmpuint (count_events (&stream, "reporting.gap", silent), ==, 0);
  g_assert_cmpuint (count_events (&stream, "reporting.gap", buffered), ==, 1);
  g_assert_cmpuint (count_events (&stream, "reporting.gap", late), ==, 0);
  g_assert_cmpint (read_count (server, wall, driving, "deviations"), ==, 0);
  g_assert_cmpint (read_count (server, wall, driving, "gaps"), ==, 0);
  g_assert_cmpint (read_count (server, wall, silent, "gaps"), ==, 0);
  g_assert_cmpint (read_count (server, wall, buffered, "gaps"), ==, 1);
  stream_close (&stream);
}

static JsonObject *
incident_of (Answer *answer)
{
  return json_node_get_object (answer->body);
}

/* A dispatched unit that stops within 100 m of the scene is marked
 * arrived by the server; one driving past or stopping farther is not.
 * An operator then corrects the time, recorded with who. */
static void
test_arrival (Server        *server,
              gconstpointer  data)
{
  g_autofree char *sup = login (server, "sup");
  g_autofree char *op = login (server, "op");
  g_autofree char *wall = login (server, "wall");
  g_autofree char *unit = create_unit (server, sup, "Барыс-1");
  g_autofree char *incident = create_incident (server, op);
  g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *unit_path = g_strdup_printf ("/api/v1/units/%s", unit);
  g_autofree char *incident_path = g_strdup_printf ("/api/v1/incidents/%s", incident);
  /* The scene is 43.2389, 76.9453: 500 m south, then 50 m south. */
  const double far_lat[] = { 43.2389 - 500 / 111132.0 };
  const double near_lat[] = { 43.2389 - 50 / 111132.0 };
  const double lon[] = { 76.9453 };
  gint64 t = now_s () + 2;
  /* After the dispatch: a fix from before it tells nothing of an arrival. */
  const gint64 before[] = { t - 60 }, t1[] = { t + 10 }, t2[] = { t + 20 }, t3[] = { t + 30 };
  g_autofree char *arrived_at = time_text_us (t + 30);
  Stream stream;
  JsonObject *got, *arrival;
  gint64 version;

  {
    g_auto(Answer) dispatch = request (server, "POST", "/api/v1/dispatches", sup, key, NULL, body);
    g_auto(Answer) en_route = { 0 };
    g_auto(Answer) shown = { 0 };

    g_assert_cmpuint (dispatch.status, ==, 201);
    en_route = request (server, "PATCH", unit_path, sup, NULL, "2", "{\"status\":\"en_route\"}");
    g_assert_cmpuint (en_route.status, ==, 200);
    shown = request (server, "GET", "/api/v1/snapshot", wall, NULL, NULL, NULL);
    got = json_array_get_object_element (json_object_get_array_member (incident_of (&shown), "incidents"), 0);
    g_assert_nonnull (json_object_get_string_member (got, "en_route_at"));
    g_assert_nonnull (json_object_get_string_member (got, "dispatched_at"));
    g_assert_true (json_node_is_null (json_object_get_member (got, "arrival")));
  }

  stream_open (server, &stream, wall, snapshot_seq (server, wall));
  post_fixes (server, unit, 1, near_lat, lon, before, 0); /* there, but before the dispatch */
  post_fixes (server, unit, 1, far_lat, lon, t1, 0);     /* stopped, too far */
  post_fixes (server, unit, 1, near_lat, lon, t2, 12); /* near, driving past */
  post_fixes (server, unit, 1, near_lat, lon, t3, 0.5);

  got = wait_event (&stream, 0, "incident.updated", "incident", NULL, NULL);
  g_assert_nonnull (got);
  g_assert_cmpstr (json_object_get_string_member (got, "status"), ==, "on_scene");
  g_assert_cmpstr (json_object_get_string_member (got, "on_scene_at"), ==, arrived_at);
  arrival = json_object_get_object_member (got, "arrival");
  g_assert_cmpstr (json_object_get_string_member (arrival, "by"), ==, "server");
  g_assert_cmpstr (json_object_get_string_member (arrival, "detected_at"), ==, arrived_at);
  g_assert_true (json_node_is_null (json_object_get_member (arrival, "corrected_by")));
  version = json_object_get_int_member (got, "version");
  /* Only the last fix did it: four positions, then the unit's change. */
  {
    guint positions = 0, i;

    for (i = 0; i < stream.events->len; i++)
      {
        JsonObject *event = json_node_get_object (stream.events->pdata[i]);
        const char *type = json_object_get_string_member (event, "type");

        if (g_str_equal (type, "unit.position"))
          positions++;
        else if (g_str_equal (type, "unit.updated"))
          {
            g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "unit"), "status"),
                             ==, "on_scene");
            break;
          }
      }
    g_assert_cmpuint (positions, ==, 4);
    g_assert_cmpuint (i, <, stream.events->len);
  }
  stream_close (&stream);

  /* The operator corrects it: 5 s earlier, recorded with who. */
  {
    g_autofree char *earlier = time_text_us (t + 25);
    g_autofree char *change = g_strdup_printf ("{\"on_scene_at\":\"%s\"}", earlier);
    g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, version);
    g_auto(Answer) corrected = request (server, "PATCH", incident_path, op, NULL, version_text, change);
    g_auto(Answer) too_early = { 0 };
    g_autofree char *next_version = NULL;

    g_assert_cmpuint (corrected.status, ==, 200);
    g_assert_cmpstr (member (&corrected, "on_scene_at"), ==, earlier);
    arrival = json_object_get_object_member (incident_of (&corrected), "arrival");
    g_assert_cmpstr (json_object_get_string_member (arrival, "corrected_by"), ==, "op");
    g_assert_nonnull (json_object_get_string_member (arrival, "corrected_at"));
    g_assert_cmpstr (json_object_get_string_member (arrival, "by"), ==, "server");
    g_assert_cmpstr (json_object_get_string_member (arrival, "detected_at"), ==, arrived_at);

    next_version = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (incident_of (&corrected),
                                                                                    "version"));
    too_early = request (server, "PATCH", incident_path, op, NULL, next_version,
                         "{\"on_scene_at\":\"2001-01-01T00:00:00Z\"}");
    g_assert_cmpuint (too_early.status, ==, 422);
    g_assert_true (g_str_has_prefix (member (&too_early, "message"), "on_scene_at: "));
  }
}

/* Set by a user, the arrival names the user; a closed incident keeps it. */
static void
test_arrival_by_user (Server        *server,
                      gconstpointer  data)
{
  g_autofree char *op = login (server, "op");
  g_autofree char *incident = create_incident (server, op);
  g_autofree char *path = g_strdup_printf ("/api/v1/incidents/%s", incident);
  g_auto(Answer) on_scene = request (server, "PATCH", path, op, NULL, "1", "{\"status\":\"on_scene\"}");
  g_auto(Answer) closed = request (server, "PATCH", path, op, NULL, "2", "{\"status\":\"closed\"}");
  g_auto(Answer) late = request (server, "PATCH", path, op, NULL, "3",
                                 "{\"on_scene_at\":\"2030-01-01T00:00:00Z\"}");
  g_autofree char *now = time_text_us (now_s ());
  g_autofree char *change = g_strdup_printf ("{\"on_scene_at\":\"%s\"}", now);
  g_auto(Answer) after_close = request (server, "PATCH", path, op, NULL, "3", change);
  JsonObject *arrival;

  g_assert_cmpuint (on_scene.status, ==, 200);
  arrival = json_object_get_object_member (incident_of (&on_scene), "arrival");
  g_assert_cmpstr (json_object_get_string_member (arrival, "by"), ==, "op");
  g_assert_true (json_node_is_null (json_object_get_member (arrival, "detected_at")));
  g_assert_cmpuint (closed.status, ==, 200);
  g_assert_cmpuint (late.status, ==, 422);
  g_assert_cmpuint (after_close.status, ==, 409);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  server_fixture_init ();

  g_test_add ("/compliance-server/deviation", Server, NULL, server_setup, test_deviation, server_teardown);
  g_test_add ("/compliance-server/dispatched-exempt", Server, NULL, server_setup, test_dispatched_exempt,
              server_teardown);
  g_test_add ("/compliance-server/gap", Server, NULL, server_setup, test_gap, server_teardown);
  g_test_add ("/compliance-server/restart", Server, NULL, server_setup, test_restart, server_teardown);
  g_test_add ("/compliance-server/start-up", Server, NULL, server_setup, test_start_up, server_teardown);
  g_test_add ("/compliance-server/post", Server, NULL, server_setup, test_post, server_teardown);
  g_test_add ("/compliance-server/rules", Server, NULL, server_setup, test_rules, server_teardown);
  g_test_add ("/compliance-server/post-rules", Server, NULL, server_setup, test_post_rules, server_teardown);
  g_test_add ("/compliance-server/arrival", Server, NULL, server_setup, test_arrival, server_teardown);
  g_test_add ("/compliance-server/arrival-by-user", Server, NULL, server_setup, test_arrival_by_user,
              server_teardown);

  return g_test_run ();
}
