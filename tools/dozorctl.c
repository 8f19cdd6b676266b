/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl: the admin's command line.
 *
 * Users, tokens, backup and restore work on the store's file directly
 * (--db), with no server needed: the first administrator of a new control
 * room is made this way, and a restore must happen while dozord is stopped.
 * Import and export talk to a running backend (--backend), so that every
 * board sees an import at once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dozor-db.h"
#include "dozor-sqlite.h"
#include "dozor-store.h"
#include "dozorctl.h"

static const char usage[] = N_(
  "Usage: dozorctl [--db DATABASE] COMMAND [ARGUMENT…]\n"
  "\n"
  "On the store (--db: a SQLite file, or a PostgreSQL URI or conninfo; default: dozord's file):\n"
  "  user add NAME --role ROLE --password-file FILE   add a user or change one\n"
  "  user list                                       users, roles, open sessions and locks\n"
  "  user remove NAME                                remove a user and end its sessions\n"
  "  user unlock NAME|ADDRESS                        lift a lock after failed logins\n"
  "  token revoke NAME                               end every session of a user now\n"
  "  backup FILE                                     copy the store, also while dozord runs\n"
  "  restore FILE                                    replace the store with a backup (dozord stopped)\n"
  "\n"
  "On a running backend (--backend URL --credentials FILE):\n"
  "  import FILE --kind district|sector|route|poi|camera …   GIS layers in\n"
  "  export zones|routes|places|incidents|tracks|all FILE   GIS layers out\n"
  "  repeated-calls [--from TIME] [--to TIME]   repeated calls in a shift, per incident\n"
  "  report daily|certificate|quarterly -o PATH --centre NAME --officer NAME …   reports as PDF or CSV\n"
  "  crisis-log -o PATH --centre NAME --officer NAME [--raised-at TIME] …   a crisis log as PDF or CSV\n"
  "\n"
  "Roles: wall, operator, supervisor, admin, tracker.\n"
  "“dozorctl COMMAND --help” tells more about each command.\n");

static char *
default_db_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "dozor", "dozord.sqlite", NULL);
}

static DozorStore *
open_store (const char *db_path)
{
  g_autoptr(GError) error = NULL;
  DozorStore *store = dozor_store_open (db_path, &error);

  if (store == NULL)
    g_printerr ("dozorctl: %s\n", error->message);
  return store;
}

/* A subcommand without options still answers --help and refuses stray
 * options. */
static gboolean
parse_plain (const char  *command,
             const char  *parameters,
             const char  *summary,
             int         *argc,
             char      ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);

  g_option_context_set_summary (context, summary);
  return dozorctl_parse_options (context, command, argc, argv);
}

static int
user_add (const char *db_path,
          int         argc,
          char      **argv)
{
  g_autofree char *role = NULL;
  g_autofree char *password_file = NULL;
  GOptionEntry entries[] = {
    { "role", 0, 0, G_OPTION_ARG_STRING, &role, N_("wall, operator, supervisor, admin or tracker"), N_("ROLE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file, N_("File whose first line is the password"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME — add a user or change one"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStore) store = NULL;
  g_autofree char *contents = NULL;
  char *newline;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!dozorctl_parse_options (context, "user add", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;

  if (argc != 2 || role == NULL || password_file == NULL)
    {
      g_printerr (_("Usage: dozorctl user add NAME --role ROLE --password-file FILE\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  if (!dozor_store_role_is_valid (role))
    {
      g_printerr (_("dozorctl: unknown role “%s”\n"), role);
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  if (!g_file_get_contents (password_file, &contents, NULL, &error))
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }
  newline = strpbrk (contents, "\r\n");
  if (newline != NULL)
    *newline = '\0';

  store = open_store (db_path);
  if (store == NULL)
    return EXIT_FAILURE;
  if (!dozor_store_add_user (store, argv[1], role, contents, &error))
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }

  explicit_bzero (contents, strlen (contents));
  dozorctl_audit_note (store, "dozorctl user add", argv[1], role);
  g_print (_("User “%s” saved with the role %s\n"), argv[1], role);
  return EXIT_SUCCESS;
}

/* The locks in force, by user name or address, as
 * dozor_store_list_login_locks() gives them. */
static JsonNode *
list_locks (DozorStore  *store,
            GError     **error)
{
  g_autofree char *json = dozor_store_list_login_locks (store, error);

  return json != NULL ? json_from_string (json, error) : NULL;
}

static const char *
locked_until (JsonArray  *locks,
              const char *kind,
              const char *key)
{
  for (guint i = 0; i < json_array_get_length (locks); i++)
    {
      JsonObject *lock = json_array_get_object_element (locks, i);

      if (g_str_equal (json_object_get_string_member (lock, "kind"), kind) &&
          g_str_equal (json_object_get_string_member (lock, "key"), key))
        return json_object_get_string_member (lock, "locked_until");
    }
  return NULL;
}

static int
user_list (const char *db_path,
           int         argc,
           char      **argv)
{
  g_autoptr(DozorStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) users = NULL;
  g_autoptr(JsonNode) locks = NULL;
  g_autofree char *json = NULL;
  JsonArray *list, *locked;

  if (!parse_plain ("user list", "", _("Users, their roles, how many sessions each has open, and the locks after failed logins"),
                    &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 1)
    {
      g_printerr (_("Usage: dozorctl user list\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  store = open_store (db_path);
  if (store == NULL)
    return EXIT_FAILURE;
  json = dozor_store_list_users (store, &error);
  if (json == NULL || (users = json_from_string (json, &error)) == NULL ||
      (locks = list_locks (store, &error)) == NULL)
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }

  list = json_node_get_array (users);
  locked = json_node_get_array (locks);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *user = json_array_get_object_element (list, i);
      const char *name = json_object_get_string_member (user, "name");
      const char *until = locked_until (locked, "user", name);

      g_print (_("%-24s %-12s since %s, %d sessions open"), name,
               json_object_get_string_member (user, "role"), json_object_get_string_member (user, "created_at"),
               (int) json_object_get_int_member (user, "sessions"));
      if (until != NULL)
        g_print (_(", locked until %s"), until);
      g_print ("\n");
    }

  /* Names nobody has (a guesser's) and addresses, locked too. */
  for (guint i = 0; i < json_array_get_length (locked); i++)
    {
      JsonObject *lock = json_array_get_object_element (locked, i);
      const char *key = json_object_get_string_member (lock, "key");
      const char *until = json_object_get_string_member (lock, "locked_until");

      if (g_str_equal (json_object_get_string_member (lock, "kind"), "address"))
        g_print (_("address %s locked until %s\n"), key, until);
      else if (!json_object_get_boolean_member (lock, "known"))
        g_print (_("unknown user name “%s” locked until %s\n"), key, until);
    }
  return EXIT_SUCCESS;
}

static int
user_unlock (const char *db_path,
             int         argc,
             char      **argv)
{
  g_autoptr(DozorStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int lifted;

  if (!parse_plain ("user unlock", _("NAME|ADDRESS"),
                    _("Lift the lock of a user name or a client address after failed logins, and forget its failures"),
                    &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 2)
    {
      g_printerr (_("Usage: dozorctl user unlock NAME|ADDRESS\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  store = open_store (db_path);
  if (store == NULL)
    return EXIT_FAILURE;
  lifted = dozor_store_unlock_login (store, argv[1], &error);
  if (lifted < 0)
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (lifted > 0)
    dozorctl_audit_note (store, "dozorctl user unlock", argv[1], NULL);
  if (lifted > 0)
    g_print (_("“%s” unlocked\n"), argv[1]);
  else
    g_print (_("“%s” was not locked\n"), argv[1]);
  return EXIT_SUCCESS;
}

/* user remove NAME, token revoke NAME */
static int
end_user (const char *db_path,
          const char *command,
          gboolean    remove,
          int         argc,
          char      **argv)
{
  g_autoptr(DozorStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int revoked = 0;

  if (!parse_plain (command, _("NAME"),
                    remove ? _("Remove a user; every board logged in as that user is logged out")
                           : _("End every session of a user; boards logged in as that user must log in again"),
                    &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 2)
    {
      g_printerr (_("Usage: dozorctl %s NAME\n"), command);
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  store = open_store (db_path);
  if (store == NULL)
    return EXIT_FAILURE;
  if (remove ? !dozor_store_remove_user (store, argv[1], &error)
             : (revoked = dozor_store_revoke_sessions (store, argv[1], &error)) < 0)
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }

  dozorctl_audit_note (store, remove ? "dozorctl user remove" : "dozorctl token revoke", argv[1], NULL);
  if (remove)
    g_print (_("User “%s” removed\n"), argv[1]);
  else
    g_print (_("%d sessions of “%s” ended\n"), revoked, argv[1]);
  return EXIT_SUCCESS;
}

static int
backup (const char *db_path,
        int         argc,
        char      **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *staging = NULL;
  g_autofree char *size = NULL;
  GStatBuf buf;
  int fd;

  if (!parse_plain ("backup", _("FILE"),
                    _("Copy the store to FILE, consistent even while dozord is writing to it"), &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 2)
    {
      g_printerr (_("Usage: dozorctl backup FILE\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  if (g_stat (db_path, &buf) != 0)
    {
      g_printerr (_("dozorctl backup: %s: %s\n"), db_path, g_strerror (errno));
      return EXIT_FAILURE;
    }

  /* The copy is made beside FILE and moved in when it is sound: a backup
   * that fails half way never replaces a good one. */
  absolute = g_canonicalize_filename (argv[1], NULL);
  directory = g_path_get_dirname (absolute);
  staging = g_build_filename (directory, ".dozor-backup-XXXXXX", NULL);
  fd = g_mkstemp_full (staging, O_RDWR, 0600);
  if (fd < 0)
    {
      g_printerr (_("dozorctl backup: %s: %s\n"), directory, g_strerror (errno));
      return EXIT_FAILURE;
    }
  close (fd);

  if (!dozor_sqlite_copy (db_path, staging, &error) || g_rename (staging, absolute) != 0)
    {
      g_printerr (_("dozorctl backup: %s\n"), error != NULL ? error->message : g_strerror (errno));
      g_unlink (staging);
      return EXIT_FAILURE;
    }

  g_stat (absolute, &buf);
  size = g_format_size (buf.st_size);
  g_print (_("Backed up %s to %s (%s)\n"), db_path, absolute, size);
  return EXIT_SUCCESS;
}

/* A backup is a Dozor store: an SQLite file, sound, with the store's tables. */
static gboolean
check_backup (const char  *path,
              GError     **error)
{
  static const char *const tables[] = { "users", "units", "incidents", "dispatches", "events", "zones", "routes" };
  sqlite3 *db = NULL;
  gboolean ok;

  if (!dozor_sqlite_check_file (path, FALSE, error) ||
      !dozor_sqlite_open (path, DOZOR_SQLITE_OPEN_READ_ONLY, 1000, &db, error))
    return FALSE;

  ok = dozor_sqlite_check_integrity (db, error);
  for (guint i = 0; ok && i < G_N_ELEMENTS (tables); i++)
    {
      g_autoptr(sqlite3_stmt) stmt = NULL;

      sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &stmt, NULL);
      sqlite3_bind_text (stmt, 1, tables[i], -1, SQLITE_STATIC);
      if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s is not a Dozor store backup: it has no table “%s”"), path, tables[i]);
          ok = FALSE;
        }
    }

  sqlite3_close (db);
  return ok;
}

static int
restore (const char *db_path,
         int         argc,
         char      **argv)
{
  g_autoptr(GError) error = NULL;
  int lock;

  if (!parse_plain ("restore", _("FILE"),
                    _("Replace the store with the backup FILE. Stop dozord first; boards then take a fresh snapshot "
                      "by themselves."),
                    &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 2)
    {
      g_printerr (_("Usage: dozorctl restore FILE\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  if (!check_backup (argv[1], &error))
    {
      g_printerr (_("dozorctl restore: nothing was changed: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  lock = dozor_sqlite_lock_owner (db_path, &error);
  if (lock < 0)
    {
      g_printerr (_("dozorctl restore: nothing was changed: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  if (!dozor_sqlite_copy (argv[1], db_path, &error))
    {
      g_printerr (_("dozorctl restore: %s\n"), error->message);
      return EXIT_FAILURE;
    }

  g_print (_("Restored %s from %s\n"), db_path, argv[1]);
  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db_path = NULL;
  g_autofree char *command = NULL;
  int first = 1;
  int status;
  const char *locale_dir = g_getenv ("DOZOR_LOCALE_DIR");

  /* As the board: `meson devenv` and the tests point this at the
   * catalogues of the build tree, so reports come out in kk and ru. */
  if (locale_dir == NULL || *locale_dir == '\0')
    locale_dir = LOCALEDIR;
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 2 && g_str_equal (argv[1], "--db"))
    {
      db_path = g_strdup (argv[2]);
      first = 3;
    }
  else
    {
      db_path = default_db_path ();
    }

  if (argc > first && (g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h")))
    {
      g_print ("%s\n%s\n%s\n%s", _(usage), dozorctl_audit_usage (), dozorctl_shiftbook_usage (),
               dozorctl_migrate_store_usage ());
      return EXIT_SUCCESS;
    }
  if (argc <= first)
    {
      g_printerr ("%s", _(usage));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  /* Two-word commands ("user add") become one argv[0] for their options. */
  if ((g_str_equal (argv[first], "user") || g_str_equal (argv[first], "token") || g_str_equal (argv[first], "audit") ||
       g_str_equal (argv[first], "messages") || g_str_equal (argv[first], "orientations") ||
       g_str_equal (argv[first], "handovers") ||
       g_str_equal (argv[first], "roster")) && argc > first + 1)
    {
      command = g_strconcat (argv[first], " ", argv[first + 1], NULL);
      first++;
    }
  else
    {
      command = g_strdup (argv[first]);
    }
  argv[first] = command;

  /* A copy of the file, its restore and its integrity check are SQLite's;
   * a PostgreSQL database has its own tools. The target is not echoed: it
   * may hold a password. */
  if (dozor_db_target_is_postgres (db_path) && (g_str_equal (command, "backup") || g_str_equal (command, "restore")))
    {
      g_printerr ("dozorctl: %s\n",
                  _("backup and restore copy a SQLite file: back up a PostgreSQL store with pg_dump and"
                    " pg_restore, or with PostgreSQL's point-in-time recovery (see docs/postgresql.md)"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  if (g_str_equal (command, "user add"))
    status = user_add (db_path, argc - first, argv + first);
  else if (g_str_equal (command, "user list"))
    status = user_list (db_path, argc - first, argv + first);
  else if (g_str_equal (command, "user unlock"))
    status = user_unlock (db_path, argc - first, argv + first);
  else if (g_str_equal (command, "user remove"))
    status = end_user (db_path, command, TRUE, argc - first, argv + first);
  else if (g_str_equal (command, "token revoke"))
    status = end_user (db_path, command, FALSE, argc - first, argv + first);
  else if (g_str_equal (command, "backup"))
    status = backup (db_path, argc - first, argv + first);
  else if (g_str_equal (command, "restore"))
    status = restore (db_path, argc - first, argv + first);
  else if (g_str_equal (command, "import"))
    status = dozorctl_import (argc - first, argv + first);
  else if (g_str_equal (command, "export"))
    status = dozorctl_export (argc - first, argv + first);
  else if (g_str_equal (command, "messages export") || g_str_equal (command, "orientations export") ||
           g_str_equal (command, "handovers export"))
    status = dozorctl_shiftbook (argc - first, argv + first);
  else if (g_str_equal (command, "repeated-calls"))
    status = dozorctl_repeated_calls (argc - first, argv + first);
  else if (g_str_equal (command, "roster import") || g_str_equal (command, "roster export"))
    status = dozorctl_roster (command, argc - first, argv + first);
  else if (g_str_equal (command, "audit verify") || g_str_equal (command, "audit export"))
    {
      g_autoptr(DozorStore) store = open_store (db_path);

      status = store != NULL ? dozorctl_audit (store, command, argc - first, argv + first) : EXIT_FAILURE;
    }
  else if (g_str_equal (command, "report"))
    status = dozorctl_report (argc - first, argv + first);
  else if (g_str_equal (command, "crisis-log"))
    status = dozorctl_crisis_log (argc - first, argv + first);
  else if (g_str_equal (command, "migrate-store"))
    status = dozorctl_migrate_store (argc - first, argv + first);
  else
    {
      g_printerr (_("dozorctl: no command “%s”\n\n%s"), command, _(usage));
      g_printerr ("\n%s", dozorctl_audit_usage ());
      status = DOZORCTL_EXIT_BAD_USAGE;
    }

  return status;
}
