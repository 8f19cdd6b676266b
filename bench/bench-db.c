/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Write transactions a second through DozorDb (issue 19,
 * docs/postgresql.md): begin_write, one INSERT of an event, commit, with
 * 1 and 4 writers each on its own connection, on a SQLite file (WAL,
 * synchronous=FULL, as the store opens it) and on a throwaway PostgreSQL
 * (tests/pg-fixture.c, fsync on). On PostgreSQL every write transaction
 * queues on the event counter's row lock, as SQLite's writers queue on
 * the file: this measures what that costs. Each configuration runs ROUNDS
 * times, interleaved; the median and the range are printed. Never fails
 * on time; fails only when a log it wrote is not gapless.
 *
 *   meson devenv -C build bench/bench-db [SECONDS] [--rounds N]
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-db.h"
#include "bench-proc.h"
#include "pg-fixture.h"

typedef struct
{
  const char *target;
  gint *stop;
  guint64 commits;
  char *failure;
} Writer;

static gboolean
write_one (DozorDb      *db,
           DozorDbStmt  *insert,
           GError      **error)
{
  gint64 seq;

  if (!dozor_db_begin_write (db, &seq, error))
    return FALSE;

  dozor_db_reset (insert);
  dozor_db_bind_int64 (insert, 1, seq + 1);
  if (dozor_db_step_full (insert, error) != DOZOR_DB_DONE)
    {
      dozor_db_rollback (db);
      return FALSE;
    }
  dozor_db_reset (insert);
  return dozor_db_commit (db, seq + 1, error);
}

static gpointer
write_events (gpointer data)
{
  Writer *writer = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDb) db = dozor_db_open (writer->target, DOZOR_DB_OPEN_READ_WRITE, &error);
  g_autoptr(DozorDbStmt) insert = NULL;

  if (db == NULL)
    {
      writer->failure = g_strdup (error->message);
      return NULL;
    }
  if (dozor_db_get_kind (db) == DOZOR_DB_SQLITE &&
      !dozor_db_exec (db, "PRAGMA synchronous = FULL", &error))
    {
      writer->failure = g_strdup (error->message);
      return NULL;
    }
  insert = dozor_db_prepare (db, "INSERT INTO events (seq, type, data)"
                                 " VALUES (?1, 'unit.updated', json_object('seq', ?1, 'unit', json('{\"id\":\"u1\"}')))",
                             &error);
  if (insert == NULL)
    {
      writer->failure = g_strdup (error->message);
      return NULL;
    }

  while (!g_atomic_int_get (writer->stop))
    {
      g_clear_error (&error);
      if (write_one (db, insert, &error))
        writer->commits++;
      else if (!g_error_matches (error, DOZOR_DB_ERROR, DOZOR_DB_ERROR_BUSY))
        {
          writer->failure = g_strdup (error->message);
          return NULL;
        }
    }
  return NULL;
}

static gint64
query_int (DozorDb    *db,
           const char *sql)
{
  g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (db, sql, NULL);

  if (stmt == NULL || dozor_db_step (stmt) != DOZOR_DB_ROW)
    return -1;
  return dozor_db_column_int64 (stmt, 0);
}

/* A fresh store of either kind, with its events table. */
static char *
new_target (PgCluster  *cluster,
            gboolean    postgres,
            const char *dir,
            GError    **error)
{
  static guint made;
  g_autofree char *name = g_strdup_printf ("bench%u", ++made);
  g_autoptr(DozorDb) db = NULL;
  char *target;

  if (postgres)
    target = pg_cluster_create_database (cluster, name, error);
  else
    target = g_strdup_printf ("%s/%s.db", dir, name);
  if (target == NULL)
    return NULL;

  db = dozor_db_open (target, DOZOR_DB_OPEN_READ_WRITE, error);
  if (db == NULL ||
      (!postgres && !dozor_db_exec (db, "PRAGMA journal_mode = WAL;"
                                        "CREATE TABLE events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                                        " data TEXT NOT NULL)", error)))
    g_clear_pointer (&target, g_free);
  return target;
}

static gboolean
run (PgCluster  *cluster,
     gboolean    postgres,
     guint       n_writers,
     double      seconds,
     const char *dir,
     double     *per_second)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *target = new_target (cluster, postgres, dir, &error);
  g_autofree Writer *writers = g_new0 (Writer, n_writers);
  g_autofree GThread **threads = g_new0 (GThread *, n_writers);
  g_autoptr(DozorDb) db = NULL;
  gint stop = 0;
  guint64 total = 0;
  gint64 started, count, max;
  gboolean ok = TRUE;

  if (target == NULL)
    {
      g_printerr ("bench-db: %s\n", error->message);
      return FALSE;
    }

  started = g_get_monotonic_time ();
  for (guint i = 0; i < n_writers; i++)
    {
      writers[i] = (Writer) { target, &stop, 0, NULL };
      threads[i] = g_thread_new ("writer", write_events, &writers[i]);
    }
  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < n_writers; i++)
    {
      g_thread_join (threads[i]);
      total += writers[i].commits;
      if (writers[i].failure != NULL)
        {
          g_printerr ("bench-db: writer %u: %s\n", i, writers[i].failure);
          g_free (writers[i].failure);
          ok = FALSE;
        }
    }
  *per_second = total / ((g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  /* Every commit one event, seqs 1…n with no gap. */
  db = dozor_db_open (target, DOZOR_DB_OPEN_READ_WRITE, &error);
  count = db != NULL ? query_int (db, "SELECT count(*) FROM events") : -1;
  max = db != NULL ? query_int (db, "SELECT COALESCE(MAX(seq), 0) FROM events") : -1;
  if (count < 0 || count != max || (guint64) count != total)
    {
      g_printerr ("bench-db: %s, %u writers: %" G_GUINT64_FORMAT " commits, %" G_GINT64_FORMAT
                  " events, highest seq %" G_GINT64_FORMAT "\n",
                  postgres ? "PostgreSQL" : "SQLite", n_writers, total, count, max);
      ok = FALSE;
    }
  return ok;
}

/* backend × writers */
#define N_CONFIGS 4

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  const guint writers[] = { 1, 4 };
  double seconds = 3;
  guint rounds = 3;
  g_autofree double *figures = NULL;
  g_autofree char *dir = NULL;
  PgCluster *cluster;
  gboolean ok = TRUE;
  double load[3] = { 0 };

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--rounds") && i + 1 < argc)
        rounds = (guint) atoi (argv[++i]);
      else
        seconds = g_ascii_strtod (argv[i], NULL);
    }
  if (seconds <= 0 || rounds == 0 || rounds > 100)
    {
      g_printerr ("usage: bench-db [SECONDS] [--rounds N]\n");
      return 2;
    }

  dir = g_dir_make_tmp ("dozor-bench-db-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  cluster = pg_cluster_start (TRUE, &error);
  if (cluster == NULL)
    {
      g_printerr ("%s\n", error->message);
      g_rmdir (dir);
      return 1;
    }

  bench_load_average (load);
  printf ("# begin_write + 1 INSERT + commit, %.0f s a run, median of %u rounds, %u CPUs,"
          " load average %.2f %.2f %.2f at start\n",
          seconds, rounds, g_get_num_processors (), load[0], load[1], load[2]);
  printf ("%-11s %8s %14s %22s\n", "store", "writers", "commits/s", "commits/s range");
  fflush (stdout);
  figures = g_new0 (double, N_CONFIGS * rounds);

  for (guint r = 0; r < rounds; r++)
    for (guint c = 0; c < N_CONFIGS; c++)
      ok &= run (cluster, c / 2 == 1, writers[c % 2], seconds, dir, &figures[c * rounds + r]);

  for (guint c = 0; c < N_CONFIGS; c++)
    {
      double *f = &figures[c * rounds];

      g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (double));

      g_array_append_vals (sorted, f, rounds);
      bench_sort_doubles (sorted);
      memcpy (f, sorted->data, rounds * sizeof (double));
      printf ("%-11s %8u %14.0f %19.0f–%.0f\n", c / 2 == 1 ? "PostgreSQL" : "SQLite", writers[c % 2],
              f[rounds / 2], f[0], f[rounds - 1]);
    }

  pg_cluster_stop (cluster);
  /* The SQLite files, their WAL and shared memory. */
  {
    g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
    const char *name;

    while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
  }
  g_rmdir (dir);
  return ok ? 0 : 1;
}
