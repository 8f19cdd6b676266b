/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A throwaway PostgreSQL cluster for tests and benchmarks.
 *
 * A guardian shell, in a session of its own, runs initdb and postgres in
 * a temporary directory and holds the read end of a pipe whose write end
 * only this process has. When the pipe closes, because the test stopped
 * the cluster, failed an assertion, crashed or was killed by meson's
 * timeout (which signals the test's process group, not the guardian's
 * session), the guardian stops postgres and removes the directory. No
 * port is opened: the server listens on a Unix socket in that directory,
 * which only its owner can enter.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then initdb and
 * postgres run as `nobody` through setpriv, in a directory under /tmp
 * (which nobody can reach) given to nobody. initdb and postgres straight
 * start in about 1 s on a quiet machine of this class, 6 s with a load
 * average of 18; pg_virtualenv took 15 s at the same load
 * (docs/postgresql.md).
 *
 * With PostgreSQL missing, the test fails and says what to install:
 * PostgreSQL is a dependency of the suite, not an option.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pg-fixture.h"

#define DEFAULT_BINDIR "/usr/lib/postgresql/15/bin"
#define START_SECONDS 90

struct _PgCluster
{
  char *dir;
  GPid guardian;
  int pipe_fd;
};

/* $1 directory, $2 PostgreSQL's bin directory, $3 the user to run as or
 * "", $4 "durable" or "". Standard output goes to standard error: a TAP
 * test's standard output is for TAP. */
static const char guardian_script[] =
  "exec 1>&2\n"
  "ulimit -c 0\n"
  "dir=$1 bin=$2 as=$3\n"
  "if [ -n \"$as\" ]; then set -- setpriv --reuid=\"$as\" --regid=\"$(id -gn \"$as\")\" --clear-groups --;"
  " else set --; fi\n"
  "pg=\n"
  /* A job in the background of a shell starts with SIGQUIT ignored, until
   * postgres sets its handler: a stop that comes while it starts must be
   * repeated. Immediate shutdown (SIGQUIT): the data is thrown away. */
  "cleanup() {\n"
  "  if [ -n \"$pg\" ]; then\n"
  "    i=0\n"
  "    while [ -e /proc/$pg ] && ! grep -qs '^State:.*Z' /proc/$pg/status && [ $i -lt 150 ]; do\n"
  "      kill -QUIT \"$pg\" 2>/dev/null; sleep 0.2; i=$((i + 1))\n"
  "    done\n"
  "    kill -KILL \"$pg\" 2>/dev/null; wait \"$pg\" 2>/dev/null\n"
  "  fi\n"
  "  rm -rf \"$dir\"\n"
  "}\n"
  "trap cleanup EXIT\n"
  "trap 'exit 1' TERM INT HUP\n"
  "if ! \"$@\" \"$bin/initdb\" -D \"$dir/data\" -U dozor -A trust -E UTF8 --locale=C --no-sync"
  " --no-instructions >\"$dir/initdb.log\" 2>&1; then\n"
  "  echo 'pg-fixture: initdb failed:'; cat \"$dir/initdb.log\"; exit 1\n"
  "fi\n"
  "fast=\"-c fsync=off -c synchronous_commit=off -c full_page_writes=off\"\n"
  "[ \"$4\" = durable ] && fast=\n"
  "start_pg() {\n"
  "  \"$@\" \"$bin/postgres\" -D \"$dir/data\" -k \"$dir\" -c listen_addresses= -c unix_socket_permissions=0700"
  " -c shared_buffers=32MB -c max_connections=60 -c log_min_messages=fatal $fast"
  " </dev/null >>\"$dir/postgres.log\" 2>&1 &\n"
  "  pg=$!\n"
  "}\n"
  "start_pg \"$@\"\n"
  /* Until the test closes its end of the pipe, or dies; meanwhile it may
   * stop postgres (a fast shutdown, the data kept) and start it again. */
  "while read -r cmd; do\n"
  "  case $cmd in\n"
  "    stop) if [ -n \"$pg\" ]; then kill -INT \"$pg\"; wait \"$pg\"; pg=; fi ;;\n"
  "    start) [ -z \"$pg\" ] && start_pg \"$@\" ;;\n"
  "  esac\n"
  "done\n";

static void
guardian_setup (gpointer data)
{
  /* Out of the test's process group: meson's timeout kills that group. */
  setsid ();
}

static char *
conninfo (PgCluster  *cluster,
          const char *name)
{
  return g_strdup_printf ("host=%s port=5432 user=dozor dbname=%s", cluster->dir, name);
}

/**
 * pg_cluster_uri:
 * @cluster: a running cluster
 * @name: a database
 *
 * Returns: the database as a `postgresql://` URI (the socket directory in
 *   its `host` parameter)
 */
char *
pg_cluster_uri (PgCluster  *cluster,
                const char *name)
{
  g_autofree char *host = g_uri_escape_string (cluster->dir, NULL, FALSE);

  return g_strdup_printf ("postgresql://dozor@/%s?host=%s&port=5432", name, host);
}

static gboolean
guardian_alive (PgCluster *cluster)
{
  return waitpid (cluster->guardian, NULL, WNOHANG) == 0;
}

/**
 * pg_cluster_start:
 * @durable: whether commits are synced to disk (benchmarks); tests run
 *   without fsync
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a running cluster whose `postgres` database
 *   accepts connections, or %NULL with @error set
 */
PgCluster *
pg_cluster_start (gboolean   durable,
                  GError   **error)
{
  const char *bindir = g_getenv ("DOZOR_PG_BINDIR") != NULL ? g_getenv ("DOZOR_PG_BINDIR") : DEFAULT_BINDIR;
  g_autofree char *initdb = g_build_filename (bindir, "initdb", NULL);
  g_autofree char *postgres = g_build_filename (bindir, "postgres", NULL);
  g_autofree char *template = NULL;
  g_autofree char *info = NULL;
  const char *as = "";
  PgCluster *cluster;
  gint64 deadline;

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) || !g_file_test (postgres, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "PostgreSQL 15 is needed by this test and is not installed (%s missing): "
                   "install postgresql-15 (build-aux/setup.sh does), or set DOZOR_PG_BINDIR", initdb);
      return NULL;
    }

  /* nobody must be able to walk to the directory. */
  template = g_build_filename (getuid () == 0 ? "/tmp" : g_get_tmp_dir (), "dozor-pg-XXXXXX", NULL);
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "%s: %s", template, g_strerror (errno));
      return NULL;
    }

  if (getuid () == 0)
    {
      struct passwd *nobody = getpwnam ("nobody");

      if (nobody == NULL || chown (template, nobody->pw_uid, nobody->pw_gid) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "running as root, PostgreSQL must run as \"nobody\": no such user, or %s not given to it",
                       template);
          g_rmdir (template);
          return NULL;
        }
      as = "nobody";
    }

  cluster = g_new0 (PgCluster, 1);
  cluster->dir = g_steal_pointer (&template);
  cluster->pipe_fd = -1;
  {
    const char *argv[] = { "/bin/sh", "-c", guardian_script, "pg-guardian",
                           cluster->dir, bindir, as, durable ? "durable" : "", NULL };

    if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                   guardian_setup, NULL, &cluster->guardian,
                                   &cluster->pipe_fd, NULL, NULL, error))
      {
        g_rmdir (cluster->dir);
        g_free (cluster->dir);
        g_free (cluster);
        return NULL;
      }
  }

  info = conninfo (cluster, "postgres");
  deadline = g_get_monotonic_time () + START_SECONDS * G_USEC_PER_SEC;
  while (PQping (info) != PQPING_OK)
    {
      if (!guardian_alive (cluster) || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log_path = g_build_filename (cluster->dir, "postgres.log", NULL);
          g_autofree char *log = NULL;

          g_file_get_contents (log_path, &log, NULL, NULL);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "PostgreSQL did not start in %s within %d s: %s", cluster->dir, START_SECONDS,
                       log != NULL ? log : "(no log: see initdb's output above)");
          pg_cluster_stop (cluster);
          return NULL;
        }
      g_usleep (G_USEC_PER_SEC / 20);
    }

  return cluster;
}

static gboolean
tell_guardian (PgCluster   *cluster,
               const char  *command,
               GError     **error)
{
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  if (write (cluster->pipe_fd, line, strlen (line)) != (ssize_t) strlen (line))
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "pg-fixture: %s", g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* Until postgres answers pings (@up) or no longer does, within bounds. */
static gboolean
wait_ping (PgCluster  *cluster,
           gboolean    up,
           GError    **error)
{
  g_autofree char *info = conninfo (cluster, "postgres");
  gint64 deadline = g_get_monotonic_time () + START_SECONDS * G_USEC_PER_SEC;

  while ((PQping (info) == PQPING_OK) != up)
    {
      if (!guardian_alive (cluster) || g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "PostgreSQL did not %s within %d s",
                       up ? "start again" : "stop", START_SECONDS);
          return FALSE;
        }
      g_usleep (G_USEC_PER_SEC / 50);
    }
  return TRUE;
}

/**
 * pg_cluster_pause:
 * @cluster: a running cluster
 * @error: return location for a #GError
 *
 * Stops postgres (a fast shutdown: sessions are ended, the data is kept)
 * and returns once it no longer answers; pg_cluster_resume() starts it
 * again on the same directory.
 *
 * Returns: whether it stopped
 */
gboolean
pg_cluster_pause (PgCluster  *cluster,
                  GError    **error)
{
  return tell_guardian (cluster, "stop", error) && wait_ping (cluster, FALSE, error);
}

/**
 * pg_cluster_resume:
 * @cluster: a cluster pg_cluster_pause() stopped
 * @error: return location for a #GError
 *
 * Returns: whether it accepts connections again
 */
gboolean
pg_cluster_resume (PgCluster  *cluster,
                   GError    **error)
{
  return tell_guardian (cluster, "start", error) && wait_ping (cluster, TRUE, error);
}

const char *
pg_cluster_get_dir (PgCluster *cluster)
{
  return cluster->dir;
}

/**
 * pg_cluster_create_database:
 * @cluster: a running cluster
 * @name: a new database's name (letters, digits and `_`)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new database's conninfo, or %NULL
 */
char *
pg_cluster_create_database (PgCluster   *cluster,
                            const char  *name,
                            GError     **error)
{
  g_autofree char *info = conninfo (cluster, "postgres");
  PGconn *conn = PQconnectdb (info);
  char *quoted;
  g_autofree char *sql = NULL;
  PGresult *result;
  gboolean ok;

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", PQerrorMessage (conn));
      PQfinish (conn);
      return NULL;
    }

  quoted = PQescapeIdentifier (conn, name, strlen (name));
  sql = g_strdup_printf ("CREATE DATABASE %s", quoted);
  PQfreemem (quoted);
  result = PQexec (conn, sql);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", PQresultErrorMessage (result));
  PQclear (result);
  PQfinish (conn);

  return ok ? conninfo (cluster, name) : NULL;
}

/**
 * pg_cluster_stop:
 * @cluster: (transfer full): a cluster
 *
 * Stops postgres and removes its directory; waits for that, within bounds.
 */
void
pg_cluster_stop (PgCluster *cluster)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (cluster == NULL)
    return;

  if (cluster->pipe_fd >= 0)
    close (cluster->pipe_fd);
  while (guardian_alive (cluster) && g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 50);
  if (guardian_alive (cluster))
    {
      kill (cluster->guardian, SIGTERM);
      waitpid (cluster->guardian, NULL, 0);
    }
  g_spawn_close_pid (cluster->guardian);
  g_free (cluster->dir);
  g_free (cluster);
}

/**
 * pg_cluster_start_or_bail_out:
 *
 * Starts a test program's cluster (without fsync). A program that has no
 * cluster can run none of its tests: it says so in one line of TAP (the
 * whole message goes to standard error) and exits with status 1.
 *
 * Returns: (transfer full): a running cluster
 */
PgCluster *
pg_cluster_start_or_bail_out (void)
{
  g_autoptr(GError) error = NULL;
  PgCluster *cluster = pg_cluster_start (FALSE, &error);

  if (cluster == NULL)
    {
      g_printerr ("%s\n", error->message);
      printf ("Bail out! %s\n", g_strdelimit (error->message, "\n", ' '));
      exit (1);
    }
  return cluster;
}

/**
 * pg_cluster_new_database:
 * @cluster: a running cluster
 * @prefix: the start of the new database's name; a number, new in this
 *   process, follows it
 * @name: (out) (optional): the new database's name
 *
 * A fresh database for one test: tests of one program never see each
 * other's rows. Asserts that it was made.
 *
 * Returns: (transfer full): the new database's conninfo
 */
char *
pg_cluster_new_database (PgCluster   *cluster,
                         const char  *prefix,
                         char       **name)
{
  static guint made;
  g_autoptr(GError) error = NULL;
  g_autofree char *new_name = g_strdup_printf ("%s%u", prefix, ++made);
  char *info = pg_cluster_create_database (cluster, new_name, &error);

  g_assert_no_error (error);
  if (name != NULL)
    *name = g_steal_pointer (&new_name);
  return info;
}

/**
 * pg_cluster_run_tests:
 * @cluster: (transfer full): the program's cluster
 *
 * Runs the tests added, then stops @cluster.
 *
 * Returns: the status for main() to return
 */
int
pg_cluster_run_tests (PgCluster *cluster)
{
  int status = g_test_run ();

  pg_cluster_stop (cluster);
  return status;
}
