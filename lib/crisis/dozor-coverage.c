/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Coverage of the city by available units: how many are inside each
 * district and sector now, which zones are below their minimum, which
 * zones a dispatch would leave short, and which unit to move up to cover
 * a zone that is.
 *
 * Containment is GEOS's (its C API, not OGR's: the board then needs no
 * GDAL, docs/decisions.md, "GDAL only for files"), with each zone's
 * geometry prepared once and its envelope checked first. A unit may be in
 * a sector and in its district at once, and counts in both.
 *
 * Build it where the data is (dozor_coverage_add_situation() reads the
 * situation, so on its thread); it copies what it needs, and computing and
 * suggesting may then run in a worker, one thread at a time (the zones are
 * in one GEOS context).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-coverage.h"
#include "dozor-geos.h"

#define NONE G_MAXUINT

typedef struct
{
  char *id;
  char *kind;
  char *name;
  GEOSContextHandle_t geos; /* the coverage's */
  GEOSGeometry *geometry;
  const GEOSPreparedGeometry *prepared;
  double min_lon, min_lat, max_lon, max_lat;
  double lat, lon;  /* a point inside, where move-ups are sent */
  guint minimum;
  guint count;
} Zone;

typedef struct
{
  char *id;
  double lat, lon;
  GArray *zones;    /* guint: the zones it is inside */
} Unit;

struct _DozorCoverage
{
  GObject parent_instance;

  GArray *zones;    /* Zone */
  GArray *units;    /* Unit */
  gboolean computed;
  GEOSContextHandle_t geos;
};

G_DEFINE_FINAL_TYPE (DozorCoverage, dozor_coverage, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-coverage-error-quark, dozor_coverage_error)

static void
zone_clear (Zone *zone)
{
  g_free (zone->id);
  g_free (zone->kind);
  g_free (zone->name);
  if (zone->prepared != NULL)
    GEOSPreparedGeom_destroy_r (zone->geos, zone->prepared);
  if (zone->geometry != NULL)
    GEOSGeom_destroy_r (zone->geos, zone->geometry);
}

static void
unit_clear (Unit *unit)
{
  g_free (unit->id);
  g_clear_pointer (&unit->zones, g_array_unref);
}

static void
dozor_coverage_finalize (GObject *object)
{
  DozorCoverage *self = (DozorCoverage *)object;

  g_clear_pointer (&self->zones, g_array_unref);
  g_clear_pointer (&self->units, g_array_unref);
  GEOS_finish_r (self->geos);

  G_OBJECT_CLASS (dozor_coverage_parent_class)->finalize (object);
}

static void
dozor_coverage_class_init (DozorCoverageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_coverage_finalize;
}

static void
dozor_coverage_init (DozorCoverage *self)
{
  self->zones = g_array_new (FALSE, TRUE, sizeof (Zone));
  g_array_set_clear_func (self->zones, (GDestroyNotify) zone_clear);
  self->units = g_array_new (FALSE, TRUE, sizeof (Unit));
  g_array_set_clear_func (self->units, (GDestroyNotify) unit_clear);
  self->geos = GEOS_init_r ();
}

/**
 * dozor_coverage_new:
 *
 * Returns: (transfer full): an empty #DozorCoverage: add zones and the
 *   available units, then compute
 */
DozorCoverage *
dozor_coverage_new (void)
{
  return g_object_new (DOZOR_TYPE_COVERAGE, NULL);
}

/**
 * dozor_coverage_add_zone:
 * @self: a #DozorCoverage
 * @id: the zone's id
 * @kind: `district` or `sector`
 * @name: its name
 * @geojson: its GeoJSON Polygon or MultiPolygon, WGS 84 `[lon, lat]`
 * @minimum: how many available units it needs
 * @error: return location for a #GError
 *
 * Returns: the zone's index, or G_MAXUINT with @error set
 */
guint
dozor_coverage_add_zone (DozorCoverage  *self,
                         const char     *id,
                         const char     *kind,
                         const char     *name,
                         const char     *geojson,
                         guint           minimum,
                         GError        **error)
{
  Zone zone = { 0, };
  GEOSGeometry *inside = NULL;

  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NONE);
  g_return_val_if_fail (id != NULL && geojson != NULL, NONE);

  zone.geos = self->geos;
  zone.geometry = dozor_geos_polygon_from_geojson (self->geos, geojson);
  inside = zone.geometry != NULL ? GEOSPointOnSurface_r (self->geos, zone.geometry) : NULL;
  if (inside == NULL || GEOSGeomGetX_r (self->geos, inside, &zone.lon) != 1 ||
      GEOSGeomGetY_r (self->geos, inside, &zone.lat) != 1 ||
      GEOSGeom_getExtent_r (self->geos, zone.geometry, &zone.min_lon, &zone.min_lat, &zone.max_lon,
                            &zone.max_lat) != 1 ||
      (zone.prepared = GEOSPrepare_r (self->geos, zone.geometry)) == NULL)
    {
      if (inside != NULL)
        GEOSGeom_destroy_r (self->geos, inside);
      zone_clear (&zone);
      g_set_error (error, DOZOR_COVERAGE_ERROR, DOZOR_COVERAGE_ERROR_ZONE,
                   _("Zone “%s” has no polygon to count units in"), name != NULL ? name : id);
      return NONE;
    }

  zone.id = g_strdup (id);
  zone.kind = g_strdup (kind);
  zone.name = g_strdup (name);
  GEOSGeom_destroy_r (self->geos, inside);
  zone.minimum = minimum;
  g_array_append_val (self->zones, zone);
  self->computed = FALSE;
  return self->zones->len - 1;
}

/**
 * dozor_coverage_add_unit:
 * @self: a #DozorCoverage
 * @id: the unit's id
 * @lat: where it is now
 * @lon: where it is now
 *
 * Adds an available unit with a current fix; the others do not cover.
 *
 * Returns: the unit's index
 */
guint
dozor_coverage_add_unit (DozorCoverage *self,
                         const char    *id,
                         double         lat,
                         double         lon)
{
  Unit unit = { g_strdup (id), lat, lon, g_array_new (FALSE, FALSE, sizeof (guint)) };

  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NONE);
  g_return_val_if_fail (id != NULL, NONE);

  g_array_append_val (self->units, unit);
  self->computed = FALSE;
  return self->units->len - 1;
}

/**
 * dozor_coverage_add_situation:
 * @self: a #DozorCoverage
 * @situation: the board's situation
 * @now: the time, Unix microseconds, against which fixes are current
 *
 * Adds every district and sector of the situation with the default
 * minimum, and every available unit whose fix is not stale. Call it on the
 * situation's thread; the rest may then go to a worker.
 *
 * Returns: how many zones were left out for a geometry that is no polygon
 */
guint
dozor_coverage_add_situation (DozorCoverage  *self,
                              DozorSituation *situation,
                              gint64          now)
{
  GList *zones = dozor_situation_get_entities (situation, "zone");
  GPtrArray *units = dozor_situation_get_units (situation);
  guint left_out = 0;

  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), 0);
  g_return_val_if_fail (DOZOR_IS_SITUATION (situation), 0);

  for (GList *l = zones; l != NULL; l = l->next)
    {
      JsonObject *zone = json_node_get_object (l->data);
      const char *id = json_object_get_string_member_with_default (zone, "id", "");
      DozorGeometry *geometry = dozor_situation_get_geometry (situation, "zone", id);
      g_autofree char *geojson = geometry != NULL ? dozor_geometry_to_string (geometry) : NULL;

      if (geojson == NULL ||
          dozor_coverage_add_zone (self, id,
                                   json_object_get_string_member_with_default (zone, "kind", ""),
                                   json_object_get_string_member_with_default (zone, "name", ""),
                                   geojson, DOZOR_COVERAGE_DEFAULT_MINIMUM, NULL) == NONE)
        left_out++;
    }
  g_list_free (zones);

  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = g_ptr_array_index (units, i);

      if (g_strcmp0 (unit->status, "available") == 0 && unit->has_fix &&
          now - unit->fix_time <= DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC)
        dozor_coverage_add_unit (self, unit->id, unit->lat, unit->lon);
    }

  return left_out;
}

/**
 * dozor_coverage_get_n_zones:
 * @self: a #DozorCoverage
 *
 * Returns: how many zones were added
 */
guint
dozor_coverage_get_n_zones (DozorCoverage *self)
{
  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), 0);

  return self->zones->len;
}

/**
 * dozor_coverage_get_n_units:
 * @self: a #DozorCoverage
 *
 * Returns: how many available units were added
 */
guint
dozor_coverage_get_n_units (DozorCoverage *self)
{
  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), 0);

  return self->units->len;
}

/**
 * dozor_coverage_find_zone:
 * @self: a #DozorCoverage
 * @id: a zone's id
 *
 * Returns: its index, G_MAXUINT if there is none
 */
guint
dozor_coverage_find_zone (DozorCoverage *self,
                          const char    *id)
{
  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NONE);

  for (guint z = 0; z < self->zones->len; z++)
    if (g_strcmp0 (g_array_index (self->zones, Zone, z).id, id) == 0)
      return z;
  return NONE;
}

/**
 * dozor_coverage_find_unit:
 * @self: a #DozorCoverage
 * @id: a unit's id
 *
 * Returns: its index, G_MAXUINT if it is not one of the available units
 */
guint
dozor_coverage_find_unit (DozorCoverage *self,
                          const char    *id)
{
  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NONE);

  for (guint u = 0; u < self->units->len; u++)
    if (g_strcmp0 (g_array_index (self->units, Unit, u).id, id) == 0)
      return u;
  return NONE;
}

static Zone *
get_zone (DozorCoverage *self,
          guint          zone)
{
  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NULL);
  g_return_val_if_fail (zone < self->zones->len, NULL);

  return &g_array_index (self->zones, Zone, zone);
}

/**
 * dozor_coverage_get_zone_id:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 *
 * Returns: (transfer none): the zone's id
 */
const char *
dozor_coverage_get_zone_id (DozorCoverage *self,
                            guint          zone)
{
  Zone *z = get_zone (self, zone);

  return z != NULL ? z->id : NULL;
}

/**
 * dozor_coverage_get_zone_name:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 *
 * Returns: (transfer none) (nullable): the zone's name
 */
const char *
dozor_coverage_get_zone_name (DozorCoverage *self,
                              guint          zone)
{
  Zone *z = get_zone (self, zone);

  return z != NULL ? z->name : NULL;
}

/**
 * dozor_coverage_get_unit_id:
 * @self: a #DozorCoverage
 * @unit: a unit's index
 *
 * Returns: (transfer none): the unit's id
 */
const char *
dozor_coverage_get_unit_id (DozorCoverage *self,
                            guint          unit)
{
  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NULL);
  g_return_val_if_fail (unit < self->units->len, NULL);

  return g_array_index (self->units, Unit, unit).id;
}

/**
 * dozor_coverage_set_minimum:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 * @minimum: how many available units it needs; 0 never flags it
 */
void
dozor_coverage_set_minimum (DozorCoverage *self,
                            guint          zone,
                            guint          minimum)
{
  Zone *z = get_zone (self, zone);

  if (z != NULL)
    z->minimum = minimum;
}

/**
 * dozor_coverage_get_minimum:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 *
 * Returns: how many available units the zone needs
 */
guint
dozor_coverage_get_minimum (DozorCoverage *self,
                            guint          zone)
{
  Zone *z = get_zone (self, zone);

  return z != NULL ? z->minimum : 0;
}

/**
 * dozor_coverage_get_zone_point:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 * @lat: (out): latitude
 * @lon: (out): longitude
 *
 * The zone's representative point: inside it (GEOS's point on surface),
 * where a unit moved up to cover it is sent.
 */
void
dozor_coverage_get_zone_point (DozorCoverage *self,
                               guint          zone,
                               double        *lat,
                               double        *lon)
{
  Zone *z = get_zone (self, zone);

  if (z == NULL)
    return;
  *lat = z->lat;
  *lon = z->lon;
}

static gboolean
zone_contains (Zone   *zone,
               double  lat,
               double  lon)
{
  GEOSGeometry *point;
  gboolean inside;

  if (lon < zone->min_lon || lon > zone->max_lon || lat < zone->min_lat || lat > zone->max_lat)
    return FALSE;
  point = GEOSGeom_createPointFromXY_r (zone->geos, lon, lat);
  inside = point != NULL && GEOSPreparedIntersects_r (zone->geos, zone->prepared, point) == 1;
  if (point != NULL)
    GEOSGeom_destroy_r (zone->geos, point);
  return inside;
}

/**
 * dozor_coverage_compute:
 * @self: a #DozorCoverage
 *
 * Counts the available units inside every zone (a unit on a boundary
 * counts for both sides).
 */
void
dozor_coverage_compute (DozorCoverage *self)
{
  g_return_if_fail (DOZOR_IS_COVERAGE (self));

  for (guint z = 0; z < self->zones->len; z++)
    g_array_index (self->zones, Zone, z).count = 0;

  for (guint u = 0; u < self->units->len; u++)
    {
      Unit *unit = &g_array_index (self->units, Unit, u);

      g_array_set_size (unit->zones, 0);
      for (guint z = 0; z < self->zones->len; z++)
        {
          Zone *zone = &g_array_index (self->zones, Zone, z);

          if (zone_contains (zone, unit->lat, unit->lon))
            {
              g_array_append_val (unit->zones, z);
              zone->count++;
            }
        }
    }

  self->computed = TRUE;
}

/**
 * dozor_coverage_get_count:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 *
 * Returns: after dozor_coverage_compute(), the available units inside it
 */
guint
dozor_coverage_get_count (DozorCoverage *self,
                          guint          zone)
{
  Zone *z = get_zone (self, zone);

  g_return_val_if_fail (self->computed, 0);

  return z != NULL ? z->count : 0;
}

/**
 * dozor_coverage_is_flagged:
 * @self: a #DozorCoverage
 * @zone: a zone's index
 *
 * Returns: after dozor_coverage_compute(), whether it has fewer available
 *   units than its minimum
 */
gboolean
dozor_coverage_is_flagged (DozorCoverage *self,
                           guint          zone)
{
  Zone *z = get_zone (self, zone);

  g_return_val_if_fail (self->computed, FALSE);

  return z != NULL && z->count < z->minimum;
}

/**
 * dozor_coverage_get_flagged:
 * @self: a #DozorCoverage
 *
 * Returns: (transfer full) (element-type guint): after
 *   dozor_coverage_compute(), the zones below their minimum, in the order
 *   they were added
 */
GArray *
dozor_coverage_get_flagged (DozorCoverage *self)
{
  GArray *flagged = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), flagged);

  for (guint z = 0; z < self->zones->len; z++)
    if (dozor_coverage_is_flagged (self, z))
      g_array_append_val (flagged, z);
  return flagged;
}

/**
 * dozor_coverage_would_leave_short:
 * @self: a #DozorCoverage
 * @unit: the index of the unit about to be dispatched
 *
 * What a dispatch's confirmation warns of: the zones that, without this
 * unit, would have fewer available units than their minimum (those
 * already short included, as the dispatch makes them shorter).
 *
 * Returns: (transfer full) (element-type guint): the zones' indices
 */
GArray *
dozor_coverage_would_leave_short (DozorCoverage *self,
                                  guint          unit)
{
  GArray *short_zones = g_array_new (FALSE, FALSE, sizeof (guint));
  const Unit *u;

  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), short_zones);
  g_return_val_if_fail (unit < self->units->len, short_zones);
  g_return_val_if_fail (self->computed, short_zones);

  u = &g_array_index (self->units, Unit, unit);
  for (guint i = 0; i < u->zones->len; i++)
    {
      guint z = g_array_index (u->zones, guint, i);
      const Zone *zone = &g_array_index (self->zones, Zone, z);

      if (zone->count - 1 < zone->minimum)
        g_array_append_val (short_zones, z);
    }
  return short_zones;
}

static gboolean
in_zones (GArray *zones,
          guint   zone)
{
  for (guint i = 0; i < zones->len; i++)
    if (g_array_index (zones, guint, i) == zone)
      return TRUE;
  return FALSE;
}

/* Whether every zone the unit would leave keeps its minimum. */
static gboolean
can_spare (DozorCoverage *self,
           const Unit    *unit,
           GArray        *destination)
{
  for (guint i = 0; i < unit->zones->len; i++)
    {
      guint z = g_array_index (unit->zones, guint, i);
      const Zone *zone = &g_array_index (self->zones, Zone, z);

      if (!in_zones (destination, z) && zone->count < zone->minimum + 1)
        return FALSE;
    }
  return TRUE;
}

/**
 * dozor_coverage_suggest_move_ups:
 * @self: a #DozorCoverage
 * @graph: the city's roads
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * For each flagged zone, in order, as many units as it lacks: each time
 * the available unit nearest by road to the zone's point (one reverse
 * search per zone) that is not inside the zone already and whose every
 * zone it leaves stays at or above its minimum without it. A zone it
 * stays in (the district of a sector it moves within) loses nothing. Each
 * suggestion is counted before the next, so no unit is suggested twice
 * and no zone is stripped by two. The counts themselves do not change.
 * Blocks: call it in a worker thread.
 *
 * Returns: (transfer full) (element-type DozorCoverageMoveUp) (nullable):
 *   the suggestions, zone by zone, nearest first; %NULL if cancelled
 */
GArray *
dozor_coverage_suggest_move_ups (DozorCoverage   *self,
                                 DozorRoadGraph  *graph,
                                 GCancellable    *cancellable,
                                 GError         **error)
{
  guint n_zones = self->zones->len, n_units = self->units->len;
  g_autoptr(GArray) suggestions = g_array_new (FALSE, FALSE, sizeof (DozorCoverageMoveUp));
  g_autofree guint *counts = g_new (guint, MAX (n_zones, 1));
  g_autofree guint *nodes = g_new (guint, MAX (n_units, 1));
  g_autofree double *offsets = g_new (double, MAX (n_units, 1));
  g_autofree gboolean *moved = g_new0 (gboolean, MAX (n_units, 1));
  gboolean cancelled = FALSE;

  g_return_val_if_fail (DOZOR_IS_COVERAGE (self), NULL);
  g_return_val_if_fail (DOZOR_IS_ROAD_GRAPH (graph), NULL);
  g_return_val_if_fail (self->computed, NULL);

  /* Suggestions are counted in the zones as they are made, then the
   * computed counts come back. */
  for (guint z = 0; z < n_zones; z++)
    counts[z] = g_array_index (self->zones, Zone, z).count;
  for (guint u = 0; u < n_units; u++)
    {
      const Unit *unit = &g_array_index (self->units, Unit, u);

      dozor_road_graph_locate (graph, unit->lat, unit->lon, &nodes[u], &offsets[u]);
    }

  for (guint z = 0; z < n_zones; z++)
    {
      Zone *zone = &g_array_index (self->zones, Zone, z);
      g_autoptr(GArray) destination = g_array_new (FALSE, FALSE, sizeof (guint));
      g_autofree float *times = NULL;

      if (zone->count >= zone->minimum)
        continue;
      cancelled = g_cancellable_set_error_if_cancelled (cancellable, error);
      if (cancelled)
        break;

      /* The zones a unit sent to this zone's point would be in. */
      for (guint other = 0; other < n_zones; other++)
        if (zone_contains (&g_array_index (self->zones, Zone, other), zone->lat, zone->lon))
          g_array_append_val (destination, other);
      if (!in_zones (destination, z))
        g_array_append_val (destination, z);

      times = dozor_road_graph_times_to (graph, zone->lat, zone->lon, INFINITY);
      while (times != NULL && zone->count < zone->minimum)
        {
          DozorCoverageMoveUp best = { z, NONE, INFINITY };

          for (guint u = 0; u < n_units; u++)
            {
              const Unit *unit = &g_array_index (self->units, Unit, u);
              double t;

              if (moved[u] || nodes[u] == NONE || in_zones (unit->zones, z))
                continue;
              t = times[nodes[u]] + offsets[u];
              if (t < best.time_s && can_spare (self, unit, destination))
                best = (DozorCoverageMoveUp) { z, u, t };
            }
          if (best.unit == NONE)
            break;

          g_array_append_val (suggestions, best);
          moved[best.unit] = TRUE;
          {
            const Unit *unit = &g_array_index (self->units, Unit, best.unit);

            for (guint i = 0; i < unit->zones->len; i++)
              if (!in_zones (destination, g_array_index (unit->zones, guint, i)))
                g_array_index (self->zones, Zone, g_array_index (unit->zones, guint, i)).count--;
            for (guint i = 0; i < destination->len; i++)
              if (!in_zones (unit->zones, g_array_index (destination, guint, i)))
                g_array_index (self->zones, Zone, g_array_index (destination, guint, i)).count++;
          }
        }
    }

  for (guint z = 0; z < n_zones; z++)
    g_array_index (self->zones, Zone, z).count = counts[z];

  return cancelled ? NULL : g_steal_pointer (&suggestions);
}
