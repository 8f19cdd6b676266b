/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's forces-and-means figures (issue 16, item 3): the clock; units
 * available, dispatched, en route, on scene, busy and stale, each beside
 * the symbol the map draws for it (so the column is also the legend of
 * the units' colours); open incidents by priority; how long the oldest
 * unassigned one has waited; and today's time from registration to
 * arrival. Counting is lib's (dozor-wall-figures.c); this only shows it.
 *
 * Today's response times need the incidents that closed before the wall
 * started: they are read once from the incident history (GET /incidents
 * from local midnight), then kept up from the events.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-labels.h"
#include "dozor-local-time.h"
#include "dozor-response-times.h"
#include "dozor-unit-layer.h"
#include "dozor-wall-blocks-layout.h"
#include "dozor-wall-figures.h"
#include "dozor-wall-figures-view.h"
#include "dozor-wall-text.h"

/* The figures follow the situation at most this often: a city's positions
 * change it many times a second, and a number that flickers is not read. */
#define REFRESH_MS 1000
/* A history read that failed (not logged in yet, the server away) is
 * tried again this much later. */
#define HISTORY_RETRY_SECONDS 30
#define HISTORY_PAGE 1000

enum
{
  ROW_AVAILABLE,
  ROW_DISPATCHED,
  ROW_EN_ROUTE,
  ROW_ON_SCENE,
  ROW_BUSY,
  ROW_STALE,
  N_UNIT_ROWS
};

static const char *const row_status[N_UNIT_ROWS] = {
  "available", "dispatched", "en_route", "on_scene", "busy", NULL,
};

struct _DozorWallFiguresView
{
  GtkWidget parent_instance;

  /* The blocks, the layout's children in this order: the clock and date,
   * the forces, the open incidents, today's response times. */
  GtkWidget *clock_block;
  GtkGrid *forces;
  GtkGrid *incidents;
  GtkWidget *response_block;
  GtkLabel *clock;
  GtkLabel *date;
  GtkLabel *units_heading;
  GtkLabel *unit_names[N_UNIT_ROWS];
  GtkLabel *unit_counts[N_UNIT_ROWS];
  GtkWidget *unit_symbols[N_UNIT_ROWS];
  GtkLabel *incidents_heading;
  GtkLabel *priority_names[DOZOR_INCIDENT_PRIORITIES];
  GtkLabel *priority_counts[DOZOR_INCIDENT_PRIORITIES];
  GtkLabel *waiting;
  GtkLabel *response_heading;
  GtkLabel *response;

  DozorSyncClient *sync;
  DozorSituation *situation;
  DozorResponseTimes *times;
  GCancellable *cancellable;
  char *history_day;      /* the local day whose history was read, "YYYY-MM-DD" */
  char *history_after;    /* the next page's cursor while reading */
  gboolean history_busy;
  double cap_height;
  double symbol_scale;
  guint refresh_id;
  guint clock_id;
  guint retry_id;
  char *last_log;
};

G_DEFINE_FINAL_TYPE (DozorWallFiguresView, dozor_wall_figures_view, GTK_TYPE_WIDGET)

static void read_history (DozorWallFiguresView *self);

/* A label of a block's grid. Words wrap: no text is made smaller than the
 * rule, so a name longer than its column takes another line. */
static GtkLabel *
add_label (GtkGrid    *grid,
           const char *text,
           int         column,
           int         row,
           int         width,
           float       xalign)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (text));

  gtk_label_set_xalign (label, xalign);
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_natural_wrap_mode (label, GTK_NATURAL_WRAP_NONE);
  gtk_grid_attach (grid, GTK_WIDGET (label), column, row, width, 1);
  return label;
}

/* A block of a heading (or the clock) over a line of text. */
static GtkWidget *
add_text_block (DozorWallFiguresView *self,
                GtkLabel            **top,
                GtkLabel            **bottom)
{
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());

  *top = add_label (grid, NULL, 0, 0, 1, 0);
  *bottom = add_label (grid, NULL, 0, 1, 1, 0);
  gtk_widget_set_parent (GTK_WIDGET (grid), GTK_WIDGET (self));
  return GTK_WIDGET (grid);
}

static void
draw_symbol (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  DozorWallFiguresView *self = DOZOR_WALL_FIGURES_VIEW (user_data);
  int row = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (area), "row"));

  /* The map's own symbol, scaled with the text. */
  cairo_translate (cr, width / 2.0, height / 2.0);
  cairo_scale (cr, self->symbol_scale, self->symbol_scale);
  dozor_unit_layer_draw_symbol (cr, row_status[row] != NULL ? row_status[row] : "available", row == ROW_STALE, 0, 0);
}

static char *
minutes_text (double seconds)
{
  return dozor_format_age ((gint64) (seconds * G_USEC_PER_SEC));
}

static void
show_figures (DozorWallFiguresView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *log = NULL;
  DozorWallFigures figures;
  guint counts[N_UNIT_ROWS];

  dozor_wall_figures_compute (&figures, self->situation, self->times, now);
  counts[ROW_AVAILABLE] = figures.available;
  counts[ROW_DISPATCHED] = figures.dispatched;
  counts[ROW_EN_ROUTE] = figures.en_route;
  counts[ROW_ON_SCENE] = figures.on_scene;
  counts[ROW_BUSY] = figures.busy;
  counts[ROW_STALE] = figures.stale;
  for (guint r = 0; r < N_UNIT_ROWS; r++)
    {
      g_autofree char *text = g_strdup_printf ("%u", counts[r]);

      gtk_label_set_text (self->unit_counts[r], text);
    }
  for (guint p = 0; p < DOZOR_INCIDENT_PRIORITIES; p++)
    {
      g_autofree char *text = g_strdup_printf ("%u", figures.open_by_priority[p]);

      gtk_label_set_text (self->priority_counts[p], text);
    }

  if (figures.unassigned == 0)
    gtk_label_set_text (self->waiting, _("No incident waits for a unit"));
  else
    {
      g_autofree char *age = minutes_text ((double) figures.oldest_unassigned_s);
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u waits for a unit, the oldest %s",
                                                            "%u wait for a unit, the oldest %s", figures.unassigned),
                                               figures.unassigned, age);

      gtk_label_set_text (self->waiting, text);
    }

  if (figures.today.arrivals == 0)
    gtk_label_set_text (self->response, _("No arrival yet today"));
  else
    {
      g_autofree char *mean = minutes_text (figures.today.mean_s);
      g_autofree char *p90 = minutes_text (figures.today.p90_s);
      /* TRANSLATORS: the mean time from a call to the first unit on scene,
       * the time 90 % of arrivals took at most, and how many arrivals */
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Mean %s · 90 %% within %s · %u arrival",
                                                            "Mean %s · 90 %% within %s · %u arrivals",
                                                            figures.today.arrivals),
                                               mean, p90, figures.today.arrivals);

      gtk_label_set_text (self->response, text);
    }

  /* Tests compare this line with the backend's snapshot; keep its wording. */
  log = g_strdup_printf ("Wall figures: available %u, dispatched %u, en route %u, on scene %u, busy %u, stale %u;"
                         " open %u (P1 %u, P2 %u, P3 %u, P4 %u); unassigned %u, oldest %" G_GINT64_FORMAT " s;"
                         " today %u arrivals, mean %.0f s, p90 %.0f s",
                         figures.available, figures.dispatched, figures.en_route, figures.on_scene, figures.busy,
                         figures.stale, figures.open_incidents, figures.open_by_priority[0],
                         figures.open_by_priority[1], figures.open_by_priority[2], figures.open_by_priority[3],
                         figures.unassigned, figures.oldest_unassigned_s, figures.today.arrivals,
                         figures.today.mean_s, figures.today.p90_s);
  if (g_strcmp0 (log, self->last_log) != 0)
    {
      g_message ("%s", log);
      g_free (self->last_log);
      self->last_log = g_steal_pointer (&log);
    }
}

static gboolean
refresh_cb (gpointer user_data)
{
  DozorWallFiguresView *self = DOZOR_WALL_FIGURES_VIEW (user_data);

  self->refresh_id = 0;
  show_figures (self);
  return G_SOURCE_REMOVE;
}

/* The open incidents the situation holds: their arrivals count today too. */
static void
take_open_incidents (DozorWallFiguresView *self)
{
  g_autoptr(GList) incidents = dozor_situation_get_entities (self->situation, "incident");

  for (GList *l = incidents; l != NULL; l = l->next)
    dozor_response_times_add (self->times, json_node_get_object (l->data));
}

static void
situation_changed_cb (DozorWallFiguresView *self,
                      guint                 changed)
{
  if (changed & DOZOR_SITUATION_INCIDENTS)
    take_open_incidents (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add (REFRESH_MS, refresh_cb, self);
}

/* An incident's change, closing included: the situation forgets a closed
 * incident, the day's figure must not. */
static void
applying_cb (DozorWallFiguresView *self,
             JsonObject           *event)
{
  JsonNode *incident = json_object_get_member (event, "incident");

  if (incident != NULL && JSON_NODE_HOLDS_OBJECT (incident))
    dozor_response_times_add (self->times, json_node_get_object (incident));
}

static gboolean
retry_history_cb (gpointer user_data)
{
  DozorWallFiguresView *self = DOZOR_WALL_FIGURES_VIEW (user_data);

  self->retry_id = 0;
  read_history (self);
  return G_SOURCE_REMOVE;
}

static void
history_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = dozor_sync_client_post_finish (DOZOR_SYNC_CLIENT (source), result, &error);
  DozorWallFiguresView *self;
  JsonObject *page;
  JsonNode *incidents, *next;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = DOZOR_WALL_FIGURES_VIEW (user_data);
  self->history_busy = FALSE;
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer))
    {
      g_message ("Wall figures: today's incidents could not be read (%s); again in %d s",
                 error != NULL ? error->message : "no answer", HISTORY_RETRY_SECONDS);
      g_clear_pointer (&self->history_day, g_free);
      if (self->retry_id == 0)
        self->retry_id = g_timeout_add_seconds (HISTORY_RETRY_SECONDS, retry_history_cb, self);
      return;
    }

  page = json_node_get_object (answer);
  incidents = json_object_get_member (page, "incidents");
  if (incidents != NULL && JSON_NODE_HOLDS_ARRAY (incidents))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (incidents)); i++)
      {
        JsonNode *incident = json_array_get_element (json_node_get_array (incidents), i);

        if (JSON_NODE_HOLDS_OBJECT (incident))
          dozor_response_times_add (self->times, json_node_get_object (incident));
      }
  next = json_object_get_member (page, "next");
  g_clear_pointer (&self->history_after, g_free);
  if (next != NULL && JSON_NODE_HOLDS_VALUE (next) && json_node_get_value_type (next) == G_TYPE_STRING)
    {
      self->history_after = g_strdup (json_node_get_string (next));
      read_history (self);
      return;
    }
  g_message ("Wall figures: %u incidents of today read from the history",
             dozor_response_times_get_size (self->times));
  show_figures (self);
}

/* Today's incidents, a page at a time, from local midnight. */
static void
read_history (DozorWallFiguresView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) utc = g_date_time_to_utc (midnight);
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *from = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *path = NULL;

  if (self->history_busy || dozor_sync_client_get_state (self->sync) != DOZOR_SYNC_LIVE)
    return;
  if (self->history_after == NULL && g_strcmp0 (day, self->history_day) == 0)
    return;
  g_free (self->history_day);
  self->history_day = g_steal_pointer (&day);
  if (self->history_after != NULL)
    {
      g_autofree char *after = g_uri_escape_string (self->history_after, NULL, FALSE);

      path = g_strdup_printf ("incidents?from=%s&limit=%d&after=%s", from, HISTORY_PAGE, after);
    }
  else
    path = g_strdup_printf ("incidents?from=%s&limit=%d", from, HISTORY_PAGE);
  self->history_busy = TRUE;
  dozor_sync_client_get_async (self->sync, path, self->cancellable, history_read_cb, self);
}

/* The date under the clock, in the translation's order. glibc's kk_KZ
 * spells month and weekday names with a capital («6 Желтоқсан,
 * Жексенбі») where Kazakh writes them in lower case inside a date; a
 * second translation says whether the language does. A name that begins
 * the date keeps its capital: it begins the line. */
static char *
format_date (GDateTime *now)
{
  /* TRANSLATORS: the wall's date under its clock; see strftime(3) */
  const char *format = _("%A, %-d %B %Y");
  /* TRANSLATORS: "names:lower" if your language writes the month and weekday names (%B, %A) in lower case inside
   * a date, as Kazakh and Russian do; otherwise leave "names:as-spelt", and the locale's spelling is kept */
  gboolean lower = g_str_equal (_("names:as-spelt"), "names:lower");
  g_autoptr(GString) spec = g_string_new (NULL);

  for (const char *p = format; *p != '\0'; p++)
    {
      if (p[0] == '%' && (p[1] == 'A' || p[1] == 'B'))
        {
          const char conversion[] = { '%', p[1], '\0' };
          g_autofree char *name = g_date_time_format (now, conversion);
          g_autofree char *lowered = lower && p != format && name != NULL ? g_utf8_strdown (name, -1) : NULL;

          g_string_append (spec, lowered != NULL ? lowered : name != NULL ? name : "");
          p++;
        }
      else if (p[0] == '%' && p[1] != '\0')
        {
          g_string_append_len (spec, p, 2);
          p++;
        }
      else
        g_string_append_c (spec, *p);
    }
  return g_date_time_format (now, spec->str);
}

static gboolean
clock_cb (gpointer user_data)
{
  DozorWallFiguresView *self = DOZOR_WALL_FIGURES_VIEW (user_data);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *clock = dozor_format_local_clock (now, TRUE);
  g_autofree char *date = format_date (now);

  gtk_label_set_text (self->clock, clock);
  if (date != NULL && g_strcmp0 (gtk_label_get_text (self->date), g_strstrip (date)) != 0)
    {
      /* Tests read this; once a day, not each second. */
      g_debug ("Wall date: %s", date);
      gtk_label_set_text (self->date, date);
    }
  /* A new day: its figures start from its own history. */
  read_history (self);
  return G_SOURCE_CONTINUE;
}

static void
apply_sizes (DozorWallFiguresView *self)
{
  double cap = self->cap_height;

  dozor_wall_text_size (self->clock, cap, 2.0, TRUE);
  dozor_wall_text_size (self->date, cap, 1.0, FALSE);
  dozor_wall_text_size (self->units_heading, cap, 1.3, TRUE);
  dozor_wall_text_size (self->incidents_heading, cap, 1.3, TRUE);
  dozor_wall_text_size (self->response_heading, cap, 1.3, TRUE);
  for (guint r = 0; r < N_UNIT_ROWS; r++)
    {
      dozor_wall_text_size (self->unit_names[r], cap, 1.0, FALSE);
      dozor_wall_text_size (self->unit_counts[r], cap, 1.3, TRUE);
    }
  for (guint p = 0; p < DOZOR_INCIDENT_PRIORITIES; p++)
    {
      dozor_wall_text_size (self->priority_names[p], cap, 1.0, FALSE);
      dozor_wall_text_size (self->priority_counts[p], cap, 1.3, TRUE);
    }
  dozor_wall_text_size (self->waiting, cap, 1.0, FALSE);
  dozor_wall_text_size (self->response, cap, 1.0, FALSE);

  /* The symbols grow with the text, as large as a line of it: the box
   * holds the stale symbol's ring (19 px across at the desk's size, where
   * the disc is 11), and a box taller than the text would make each row
   * of the forces taller than its words and push the last rows off a
   * monitor seen from far away (a 4K panel at 8 m). */
  if (cap > 0)
    {
      int line = 0;

      gtk_widget_measure (GTK_WIDGET (self->unit_names[ROW_AVAILABLE]), GTK_ORIENTATION_VERTICAL, -1, &line, NULL,
                          NULL, NULL);
      self->symbol_scale = MAX (line / 20.0, 1.0);
    }
  else
    self->symbol_scale = 1.0;
  for (guint r = 0; r < N_UNIT_ROWS; r++)
    {
      int side = (int) (20 * self->symbol_scale);

      gtk_widget_set_size_request (self->unit_symbols[r], side, side);
      gtk_widget_queue_draw (self->unit_symbols[r]);
    }
  {
    int row_gap = (int) MAX (cap * 0.25, 4), column_gap = (int) MAX (cap * 0.6, 8);
    GtkWidget *blocks[] = { self->clock_block, GTK_WIDGET (self->forces), GTK_WIDGET (self->incidents),
                            self->response_block };

    for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
      {
        gtk_grid_set_row_spacing (GTK_GRID (blocks[b]), row_gap);
        gtk_grid_set_column_spacing (GTK_GRID (blocks[b]), column_gap);
      }
    /* Blocks side by side are further apart than a table's columns, so
     * that the eye sees two tables, not one. */
    dozor_wall_blocks_layout_set_spacing (DOZOR_WALL_BLOCKS_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                          (int) MAX (cap * 2, 24), (int) MAX (cap * 0.8, 8));
  }
}

static void
dozor_wall_figures_view_dispose (GObject *object)
{
  DozorWallFiguresView *self = DOZOR_WALL_FIGURES_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_pointer (&self->clock_block, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->forces, gtk_widget_unparent);
  g_clear_pointer ((GtkWidget **) &self->incidents, gtk_widget_unparent);
  g_clear_pointer (&self->response_block, gtk_widget_unparent);
  if (self->situation != NULL)
    g_signal_handlers_disconnect_by_data (self->situation, self);
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->situation);
  g_clear_object (&self->sync);
  g_clear_object (&self->times);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dozor_wall_figures_view_parent_class)->dispose (object);
}

static void
dozor_wall_figures_view_finalize (GObject *object)
{
  DozorWallFiguresView *self = DOZOR_WALL_FIGURES_VIEW (object);

  g_free (self->history_day);
  g_free (self->history_after);
  g_free (self->last_log);

  G_OBJECT_CLASS (dozor_wall_figures_view_parent_class)->finalize (object);
}

static void
dozor_wall_figures_view_class_init (DozorWallFiguresViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_wall_figures_view_dispose;
  object_class->finalize = dozor_wall_figures_view_finalize;
  gtk_widget_class_set_css_name (widget_class, "wallfigures");
}

/* The preferred arrangement first: the clock across the top, the forces
 * and the incidents side by side, today's response times at the bottom.
 * Where the two tables do not fit side by side (long Russian and Kazakh
 * words at a far distance), one goes under the other; where the view is
 * too short for that, the blocks make two columns. */
static const char *const arrangements[] = { "0;1,2;3", "0;1;2;3", "0+1,2+3", NULL };

static void
dozor_wall_figures_view_init (DozorWallFiguresView *self)
{
  self->symbol_scale = 1.0;
  self->times = dozor_response_times_new ();
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_layout_manager (GTK_WIDGET (self), dozor_wall_blocks_layout_new ("figures", arrangements));

  self->clock_block = add_text_block (self, &self->clock, &self->date);
  gtk_label_set_wrap (self->clock, FALSE);

  /* The forces: symbol, status, count. */
  self->forces = GTK_GRID (gtk_grid_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->forces), GTK_WIDGET (self));
  self->units_heading = add_label (self->forces, _("Forces"), 0, 0, 3, 0);
  for (guint r = 0; r < N_UNIT_ROWS; r++)
    {
      self->unit_symbols[r] = gtk_drawing_area_new ();
      g_object_set_data (G_OBJECT (self->unit_symbols[r]), "row", GINT_TO_POINTER (r));
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->unit_symbols[r]), draw_symbol, self, NULL);
      gtk_widget_set_size_request (self->unit_symbols[r], 24, 24);
      gtk_widget_set_valign (self->unit_symbols[r], GTK_ALIGN_CENTER);
      gtk_grid_attach (self->forces, self->unit_symbols[r], 0, r + 1, 1, 1);
      /* The status names the lists use; a stale unit is counted apart. */
      self->unit_names[r] = add_label (self->forces, row_status[r] != NULL ? dozor_unit_status_label (row_status[r])
                                                                           : _("Position stale"),
                                       1, r + 1, 1, 0);
      gtk_widget_set_hexpand (GTK_WIDGET (self->unit_names[r]), TRUE);
      self->unit_counts[r] = add_label (self->forces, NULL, 2, r + 1, 1, 1);
      gtk_label_set_wrap (self->unit_counts[r], FALSE);
    }

  /* The open incidents: by priority, then who waits and how long. */
  self->incidents = GTK_GRID (gtk_grid_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->incidents), GTK_WIDGET (self));
  self->incidents_heading = add_label (self->incidents, _("Open incidents"), 0, 0, 2, 0);
  for (guint p = 0; p < DOZOR_INCIDENT_PRIORITIES; p++)
    {
      g_autofree char *name = g_strdup_printf (_("Priority %u"), p + 1);

      self->priority_names[p] = add_label (self->incidents, name, 0, p + 1, 1, 0);
      gtk_widget_set_hexpand (GTK_WIDGET (self->priority_names[p]), TRUE);
      self->priority_counts[p] = add_label (self->incidents, NULL, 1, p + 1, 1, 1);
      gtk_label_set_wrap (self->priority_counts[p], FALSE);
    }
  self->waiting = add_label (self->incidents, NULL, 0, DOZOR_INCIDENT_PRIORITIES + 1, 2, 0);

  self->response_block = add_text_block (self, &self->response_heading, &self->response);
  gtk_label_set_text (self->response_heading, _("From call to arrival, today"));
}

/**
 * dozor_wall_figures_view_new:
 * @sync: the wall's link, for today's incident history
 * @situation: what the wall shows
 *
 * Returns: (transfer floating): the figures view
 */
DozorWallFiguresView *
dozor_wall_figures_view_new (DozorSyncClient *sync,
                             DozorSituation  *situation)
{
  DozorWallFiguresView *self = g_object_new (DOZOR_TYPE_WALL_FIGURES_VIEW, NULL);

  self->sync = g_object_ref (sync);
  self->situation = g_object_ref (situation);
  g_signal_connect_swapped (situation, "changed", G_CALLBACK (situation_changed_cb), self);
  g_signal_connect_swapped (situation, "applying", G_CALLBACK (applying_cb), self);
  g_signal_connect_swapped (sync, "notify::state", G_CALLBACK (read_history), self);
  take_open_incidents (self);
  clock_cb (self);
  self->clock_id = g_timeout_add_seconds (1, clock_cb, self);
  show_figures (self);
  return self;
}

/**
 * dozor_wall_figures_view_set_cap_height:
 * @self: a #DozorWallFiguresView
 * @cap_height: the legibility rule's capital height, in pixels
 */
void
dozor_wall_figures_view_set_cap_height (DozorWallFiguresView *self,
                                        double                cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_FIGURES_VIEW (self));

  self->cap_height = cap_height;
  apply_sizes (self);
}
