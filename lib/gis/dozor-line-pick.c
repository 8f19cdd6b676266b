/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which of some lines a point lies nearest, within a reach: a unit
 * dropped on a patrol route on the map. The distance to a line is GEOS's
 * (through OGR), in whatever plane coordinates the caller draws in.
 */
#include "config.h"

#include <ogr_api.h>

#include "dozor-gdal.h"
#include "dozor-line-pick.h"

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
  g_auto(OGRGeometryH) point = OGR_G_CreateGeometry (wkbPoint);
  double best = reach;
  int found = -1;

  OGR_G_SetPoint_2D (point, 0, x, y);
  for (guint i = 0; i < lines->len; i++)
    {
      GArray *line = lines->pdata[i];
      g_auto(OGRGeometryH) geometry = NULL;
      double distance;

      if (line == NULL || line->len < 2)
        continue;
      geometry = OGR_G_CreateGeometry (wkbLineString);
      for (guint p = 0; p < line->len; p++)
        {
          const double *xy = &g_array_index (line, double, 2 * p);

          OGR_G_AddPoint_2D (geometry, xy[0], xy[1]);
        }
      distance = OGR_G_Distance (geometry, point);
      if (distance >= 0 && distance <= best)
        {
          best = distance;
          found = (int) i;
        }
    }
  return found;
}
