/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which of some lines a point lies nearest, within a reach (a unit
 * dropped on a patrol route on the map), and the point of a line nearest
 * a point (where a unit off its route would rejoin it). The geometry is
 * GEOS's C API, in whatever plane coordinates the caller draws in (not
 * OGR's: the board then needs no GDAL until it reads or writes a GIS file,
 * docs/decisions.md, "GDAL only for files").
 */
#include "config.h"

#include <geos_c.h>

#include "dozor-geo.h"
#include "dozor-line-pick.h"

/* A LineString of (x, y) pairs, or %NULL. */
static GEOSGeometry *
line_new (GEOSContextHandle_t geos,
          GArray             *line)
{
  GEOSCoordSequence *coords = GEOSCoordSeq_create_r (geos, line->len, 2);

  if (coords == NULL)
    return NULL;
  for (guint p = 0; p < line->len; p++)
    {
      const double *xy = &g_array_index (line, double, 2 * p);

      GEOSCoordSeq_setXY_r (geos, coords, p, xy[0], xy[1]);
    }
  /* Takes the sequence, also when it fails. */
  return GEOSGeom_createLineString_r (geos, coords);
}

/**
 * dozor_line_pick_nearest:
 * @lines: (element-type GArray): lines, each a #GArray of (x, y) pairs of
 *   doubles
 * @x: the point
 * @y: the point
 * @reach: the farthest a line may lie from the point
 *
 * Returns: the index of the nearest line within @reach, or -1
 */
int
dozor_line_pick_nearest (GPtrArray *lines,
                         double     x,
                         double     y,
                         double     reach)
{
  GEOSContextHandle_t geos = GEOS_init_r ();
  GEOSGeometry *point = GEOSGeom_createPointFromXY_r (geos, x, y);
  double best = reach;
  int found = -1;

  for (guint i = 0; point != NULL && i < lines->len; i++)
    {
      GArray *line = lines->pdata[i];
      GEOSGeometry *geometry;
      double distance;

      if (line == NULL || line->len < 2 || (geometry = line_new (geos, line)) == NULL)
        continue;
      if (GEOSDistance_r (geos, geometry, point, &distance) == 1 && distance <= best)
        {
          best = distance;
          found = (int) i;
        }
      GEOSGeom_destroy_r (geos, geometry);
    }
  if (point != NULL)
    GEOSGeom_destroy_r (geos, point);
  GEOS_finish_r (geos);
  return found;
}

/**
 * dozor_line_nearest_point:
 * @line: (element-type double): (x, y) pairs of doubles, at least two
 * @x: the point
 * @y: the point
 * @nx: (out): the point of @line nearest it
 * @ny: (out): the point of @line nearest it
 *
 * Any thread: a GEOS context of its own per call.
 *
 * Returns: whether @line is a line and the point was found
 */
gboolean
dozor_line_nearest_point (GArray *line,
                          double  x,
                          double  y,
                          double *nx,
                          double *ny)
{
  GEOSContextHandle_t geos;
  GEOSGeometry *geometry, *point;
  GEOSCoordSequence *nearest;
  gboolean found = FALSE;

  if (line == NULL || line->len < 2)
    return FALSE;
  geos = GEOS_init_r ();
  geometry = line_new (geos, line);
  point = GEOSGeom_createPointFromXY_r (geos, x, y);
  nearest = geometry != NULL && point != NULL ? GEOSNearestPoints_r (geos, geometry, point) : NULL;
  if (nearest != NULL)
    {
      found = GEOSCoordSeq_getXY_r (geos, nearest, 0, nx, ny) != 0;
      GEOSCoordSeq_destroy_r (geos, nearest);
    }
  if (point != NULL)
    GEOSGeom_destroy_r (geos, point);
  if (geometry != NULL)
    GEOSGeom_destroy_r (geos, geometry);
  GEOS_finish_r (geos);
  return found;
}

/**
 * dozor_line_from_route:
 * @route: (nullable): a patrol route as the API has it
 *
 * Returns: (transfer full) (nullable): its LineString as world (x, y)
 *   pairs (dozor_geo_lon_lat_to_world()), or %NULL for fewer than two
 *   positions
 */
GArray *
dozor_line_from_route (JsonObject *route)
{
  JsonNode *geometry = route != NULL ? json_object_get_member (route, "geometry") : NULL;
  JsonNode *coordinates;
  JsonArray *positions;
  GArray *line;

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    return NULL;
  coordinates = json_object_get_member (json_node_get_object (geometry), "coordinates");
  if (coordinates == NULL || !JSON_NODE_HOLDS_ARRAY (coordinates))
    return NULL;
  positions = json_node_get_array (coordinates);
  line = g_array_sized_new (FALSE, FALSE, sizeof (double) * 2, json_array_get_length (positions));
  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      JsonNode *node = json_array_get_element (positions, i);
      JsonArray *position;
      double xy[2];

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (position = json_node_get_array (node)) < 2)
        continue;
      dozor_geo_lon_lat_to_world (json_array_get_double_element (position, 0),
                                  json_array_get_double_element (position, 1), &xy[0], &xy[1]);
      g_array_append_val (line, xy);
    }
  if (line->len >= 2)
    return line;
  g_array_unref (line);
  return NULL;
}
