/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Throughput of the event log on PostgreSQL (issue 19, item 2): how many
 * commits and events a second each way of taking the seq allows, with one
 * event per transaction and with batches of 100, for 1 and 4 writers each
 * on its own connection, on a throwaway cluster (tests/pg-fixture.c).
 * Each configuration runs ROUNDS times, the rounds interleaved so that a
 * burst of load elsewhere on the machine falls on every configuration
 * alike; the median and the range are printed. Prints figures; never
 * fails on time. It fails only when the log it wrote is not gapless.
 *
 *   meson devenv -C build bench/bench-pg-log [SECONDS] [--rounds N] [--no-fsync]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-pg-log.h"
#include "dozor-pg-schema.h"
#include "bench-proc.h"
#include "pg-fixture.h"

/* A unit as the stream carries it, about 300 bytes. */
#define UNIT "{\"id\":\"8f0c2a8e-3b1d-4c55-9d2e-6a7b8c9d0e1f\",\"call_sign\":\"Барыс-16\",\"kind\":\"car\"," \
             "\"crew\":[\"Серіков\",\"Ахметов\"],\"status\":\"available\",\"position\":{\"lat\":43.2389498," \
             "\"lon\":76.8897094,\"time\":\"2026-12-06T09:00:00.000000Z\",\"speed\":12.50,\"heading\":271.0," \
             "\"accuracy\":8.0},\"version\":42}"

typedef struct
{
  const char *info;
  DozorPgSeqMethod method;
  guint batch;
  gint *stop;
  guint64 commits;
  char *failure;
} Writer;

static gpointer
write_events (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (writer->info, &error);
  g_autoptr(DozorPgLog) log = NULL;

  if (pg == NULL)
    {
      writer->failure = g_strdup (error->message);
      return NULL;
    }
  log = dozor_pg_log_new (pg);
  dozor_pg_log_set_seq_method (log, writer->method);

  while (!g_atomic_int_get (writer->stop))
    {
      g_autoptr(GPtrArray) committed = NULL;

      if (!dozor_pg_log_begin (log, &error))
        break;
      for (guint i = 0; i < writer->batch; i++)
        dozor_pg_log_append (log, "unit.position", "unit", UNIT);
      committed = dozor_pg_log_commit (log, &error);
      if (committed == NULL)
        break;
      writer->commits++;
    }

  if (error != NULL)
    writer->failure = g_strdup (error->message);
  return NULL;
}

static gboolean
run (PgCluster        *cluster,
     DozorPgSeqMethod  method,
     guint             batch,
     guint             n_writers,
     double            seconds,
     double           *commits_per_second)
{
  static guint databases;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("bench%u", ++databases);
  g_autofree char *info = pg_cluster_create_database (cluster, name, &error);
  g_autoptr(DozorPg) pg = NULL;
  g_autoptr(DozorPgLog) log = NULL;
  g_autofree Writer *writers = g_new0 (Writer, n_writers);
  g_autofree GThread **threads = g_new0 (GThread *, n_writers);
  const DozorPgMigration *migrations;
  guint n_migrations;
  gint stop = 0;
  guint64 commits = 0;
  gint64 start;
  gint64 elapsed;
  gint64 last;
  gint64 rows;
  gboolean ok = TRUE;

  if (info == NULL || (pg = dozor_pg_new (info, &error)) == NULL)
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  migrations = dozor_pg_schema_get_migrations (&n_migrations);
  if (!dozor_pg_migrate (pg, migrations, n_migrations, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < n_writers; i++)
    {
      writers[i] = (Writer) { info, method, batch, &stop, 0, NULL };
      threads[i] = g_thread_new ("writer", write_events, &writers[i]);
    }
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < n_writers; i++)
    {
      g_thread_join (threads[i]);
      commits += writers[i].commits;
      if (writers[i].failure != NULL)
        {
          g_printerr ("writer %u: %s\n", i, writers[i].failure);
          g_free (writers[i].failure);
          ok = FALSE;
        }
    }
  elapsed = g_get_monotonic_time () - start;

  /* The log the writers left: as many rows as the last seq. */
  log = dozor_pg_log_new (pg);
  last = dozor_pg_log_get_seq (log, &error);
  {
    g_autoptr(PGresult) result = dozor_pg_query (pg, "SELECT count(*) FROM events", 0, NULL, &error);

    rows = result != NULL ? g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10) : -1;
  }
  if (last != rows || (guint64) last != commits * batch)
    {
      g_printerr ("not gapless: last seq %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " rows, %" G_GUINT64_FORMAT
                  " events committed\n", last, rows, commits * batch);
      ok = FALSE;
    }

  *commits_per_second = commits / (elapsed / 1e6);
  return ok;
}

/* batch × writers × method */
#define N_CONFIGS 8

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  double seconds = 3;
  gboolean durable = TRUE;
  const guint batches[] = { 1, 100 };
  const guint writers[] = { 1, 4 };
  PgCluster *cluster;
  gboolean ok = TRUE;
  guint rounds = 3;
  g_autofree double *figures = NULL;
  double load[3] = { 0 };

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--no-fsync"))
        durable = FALSE;
      else if (g_str_equal (argv[i], "--rounds") && i + 1 < argc)
        rounds = (guint) atoi (argv[++i]);
      else
        seconds = g_ascii_strtod (argv[i], NULL);
    }
  if (seconds <= 0 || rounds == 0 || rounds > 100)
    {
      g_printerr ("usage: bench-pg-log [SECONDS] [--rounds N] [--no-fsync]\n");
      return 2;
    }

  cluster = pg_cluster_start (durable, &error);
  if (cluster == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  bench_load_average (load);
  printf ("# PostgreSQL 15, %s, %.0f s a run, median of %u rounds, %u CPUs, load average %.2f %.2f %.2f at start\n",
          durable ? "fsync on" : "fsync off", seconds, rounds, g_get_num_processors (), load[0], load[1], load[2]);
  printf ("%-9s %6s %8s %12s %12s %20s\n", "method", "batch", "writers", "commits/s", "events/s", "events/s range");
  fflush (stdout);
  figures = g_new0 (double, N_CONFIGS * rounds);

  for (guint r = 0; r < rounds; r++)
    for (guint c = 0; c < N_CONFIGS; c++)
      ok &= run (cluster, c % 2 == 0 ? DOZOR_PG_SEQ_COUNTER : DOZOR_PG_SEQ_ADVISORY,
                 batches[c / 4], writers[(c / 2) % 2], seconds, &figures[c * rounds + r]);

  for (guint c = 0; c < N_CONFIGS; c++)
    {
      double *f = &figures[c * rounds];
      guint batch = batches[c / 4];

      g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (double));

      g_array_append_vals (sorted, f, rounds);
      bench_sort_doubles (sorted);
      memcpy (f, sorted->data, rounds * sizeof (double));
      printf ("%-9s %6u %8u %12.0f %12.0f %17.0f–%.0f\n", c % 2 == 0 ? "counter" : "advisory",
              batch, writers[(c / 2) % 2], f[rounds / 2], f[rounds / 2] * batch, f[0] * batch, f[rounds - 1] * batch);
    }

  pg_cluster_stop (cluster);
  return ok ? 0 : 1;
}
