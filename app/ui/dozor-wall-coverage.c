/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The coverage gaps a wall's maps show (districts and sectors with fewer
 * available units than their minimum), computed once for the whole wall,
 * not once per window, and only while one of its maps is there to draw
 * them: a figures monitor has nowhere to.
 *
 * The desk's crisis pane computes far more (crisis figures, road times,
 * move-ups, over the road graph) for a sidebar a wall never opens; the
 * wall needs only which zones are short. As in the pane, the main thread
 * only copies what the computation needs (the zones once per change of
 * them, the positions of the available units); the zones are parsed, the
 * units placed and counted in a worker, one computation at a time, at
 * most once every THROTTLE_MS.
 */
#include "config.h"

#include "dozor-coverage.h"
#include "dozor-throttle.h"
#include "dozor-wall-coverage.h"
#include "dozor-zone-copies.h"

/* The wall's figures follow the situation once a second; its gaps too. */
#define THROTTLE_MS 1000

typedef struct
{
  char *id;
  double lat, lon;
} Unit;

/* What a computation gets (copies) and gives back. */
typedef struct
{
  GPtrArray *zones;      /* dozor_zone_copies_new(), shared until the zones change */
  GVariant *minimums;    /* a{su}, the setting */
  GArray *units;         /* Unit: available, with a fix that is not stale */
  GPtrArray *flagged;    /* zone ids, the answer */
  gint64 copy_us;        /* on the main thread */
  gint64 compute_us;     /* in the worker */
} Job;

struct _DozorWallCoverage
{
  GObject parent_instance;

  DozorSituation *situation;
  GSettings *settings;
  GCancellable *cancellable;
  GPtrArray *zones;      /* dozor_zone_copies_new(), until the zones change */
  GPtrArray *flagged;    /* zone ids, as last computed; nullable */
  GPtrArray *maps;       /* DozorMapView, those that show the gaps; not owned */
  DozorThrottle throttle;
};

G_DEFINE_FINAL_TYPE (DozorWallCoverage, dozor_wall_coverage, G_TYPE_OBJECT)

static void schedule (DozorWallCoverage *self);
static void map_finalized_cb (gpointer  user_data,
                              GObject  *map);

static void
unit_clear (Unit *unit)
{
  g_free (unit->id);
}

static void
job_free (Job *job)
{
  g_clear_pointer (&job->zones, g_ptr_array_unref);
  g_clear_pointer (&job->minimums, g_variant_unref);
  g_clear_pointer (&job->units, g_array_unref);
  g_clear_pointer (&job->flagged, g_ptr_array_unref);
  g_free (job);
}

/* The zones are copied once per change of them, not once per computation. */
static GPtrArray *
get_zones (DozorWallCoverage *self)
{
  if (self->zones == NULL)
    self->zones = dozor_zone_copies_new (self->situation);
  return g_ptr_array_ref (self->zones);
}

/* Only what counts: available units whose fix is current (coverage by a
 * car nobody has heard of for minutes would be a promise). */
static GArray *
copy_units (DozorWallCoverage *self)
{
  GPtrArray *units = dozor_situation_get_units (self->situation);
  gint64 now = dozor_situation_get_now (self->situation);
  GArray *copies = g_array_new (FALSE, FALSE, sizeof (Unit));

  g_array_set_clear_func (copies, (GDestroyNotify) unit_clear);
  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = g_ptr_array_index (units, i);
      Unit copy;

      if (!unit->has_fix || now - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC ||
          g_strcmp0 (unit->status, "available") != 0)
        continue;
      copy = (Unit) { g_strdup (unit->id), unit->lat, unit->lon };
      g_array_append_val (copies, copy);
    }
  return copies;
}

static void
compute_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(DozorCoverage) coverage = dozor_coverage_new ();
  g_autoptr(GArray) flagged = NULL;
  gint64 start = g_get_monotonic_time ();

  dozor_zone_copies_add_to (job->zones, job->minimums, coverage);
  for (guint i = 0; i < job->units->len; i++)
    {
      const Unit *unit = &g_array_index (job->units, Unit, i);

      dozor_coverage_add_unit (coverage, unit->id, unit->lat, unit->lon);
    }
  dozor_coverage_compute (coverage);

  flagged = dozor_coverage_get_flagged (coverage);
  job->flagged = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < flagged->len; i++)
    g_ptr_array_add (job->flagged, g_strdup (dozor_coverage_get_zone_id (coverage, g_array_index (flagged, guint, i))));
  job->compute_us = g_get_monotonic_time () - start;
  g_task_return_boolean (task, TRUE);
}

static void
computed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorWallCoverage *self = DOZOR_WALL_COVERAGE (object);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return;   /* cancelled: the wall is going */

  g_clear_pointer (&self->flagged, g_ptr_array_unref);
  self->flagged = g_ptr_array_ref (job->flagged);
  /* The administrator and the tests read this: once per computation for
   * the whole wall, whatever the number of its windows. */
  g_debug ("Wall coverage computed in %.1f ms (copied in %.1f ms on the main thread): "
           "%u available units, %u zones, %u flagged",
           job->compute_us / 1000.0, job->copy_us / 1000.0, job->units->len, job->zones->len, job->flagged->len);
  for (guint i = 0; i < self->maps->len; i++)
    dozor_map_view_set_flagged_zones (self->maps->pdata[i], self->flagged);

  dozor_throttle_done (&self->throttle);
}

static void
compute (DozorWallCoverage *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, computed_cb, NULL);
  Job *job = g_new0 (Job, 1);
  gint64 start = g_get_monotonic_time ();

  job->zones = get_zones (self);
  /* The desk's setting: a wall's settings are its own machine's. */
  job->minimums = g_settings_get_value (self->settings, "zone-minimums");
  job->units = copy_units (self);
  job->copy_us = g_get_monotonic_time () - start;

  g_task_set_source_tag (task, compute);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, compute_in_thread);
}

static void
schedule (DozorWallCoverage *self)
{
  if (self->maps->len > 0)
    dozor_throttle_request (&self->throttle);
}

static void
situation_changed_cb (DozorWallCoverage *self,
                      guint              what)
{
  if (what & DOZOR_SITUATION_AREAS)
    g_clear_pointer (&self->zones, g_ptr_array_unref);
  schedule (self);
}

static void
minimums_changed_cb (DozorWallCoverage *self)
{
  schedule (self);
}

static void
dozor_wall_coverage_dispose (GObject *object)
{
  DozorWallCoverage *self = DOZOR_WALL_COVERAGE (object);

  g_cancellable_cancel (self->cancellable);
  dozor_throttle_clear (&self->throttle);
  g_clear_object (&self->situation);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->flagged, g_ptr_array_unref);
  for (guint i = 0; i < self->maps->len; i++)
    g_object_weak_unref (self->maps->pdata[i], map_finalized_cb, self);
  g_ptr_array_set_size (self->maps, 0);

  G_OBJECT_CLASS (dozor_wall_coverage_parent_class)->dispose (object);
}

static void
dozor_wall_coverage_finalize (GObject *object)
{
  DozorWallCoverage *self = DOZOR_WALL_COVERAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->maps, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_wall_coverage_parent_class)->finalize (object);
}

static void
dozor_wall_coverage_class_init (DozorWallCoverageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_wall_coverage_dispose;
  object_class->finalize = dozor_wall_coverage_finalize;
}

static void
dozor_wall_coverage_init (DozorWallCoverage *self)
{
  self->cancellable = g_cancellable_new ();
  dozor_throttle_init (&self->throttle, THROTTLE_MS, (DozorThrottleFunc) compute, self);
  self->maps = g_ptr_array_new ();
}

/**
 * dozor_wall_coverage_new:
 * @situation: the wall's situation, followed from now on
 *
 * Computes nothing until dozor_wall_coverage_show_on() gives it a map.
 *
 * Returns: (transfer full): the wall's coverage
 */
DozorWallCoverage *
dozor_wall_coverage_new (DozorSituation *situation)
{
  DozorWallCoverage *self = g_object_new (DOZOR_TYPE_WALL_COVERAGE, NULL);

  self->situation = g_object_ref (situation);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (situation, "changed", G_CALLBACK (situation_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::zone-minimums", G_CALLBACK (minimums_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return self;
}

/* A window closed and its map went with it. Not a reference of ours: the
 * map lives as long as its window wants it. */
static void
map_finalized_cb (gpointer  user_data,
                  GObject  *map)
{
  DozorWallCoverage *self = user_data;

  g_ptr_array_remove (self->maps, map);
  if (self->maps->len == 0)
    {
      dozor_throttle_clear (&self->throttle);
      g_debug ("Wall coverage: no map shows it, not computed");
    }
}

/**
 * dozor_wall_coverage_show_on:
 * @self: a #DozorWallCoverage
 * @map: a map of the wall, which draws the gaps from now on until it is
 *   destroyed
 *
 * Computed while there is at least one such map, once for all of them.
 */
void
dozor_wall_coverage_show_on (DozorWallCoverage *self,
                             DozorMapView      *map)
{
  g_return_if_fail (DOZOR_IS_WALL_COVERAGE (self));
  g_return_if_fail (DOZOR_IS_MAP_VIEW (map));

  if (g_ptr_array_find (self->maps, map, NULL))
    return;
  g_ptr_array_add (self->maps, map);
  g_object_weak_ref (G_OBJECT (map), map_finalized_cb, self);
  if (self->flagged != NULL)
    dozor_map_view_set_flagged_zones (map, self->flagged);
  g_debug ("Wall coverage: shown on %u maps", self->maps->len);
  schedule (self);
}
