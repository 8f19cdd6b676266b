/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the benchmarks read of a process from /proc: the CPU it used, so a
 * figure of a shared machine says whose time it is.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "bench-proc.h"

/**
 * bench_cpu_seconds:
 * @pid: a process, or 0 for this one
 *
 * Returns: its user and system CPU time so far, in seconds
 */
double
bench_cpu_seconds (GPid pid)
{
  g_autofree char *path = pid != 0 ? g_strdup_printf ("/proc/%d/stat", (int) pid) : g_strdup ("/proc/self/stat");
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  /* Fields after the command's closing parenthesis: state is the first,
   * utime the 12th and stime the 13th. */
  fields = g_strsplit (after + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

/**
 * bench_thread_cpu_seconds:
 * @pid: a process
 * @name: the start of a thread's name (as `/proc/PID/task/TID/comm` has it,
 *   at most 15 bytes)
 *
 * Returns: the user and system CPU time so far of the process's threads
 *   of that name, in seconds
 */
double
bench_thread_cpu_seconds (GPid        pid,
                          const char *name)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%d/task", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *tid;
  double seconds = 0;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename (tasks, tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename (tasks, tid, "stat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *text = NULL;
      g_auto(GStrv) fields = NULL;
      const char *after;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL) || !g_str_has_prefix (comm, name) ||
          !g_file_get_contents (stat_path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
        continue;
      fields = g_strsplit (after + 2, " ", 16);
      if (g_strv_length (fields) >= 14)
        seconds += (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
    }
  return seconds;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/**
 * bench_sort_doubles:
 * @values: (element-type double): figures, sorted in place, smallest first
 */
void
bench_sort_doubles (GArray *values)
{
  g_array_sort (values, compare_doubles);
}

/**
 * bench_load_average:
 * @load: (out caller-allocates) (array fixed-size=3): the 1, 5 and 15
 *   minute load averages, zeros when unknown
 *
 * Printed with a benchmark's figures: on a shared machine they say how
 * much of it the benchmark had.
 */
void
bench_load_average (double load[3])
{
  g_autofree char *text = NULL;

  load[0] = load[1] = load[2] = 0;
  if (g_file_get_contents ("/proc/loadavg", &text, NULL, NULL) &&
      sscanf (text, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
    load[0] = load[1] = load[2] = 0;
}

/**
 * bench_percentile:
 * @sorted: (element-type double): figures sorted by bench_sort_doubles()
 * @p: 0 for the least, 1 for the most
 *
 * Returns: the figure at @p of the way, NAN if there is none
 */
double
bench_percentile (GArray *sorted,
                  double  p)
{
  if (sorted->len == 0)
    return NAN;
  return g_array_index (sorted, double, MIN (sorted->len - 1, (guint) (p * sorted->len)));
}

/**
 * bench_remove_store:
 * @dir: a benchmark's temporary folder
 * @db: the dozord database in it
 * @password: the password file in it
 *
 * Removes the database with its WAL, shared memory and lock files, the
 * password file and the folder.
 */
void
bench_remove_store (const char *dir,
                    const char *db,
                    const char *password)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_unlink (path);
    }
  g_unlink (password);
  g_rmdir (dir);
}

/**
 * bench_add_user:
 * @dozorctl: the dozorctl binary
 * @db: the database
 * @password: a file holding the password
 * @name: the user
 * @role: its role
 *
 * Adds a user with dozorctl, or ends the benchmark saying why not.
 */
void
bench_add_user (const char *dozorctl,
                const char *db,
                const char *password,
                const char *name,
                const char *role)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, dozorctl,
                                                 "--db", db, "user", "add", name, "--role", role,
                                                 "--password-file", password, NULL);

  if (ctl == NULL || !g_subprocess_wait_check (ctl, NULL, &error))
    g_error ("dozorctl: %s", error->message);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/**
 * bench_start_dozord:
 * @argv: (array zero-terminated=1): dozord and its arguments, listening on
 *   a free port
 * @url: (out) (transfer full): where it listens
 * @pid: (out): its process
 *
 * Starts dozord and waits for its "listening on" line, or ends the
 * benchmark saying why not.
 *
 * Returns: (transfer full): the process
 */
GSubprocess *
bench_start_dozord (const char *const  *argv,
                    char              **url,
                    GPid               *pid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  /* A benchmark stopped by a signal or an assertion leaves no dozord. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (server == NULL)
    g_error ("dozord: %s", error->message);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  if (line == NULL || !g_str_has_prefix (line, "listening on "))
    g_error ("dozord did not start");
  *pid = (GPid) atoi (g_subprocess_get_identifier (server));
  *url = g_strdup (line + strlen ("listening on "));
  return g_steal_pointer (&server);
}

/**
 * bench_fix_time_us:
 * @text: a time as the store writes it (2026-12-05T21:56:29.123456Z)
 *
 * Only the day goes through GDateTime, once per day: a million
 * GDateTimes a second would measure the benchmark rather than dozord.
 *
 * Returns: microseconds since the epoch, or -1
 */
gint64
bench_fix_time_us (const char *text)
{
  static char day[11];
  static gint64 day_start = -1;
  const char *t = text + 11;
  gint64 seconds;

  if (text[10] != 'T' || text[26] != 'Z' || t[2] != ':' || t[5] != ':' || t[8] != '.')
    return -1;
  if (day_start < 0 || memcmp (day, text, 10) != 0)
    {
      g_autofree char *midnight = g_strdup_printf ("%.10sT00:00:00Z", text);
      g_autoptr(GDateTime) parsed = g_date_time_new_from_iso8601 (midnight, NULL);

      if (parsed == NULL)
        return -1;
      memcpy (day, text, 10);
      day_start = g_date_time_to_unix (parsed);
    }
  seconds = day_start + ((t[0] - '0') * 10 + (t[1] - '0')) * 3600 + ((t[3] - '0') * 10 + (t[4] - '0')) * 60 +
            (t[6] - '0') * 10 + (t[7] - '0');
  return seconds * G_USEC_PER_SEC + g_ascii_strtoll (t + 9, NULL, 10);
}
