/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl crisis-log: the crisis log of a raised episode (issue 15, item
 * 6), read from dozord's journal and folded by the same DozorCrisisLog as
 * the board's Log page, written as a PDF like the shift's reports or as
 * the board's CSV.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "dozor-crisis-log.h"
#include "dozor-report-crisis-log.h"
#include "dozorctl.h"

/* The board offers the episodes of the last week; so does this. */
#define DEFAULT_DAYS 7
#define PAGE 5000
/* A bound on the pages read: 2,000 pages of 5,000 events. */
#define MAX_PAGES 2000

/* The journal from @from on, every page, in seq order. */
static GPtrArray *
read_journal (DozorctlBackend  *backend,
              const char       *from,
              GError          **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *escaped = g_uri_escape_string (from, NULL, FALSE);
  g_autofree char *after = NULL;

  for (guint page = 0; page < MAX_PAGES; page++)
    {
      g_autofree char *path = after != NULL
        ? g_strdup_printf ("/api/v1/journal?from=%s&limit=%d&after=%s", escaped, PAGE, after)
        : g_strdup_printf ("/api/v1/journal?from=%s&limit=%d", escaped, PAGE);
      g_autoptr(JsonNode) answer = dozorctl_backend_get (backend, path, error);
      JsonObject *object = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
      JsonNode *list = object != NULL ? json_object_get_member (object, "events") : NULL;
      JsonNode *next = object != NULL ? json_object_get_member (object, "next") : NULL;

      if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the journal's answer has no events"));
          return NULL;
        }
      for (guint i = 0; i < json_array_get_length (json_node_get_array (list)); i++)
        {
          JsonNode *event = json_array_get_element (json_node_get_array (list), i);

          if (JSON_NODE_HOLDS_OBJECT (event))
            g_ptr_array_add (events, json_node_ref (event));
        }
      if (next == NULL || JSON_NODE_HOLDS_NULL (next))
        return g_steal_pointer (&events);
      g_free (after);
      after = JSON_NODE_HOLDS_VALUE (next) && json_node_get_value_type (next) == G_TYPE_STRING
                ? g_uri_escape_string (json_node_get_string (next), NULL, FALSE)
                : g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (next));
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the journal has more than %d pages"), MAX_PAGES);
  return NULL;
}

int
dozorctl_crisis_log (int    argc,
                     char **argv)
{
  g_autofree char *backend_url = NULL, *credentials = NULL, *raised_at = NULL;
  g_autofree char *format = NULL, *output = NULL, *centre = NULL, *officer = NULL;
  GOptionEntry entries[] = {
    { "backend", 0, 0, G_OPTION_ARG_STRING, &backend_url, N_("The backend, such as http://127.0.0.1:8470"), N_("URL") },
    { "credentials", 0, 0, G_OPTION_ARG_FILENAME, &credentials, N_("Private file: a user's name, then password"), N_("FILE") },
    { "raised-at", 0, 0, G_OPTION_ARG_STRING, &raised_at,
      N_("The episode, by the time its degree was raised, RFC 3339 (default: the latest of the last 7 days)"), N_("TIME") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("pdf or csv (default pdf)"), N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write"), N_("PATH") },
    { "centre", 0, 0, G_OPTION_ARG_STRING, &centre, N_("The centre's name, at the head of every page"), N_("NAME") },
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, N_("The signing officer's name"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorctlBackend) backend = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) episodes = NULL;
  g_autoptr(DozorCrisisLog) log = NULL;
  g_autoptr(GTimeZone) zone = g_time_zone_new_local ();
  g_autoptr(GDateTime) raised = NULL;
  g_autofree char *from = NULL;
  DozorCrisisEpisode *episode = NULL;
  gboolean pdf, ok;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("The crisis log of a raised degree of readiness, read from the backend's "
                                           "journal, as PDF (headed and signed like the reports) or CSV."));
  if (!dozorctl_parse_options (context, "crisis-log", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  pdf = format == NULL || g_str_equal (format, "pdf");
  raised = raised_at != NULL ? g_date_time_new_from_iso8601 (raised_at, NULL) : NULL;
  if (argc != 1 || backend_url == NULL || credentials == NULL || output == NULL ||
      !(pdf || g_str_equal (format, "csv")) || (pdf && (centre == NULL || officer == NULL)) ||
      (raised_at != NULL && raised == NULL))
    {
      g_printerr (_("Usage: dozorctl crisis-log --backend URL --credentials FILE [--raised-at TIME] "
                    "[--format pdf|csv] -o PATH [--centre NAME --officer NAME]\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  /* The journal from the episode's start, or from a week ago. */
  if (raised != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (raised);

      from = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autoptr(GDateTime) week_ago = g_date_time_add_days (now, -DEFAULT_DAYS);

      from = g_date_time_format (week_ago, "%Y-%m-%dT%H:%M:%SZ");
    }

  backend = dozorctl_backend_connect (backend_url, credentials, &error);
  if (backend != NULL)
    events = read_journal (backend, from, &error);
  if (events == NULL)
    {
      g_printerr ("dozorctl crisis-log: %s\n", error->message);
      return EXIT_FAILURE;
    }
  episodes = dozor_crisis_episodes_find (events);
  for (guint i = 0; i < episodes->len; i++)
    {
      DozorCrisisEpisode *candidate = episodes->pdata[i];
      g_autoptr(GDateTime) start = g_date_time_new_from_iso8601 (candidate->raised_at, NULL);

      /* By the moment, not the text: the journal writes microseconds. */
      if (raised == NULL || (start != NULL && g_date_time_compare (start, raised) == 0))
        episode = candidate;
    }
  if (episode == NULL)
    {
      g_printerr ("dozorctl crisis-log: %s\n", raised != NULL ? _("no episode was raised at that time")
                                                              : _("no degree of readiness was raised in the last 7 days"));
      return EXIT_FAILURE;
    }

  log = dozor_crisis_log_new_for_episode (events, episode);
  if (pdf)
    ok = dozor_report_crisis_log_pdf (dozor_crisis_log_get_entries (log), zone, centre, officer, output, &error);
  else
    {
      g_autofree char *csv = dozor_crisis_log_to_csv (dozor_crisis_log_get_entries (log), zone);

      ok = g_file_set_contents (output, csv, -1, &error);
    }
  if (!ok)
    {
      g_printerr ("dozorctl crisis-log: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_print (_("Crisis log of the episode raised at %s written to %s (%u rows)\n"), episode->raised_at, output,
           g_list_model_get_n_items (dozor_crisis_log_get_entries (log)));
  return EXIT_SUCCESS;
}
