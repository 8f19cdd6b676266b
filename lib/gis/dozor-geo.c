/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * "World" coordinates are Web Mercator normalised to the unit square:
 * (0, 0) is the north-west corner of the tile pyramid, (1, 1) the
 * south-east. Tile (z, x, y) covers [x, x+1] / 2^z by [y, y+1] / 2^z, so
 * every layer can cull and place items without knowing the zoom.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"

gboolean
dozor_geo_is_valid_lat_lon (double lat,
                            double lon)
{
  return isfinite (lat) && isfinite (lon) &&
         lat >= -90.0 && lat <= 90.0 &&
         lon >= -180.0 && lon <= 180.0;
}

void
dozor_geo_lon_lat_to_world (double  lon,
                            double  lat,
                            double *wx,
                            double *wy)
{
  double lat_rad = CLAMP (lat, -DOZOR_GEO_MAX_LATITUDE, DOZOR_GEO_MAX_LATITUDE) * G_PI / 180.0;

  *wx = (lon + 180.0) / 360.0;
  *wy = (1.0 - log (tan (lat_rad) + 1.0 / cos (lat_rad)) / G_PI) / 2.0;
}

void
dozor_geo_world_to_lon_lat (double  wx,
                            double  wy,
                            double *lon,
                            double *lat)
{
  *lon = wx * 360.0 - 180.0;
  *lat = atan (sinh (G_PI * (1.0 - 2.0 * wy))) * 180.0 / G_PI;
}

void
dozor_geo_tile_bounds_world (guint   zoom,
                             guint   x,
                             guint   y,
                             double *wx0,
                             double *wy0,
                             double *wx1,
                             double *wy1)
{
  double n = ldexp (1.0, (int) zoom);

  *wx0 = x / n;
  *wy0 = y / n;
  *wx1 = (x + 1) / n;
  *wy1 = (y + 1) / n;
}

double
dozor_geo_distance_m (double lat1,
                      double lon1,
                      double lat2,
                      double lon2)
{
  double phi1 = lat1 * G_PI / 180.0;
  double phi2 = lat2 * G_PI / 180.0;
  double dphi = phi2 - phi1;
  double dlambda = (lon2 - lon1) * G_PI / 180.0;
  double a = sin (dphi / 2) * sin (dphi / 2) +
             cos (phi1) * cos (phi2) * sin (dlambda / 2) * sin (dlambda / 2);

  return 2.0 * DOZOR_GEO_EARTH_RADIUS_M * atan2 (sqrt (a), sqrt (1.0 - a));
}

/**
 * dozor_geo_destination:
 * @lat: where from
 * @lon: where from
 * @distance_m: how far, along a great circle
 * @bearing_deg: in which direction, degrees from north
 * @lat2: (out): where that is
 * @lon2: (out): where that is
 */
void
dozor_geo_destination (double  lat,
                       double  lon,
                       double  distance_m,
                       double  bearing_deg,
                       double *lat2,
                       double *lon2)
{
  double phi1 = lat * G_PI / 180.0, lambda1 = lon * G_PI / 180.0;
  double d = distance_m / DOZOR_GEO_EARTH_RADIUS_M, theta = bearing_deg * G_PI / 180.0;
  double phi2 = asin (sin (phi1) * cos (d) + cos (phi1) * sin (d) * cos (theta));
  double lambda2 = lambda1 + atan2 (sin (theta) * sin (d) * cos (phi1), cos (d) - sin (phi1) * sin (phi2));

  *lat2 = phi2 * 180.0 / G_PI;
  *lon2 = lambda2 * 180.0 / G_PI;
}
