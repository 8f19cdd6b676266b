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
 * dozor_line_from_geometry:
 * @geometry: (nullable): a patrol route's geometry
 *   (dozor_situation_get_geometry())
 *
 * Returns: (transfer full) (nullable): its LineString as world (x, y)
 *   pairs (dozor_geo_lon_lat_to_world()), or %NULL for no LineString
 */
GArray *
dozor_line_from_geometry (DozorGeometry *geometry)
{
  const double *positions;
  GArray *line;
  guint n;

  if (geometry == NULL || dozor_geometry_get_geometry_type (geometry) != DOZOR_GEOMETRY_LINE_STRING)
    return NULL;
  /* A line has at least two positions (dozor_geometry_new_from_json()). */
  positions = dozor_geometry_get_part (geometry, 0, &n);
  line = g_array_sized_new (FALSE, FALSE, sizeof (double) * 2, n);
  for (guint i = 0; i < n; i++)
    {
      double xy[2];

      dozor_geo_lon_lat_to_world (positions[2 * i], positions[2 * i + 1], &xy[0], &xy[1]);
      g_array_append_val (line, xy);
    }
  return line;
}
