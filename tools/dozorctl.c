/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl --db FILE user add NAME --role ROLE --password-file FILE
 *
 * Works on the store directly, with no server: the first administrator of a
 * new control room is made this way.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-store.h"

#define EXIT_BAD_USAGE 2

static const char usage[] =
  "Usage:\n"
  "  dozorctl --db FILE user add NAME --role ROLE --password-file FILE\n"
  "\n"
  "Roles: wall, operator, supervisor, admin, tracker.\n"
  "The password file holds the password on its first line.\n";

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
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("dozorctl user add: %s\n", error->message);
      return EXIT_BAD_USAGE;
    }

  if (argc != 2 || role == NULL || password_file == NULL)
    {
      g_printerr ("%s", usage);
      return EXIT_BAD_USAGE;
    }

  if (!dozor_store_role_is_valid (role))
    {
      g_printerr (_("dozorctl: unknown role “%s”\n"), role);
      return EXIT_BAD_USAGE;
    }

  if (!g_file_get_contents (password_file, &contents, NULL, &error))
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }
  newline = strpbrk (contents, "\r\n");
  if (newline != NULL)
    *newline = '\0';

  store = dozor_store_open (db_path, &error);
  if (store == NULL || !dozor_store_add_user (store, argv[1], role, contents, &error))
    {
      g_printerr ("dozorctl: %s\n", error->message);
      return EXIT_FAILURE;
    }

  explicit_bzero (contents, strlen (contents));
  g_print (_("User “%s” saved with the role %s\n"), argv[1], role);
  return EXIT_SUCCESS;
}

int
main (int   argc,
      char *argv[])
{
  const char *db_path = NULL;
  int first = 1;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc > 2 && g_str_equal (argv[1], "--db"))
    {
      db_path = argv[2];
      first = 3;
    }

  if (argc > first && (g_str_equal (argv[first], "--help") || g_str_equal (argv[first], "-h")))
    {
      g_print ("%s", usage);
      return EXIT_SUCCESS;
    }

  if (db_path == NULL || argc < first + 2 || !g_str_equal (argv[first], "user") ||
      !g_str_equal (argv[first + 1], "add"))
    {
      g_printerr ("%s", usage);
      return EXIT_BAD_USAGE;
    }

  /* argv for the subcommand: its name, then what follows "user add". */
  argv[first + 1] = (char *) "dozorctl user add";
  return user_add (db_path, argc - first - 1, argv + first + 1);
}
