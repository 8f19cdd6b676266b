/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl messages export, orientations export, handovers export: the
 * duty officer's books out of a running backend (docs/api.md, "Shift
 * handover", "Registers"): the registers as CSV for a spreadsheet, the
 * handovers as text to print or file.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dozor-register-csv.h"
#include "dozorctl.h"

static char *
handovers_text (JsonArray *handovers)
{
  GString *out = g_string_new (NULL);

  /* The answer is newest first; a book reads oldest first. */
  for (guint i = json_array_get_length (handovers); i-- > 0;)
    {
      JsonObject *handover = json_array_get_object_element (handovers, i);
      const char *accepted_by = json_object_get_string_member_with_default (handover, "accepted_by", NULL);

      g_string_append_printf (out, _("Shift handover, %s to %s\n"), json_object_get_string_member (handover, "from"),
                              json_object_get_string_member (handover, "to"));
      g_string_append_printf (out, _("Signed by %s at %s\n"), json_object_get_string_member (handover, "signed_by"),
                              json_object_get_string_member (handover, "signed_at"));
      if (accepted_by != NULL)
        g_string_append_printf (out, _("Accepted by %s at %s\n"), accepted_by,
                                json_object_get_string_member (handover, "accepted_at"));
      else
        g_string_append (out, _("Not accepted yet\n"));
      g_string_append_printf (out, _("Incidents handed over: %u\n\n"),
                              json_array_get_length (json_object_get_array_member (handover, "incident_ids")));
      g_string_append_printf (out, "%s\n\n", json_object_get_string_member (handover, "text"));
    }
  return g_string_free (out, FALSE);
}

/**
 * dozorctl_shiftbook:
 * @argc: the arguments' count, argv[0] the command
 * @argv: the arguments
 *
 * `messages export`, `orientations export` or `handovers export`.
 *
 * Returns: the exit status
 */
int
dozorctl_shiftbook (int    argc,
                    char **argv)
{
  g_autofree char *command = g_strdup (argv[0]);
  g_autofree char *backend_url = NULL, *credentials = NULL, *from = NULL, *to = NULL, *words = NULL, *output = NULL;
  gboolean active = FALSE;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a user's name, then password"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("From this time, RFC 3339 (default: all)"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Before this time, RFC 3339 (default: all)"), N_("TIME") },
    { "search", 0, 0, G_OPTION_ARG_STRING, &words, N_("Only rows holding every one of these words"), N_("WORDS") },
    { "active", 0, 0, G_OPTION_ARG_NONE, &active, N_("Orientations: only those not cancelled"), NULL },
    { "output", 0, 0, G_OPTION_ARG_FILENAME, &output, N_("Write to this file (default: standard output)"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GString) path = g_string_new ("/api/v1/");
  g_autofree char *text = NULL;
  gboolean messages = g_str_equal (command, "messages export");
  gboolean orientations = g_str_equal (command, "orientations export");
  const char *member_name = messages ? "messages" : orientations ? "orientations" : "handovers";
  JsonObject *root;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("The register of messages or of orientations as CSV, or the shift "
                                           "handovers as text, from a running backend."));
  if (!dozorctl_parse_options (context, command, &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 1 || backend_url == NULL || credentials == NULL)
    {
      g_printerr (_("Usage: dozorctl %s --backend URL --credentials FILE [--from TIME] [--to TIME] [--search WORDS] "
                    "[--active] [--output FILE]\n"), command);
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  g_string_append (path, member_name);
  /* The registers answer at most 10,000 rows; handovers at most 1,000. */
  g_string_append (path, messages || orientations ? "?limit=10000" : "?limit=1000");
  if (from != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (from, NULL, FALSE);

      g_string_append_printf (path, "&from=%s", escaped);
    }
  if (to != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (to, NULL, FALSE);

      g_string_append_printf (path, "&to=%s", escaped);
    }
  if (words != NULL && (messages || orientations))
    {
      g_autofree char *escaped = g_uri_escape_string (words, NULL, FALSE);

      g_string_append_printf (path, "&q=%s", escaped);
    }
  if (active && orientations)
    g_string_append (path, "&active=1");

  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend != NULL)
    answer = dozorctl_backend_get (backend, path->str, &error);
  if (answer == NULL)
    {
      g_printerr ("dozorctl %s: %s\n", command, error->message);
      return EXIT_FAILURE;
    }
  root = json_node_get_object (answer);
  if (json_object_get_boolean_member_with_default (root, "truncated", FALSE))
    g_printerr (_("dozorctl %s: more rows matched than one export holds; narrow it with --from and --to\n"), command);

  if (messages)
    text = dozor_register_csv (json_object_get_array_member (root, member_name), dozor_register_csv_message_columns);
  else if (orientations)
    text = dozor_register_csv (json_object_get_array_member (root, member_name),
                               dozor_register_csv_orientation_columns);
  else
    text = handovers_text (json_object_get_array_member (root, member_name));

  if (output == NULL)
    {
      g_print ("%s", text);
      return EXIT_SUCCESS;
    }
  if (!g_file_set_contents (output, text, -1, &error))
    {
      g_printerr ("dozorctl %s: %s\n", command, error->message);
      return EXIT_FAILURE;
    }
  return EXIT_SUCCESS;
}
