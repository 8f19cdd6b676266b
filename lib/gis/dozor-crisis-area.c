/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A crisis area as it crosses the wire (docs/api.md, "Readiness"): a
 * GeoJSON Polygon of one ring, or a circle around a point. One object
 * checks it for the server (bounded, valid as GEOS judges it,
 * written again with 7 decimals) and serves the board: its outline to
 * draw and whether a point lies inside. Immutable once made, so a drawing
 * worker may read its outline.
 *
 * A board tests every unit and incident near the area at each render:
 * through OGR a point costs about 24 µs at 500 corners (OGR hands each
 * test to a fresh GEOS context), so the test goes to GEOS's C API
 * directly, on a prepared polygon in a context of the area's own. The
 * polygon is read by GEOS too, not by OGR: a board that shows an area
 * then needs no GDAL (docs/decisions.md, "GDAL only for files").
 */
#include "config.h"

#include <geos_c.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-crisis-area.h"
#include "dozor-geo.h"
#include "dozor-geojson.h"
#include "dozor-json.h"

/* A circle is drawn as this many points: at 50 km a side is 4.4 km long,
 * but at the radius the board shows such areas a chord is within 0.1 %. */
#define CIRCLE_SEGMENTS 96

struct _DozorCrisisArea
{
  GObject parent_instance;

  gboolean circle;
  double lon;
  double lat;
  double radius_m;
  /* lon, lat pairs; closed (the last is the first). */
  GArray *outline;
  char *json;
  /* A polygon's, made when it is read; prepared at contains()'s first call. */
  GEOSContextHandle_t geos;
  GEOSGeometry *geos_polygon;
  const GEOSPreparedGeometry *prepared;
};

G_DEFINE_FINAL_TYPE (DozorCrisisArea, dozor_crisis_area, G_TYPE_OBJECT)

static void
dozor_crisis_area_finalize (GObject *object)
{
  DozorCrisisArea *self = DOZOR_CRISIS_AREA (object);

  g_clear_pointer (&self->outline, g_array_unref);
  g_clear_pointer (&self->json, g_free);
  if (self->geos != NULL)
    {
      if (self->prepared != NULL)
        GEOSPreparedGeom_destroy_r (self->geos, self->prepared);
      if (self->geos_polygon != NULL)
        GEOSGeom_destroy_r (self->geos, self->geos_polygon);
      GEOS_finish_r (self->geos);
    }

  G_OBJECT_CLASS (dozor_crisis_area_parent_class)->finalize (object);
}

static void
dozor_crisis_area_class_init (DozorCrisisAreaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_crisis_area_finalize;
}

static void
dozor_crisis_area_init (DozorCrisisArea *self)
{
  self->outline = g_array_new (FALSE, FALSE, sizeof (double));
}

/* "MEMBER: WHY", the member's path from the area itself. */
static gboolean
fail (GError    **error,
      const char *member,
      const char *why)
{
  g_set_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID, "%s: %s", member, why);
  return FALSE;
}

static void
add_point (DozorCrisisArea *self,
           double           lon,
           double           lat)
{
  g_array_append_val (self->outline, lon);
  g_array_append_val (self->outline, lat);
}

/* Points at @radius_m from the centre, along great circles. */
static void
make_circle_outline (DozorCrisisArea *self)
{
  for (guint i = 0; i <= CIRCLE_SEGMENTS; i++)
    {
      double lat, lon;

      dozor_geo_destination (self->lat, self->lon, self->radius_m, 360.0 * (i % CIRCLE_SEGMENTS) / CIRCLE_SEGMENTS,
                             &lat, &lon);
      add_point (self, lon, lat);
    }
}

static char *
circle_json (double lon,
             double lat,
             double radius_m)
{
  char lon_text[G_ASCII_DTOSTR_BUF_SIZE], lat_text[G_ASCII_DTOSTR_BUF_SIZE];
  char radius_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lon_text, sizeof lon_text, "%.7f", lon);
  g_ascii_formatd (lat_text, sizeof lat_text, "%.7f", lat);
  g_ascii_formatd (radius_text, sizeof radius_text, "%.1f", radius_m);
  return g_strdup_printf ("{\"type\":\"Circle\",\"center\":[%s,%s],\"radius_m\":%s}",
                          lon_text, lat_text, radius_text);
}

static gboolean
read_circle (DozorCrisisArea  *self,
             JsonObject       *object,
             GError          **error)
{
  JsonNode *center = json_object_get_member (object, "center");
  JsonArray *position = center != NULL && JSON_NODE_HOLDS_ARRAY (center) ? json_node_get_array (center) : NULL;

  if (position == NULL || json_array_get_length (position) != 2 ||
      !dozor_json_node_get_number (json_array_get_element (position, 0), &self->lon) ||
      !dozor_json_node_get_number (json_array_get_element (position, 1), &self->lat))
    return fail (error, "area.center", _("must be [longitude, latitude] in degrees"));
  /* The board draws in Web Mercator, which ends short of the poles. */
  if (!dozor_geo_is_valid_lat_lon (self->lat, self->lon) || fabs (self->lat) > DOZOR_GEO_MAX_LATITUDE)
    return fail (error, "area.center", _("lies outside the map"));

  if (!dozor_json_node_get_number (json_object_get_member (object, "radius_m"), &self->radius_m))
    return fail (error, "area.radius_m", _("must be a number of metres"));
  if (self->radius_m < DOZOR_CRISIS_AREA_MIN_RADIUS_M || self->radius_m > DOZOR_CRISIS_AREA_MAX_RADIUS_M)
    return fail (error, "area.radius_m", _("must be between 50 and 50,000 metres"));

  self->circle = TRUE;
  self->json = circle_json (self->lon, self->lat, self->radius_m);
  make_circle_outline (self);
  return TRUE;
}

static gboolean
read_polygon (DozorCrisisArea  *self,
              JsonNode         *area,
              GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *normal = dozor_geojson_normalize (area, DOZOR_GEOMETRY_AREA, &local_error);
  g_autoptr(JsonNode) parsed = NULL;
  JsonArray *rings, *ring;
  GEOSGeoJSONReader *reader;

  if (normal == NULL)
    return fail (error, "area.coordinates", local_error->message);

  parsed = json_from_string (normal, NULL);
  rings = json_object_get_array_member (json_node_get_object (parsed), "coordinates");
  if (json_array_get_length (rings) != 1)
    return fail (error, "area.coordinates", _("a crisis area has one ring, without holes"));
  ring = json_array_get_array_element (rings, 0);
  if (json_array_get_length (ring) > DOZOR_CRISIS_AREA_MAX_POINTS)
    return fail (error, "area.coordinates", _("a crisis area has at most 500 points"));

  for (guint i = 0; i < json_array_get_length (ring); i++)
    {
      JsonArray *position = json_array_get_array_element (ring, i);
      double lat = json_array_get_double_element (position, 1);

      if (fabs (lat) > DOZOR_GEO_MAX_LATITUDE)
        return fail (error, "area.coordinates", _("lies outside the map"));
      add_point (self, json_array_get_double_element (position, 0), lat);
    }

  /* Crossing edges, a ring of zero area, spikes: GEOS decides. */
  self->geos = GEOS_init_r ();
  reader = GEOSGeoJSONReader_create_r (self->geos);
  self->geos_polygon = reader != NULL ? GEOSGeoJSONReader_readGeometry_r (self->geos, reader, normal) : NULL;
  if (reader != NULL)
    GEOSGeoJSONReader_destroy_r (self->geos, reader);
  if (self->geos_polygon == NULL || GEOSisValid_r (self->geos, self->geos_polygon) != 1)
    return fail (error, "area.coordinates", _("is not a valid polygon (its edges cross or it has no area)"));

  self->json = g_steal_pointer (&normal);
  return TRUE;
}

/**
 * dozor_crisis_area_new_from_json:
 * @area: a crisis area as docs/api.md has it
 * @error: return location for a #GError (%DOZOR_JSON_ERROR_INVALID, the
 *   message starting with the member at fault, `area.…: `)
 *
 * Returns: (transfer full) (nullable): the area, or %NULL with @error set
 */
DozorCrisisArea *
dozor_crisis_area_new_from_json (JsonNode  *area,
                                 GError   **error)
{
  g_autoptr(DozorCrisisArea) self = g_object_new (DOZOR_TYPE_CRISIS_AREA, NULL);
  const char *type;

  if (area == NULL || !JSON_NODE_HOLDS_OBJECT (area))
    {
      fail (error, "area", _("must be a Polygon, a Circle or null"));
      return NULL;
    }

  type = dozor_json_get_string (json_node_get_object (area), "type");
  if (g_strcmp0 (type, "Circle") == 0)
    {
      if (!read_circle (self, json_node_get_object (area), error))
        return NULL;
    }
  else if (g_strcmp0 (type, "Polygon") == 0)
    {
      if (!read_polygon (self, area, error))
        return NULL;
    }
  else
    {
      fail (error, "area.type", _("must be Polygon or Circle"));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * dozor_crisis_area_new_circle:
 * @lon: the centre
 * @lat: the centre
 * @radius_m: the radius, clamped to what the server takes
 *
 * Returns: (transfer full): a circle, as the board proposes one
 */
DozorCrisisArea *
dozor_crisis_area_new_circle (double lon,
                              double lat,
                              double radius_m)
{
  DozorCrisisArea *self = g_object_new (DOZOR_TYPE_CRISIS_AREA, NULL);

  self->circle = TRUE;
  self->lon = CLAMP (lon, -180, 180);
  self->lat = CLAMP (lat, -DOZOR_GEO_MAX_LATITUDE, DOZOR_GEO_MAX_LATITUDE);
  self->radius_m = CLAMP (radius_m, DOZOR_CRISIS_AREA_MIN_RADIUS_M, DOZOR_CRISIS_AREA_MAX_RADIUS_M);
  self->json = circle_json (self->lon, self->lat, self->radius_m);
  make_circle_outline (self);
  return self;
}

gboolean
dozor_crisis_area_is_circle (DozorCrisisArea *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_AREA (self), FALSE);

  return self->circle;
}

/**
 * dozor_crisis_area_get_circle:
 * @self: a circle
 * @lon: (out): its centre
 * @lat: (out): its centre
 * @radius_m: (out): its radius
 */
void
dozor_crisis_area_get_circle (DozorCrisisArea *self,
                              double          *lon,
                              double          *lat,
                              double          *radius_m)
{
  g_return_if_fail (DOZOR_IS_CRISIS_AREA (self));

  *lon = self->lon;
  *lat = self->lat;
  *radius_m = self->radius_m;
}

/**
 * dozor_crisis_area_get_outline:
 * @self: a #DozorCrisisArea
 * @n_points: (out): how many points
 *
 * Returns: (transfer none): longitude, latitude pairs of a closed ring
 */
const double *
dozor_crisis_area_get_outline (DozorCrisisArea *self,
                               guint           *n_points)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_AREA (self), NULL);

  *n_points = self->outline->len / 2;
  return (const double *) (gpointer) self->outline->data;
}

/**
 * dozor_crisis_area_to_json:
 * @self: a #DozorCrisisArea
 *
 * Returns: (transfer none): the area as compact JSON text, as the server keeps it
 */
const char *
dozor_crisis_area_to_json (DozorCrisisArea *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_AREA (self), NULL);

  return self->json;
}

/**
 * dozor_crisis_area_contains:
 * @self: a #DozorCrisisArea
 * @lon: a point
 * @lat: a point
 *
 * Call it from one thread at a time: the area has one GEOS context.
 *
 * Returns: whether the point lies inside the area or on its edge
 */
gboolean
dozor_crisis_area_contains (DozorCrisisArea *self,
                            double           lon,
                            double           lat)
{
  GEOSGeometry *point;
  gboolean inside;

  g_return_val_if_fail (DOZOR_IS_CRISIS_AREA (self), FALSE);

  if (self->circle)
    return dozor_geo_distance_m (self->lat, self->lon, lat, lon) <= self->radius_m;

  if (self->prepared == NULL && self->geos_polygon != NULL)
    self->prepared = GEOSPrepare_r (self->geos, self->geos_polygon);
  if (self->prepared == NULL)
    return FALSE;

  point = GEOSGeom_createPointFromXY_r (self->geos, lon, lat);
  inside = GEOSPreparedIntersects_r (self->geos, self->prepared, point) == 1;
  GEOSGeom_destroy_r (self->geos, point);
  return inside;
}

/**
 * dozor_crisis_area_new_moved:
 * @self: a polygon
 * @vertex: which of its corners (the ring's closing point moves with the first)
 * @lon: where to
 * @lat: where to
 * @error: return location for a #GError, as dozor_crisis_area_new_from_json()
 *
 * Returns: (transfer full) (nullable): the polygon with that corner moved,
 *   or %NULL if it is no valid area so
 */
DozorCrisisArea *
dozor_crisis_area_new_moved (DozorCrisisArea  *self,
                             guint             vertex,
                             double            lon,
                             double            lat,
                             GError          **error)
{
  g_autoptr(GString) json = g_string_new ("{\"type\":\"Polygon\",\"coordinates\":[[");
  g_autoptr(JsonNode) node = NULL;
  guint n = self->outline->len / 2;

  g_return_val_if_fail (DOZOR_IS_CRISIS_AREA (self) && !self->circle, NULL);
  g_return_val_if_fail (vertex + 1 < n, NULL);

  for (guint i = 0; i < n; i++)
    {
      gboolean moved = i == vertex || (vertex == 0 && i == n - 1);
      char lon_text[G_ASCII_DTOSTR_BUF_SIZE], lat_text[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lon_text, sizeof lon_text, "%.7f", moved ? lon : g_array_index (self->outline, double, 2 * i));
      g_ascii_formatd (lat_text, sizeof lat_text, "%.7f", moved ? lat : g_array_index (self->outline, double, 2 * i + 1));
      g_string_append_printf (json, "%s[%s,%s]", i > 0 ? "," : "", lon_text, lat_text);
    }
  g_string_append (json, "]]}");

  node = json_from_string (json->str, error);
  return node != NULL ? dozor_crisis_area_new_from_json (node, error) : NULL;
}

/* Initial great-circle bearing from one point to another, degrees. */
static double
bearing_deg (double lat1,
             double lon1,
             double lat2,
             double lon2)
{
  double p1 = lat1 * G_PI / 180, p2 = lat2 * G_PI / 180, dl = (lon2 - lon1) * G_PI / 180;

  return atan2 (sin (dl) * cos (p2), cos (p1) * sin (p2) - sin (p1) * cos (p2) * cos (dl)) * 180 / G_PI;
}

/* The polygon's nearest edge point to (lon, lat), or a point inside it
 * when @inside. GEOS works in the plane: longitudes are scaled by the
 * cosine of the latitude so that "nearest" is nearest in metres, not in
 * degrees (at Almaty a degree of longitude is 0.73 of one of latitude). */
static void
polygon_target (DozorCrisisArea *self,
                gboolean         inside,
                double           lon,
                double           lat,
                double          *target_lon,
                double          *target_lat)
{
  GEOSContextHandle_t geos = GEOS_init_r ();
  guint n = self->outline->len / 2;
  const double *points = (const double *) self->outline->data;
  /* A polygon has no centre of its own: its first corner sets the scale. */
  double scale = cos (points[1] * G_PI / 180);
  GEOSCoordSequence *ring_points = GEOSCoordSeq_create_r (geos, n, 2);
  GEOSGeometry *ring, *polygon, *target = NULL;
  GEOSCoordSequence *nearest = NULL;

  for (guint i = 0; i < n; i++)
    GEOSCoordSeq_setXY_r (geos, ring_points, i, points[2 * i] * scale, points[2 * i + 1]);
  ring = GEOSGeom_createLinearRing_r (geos, ring_points);
  polygon = GEOSGeom_createPolygon_r (geos, ring, NULL, 0);

  *target_lon = points[0];
  *target_lat = points[1];
  if (inside)
    {
      /* The centroid, unless the shape puts it outside (a crescent). */
      target = GEOSGetCentroid_r (geos, polygon);
      if (target != NULL && GEOSIntersects_r (geos, polygon, target) != 1)
        {
          GEOSGeom_destroy_r (geos, target);
          target = GEOSPointOnSurface_r (geos, polygon);
        }
      if (target != NULL && GEOSGeomGetX_r (geos, target, target_lon) == 1 &&
          GEOSGeomGetY_r (geos, target, target_lat) == 1)
        *target_lon /= scale;
      else
        *target_lon = points[0], *target_lat = points[1];
    }
  else
    {
      GEOSGeometry *point = GEOSGeom_createPointFromXY_r (geos, lon * scale, lat);

      /* The first of the pair lies on the polygon. */
      nearest = GEOSNearestPoints_r (geos, polygon, point);
      if (nearest != NULL && GEOSCoordSeq_getXY_r (geos, nearest, 0, target_lon, target_lat) == 1)
        *target_lon /= scale;
      GEOSGeom_destroy_r (geos, point);
    }

  if (nearest != NULL)
    GEOSCoordSeq_destroy_r (geos, nearest);
  if (target != NULL)
    GEOSGeom_destroy_r (geos, target);
  GEOSGeom_destroy_r (geos, polygon);
  GEOS_finish_r (geos);
}

/**
 * dozor_crisis_area_get_target:
 * @self: a #DozorCrisisArea
 * @has_fix: whether the unit's place is known
 * @lon: the unit's place
 * @lat: the unit's place
 * @target_lon: (out): where a dispatch to the area sends it
 * @target_lat: (out): where a dispatch to the area sends it
 *
 * The point of the area a unit sent to it goes to (docs/api.md,
 * "Dispatching"): from outside, the nearest point of the area's edge, so
 * each unit joins the cordon where it is closest; from inside or from
 * nowhere known, the centre (a circle's centre, a polygon's centroid).
 */
void
dozor_crisis_area_get_target (DozorCrisisArea *self,
                              gboolean         has_fix,
                              double           lon,
                              double           lat,
                              double          *target_lon,
                              double          *target_lat)
{
  gboolean inside;

  g_return_if_fail (DOZOR_IS_CRISIS_AREA (self));

  inside = !has_fix || dozor_crisis_area_contains (self, lon, lat);
  if (self->circle && inside)
    {
      *target_lon = self->lon;
      *target_lat = self->lat;
    }
  else if (self->circle)
    dozor_geo_destination (self->lat, self->lon, self->radius_m, bearing_deg (self->lat, self->lon, lat, lon),
                           target_lat, target_lon);
  else
    polygon_target (self, inside, lon, lat, target_lon, target_lat);
}
