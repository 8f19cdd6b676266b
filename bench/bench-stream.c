/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Backend to board: how fast dozord takes positions in, and how long they take
 * to reach boards on the stream. Starts its own dozord on a fresh database on
 * loopback, registers units, connects CLIENTS stream clients, then posts
 * batches of positions at RATE per second for SECONDS. Each fix carries the
 * wall-clock time it was sent; each client notes when the matching
 * unit.position event arrives. Prints figures; never fails on time.
 *
 *   DOZORD=… DOZORCTL=… bench-stream [CLIENTS] [RATE] [SECONDS] [UNITS]
 *   (meson devenv -C build bench/bench-stream sets both)
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Batches per second: a tracker gateway flushes about every 50 ms. */
#define BATCHES_PER_SECOND 20

typedef struct
{
  SoupSession *session;
  char *url;
  char *supervisor;
  char *tracker;
  char *wall;
  GPtrArray *units;
  GArray *latencies_ms; /* double */
  guint64 expected_per_client;
  guint64 received;
  guint64 posted;
  guint64 batches_failed;
  guint pending_posts;
  GMainLoop *loop;
} Bench;

static char *
post_json (Bench      *bench,
           const char *path,
           const char *token,
           const char *key,
           const char *body,
           guint      *status)
{
  g_autofree char *uri = g_strconcat (bench->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  gsize length;
  const char *data;

  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);

  answer = soup_session_send_and_read (bench->session, msg, NULL, NULL);
  *status = soup_message_get_status (msg);
  data = answer != NULL ? g_bytes_get_data (answer, &length) : NULL;
  return data != NULL ? g_strndup (data, length) : g_strdup ("");
}

static char *
string_member (const char *json,
               const char *name)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node), name, NULL));
}

static char *
login (Bench      *bench,
       const char *user)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"bench password\"}", user);
  g_autofree char *answer = NULL;
  guint status;

  answer = post_json (bench, "/api/v1/session", NULL, NULL, body, &status);
  if (status != 200)
    g_error ("login %s: %u %s", user, status, answer);
  return string_member (answer, "token");
}

/* The fix time is the send time in microseconds, encoded in the position's
 * time; a client finds it without a full JSON parse, so the bench measures
 * the server, not itself. */
static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Bench                   *bench)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autofree char *text = g_strndup (data, length);
  const char *position;
  const char *time;
  g_autoptr(GDateTime) sent = NULL;
  g_autofree char *stamp = NULL;
  double latency;

  if (strstr (text, "\"type\":\"unit.position\"") == NULL)
    return;
  position = strstr (text, "\"position\":{");
  time = position != NULL ? strstr (position, "\"time\":\"") : NULL;
  if (time == NULL)
    return;

  stamp = g_strndup (time + 8, 27);
  sent = g_date_time_new_from_iso8601 (stamp, NULL);
  if (sent == NULL)
    return;

  latency = (g_get_real_time () - (g_date_time_to_unix (sent) * G_USEC_PER_SEC +
                                   g_date_time_get_microsecond (sent))) / 1000.0;
  g_array_append_val (bench->latencies_ms, latency);
  bench->received++;
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

  soup_websocket_connection_set_max_incoming_payload_size (conn, 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), bench);
  if (--bench->pending_posts == 0)
    g_main_loop_quit (bench->loop);
}

static void
post_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Bench *bench = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (soup_message_get_status (msg) != 202)
    bench->batches_failed++;
  bench->pending_posts--;
}

typedef struct
{
  Bench *bench;
  guint per_batch;
  guint batches_left;
  guint next_unit;
} Feeder;

static gboolean
feed_cb (gpointer user_data)
{
  Feeder *feeder = user_data;
  Bench *bench = feeder->bench;
  GString *body = g_string_new ("{\"positions\":[");
  g_autofree char *uri = g_strconcat (bench->url, "/api/v1/positions", NULL);
  g_autofree char *header = g_strconcat ("Bearer ", bench->tracker, NULL);
  SoupMessage *msg;
  GBytes *bytes;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");

  for (guint i = 0; i < feeder->per_batch; i++)
    {
      const char *unit = bench->units->pdata[feeder->next_unit++ % bench->units->len];

      g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"time\":\"%s\","
                              "\"speed\":11.1,\"heading\":%u}",
                              i ? "," : "", unit, 43.2 + g_random_double () * 0.1,
                              76.85 + g_random_double () * 0.15, time, g_random_int_range (0, 360));
    }
  g_string_append (body, "]}");

  msg = soup_message_new ("POST", uri);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  bytes = g_string_free_to_bytes (body);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_bytes_unref (bytes);

  bench->pending_posts++;
  bench->posted += feeder->per_batch;
  soup_session_send_and_read_async (bench->session, msg, G_PRIORITY_DEFAULT, NULL, post_done_cb, bench);
  g_object_unref (msg);

  if (--feeder->batches_left == 0)
    {
      g_main_loop_quit (bench->loop);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *sorted,
            double  p)
{
  guint index;

  if (sorted->len == 0)
    return NAN;
  index = MIN (sorted->len - 1, (guint) ceil (p * sorted->len) - (p > 0 ? 1 : 0));
  return g_array_index (sorted, double, index);
}

int
main (int   argc,
      char *argv[])
{
  guint clients = argc > 1 ? (guint) atoi (argv[1]) : 20;
  guint rate = argc > 2 ? (guint) atoi (argv[2]) : 2000;
  guint seconds = argc > 3 ? (guint) atoi (argv[3]) : 10;
  guint n_units = argc > 4 ? (guint) atoi (argv[4]) : 200;
  const char *dozord = g_getenv ("DOZORD");
  const char *dozorctl = g_getenv ("DOZORCTL");
  g_autofree char *dir = g_dir_make_tmp ("bench-stream-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "dozord.sqlite", NULL);
  g_autofree char *password = g_build_filename (dir, "password", NULL);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autofree char *line = NULL;
  Bench bench = { 0 };
  Feeder feeder = { &bench, 0, 0, 0 };
  static const char *users[][2] = { { "sup", "supervisor" }, { "gps", "tracker" }, { "wall", "admin" } };
  gint64 start;
  double elapsed;
  struct stat info;

  if (dozord == NULL || dozorctl == NULL)
    {
      g_printerr ("bench-stream: set DOZORD and DOZORCTL (meson devenv -C build does)\n");
      return 2;
    }

  g_file_set_contents (password, "bench password\n", -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autoptr(GSubprocess) ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, dozorctl,
                                                     "--db", db, "user", "add", users[i][0], "--role",
                                                     users[i][1], "--password-file", password, NULL);
      if (ctl == NULL || !g_subprocess_wait_check (ctl, NULL, &error))
        g_error ("dozorctl: %s", error->message);
    }

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, dozord, "--db", db,
                             "--listen", "127.0.0.1:0", NULL);
  if (server == NULL)
    g_error ("dozord: %s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("dozord did not start");

  bench.url = g_strdup (line + strlen ("listening on "));
  bench.session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                                 "proxy-resolver", direct, NULL);
  bench.units = g_ptr_array_new_with_free_func (g_free);
  bench.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.supervisor = login (&bench, "sup");
  bench.tracker = login (&bench, "gps");
  bench.wall = login (&bench, "wall");

  for (guint i = 0; i < n_units; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"Bench-%04u\",\"kind\":\"car\"}", i);
      g_autofree char *key = g_strdup_printf ("unit-%u", i);
      guint status;
      g_autofree char *answer = post_json (&bench, "/api/v1/units", bench.supervisor, key, body, &status);

      if (status != 201)
        g_error ("create unit: %u %s", status, answer);
      g_ptr_array_add (bench.units, string_member (answer, "id"));
    }

  bench.pending_posts = clients;
  for (guint i = 0; i < clients; i++)
    {
      g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%u&token=%s", bench.url, n_units, bench.wall);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

      soup_session_websocket_connect_async (bench.session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            connected_cb, &bench);
    }
  g_main_loop_run (bench.loop);

  feeder.per_batch = MAX (1, rate / BATCHES_PER_SECOND);
  feeder.batches_left = seconds * BATCHES_PER_SECOND;
  start = g_get_monotonic_time ();
  g_timeout_add (1000 / BATCHES_PER_SECOND, feed_cb, &feeder);
  g_main_loop_run (bench.loop);

  /* Let the last events arrive. */
  g_timeout_add (2000, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);
  elapsed = (g_get_monotonic_time () - start) / 1e6 - 2.0;

  g_array_sort (bench.latencies_ms, compare_doubles);
  printf ("dozord on loopback, %u stream clients, %u units, %u positions/s asked for %u s\n",
          clients, n_units, rate, seconds);
  printf ("positions posted:        %" G_GUINT64_FORMAT " in %.1f s = %.0f/s (%" G_GUINT64_FORMAT " batches refused)\n",
          bench.posted, elapsed, bench.posted / elapsed, bench.batches_failed);
  printf ("events received:         %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " expected (%u clients × posted)\n",
          bench.received, bench.posted * clients, clients);
  printf ("ingest → client latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
          percentile (bench.latencies_ms, 0.50), percentile (bench.latencies_ms, 0.95),
          percentile (bench.latencies_ms, 0.99), percentile (bench.latencies_ms, 1.0));

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  if (stat (db, &info) == 0)
    printf ("database after the run:  %.1f MiB (plus WAL)\n", info.st_size / 1048576.0);

  return 0;
}
