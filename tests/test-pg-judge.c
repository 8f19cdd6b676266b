/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One judging instance on PostgreSQL (issue 19; docs/postgresql.md, "One
 * judging instance"): a unit whose tracker posts to two dozords in turn,
 * as a load balancer spreads it, is judged on its whole track once, not
 * on each half by each instance; when the judge is killed the other takes
 * over and the deviation in progress is recorded once; the roster's
 * flags are raised once, by the judge; and GET /health
 * says 503 while PostgreSQL is away, so that a balancer takes the
 * instance out.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "pg-fixture.h"
#include "server-fixture.h"

/* The parallel of the fixture's patrol route, and a line 400 m north of
 * it (400 / 111,132 m per degree). */
#define ROUTE_LAT 43.26
#define AWAY_LAT (ROUTE_LAT + 400.0 / 111132.0)

/* How long another instance may take to become the judge after the judge
 * died: it tries every second; the rest is for a loaded machine. */
#define TAKEOVER_SECONDS 15
/* A generous bound for the judge's records to reach the store. */
#define RECORD_SECONDS 60

typedef ServerPair Pair;

/* One fix, in a request of its own, as a tracker sends it. */
static void
post_fix (Server     *server,
          const char *tracker,
          const char *unit_id,
          double      lat,
          double      lon,
          gint64      time)
{
  g_autofree char *when = time_text_us (time);
  g_autofree char *body = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":%.7f,\"lon\":%.7f,"
                                           "\"time\":\"%s\",\"speed\":10}]}", unit_id, lat, lon, when);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", tracker, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 202);
}

typedef struct
{
  double lat, lon;
  gint64 time;
} Fix;

/* From @t0: 4 fixes on the route every 10 s, 9 fixes 400 m north of it
 * every 20 s (160 s away, more than the 120 s the default rules allow),
 * one back on the route at t0 + 220, one more at t0 + 230, then silence
 * until t0 + 630 (more than the default 180 s of gap). Returns how many. */
static guint
drive (Fix    *fixes,
       gint64  t0)
{
  guint n = 0;

  for (guint i = 0; i < 4; i++, n++)
    fixes[n] = (Fix) { ROUTE_LAT, 76.89 + 0.001 * i, t0 + 10 * i };
  for (guint i = 0; i < 9; i++, n++)
    fixes[n] = (Fix) { AWAY_LAT, 76.895 + 0.0005 * i, t0 + 40 + 20 * i };
  fixes[n++] = (Fix) { ROUTE_LAT, 76.90, t0 + 220 };
  fixes[n++] = (Fix) { ROUTE_LAT, 76.901, t0 + 230 };
  fixes[n++] = (Fix) { ROUTE_LAT, 76.902, t0 + 630 };
  return n;
}

/* GET /health of @server: its status, and whether it says it judges. */
static guint
health (Server   *server,
        gboolean *judge,
        char    **store)
{
  g_auto(Answer) answer = request (server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);
  JsonObject *root = json_node_get_object (answer.body);

  *judge = json_object_get_boolean_member (root, "judge");
  if (store != NULL)
    *store = g_strdup (json_object_get_string_member (root, "store"));
  return answer.status;
}

/* Waits until one of the pair says it judges (each tries every second)
 * and checks that the other does not; returns it. */
static Server *
wait_judge (Pair *pair)
{
  gint64 deadline = g_get_monotonic_time () + TAKEOVER_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      gboolean judge_a, judge_b;

      g_assert_cmpuint (health (&pair->a, &judge_a, NULL), ==, 200);
      g_assert_cmpuint (health (&pair->b, &judge_b, NULL), ==, 200);
      g_assert_false (judge_a && judge_b);
      if (judge_a || judge_b)
        return judge_a ? &pair->a : &pair->b;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 10);
    }
}

/* The unit's deviations and gaps as a user reads them (GET
 * /units/{id}/deviations), through @server. */
static JsonNode *
read_records (Server     *server,
              const char *token,
              const char *unit_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/units/%s/deviations", unit_id);
  g_auto(Answer) answer = request (server, "GET", path, token, NULL, NULL, NULL);

  g_assert_cmpuint (answer.status, ==, 200);
  return json_node_ref (answer.body);
}

static JsonArray *
records_of (JsonNode   *read,
            const char *kind)
{
  return json_object_get_array_member (json_node_get_object (read), kind);
}

/* Waits until the read through @server holds a deviation that ended and a
 * gap, then a little longer, so that a second judge's records, were there
 * one, would be there too; returns the read. */
static JsonNode *
wait_records (Server     *server,
              const char *token,
              const char *unit_id)
{
  gint64 deadline = g_get_monotonic_time () + RECORD_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(JsonNode) read = read_records (server, token, unit_id);
      JsonArray *deviations = records_of (read, "deviations");
      gboolean ended = FALSE;

      for (guint i = 0; i < json_array_get_length (deviations); i++)
        ended |= !json_node_is_null (json_object_get_member (json_array_get_object_element (deviations, i),
                                                             "ended_at"));
      if (ended && json_array_get_length (records_of (read, "gaps")) > 0)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 5);
    }
  /* The judge checks its lock and the other tries it every second. */
  g_usleep (3 * G_USEC_PER_SEC);
  return read_records (server, token, unit_id);
}

/* @unit_id on the duty roster from an hour ago for two hours, drawn
 * through @server; it never reports, so it is flagged `no_position`. */
static void
draw_silent (Server     *server,
             const char *token,
             const char *unit_id)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) today = g_date_time_new_from_unix_utc (now);
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  g_autofree char *from = time_text_us (now - 3600);
  g_autofree char *to = time_text_us (now + 3600);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"shift_date\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"unit_id\":\"%s\"}",
                                           date, from, to, unit_id);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/roster", token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
}

/* The open `no_position` flags of @unit_id in the snapshot of @server. */
static guint
silent_flags (Server     *server,
              const char *token,
              const char *unit_id)
{
  g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);
  JsonArray *flags;
  guint n = 0;

  g_assert_cmpuint (snapshot.status, ==, 200);
  flags = json_object_get_array_member (json_node_get_object (snapshot.body), "roster_flags");
  for (guint i = 0; i < json_array_get_length (flags); i++)
    {
      JsonObject *flag = json_array_get_object_element (flags, i);

      n += g_str_equal (json_object_get_string_member (flag, "kind"), "no_position") &&
           g_str_equal (json_object_get_string_member (flag, "unit_id"), unit_id);
    }
  return n;
}

/* The judge raises the flag (it checks every second), once: still one
 * after a few more checks. */
static void
assert_flagged_once (Server     *server,
                     const char *token,
                     const char *unit_id)
{
  gint64 deadline = g_get_monotonic_time () + TAKEOVER_SECONDS * G_USEC_PER_SEC;

  while (silent_flags (server, token, unit_id) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 10);
    }
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_cmpuint (silent_flags (server, token, unit_id), ==, 1);
}

/* The drive's records: one deviation from the first fix away to the fix
 * back, one gap over the silence; nothing else. */
static void
assert_drive_judged_once (JsonNode *read,
                          gint64    t0)
{
  JsonArray *deviations = records_of (read, "deviations");
  JsonArray *gaps = records_of (read, "gaps");
  JsonObject *deviation, *gap;

  g_assert_cmpuint (json_array_get_length (deviations), ==, 1);
  g_assert_cmpuint (json_array_get_length (gaps), ==, 1);
  deviation = json_array_get_object_element (deviations, 0);
  assert_time_member (deviation, "started_at", t0 + 40);
  assert_time_member (deviation, "ended_at", t0 + 220);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (deviation, "duration_s"), 180, 0.01);
  gap = json_array_get_object_element (gaps, 0);
  assert_time_member (gap, "from", t0 + 230);
  assert_time_member (gap, "to", t0 + 630);
}

/* Every other fix through A, the rest through B: one deviation and one
 * gap, the same read through either instance. Each instance judging its
 * own half would see the unit away from t0 + 40 and from t0 + 60, two
 * deviations, and two gaps. */
static void
test_alternate (Pair          *pair,
                gconstpointer  data)
{
  g_autofree char *sup = login (&pair->a, "sup");
  g_autofree char *wall = login (&pair->b, "wall");
  g_autofree char *tracker = login (&pair->a, "tracker");
  g_autofree char *unit = create_unit (&pair->a, sup, "Сункар-1");
  gint64 t0 = g_get_real_time () / G_USEC_PER_SEC - 3600;
  g_autofree char *route = create_patrol_route (&pair->b, sup, unit, t0 - 5, t0 + 7200);
  g_autoptr(JsonNode) read = NULL;
  g_autoptr(JsonNode) read_a = NULL;
  Server *judge = wait_judge (pair);
  Fix fixes[16];
  guint n = drive (fixes, t0);

  for (guint i = 0; i < n; i++)
    post_fix (i % 2 ? &pair->b : &pair->a, tracker, unit, fixes[i].lat, fixes[i].lon, fixes[i].time);

  read = wait_records (&pair->b, wall, unit);
  assert_drive_judged_once (read, t0);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records_of (read, "deviations"),
                                                                                 0), "route_id"), ==, route);
  read_a = read_records (&pair->a, wall, unit);
  assert_drive_judged_once (read_a, t0);

  /* A silent unit drawn on the roster through the instance that does not
   * judge: the judge flags it, once. */
  {
    Server *other = judge == &pair->a ? &pair->b : &pair->a;
    g_autofree char *silent = create_unit (other, sup, "Сункар-3");

    draw_silent (other, sup, silent);
    assert_flagged_once (other, wall, silent);
  }
  g_test_message ("%u fixes, through A and B in turn; %s judged: one deviation, one gap", n,
                  judge == &pair->a ? "A" : "B");
}

/* The judge killed with SIGKILL while the unit is away from its route,
 * before the deviation is confirmed: the other instance says it judges
 * within TAKEOVER_SECONDS, and the deviation, begun in fixes the dead
 * judge saw, is recorded once, from its first fix away; so is the gap. */
static void
test_judge_killed (Pair          *pair,
                   gconstpointer  data)
{
  g_autofree char *sup = login (&pair->a, "sup");
  g_autofree char *tracker_a = login (&pair->a, "tracker");
  g_autofree char *tracker_b = login (&pair->b, "tracker");
  g_autofree char *unit = create_unit (&pair->a, sup, "Сункар-2");
  gint64 t0 = g_get_real_time () / G_USEC_PER_SEC - 3600;
  g_autofree char *route = create_patrol_route (&pair->a, sup, unit, t0 - 5, t0 + 7200);
  g_autofree char *wall = NULL;
  g_autofree char *store = NULL;
  g_autoptr(JsonNode) read = NULL;
  Server *judge = wait_judge (pair);
  Server *other = judge == &pair->a ? &pair->b : &pair->a;
  const char *other_tracker = other == &pair->a ? tracker_a : tracker_b;
  gint64 killed_at, judging_at;
  gboolean judging = FALSE;
  Fix fixes[16];
  guint n = drive (fixes, t0);
  guint i = 0;

  /* On the route and three fixes away (t0 + 40 to t0 + 80), in turn. */
  for (; i < 7; i++)
    post_fix (i % 2 ? &pair->b : &pair->a, i % 2 ? tracker_b : tracker_a, unit, fixes[i].lat, fixes[i].lon,
              fixes[i].time);
  server_stop (judge, SIGKILL);
  killed_at = g_get_monotonic_time ();

  while (!judging)
    {
      g_assert_cmpuint (health (other, &judging, &store), ==, 200);
      g_assert_cmpstr (store, ==, "ok");
      g_clear_pointer (&store, g_free);
      g_assert_cmpint (g_get_monotonic_time () - killed_at, <, TAKEOVER_SECONDS * G_USEC_PER_SEC);
      if (!judging)
        g_usleep (G_USEC_PER_SEC / 20);
    }
  judging_at = g_get_monotonic_time ();

  /* The rest, all through the survivor, as the balancer now sends it. */
  for (; i < n; i++)
    post_fix (other, other_tracker, unit, fixes[i].lat, fixes[i].lon, fixes[i].time);

  wall = login (other, "wall");
  read = wait_records (other, wall, unit);
  assert_drive_judged_once (read, t0);

  /* The roster's flags are the new judge's too. */
  {
    g_autofree char *sup_other = login (other, "sup");
    g_autofree char *silent = create_unit (other, sup_other, "Сункар-4");

    draw_silent (other, sup_other, silent);
    assert_flagged_once (other, wall, silent);
  }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (records_of (read, "deviations"),
                                                                                 0), "route_id"), ==, route);
  g_test_message ("the judge (%s) killed after 7 of %u fixes; %s said it judges %.0f ms later; one deviation from"
                  " the first fix away, one gap", judge == &pair->a ? "A" : "B", n, other == &pair->a ? "A" : "B",
                  (judging_at - killed_at) / 1000.0);
}

/* PostgreSQL stopped: /health answers 503 naming the store, so that a
 * balancer takes the instance out; after the start, 200 again. */
static void
test_health_outage (Server        *server,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PgCluster *cluster = server_fixture_get_cluster ();
  gint64 deadline = g_get_monotonic_time () + TAKEOVER_SECONDS * G_USEC_PER_SEC;
  gint64 stopped_at, down_at, started_at, up_at;
  gboolean judge = FALSE;
  g_autofree char *store = NULL;
  guint status;

  /* Alone on its database, it becomes the judge. */
  while (health (server, &judge, NULL) == 200 && !judge)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 10);
    }
  g_assert_true (judge);

  stopped_at = g_get_monotonic_time ();
  g_assert_true (pg_cluster_pause (cluster, &error));
  g_assert_no_error (error);
  while ((status = health (server, &judge, &store)) == 200)
    {
      g_assert_cmpint (g_get_monotonic_time () - stopped_at, <, RECORD_SECONDS * G_USEC_PER_SEC);
      g_clear_pointer (&store, g_free);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  down_at = g_get_monotonic_time ();
  g_assert_cmpuint (status, ==, 503);
  g_assert_cmpstr (store, ==, "unreachable");
  g_clear_pointer (&store, g_free);
  /* Still 503 while it is away: not a blip. */
  g_usleep (G_USEC_PER_SEC);
  g_assert_cmpuint (health (server, &judge, &store), ==, 503);
  g_clear_pointer (&store, g_free);

  started_at = g_get_monotonic_time ();
  g_assert_true (pg_cluster_resume (cluster, &error));
  g_assert_no_error (error);
  while ((status = health (server, &judge, &store)) == 503)
    {
      g_assert_cmpint (g_get_monotonic_time () - started_at, <, RECORD_SECONDS * G_USEC_PER_SEC);
      g_clear_pointer (&store, g_free);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  up_at = g_get_monotonic_time ();
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (store, ==, "ok");
  g_test_message ("PostgreSQL stopped: /health 503 after %.0f ms; started again: 200 after %.0f ms",
                  (down_at - stopped_at) / 1000.0, (up_at - started_at) / 1000.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  server_fixture_init ();
  g_assert_true (server_fixture_on_postgres ());

  g_test_add ("/pg-judge/alternate", Pair, NULL, server_pair_setup, test_alternate, server_pair_teardown);
  g_test_add ("/pg-judge/judge-killed", Pair, NULL, server_pair_setup, test_judge_killed, server_pair_teardown);
  g_test_add ("/pg-judge/health-outage", Server, NULL, server_setup, test_health_outage, server_teardown);

  return g_test_run ();
}
