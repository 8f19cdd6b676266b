/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Backend to board: how fast dozord takes positions in, and how long they take
 * to reach boards on the stream. Starts its own dozord on a fresh database on
 * loopback, registers units, connects CLIENTS stream clients, then posts
 * batches of positions at RATE per second for SECONDS. Each fix carries the
 * wall-clock time it was sent; each client notes when the matching
 * unit.position event arrives, and checks that the seqs it hears follow
 * each other with none missing or repeated. Prints, besides the latency,
 * what was delivered, coalesced and lost, each client's throughput, and the
 * CPU that dozord and this bench (its clients and its feeder) used. Prints
 * figures; never fails on time.
 *
 *   DOZORD=… DOZORCTL=… bench-stream [CLIENTS] [RATE] [SECONDS] [UNITS] [--batch]
 *   (meson devenv -C build bench/bench-stream sets both)
 *
 * --batch opens the stream with `batch=1` (docs/api.md): several events
 * per frame.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench-proc.h"

/* Batches per second: a tracker gateway flushes about every 50 ms. */
#define BATCHES_PER_SECOND 20

typedef struct _Bench Bench;

/* One stream client: what it heard, and whether the seqs ran in order. */
typedef struct
{
  Bench *bench;
  SoupWebsocketConnection *conn;
  gint64 last_seq;
  guint64 positions;
  guint64 coalesced;
  guint64 frames;
  guint64 out_of_order; /* an event whose seq is not the last one's next */
  gboolean closed;
} Client;

struct _Bench
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
  guint pending_connects;
  GMainLoop *loop;
  Client *clients;
};

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
 * time; a client finds it and the event's seq without a full JSON parse,
 * so the bench measures the server, not itself. Events start with their
 * seq (`{"seq":N,"type":…`, as the store writes them), the stream's own
 * messages with their type. */
static void
take_event (Client     *client,
            const char *event,
            const char *end,
            gint64      now)
{
  gint64 seq = g_ascii_strtoll (event + strlen ("{\"seq\":"), NULL, 10);
  const char *type = strstr (event, "\"type\":\"");
  const char *position;
  const char *time;
  gint64 sent;
  double latency;

  if (seq != client->last_seq + 1)
    client->out_of_order++;
  client->last_seq = seq;

  if (type == NULL || type > end)
    return;
  if (g_str_has_prefix (type, "\"type\":\"coalesced\""))
    {
      client->coalesced++;
      return;
    }
  if (!g_str_has_prefix (type, "\"type\":\"unit.position\""))
    return;
  position = strstr (type, "\"position\":{");
  time = position != NULL ? strstr (position, "\"time\":\"") : NULL;
  if (time == NULL || time + 8 + 27 > end || (sent = bench_fix_time_us (time + 8)) < 0)
    return;

  latency = (now - sent) / 1000.0;
  g_array_append_val (client->bench->latencies_ms, latency);
  client->positions++;
  client->bench->received++;
}

static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            Client                  *client)
{
  gint64 now = g_get_real_time ();
  gsize length;
  /* libsoup ends every text message with a NUL it does not count. */
  const char *data = g_bytes_get_data (message, &length);
  const char *end = data + length;
  const char *event = strstr (data, "{\"seq\":");

  client->frames++;
  /* A heartbeat or a reset: {"type":…,"seq":…}. */
  if (event != data && event != data + 1)
    return;
  while (event != NULL)
    {
      const char *next = strstr (event + 1, "{\"seq\":");

      take_event (client, event, next != NULL ? next : end, now);
      event = next;
    }
}

static void
closed_cb (SoupWebsocketConnection *conn,
           Client                  *client)
{
  client->closed = TRUE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Client *client = user_data;
  Bench *bench = client->bench;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    g_error ("stream: %s", error->message);

  client->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), client);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), client);
  if (--bench->pending_connects == 0)
    g_main_loop_quit (bench->loop);
}

/* The feeder posts from a thread of its own, with its own session and
 * main loop: on the clients' loop its posts would wait behind what they
 * read, and the rate asked for would not be the rate sent. */
typedef struct
{
  Bench *bench;
  SoupSession *session;
  GMainLoop *loop;
  guint per_batch;
  guint batches_left;
  guint next_unit;
  guint pending;
  guint64 posted;
  guint64 failed;
} Feeder;

static void
post_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Feeder *feeder = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (soup_message_get_status (msg) != 202)
    feeder->failed++;
  if (--feeder->pending == 0 && feeder->batches_left == 0)
    g_main_loop_quit (feeder->loop);
}

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

  feeder->pending++;
  feeder->posted += feeder->per_batch;
  soup_session_send_and_read_async (feeder->session, msg, G_PRIORITY_DEFAULT, NULL, post_done_cb, feeder);
  g_object_unref (msg);

  return --feeder->batches_left == 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data);

static gpointer
feeder_thread (gpointer user_data)
{
  Feeder *feeder = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(GSource) timer = g_timeout_source_new (1000 / BATCHES_PER_SECOND);

  g_main_context_push_thread_default (context);
  feeder->session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                                   "proxy-resolver", direct, NULL);
  feeder->loop = g_main_loop_new (context, FALSE);
  g_source_set_callback (timer, feed_cb, feeder, NULL);
  g_source_attach (timer, context);
  g_main_loop_run (feeder->loop);
  g_clear_object (&feeder->session);
  g_clear_pointer (&feeder->loop, g_main_loop_unref);
  g_main_context_pop_thread_default (context);

  /* Tell the clients' loop that the feeding is over. */
  g_main_context_invoke (NULL, quit_cb, feeder->bench->loop);
  return NULL;
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
  g_autoptr(GPtrArray) numbers = g_ptr_array_new ();
  gboolean batch = FALSE;
  guint clients, rate, seconds, n_units;
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
  Feeder feeder = { &bench, NULL, NULL, 0, 0, 0, 0, 0, 0 };
  GThread *thread;
  static const char *users[][2] = { { "sup", "supervisor" }, { "gps", "tracker" }, { "wall", "admin" } };
  gint64 start;
  double elapsed, wall;
  double server_cpu, own_cpu;
  guint64 least = G_MAXUINT64, most = 0, coalesced = 0, out_of_order = 0, frames = 0;
  guint closed = 0;
  GPid pid;
  struct stat info;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--batch"))
        batch = TRUE;
      else
        g_ptr_array_add (numbers, argv[i]);
    }
  clients = numbers->len > 0 ? (guint) atoi (numbers->pdata[0]) : 20;
  rate = numbers->len > 1 ? (guint) atoi (numbers->pdata[1]) : 2000;
  seconds = numbers->len > 2 ? (guint) atoi (numbers->pdata[2]) : 10;
  n_units = numbers->len > 3 ? (guint) atoi (numbers->pdata[3]) : 200;
  if (clients == 0 || rate == 0 || seconds == 0 || n_units == 0)
    {
      g_printerr ("bench-stream: CLIENTS, RATE, SECONDS and UNITS from 1\n");
      return 2;
    }

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

  pid = (GPid) atoi (g_subprocess_get_identifier (server));
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

  bench.pending_connects = clients;
  bench.clients = g_new0 (Client, clients);
  for (guint i = 0; i < clients; i++)
    {
      g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%u&token=%s%s", bench.url, n_units, bench.wall,
                                              batch ? "&batch=1" : "");
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

      bench.clients[i].bench = &bench;
      bench.clients[i].last_seq = n_units;
      soup_session_websocket_connect_async (bench.session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            connected_cb, &bench.clients[i]);
    }
  g_main_loop_run (bench.loop);

  feeder.per_batch = MAX (1, rate / BATCHES_PER_SECOND);
  feeder.batches_left = seconds * BATCHES_PER_SECOND;
  start = g_get_monotonic_time ();
  server_cpu = bench_cpu_seconds (pid);
  own_cpu = bench_cpu_seconds (0);
  thread = g_thread_new ("feeder", feeder_thread, &feeder);
  g_main_loop_run (bench.loop);
  g_thread_join (thread);
  bench.posted = feeder.posted;
  bench.batches_failed = feeder.failed;

  /* Let the last events arrive. */
  g_timeout_add (2000, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);
  wall = (g_get_monotonic_time () - start) / 1e6;
  elapsed = wall - 2.0;
  server_cpu = bench_cpu_seconds (pid) - server_cpu;
  own_cpu = bench_cpu_seconds (0) - own_cpu;
  for (guint i = 0; i < clients; i++)
    {
      least = MIN (least, bench.clients[i].positions);
      most = MAX (most, bench.clients[i].positions);
      coalesced += bench.clients[i].coalesced;
      out_of_order += bench.clients[i].out_of_order;
      frames += bench.clients[i].frames;
      closed += bench.clients[i].closed;
    }

  g_array_sort (bench.latencies_ms, compare_doubles);
  printf ("dozord on loopback, %u stream clients%s, %u units, %u positions/s asked for %u s\n",
          clients, batch ? " (batch=1)" : "", n_units, rate, seconds);
  printf ("positions posted:        %" G_GUINT64_FORMAT " in %.1f s = %.0f/s (%" G_GUINT64_FORMAT " batches refused)\n",
          bench.posted, elapsed, bench.posted / elapsed, bench.batches_failed);
  printf ("positions received:      %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " expected (%u clients × posted), "
          "%" G_GUINT64_FORMAT " coalesced, %" G_GUINT64_FORMAT " lost\n",
          bench.received, bench.posted * clients, clients, coalesced,
          bench.posted * clients - MIN (bench.posted * clients, bench.received + coalesced));
  printf ("per client:              %.0f to %.0f positions/s (over the %.1f s), %.1f events per frame, "
          "%" G_GUINT64_FORMAT " seqs out of order, %u streams closed\n",
          least / elapsed, most / elapsed, elapsed, (bench.received + coalesced) / (double) MAX (frames, 1),
          out_of_order, closed);
  printf ("ingest → client latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
          percentile (bench.latencies_ms, 0.50), percentile (bench.latencies_ms, 0.95),
          percentile (bench.latencies_ms, 0.99), percentile (bench.latencies_ms, 1.0));
  printf ("CPU over the run:        dozord %.0f %% of one core, this bench (clients and feeder) %.0f %% "
          "(%.1f s with the last 2 s of delivery)\n", 100 * server_cpu / wall, 100 * own_cpu / wall, wall);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  if (stat (db, &info) == 0)
    printf ("database after the run:  %.1f MiB (plus WAL)\n", info.st_size / 1048576.0);

  /* Tens of MiB a run: leave nothing behind. */
  for (guint i = 0; i < 4; i++)
    {
      static const char *const suffixes[] = { "", "-wal", "-shm", ".lock" };
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_unlink (path);
    }
  g_unlink (password);
  g_rmdir (dir);
  return 0;
}
