/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl report daily|certificate|quarterly: the figures as dozord
 * computes them (docs/api.md, "Reports"), drawn as a PDF or written as a
 * CSV in the user's language, headed with the centre's name and signed by
 * the officer given.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dozor-report-render.h"
#include "dozorctl.h"

/* A shift of the demo is 12 hours. */
#define DEFAULT_WINDOW_HOURS 12

int
dozorctl_report (int    argc,
                 char **argv)
{
  g_autofree char *backend_url = NULL, *credentials = NULL, *from = NULL, *to = NULL, *incident = NULL;
  g_autofree char *format = NULL, *output = NULL, *centre = NULL, *officer = NULL;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a user's name, then password"), N_("FILE") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The period's start, RFC 3339 (daily: default 12 hours ago)"), N_("TIME") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The period's end, RFC 3339 (daily: default now)"), N_("TIME") },
    { "incident", 0, 0, G_OPTION_ARG_STRING, &incident, N_("The incident of a certificate"), N_("ID") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("pdf or csv (default pdf)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write"), N_("PATH") },
    { "centre", 0, 0, G_OPTION_ARG_STRING, &centre, N_("The centre's name, at the head of every page"), N_("NAME") },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, N_("The signing officer's name"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("daily|certificate|quarterly"));
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *path = NULL;
  const char *kind;
  gboolean pdf, ok;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("The daily operational report of a shift, the certificate of working off "
                                           "an incident, or the quarterly statistics, as PDF or CSV."));
  if (!dozorctl_parse_options (context, "report", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  kind = argc == 2 ? argv[1] : "";
  pdf = format == NULL || g_str_equal (format, "pdf");
  if (!(g_str_equal (kind, "daily") || g_str_equal (kind, "certificate") || g_str_equal (kind, "quarterly")) ||
      backend_url == NULL || credentials == NULL || output == NULL || centre == NULL || officer == NULL ||
      !(pdf || g_str_equal (format, "csv")) || (g_str_equal (kind, "certificate") != (incident != NULL)) ||
      (g_str_equal (kind, "quarterly") && (from == NULL || to == NULL)))
    {
      g_printerr (_("Usage: dozorctl report daily|certificate|quarterly --backend URL --credentials FILE "
                    "[--from TIME --to TIME] [--incident ID] [--format pdf|csv] -o PATH --centre NAME "
                    "--officer NAME\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  if (g_str_equal (kind, "certificate"))
    {
      g_autofree char *escaped = g_uri_escape_string (incident, NULL, FALSE);

      path = g_strdup_printf ("/api/v1/reports/incidents/%s/certificate", escaped);
    }
  else
    {
      g_autofree char *query = NULL;

      if (from == NULL)
        from = dozorctl_hours_ago (DEFAULT_WINDOW_HOURS);
      if (to == NULL)
        to = dozorctl_hours_ago (0);
      query = dozorctl_window_query (from, to);
      path = g_strdup_printf ("/api/v1/reports/%s?%s", kind, query);
    }

  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend != NULL)
    answer = dozorctl_backend_get (backend, path, &error);
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_printerr ("dozorctl report: %s\n", error != NULL ? error->message : _("the backend's answer is not an object"));
      return EXIT_FAILURE;
    }

  if (pdf)
    ok = dozor_report_render_pdf (json_node_get_object (answer), centre, officer, output, &error);
  else
    ok = dozor_report_render_csv (json_node_get_object (answer), output, &error);
  if (!ok)
    {
      g_printerr ("dozorctl report: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_print (_("Report written to %s\n"), output);
  return EXIT_SUCCESS;
}
