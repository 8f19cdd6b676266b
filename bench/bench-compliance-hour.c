/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route compliance and arrival on scene as dozord computes them, over the
 * Almaty scenario (issue 17, items 2 and 3):
 *
 *   DOZORD=… DOZORCTL=… bench-compliance-hour [UNITS] [SPEED] [SECONDS] [--no-compliance]
 *
 * starts dozord with the scenario (UNITS cars, default 200, at --speed
 * SPEED, default 60) on a fresh database and follows its stream until
 * SECONDS of scenario time (default 3600, one hour) have passed in the
 * fixes. It acts as the room's supervisor: each incident is dispatched at
 * once to the nearest available car by straight line. It then prints, from
 * the events alone, the deviations, reporting gaps and arrivals the server
 * found, the response times (registration to arrival, in scenario time),
 * dozord's CPU and the compliance worker's CPU per judged fix.
 *
 * With BENCH_DAILY_REPORT=PATH.pdf it also has dozorctl write the daily
 * report of the run (from a minute before its first fix to a minute after
 * its last) to PATH.pdf before dozord stops, so that the
 * report's figures can be read beside the bench's own.
 *
 * Scenario time: every time dozord records is its own clock, the fixes'
 * too (docs/decisions.md, "One clock for the demo"); the scenario runs
 * SPEED scenario seconds in each of them. A response time is the incident's
 * on_scene_at − created_at, printed as it is (real seconds, what the daily
 * report shows) and times SPEED (scenario seconds, what the same drive
 * would take live).
 * Prints figures, never fails on time.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "bench-proc.h"
#include "dozor-geo.h"
#include "dozor-json.h"

typedef struct
{
  double lat, lon;
  gboolean has_fix;
  char *status;
} Unit;

typedef struct
{
  SoupSession *session;
  char *url;
  char *token;
  GMainLoop *loop;
  GHashTable *units;       /* id → Unit */
  GHashTable *registered;  /* incident id → its created_at (gint64 *) */
  GHashTable *arrived;     /* incident ids with an arrival */
  GArray *responses;       /* double, s */
  GHashTable *reasons;     /* why deviations ended → count */
  guint long_gaps;         /* gaps longer than the run: from before it */
  guint early;             /* deviations that started in the first 10 minutes */
  gint64 first_fix, last_fix;
  gint64 seconds;          /* of scenario time */
  double speed;            /* scenario seconds per second of the clock */
  guint positions, deviations, deviations_ended, gaps, incidents, dispatched, undispatched, arrivals;
  guint arrivals_by_server;
  gboolean done;
} Bench;

static void
unit_free (Unit *unit)
{
  g_free (unit->status);
  g_free (unit);
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time) : 0;
}

static guint
call (Bench      *bench,
      const char *method,
      const char *path,
      const char *body,
      GBytes    **answer)
{
  g_autofree char *uri = g_strconcat (bench->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GBytes) bytes = NULL;

  if (bench->token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", bench->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
      g_autofree char *key = g_uuid_string_random ();

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  bytes = soup_session_send_and_read (bench->session, msg, NULL, NULL);
  if (answer != NULL)
    *answer = g_steal_pointer (&bytes);
  return soup_message_get_status (msg);
}

static void
take_unit (Bench      *bench,
           JsonObject *object)
{
  const char *id = json_object_get_string_member_with_default (object, "id", NULL);
  JsonNode *position = json_object_get_member (object, "position");
  Unit *unit;

  if (id == NULL)
    return;
  unit = g_hash_table_lookup (bench->units, id);
  if (unit == NULL)
    {
      unit = g_new0 (Unit, 1);
      g_hash_table_insert (bench->units, g_strdup (id), unit);
    }
  g_free (unit->status);
  unit->status = g_strdup (json_object_get_string_member_with_default (object, "status", ""));
  if (position != NULL && JSON_NODE_HOLDS_OBJECT (position))
    {
      JsonObject *fix = json_node_get_object (position);
      gint64 time = parse_time (json_object_get_string_member (fix, "time"));

      unit->lat = json_object_get_double_member (fix, "lat");
      unit->lon = json_object_get_double_member (fix, "lon");
      unit->has_fix = TRUE;
      if (bench->first_fix == 0)
        bench->first_fix = time;
      bench->last_fix = MAX (bench->last_fix, time);
    }
}

/* The supervisor: the nearest available car, by straight line. */
static void
dispatch_nearest (Bench      *bench,
                  JsonObject *incident)
{
  JsonObject *location = json_object_get_object_member (incident, "location");
  double lat = json_object_get_double_member (location, "lat");
  double lon = json_object_get_double_member (location, "lon");
  const char *best = NULL;
  double best_m = G_MAXDOUBLE;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, bench->units);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Unit *unit = value;
      double m;

      if (!unit->has_fix || g_strcmp0 (unit->status, "available") != 0)
        continue;
      m = dozor_geo_distance_m (lat, lon, unit->lat, unit->lon);
      if (m < best_m)
        {
          best_m = m;
          best = key;
        }
    }

  if (best == NULL)
    {
      bench->undispatched++;
      return;
    }
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", best,
                                             json_object_get_string_member (incident, "id"));

    if (call (bench, "POST", "/api/v1/dispatches", body, NULL) == 201)
      {
        Unit *unit = g_hash_table_lookup (bench->units, best);

        /* Not again before its own event says so. */
        g_free (unit->status);
        unit->status = g_strdup ("dispatched");
        bench->dispatched++;
      }
    else
      bench->undispatched++;
  }
}

static void
take_event (Bench    *bench,
            JsonNode *node)
{
  JsonObject *event;
  const char *type;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  event = json_node_get_object (node);
  type = json_object_get_string_member_with_default (event, "type", "");

  if (g_str_equal (type, "unit.position"))
    {
      bench->positions++;
      take_unit (bench, json_object_get_object_member (event, "unit"));
      if (bench->first_fix != 0 && (bench->last_fix - bench->first_fix) * bench->speed >= bench->seconds * G_USEC_PER_SEC &&
          !bench->done)
        {
          bench->done = TRUE;
          g_main_loop_quit (bench->loop);
        }
    }
  else if (g_str_has_prefix (type, "unit."))
    take_unit (bench, json_object_get_object_member (event, "unit"));
  else if (g_str_equal (type, "deviation.started"))
    {
      JsonObject *deviation = json_object_get_object_member (event, "deviation");

      bench->deviations++;
      bench->early += parse_time (json_object_get_string_member (deviation, "started_at")) <
                      bench->first_fix + (gint64) (600 / bench->speed * G_USEC_PER_SEC);
    }
  else if (g_str_equal (type, "deviation.ended"))
    {
      const char *reason = json_object_get_string_member (json_object_get_object_member (event, "deviation"),
                                                          "reason");

      bench->deviations_ended++;
      g_hash_table_insert (bench->reasons, g_strdup (reason),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (bench->reasons, reason)) + 1));
    }
  else if (g_str_equal (type, "reporting.gap"))
    {
      JsonObject *gap = json_object_get_object_member (event, "gap");

      bench->gaps++;
      bench->long_gaps += json_object_get_double_member (gap, "duration_s") * bench->speed > bench->seconds;
    }
  else if (g_str_equal (type, "incident.created") && bench->first_fix != 0)
    {
      JsonObject *incident = json_object_get_object_member (event, "incident");
      gint64 *at = g_new (gint64, 1);

      *at = parse_time (json_object_get_string_member (incident, "created_at"));
      g_hash_table_insert (bench->registered, g_strdup (json_object_get_string_member (incident, "id")), at);
      bench->incidents++;
      dispatch_nearest (bench, incident);
    }
  else if (g_str_equal (type, "incident.updated"))
    {
      JsonObject *incident = json_object_get_object_member (event, "incident");
      const char *id = json_object_get_string_member (incident, "id");
      JsonNode *arrival = json_object_get_member (incident, "arrival");
      gint64 *registered = g_hash_table_lookup (bench->registered, id);

      if (arrival == NULL || !JSON_NODE_HOLDS_OBJECT (arrival) || g_hash_table_contains (bench->arrived, id))
        return;
      g_hash_table_add (bench->arrived, g_strdup (id));
      bench->arrivals++;
      if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (arrival), "by", ""),
                     "server") == 0)
        bench->arrivals_by_server++;
      if (registered != NULL)
        {
          double seconds = (parse_time (json_object_get_string_member (incident, "on_scene_at")) - *registered) /
                           (double) G_USEC_PER_SEC * bench->speed;

          g_array_append_val (bench->responses, seconds);
        }
    }
}

static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Bench                   *bench)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autoptr(JsonNode) node = dozor_json_parse (data, length, G_MAXSIZE, NULL);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *events = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (events); i++)
        take_event (bench, json_array_get_element (events, i));
      return;
    }
  take_event (bench, node);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Bench *bench = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    g_error ("stream: %s", error->message);
  soup_websocket_connection_set_max_incoming_payload_size (conn, 16 * 1024 * 1024);
  g_object_set_data_full (G_OBJECT (source), "stream", conn, g_object_unref);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), bench);
}

static gboolean
give_up_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static char *
rfc3339 (gint64 us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* dozorctl report daily over [@from, @to), as the supervisor. */
static void
daily_report (const char *dozorctl,
              const char *dir,
              const char *url,
              const char *path,
              gint64      from,
              gint64      to)
{
  g_autofree char *credentials = g_build_filename (dir, "credentials", NULL);
  g_autofree char *from_text = rfc3339 (from);
  g_autofree char *to_text = rfc3339 (to);
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *const command[] = {
    dozorctl, "report", "daily", "--backend", url, "--credentials", credentials, "--from", from_text,
    "--to", to_text, "-o", path, "--centre", "ЦОУ ДП г. Алматы", "--officer", "Bench", NULL
  };

  if (!g_file_set_contents_full (credentials, "sup\nbench password\n", -1, G_FILE_SET_CONTENTS_NONE, 0600, &error)
      || !g_spawn_sync (NULL, (char **) command, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_printerr ("bench-compliance-hour: no daily report: %s\n", error->message);
  else
    g_print ("daily report %s to %s written to %s\n", from_text, to_text, path);
  g_unlink (credentials);
}

int
main (int   argc,
      char *argv[])
{
  const char *dozord = g_getenv ("DOZORD");
  const char *dozorctl = g_getenv ("DOZORCTL");
  guint units = argc > 1 ? (guint) atoi (argv[1]) : 200;
  double speed = argc > 2 ? g_ascii_strtod (argv[2], NULL) : 60;
  guint seconds = argc > 3 ? (guint) atoi (argv[3]) : 3600;
  gboolean off = argc > 4 && g_str_equal (argv[4], "--no-compliance");
  g_autofree char *dir = g_dir_make_tmp ("bench-compliance-hour-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "dozor.db", NULL);
  g_autofree char *password = g_build_filename (dir, "password", NULL);
  g_autofree char *units_text = g_strdup_printf ("%u", units);
  g_autofree char *speed_text = g_strdup_printf ("%g", speed);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *stream_uri = NULL;
  g_autoptr(SoupMessage) stream_msg = NULL;
  Bench bench = { 0 };
  double cpu, worker_cpu, wall;
  gint64 started;
  GPid pid;

  /* Without it the database and password would land in the current directory. */
  if (dir == NULL)
    g_error ("no temporary directory for dozord's files");

  if (dozord == NULL || dozorctl == NULL || units == 0 || !(speed >= 1 && speed <= 1000) || seconds == 0)
    {
      g_printerr ("bench-compliance-hour: set DOZORD and DOZORCTL (meson devenv -C build does); "
                  "UNITS from 1, SPEED 1 to 1000, SECONDS from 1\n");
      return 2;
    }

  g_file_set_contents (password, "bench password\n", -1, NULL);
  bench_add_user (dozorctl, db, password, "sup", "supervisor");

  {
    const char *const command[] = {
      dozord, "--db", db, "--listen", "127.0.0.1:0", "--scenario", "almaty", "--seed", "1",
      "--units", units_text, "--speed", speed_text, off ? "--no-compliance" : NULL, NULL
    };

    server = bench_start_dozord (command, &bench.url, &pid);
  }

  bench.session = soup_session_new ();
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) unit_free);
  bench.registered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.arrived = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bench.responses = g_array_new (FALSE, FALSE, sizeof (double));
  bench.reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  bench.seconds = seconds;
  bench.speed = speed;
  {
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(JsonNode) node = NULL;

    if (call (&bench, "POST", "/api/v1/session", "{\"username\":\"sup\",\"password\":\"bench password\"}",
              &answer) != 200)
      g_error ("login refused");
    node = json_from_string (g_bytes_get_data (answer, NULL), NULL);
    bench.token = g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
  }

  /* From the first event: every unit, every position. */
  stream_uri = g_strdup_printf ("%s/api/v1/stream?since=0&token=%s&batch=1", bench.url, bench.token);
  stream_msg = soup_message_new ("GET", stream_uri);
  soup_session_websocket_connect_async (bench.session, stream_msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &bench);
  started = g_get_monotonic_time ();
  /* A generous bound: the scenario time at SPEED, four times over. */
  g_timeout_add_seconds ((guint) (4 * seconds / speed) + 60, give_up_cb, bench.loop);
  g_main_loop_run (bench.loop);
  wall = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  cpu = bench_cpu_seconds (pid);
  worker_cpu = bench_thread_cpu_seconds (pid, "compliance");

  bench_sort_doubles (bench.responses);
  g_print ("%u cars at --speed %g%s: %.0f s of scenario time in %.1f s\n", units, speed,
           off ? ", --no-compliance" : "", (bench.last_fix - bench.first_fix) * speed / G_USEC_PER_SEC, wall);
  g_print ("positions %u; deviations started %u (%u in the first 10 minutes), ended %u; reporting gaps %u "
           "(%u longer than the run: from the shift's start to the first fix)\n", bench.positions, bench.deviations,
           bench.early, bench.deviations_ended, bench.gaps, bench.long_gaps);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_print ("deviations ended by reason:");
    g_hash_table_iter_init (&iter, bench.reasons);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_print (" %s %u", (const char *) key, GPOINTER_TO_UINT (value));
    g_print ("\n");
  }
  g_print ("incidents %u, dispatched %u, not dispatched %u; arrivals %u (found by the server %u)\n", bench.incidents,
           bench.dispatched, bench.undispatched, bench.arrivals, bench.arrivals_by_server);
  g_print ("response time, registration to arrival, scenario s (real s, as the daily report has them): n %u, "
           "p50 %.0f (%.1f), p90 %.0f (%.1f), min %.0f (%.1f), max %.0f (%.1f)\n",
           bench.responses->len, bench_percentile (bench.responses, 0.5),
           bench_percentile (bench.responses, 0.5) / speed, bench_percentile (bench.responses, 0.9),
           bench_percentile (bench.responses, 0.9) / speed, bench_percentile (bench.responses, 0),
           bench_percentile (bench.responses, 0) / speed, bench_percentile (bench.responses, 1.0),
           bench_percentile (bench.responses, 1.0) / speed);
  g_print ("dozord CPU %.1f s over %.1f s (%.0f %% of one core); compliance worker %.2f s, %.1f us per fix\n",
           cpu, wall, 100 * cpu / wall, worker_cpu,
           bench.positions > 0 ? 1e6 * worker_cpu / bench.positions : NAN);

  if (g_getenv ("BENCH_DAILY_REPORT") != NULL)
    daily_report (dozorctl, dir, bench.url, g_getenv ("BENCH_DAILY_REPORT"), bench.first_fix - 60 * G_USEC_PER_SEC,
                  bench.last_fix + 60 * G_USEC_PER_SEC);

  g_object_set_data (G_OBJECT (bench.session), "stream", NULL);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  bench_remove_store (dir, db, password);
  g_hash_table_unref (bench.units);
  g_hash_table_unref (bench.registered);
  g_hash_table_unref (bench.arrived);
  g_hash_table_unref (bench.reasons);
  g_array_unref (bench.responses);
  g_main_loop_unref (bench.loop);
  g_object_unref (bench.session);
  g_free (bench.token);
  g_free (bench.url);
  return 0;
}
