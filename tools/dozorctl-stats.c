/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl repeated-calls: the repeated calls of a window (a shift), as
 * the backend counts them (docs/api.md, "Repeated calls"), so that a
 * report and every board agree.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dozorctl.h"

/* A shift of the demo is 12 hours. */
#define DEFAULT_WINDOW_HOURS 12

static char *
hours_ago (int hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, -hours);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

int
dozorctl_repeated_calls (int    argc,
                         char **argv)
{
  g_autofree char *backend_url = NULL, *credentials = NULL, *from = NULL, *to = NULL;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a user's name, then password"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The shift's start, RFC 3339 (default: 12 hours ago)"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The shift's end, RFC 3339 (default: now)"), N_("TIME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *from_escaped = NULL, *to_escaped = NULL, *path = NULL;
  JsonObject *counts;
  JsonArray *by_incident;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Repeated calls of citizens in a shift: how many, to how many incidents, "
                                           "and per incident, most first."));
  if (!dozorctl_parse_options (context, "repeated-calls", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 1 || backend_url == NULL || credentials == NULL)
    {
      g_printerr (_("Usage: dozorctl repeated-calls --backend URL --credentials FILE [--from TIME] [--to TIME]\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  if (from == NULL)
    from = hours_ago (DEFAULT_WINDOW_HOURS);
  if (to == NULL)
    to = hours_ago (0);

  from_escaped = g_uri_escape_string (from, NULL, FALSE);
  to_escaped = g_uri_escape_string (to, NULL, FALSE);
  path = g_strdup_printf ("/api/v1/stats/repeated-calls?from=%s&to=%s", from_escaped, to_escaped);
  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend != NULL)
    answer = dozorctl_backend_get (backend, path, &error);
  if (answer == NULL)
    {
      g_printerr ("dozorctl repeated-calls: %s\n", error->message);
      return EXIT_FAILURE;
    }

  counts = json_node_get_object (answer);
  by_incident = json_object_get_array_member (counts, "by_incident");
  g_print (_("Repeated calls from %s to %s: %u calls to %u incidents\n"), from, to,
           (guint) json_object_get_int_member (counts, "calls"), (guint) json_object_get_int_member (counts, "incidents"));
  for (guint i = 0; by_incident != NULL && i < json_array_get_length (by_incident); i++)
    {
      JsonObject *item = json_array_get_object_element (by_incident, i);

      g_print ("  %s  %-18s %u\n", json_object_get_string_member (item, "number"),
               json_object_get_string_member (item, "type"), (guint) json_object_get_int_member (item, "calls"));
    }
  return EXIT_SUCCESS;
}
