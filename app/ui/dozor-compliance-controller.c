/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route compliance counted on the board (issue 17, item 2: deviations
 * "counted per unit and per shift, with distance and duration"; gaps in
 * reporting apart). The figures are the server's (docs/api.md,
 * "Deviations" and "Deviations per shift"), read for the shift at hand:
 * the unit's roster entry that holds now, else its route's shift, else
 * the last 12 hours; for the summary, the span of the entries that hold
 * now. A unit's figures are read again when one of its deviations or gaps
 * is announced on the stream.
 *
 * win.deviation-summary (Ctrl+Alt+V) opens the per-shift summary: every
 * unit that deviated or went silent, with count, time and distance away.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "dozor-compliance-controller.h"
#include "dozor-json.h"
#include "dozor-labels.h"

/* Without a roster entry or route shift holding now, the shift is taken
 * as the last 12 hours. */
#define DEFAULT_SHIFT_HOURS 12
/* A read that failed is tried again this much later, not at every redraw. */
#define RETRY_SECONDS 30

typedef struct
{
  gboolean loaded;
  gint64 failed_at;     /* monotonic time of a failed read, or 0 */
  guint deviations;
  double deviation_s;
  double away_m;
  guint gaps;
  double gap_s;
} Figures;

struct _DozorComplianceController
{
  GObject parent_instance;

  GtkApplicationWindow *window;  /* not owned: it owns this */
  DozorSyncClient *sync;
  DozorSituation *situation;
  GSimpleAction *action;
  GHashTable *figures;           /* unit id → Figures */
  GCancellable *cancellable;

  GtkWindow *summary;            /* (nullable) the open summary */
  GtkLabel *summary_title;
  GtkGrid *summary_grid;
  guint summary_id;              /* a read of the summary, soon */
};

G_DEFINE_FINAL_TYPE (DozorComplianceController, dozor_compliance_controller, G_TYPE_OBJECT)

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/* Widens [*from, *to) to an entry's or route's window if it holds now. */
static gboolean
take_window (const char  *from_text,
             const char  *to_text,
             GDateTime   *now,
             GDateTime  **from,
             GDateTime  **to)
{
  g_autoptr(GDateTime) start = from_text != NULL ? g_date_time_new_from_iso8601 (from_text, NULL) : NULL;
  g_autoptr(GDateTime) end = to_text != NULL ? g_date_time_new_from_iso8601 (to_text, NULL) : NULL;

  if (start == NULL || end == NULL || g_date_time_compare (start, now) > 0 || g_date_time_compare (now, end) >= 0)
    return FALSE;
  if (*from == NULL || g_date_time_compare (start, *from) < 0)
    {
      g_clear_pointer (from, g_date_time_unref);
      *from = g_date_time_ref (start);
    }
  if (*to == NULL || g_date_time_compare (end, *to) > 0)
    {
      g_clear_pointer (to, g_date_time_unref);
      *to = g_date_time_ref (end);
    }
  return TRUE;
}

/* The shift a unit's figures (or, @unit_id NULL, the summary's) count:
 * as a query, "from=…&to=…" or "from=…". */
static char *
shift_query (DozorComplianceController *self,
             const char                *unit_id)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autoptr(GList) entries = dozor_situation_get_entities (self->situation, "roster");
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;

  for (GList *l = entries; l != NULL; l = l->next)
    {
      JsonObject *entry = json_node_get_object (l->data);

      if (unit_id == NULL || g_strcmp0 (dozor_json_get_string (entry, "unit_id"), unit_id) == 0)
        take_window (dozor_json_get_string (entry, "from"), dozor_json_get_string (entry, "to"), now, &from, &to);
    }
  if (from == NULL && unit_id != NULL)
    {
      g_autoptr(GList) routes = dozor_situation_get_entities (self->situation, "route");

      for (GList *l = routes; l != NULL; l = l->next)
        {
          JsonObject *route = json_node_get_object (l->data);

          if (g_strcmp0 (dozor_json_get_string (route, "unit_id"), unit_id) == 0)
            take_window (dozor_json_get_string (route, "shift_start"), dozor_json_get_string (route, "shift_end"),
                         now, &from, &to);
        }
    }
  if (from == NULL)
    {
      g_autoptr(GDateTime) start = g_date_time_add_hours (now, -DEFAULT_SHIFT_HOURS);

      from_text = format_time (start);
      return g_strdup_printf ("from=%s", from_text);
    }
  from_text = format_time (from);
  to_text = format_time (to);
  return g_strdup_printf ("from=%s&to=%s", from_text, to_text);
}

static char *
describe_duration (double seconds)
{
  return dozor_format_age ((gint64) (seconds * G_USEC_PER_SEC));
}

/* --- A unit's figures, in its details ----------------------------------- */

typedef struct
{
  DozorComplianceController *self;
  char *unit_id;
} Read;

static void
read_free (Read *read)
{
  g_object_unref (read->self);
  g_free (read->unit_id);
  g_free (read);
}

static void
unit_answered_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Read *read = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonArray *counts = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
    ? dozor_json_get_array (json_node_get_object (answer), "counts") : NULL;
  Figures *figures = g_hash_table_lookup (read->self->figures, read->unit_id);

  /* Forgotten meanwhile (a newer record came): the next redraw asks again. */
  if (figures == NULL)
    {
      read_free (read);
      return;
    }
  if (counts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Deviations of %s not read: %s", read->unit_id, error != NULL ? error->message : "no counts");
      figures->failed_at = g_get_monotonic_time ();
      read_free (read);
      return;
    }

  memset (figures, 0, sizeof *figures);
  figures->loaded = TRUE;
  /* One row per route or post of the window: the shift's sum. */
  for (guint i = 0; i < json_array_get_length (counts); i++)
    {
      JsonObject *row = json_array_get_object_element (counts, i);

      figures->deviations += (guint) json_object_get_int_member_with_default (row, "deviations", 0);
      figures->deviation_s += json_object_get_double_member_with_default (row, "deviation_s", 0);
      figures->away_m += json_object_get_double_member_with_default (row, "away_m", 0);
      figures->gaps += (guint) json_object_get_int_member_with_default (row, "gaps", 0);
      figures->gap_s += json_object_get_double_member_with_default (row, "gap_s", 0);
    }
  read_free (read);
}

static void
ask_unit (DozorComplianceController *self,
          const char                *unit_id)
{
  g_autofree char *query = shift_query (self, unit_id);
  g_autofree char *escaped = g_uri_escape_string (unit_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("units/%s/deviations?%s", escaped, query);
  Read *read = g_new0 (Read, 1);

  read->self = g_object_ref (self);
  read->unit_id = g_strdup (unit_id);
  g_hash_table_insert (self->figures, g_strdup (unit_id), g_new0 (Figures, 1));
  dozor_sync_client_get_async (self->sync, path, self->cancellable, unit_answered_cb, read);
}

static GtkWidget *
line (GtkWidget  *box,
      const char *text,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

/* The deviation in progress of @unit_id, if any. */
static JsonObject *
current_deviation (DozorComplianceController *self,
                   const char                *unit_id)
{
  g_autoptr(GList) deviations = dozor_situation_get_entities (self->situation, "deviation");

  for (GList *l = deviations; l != NULL; l = l->next)
    if (g_strcmp0 (dozor_json_get_string (json_node_get_object (l->data), "unit_id"), unit_id) == 0)
      return json_node_get_object (l->data);
  return NULL;
}

/**
 * dozor_compliance_controller_build_unit:
 * @self: a #DozorComplianceController
 * @unit_id: the unit whose details are shown
 *
 * Returns: (transfer floating) (nullable): the unit's route compliance in
 *   this shift, for its details; %NULL for a unit on no roster entry or
 *   route that never deviated
 */
GtkWidget *
dozor_compliance_controller_build_unit (DozorComplianceController *self,
                                        const char                *unit_id)
{
  Figures *figures = g_hash_table_lookup (self->figures, unit_id);
  JsonObject *deviation = current_deviation (self, unit_id);
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);
  GtkWidget *box;

  if (figures == NULL ||
      (figures->failed_at != 0 && g_get_monotonic_time () - figures->failed_at > RETRY_SECONDS * G_USEC_PER_SEC))
    {
      ask_unit (self, unit_id);
      figures = g_hash_table_lookup (self->figures, unit_id);
    }
  if (figures->loaded && figures->deviations == 0 && figures->gaps == 0 && deviation == NULL)
    return NULL;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  line (box, _("Route compliance this shift"), "heading");
  if (deviation != NULL)
    {
      const char *started = dozor_json_get_string (deviation, "started_at");
      g_autoptr(GDateTime) since = started != NULL ? g_date_time_new_from_iso8601 (started, NULL) : NULL;
      /* From the situation's moment: a replay's, on a replay's board. */
      g_autofree char *away = since != NULL ? dozor_format_age (dozor_situation_get_now (self->situation) -
                                                                g_date_time_to_unix (since) * G_USEC_PER_SEC)
                                            : g_strdup ("");
      g_autofree char *text = g_strdup_printf (_("Off its route or post now, for %s"), away);

      line (box, text, "error");
    }
  if (!figures->loaded)
    {
      line (box, figures->failed_at != 0 ? _("The figures could not be read") : _("Reading the figures…"),
            "dim-label");
      return box;
    }
  {
    g_autofree char *time = describe_duration (figures->deviation_s);
    g_autofree char *gap_time = describe_duration (figures->gap_s);
    /* Translators: route deviations in a shift: how many, for how long in
     * all, how far the unit drove while away: "Deviations: 2, 6 min, 1.4 km"
     * (the time and the distance come formatted) */
    g_autofree char *away = dozor_format_distance (figures->away_m);
    g_autofree char *deviations = g_strdup_printf (_("Deviations: %u, %s, %s"), figures->deviations, time, away);
    /* Translators: gaps in a unit's position reports in a shift: how many,
     * for how long in all: "Reporting gaps: 1, 4 min" */
    g_autofree char *gaps = g_strdup_printf (_("Reporting gaps: %u, %s"), figures->gaps, gap_time);

    line (box, deviations, NULL);
    line (box, gaps, NULL);
  }
  /* Tests read this line; keep its wording stable. */
  g_debug ("Unit details: %s: %u deviations, %.0f m away, %u reporting gaps", unit != NULL ? unit->call_sign : unit_id,
           figures->deviations, figures->away_m, figures->gaps);
  return box;
}

/* --- The per-shift summary ------------------------------------------------ */

static void
grid_cell (GtkGrid    *grid,
           const char *text,
           int         column,
           int         row,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  if (heading)
    gtk_widget_add_css_class (label, "heading");
  else
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
summary_answered_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(DozorComplianceController) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  JsonObject *root = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  JsonArray *units = root != NULL ? dozor_json_get_array (root, "by_unit") : NULL;
  const char *headings[] = { N_("Unit"), N_("Deviations"), N_("Time away"), N_("Driven away"),
                             N_("Reporting gaps"), N_("Time silent") };
  GtkWidget *child;

  if (self->summary == NULL)
    return;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_grid))) != NULL)
    gtk_grid_remove (self->summary_grid, child);
  if (units == NULL)
    {
      g_debug ("Deviation summary not read: %s", error != NULL ? error->message : "no list");
      grid_cell (self->summary_grid, _("The figures could not be read"), 0, 0, FALSE);
      return;
    }

  {
    g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (dozor_json_get_string (root, "from") ?: "", NULL);
    g_autoptr(GDateTime) to = g_date_time_new_from_iso8601 (dozor_json_get_string (root, "to") ?: "", NULL);
    g_autoptr(GDateTime) local_from = from != NULL ? g_date_time_to_local (from) : NULL;
    g_autoptr(GDateTime) local_to = to != NULL ? g_date_time_to_local (to) : g_date_time_new_now_local ();
    g_autofree char *start = local_from != NULL ? g_date_time_format (local_from, "%x %H:%M") : g_strdup ("");
    g_autofree char *end = g_date_time_format (local_to, "%x %H:%M");
    g_autofree char *time = describe_duration (json_object_get_double_member_with_default (root, "deviation_s", 0));
    g_autofree char *gap_time = describe_duration (json_object_get_double_member_with_default (root, "gap_s", 0));
    g_autofree char *away = dozor_format_distance (json_object_get_double_member_with_default (root, "away_m", 0));
    g_autofree char *deviations = g_strdup_printf (_("Deviations: %u, %s, %s"),
                                                   (guint) json_object_get_int_member_with_default (root, "deviations", 0),
                                                   time, away);
    g_autofree char *gaps = g_strdup_printf (_("Reporting gaps: %u, %s"),
                                             (guint) json_object_get_int_member_with_default (root, "gaps", 0),
                                             gap_time);
    /* The shift's window, then its totals for all units. */
    g_autofree char *title = g_strdup_printf ("%s – %s\n%s\n%s", start, end, deviations, gaps);

    gtk_label_set_text (self->summary_title, title);
  }

  for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
    grid_cell (self->summary_grid, _(headings[c]), c, 0, TRUE);
  for (guint i = 0; i < json_array_get_length (units); i++)
    {
      JsonObject *row = json_array_get_object_element (units, i);
      g_autofree char *count = g_strdup_printf ("%u", (guint) json_object_get_int_member_with_default (row, "deviations", 0));
      g_autofree char *time = describe_duration (json_object_get_double_member_with_default (row, "deviation_s", 0));
      g_autofree char *away = dozor_format_distance (json_object_get_double_member_with_default (row, "away_m", 0));
      g_autofree char *gaps = g_strdup_printf ("%u", (guint) json_object_get_int_member_with_default (row, "gaps", 0));
      g_autofree char *silent = describe_duration (json_object_get_double_member_with_default (row, "gap_s", 0));

      grid_cell (self->summary_grid, dozor_json_get_string (row, "call_sign") ?: "", 0, i + 1, FALSE);
      grid_cell (self->summary_grid, count, 1, i + 1, FALSE);
      grid_cell (self->summary_grid, time, 2, i + 1, FALSE);
      grid_cell (self->summary_grid, away, 3, i + 1, FALSE);
      grid_cell (self->summary_grid, gaps, 4, i + 1, FALSE);
      grid_cell (self->summary_grid, silent, 5, i + 1, FALSE);
    }
  if (json_array_get_length (units) == 0)
    grid_cell (self->summary_grid, _("No unit deviated or went silent in this shift"), 0, 1, FALSE);
  /* Tests read this line; keep its wording stable. */
  g_debug ("Deviation summary: %u units, %u deviations, %u reporting gaps", json_array_get_length (units),
           (guint) json_object_get_int_member_with_default (root, "deviations", 0),
           (guint) json_object_get_int_member_with_default (root, "gaps", 0));
}

static gboolean
read_summary_cb (gpointer user_data)
{
  DozorComplianceController *self = user_data;
  g_autofree char *query = shift_query (self, NULL);
  g_autofree char *path = g_strdup_printf ("stats/deviations?%s", query);

  self->summary_id = 0;
  if (self->summary != NULL)
    dozor_sync_client_get_async (self->sync, path, self->cancellable, summary_answered_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

static void
summary_closed_cb (DozorComplianceController *self)
{
  self->summary = NULL;
  self->summary_title = NULL;
  self->summary_grid = NULL;
}

static void
summary_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  DozorComplianceController *self = user_data;
  GtkWidget *box, *header, *scroller, *grid, *title;

  if (self->summary != NULL)
    {
      gtk_window_present (self->summary);
      return;
    }

  self->summary = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (self->summary, _("Deviations This Shift"));
  gtk_window_set_transient_for (self->summary, GTK_WINDOW (self->window));
  /* Wide enough for the six columns in Russian and Kazakh, whose
   * headings are the longest (780 cut the last two off in Russian). */
  gtk_window_set_default_size (self->summary, 1100, 420);
  gtk_window_set_hide_on_close (self->summary, FALSE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  title = gtk_label_new ("");
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_margin_start (title, 12);
  gtk_widget_set_margin_end (title, 12);
  gtk_widget_set_margin_top (title, 12);
  gtk_box_append (GTK_BOX (box), title);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (self->summary), box);

  self->summary_title = GTK_LABEL (title);
  self->summary_grid = GTK_GRID (grid);
  g_signal_connect_object (self->summary, "destroy", G_CALLBACK (summary_closed_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (self->summary);
  read_summary_cb (self);
}

/* --- Following the stream ------------------------------------------------- */

static void
applying_cb (DozorComplianceController *self,
             JsonObject                *event)
{
  const char *type = dozor_json_get_string (event, "type");
  JsonObject *body;

  if (type == NULL || !(g_str_has_prefix (type, "deviation.") || g_str_equal (type, "reporting.gap") ||
                        g_str_has_prefix (type, "roster.")))
    return;
  body = dozor_json_get_object (event, g_str_equal (type, "reporting.gap") ? "gap"
                                       : g_str_has_prefix (type, "roster.flag.") ? "flag"
                                       : g_str_has_prefix (type, "roster.") ? "roster" : "deviation");
  /* Read again when next shown: a new record, or another shift. */
  if (body != NULL && dozor_json_get_string (body, "unit_id") != NULL)
    g_hash_table_remove (self->figures, dozor_json_get_string (body, "unit_id"));
  if (self->summary != NULL && self->summary_id == 0 && !g_str_has_prefix (type, "roster.flag."))
    self->summary_id = g_timeout_add_seconds (1, read_summary_cb, self);
}

static void
dozor_compliance_controller_dispose (GObject *object)
{
  DozorComplianceController *self = (DozorComplianceController *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->summary_id, g_source_remove);
  if (self->summary != NULL)
    gtk_window_destroy (self->summary);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sync);
  g_clear_object (&self->situation);
  g_clear_object (&self->action);
  g_clear_pointer (&self->figures, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_compliance_controller_parent_class)->dispose (object);
}

static void
dozor_compliance_controller_class_init (DozorComplianceControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_compliance_controller_dispose;
}

static void
dozor_compliance_controller_init (DozorComplianceController *self)
{
  self->figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * dozor_compliance_controller_new:
 * @window: the board's window, which gets the action `win.deviation-summary`
 * @sync: the board's link to dozord
 * @situation: what the board shows
 *
 * Returns: (transfer full): the controller; the window keeps it
 */
DozorComplianceController *
dozor_compliance_controller_new (GtkApplicationWindow *window,
                                 DozorSyncClient      *sync,
                                 DozorSituation       *situation)
{
  DozorComplianceController *self = g_object_new (DOZOR_TYPE_COMPLIANCE_CONTROLLER, NULL);

  self->window = window;
  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  self->action = g_simple_action_new ("deviation-summary", NULL);
  g_signal_connect_object (self->action, "activate", G_CALLBACK (summary_cb), self, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (self->action));
  g_signal_connect_object (situation, "applying", G_CALLBACK (applying_cb), self, G_CONNECT_SWAPPED);
  return self;
}
