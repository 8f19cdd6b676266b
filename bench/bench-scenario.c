/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The Almaty scenario at scale, as a board sees it (issue 14, item 7):
 *
 *   DOZORD=… DOZORCTL=… bench-scenario [UNITS] [SECONDS] [--plain]
 *
 * starts dozord with the scenario on loopback and prints its start-up
 * time; then, once every car has reported, the snapshot's size, the time
 * dozord takes to answer it and the time the board's path takes to parse
 * it (dozor_json_parse and DozorSituation); then, over SECONDS of the
 * stream, the fix-to-client delay of every `unit.position` (the position's
 * time to the moment its event is read here) and dozord's CPU use.
 * Prints figures, never fails on time. Real time only (no --speed), so
 * the fix times are the wall clock of the moment each fix was made.
 * The stream is read as the board reads it, with batch=1 (several events
 * per frame); --plain asks for one event per frame.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-proc.h"
#include "dozor-json.h"
#include "dozor-situation.h"

typedef struct
{
  SoupSession *session;
  char *url;
  GMainLoop *loop;
  GArray *delays; /* double, ms */
  guint messages;
  guint frames;
} Bench;

static GBytes *
call (Bench      *bench,
      const char *method,
      const char *path,
      const char *token,
      const char *body)
{
  g_autofree char *uri = g_strconcat (bench->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GError) error = NULL;
  GBytes *answer;

  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", request);
    }
  answer = soup_session_send_and_read (bench->session, msg, NULL, &error);
  if (answer == NULL || soup_message_get_status (msg) != 200)
    g_error ("%s %s: %u %s", method, path, soup_message_get_status (msg), error != NULL ? error->message : "");
  return answer;
}

/* One event: the delay of a position. */
static void
take_event (Bench    *bench,
            JsonNode *node,
            gint64    now)
{
  JsonObject *event, *unit, *position;
  g_autoptr(GDateTime) time = NULL;

  bench->messages++;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  event = json_node_get_object (node);
  if (g_strcmp0 (json_object_get_string_member_with_default (event, "type", ""), "unit.position") != 0)
    return;
  unit = json_object_get_object_member (event, "unit");
  position = json_object_get_object_member (unit, "position");
  time = g_date_time_new_from_iso8601 (json_object_get_string_member (position, "time"), NULL);
  if (time != NULL)
    {
      double delay = (now - g_date_time_to_unix (time) * G_USEC_PER_SEC -
                      g_date_time_get_microsecond (time)) / 1000.0;

      g_array_append_val (bench->delays, delay);
    }
}

/* Parsed as the board parses it; with batch=1 a frame may be an array. */
static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Bench                   *bench)
{
  gint64 now = g_get_real_time ();
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autoptr(JsonNode) node = dozor_json_parse (data, length, G_MAXSIZE, NULL);

  bench->frames++;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *events = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (events); i++)
        take_event (bench, json_array_get_element (events, i), now);
      return;
    }
  take_event (bench, node, now);
}

/* dozord's seq: how many events it has committed. */
static gint64
server_seq (Bench *bench)
{
  g_autoptr(GBytes) answer = call (bench, "GET", "/api/v1/health", NULL, NULL);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (answer, NULL), NULL);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ?
    json_object_get_int_member_with_default (json_node_get_object (node), "seq", 0) : 0;
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
  g_object_set_data_full (G_OBJECT (source), "stream", conn, g_object_unref);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), bench);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  const char *dozord = g_getenv ("DOZORD");
  const char *dozorctl = g_getenv ("DOZORCTL");
  guint units = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  guint seconds = argc > 2 ? (guint) atoi (argv[2]) : 30;
  gboolean plain = argc > 3 && g_str_equal (argv[3], "--plain");
  g_autofree char *dir = g_dir_make_tmp ("bench-scenario-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "dozor.db", NULL);
  g_autofree char *password = g_build_filename (dir, "password", NULL);
  g_autofree char *units_text = g_strdup_printf ("%u", units);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *token = NULL;
  g_autofree char *stream_uri = NULL;
  g_autoptr(SoupMessage) stream_msg = NULL;
  Bench bench = { 0 };
  gint64 start;
  double cpu_before, wall_before, snapshot_ms = G_MAXDOUBLE, parse_ms = G_MAXDOUBLE;
  gsize snapshot_bytes = 0;
  gint64 as_of = 0;
  gint64 seq_before;
  GPid pid;

  /* Without it the database and password would land in the current directory. */
  if (dir == NULL)
    g_error ("no temporary directory for dozord's files");

  if (dozord == NULL || dozorctl == NULL || units == 0 || seconds == 0)
    {
      g_printerr ("bench-scenario: set DOZORD and DOZORCTL (meson devenv -C build does); UNITS and SECONDS from 1\n");
      return 2;
    }

  g_file_set_contents (password, "bench password\n", -1, NULL);
  bench_add_user (dozorctl, db, password, "wall", "wall");

  start = g_get_monotonic_time ();
  {
    const char *const command[] = {
      dozord, "--db", db, "--listen", "127.0.0.1:0", "--scenario", "almaty", "--seed", "1",
      "--units", units_text, NULL
    };

    server = bench_start_dozord (command, &bench.url, &pid);
  }
  g_print ("units %u: dozord up in %.1f s, %.1f s of CPU\n", units,
           (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC, bench_cpu_seconds (pid));

  bench.session = soup_session_new ();
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.delays = g_array_new (FALSE, FALSE, sizeof (double));
  {
    g_autoptr(GBytes) answer = call (&bench, "POST", "/api/v1/session", NULL,
                                     "{\"username\":\"wall\",\"password\":\"bench password\"}");
    g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (answer, NULL), NULL);

    token = g_strdup (json_object_get_string_member (json_node_get_object (node), "token"));
  }

  /* A period and a little for every car to have a position. */
  g_timeout_add (6000, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);

  /* The best of five: the machine is shared. */
  for (guint round = 0; round < 5; round++)
    {
      gint64 asked = g_get_monotonic_time ();
      g_autoptr(GBytes) answer = call (&bench, "GET", "/api/v1/snapshot", token, NULL);
      gint64 answered = g_get_monotonic_time ();
      g_autoptr(DozorSituation) situation = dozor_situation_new ();
      g_autoptr(JsonNode) node = NULL;
      gsize length;
      const char *data = g_bytes_get_data (answer, &length);

      node = dozor_json_parse (data, length, G_MAXSIZE, &error);
      if (node == NULL || !dozor_situation_load_snapshot (situation, node, &error))
        g_error ("snapshot: %s", error->message);
      snapshot_ms = MIN (snapshot_ms, (answered - asked) / 1000.0);
      parse_ms = MIN (parse_ms, (g_get_monotonic_time () - answered) / 1000.0);
      snapshot_bytes = length;
      as_of = json_object_get_int_member (json_node_get_object (node), "as_of_seq");
    }
  g_print ("snapshot: %" G_GSIZE_FORMAT " bytes, answered in %.1f ms (request to last byte), "
           "parsed and loaded in %.1f ms (best of 5)\n", snapshot_bytes, snapshot_ms, parse_ms);

  stream_uri = g_strdup_printf ("%s/api/v1/stream?since=%" G_GINT64_FORMAT "&token=%s%s", bench.url, as_of, token,
                                plain ? "" : "&batch=1");
  stream_msg = soup_message_new ("GET", stream_uri);
  soup_session_websocket_connect_async (bench.session, stream_msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &bench);
  /* The backlog since the snapshot is not live: measure after it. */
  g_timeout_add (1000, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);
  g_array_set_size (bench.delays, 0);
  bench.messages = 0;
  bench.frames = 0;

  seq_before = server_seq (&bench);
  cpu_before = bench_cpu_seconds (pid);
  wall_before = g_get_monotonic_time () / (double) G_USEC_PER_SEC;
  g_timeout_add_seconds (seconds, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);
  {
    double cpu = bench_cpu_seconds (pid) - cpu_before;
    double wall = g_get_monotonic_time () / (double) G_USEC_PER_SEC - wall_before;
    gint64 committed = server_seq (&bench) - seq_before;

    bench_sort_doubles (bench.delays);
    g_print ("stream over %.0f s%s: %u events in %u frames, %u positions (%.0f/s)\n", wall,
             plain ? "" : " (batch=1)", bench.messages, bench.frames, bench.delays->len, bench.delays->len / wall);
    g_print ("fix to client: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
             bench_percentile (bench.delays, 0.5), bench_percentile (bench.delays, 0.95),
             bench_percentile (bench.delays, 0.99), bench_percentile (bench.delays, 1.0));
    g_print ("dozord committed %" G_GINT64_FORMAT " events meanwhile (%.0f/s); its CPU: %.1f %% of one core\n",
             committed, committed / wall, 100 * cpu / wall);
  }

  g_object_set_data (G_OBJECT (bench.session), "stream", NULL);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  bench_remove_store (dir, db, password);
  g_array_unref (bench.delays);
  g_main_loop_unref (bench.loop);
  g_object_unref (bench.session);
  g_free (bench.url);
  return 0;
}
