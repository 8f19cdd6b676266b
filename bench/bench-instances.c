/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Issue 19, item 7: ingest and fan-out of positions on SQLite against
 * PostgreSQL, on one dozord against two, at several rates and numbers of
 * stream clients, in one run.
 *
 * For each configuration it makes a fresh store (a SQLite file, or a new
 * database on a throwaway PostgreSQL cluster started by this program,
 * pg-fixture.c), starts the dozords on it, registers units, connects the
 * stream clients (with batch=1, as the board does) spread over the
 * instances in turn, then posts batches of fixes for SECONDS, the batches
 * spread over the instances in turn too. Each fix carries the time it was
 * sent; each client notes when its unit.position event arrives. Printed
 * for each configuration: the rate posted and refused batches; for the
 * clients of each instance, the positions delivered against those posted
 * through that instance and against all posted (a stream that crosses
 * instances delivers all); latency from POST to client, p50/p95/p99/max;
 * the CPU of each dozord and of PostgreSQL's processes. Prints figures,
 * never fails on time.
 *
 *   bench-instances [SECONDS] [--stores=sqlite,postgresql] [--instances=1,2]
 *                   [--rates=2000,10000] [--clients=20,100] [--units=N]
 *   (meson devenv -C build bench/bench-instances sets DOZORD and DOZORCTL)
 *
 * Two instances on one SQLite file are not a configuration: dozord
 * locks its file. They run on PostgreSQL only.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-proc.h"
#include "pg-fixture.h"

/* Batches per second: a tracker gateway flushes about every 50 ms. */
#define BATCHES_PER_SECOND 20
#define MAX_INSTANCES 2

typedef struct _Run Run;

typedef struct
{
  Run *run;
  guint instance;
  SoupWebsocketConnection *conn;
  guint64 positions;
  guint64 coalesced;
  gboolean closed;
} Client;

struct _Run
{
  SoupSession *session;
  guint n_instances;
  char *urls[MAX_INSTANCES];
  char *supervisor;
  char *tracker;
  char *wall;
  GPtrArray *units;
  GArray *latencies_ms;         /* double, every client's */
  guint pending_connects;
  GMainLoop *loop;
  Client *clients;
  guint n_clients;
};

static char *
post_json (Run        *run,
           const char *url,
           const char *path,
           const char *token,
           const char *body,
           guint      *status)
{
  static guint keys;
  g_autofree char *key = g_strdup_printf ("bench-%u", ++keys);
  g_autofree char *uri = g_strconcat (url, path, NULL);
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
  /* Commands need one (docs/api.md); each request is new. */
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  answer = soup_session_send_and_read (run->session, msg, NULL, NULL);
  *status = soup_message_get_status (msg);
  data = answer != NULL ? g_bytes_get_data (answer, &length) : NULL;
  return data != NULL ? g_strndup (data, length) : g_strdup ("");
}

/* GET /api/v1/health's seq. */
static gint64
seq_of (Run        *run,
        const char *url)
{
  g_autofree char *uri = g_strconcat (url, "/api/v1/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) answer = soup_session_send_and_read (run->session, msg, NULL, NULL);
  g_autofree char *text = answer != NULL ? g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer)) : NULL;
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (soup_message_get_status (msg) != 200 || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_error ("health of %s: no answer", url);
  return json_object_get_int_member (json_node_get_object (node), "seq");
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
login (Run        *run,
       const char *user)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"bench password\"}", user);
  g_autofree char *answer = NULL;
  guint status;

  answer = post_json (run, run->urls[0], "/api/v1/session", NULL, body, &status);
  if (status != 200)
    g_error ("login %s: %u %s", user, status, answer);
  return string_member (answer, "token");
}

/* The value after `"name"` and its colon, spaces allowed (PostgreSQL's
 * json text has `"name" : value`), or NULL. */
static const char *
value_of (const char *from,
          const char *end,
          const char *name)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  const char *at = strstr (from, quoted);

  if (at == NULL || at >= end)
    return NULL;
  at += strlen (quoted);
  while (*at == ' ')
    at++;
  if (*at != ':')
    return NULL;
  at++;
  while (*at == ' ')
    at++;
  return at < end ? at : NULL;
}

/* Where the next event starts: an object whose first member is "seq"
 * (events are written so; a heartbeat or a reset starts with its type). */
static const char *
next_event (const char *from)
{
  for (const char *at = strstr (from, "\"seq\""); at != NULL; at = strstr (at + 1, "\"seq\""))
    {
      const char *before = at;

      while (before > from && before[-1] == ' ')
        before--;
      if (before > from && before[-1] == '{')
        return before - 1;
    }
  return NULL;
}

/* Events are found by their text, not parsed: the bench measures dozord,
 * not json-glib. */
static void
take_event (Client     *client,
            const char *event,
            const char *end,
            gint64      now)
{
  const char *type = value_of (event, end, "type");
  const char *position, *time;
  gint64 sent;
  double latency;

  if (type == NULL)
    return;
  if (g_str_has_prefix (type, "\"coalesced\""))
    {
      client->coalesced++;
      return;
    }
  if (!g_str_has_prefix (type, "\"unit.position\""))
    return;
  position = value_of (type, end, "position");
  time = position != NULL ? value_of (position, end, "time") : NULL;
  if (time == NULL || *time != '"' || time + 1 + 27 > end || (sent = bench_fix_time_us (time + 1)) < 0)
    return;
  latency = (now - sent) / 1000.0;
  g_array_append_val (client->run->latencies_ms, latency);
  client->positions++;
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
  const char *event = next_event (data);

  while (event != NULL)
    {
      const char *next = next_event (event + 1);

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
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    g_error ("stream: %s", error->message);
  client->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 4 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), client);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), client);
  if (--client->run->pending_connects == 0)
    g_main_loop_quit (client->run->loop);
}

/* The feeder posts from a thread of its own, so that the rate asked for is
 * the rate sent, whatever the clients' loop is busy with. */
typedef struct
{
  Run *run;
  SoupSession *session;
  GMainLoop *loop;
  guint per_batch;
  guint batches_left;
  guint next_unit;
  guint next_instance;
  guint pending;
  guint64 posted[MAX_INSTANCES];
  guint64 failed;
  guint failed_status;          /* the last status other than 202; 0: no answer */
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
    {
      feeder->failed++;
      feeder->failed_status = soup_message_get_status (msg);
    }
  if (--feeder->pending == 0 && feeder->batches_left == 0)
    g_main_loop_quit (feeder->loop);
}

static gboolean
feed_cb (gpointer user_data)
{
  Feeder *feeder = user_data;
  Run *run = feeder->run;
  guint instance = feeder->next_instance++ % run->n_instances;
  GString *body = g_string_new ("{\"positions\":[");
  g_autofree char *uri = g_strconcat (run->urls[instance], "/api/v1/positions", NULL);
  g_autofree char *header = g_strconcat ("Bearer ", run->tracker, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  SoupMessage *msg;
  GBytes *bytes;

  for (guint i = 0; i < feeder->per_batch; i++)
    {
      const char *unit = run->units->pdata[feeder->next_unit++ % run->units->len];

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
  feeder->posted[instance] += feeder->per_batch;
  soup_session_send_and_read_async (feeder->session, msg, G_PRIORITY_DEFAULT, NULL, post_done_cb, feeder);
  g_object_unref (msg);
  return --feeder->batches_left == 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

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
  g_main_context_invoke (NULL, quit_cb, feeder->run->loop);
  return NULL;
}

/* CPU seconds of each process whose command line starts "postgres", by
 * pid: the cluster's backends serve every instance. */
static GHashTable *
postgres_cpu (void)
{
  GHashTable *cpu = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *cmdline = NULL;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_build_filename ("/proc", name, "cmdline", NULL);
      if (g_file_get_contents (path, &cmdline, NULL, NULL) && g_str_has_prefix (cmdline, "postgres"))
        g_hash_table_insert (cpu, GINT_TO_POINTER (atoi (name)), g_memdup2 (&(double) { bench_cpu_seconds (atoi (name)) },
                                                                           sizeof (double)));
    }
  return cpu;
}

/* What the processes used between two postgres_cpu(); one that ended in
 * between (a closed connection's backend) is not counted. */
static double
postgres_cpu_used (GHashTable *before,
                   GHashTable *after)
{
  GHashTableIter iter;
  gpointer pid, seconds;
  double total = 0;

  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &pid, &seconds))
    {
      double *then = g_hash_table_lookup (before, pid);

      total += *(double *) seconds - (then != NULL ? *then : 0);
    }
  return total;
}

typedef struct
{
  gboolean postgres;
  guint instances;
  guint rate;
  guint clients;
} Config;

static void
run_config (const Config *config,
            PgCluster    *cluster,
            guint         seconds,
            guint         n_units,
            guint         number)
{
  const char *dozord = g_getenv ("DOZORD");
  const char *dozorctl = g_getenv ("DOZORCTL");
  g_autofree char *dir = g_dir_make_tmp ("bench-instances-XXXXXX", NULL);
  g_autofree char *sqlite_path = g_build_filename (dir, "dozord.sqlite", NULL);
  g_autofree char *password = g_build_filename (dir, "password", NULL);
  g_autofree char *db = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSubprocess *servers[MAX_INSTANCES] = { NULL };
  GPid pids[MAX_INSTANCES] = { 0 };
  double cpu[MAX_INSTANCES], pg_cpu = 0, own_cpu, load[3];
  g_autoptr(GHashTable) pg_before = NULL;
  g_autoptr(GHashTable) pg_after = NULL;
  static const char *users[][2] = { { "sup", "supervisor" }, { "gps", "tracker" }, { "wall", "admin" } };
  Run run = { 0 };
  Feeder feeder = { 0 };
  GThread *thread;
  gint64 start;
  double wall, elapsed;
  guint64 posted = 0;

  if (config->postgres)
    {
      g_autofree char *name = g_strdup_printf ("bench%u", number);

      db = pg_cluster_create_database (cluster, name, &error);
      if (db == NULL)
        g_error ("createdb: %s", error->message);
    }
  else
    {
      db = g_strdup (sqlite_path);
    }
  g_file_set_contents (password, "bench password\n", -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    bench_add_user (dozorctl, db, password, users[i][0], users[i][1]);

  run.n_instances = config->instances;
  for (guint i = 0; i < run.n_instances; i++)
    {
      const char *const argv[] = { dozord, "--db", db, "--listen", "127.0.0.1:0", NULL };

      servers[i] = bench_start_dozord (argv, &run.urls[i], &pids[i]);
    }
  run.session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256,
                                               "proxy-resolver", direct, NULL);
  run.units = g_ptr_array_new_with_free_func (g_free);
  run.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  run.loop = g_main_loop_new (NULL, FALSE);
  run.supervisor = login (&run, "sup");
  run.tracker = login (&run, "gps");
  run.wall = login (&run, "wall");
  for (guint i = 0; i < n_units; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"Bench-%04u\",\"kind\":\"car\"}", i);
      guint status;
      g_autofree char *answer = post_json (&run, run.urls[i % run.n_instances], "/api/v1/units", run.supervisor,
                                           body, &status);

      if (status != 201)
        g_error ("create unit: %u %s", status, answer);
      g_ptr_array_add (run.units, string_member (answer, "id"));
    }

  run.n_clients = config->clients;
  run.pending_connects = run.n_clients;
  run.clients = g_new0 (Client, run.n_clients);
  for (guint i = 0; i < run.n_clients; i++)
    {
      guint instance = i % run.n_instances;
      /* From the instance's own seq: until the stream crosses instances,
       * one that did not commit the last events does not know them. */
      gint64 since = seq_of (&run, run.urls[instance]);
      g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%" G_GINT64_FORMAT "&batch=1&token=%s",
                                              run.urls[instance], since, run.wall);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

      run.clients[i].run = &run;
      run.clients[i].instance = instance;
      soup_session_websocket_connect_async (run.session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                            connected_cb, &run.clients[i]);
    }
  g_main_loop_run (run.loop);

  feeder.run = &run;
  feeder.per_batch = MAX (1, config->rate / BATCHES_PER_SECOND);
  feeder.batches_left = seconds * BATCHES_PER_SECOND;
  bench_load_average (load);
  for (guint i = 0; i < run.n_instances; i++)
    cpu[i] = bench_cpu_seconds (pids[i]);
  own_cpu = bench_cpu_seconds (0);
  if (config->postgres)
    pg_before = postgres_cpu ();
  start = g_get_monotonic_time ();
  thread = g_thread_new ("feeder", feeder_thread, &feeder);
  g_main_loop_run (run.loop);
  g_thread_join (thread);

  /* The last events to arrive. */
  g_timeout_add (3000, quit_cb, run.loop);
  g_main_loop_run (run.loop);
  wall = (g_get_monotonic_time () - start) / 1e6;
  elapsed = wall - 3.0;
  for (guint i = 0; i < run.n_instances; i++)
    {
      cpu[i] = bench_cpu_seconds (pids[i]) - cpu[i];
      posted += feeder.posted[i];
    }
  if (config->postgres)
    {
      pg_after = postgres_cpu ();
      pg_cpu = postgres_cpu_used (pg_before, pg_after);
    }

  bench_sort_doubles (run.latencies_ms);
  printf ("\n== %u. %s, %u dozord%s, %u positions/s asked, %u stream clients (batch=1), %u units, %u s"
          " (load average %.1f at start)\n",
          number, config->postgres ? "PostgreSQL" : "SQLite", run.n_instances, run.n_instances > 1 ? "s" : "",
          config->rate, run.n_clients, n_units, seconds, load[0]);
  /* Status 0: no answer within libsoup's 60 s; dozord may still have
   * stored the batch, and its clients then get it. */
  printf ("posted:    %" G_GUINT64_FORMAT " positions in %.1f s = %.0f/s, %" G_GUINT64_FORMAT " batches not answered"
          " 202 (last status %u)\n", posted, elapsed, posted / elapsed, feeder.failed, feeder.failed_status);
  for (guint i = 0; i < run.n_instances; i++)
    {
      guint64 least = G_MAXUINT64, most = 0, coalesced = 0, sum = 0;
      guint n = 0, closed = 0;

      for (guint c = 0; c < run.n_clients; c++)
        if (run.clients[c].instance == i)
          {
            least = MIN (least, run.clients[c].positions);
            most = MAX (most, run.clients[c].positions);
            sum += run.clients[c].positions;
            coalesced += run.clients[c].coalesced;
            closed += run.clients[c].closed;
            n++;
          }
      printf ("instance %c: %" G_GUINT64_FORMAT " posted through it; its %u clients each got %" G_GUINT64_FORMAT
              " to %" G_GUINT64_FORMAT " positions (%.0f %% of those posted through it, %.0f %% of all posted),"
              " %" G_GUINT64_FORMAT " coalesced, %u streams closed; dozord %.0f %% of one core\n",
              'A' + i, feeder.posted[i], n, least, most,
              100.0 * most / MAX (feeder.posted[i], 1), 100.0 * most / MAX (posted, 1), coalesced, closed,
              100 * cpu[i] / wall);
      (void) sum;
    }
  printf ("POST → client latency over every client: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms"
          " (%u deliveries)\n",
          bench_percentile (run.latencies_ms, 0.50), bench_percentile (run.latencies_ms, 0.95),
          bench_percentile (run.latencies_ms, 0.99), bench_percentile (run.latencies_ms, 1.0),
          run.latencies_ms->len);
  own_cpu = bench_cpu_seconds (0) - own_cpu;
  printf ("CPU: this bench (feeder and every client) %.0f %% of one core\n", 100 * own_cpu / wall);
  if (config->postgres)
    printf ("PostgreSQL's processes: %.0f %% of one core\n", 100 * pg_cpu / wall);
  if (run.n_instances > 1)
    {
      gboolean crosses = FALSE;

      for (guint c = 0; c < run.n_clients; c++)
        crosses |= run.clients[c].positions > feeder.posted[run.clients[c].instance];
      printf ("the stream %s instances: %s\n", crosses ? "crosses" : "does not cross",
              crosses ? "clients got positions posted through the other instance"
                      : "each client got only what was posted through its own instance");
    }
  fflush (stdout);

  for (guint i = 0; i < run.n_instances; i++)
    {
      g_subprocess_send_signal (servers[i], SIGTERM);
      g_subprocess_wait (servers[i], NULL, NULL);
      g_object_unref (servers[i]);
      g_free (run.urls[i]);
    }
  for (guint c = 0; c < run.n_clients; c++)
    g_clear_object (&run.clients[c].conn);
  g_free (run.clients);
  g_ptr_array_unref (run.units);
  g_array_unref (run.latencies_ms);
  g_main_loop_unref (run.loop);
  g_object_unref (run.session);
  g_free (run.supervisor);
  g_free (run.tracker);
  g_free (run.wall);
  bench_remove_store (dir, sqlite_path, password);
}

/* "1,2" into numbers from 1, or FALSE. */
static gboolean
parse_list (const char *text,
            GArray     *out)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 value;
      guint number;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 1000000, &value, NULL))
        return FALSE;
      number = (guint) value;
      g_array_append_val (out, number);
    }
  return out->len > 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GArray) instances = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) clients = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GError) error = NULL;
  const char *stores = "sqlite,postgresql", *instances_text = "1,2", *rates_text = "2000,10000";
  const char *clients_text = "20,100";
  guint seconds = 10, n_units = 500, number = 0;
  gboolean sqlite = FALSE, postgres = FALSE;
  PgCluster *cluster = NULL;
  double load[3];

  for (int i = 1; i < argc; i++)
    {
      if (g_str_has_prefix (argv[i], "--stores="))
        stores = argv[i] + strlen ("--stores=");
      else if (g_str_has_prefix (argv[i], "--instances="))
        instances_text = argv[i] + strlen ("--instances=");
      else if (g_str_has_prefix (argv[i], "--rates="))
        rates_text = argv[i] + strlen ("--rates=");
      else if (g_str_has_prefix (argv[i], "--clients="))
        clients_text = argv[i] + strlen ("--clients=");
      else if (g_str_has_prefix (argv[i], "--units="))
        n_units = (guint) atoi (argv[i] + strlen ("--units="));
      else
        seconds = (guint) atoi (argv[i]);
    }
  sqlite = strstr (stores, "sqlite") != NULL;
  postgres = strstr (stores, "postgresql") != NULL;
  if (seconds == 0 || n_units == 0 || !(sqlite || postgres) || !parse_list (instances_text, instances) ||
      !parse_list (rates_text, rates) || !parse_list (clients_text, clients))
    {
      g_printerr ("usage: bench-instances [SECONDS] [--stores=sqlite,postgresql] [--instances=1,2]"
                  " [--rates=2000,10000] [--clients=20,100] [--units=N]\n");
      return 2;
    }
  if (g_getenv ("DOZORD") == NULL || g_getenv ("DOZORCTL") == NULL)
    {
      g_printerr ("bench-instances: set DOZORD and DOZORCTL (meson devenv -C build does)\n");
      return 2;
    }
  for (guint i = 0; i < instances->len; i++)
    if (g_array_index (instances, guint, i) > MAX_INSTANCES)
      {
        g_printerr ("bench-instances: at most %d instances\n", MAX_INSTANCES);
        return 2;
      }

  if (postgres)
    {
      /* Durable: fsync on, as a centre runs it. */
      cluster = pg_cluster_start (TRUE, &error);
      if (cluster == NULL)
        {
          g_printerr ("bench-instances: %s\n", error->message);
          return 1;
        }
    }

  bench_load_average (load);
  printf ("bench-instances: dozord %s, %u cores, load average %.1f %.1f %.1f at start\n", g_getenv ("DOZORD"),
          g_get_num_processors (), load[0], load[1], load[2]);
  for (int store = 0; store < 2; store++)
    for (guint i = 0; i < instances->len; i++)
      for (guint r = 0; r < rates->len; r++)
        for (guint c = 0; c < clients->len; c++)
          {
            Config config = { store == 1, g_array_index (instances, guint, i), g_array_index (rates, guint, r),
                              g_array_index (clients, guint, c) };

            if ((store == 0 && !sqlite) || (store == 1 && !postgres))
              continue;
            if (!config.postgres && config.instances > 1)
              {
                if (r == 0 && c == 0)
                    printf ("\n== SQLite, %u dozords: not a configuration (dozord locks its SQLite file)\n",
                          config.instances);
                continue;
              }
            run_config (&config, cluster, seconds, n_units, ++number);
          }

  if (cluster != NULL)
    pg_cluster_stop (cluster);
  bench_load_average (load);
  printf ("\nload average at the end: %.1f %.1f %.1f\n", load[0], load[1], load[2]);
  return 0;
}
