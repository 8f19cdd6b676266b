/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl roster import|export: the duty roster as CSV (docs/api.md,
 * "Roster CSV"). The backend parses and writes the CSV itself, so a file
 * exported here imports again unchanged, and a bad row is refused by the
 * backend with its line number.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dozorctl.h"

static int
import_file (DozorctlBackend *backend,
             const char      *file)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body_node = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = NULL;
  JsonArray *entries;

  if (!g_file_get_contents (file, &text, NULL, &error))
    {
      g_printerr ("dozorctl roster import: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_printerr (_("dozorctl roster import: %s is not UTF-8 text\n"), file);
      return EXIT_FAILURE;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "csv");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  body = json_to_string (body_node, FALSE);

  answer = dozorctl_backend_post (backend, "/api/v1/roster/import", body, &error);
  if (answer == NULL)
    {
      g_printerr ("dozorctl roster import: %s: %s\n", file, error->message);
      return EXIT_FAILURE;
    }
  entries = json_object_get_array_member (json_node_get_object (answer), "entries");
  g_print (_("Roster entries drawn: %u\n"), entries != NULL ? json_array_get_length (entries) : 0);
  return EXIT_SUCCESS;
}

int
dozorctl_roster (const char  *command,
                 int          argc,
                 char       **argv)
{
  g_autofree char *backend_url = NULL, *credentials = NULL, *from = NULL, *to = NULL;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a user's name, then password"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Export entries ending after this time, RFC 3339"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Export entries beginning before this time, RFC 3339"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  gboolean import = g_str_equal (command, "roster import");
  g_autofree char *path = NULL;
  g_autofree char *csv = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("The duty roster as CSV: import draws every row of a file or none, "
                                           "export prints the entries of a window."));
  if (!dozorctl_parse_options (context, command, &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != (import ? 2 : 1) || backend_url == NULL || credentials == NULL)
    {
      g_printerr (_("Usage: dozorctl roster import FILE.csv --backend URL --credentials FILE\n"
                    "       dozorctl roster export --backend URL --credentials FILE [--from TIME] [--to TIME]\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend == NULL)
    {
      g_printerr ("dozorctl %s: %s\n", command, error->message);
      return EXIT_FAILURE;
    }
  if (import)
    return import_file (backend, argv[1]);

  {
    /* Either bound may be left open. */
    g_autofree char *from_escaped = from != NULL ? g_uri_escape_string (from, NULL, FALSE) : NULL;
    g_autofree char *to_escaped = to != NULL ? g_uri_escape_string (to, NULL, FALSE) : NULL;

    path = g_strdup_printf ("/api/v1/roster/export?%s%s%s%s", from != NULL ? "from=" : "",
                            from != NULL ? from_escaped : "", to != NULL ? "&to=" : "",
                            to != NULL ? to_escaped : "");
  }
  csv = dozorctl_backend_get_text (backend, path, &error);
  if (csv == NULL)
    {
      g_printerr ("dozorctl roster export: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_print ("%s", csv);
  return EXIT_SUCCESS;
}
