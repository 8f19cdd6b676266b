/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The forces and means around a crisis: how many units of each status are
 * inside the area and in each ring around it, which available units are
 * closest by road, and when those sent there arrive.
 *
 * Distances are measured in metres in a projection centred on the area
 * (azimuthal equidistant, PROJ's), where GEOS answers containment with a
 * prepared geometry and the distance to the area's boundary; a buffer of
 * the outermost ring, prepared too, rules out the far units of a city's
 * fleet before any distance is computed. Rings are bands: ring k holds
 * the units farther than ring k − 1 and at most its own radius from the
 * area (ring 0 being the area itself), so every unit counts once. GEOS's
 * and PROJ's C APIs, not OGR's: the board then needs no GDAL
 * (docs/decisions.md, "GDAL only for files").
 *
 * One object per question, no shared state (a GEOS and a PROJ context of
 * its own): build and count in any thread, one at a time.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "dozor-crisis-figures.h"
#include "dozor-geos.h"

/* A circle is drawn with this many segments per quarter: at 1 km the
 * polygon is at most 0.3 m inside the true circle. */
#define CIRCLE_QUARTER_SEGMENTS 32

/* The outer filter is a little wider than the last ring, so that the
 * buffer's straight segments never cut off a unit that is inside it. */
#define FILTER_MARGIN_M 50.0

static const double default_rings_m[] = { 1000, 3000, 5000 };

typedef struct
{
  char *id;
  char *status;
  gboolean has_fix;
  double lat, lon;
  gboolean heading_there;
  guint band;
  double time_s;
} Unit;

struct _DozorCrisisFigures
{
  GObject parent_instance;

  GEOSContextHandle_t geos;
  PJ_CONTEXT *proj;
  PJ *to_metres;
  GEOSGeometry *area;         /* in local metres */
  const GEOSPreparedGeometry *prepared_area;
  GEOSGeometry *filter;       /* the area grown by the last ring */
  const GEOSPreparedGeometry *prepared_filter;
  double rings_m[DOZOR_CRISIS_FIGURES_MAX_RINGS];
  guint n_rings;
  double scene_lat, scene_lon;

  GArray *units;              /* Unit */
  GHashTable *counts[DOZOR_CRISIS_FIGURES_MAX_RINGS + 1]; /* status → count */
};

G_DEFINE_FINAL_TYPE (DozorCrisisFigures, dozor_crisis_figures, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-crisis-figures-error-quark, dozor_crisis_figures_error)

static void
unit_clear (Unit *unit)
{
  g_free (unit->id);
  g_free (unit->status);
}

static void
destroy_geometry (GEOSContextHandle_t          geos,
                  GEOSGeometry               **geometry,
                  const GEOSPreparedGeometry **prepared)
{
  if (*prepared != NULL)
    GEOSPreparedGeom_destroy_r (geos, *prepared);
  if (*geometry != NULL)
    GEOSGeom_destroy_r (geos, *geometry);
  *prepared = NULL;
  *geometry = NULL;
}

static void
dozor_crisis_figures_finalize (GObject *object)
{
  DozorCrisisFigures *self = (DozorCrisisFigures *)object;

  destroy_geometry (self->geos, &self->filter, &self->prepared_filter);
  destroy_geometry (self->geos, &self->area, &self->prepared_area);
  GEOS_finish_r (self->geos);
  g_clear_pointer (&self->to_metres, proj_destroy);
  g_clear_pointer (&self->proj, proj_context_destroy);
  g_clear_pointer (&self->units, g_array_unref);
  for (guint i = 0; i <= DOZOR_CRISIS_FIGURES_MAX_RINGS; i++)
    g_clear_pointer (&self->counts[i], g_hash_table_unref);

  G_OBJECT_CLASS (dozor_crisis_figures_parent_class)->finalize (object);
}

static void
dozor_crisis_figures_class_init (DozorCrisisFiguresClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_crisis_figures_finalize;
}

static void
dozor_crisis_figures_init (DozorCrisisFigures *self)
{
  self->units = g_array_new (FALSE, TRUE, sizeof (Unit));
  g_array_set_clear_func (self->units, (GDestroyNotify) unit_clear);
  for (guint i = 0; i <= DOZOR_CRISIS_FIGURES_MAX_RINGS; i++)
    self->counts[i] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->geos = GEOS_init_r ();
  self->proj = proj_context_create ();
}

static void
project (DozorCrisisFigures *self,
         double              lat,
         double              lon,
         double             *x,
         double             *y)
{
  PJ_COORD c = proj_trans (self->to_metres, PJ_FWD, proj_coord (lon, lat, 0, 0));

  *x = c.xy.x;
  *y = c.xy.y;
  if (!isfinite (*x) || !isfinite (*y))
    *x = *y = NAN;
}

static int
project_xy_cb (double *x,
               double *y,
               void   *user_data)
{
  project (user_data, *y, *x, x, y);
  return !isnan (*x);
}

/* The filter follows the rings: rebuilt whenever they change. */
static void
make_filter (DozorCrisisFigures *self)
{
  destroy_geometry (self->geos, &self->filter, &self->prepared_filter);
  self->filter = GEOSBuffer_r (self->geos, self->area, self->rings_m[self->n_rings - 1] + FILTER_MARGIN_M,
                               CIRCLE_QUARTER_SEGMENTS);
  self->prepared_filter = self->filter != NULL ? GEOSPrepare_r (self->geos, self->filter) : NULL;
}

/* Takes @area_lon_lat (or @area_metres, already projected), both of
 * self->geos. */
static gboolean
set_area (DozorCrisisFigures  *self,
          double               centre_lat,
          double               centre_lon,
          GEOSGeometry        *area_lon_lat,
          GEOSGeometry        *area_metres,
          GError             **error)
{
  self->to_metres = dozor_geos_new_to_local_metres (self->proj, centre_lat, centre_lon);
  if (self->to_metres == NULL || (area_lon_lat == NULL && area_metres == NULL))
    {
      if (area_lon_lat != NULL)
        GEOSGeom_destroy_r (self->geos, area_lon_lat);
      if (area_metres != NULL)
        GEOSGeom_destroy_r (self->geos, area_metres);
      g_set_error_literal (error, DOZOR_CRISIS_FIGURES_ERROR, DOZOR_CRISIS_FIGURES_ERROR_AREA,
                           _("The crisis area cannot be measured: no coordinate system for it"));
      return FALSE;
    }

  if (area_metres == NULL)
    {
      area_metres = GEOSGeom_transformXY_r (self->geos, area_lon_lat, project_xy_cb, self);
      GEOSGeom_destroy_r (self->geos, area_lon_lat);
      if (area_metres == NULL)
        {
          g_set_error_literal (error, DOZOR_CRISIS_FIGURES_ERROR, DOZOR_CRISIS_FIGURES_ERROR_AREA,
                               _("The crisis area cannot be measured: its coordinates are not on the map"));
          return FALSE;
        }
    }

  self->area = area_metres;
  self->prepared_area = GEOSPrepare_r (self->geos, self->area);
  self->scene_lat = centre_lat;
  self->scene_lon = centre_lon;
  dozor_crisis_figures_set_rings (self, default_rings_m, G_N_ELEMENTS (default_rings_m));
  return TRUE;
}

/**
 * dozor_crisis_figures_new_circle:
 * @lat: the centre's latitude
 * @lon: the centre's longitude
 * @radius_m: the radius, metres, more than 0
 * @error: return location for a #GError
 *
 * The figures around a circle; the scene, where road times are measured
 * to, is its centre. Rings are 1, 3 and 5 km until set otherwise.
 *
 * Returns: (transfer full) (nullable): new figures, %NULL with @error set
 */
DozorCrisisFigures *
dozor_crisis_figures_new_circle (double   lat,
                                 double   lon,
                                 double   radius_m,
                                 GError **error)
{
  g_autoptr(DozorCrisisFigures) self = NULL;
  GEOSGeometry *centre;
  GEOSGeometry *circle;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(radius_m > 0 && radius_m < 1e6) || !(fabs (lat) <= 85 && fabs (lon) <= 180))
    {
      g_set_error_literal (error, DOZOR_CRISIS_FIGURES_ERROR, DOZOR_CRISIS_FIGURES_ERROR_AREA,
                           _("The crisis area is not a circle on the map"));
      return NULL;
    }

  /* The projection is centred on the circle: its centre is (0, 0). */
  self = g_object_new (DOZOR_TYPE_CRISIS_FIGURES, NULL);
  centre = GEOSGeom_createPointFromXY_r (self->geos, 0, 0);
  circle = centre != NULL ? GEOSBuffer_r (self->geos, centre, radius_m, CIRCLE_QUARTER_SEGMENTS) : NULL;
  if (centre != NULL)
    GEOSGeom_destroy_r (self->geos, centre);

  return set_area (self, lat, lon, NULL, circle, error) ? g_steal_pointer (&self) : NULL;
}

/**
 * dozor_crisis_figures_new_polygon:
 * @geojson: a GeoJSON Polygon or MultiPolygon in WGS 84 `[lon, lat]`
 * @error: return location for a #GError
 *
 * The figures around a drawn area; the scene is a point inside it
 * (dozor_crisis_figures_set_scene() puts it at the incident). Rings are 1,
 * 3 and 5 km until set otherwise.
 *
 * Returns: (transfer full) (nullable): new figures, %NULL with @error set
 */
DozorCrisisFigures *
dozor_crisis_figures_new_polygon (const char  *geojson,
                                  GError     **error)
{
  g_autoptr(DozorCrisisFigures) self = NULL;
  GEOSGeometry *area, *inside = NULL;
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0, lat = 0, lon = 0;

  g_return_val_if_fail (geojson != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DOZOR_TYPE_CRISIS_FIGURES, NULL);
  area = dozor_geos_polygon_from_geojson (self->geos, geojson);
  if (area != NULL && GEOSGeom_getExtent_r (self->geos, area, &min_x, &min_y, &max_x, &max_y) == 1 &&
      min_y >= -85 && max_y <= 85 && min_x >= -180 && max_x <= 180)
    inside = GEOSPointOnSurface_r (self->geos, area);
  if (inside == NULL || GEOSGeomGetX_r (self->geos, inside, &lon) != 1 ||
      GEOSGeomGetY_r (self->geos, inside, &lat) != 1)
    {
      if (inside != NULL)
        GEOSGeom_destroy_r (self->geos, inside);
      if (area != NULL)
        GEOSGeom_destroy_r (self->geos, area);
      g_set_error_literal (error, DOZOR_CRISIS_FIGURES_ERROR, DOZOR_CRISIS_FIGURES_ERROR_AREA,
                           _("The crisis area is not a polygon on the map"));
      return NULL;
    }
  GEOSGeom_destroy_r (self->geos, inside);

  return set_area (self, lat, lon, area, NULL, error) ? g_steal_pointer (&self) : NULL;
}

/**
 * dozor_crisis_figures_new_for_area:
 * @area: the crisis area of the readiness (dozor_situation_get_crisis_area())
 * @error: return location for a #GError
 *
 * The figures around the area the supervisor set: its circle, or its
 * polygon.
 *
 * Returns: (transfer full) (nullable): new figures, %NULL with @error set
 */
DozorCrisisFigures *
dozor_crisis_figures_new_for_area (DozorCrisisArea  *area,
                                   GError          **error)
{
  double lon, lat, radius_m;

  g_return_val_if_fail (DOZOR_IS_CRISIS_AREA (area), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!dozor_crisis_area_is_circle (area))
    return dozor_crisis_figures_new_polygon (dozor_crisis_area_to_json (area), error);

  dozor_crisis_area_get_circle (area, &lon, &lat, &radius_m);
  return dozor_crisis_figures_new_circle (lat, lon, radius_m, error);
}

/**
 * dozor_crisis_figures_set_rings:
 * @self: a #DozorCrisisFigures
 * @radii_m: (array length=n_rings): distances from the area, metres, rising
 * @n_rings: how many, 1 to %DOZOR_CRISIS_FIGURES_MAX_RINGS
 *
 * Returns: %FALSE, changing nothing, if the radii are not positive and
 *   rising or too many
 */
gboolean
dozor_crisis_figures_set_rings (DozorCrisisFigures *self,
                                const double       *radii_m,
                                guint               n_rings)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), FALSE);

  if (n_rings == 0 || n_rings > DOZOR_CRISIS_FIGURES_MAX_RINGS)
    return FALSE;
  for (guint i = 0; i < n_rings; i++)
    if (!(radii_m[i] > (i > 0 ? radii_m[i - 1] : 0)) || !(radii_m[i] < 1e6))
      return FALSE;

  memcpy (self->rings_m, radii_m, n_rings * sizeof (double));
  self->n_rings = n_rings;
  make_filter (self);
  return TRUE;
}

/**
 * dozor_crisis_figures_get_n_rings:
 * @self: a #DozorCrisisFigures
 *
 * Returns: how many rings surround the area
 */
guint
dozor_crisis_figures_get_n_rings (DozorCrisisFigures *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), 0);

  return self->n_rings;
}

/**
 * dozor_crisis_figures_get_ring_m:
 * @self: a #DozorCrisisFigures
 * @ring: 1 … dozor_crisis_figures_get_n_rings()
 *
 * Returns: how far from the area the ring reaches, metres
 */
double
dozor_crisis_figures_get_ring_m (DozorCrisisFigures *self,
                                 guint               ring)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), NAN);
  g_return_val_if_fail (ring >= 1 && ring <= self->n_rings, NAN);

  return self->rings_m[ring - 1];
}

/**
 * dozor_crisis_figures_set_scene:
 * @self: a #DozorCrisisFigures
 * @lat: latitude
 * @lon: longitude
 *
 * Where road times are measured to: the incident at the heart of the crisis.
 */
void
dozor_crisis_figures_set_scene (DozorCrisisFigures *self,
                                double              lat,
                                double              lon)
{
  g_return_if_fail (DOZOR_IS_CRISIS_FIGURES (self));

  self->scene_lat = lat;
  self->scene_lon = lon;
}

/**
 * dozor_crisis_figures_get_scene:
 * @self: a #DozorCrisisFigures
 * @lat: (out): latitude
 * @lon: (out): longitude
 *
 * Where road times are measured to.
 */
void
dozor_crisis_figures_get_scene (DozorCrisisFigures *self,
                                double             *lat,
                                double             *lon)
{
  g_return_if_fail (DOZOR_IS_CRISIS_FIGURES (self));

  *lat = self->scene_lat;
  *lon = self->scene_lon;
}

/**
 * dozor_crisis_figures_add_unit:
 * @self: a #DozorCrisisFigures
 * @id: the unit's id
 * @status: its status (`available`, `dispatched` …)
 * @has_fix: whether @lat and @lon hold a current position
 * @lat: where it is
 * @lon: where it is
 * @heading_there: whether it is on a dispatch to the crisis
 *
 * Returns: the unit's index
 */
guint
dozor_crisis_figures_add_unit (DozorCrisisFigures *self,
                               const char         *id,
                               const char         *status,
                               gboolean            has_fix,
                               double              lat,
                               double              lon,
                               gboolean            heading_there)
{
  Unit unit = { g_strdup (id), g_strdup (status), has_fix, lat, lon, heading_there,
                has_fix ? DOZOR_CRISIS_BEYOND : DOZOR_CRISIS_NO_FIX, INFINITY };

  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), G_MAXUINT);
  g_return_val_if_fail (id != NULL && status != NULL, G_MAXUINT);

  g_array_append_val (self->units, unit);
  return self->units->len - 1;
}

/**
 * dozor_crisis_figures_add_situation:
 * @self: a #DozorCrisisFigures
 * @situation: the board's situation
 * @incident_id: (nullable): the incident at the heart of the crisis: units
 *   on an active dispatch to it are heading there
 * @now: the time, Unix microseconds, against which fixes are current
 *
 * Adds every unit of the situation; a stale fix counts as none. Call it
 * on the situation's thread; the figures keep copies, and counting and
 * road times may then run in a worker.
 *
 * Returns: how many units were added
 */
guint
dozor_crisis_figures_add_situation (DozorCrisisFigures *self,
                                    DozorSituation     *situation,
                                    const char         *incident_id,
                                    gint64              now)
{
  GPtrArray *units = dozor_situation_get_units (situation);

  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), 0);
  g_return_val_if_fail (DOZOR_IS_SITUATION (situation), 0);

  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = g_ptr_array_index (units, i);
      JsonObject *dispatch = NULL;
      gboolean current, heading_there;

      if (incident_id != NULL)
        dispatch = dozor_situation_get_unit_dispatch (situation, unit->id);
      heading_there = dispatch != NULL &&
        g_strcmp0 (json_object_get_string_member_with_default (dispatch, "incident_id", ""), incident_id) == 0;
      current = unit->has_fix && now - unit->fix_time <= DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC;

      dozor_crisis_figures_add_unit (self, unit->id, unit->status != NULL ? unit->status : "",
                                     current, unit->lat, unit->lon, heading_there);
    }

  return units->len;
}

/**
 * dozor_crisis_figures_get_unit_id:
 * @self: a #DozorCrisisFigures
 * @unit: a unit's index
 *
 * Returns: (transfer none): the unit's id
 */
const char *
dozor_crisis_figures_get_unit_id (DozorCrisisFigures *self,
                                  guint               unit)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), NULL);
  g_return_val_if_fail (unit < self->units->len, NULL);

  return g_array_index (self->units, Unit, unit).id;
}

/**
 * dozor_crisis_figures_count:
 * @self: a #DozorCrisisFigures
 *
 * Puts every unit with a fix inside the area, in a ring or beyond, and
 * counts them by status.
 */
void
dozor_crisis_figures_count (DozorCrisisFigures *self)
{
  g_return_if_fail (DOZOR_IS_CRISIS_FIGURES (self));

  for (guint i = 0; i <= DOZOR_CRISIS_FIGURES_MAX_RINGS; i++)
    g_hash_table_remove_all (self->counts[i]);

  for (guint u = 0; u < self->units->len; u++)
    {
      Unit *unit = &g_array_index (self->units, Unit, u);
      GEOSGeometry *point;
      double x, y;
      guint *count;

      if (!unit->has_fix)
        continue;

      unit->band = DOZOR_CRISIS_BEYOND;
      project (self, unit->lat, unit->lon, &x, &y);
      if (isnan (x) || (point = GEOSGeom_createPointFromXY_r (self->geos, x, y)) == NULL)
        continue;

      /* On the boundary counts as inside. */
      if (self->prepared_area != NULL && GEOSPreparedIntersects_r (self->geos, self->prepared_area, point) == 1)
        unit->band = DOZOR_CRISIS_INSIDE;
      else if (self->prepared_filter != NULL &&
               GEOSPreparedIntersects_r (self->geos, self->prepared_filter, point) == 1)
        {
          double d = INFINITY;

          if (GEOSDistance_r (self->geos, self->area, point, &d) != 1)
            d = INFINITY;
          for (guint r = 0; r < self->n_rings && unit->band == DOZOR_CRISIS_BEYOND; r++)
            if (d <= self->rings_m[r])
              unit->band = r + 1;
        }
      GEOSGeom_destroy_r (self->geos, point);

      if (unit->band == DOZOR_CRISIS_BEYOND)
        continue;
      count = g_hash_table_lookup (self->counts[unit->band], unit->status);
      g_hash_table_insert (self->counts[unit->band], g_strdup (unit->status),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (count) + 1));
    }
}

/**
 * dozor_crisis_figures_get_unit_band:
 * @self: a #DozorCrisisFigures
 * @unit: a unit's index
 *
 * Returns: after dozor_crisis_figures_count(), %DOZOR_CRISIS_INSIDE, the
 *   ring (1 … n) the unit is in, %DOZOR_CRISIS_BEYOND the last ring, or
 *   %DOZOR_CRISIS_NO_FIX
 */
guint
dozor_crisis_figures_get_unit_band (DozorCrisisFigures *self,
                                    guint               unit)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), DOZOR_CRISIS_NO_FIX);
  g_return_val_if_fail (unit < self->units->len, DOZOR_CRISIS_NO_FIX);

  return g_array_index (self->units, Unit, unit).band;
}

static void
add_count (gpointer key,
           gpointer value,
           gpointer user_data)
{
  *(guint *) user_data += GPOINTER_TO_UINT (value);
}

/**
 * dozor_crisis_figures_get_count:
 * @self: a #DozorCrisisFigures
 * @band: %DOZOR_CRISIS_INSIDE or a ring, 1 … n
 * @status: (nullable): a status, or %NULL for all
 *
 * Returns: after dozor_crisis_figures_count(), how many units of that
 *   status are in that band
 */
guint
dozor_crisis_figures_get_count (DozorCrisisFigures *self,
                                guint               band,
                                const char         *status)
{
  guint total = 0;

  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), 0);
  g_return_val_if_fail (band <= self->n_rings, 0);

  if (status != NULL)
    return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts[band], status));

  g_hash_table_foreach (self->counts[band], add_count, &total);
  return total;
}

/**
 * dozor_crisis_figures_time_by_road:
 * @self: a #DozorCrisisFigures
 * @graph: the city's roads
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Every unit's road time to the scene, from one reverse search. Blocks:
 * call it in a worker thread.
 *
 * Returns: %FALSE if cancelled
 */
gboolean
dozor_crisis_figures_time_by_road (DozorCrisisFigures  *self,
                                   DozorRoadGraph      *graph,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_autofree float *times = NULL;

  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), FALSE);
  g_return_val_if_fail (DOZOR_IS_ROAD_GRAPH (graph), FALSE);

  times = dozor_road_graph_times_to (graph, self->scene_lat, self->scene_lon, INFINITY);
  for (guint u = 0; u < self->units->len; u++)
    {
      Unit *unit = &g_array_index (self->units, Unit, u);
      guint node;
      double offset_s;

      if (u % 256 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      unit->time_s = INFINITY;
      if (!unit->has_fix || times == NULL)
        continue;
      dozor_road_graph_locate (graph, unit->lat, unit->lon, &node, &offset_s);
      if (node != G_MAXUINT)
        unit->time_s = times[node] + offset_s;
    }

  return TRUE;
}

/**
 * dozor_crisis_figures_get_unit_time:
 * @self: a #DozorCrisisFigures
 * @unit: a unit's index
 *
 * Returns: after dozor_crisis_figures_time_by_road(), the unit's road time
 *   to the scene in seconds; INFINITY without a fix or a road
 */
double
dozor_crisis_figures_get_unit_time (DozorCrisisFigures *self,
                                    guint               unit)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), INFINITY);
  g_return_val_if_fail (unit < self->units->len, INFINITY);

  return g_array_index (self->units, Unit, unit).time_s;
}

static int
compare_by_time (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  GArray *units = user_data;
  const Unit *x = &g_array_index (units, Unit, *(const guint *) a);
  const Unit *y = &g_array_index (units, Unit, *(const guint *) b);

  if (x->time_s != y->time_s)
    return x->time_s < y->time_s ? -1 : 1;
  return g_strcmp0 (x->id, y->id);
}

/**
 * dozor_crisis_figures_get_nearest:
 * @self: a #DozorCrisisFigures
 * @n: how many
 *
 * Returns: (transfer full) (element-type guint): after
 *   dozor_crisis_figures_time_by_road(), the indices of at most @n
 *   available units that can reach the scene, nearest by road first
 */
GArray *
dozor_crisis_figures_get_nearest (DozorCrisisFigures *self,
                                  guint               n)
{
  GArray *nearest = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), nearest);

  for (guint u = 0; u < self->units->len; u++)
    {
      const Unit *unit = &g_array_index (self->units, Unit, u);

      if (g_str_equal (unit->status, "available") && !isinf (unit->time_s))
        g_array_append_val (nearest, u);
    }
  g_array_sort_with_data (nearest, compare_by_time, self->units);
  if (nearest->len > n)
    g_array_set_size (nearest, n);
  return nearest;
}

/**
 * dozor_crisis_figures_get_heading:
 * @self: a #DozorCrisisFigures
 *
 * Returns: (transfer full) (element-type guint): the indices of the units
 *   on a dispatch to the crisis, soonest there first (after
 *   dozor_crisis_figures_time_by_road(), their ETA is their road time);
 *   those with no fix or road last
 */
GArray *
dozor_crisis_figures_get_heading (DozorCrisisFigures *self)
{
  GArray *heading = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (DOZOR_IS_CRISIS_FIGURES (self), heading);

  for (guint u = 0; u < self->units->len; u++)
    if (g_array_index (self->units, Unit, u).heading_there)
      g_array_append_val (heading, u);
  g_array_sort_with_data (heading, compare_by_time, self->units);
  return heading;
}
