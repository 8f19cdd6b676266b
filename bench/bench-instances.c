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
 * instances delivers all), counted once every client has every position
 * event the store committed (its seq moved by as many) or 30 s after the
 * last batch's answer, with the time that took; latency
 * from POST to client, p50/p95/p99/max;
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

#include "bench-feed.h"
#include "bench-proc.h"
#include "pg-fixture.h"

/* One run's dozords, their users and units, and its stream clients. */
typedef struct
{
  SoupSession *session;
  guint n_instances;
  char *urls[BENCH_MAX_INSTANCES];
  char *supervisor;
  char *tracker;
  char *wall;
  GPtrArray *units;
  GMainLoop *loop;
  BenchStreams streams;
} Run;

/* Commands need an Idempotency-Key (docs/api.md); each request is new. */
static char *
next_key (void)
{
  static guint keys;

  return g_strdup_printf ("bench-%u", ++keys);
}

static char *
post_json (Run        *run,
           const char *url,
           const char *path,
           const char *token,
           const char *body,
           guint      *status)
{
  g_autofree char *key = next_key ();

  return bench_post_json (run->session, url, path, token, key, body, status);
}

static char *
login (Run        *run,
       const char *user)
{
  g_autofree char *key = next_key ();

  return bench_login (run->session, run->urls[0], user, key);
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Whether every stream client still open has taken `all` fixes. A client
 * that was sent coalesced positions never reaches it: the wait then ends
 * at its limit. */
static gboolean
clients_have (BenchStreams *streams,
              guint64       all)
{
  for (guint c = 0; c < streams->n_clients; c++)
    if (!streams->clients[c].closed && streams->clients[c].positions < all)
      return FALSE;
  return TRUE;
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
  GSubprocess *servers[BENCH_MAX_INSTANCES] = { NULL };
  GPid pids[BENCH_MAX_INSTANCES] = { 0 };
  double cpu[BENCH_MAX_INSTANCES], pg_cpu = 0, own_cpu, load[3];
  g_autoptr(GHashTable) pg_before = NULL;
  g_autoptr(GHashTable) pg_after = NULL;
  static const char *users[][2] = { { "sup", "supervisor" }, { "gps", "tracker" }, { "wall", "admin" } };
  Run run = { 0 };
  BenchFeeder feeder = { 0 };
  GThread *thread;
  gint64 start;
  double wall, elapsed, drained;
  gint64 seq0, committed;
  guint64 all;
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
      g_ptr_array_add (run.units, bench_string_member (answer, "id"));
    }

  bench_streams_init (&run.streams, run.session, run.loop, config->clients, 4 * 1024 * 1024);
  for (guint i = 0; i < run.streams.n_clients; i++)
    {
      guint instance = i % run.n_instances;
      /* From the instance's own seq: until the stream crosses instances,
       * one that did not commit the last events does not know them. */
      gint64 since = bench_health_seq (run.session, run.urls[instance]);
      g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%" G_GINT64_FORMAT "&batch=1&token=%s",
                                              run.urls[instance], since, run.wall);

      run.streams.clients[i].instance = instance;
      run.streams.clients[i].last_seq = since;
      bench_streams_connect (&run.streams, i, uri);
    }
  g_main_loop_run (run.loop);

  feeder.urls = run.urls;
  feeder.n_urls = run.n_instances;
  feeder.tracker = run.tracker;
  feeder.units = run.units;
  feeder.done = run.loop;
  feeder.per_batch = MAX (1, config->rate / BENCH_BATCHES_PER_SECOND);
  feeder.batches_left = seconds * BENCH_BATCHES_PER_SECOND;
  bench_load_average (load);
  for (guint i = 0; i < run.n_instances; i++)
    cpu[i] = bench_cpu_seconds (pids[i]);
  own_cpu = bench_cpu_seconds (0);
  if (config->postgres)
    pg_before = postgres_cpu ();
  seq0 = bench_health_seq (run.session, run.urls[0]);
  start = g_get_monotonic_time ();
  thread = g_thread_new ("feeder", bench_feeder_thread, &feeder);
  g_main_loop_run (run.loop);
  g_thread_join (thread);

  elapsed = (g_get_monotonic_time () - start) / 1e6;
  /* The last events to arrive: until every client has every fix posted,
   * or 30 s, so that a client still receiving is not counted short. */
  {
    gint64 drain_start = g_get_monotonic_time ();

    /* What the store made events of: a fix that reaches the store after a
     * newer fix of its unit (two instances committing batches in the
     * other order) is history only, with no event. */
    committed = bench_health_seq (run.session, run.urls[0]) - seq0;
    all = committed;
    while (g_get_monotonic_time () - drain_start < 30 * G_USEC_PER_SEC && !clients_have (&run.streams, all))
      {
        g_timeout_add (100, quit_cb, run.loop);
        g_main_loop_run (run.loop);
      }
    drained = (g_get_monotonic_time () - drain_start) / 1e6;
  }
  wall = (g_get_monotonic_time () - start) / 1e6;
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

  bench_sort_doubles (run.streams.latencies_ms);
  printf ("\n== %u. %s, %u dozord%s, %u positions/s asked, %u stream clients (batch=1), %u units, %u s"
          " (load average %.1f at start)\n",
          number, config->postgres ? "PostgreSQL" : "SQLite", run.n_instances, run.n_instances > 1 ? "s" : "",
          config->rate, run.streams.n_clients, n_units, seconds, load[0]);
  /* Status 0: no answer within libsoup's 60 s; dozord may still have
   * stored the batch, and its clients then get it. */
  printf ("posted:    %" G_GUINT64_FORMAT " positions in %.1f s = %.0f/s, %" G_GUINT64_FORMAT " batches not answered"
          " 202 (last status %u)\n", posted, elapsed, posted / elapsed, feeder.failed, feeder.failed_status);
  printf ("events:    %" G_GINT64_FORMAT " position events committed (%" G_GUINT64_FORMAT " fixes posted arrived"
          " after a newer fix of their unit: history only); %.2f s after the last batch was answered,"
          " every client had %s\n", committed, posted - MIN (posted, (guint64) committed), drained,
          clients_have (&run.streams, all) ? "all of them" : "not all of them (the wait stops at 30 s)");
  for (guint i = 0; i < run.n_instances; i++)
    {
      guint64 least = G_MAXUINT64, most = 0, coalesced = 0, sum = 0;
      guint n = 0, closed = 0;

      for (guint c = 0; c < run.streams.n_clients; c++)
        if (run.streams.clients[c].instance == i)
          {
            least = MIN (least, run.streams.clients[c].positions);
            most = MAX (most, run.streams.clients[c].positions);
            sum += run.streams.clients[c].positions;
            coalesced += run.streams.clients[c].coalesced;
            closed += run.streams.clients[c].closed;
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
          bench_percentile (run.streams.latencies_ms, 0.50), bench_percentile (run.streams.latencies_ms, 0.95),
          bench_percentile (run.streams.latencies_ms, 0.99), bench_percentile (run.streams.latencies_ms, 1.0),
          run.streams.latencies_ms->len);
  own_cpu = bench_cpu_seconds (0) - own_cpu;
  printf ("CPU: this bench (feeder and every client) %.0f %% of one core\n", 100 * own_cpu / wall);
  if (config->postgres)
    printf ("PostgreSQL's processes: %.0f %% of one core\n", 100 * pg_cpu / wall);
  if (run.n_instances > 1)
    {
      gboolean crosses = FALSE;

      for (guint c = 0; c < run.streams.n_clients; c++)
        crosses |= run.streams.clients[c].positions > feeder.posted[run.streams.clients[c].instance];
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
  bench_streams_clear (&run.streams);
  g_ptr_array_unref (run.units);
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
    if (g_array_index (instances, guint, i) > BENCH_MAX_INSTANCES)
      {
        g_printerr ("bench-instances: at most %d instances\n", BENCH_MAX_INSTANCES);
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
