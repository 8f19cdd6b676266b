/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Forces and means on a desk: while a degree of readiness is raised with a
 * crisis area, how many units of each status are inside it and in each
 * ring around it, the available units closest to it by road and those
 * heading there with their arrival; and always, every district's and
 * sector's available units, the zones short of their minimum and which
 * unit to move up to cover them.
 *
 * The situation changes many times a second (positions); the figures are
 * recomputed at most every THROTTLE_MS, from copies made on the main
 * thread (the library objects copy what they need), in a worker, one
 * computation at a time. The road graph is the board's one
 * (DozorRoadService); until it is built the figures come without road
 * times, and again with them once it is.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-coverage.h"
#include "dozor-crisis-figures.h"
#include "dozor-crisis-pane.h"
#include "dozor-labels.h"
#include "dozor-throttle.h"
#include "dozor-zone-copies.h"

#define THROTTLE_MS 500

/* What a computation gets (copies) and gives back. */
typedef struct
{
  DozorCrisisArea *area;         /* nullable: no crisis */
  GVariant *rings;               /* ad, from the settings */
  GVariant *minimums;            /* a{su}, from the settings */
  GArray *units;                 /* UnitCopy */
  GPtrArray *zones;              /* dozor_zone_copies_new(), shared with the pane */
  DozorCrisisFigures *figures;   /* nullable: no crisis area */
  DozorCoverage *coverage;
  DozorRoadGraph *graph;         /* nullable until built */
  GArray *move_ups;              /* DozorCoverageMoveUp, nullable */
  gint64 compute_us;             /* time for the figures and coverage */
  gint64 copy_us;                /* time on the main thread, copying */
} Job;

struct _DozorCrisisPane
{
  AdwBin parent_instance;

  GtkWidget *crisis_box;
  GtkGrid *rings_grid;
  GtkBox *nearest_box;
  GtkBox *heading_box;
  GtkBox *zones_box;

  GSettings *settings;
  DozorSituation *situation;
  GCancellable *cancellable;
  DozorRoadService *roads;
  GPtrArray *zones;           /* dozor_zone_copies_new(), until the zones change */
  DozorThrottle throttle;

  /* The last figures computed, read on the main thread only. */
  DozorCrisisFigures *figures;
  DozorCoverage *coverage;
  GArray *move_ups;
};

G_DEFINE_FINAL_TYPE (DozorCrisisPane, dozor_crisis_pane, ADW_TYPE_BIN)

enum
{
  COVERAGE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (DozorCrisisPane *self);

static void
job_free (Job *job)
{
  g_clear_object (&job->area);
  g_clear_pointer (&job->rings, g_variant_unref);
  g_clear_pointer (&job->minimums, g_variant_unref);
  g_clear_pointer (&job->units, g_array_unref);
  g_clear_pointer (&job->zones, g_ptr_array_unref);
  g_clear_object (&job->figures);
  g_clear_object (&job->coverage);
  g_clear_object (&job->graph);
  g_clear_pointer (&job->move_ups, g_array_unref);
  g_free (job);
}

/* What a computation needs of a unit, copied on the main thread: the
 * library objects are built in the worker, so that parsing the zones and
 * adding thousands of units never holds up a frame. */
typedef struct
{
  char *id;
  char *status;
  gboolean current;   /* has a fix that is not stale */
  double lat, lon;
  gboolean heading;   /* on a dispatch into the crisis area */
} UnitCopy;

static void
unit_copy_clear (UnitCopy *unit)
{
  g_free (unit->id);
  g_free (unit->status);
}

/* A unit heads there when its active dispatch is to an incident inside
 * the area: a crisis has many incidents, the readiness names none. */
static gboolean
heading_into (DozorSituation  *situation,
              DozorCrisisArea *area,
              const char      *unit_id)
{
  JsonObject *dispatch = area != NULL ? dozor_situation_get_unit_dispatch (situation, unit_id) : NULL;
  const char *incident_id = dispatch != NULL ? json_object_get_string_member_with_default (dispatch, "incident_id", NULL) : NULL;
  JsonObject *incident = incident_id != NULL ? dozor_situation_get_entity (situation, "incident", incident_id) : NULL;
  double lat, lon;

  return incident != NULL && dozor_incident_get_location (incident, &lat, &lon) &&
         dozor_crisis_area_contains (area, lon, lat);
}

static GArray *
copy_units (DozorCrisisPane *self,
            DozorCrisisArea *area,
            gint64           now)
{
  GPtrArray *units = dozor_situation_get_units (self->situation);
  GArray *copies = g_array_sized_new (FALSE, FALSE, sizeof (UnitCopy), units->len);

  g_array_set_clear_func (copies, (GDestroyNotify) unit_copy_clear);
  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = g_ptr_array_index (units, i);
      UnitCopy copy = {
        g_strdup (unit->id), g_strdup (unit->status != NULL ? unit->status : ""),
        unit->has_fix && now - unit->fix_time <= DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC,
        unit->lat, unit->lon, heading_into (self->situation, area, unit->id),
      };

      g_array_append_val (copies, copy);
    }
  return copies;
}

/* The zones are copied once per change of them, not once per computation. */
static GPtrArray *
get_zones (DozorCrisisPane *self)
{
  if (self->zones == NULL)
    self->zones = dozor_zone_copies_new (self->situation);
  return g_ptr_array_ref (self->zones);
}

/* In the worker. */
static DozorCrisisFigures *
make_figures (Job *job)
{
  g_autoptr(DozorCrisisFigures) figures = NULL;
  g_autoptr(GError) error = NULL;
  const double *radii;
  gsize n_radii;

  if (job->area == NULL)
    return NULL;

  figures = dozor_crisis_figures_new_for_area (job->area, &error);
  if (figures == NULL)
    {
      g_debug ("Crisis figures: %s", error->message);
      return NULL;
    }
  radii = g_variant_get_fixed_array (job->rings, &n_radii, sizeof (double));
  /* The schema cannot check the radii grow; the figures can, and a wrong
   * setting keeps the default rings rather than none. */
  if (n_radii > 0 && !dozor_crisis_figures_set_rings (figures, radii, n_radii))
    g_debug ("Crisis rings from the settings ignored: not growing, or too many");

  for (guint i = 0; i < job->units->len; i++)
    {
      const UnitCopy *unit = &g_array_index (job->units, UnitCopy, i);

      dozor_crisis_figures_add_unit (figures, unit->id, unit->status, unit->current, unit->lat, unit->lon,
                                     unit->heading);
    }
  return g_steal_pointer (&figures);
}

/* In the worker. Each zone's minimum: the settings' map, by the zone's id
 * or its name, else the default; the available units with a current fix,
 * as dozor_coverage_add_situation() takes them. */
static DozorCoverage *
make_coverage (Job *job)
{
  DozorCoverage *coverage = dozor_coverage_new ();

  dozor_zone_copies_add_to (job->zones, job->minimums, coverage);
  for (guint i = 0; i < job->units->len; i++)
    {
      const UnitCopy *unit = &g_array_index (job->units, UnitCopy, i);

      if (unit->current && g_str_equal (unit->status, "available"))
        dozor_coverage_add_unit (coverage, unit->id, unit->lat, unit->lon);
    }
  return coverage;
}

static void
compute_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  job->figures = make_figures (job);
  job->coverage = make_coverage (job);
  if (job->figures != NULL)
    {
      dozor_crisis_figures_count (job->figures);
      if (job->graph != NULL && !dozor_crisis_figures_time_by_road (job->figures, job->graph, cancellable, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  dozor_coverage_compute (job->coverage);
  if (job->graph != NULL)
    {
      job->move_ups = dozor_coverage_suggest_move_ups (job->coverage, job->graph, cancellable, &error);
      if (job->move_ups == NULL && error != NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  job->compute_us = g_get_monotonic_time () - start;
  g_task_return_boolean (task, TRUE);
}

static const char *
call_sign (DozorCrisisPane *self,
           const char      *unit_id)
{
  DozorUnit *unit = dozor_situation_get_unit (self->situation, unit_id);

  return unit != NULL && unit->call_sign != NULL ? unit->call_sign : unit_id;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)) != NULL)
    {
      if (GTK_IS_GRID (box))
        gtk_grid_remove (GTK_GRID (box), child);
      else
        gtk_box_remove (GTK_BOX (box), child);
    }
}

static GtkWidget *
row_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
grid_cell (GtkGrid    *grid,
           int         column,
           int         row,
           const char *text,
           gboolean    heading)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  if (heading)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static char *
minutes_text (double seconds)
{
  if (isinf (seconds))
    return g_strdup (_("no road time"));
  return dozor_format_minutes ((int) ceil (seconds / 60.0));
}

static char *
band_name (DozorCrisisFigures *figures,
           guint               band)
{
  g_autofree char *ring = NULL;

  if (band == DOZOR_CRISIS_INSIDE)
    return g_strdup (_("Inside"));
  /* Translators: a ring around the crisis area, "up to 3 km" */
  ring = g_strdup_printf (_("≤ %g km"), dozor_crisis_figures_get_ring_m (figures, band) / 1000.0);
  return dozor_unbroken (ring);
}

static void
show_rings (DozorCrisisPane *self)
{
  DozorCrisisFigures *figures = self->figures;
  /* Units sent and on their way count together: both are committed. */
  static const char *const columns[][2] = {
    { "available", NULL }, { "dispatched", "en_route" }, { "on_scene", NULL }, { "busy", NULL },
  };

  clear_box (GTK_WIDGET (self->rings_grid));
  grid_cell (self->rings_grid, 1, 0, _("All"), TRUE);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    grid_cell (self->rings_grid, c + 2, 0,
               columns[c][1] != NULL ? _("Sent") : dozor_unit_status_label (columns[c][0]), TRUE);

  for (guint band = 0; band <= dozor_crisis_figures_get_n_rings (figures); band++)
    {
      g_autofree char *name = band_name (figures, band);
      g_autofree char *all = g_strdup_printf ("%u", dozor_crisis_figures_get_count (figures, band, NULL));
      g_autoptr(GString) line = g_string_new (NULL);

      grid_cell (self->rings_grid, 0, band + 1, name, FALSE);
      grid_cell (self->rings_grid, 1, band + 1, all, FALSE);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          guint n = dozor_crisis_figures_get_count (figures, band, columns[c][0]);
          g_autofree char *text = NULL;

          if (columns[c][1] != NULL)
            n += dozor_crisis_figures_get_count (figures, band, columns[c][1]);
          text = g_strdup_printf ("%u", n);
          grid_cell (self->rings_grid, c + 2, band + 1, text, FALSE);
          g_string_append_printf (line, " %s=%u", columns[c][0], n);
        }
      g_debug ("Crisis band %u (%.0f m): all=%u%s", band,
               band == 0 ? 0.0 : dozor_crisis_figures_get_ring_m (figures, band),
               dozor_crisis_figures_get_count (figures, band, NULL), line->str);
    }
}

static void
show_units (DozorCrisisPane *self,
            GtkBox          *box,
            GArray          *units,
            const char      *what,
            const char      *empty)
{
  clear_box (GTK_WIDGET (box));
  for (guint i = 0; i < units->len; i++)
    {
      guint unit = g_array_index (units, guint, i);
      const char *name = call_sign (self, dozor_crisis_figures_get_unit_id (self->figures, unit));
      g_autofree char *time = minutes_text (dozor_crisis_figures_get_unit_time (self->figures, unit));
      /* Translators: a unit and its road time, "Барыс-12 — 4 min" */
      g_autofree char *text = g_strdup_printf (_("%s — %s"), name, time);

      gtk_box_append (box, row_label (text, NULL));
      g_debug ("Crisis %s: %s %s", what, name, time);
    }
  if (units->len == 0)
    gtk_box_append (box, row_label (empty, "dim-label"));
}

static void
show_crisis (DozorCrisisPane *self)
{
  g_autoptr(GArray) nearest = NULL;
  g_autoptr(GArray) heading = NULL;

  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_STACK);

  /* A crisis just began: the pane comes forward in the sidebar, once; the
   * user may then turn to another page and it stays there. */
  if (self->figures != NULL && !gtk_widget_get_visible (self->crisis_box) && stack != NULL)
    gtk_stack_set_visible_child (GTK_STACK (stack), GTK_WIDGET (self));
  gtk_widget_set_visible (self->crisis_box, self->figures != NULL);
  if (self->figures == NULL)
    return;

  show_rings (self);
  nearest = dozor_crisis_figures_get_nearest (self->figures,
                                              g_settings_get_uint (self->settings, "crisis-nearest"));
  show_units (self, self->nearest_box, nearest, "nearest",
              dozor_road_service_get_error (self->roads) != NULL ? dozor_road_service_get_error (self->roads) :
                _("No available unit reaches it by road"));
  heading = dozor_crisis_figures_get_heading (self->figures);
  show_units (self, self->heading_box, heading, "heading", _("No unit is on its way"));
}

static void
show_move_ups (DozorCrisisPane *self,
               guint            zone)
{
  for (guint i = 0; self->move_ups != NULL && i < self->move_ups->len; i++)
    {
      const DozorCoverageMoveUp *move = &g_array_index (self->move_ups, DozorCoverageMoveUp, i);
      const char *name;
      g_autofree char *time = NULL;
      g_autofree char *text = NULL;

      if (move->zone != zone)
        continue;
      name = call_sign (self, dozor_coverage_get_unit_id (self->coverage, move->unit));
      time = minutes_text (move->time_s);
      /* Translators: a move-up suggestion: a unit and its road time */
      text = g_strdup_printf (_("Move up %s (%s)"), name, time);
      gtk_box_append (self->zones_box, row_label (text, "accent"));
      g_debug ("Move-up: %s to %s, %s", name, dozor_coverage_get_zone_name (self->coverage, zone), time);
    }
}

static void
show_coverage (DozorCrisisPane *self)
{
  DozorCoverage *coverage = self->coverage;
  guint n_zones = dozor_coverage_get_n_zones (coverage);
  g_autoptr(GArray) flagged = dozor_coverage_get_flagged (coverage);

  clear_box (GTK_WIDGET (self->zones_box));
  if (n_zones == 0)
    gtk_box_append (self->zones_box, row_label (_("No districts or sectors on the board"), "dim-label"));

  /* The zones short of units first: they are what the list is for. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint z = 0; z < n_zones; z++)
      {
        gboolean short_of = dozor_coverage_is_flagged (coverage, z);
        g_autofree char *text = NULL;

        if (short_of != (pass == 0))
          continue;
        /* Translators: a zone, its available units and its minimum */
        text = g_strdup_printf (_("%s: %u available (minimum %u)"), dozor_coverage_get_zone_name (coverage, z),
                                dozor_coverage_get_count (coverage, z), dozor_coverage_get_minimum (coverage, z));
        gtk_box_append (self->zones_box, row_label (text, short_of ? "error" : NULL));
        g_debug ("Coverage: %s %u available (minimum %u)%s", dozor_coverage_get_zone_name (coverage, z),
                 dozor_coverage_get_count (coverage, z), dozor_coverage_get_minimum (coverage, z),
                 short_of ? " flagged" : "");
        if (short_of)
          show_move_ups (self, z);
      }
  g_debug ("Coverage: %u of %u zones flagged", flagged->len, n_zones);
}

static void
computed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorCrisisPane *self = DOZOR_CRISIS_PANE (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Crisis figures not computed: %s", error->message);
    }
  if (error == NULL)
    {
      g_set_object (&self->figures, job->figures);
      g_set_object (&self->coverage, job->coverage);
      g_clear_pointer (&self->move_ups, g_array_unref);
      self->move_ups = job->move_ups != NULL ? g_array_ref (job->move_ups) : NULL;
      show_crisis (self);
      show_coverage (self);
      g_debug ("Crisis figures and coverage computed in %.1f ms (copied in %.1f ms on the main thread): "
               "%u units, %u available, %u zones",
               job->compute_us / 1000.0, job->copy_us / 1000.0, dozor_situation_get_units (self->situation)->len,
               dozor_coverage_get_n_units (job->coverage), dozor_coverage_get_n_zones (job->coverage));
      g_signal_emit (self, signals[COVERAGE_CHANGED], 0);
    }

  dozor_throttle_done (&self->throttle);
}

static void
compute (DozorCrisisPane *self)
{
  /* Coverage counts fresh units: a replay's from its moment. */
  gint64 now = dozor_situation_get_now (self->situation);
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, computed_cb, NULL);
  Job *job = g_new0 (Job, 1);
  gint64 start = g_get_monotonic_time ();

  DozorCrisisArea *area = dozor_situation_get_crisis_area (self->situation);

  if (g_strcmp0 (dozor_situation_get_readiness (self->situation), "normal") == 0)
    area = NULL;
  job->area = area != NULL ? g_object_ref (area) : NULL;
  job->rings = g_settings_get_value (self->settings, "crisis-rings");
  job->minimums = g_settings_get_value (self->settings, "zone-minimums");
  job->units = copy_units (self, job->area, now);
  job->zones = get_zones (self);
  job->copy_us = g_get_monotonic_time () - start;
  job->graph = dozor_road_service_get_graph (self->roads);
  if (job->graph != NULL)
    g_object_ref (job->graph);
  else
    dozor_road_service_ensure (self->roads);

  g_task_set_source_tag (task, compute);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, compute_in_thread);
}

static void
schedule (DozorCrisisPane *self)
{
  /* A wall's pane follows no situation (a setting may still change). */
  if (self->situation != NULL)
    dozor_throttle_request (&self->throttle);
}

static void
situation_changed_cb (DozorCrisisPane *self,
                      guint            what)
{
  if (what & DOZOR_SITUATION_AREAS)
    g_clear_pointer (&self->zones, g_ptr_array_unref);
  schedule (self);
}

static void
settings_changed_cb (DozorCrisisPane *self)
{
  schedule (self);
}

static void
dozor_crisis_pane_dispose (GObject *object)
{
  DozorCrisisPane *self = DOZOR_CRISIS_PANE (object);

  g_cancellable_cancel (self->cancellable);
  dozor_throttle_clear (&self->throttle);
  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_CRISIS_PANE);
  g_clear_object (&self->situation);
  g_clear_object (&self->settings);
  g_clear_object (&self->roads);
  g_clear_object (&self->figures);
  g_clear_object (&self->coverage);
  g_clear_pointer (&self->move_ups, g_array_unref);
  g_clear_pointer (&self->zones, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_crisis_pane_parent_class)->dispose (object);
}

static void
dozor_crisis_pane_finalize (GObject *object)
{
  DozorCrisisPane *self = DOZOR_CRISIS_PANE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dozor_crisis_pane_parent_class)->finalize (object);
}

static void
dozor_crisis_pane_class_init (DozorCrisisPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_crisis_pane_dispose;
  object_class->finalize = dozor_crisis_pane_finalize;

  /**
   * DozorCrisisPane::coverage-changed:
   *
   * After new coverage figures: the flagged zones may be others.
   */
  signals[COVERAGE_CHANGED] = g_signal_new ("coverage-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-crisis-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisPane, crisis_box);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisPane, rings_grid);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisPane, nearest_box);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisPane, heading_box);
  gtk_widget_class_bind_template_child (widget_class, DozorCrisisPane, zones_box);
}

static void
dozor_crisis_pane_init (DozorCrisisPane *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  dozor_throttle_init (&self->throttle, THROTTLE_MS, (DozorThrottleFunc) compute, self);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
}

/**
 * dozor_crisis_pane_set_situation:
 * @self: a #DozorCrisisPane
 * @situation: what to count, followed from now on
 * @roads: the board's road graph, for road times
 */
void
dozor_crisis_pane_set_situation (DozorCrisisPane  *self,
                                 DozorSituation   *situation,
                                 DozorRoadService *roads)
{
  g_return_if_fail (DOZOR_IS_CRISIS_PANE (self));
  g_return_if_fail (self->situation == NULL);

  self->situation = g_object_ref (situation);
  self->roads = g_object_ref (roads);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, G_CONNECT_SWAPPED);
  /* Road times once the graph is there, or the reason there are none. */
  g_signal_connect_object (roads, "notify::graph", G_CALLBACK (schedule), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (roads, "notify::error", G_CALLBACK (schedule), self, G_CONNECT_SWAPPED);
  schedule (self);
}

/**
 * dozor_crisis_pane_get_active:
 * @self: a #DozorCrisisPane
 *
 * Returns: whether it shows a crisis area's figures
 */
gboolean
dozor_crisis_pane_get_active (DozorCrisisPane *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_PANE (self), FALSE);

  return self->figures != NULL;
}

/**
 * dozor_crisis_pane_get_flagged_zones:
 * @self: a #DozorCrisisPane
 *
 * Returns: (transfer full) (element-type utf8): the ids of the zones below
 *   their minimum, as last computed
 */
GPtrArray *
dozor_crisis_pane_get_flagged_zones (DozorCrisisPane *self)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) flagged = NULL;

  g_return_val_if_fail (DOZOR_IS_CRISIS_PANE (self), ids);

  if (self->coverage == NULL)
    return ids;
  flagged = dozor_coverage_get_flagged (self->coverage);
  for (guint i = 0; i < flagged->len; i++)
    g_ptr_array_add (ids, g_strdup (dozor_coverage_get_zone_id (self->coverage, g_array_index (flagged, guint, i))));
  return ids;
}

/**
 * dozor_crisis_pane_describe_shortage:
 * @self: a #DozorCrisisPane
 * @unit_id: a unit about to be dispatched
 *
 * What a dispatch's confirmation warns of, from the coverage last
 * computed (at most THROTTLE_MS and one computation old).
 *
 * Returns: (transfer full) (nullable): one sentence per zone the dispatch
 *   leaves short, or %NULL if none
 */
char *
dozor_crisis_pane_describe_shortage (DozorCrisisPane *self,
                                     const char      *unit_id)
{
  g_autoptr(GArray) zones = NULL;
  g_autoptr(GString) text = NULL;
  guint unit;

  g_return_val_if_fail (DOZOR_IS_CRISIS_PANE (self), NULL);

  if (self->coverage == NULL || (unit = dozor_coverage_find_unit (self->coverage, unit_id)) == G_MAXUINT)
    return NULL;

  zones = dozor_coverage_would_leave_short (self->coverage, unit);
  if (zones->len == 0)
    return NULL;

  text = g_string_new (NULL);
  for (guint i = 0; i < zones->len; i++)
    {
      guint z = g_array_index (zones, guint, i);
      guint left = dozor_coverage_get_count (self->coverage, z) - 1;

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (left == 0)
        g_string_append_printf (text, _("This leaves %s with no available unit."),
                                dozor_coverage_get_zone_name (self->coverage, z));
      else
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                   "This leaves %s with %u available unit, below its minimum of %u.",
                                                   "This leaves %s with %u available units, below its minimum of %u.",
                                                   left),
                                dozor_coverage_get_zone_name (self->coverage, z), left,
                                dozor_coverage_get_minimum (self->coverage, z));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
