/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The reports as documents, from the figures dozord computed (docs/api.md,
 * "Reports"): the daily operational report, the quarterly statistics and
 * the certificate of working off an event, as PDF (DozorReportWriter and
 * the charts) or as CSV. Nothing is counted here: a board and dozorctl
 * print the same numbers because only the server counts.
 *
 * Text is in the process's language (gettext), times in its local time
 * zone; hours of the day are the server's UTC hours turned by the zone's
 * whole-hour offset.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-incident-form.h"
#include "dozor-labels.h"
#include "dozor-report-chart.h"
#include "dozor-report-csv.h"
#include "dozor-report-render.h"
#include "dozor-report-writer.h"

#define DASH "—"

/* A row of cells, ending at the first NULL. */
static GStrv
row_new (const char *first,
         ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  va_list args;

  va_start (args, first);
  for (const char *cell = first; cell != NULL; cell = va_arg (args, const char *))
    g_strv_builder_add (builder, cell);
  va_end (args);
  return g_strv_builder_end (builder);
}

static GPtrArray *
rows_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
}

static const char *
string_or (JsonObject *object,
           const char *name,
           const char *fallback)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : fallback;
}

static gboolean
has_number (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node);
}

static char *
count_text (JsonObject *object,
            const char *name)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member_with_default (object, name, 0));
}

/* A stored UTC time as the reader's local time, to the second. */
static char *
local_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
  g_autoptr(GDateTime) local = time != NULL ? g_date_time_to_local (time) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup (DASH);
}

/* Seconds as "1 min 40 s", or a dash for none. */
static char *
duration_text (JsonObject *object,
               const char *name)
{
  double s;
  guint whole;

  if (!has_number (object, name))
    return g_strdup (DASH);
  s = json_object_get_double_member (object, name);
  whole = (guint) round (s);
  if (whole < 60)
    /* TRANSLATORS: a duration in seconds */
    return g_strdup_printf (_("%u s"), whole);
  /* TRANSLATORS: a duration in minutes and seconds */
  return g_strdup_printf (_("%u min %02u s"), whole / 60, whole % 60);
}

static char *
period_text (JsonObject *figures)
{
  g_autofree char *from = local_time (string_or (figures, "from", NULL));
  g_autofree char *to = local_time (string_or (figures, "to", NULL));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *offset = g_date_time_format (now, "%:z");

  /* TRANSLATORS: the period of a report: its start, its end, the time zone */
  return g_strdup_printf (_("From %s to %s (UTC%s)"), from, to, offset);
}

static const char *
reason_label (const char *reason)
{
  if (g_str_equal (reason, "priority"))
    return _("priority 1");
  if (g_str_equal (reason, "late"))
    return _("late arrival");
  if (g_str_equal (reason, "not_reached"))
    return _("no arrival");
  if (g_str_equal (reason, "repeated_calls"))
    return _("repeated calls");
  return reason;
}

static const char *
step_label (const char *what)
{
  if (g_str_equal (what, "registered"))
    return _("Registered");
  if (g_str_equal (what, "dispatched"))
    return _("Unit dispatched");
  if (g_str_equal (what, "en_route"))
    return _("Unit en route");
  if (g_str_equal (what, "on_scene"))
    return _("First unit on scene");
  if (g_str_equal (what, "dispatch_ended"))
    return _("Dispatch ended");
  if (g_str_equal (what, "check"))
    return _("Checklist step");
  if (g_str_equal (what, "call"))
    return _("Repeated call");
  if (g_str_equal (what, "closed"))
    return _("Closed");
  return what;
}

/* A state the server names by a code, in words. */
static const char *
outcome_label (const char *code)
{
  if (g_str_equal (code, "done"))
    return _("ticked");
  if (g_str_equal (code, "undone"))
    return _("tick taken back");
  if (g_str_equal (code, "completed"))
    return _("completed");
  if (g_str_equal (code, "cancelled"))
    return _("cancelled");
  if (g_str_equal (code, "active"))
    return _("active");
  return code;
}

/* A step's detail: a check's "procedure/step done" and an ended
 * dispatch's "call sign completed" end with a code, put in words. */
static char *
detail_text (const char *what,
             const char *detail)
{
  const char *space = detail != NULL ? strrchr (detail, ' ') : NULL;
  g_autofree char *head = NULL;

  if (space == NULL || !(g_str_equal (what, "check") || g_str_equal (what, "dispatch_ended")))
    return g_strdup (detail != NULL ? detail : "");
  head = g_strndup (detail, space - detail);
  return g_strdup_printf ("%s: %s", head, outcome_label (space + 1));
}

/* --- The figures of a window ---------------------------------------------- */

/* The summary: one row per figure, as both the PDF and the CSV give it. */
static GPtrArray *
summary_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonObject *response = json_object_get_object_member (figures, "response");
  JsonObject *dispatch = json_object_get_object_member (figures, "dispatch");
  JsonObject *calls = json_object_get_object_member (figures, "repeated_calls");
  JsonObject *deviations = json_object_get_object_member (figures, "deviations");
  JsonObject *gaps = json_object_get_object_member (figures, "reporting_gaps");
  JsonObject *roster = json_object_get_object_member (figures, "roster");
  JsonArray *limits = json_object_get_array_member (figures, "limits_s");
  g_autofree char *incidents = count_text (figures, "incidents");
  g_autofree char *closed = count_text (figures, "closed");
  g_autofree char *open = count_text (figures, "open");
  g_autofree char *arrivals = count_text (response, "count");
  g_autofree char *mean = duration_text (response, "mean_s");
  g_autofree char *p50 = duration_text (response, "p50_s");
  g_autofree char *p90 = duration_text (response, "p90_s");
  g_autofree char *p95 = duration_text (response, "p95_s");
  g_autofree char *worst = duration_text (response, "max_s");
  g_autofree char *dispatch_p50 = duration_text (dispatch, "p50_s");
  g_autofree char *dispatch_p90 = duration_text (dispatch, "p90_s");
  g_autofree char *late = count_text (figures, "late_arrivals");
  g_autofree char *not_reached = count_text (figures, "not_reached");
  g_autofree char *limits_text = NULL;
  g_autofree char *calls_text = NULL;
  g_autofree char *deviations_text = NULL;
  g_autofree char *gaps_text = NULL;

  if (limits != NULL && json_array_get_length (limits) == 4)
    /* TRANSLATORS: the arrival limits of priorities 1 to 4, in minutes */
    limits_text = g_strdup_printf (_("Late arrival: first unit on scene later than %g, %g, %g and %g min for priorities 1 to 4"),
                                   json_array_get_int_element (limits, 0) / 60.0,
                                   json_array_get_int_element (limits, 1) / 60.0,
                                   json_array_get_int_element (limits, 2) / 60.0,
                                   json_array_get_int_element (limits, 3) / 60.0);
  {
    /* Each number with its noun's plural (Russian has three forms). */
    guint n_calls = json_object_get_int_member (calls, "calls");
    guint n_about = json_object_get_int_member (calls, "incidents");
    g_autofree char *calls_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u call", "%u calls", n_calls),
                                                   n_calls);
    g_autofree char *about_part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "about %u incident",
                                                                "about %u incidents", n_about), n_about);

    /* TRANSLATORS: repeated calls ("3 calls"), then the incidents they were
     * about ("about 2 incidents"); write %2$s %1$s for the other order */
    calls_text = g_strdup_printf (C_("repeated calls", "%1$s %2$s"), calls_part, about_part);
  }
  /* TRANSLATORS: how many deviations from routes, and their time in minutes */
  deviations_text = g_strdup_printf (_("%u, %.0f min in all"), (guint) json_object_get_int_member (deviations, "count"),
                                     json_object_get_double_member (deviations, "duration_s") / 60);
  gaps_text = g_strdup_printf (_("%u, %.0f min in all"), (guint) json_object_get_int_member (gaps, "count"),
                               json_object_get_double_member (gaps, "duration_s") / 60);

  g_ptr_array_add (rows, row_new (_("Incidents registered"), incidents, NULL));
  g_ptr_array_add (rows, row_new (_("Closed"), closed, NULL));
  g_ptr_array_add (rows, row_new (_("Still open at the end"), open, NULL));
  g_ptr_array_add (rows, row_new (_("Incidents reached by a unit"), arrivals, NULL));
  g_ptr_array_add (rows, row_new (_("Response time, mean"), mean, NULL));
  g_ptr_array_add (rows, row_new (_("Response time, median (P50)"), p50, NULL));
  g_ptr_array_add (rows, row_new (_("Response time, P90"), p90, NULL));
  g_ptr_array_add (rows, row_new (_("Response time, P95"), p95, NULL));
  g_ptr_array_add (rows, row_new (_("Response time, longest"), worst, NULL));
  g_ptr_array_add (rows, row_new (_("Time to dispatch, median / P90"), dispatch_p50, dispatch_p90, NULL));
  g_ptr_array_add (rows, row_new (_("Late arrivals"), late, NULL));
  g_ptr_array_add (rows, row_new (_("Incidents no unit reached"), not_reached, NULL));
  g_ptr_array_add (rows, row_new (_("Repeated calls"), calls_text, NULL));
  g_ptr_array_add (rows, row_new (_("Deviations from patrol routes"), deviations_text, NULL));
  g_ptr_array_add (rows, row_new (_("Reporting gaps of trackers"), gaps_text, NULL));
  if (roster != NULL && json_object_has_member (roster, "entries"))
    {
      g_autofree char *roster_late = count_text (roster, "drawn_late");
      g_autofree char *roster_entries = count_text (roster, "entries");
      gint64 n_entries = json_object_get_int_member (roster, "entries");
      /* TRANSLATORS: roster entries drawn late, of all the entries whose
       * shift began in the period; the plural follows the second number */
      g_autofree char *roster_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s of %s entry", "%s of %s entries",
                                                                   (gulong) CLAMP (n_entries, 0, G_MAXLONG)),
                                                      roster_late, roster_entries);

      g_ptr_array_add (rows, row_new (_("Duty roster drawn late"), roster_text, NULL));
    }
  else
    {
      /* A server from before the roster gives no such figure. */
      g_ptr_array_add (rows, row_new (_("Duty roster drawn late"),
                                      _("No data: the server gave no duty roster figures"), NULL));
    }
  if (limits_text != NULL)
    g_ptr_array_add (rows, row_new (_("Criterion"), limits_text, NULL));

  /* Two columns in all: a figure with two values joins them. */
  for (guint i = 0; i < rows->len; i++)
    {
      GStrv row = g_ptr_array_index (rows, i);

      if (g_strv_length (row) == 3)
        {
          char *joined = g_strdup_printf ("%s / %s", row[1], row[2]);

          g_free (row[1]);
          g_clear_pointer (&row[2], g_free);
          row[1] = joined;
        }
    }
  return rows;
}

/* Hours of the day in local time: the UTC list turned by the zone's
 * whole-hour offset at the window's start. */
static void
local_hours (JsonObject *figures,
             double     *values,
             int        *offset_h)
{
  JsonArray *by_hour = json_object_get_array_member (figures, "by_hour");
  g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (string_or (figures, "from", ""), NULL);
  g_autoptr(GDateTime) local = from != NULL ? g_date_time_to_local (from) : NULL;
  GTimeSpan offset = local != NULL ? g_date_time_get_utc_offset (local) : 0;

  *offset_h = offset % G_TIME_SPAN_HOUR == 0 ? (int) (offset / G_TIME_SPAN_HOUR) : 0;
  for (int h = 0; h < 24; h++)
    values[((h + *offset_h) % 24 + 24) % 24] = by_hour != NULL && json_array_get_length (by_hour) == 24
                                                 ? json_array_get_int_element (by_hour, h) : 0;
}

typedef struct
{
  JsonObject *figures;
} Chart;

static void
draw_histogram (cairo_t *cr,
                double   x,
                double   y,
                double   width,
                double   height,
                gpointer data)
{
  JsonObject *response = json_object_get_object_member (((Chart *) data)->figures, "response");
  JsonObject *histogram = json_object_get_object_member (response, "histogram");
  JsonArray *counts = json_object_get_array_member (histogram, "counts");
  guint n = json_array_get_length (counts) + 1;
  double bin_min = json_object_get_int_member (histogram, "bin_s") / 60.0;
  g_autofree double *values = g_new0 (double, n);
  g_auto(GStrv) labels = g_new0 (char *, n + 1);
  static const char *names[] = { "p50_s", "p90_s", "p95_s" };
  static const char *marks[] = { "P50", "P90", "P95" };
  double markers[3];
  char *marker_labels[3] = { NULL, };
  guint n_markers = 0;
  DozorReportBars bars = { 0, };

  for (guint i = 0; i + 1 < n; i++)
    {
      values[i] = json_array_get_int_element (counts, i);
      labels[i] = g_strdup_printf ("%g", i * bin_min);
    }
  values[n - 1] = json_object_get_int_member (histogram, "over");
  labels[n - 1] = g_strdup_printf ("≥%g", (n - 1) * bin_min);
  for (guint m = 0; m < G_N_ELEMENTS (names); m++)
    if (has_number (response, names[m]))
      {
        double s = json_object_get_double_member (response, names[m]);
        g_autofree char *duration = duration_text (response, names[m]);

        markers[n_markers] = MIN (s / 60.0 / bin_min, n - 1);
        marker_labels[n_markers] = g_strdup_printf ("%s %s", marks[m], duration);
        n_markers++;
      }

  bars.title = _("Response-time distribution");
  bars.value_label = _("Incidents");
  bars.category_label = _("Time from registration to the first unit on scene, min");
  bars.n = n;
  bars.labels = (const char *const *) labels;
  bars.values = values;
  bars.label_every = 5;
  bars.n_markers = n_markers;
  bars.markers = markers;
  bars.marker_labels = (const char *const *) marker_labels;
  dozor_report_chart_bars (cr, x, y, width, height, &bars);
  for (guint m = 0; m < n_markers; m++)
    g_free (marker_labels[m]);
}

static void
draw_hours (cairo_t *cr,
            double   x,
            double   y,
            double   width,
            double   height,
            gpointer data)
{
  double values[24];
  g_auto(GStrv) labels = g_new0 (char *, 25);
  g_autofree char *axis = NULL;
  DozorReportBars bars = { 0, };
  int offset_h;

  local_hours (((Chart *) data)->figures, values, &offset_h);
  for (guint h = 0; h < 24; h++)
    labels[h] = g_strdup_printf ("%02u", h);
  /* TRANSLATORS: the axis of hours; %+d is the zone's offset from UTC */
  axis = g_strdup_printf (_("Hour of registration, local time (UTC%+d), h"), offset_h);
  bars.title = _("Incidents by hour of the day");
  bars.value_label = _("Incidents");
  bars.category_label = axis;
  bars.n = 24;
  bars.labels = (const char *const *) labels;
  bars.values = values;
  bars.label_every = 2;
  dozor_report_chart_bars (cr, x, y, width, height, &bars);
}

static void
draw_types (cairo_t *cr,
            double   x,
            double   y,
            double   width,
            double   height,
            gpointer data)
{
  JsonArray *by_type = json_object_get_array_member (((Chart *) data)->figures, "by_type");
  guint n = json_array_get_length (by_type);
  g_autofree double *values = g_new0 (double, MAX (n, 1));
  g_autofree const char **labels = g_new0 (const char *, MAX (n, 1) + 1);
  DozorReportBars bars = { 0, };

  for (guint i = 0; i < n; i++)
    {
      JsonObject *item = json_array_get_object_element (by_type, i);

      values[i] = json_object_get_int_member (item, "count");
      labels[i] = dozor_incident_type_label (json_object_get_string_member (item, "type"));
    }
  bars.title = _("Incidents by type");
  bars.value_label = _("Incidents");
  bars.n = n;
  bars.labels = labels;
  bars.values = values;
  bars.label_every = 1;
  bars.horizontal = TRUE;
  dozor_report_chart_bars (cr, x, y, width, height, &bars);
}

static void
draw_map (cairo_t *cr,
          double   x,
          double   y,
          double   width,
          double   height,
          gpointer data)
{
  JsonObject *figures = ((Chart *) data)->figures;
  DozorReportMap map = {
    _("Incidents on the map of the districts"),
    json_object_get_array_member (figures, "districts"),
    json_object_get_array_member (figures, "points"),
  };

  dozor_report_chart_map (cr, x, y, width, height, &map);
}

static GPtrArray *
district_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonArray *by_district = json_object_get_array_member (figures, "by_district");
  g_autofree char *outside = count_text (figures, "outside_districts");

  for (guint i = 0; i < json_array_get_length (by_district); i++)
    {
      JsonObject *item = json_array_get_object_element (by_district, i);
      g_autofree char *count = count_text (item, "count");

      g_ptr_array_add (rows, row_new (string_or (item, "name", ""), count, NULL));
    }
  g_ptr_array_add (rows, row_new (_("Outside every district"), outside, NULL));
  return rows;
}

static GPtrArray *
type_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonArray *by_type = json_object_get_array_member (figures, "by_type");

  for (guint i = 0; i < json_array_get_length (by_type); i++)
    {
      JsonObject *item = json_array_get_object_element (by_type, i);
      g_autofree char *count = count_text (item, "count");

      g_ptr_array_add (rows, row_new (dozor_incident_type_label (string_or (item, "type", "")), count, NULL));
    }
  return rows;
}

static GPtrArray *
notable_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonArray *notable = json_object_get_array_member (figures, "notable");

  for (guint i = 0; notable != NULL && i < json_array_get_length (notable); i++)
    {
      JsonObject *item = json_array_get_object_element (notable, i);
      JsonArray *reasons = json_object_get_array_member (item, "reasons");
      g_autofree char *time = local_time (string_or (item, "created_at", NULL));
      g_autofree char *response = duration_text (item, "response_s");
      g_autofree char *priority = count_text (item, "priority");
      g_autoptr(GString) why = g_string_new (NULL);

      for (guint r = 0; r < json_array_get_length (reasons); r++)
        g_string_append_printf (why, "%s%s", r > 0 ? ", " : "", reason_label (json_array_get_string_element (reasons, r)));
      g_ptr_array_add (rows, row_new (string_or (item, "number", ""), time,
                                      dozor_incident_type_label (string_or (item, "type", "")), priority, response,
                                      why->str, NULL));
    }
  return rows;
}

static GPtrArray *
readiness_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonArray *readiness = json_object_get_array_member (figures, "readiness");

  for (guint i = 0; readiness != NULL && i < json_array_get_length (readiness); i++)
    {
      JsonObject *item = json_array_get_object_element (readiness, i);
      g_autofree char *time = local_time (string_or (item, "time", NULL));

      g_ptr_array_add (rows, row_new (time, dozor_readiness_label (string_or (item, "level", "normal")),
                                      string_or (item, "reason", ""), string_or (item, "set_by", ""), NULL));
    }
  return rows;
}

static GPtrArray *
plan_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonArray *plans = json_object_get_array_member (figures, "plans");

  for (guint i = 0; plans != NULL && i < json_array_get_length (plans); i++)
    {
      JsonObject *item = json_array_get_object_element (plans, i);
      g_autofree char *time = local_time (string_or (item, "time", NULL));
      gboolean activated = g_str_equal (string_or (item, "event", ""), "activated");

      g_ptr_array_add (rows, row_new (time, string_or (item, "name", ""), activated ? _("activated") : _("closed"),
                                      string_or (item, "by", ""), NULL));
    }
  return rows;
}

static void
table_or_none (DozorReportWriter *writer,
               const char *const *headers,
               const double      *widths,
               GPtrArray         *rows)
{
  if (rows->len == 0)
    dozor_report_writer_paragraph (writer, _("None in this period."));
  else
    dozor_report_writer_table (writer, headers, widths, rows);
}

static gboolean
render_window (JsonObject  *figures,
               gboolean     daily,
               const char  *centre,
               const char  *officer,
               const char  *path,
               GError     **error)
{
  g_autofree char *period = period_text (figures);
  g_autoptr(DozorReportWriter) writer = NULL;
  g_autoptr(GPtrArray) summary = summary_rows (figures);
  g_autoptr(GPtrArray) districts = district_rows (figures);
  g_autoptr(GPtrArray) types = type_rows (figures);
  const char *two[] = { _("Figure"), _("Value"), NULL };
  const char *counted[] = { _("District"), _("Incidents"), NULL };
  const char *typed[] = { _("Type"), _("Incidents"), NULL };
  static const double two_widths[] = { 0.42, 0.58 };
  static const double count_widths[] = { 0.7, 0.3 };
  Chart chart = { figures };

  writer = dozor_report_writer_new (path, centre, officer,
                                    daily ? _("Daily operational report")
                                          : _("Quarterly statistics (appendix 5)"),
                                    period, error);
  if (writer == NULL)
    return FALSE;

  dozor_report_writer_heading (writer, daily ? _("The shift in figures") : _("Counts and timeliness"));
  dozor_report_writer_table (writer, two, two_widths, summary);
  dozor_report_writer_figure (writer, 190, draw_histogram, &chart);
  dozor_report_writer_figure (writer, 170, draw_hours, &chart);
  dozor_report_writer_figure (writer, 40 + 16.0 * MAX (json_array_get_length (json_object_get_array_member (figures, "by_type")), 1),
                              draw_types, &chart);
  dozor_report_writer_figure (writer, 330, draw_map, &chart);

  dozor_report_writer_heading (writer, _("Incidents by district"));
  dozor_report_writer_table (writer, counted, count_widths, districts);
  dozor_report_writer_heading (writer, _("Incidents by type"));
  table_or_none (writer, typed, count_widths, types);

  if (daily)
    {
      g_autoptr(GPtrArray) notable = notable_rows (figures);
      g_autoptr(GPtrArray) readiness = readiness_rows (figures);
      g_autoptr(GPtrArray) plans = plan_rows (figures);
      const char *notable_headers[] = { _("Number"), _("Registered"), _("Type"), _("Priority"), _("Response"),
                                        _("Why notable"), NULL };
      static const double notable_widths[] = { 0.16, 0.19, 0.18, 0.09, 0.14, 0.24 };
      const char *readiness_headers[] = { _("Time"), _("Level"), _("Reason"), _("Set by"), NULL };
      static const double readiness_widths[] = { 0.22, 0.18, 0.45, 0.15 };
      const char *plan_headers[] = { _("Time"), _("Plan"), _("Event"), _("By"), NULL };
      static const double plan_widths[] = { 0.22, 0.45, 0.18, 0.15 };

      dozor_report_writer_heading (writer, _("Notable events"));
      table_or_none (writer, notable_headers, notable_widths, notable);
      dozor_report_writer_heading (writer, _("Changes of the degree of readiness"));
      table_or_none (writer, readiness_headers, readiness_widths, readiness);
      dozor_report_writer_heading (writer, _("Special operating plans activated and closed"));
      table_or_none (writer, plan_headers, plan_widths, plans);
    }
  return dozor_report_writer_finish (writer, error);
}

/* --- The certificate ------------------------------------------------------ */

static GPtrArray *
record_rows (JsonObject *figures)
{
  JsonObject *incident = json_object_get_object_member (figures, "incident");
  JsonObject *location = json_object_get_object_member (incident, "location");
  GPtrArray *rows = rows_new ();
  g_autofree char *priority = count_text (incident, "priority");
  /* With decimal points, as the board shows places, in every language. */
  g_autofree char *where = dozor_format_lat_lon (json_object_get_double_member (location, "lat"),
                                                 json_object_get_double_member (location, "lon"), 5);
  g_autofree char *created = local_time (string_or (incident, "created_at", NULL));
  g_autofree char *dispatched = local_time (string_or (incident, "dispatched_at", NULL));
  g_autofree char *en_route = local_time (string_or (incident, "en_route_at", NULL));
  g_autofree char *on_scene = local_time (string_or (incident, "on_scene_at", NULL));
  g_autofree char *closed = local_time (string_or (incident, "closed_at", NULL));
  g_autofree char *response = duration_text (figures, "response_s");
  g_autofree char *limit = duration_text (figures, "limit_s");
  g_autofree char *calls = count_text (incident, "calls");
  gboolean late = json_object_get_boolean_member_with_default (figures, "late", FALSE);
  g_autofree char *timeliness = g_strdup_printf ("%s (%s %s)", late ? _("late") : _("in time"), _("limit"), limit);

  g_ptr_array_add (rows, row_new (_("Number"), string_or (incident, "number", ""), NULL));
  g_ptr_array_add (rows, row_new (_("Type"), dozor_incident_type_label (string_or (incident, "type", "")), NULL));
  g_ptr_array_add (rows, row_new (_("Priority"), priority, NULL));
  g_ptr_array_add (rows, row_new (_("Status"), dozor_incident_status_label (string_or (incident, "status", "")), NULL));
  g_ptr_array_add (rows, row_new (_("Address"), string_or (incident, "address", ""), NULL));
  g_ptr_array_add (rows, row_new (_("Location (lat, lon)"), where, NULL));
  g_ptr_array_add (rows, row_new (_("District"), string_or (figures, "district", DASH), NULL));
  g_ptr_array_add (rows, row_new (_("Caller"), string_or (incident, "caller_name", ""), NULL));
  g_ptr_array_add (rows, row_new (_("Caller's phone"), string_or (incident, "caller_phone", ""), NULL));
  g_ptr_array_add (rows, row_new (_("Description"), string_or (incident, "description", ""), NULL));
  g_ptr_array_add (rows, row_new (_("Registered"), created, NULL));
  g_ptr_array_add (rows, row_new (_("First dispatch"), dispatched, NULL));
  g_ptr_array_add (rows, row_new (_("First unit en route"), en_route, NULL));
  g_ptr_array_add (rows, row_new (_("First unit on scene"), on_scene, NULL));
  g_ptr_array_add (rows, row_new (_("Closed"), closed, NULL));
  g_ptr_array_add (rows, row_new (_("Response time"), response, NULL));
  g_ptr_array_add (rows, row_new (_("Timeliness"), timeliness, NULL));
  g_ptr_array_add (rows, row_new (_("Repeated calls"), calls, NULL));
  return rows;
}

static GPtrArray *
timeline_rows (JsonObject *figures)
{
  GPtrArray *rows = rows_new ();
  JsonArray *timeline = json_object_get_array_member (figures, "timeline");

  for (guint i = 0; i < json_array_get_length (timeline); i++)
    {
      JsonObject *step = json_array_get_object_element (timeline, i);
      g_autofree char *time = local_time (string_or (step, "time", NULL));
      g_autofree char *detail = detail_text (string_or (step, "what", ""), string_or (step, "detail", NULL));

      g_ptr_array_add (rows, row_new (time, step_label (string_or (step, "what", "")), string_or (step, "by", ""),
                                      detail, NULL));
    }
  return rows;
}

static gboolean
render_certificate (JsonObject  *figures,
                    const char  *centre,
                    const char  *officer,
                    const char  *path,
                    GError     **error)
{
  JsonObject *incident = json_object_get_object_member (figures, "incident");
  /* TRANSLATORS: the subject of a certificate: an incident's number */
  g_autofree char *subject = g_strdup_printf (_("Incident %s"), string_or (incident, "number", ""));
  g_autoptr(DozorReportWriter) writer = NULL;
  g_autoptr(GPtrArray) record = record_rows (figures);
  g_autoptr(GPtrArray) timeline = timeline_rows (figures);
  g_autoptr(GPtrArray) sent = rows_new ();
  g_autoptr(GPtrArray) checks = rows_new ();
  g_autoptr(GPtrArray) calls = rows_new ();
  JsonArray *dispatches = json_object_get_array_member (figures, "dispatches");
  JsonArray *checklist = json_object_get_array_member (figures, "checklist");
  JsonArray *call_list = json_object_get_array_member (figures, "calls");
  const char *two[] = { _("Field"), _("Value"), NULL };
  static const double two_widths[] = { 0.32, 0.68 };
  const char *timeline_headers[] = { _("Time"), _("What"), _("By"), _("Detail"), NULL };
  static const double timeline_widths[] = { 0.24, 0.26, 0.15, 0.35 };
  const char *sent_headers[] = { _("Unit"), _("Sent"), _("By"), _("Ended"), _("Outcome"), NULL };
  static const double sent_widths[] = { 0.2, 0.24, 0.12, 0.24, 0.2 };
  const char *check_headers[] = { _("Procedure"), _("Step"), _("Done"), _("By"), _("At"), NULL };
  static const double check_widths[] = { 0.26, 0.2, 0.1, 0.14, 0.3 };
  const char *call_headers[] = { _("Received"), _("Caller"), _("Phone"), _("Text"), NULL };
  static const double call_widths[] = { 0.24, 0.2, 0.2, 0.36 };

  for (guint i = 0; i < json_array_get_length (dispatches); i++)
    {
      JsonObject *d = json_array_get_object_element (dispatches, i);
      g_autofree char *at = local_time (string_or (d, "created_at", NULL));
      g_autofree char *ended = local_time (string_or (d, "ended_at", NULL));

      g_ptr_array_add (sent, row_new (string_or (d, "call_sign", ""), at, string_or (d, "created_by", ""), ended,
                                      outcome_label (string_or (d, "status", "")), NULL));
    }
  for (guint i = 0; i < json_array_get_length (checklist); i++)
    {
      JsonObject *c = json_array_get_object_element (checklist, i);
      g_autofree char *at = local_time (string_or (c, "at", NULL));

      g_ptr_array_add (checks, row_new (string_or (c, "procedure_id", ""), string_or (c, "step_id", ""),
                                        json_object_get_boolean_member (c, "done") ? _("yes") : _("no"),
                                        string_or (c, "by", ""), at, NULL));
    }
  for (guint i = 0; i < json_array_get_length (call_list); i++)
    {
      JsonObject *c = json_array_get_object_element (call_list, i);
      g_autofree char *at = local_time (string_or (c, "received_at", NULL));

      g_ptr_array_add (calls, row_new (at, string_or (c, "caller_name", ""), string_or (c, "caller_phone", ""),
                                       string_or (c, "text", ""), NULL));
    }

  writer = dozor_report_writer_new (path, centre, officer, _("Certificate of working off an event"), subject, error);
  if (writer == NULL)
    return FALSE;
  dozor_report_writer_heading (writer, _("The incident's record"));
  dozor_report_writer_table (writer, two, two_widths, record);
  dozor_report_writer_heading (writer, _("Timeline"));
  dozor_report_writer_table (writer, timeline_headers, timeline_widths, timeline);
  dozor_report_writer_heading (writer, _("Units sent"));
  table_or_none (writer, sent_headers, sent_widths, sent);
  dozor_report_writer_heading (writer, _("Checklist"));
  table_or_none (writer, check_headers, check_widths, checks);
  dozor_report_writer_heading (writer, _("Repeated calls"));
  table_or_none (writer, call_headers, call_widths, calls);
  return dozor_report_writer_finish (writer, error);
}

/**
 * dozor_report_render_pdf:
 * @figures: what dozord answered to one of the report routes
 * @centre: the centre's name, at the head of every page
 * @officer: the signing officer's name
 * @path: the PDF file to write
 * @error: return location for a #GError
 *
 * Draws the report the figures are of (their `kind`) on A4 pages.
 *
 * Returns: whether the PDF was written
 */
gboolean
dozor_report_render_pdf (JsonObject  *figures,
                         const char  *centre,
                         const char  *officer,
                         const char  *path,
                         GError     **error)
{
  const char *kind = string_or (figures, "kind", "");

  if (g_str_equal (kind, "certificate"))
    return render_certificate (figures, centre, officer, path, error);
  return render_window (figures, g_str_equal (kind, "daily"), centre, officer, path, error);
}

static void
csv_rows (GString    *out,
          const char *section,
          GPtrArray  *rows)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const char *const *row = g_ptr_array_index (rows, i);
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      g_auto(GStrv) fields = NULL;

      g_strv_builder_add (builder, section);
      g_strv_builder_addv (builder, (const char **) row);
      fields = g_strv_builder_end (builder);
      dozor_report_csv_row (out, (const char *const *) fields);
    }
}

/**
 * dozor_report_render_csv:
 * @figures: what dozord answered to one of the report routes
 * @path: the CSV file to write
 * @error: return location for a #GError
 *
 * The report's tables as one CSV (RFC 4180, UTF-8): each record starts
 * with its section, as the PDF titles it, then that table's cells.
 *
 * Returns: whether the file was written
 */
gboolean
dozor_report_render_csv (JsonObject  *figures,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *kind = string_or (figures, "kind", "");

  if (g_str_equal (kind, "certificate"))
    {
      g_autoptr(GPtrArray) record = record_rows (figures);
      g_autoptr(GPtrArray) timeline = timeline_rows (figures);

      csv_rows (out, _("The incident's record"), record);
      csv_rows (out, _("Timeline"), timeline);
    }
  else
    {
      g_autoptr(GPtrArray) summary = summary_rows (figures);
      g_autoptr(GPtrArray) districts = district_rows (figures);
      g_autoptr(GPtrArray) types = type_rows (figures);
      g_autoptr(GPtrArray) hours = rows_new ();
      double values[24];
      int offset_h;

      local_hours (figures, values, &offset_h);
      for (guint h = 0; h < 24; h++)
        {
          g_autofree char *hour = g_strdup_printf ("%02u", h);
          g_autofree char *count = g_strdup_printf ("%.0f", values[h]);

          g_ptr_array_add (hours, row_new (hour, count, NULL));
        }
      csv_rows (out, _("Summary figures"), summary);
      csv_rows (out, _("Incidents by district"), districts);
      csv_rows (out, _("Incidents by type"), types);
      csv_rows (out, _("Incidents by hour of the day"), hours);
      if (g_str_equal (kind, "daily"))
        {
          g_autoptr(GPtrArray) notable = notable_rows (figures);
          g_autoptr(GPtrArray) readiness = readiness_rows (figures);
          g_autoptr(GPtrArray) plans = plan_rows (figures);

          csv_rows (out, _("Notable events"), notable);
          csv_rows (out, _("Changes of the degree of readiness"), readiness);
          csv_rows (out, _("Special operating plans activated and closed"), plans);
        }
    }
  return g_file_set_contents (path, out->str, out->len, error);
}

typedef struct
{
  JsonNode *figures;
  char *centre;
  char *officer;
  char *path;
  gboolean csv;
} Render;

static void
render_free (gpointer data)
{
  Render *render = data;

  json_node_unref (render->figures);
  g_free (render->centre);
  g_free (render->officer);
  g_free (render->path);
  g_free (render);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Render *render = task_data;
  GError *error = NULL;
  JsonObject *figures = json_node_get_object (render->figures);
  gboolean ok = render->csv ? dozor_report_render_csv (figures, render->path, &error)
                            : dozor_report_render_pdf (figures, render->centre, render->officer, render->path, &error);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * dozor_report_render_async:
 * @figures: the figures as dozord answered them (an object)
 * @centre: the centre's name, for a PDF
 * @officer: the signing officer's name, for a PDF
 * @path: where the document goes
 * @csv: CSV rather than PDF
 * @source_object: (nullable): whose result it is
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on this thread once it is written
 * @user_data: for @callback
 *
 * Draws the document in a worker thread: a quarter's PDF takes seconds,
 * and a board's main thread only draws the screen.
 */
void
dozor_report_render_async (JsonNode            *figures,
                           const char          *centre,
                           const char          *officer,
                           const char          *path,
                           gboolean             csv,
                           gpointer             source_object,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  Render *render = g_new0 (Render, 1);

  g_return_if_fail (JSON_NODE_HOLDS_OBJECT (figures));

  render->figures = json_node_ref (figures);
  render->centre = g_strdup (centre);
  render->officer = g_strdup (officer);
  render->path = g_strdup (path);
  render->csv = csv;
  g_task_set_source_tag (task, dozor_report_render_async);
  g_task_set_task_data (task, render, render_free);
  g_task_run_in_thread (task, render_in_thread);
}

/**
 * dozor_report_render_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: whether the document was written
 */
gboolean
dozor_report_render_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dozor_report_render_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
