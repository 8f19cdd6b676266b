/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A road network small enough to know every answer, for the tests of road
 * times and of what is computed from them. */
#pragma once

#include "dozor-geo.h"
#include "dozor-road-graph.h"

/* A hand-made town west of Almaty, on one parallel: the scene at A; B is
 * 1.6 km east of it on a residential street, or round by C on a primary
 * road, longer but twice as fast; F is closer to A in a straight line but
 * only reached by a residential zigzag through G. */
#define A_LAT 43.0
#define A_LON 76.90
#define B_LAT 43.0
#define B_LON 76.92
#define C_LAT 43.005
#define C_LON 76.91
#define F_LAT 43.0
#define F_LON 76.885
#define G_LAT 43.006
#define G_LON 76.8925

static const char town_geojson[] =
  "{\"type\": \"FeatureCollection\", \"features\": ["
  "{\"type\": \"Feature\", \"properties\": {\"highway\": \"residential\"},"
  " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[76.90, 43.0], [76.92, 43.0]]}},"
  "{\"type\": \"Feature\", \"properties\": {\"highway\": \"primary\"},"
  " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[76.92, 43.0], [76.91, 43.005], [76.90, 43.0]]}},"
  "{\"type\": \"Feature\", \"properties\": {\"highway\": \"residential\"},"
  " \"geometry\": {\"type\": \"LineString\", \"coordinates\": [[76.90, 43.0], [76.8925, 43.006], [76.885, 43.0]]}}"
  "]}";

/* The driving time of a straight leg at @kmh, seconds. */
static inline double
town_leg_s (double lat0,
            double lon0,
            double lat1,
            double lon1,
            double kmh)
{
  return dozor_geo_distance_m (lat0, lon0, lat1, lon1) / (kmh / 3.6);
}

static inline DozorRoadGraph *
town_graph (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "town.geojson", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) town = NULL;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, town_geojson, -1, NULL));
  town = dozor_street_map_new_from_file (path, NULL, &error);
  g_assert_no_error (error);
  return dozor_road_graph_new (town);
}

