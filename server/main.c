/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord --db FILE --listen ADDR:PORT [--tls-cert FILE --tls-key FILE]
 *        [--retain-events N] [--retain-track HOURS] [--retain-journal-days DAYS]
 *        [--retain-audit-days DAYS]
 *        [--replay-every SECONDS]
 *        [--login-attempts N] [--login-address-attempts N] [--login-lock SECONDS]
 *        [--repeat-radius METRES] [--repeat-window HOURS] [--arrival-limits S,S,S,S]
 *        [--max-connections N] [--max-connections-per-address N]
 *        [--header-timeout SECONDS] [--idle-timeout SECONDS]
 *        [--scenario almaty [--seed N] [--units N] [--incidents-per-hour N] [--speed N]]
 *
 * Prints "listening on http://ADDR:PORT" once it accepts connections; tests
 * and service units wait for that line. SIGTERM and SIGINT stop it between
 * requests: every transaction is either committed or never started.
 */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-checkpointer.h"
#include "dozor-listener.h"
#include "dozor-db.h"
#include "dozor-roster.h"
#include "dozor-scenario.h"
#include "dozor-server.h"
#include "dozor-sqlite.h"
#include "dozor-store.h"
#include "dozor-tls.h"

#define EXIT_BAD_USAGE 2
/* The scenario's largest city: what one dozord was measured to carry (see
 * docs/decisions.md, issue 14). */
#define DOZORD_MAX_UNITS 100000

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
parse_listen (const char  *text,
              GInetAddress **address,
              guint        *port)
{
  const char *colon = text != NULL ? strrchr (text, ':') : NULL;
  g_autofree char *host = NULL;
  guint64 value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &value, NULL))
    return FALSE;

  host = g_strndup (text, colon - text);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      host[strlen (host) - 1] = '\0';
      memmove (host, host + 1, strlen (host));
    }

  *address = g_inet_address_new_from_string (host);
  *port = (guint) value;
  return *address != NULL;
}

static char *
default_db_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "dozord", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, "dozord.sqlite", NULL);
}

/* The data directory: DOZOR_DATA_DIR in a build tree, else where meson
 * installed the data. */
static const char *
data_dir (void)
{
  const char *dir = g_getenv ("DOZOR_DATA_DIR");

  return dir != NULL && *dir != '\0' ? dir : DOZOR_PKGDATADIR;
}

/* The SOP catalogue: the one named, which must be good, or the data
 * directory's. A broken catalogue stops the server, which would otherwise
 * refuse every tick in the middle of a shift; a missing default one only
 * leaves checklists out. */
static gboolean
load_sop (const char         *given,
          DozorSopCatalogue **catalogue)
{
  g_autofree char *path = given != NULL ? g_strdup (given) : g_build_filename (data_dir (), "sop", "catalogue.json", NULL);
  g_autoptr(GError) error = NULL;

  *catalogue = NULL;
  if (given == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_printerr (_("dozord: no SOP catalogue at %s: checklists cannot be ticked\n"), path);
      return TRUE;
    }
  *catalogue = dozor_sop_catalogue_load (path, &error);
  if (*catalogue == NULL)
    {
      g_printerr ("dozord: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/* "S,S,S,S": the arrival limits of priorities 1 to 4; NULL keeps the
 * board's defaults, so that the reports and the wall mark by one rule. */
static gboolean
parse_arrival_limits (const char      *text,
                      DozorEscalation *limits)
{
  g_auto(GStrv) parts = NULL;

  dozor_escalation_init_defaults (limits);
  if (text == NULL)
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) != DOZOR_ESCALATION_PRIORITIES)
    return FALSE;
  for (guint i = 0; i < DOZOR_ESCALATION_PRIORITIES; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 86400, &value, NULL))
        return FALSE;
      limits->wait_limit_s[i] = (gint64) value;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *sop_path = NULL;
  g_autofree char *roads_path = NULL;
  g_autoptr(DozorSopCatalogue) sop = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *scenario_name = NULL;
  gint64 retain = 100000;
  gint retain_track_hours = 24;
  gint roster_no_position = DOZOR_ROSTER_NO_POSITION_S;
  /* The rules keep the shift's documents for a year: a year and a month. */
  gint retain_journal_days = 400;
  gint retain_audit_days = DOZOR_SERVER_DEFAULT_AUDIT_DAYS;
  gint login_attempts = DOZOR_LOGIN_USER_ATTEMPTS;
  gint login_address_attempts = DOZOR_LOGIN_ADDRESS_ATTEMPTS;
  gint login_lock = DOZOR_LOGIN_LOCK_SECONDS;
  double speed = 1;
  gboolean compliance = TRUE;
  gint seed = 1;
  gint n_units = 200;
  double incidents_per_hour = 30;
  gint max_connections = 0;
  gint max_per_address = DOZOR_LISTENER_DEFAULT_PER_ADDRESS;
  gint header_timeout = DOZOR_LISTENER_DEFAULT_HEADER_TIMEOUT;
  gint idle_timeout = DOZOR_LISTENER_DEFAULT_IDLE_TIMEOUT;
  double repeat_radius = 300;
  double repeat_window = 2;
  g_autofree char *arrival_limits = NULL;
  DozorEscalation arrival;
  gint replay_every = DOZOR_REPLAY_DEFAULT_INTERVAL;
  GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db_path, N_("SQLite file, or PostgreSQL URI or conninfo (default: a SQLite file in the XDG data directory)"), N_("DATABASE") },
    { "roads", 0, 0, G_OPTION_ARG_FILENAME, &roads_path, N_("Road network (GeoJSON) that plan proposals are timed on (default: almaty/roads.geojson in the data directory)"), N_("FILE") },
    { "sop", 0, 0, G_OPTION_ARG_FILENAME, &sop_path, N_("SOP catalogue whose steps checklists tick (default: sop/catalogue.json in the data directory)"), N_("FILE") },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port; port 0 picks a free one (default 127.0.0.1:8470)"), N_("ADDR:PORT") },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("PEM certificate: serve HTTPS and WSS"), N_("FILE") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("PEM private key of the certificate"), N_("FILE") },
    { "retain-events", 0, 0, G_OPTION_ARG_INT64, &retain, N_("Events kept for clients that resume (default 100000)"), N_("N") },
    { "retain-track", 0, 0, G_OPTION_ARG_INT, &retain_track_hours, N_("Hours of track history kept; 0 keeps all (default 24)"), N_("HOURS") },
    { "retain-journal-days", 0, 0, G_OPTION_ARG_INT, &retain_journal_days, N_("Days the journal of every event but positions is kept for documents and replay; 0 keeps all (default 400)"), N_("DAYS") },
    { "retain-audit-days", 0, 0, G_OPTION_ARG_INT, &retain_audit_days, N_("Days the audit trail is kept, at least 366 (default 400)"), N_("DAYS") },
    { "login-attempts", 0, 0, G_OPTION_ARG_INT, &login_attempts, N_("Failed logins of one user name that lock it (default 5)"), N_("N") },
    { "login-address-attempts", 0, 0, G_OPTION_ARG_INT, &login_address_attempts, N_("Failed logins from one client address that lock it (default 20)"), N_("N") },
    { "login-lock", 0, 0, G_OPTION_ARG_INT, &login_lock, N_("Seconds a lock after failed logins lasts (default 1800)"), N_("SECONDS") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, N_("Open connections at most (default: what the descriptor limit allows)"), N_("N") },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address, N_("Open connections from one address at most (default 128)"), N_("N") },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout, N_("Seconds a client has to send a request head (default 10)"), N_("SECONDS") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout, N_("Seconds a request has for its body and answer (default 60)"), N_("SECONDS") },
    { "repeat-radius", 0, 0, G_OPTION_ARG_DOUBLE, &repeat_radius, N_("A report this close to an incident may be a repeated call about it (default 300)"), N_("METRES") },
    { "repeat-window", 0, 0, G_OPTION_ARG_DOUBLE, &repeat_window, N_("Hours a closed incident still takes repeated calls (default 2)"), N_("HOURS") },
    { "roster-no-position", 0, 0, G_OPTION_ARG_INT, &roster_no_position, N_("Seconds a unit on the duty roster may go without a fix before it is flagged (default 300)"), N_("SECONDS") },
    { "arrival-limits", 0, 0, G_OPTION_ARG_STRING, &arrival_limits, N_("Seconds the first arrival at an incident of priority 1, 2, 3 and 4 may take before reports count it late (default 600,1200,2400,5400)"), N_("S,S,S,S") },
    { "replay-every", 0, 0, G_OPTION_ARG_INT, &replay_every, N_("Seconds between the states archived for replays (default 3600)"), N_("SECONDS") },
    { "no-compliance", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &compliance, N_("Do not judge patrol routes: no deviations or reporting gaps"), NULL },
    { "scenario", 0, 0, G_OPTION_ARG_STRING, &scenario_name, N_("Run a demo scenario: almaty"), N_("NAME") },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the scenario (default 1)"), N_("N") },
    { "units", 0, 0, G_OPTION_ARG_INT, &n_units, N_("Patrol cars in the scenario (default 200)"), N_("N") },
    { "incidents-per-hour", 0, 0, G_OPTION_ARG_DOUBLE, &incidents_per_hour, N_("Citizens' reports per hour in the scenario (default 30)"), N_("N") },
    { "speed", 0, 0, G_OPTION_ARG_DOUBLE, &speed, N_("Run the scenario N times faster than real time, for load and sizing measurements (default 1)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStore) store = NULL;
  /* After the store: ends before it. */
  g_autoptr(DozorCheckpointer) checkpointer = NULL;
  g_autoptr(DozorServer) server = NULL;
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(DozorScenario) scenario = NULL;
  g_autoptr(DozorListener) listener = NULL;
  g_autofree char *uri = NULL;
  DozorListenerLimits limits;
  guint port = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Every broadcast allocates a frame per stream client (libsoup copies
   * what it is handed) and frees them all once written. glibc gives the
   * top of the heap back to the kernel whenever 128 KiB lie free there,
   * so the heap grew and shrank by megabytes several times a second, each
   * shrink a TLB flush on every CPU: 28 % of dozord's CPU at 10,000
   * positions/s to 100 clients (docs/performance.md). Keep up to 64 MiB.
   * Setting it also fixes glibc's mmap threshold at 128 KiB, which made
   * every larger block of the scenario's start an mmap and munmap (5 s
   * of start became 23 s): fix it where glibc's own adjustment tops out. */
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);

  /* Before anything opens a descriptor or a TLS session. */
  dozor_listener_raise_fd_limit ();
  dozor_tls_set_policy ();

  g_option_context_set_summary (context, _("The Dozor dispatch backend."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("dozord: %s\n", error->message);
      return EXIT_BAD_USAGE;
    }

  if (!parse_listen (listen != NULL ? listen : "127.0.0.1:8470", &address, &port))
    {
      g_printerr (_("dozord: --listen takes ADDRESS:PORT, such as 127.0.0.1:8470, not “%s”\n"), listen);
      return EXIT_BAD_USAGE;
    }

  if (scenario_name != NULL && !g_str_equal (scenario_name, "almaty"))
    {
      g_printerr (_("dozord: the only scenario is “almaty”, not “%s”\n"), scenario_name);
      return EXIT_BAD_USAGE;
    }

  if (n_units < 1 || n_units > DOZORD_MAX_UNITS || seed < 0 || !(incidents_per_hour > 0 && incidents_per_hour <= 100000))
    {
      g_printerr (_("dozord: --units takes 1 to %u, --seed a number from 0 and --incidents-per-hour more than 0\n"),
                  (guint) DOZORD_MAX_UNITS);
      return EXIT_BAD_USAGE;
    }

  if (roster_no_position < 1 || roster_no_position > 86400)
    {
      g_printerr (_("dozord: --roster-no-position takes 1 to 86400 seconds\n"));
      return EXIT_BAD_USAGE;
    }
  if (replay_every < 1 || replay_every > 24 * 3600)
    {
      g_printerr (_("dozord: --replay-every takes 1 to 86400 seconds\n"));
      return EXIT_BAD_USAGE;
    }

  if (retain_track_hours < 0 || !(speed >= 1 && speed <= 1000))
    {
      g_printerr (_("dozord: --retain-track takes hours from 0 and --speed 1 to 1000\n"));
      return EXIT_BAD_USAGE;
    }

  if (retain_journal_days < 0 || retain_journal_days > 36500)
    {
      g_printerr (_("dozord: --retain-journal-days takes days from 0 to 36500\n"));
      return EXIT_BAD_USAGE;
    }

  if (retain_audit_days < DOZOR_SERVER_MIN_AUDIT_DAYS || retain_audit_days > 100 * 366)
    {
      g_printerr (_("dozord: --retain-audit-days takes 366 to 36600 days: the audit trail is kept at least a year\n"));
      return EXIT_BAD_USAGE;
    }

  if (login_attempts < 1 || login_attempts > 1000 || login_address_attempts < 1 ||
      login_address_attempts > 100000 || login_lock < 1 || login_lock > 7 * 24 * 3600)
    {
      g_printerr (_("dozord: --login-attempts takes 1 to 1000, --login-address-attempts 1 to 100000 and --login-lock 1 to 604800 seconds\n"));
      return EXIT_BAD_USAGE;
    }

  if (max_connections < 0 || max_per_address < 1 || header_timeout < 1 || idle_timeout < 1)
    {
      g_printerr (_("dozord: --max-connections takes 0 or more, --max-connections-per-address, "
                    "--header-timeout and --idle-timeout 1 or more\n"));
      return EXIT_BAD_USAGE;
    }

  if (!(repeat_radius >= 10 && repeat_radius <= 5000) || !(repeat_window >= 0 && repeat_window <= 72))
    {
      g_printerr (_("dozord: --repeat-radius takes 10 to 5000 metres and --repeat-window 0 to 72 hours\n"));
      return EXIT_BAD_USAGE;
    }

  if (!parse_arrival_limits (arrival_limits, &arrival))
    {
      g_printerr (_("dozord: --arrival-limits takes four numbers of seconds from 1 to 86400, separated by commas\n"));
      return EXIT_BAD_USAGE;
    }

  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_printerr (_("dozord: --tls-cert and --tls-key go together\n"));
      return EXIT_BAD_USAGE;
    }

  if (tls_cert != NULL)
    {
      certificate = dozor_tls_load (tls_cert, tls_key, &error);
      if (certificate == NULL)
        {
          g_printerr ("dozord: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  if (!load_sop (sop_path, &sop))
    return EXIT_FAILURE;

  if (db_path == NULL)
    db_path = default_db_path ();

  store = dozor_store_open (db_path, &error);
  if (store == NULL)
    {
      g_printerr ("dozord: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* Two servers on one SQLite file would hand out the same seq twice; a
   * restore must not replace the file under a running server. Held until
   * the process ends. On PostgreSQL several dozord share the database:
   * their writes queue on the event counter's row lock instead. */
  if (!dozor_db_target_is_postgres (db_path) && dozor_sqlite_lock_owner (db_path, &error) < 0)
    {
      g_printerr ("dozord: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!dozor_store_set_repeat_rules (store, repeat_radius, repeat_window, &error))
    {
      g_printerr ("dozord: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* Checkpoints off the main loop, which serves everything else; only
   * SQLite has a write-ahead log of its own to checkpoint. */
  if (!dozor_db_target_is_postgres (db_path))
    {
      checkpointer = dozor_checkpointer_new (store, &error);
      if (checkpointer == NULL)
        {
          g_printerr ("dozord: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  server = dozor_server_new (store, retain);
  dozor_server_set_track_retention (server, (guint) retain_track_hours);
  dozor_server_set_journal_retention (server, (guint) retain_journal_days);
  dozor_server_set_audit_retention (server, (guint) retain_audit_days);
  dozor_server_set_compliance (server, compliance);
  dozor_server_set_roster_no_position (server, (guint) roster_no_position);
  dozor_server_set_arrival_limits (server, &arrival);
  dozor_replay_set_schedule (dozor_server_get_replay (server), (guint) replay_every, (guint) retain_journal_days);
  dozor_server_set_sop_catalogue (server, sop);
  if (roads_path == NULL)
    roads_path = g_build_filename (data_dir (), "almaty", "roads.geojson", NULL);
  dozor_server_set_roads (server, roads_path);
  {
    DozorLoginPolicy policy = { (guint) login_attempts, (guint) login_address_attempts, (guint) login_lock };

    dozor_server_set_login_policy (server, &policy);
  }

  if (scenario_name != NULL)
    {
      g_autofree char *city = g_build_filename (data_dir (), "almaty", NULL);

      scenario = dozor_scenario_new (store, server, city, (guint32) seed, (guint) n_units,
                                     incidents_per_hour, &error);
      if (scenario == NULL)
        {
          g_printerr ("dozord: %s\n", error->message);
          return EXIT_FAILURE;
        }
      dozor_scenario_start (scenario, speed);
    }

  limits.max_connections = (guint) max_connections;
  limits.max_per_address = (guint) max_per_address;
  limits.header_timeout = (guint) header_timeout;
  limits.idle_timeout = (guint) idle_timeout;
  listener = dozor_listener_new (dozor_server_get_soup (server), certificate, &limits);
  if (max_connections > 0 && dozor_listener_get_max_connections (listener) < (guint) max_connections)
    g_printerr (_("dozord: --max-connections lowered to %u to stay under the descriptor limit\n"),
                dozor_listener_get_max_connections (listener));

  socket_address = g_inet_socket_address_new (address, port);
  if (!dozor_listener_listen (listener, socket_address, &error))
    {
      g_printerr ("dozord: %s\n", error->message);
      return EXIT_FAILURE;
    }

  uri = dozor_listener_get_uri (listener);
  printf ("listening on %s\n", uri);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  g_clear_object (&scenario);
  g_clear_object (&listener);
  g_clear_object (&server);
  g_clear_object (&store);
  return EXIT_SUCCESS;
}
