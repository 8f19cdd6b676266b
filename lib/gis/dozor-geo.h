/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Web Mercator stops here: beyond it the projection goes to infinity. */
#define DOZOR_GEO_MAX_LATITUDE 85.05112877980659

/* Mean Earth radius (IUGG), metres, for great-circle distances. */
#define DOZOR_GEO_EARTH_RADIUS_M 6371008.8

gboolean dozor_geo_is_valid_lat_lon     (double  lat,
                                         double  lon);
void     dozor_geo_lon_lat_to_world     (double  lon,
                                         double  lat,
                                         double *wx,
                                         double *wy);
void     dozor_geo_world_to_lon_lat     (double  wx,
                                         double  wy,
                                         double *lon,
                                         double *lat);
void     dozor_geo_tile_bounds_world    (guint   zoom,
                                         guint   x,
                                         guint   y,
                                         double *wx0,
                                         double *wy0,
                                         double *wx1,
                                         double *wy1);
double   dozor_geo_distance_m           (double  lat1,
                                         double  lon1,
                                         double  lat2,
                                         double  lon2);
void     dozor_geo_destination          (double  lat,
                                         double  lon,
                                         double  distance_m,
                                         double  bearing_deg,
                                         double *lat2,
                                         double *lon2);

G_END_DECLS
