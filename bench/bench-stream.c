/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Backend to board: how fast dozord takes positions in, and how long they take
 * to reach boards on the stream. Starts its own dozord on a fresh database on
 * loopback, registers units, connects CLIENTS stream clients, then posts
 * batches of positions at RATE per second for SECONDS. Each fix carries the
 * wall-clock time it was sent; each client notes when the matching
 * unit.position event arrives, and checks that the seqs it hears follow
 * each other with none missing or repeated. Prints, besides the latency,
 * what was delivered, coalesced and not yet delivered 2 s after the
 * feeding, each client's throughput, and the CPU that dozord (its main
 * loop and its compliance worker apart) and this bench (its clients and
 * its feeder) used. Then it waits, up to 30 s more, until every client
 * has every event the store committed, and says whether any was missing
 * or repeated in the end: "not delivered 2 s after" is lateness, a seq
 * missing once the clients have caught up would be a loss. Prints
 * figures; never fails on time.
 *
 *   DOZORD=… DOZORCTL=… bench-stream [CLIENTS] [RATE] [SECONDS] [UNITS] [--batch]
 *                                   [--slow=N] [--pause=S]
 *   (meson devenv -C build bench/bench-stream sets both)
 *
 * --batch opens the stream with `batch=1` (docs/api.md): several events
 * per frame.
 *
 * --slow=N makes the first N of the CLIENTS fall behind on purpose: they
 * reach dozord through a relay on loopback (with a 64 KiB receive buffer,
 * as over a slow link) that stops moving bytes 2 s into the feeding for S seconds (--pause, 4 by default: well under the
 * 15 s after which dozord closes a client that takes nothing), then lets
 * them read again. dozord then feeds them from the store, where a live
 * client gets each commit as it happens: their catch-up is what the run's
 * CPU per fix includes beyond a run without them.
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

#include "bench-feed.h"
#include "bench-proc.h"
#include "soak-proxy.h"

/* What the run posted, and where the clients are. */
typedef struct
{
  SoupSession *session;
  char *url;
  char *supervisor;
  char *tracker;
  char *wall;
  GPtrArray *units;
  GMainLoop *loop;
  BenchStreams streams;
} Bench;

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Whether every stream client has heard every event up to @seq. */
static gboolean
clients_at (BenchStreams *streams,
            gint64        seq)
{
  for (guint c = 0; c < streams->n_clients; c++)
    if (streams->clients[c].last_seq < seq)
      return FALSE;
  return TRUE;
}

static gboolean
freeze_cb (gpointer user_data)
{
  soak_proxy_set_frozen (user_data, TRUE);
  return G_SOURCE_REMOVE;
}

static gboolean
thaw_cb (gpointer user_data)
{
  soak_proxy_set_frozen (user_data, FALSE);
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
  guint slow = 0, pause = 4;
  g_autoptr(SoakProxy) relay = NULL;
  g_autofree char *relay_url = NULL;
  guint64 slow_coalesced = 0;
  guint clients, rate, seconds, n_units;
  const char *dozord = g_getenv ("DOZORD");
  const char *dozorctl = g_getenv ("DOZORCTL");
  g_autofree char *dir = g_dir_make_tmp ("bench-stream-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "dozord.sqlite", NULL);
  g_autofree char *password = g_build_filename (dir, "password", NULL);
  const char *const server_argv[] = { dozord, "--db", db, "--listen", "127.0.0.1:0", NULL };
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  Bench bench = { 0 };
  BenchFeeder feeder = { 0 };
  GThread *thread;
  static const char *users[][2] = { { "sup", "supervisor" }, { "gps", "tracker" }, { "wall", "admin" } };
  gint64 start;
  double elapsed, wall;
  double server_cpu, server_cpu_start, own_cpu, main_cpu, worker_cpu, load[3];
  gint64 head, drain_start;
  guint64 missing = 0, repeated = 0;
  guint64 least = G_MAXUINT64, most = 0, coalesced = 0, out_of_order = 0, frames = 0, received = 0;
  guint64 posted;
  guint closed = 0;
  GPid pid;
  struct stat info;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--batch"))
        batch = TRUE;
      else if (g_str_has_prefix (argv[i], "--slow="))
        slow = (guint) atoi (argv[i] + strlen ("--slow="));
      else if (g_str_has_prefix (argv[i], "--pause="))
        pause = (guint) atoi (argv[i] + strlen ("--pause="));
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
  if (slow > clients || pause == 0)
    {
      g_printerr ("bench-stream: --slow at most CLIENTS, --pause from 1\n");
      return 2;
    }

  if (dozord == NULL || dozorctl == NULL)
    {
      g_printerr ("bench-stream: set DOZORD and DOZORCTL (meson devenv -C build does)\n");
      return 2;
    }

  g_file_set_contents (password, "bench password\n", -1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    bench_add_user (dozorctl, db, password, users[i][0], users[i][1]);

  server = bench_start_dozord (server_argv, &bench.url, &pid);
  bench.session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                                 "proxy-resolver", direct, NULL);
  bench.units = g_ptr_array_new_with_free_func (g_free);
  bench.loop = g_main_loop_new (NULL, FALSE);
  bench.supervisor = bench_login (bench.session, bench.url, "sup", NULL);
  bench.tracker = bench_login (bench.session, bench.url, "gps", NULL);
  bench.wall = bench_login (bench.session, bench.url, "wall", NULL);

  for (guint i = 0; i < n_units; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"Bench-%04u\",\"kind\":\"car\"}", i);
      g_autofree char *key = g_strdup_printf ("unit-%u", i);
      guint status;
      g_autofree char *answer = bench_post_json (bench.session, bench.url, "/api/v1/units", bench.supervisor, key,
                                                 body, &status);

      if (status != 201)
        g_error ("create unit: %u %s", status, answer);
      g_ptr_array_add (bench.units, bench_string_member (answer, "id"));
    }

  if (slow > 0)
    {
      g_autoptr(GUri) parsed = g_uri_parse (bench.url, G_URI_FLAGS_NONE, NULL);
      g_autoptr(GError) error = NULL;

      relay = soak_proxy_new ((guint16) g_uri_get_port (parsed), &error);
      if (relay == NULL)
        g_error ("relay: %s", error->message);
      /* 64 KiB: past that what the slow clients do not take waits in
       * dozord, which puts them behind. */
      soak_proxy_set_receive_buffer (relay, 64 * 1024);
      relay_url = g_strdup_printf ("http://127.0.0.1:%u", soak_proxy_get_port (relay));
    }

  bench_streams_init (&bench.streams, bench.session, bench.loop, clients, 1024 * 1024);
  for (guint i = 0; i < clients; i++)
    {
      g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%u&token=%s%s", i < slow ? relay_url : bench.url,
                                              n_units, bench.wall,
                                              batch ? "&batch=1" : "");

      bench.streams.clients[i].last_seq = n_units;
      bench_streams_connect (&bench.streams, i, uri);
    }
  g_main_loop_run (bench.loop);

  feeder.urls = &bench.url;
  feeder.n_urls = 1;
  feeder.tracker = bench.tracker;
  feeder.units = bench.units;
  feeder.done = bench.loop;
  feeder.per_batch = MAX (1, rate / BENCH_BATCHES_PER_SECOND);
  feeder.batches_left = seconds * BENCH_BATCHES_PER_SECOND;
  bench_load_average (load);
  start = g_get_monotonic_time ();
  server_cpu = server_cpu_start = bench_cpu_seconds (pid);
  main_cpu = bench_thread_cpu_seconds (pid, "dozord");
  worker_cpu = bench_thread_cpu_seconds (pid, "compliance");
  own_cpu = bench_cpu_seconds (0);
  thread = g_thread_new ("feeder", bench_feeder_thread, &feeder);
  if (relay != NULL)
    {
      g_timeout_add (2000, freeze_cb, relay);
      g_timeout_add (2000 + pause * 1000, thaw_cb, relay);
    }
  g_main_loop_run (bench.loop);
  g_thread_join (thread);
  posted = feeder.posted[0];

  /* Let the last events arrive. */
  g_timeout_add (2000, quit_cb, bench.loop);
  g_main_loop_run (bench.loop);
  wall = (g_get_monotonic_time () - start) / 1e6;
  elapsed = wall - 2.0;
  server_cpu = bench_cpu_seconds (pid) - server_cpu;
  main_cpu = bench_thread_cpu_seconds (pid, "dozord") - main_cpu;
  worker_cpu = bench_thread_cpu_seconds (pid, "compliance") - worker_cpu;
  own_cpu = bench_cpu_seconds (0) - own_cpu;
  for (guint i = 0; i < clients; i++)
    {
      const BenchClient *client = &bench.streams.clients[i];

      least = MIN (least, client->positions);
      most = MAX (most, client->positions);
      received += client->positions;
      coalesced += client->coalesced;
      out_of_order += client->out_of_order;
      frames += client->frames;
      closed += client->closed;
      if (i < slow)
        slow_coalesced += client->coalesced;
    }

  g_array_sort (bench.streams.latencies_ms, compare_doubles);
  printf ("dozord on loopback, %u stream clients%s, %u units, %u positions/s asked for %u s"
          " (load average %.2f at start)\n", clients, batch ? " (batch=1)" : "", n_units, rate, seconds, load[0]);
  /* Status 0 is no answer within libsoup's 60 s: the batch may still
   * have been stored, as the seq in the end tells. */
  if (slow > 0)
    printf ("slow on purpose:         the first %u clients, stopped %u s from 2 s into the feeding "
            "(%" G_GUINT64_FORMAT " of the coalesced theirs)\n", slow, pause, slow_coalesced);
  printf ("positions posted:        %" G_GUINT64_FORMAT " in %.1f s = %.0f/s (%" G_GUINT64_FORMAT " batches without a 202,"
          " the last with status %u)\n", posted, elapsed, posted / elapsed, feeder.failed, feeder.failed_status);
  printf ("positions received:      %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " expected (%u clients × posted), "
          "%" G_GUINT64_FORMAT " coalesced, %" G_GUINT64_FORMAT " not delivered 2 s after\n",
          received, posted * clients, clients, coalesced,
          posted * clients - MIN (posted * clients, received + coalesced));
  printf ("per client:              %.0f to %.0f positions/s (over the %.1f s), %.1f events per frame, "
          "%" G_GUINT64_FORMAT " seqs out of order, %u streams closed\n",
          least / elapsed, most / elapsed, elapsed, (received + coalesced) / (double) MAX (frames, 1),
          out_of_order, closed);
  printf ("ingest → client latency: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
          percentile (bench.streams.latencies_ms, 0.50), percentile (bench.streams.latencies_ms, 0.95),
          percentile (bench.streams.latencies_ms, 0.99), percentile (bench.streams.latencies_ms, 1.0));
  printf ("CPU over the run:        dozord %.0f %% of one core (main loop %.0f %%, compliance worker %.0f %%), "
          "this bench (clients and feeder) %.0f %% (%.1f s with the last 2 s of delivery)\n",
          100 * server_cpu / wall, 100 * main_cpu / wall, 100 * worker_cpu / wall, 100 * own_cpu / wall, wall);

  /* Late is not lost: wait until every client has every event the store
   * committed, then count what it never got. */
  head = bench_health_seq (bench.session, bench.url);
  drain_start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - drain_start < 30 * G_USEC_PER_SEC && !clients_at (&bench.streams, head))
    {
      g_timeout_add (100, quit_cb, bench.loop);
      g_main_loop_run (bench.loop);
    }
  received = coalesced = 0;
  for (guint i = 0; i < clients; i++)
    {
      const BenchClient *client = &bench.streams.clients[i];

      received += client->positions;
      coalesced += client->coalesced;
      repeated += client->out_of_order;
    }
  missing = posted * clients - MIN (posted * clients, received + coalesced);
  printf ("in the end:              %.1f s later %s every event up to seq %" G_GINT64_FORMAT ": %" G_GUINT64_FORMAT
          " positions never delivered, %" G_GUINT64_FORMAT " seqs out of order or repeated\n",
          (g_get_monotonic_time () - drain_start) / 1e6,
          clients_at (&bench.streams, head) ? "every client had" : "(the wait stops at 30 s) not every client had",
          head, missing, repeated);
  /* Under load the delivery outlasts the run: CPU per fix counts it all. */
  server_cpu = bench_cpu_seconds (pid) - server_cpu_start;
  printf ("dozord's CPU per fix:    %.1f µs (%.1f s from the first post to the end of the wait, %" G_GUINT64_FORMAT
          " fixes to %u clients)\n", 1e6 * server_cpu / MAX (posted, 1), server_cpu, posted, clients);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  if (stat (db, &info) == 0)
    printf ("database after the run:  %.1f MiB (plus WAL)\n", info.st_size / 1048576.0);

  /* Tens of MiB a run: leave nothing behind. */
  bench_remove_store (dir, db, password);
  return 0;
}
