/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"

static void
test_world_round_trip (void)
{
  static const double places[][2] = {
    { 43.2389, 76.9453 },   /* Almaty */
    { 51.1694, 71.4491 },   /* Astana */
    { -33.8688, 151.2093 }, /* Sydney */
    { 0.0, 0.0 },
    { 85.0, -179.999 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    {
      double wx, wy, lat, lon;

      dozor_geo_lon_lat_to_world (places[i][1], places[i][0], &wx, &wy);
      g_assert_cmpfloat (wx, >=, 0.0);
      g_assert_cmpfloat (wx, <=, 1.0);
      g_assert_cmpfloat (wy, >=, 0.0);
      g_assert_cmpfloat (wy, <=, 1.0);

      dozor_geo_world_to_lon_lat (wx, wy, &lon, &lat);
      g_assert_cmpfloat_with_epsilon (lat, places[i][0], 1e-9);
      g_assert_cmpfloat_with_epsilon (lon, places[i][1], 1e-9);
    }
}

static void
test_world_poles_clamped (void)
{
  double wx, wy;

  dozor_geo_lon_lat_to_world (0.0, 90.0, &wx, &wy);
  g_assert_true (isfinite (wy));
  g_assert_cmpfloat_with_epsilon (wy, 0.0, 1e-9);

  dozor_geo_lon_lat_to_world (0.0, -90.0, &wx, &wy);
  g_assert_true (isfinite (wy));
  g_assert_cmpfloat_with_epsilon (wy, 1.0, 1e-9);
}

static void
test_tile_of_almaty (void)
{
  double wx, wy, x0, y0, x1, y1;

  /* Almaty lies in z10 tile 730/375. */
  dozor_geo_lon_lat_to_world (76.9453, 43.2389, &wx, &wy);
  g_assert_cmpint ((int) floor (wx * 1024), ==, 730);
  g_assert_cmpint ((int) floor (wy * 1024), ==, 375);

  dozor_geo_tile_bounds_world (10, 730, 375, &x0, &y0, &x1, &y1);
  g_assert_cmpfloat (x0, <=, wx);
  g_assert_cmpfloat (wx, <, x1);
  g_assert_cmpfloat (y0, <=, wy);
  g_assert_cmpfloat (wy, <, y1);
  g_assert_cmpfloat_with_epsilon (x1 - x0, 1.0 / 1024, 1e-15);
}

static void
test_distance (void)
{
  /* One degree of a great circle on the IUGG mean sphere. */
  g_assert_cmpfloat_with_epsilon (dozor_geo_distance_m (0, 0, 0, 1), 111195.08, 0.01);
  g_assert_cmpfloat_with_epsilon (dozor_geo_distance_m (43.2, 76.9, 43.2, 76.9), 0.0, 1e-9);
  /* Almaty to Astana is about 970 km as the crow flies. */
  g_assert_cmpfloat_with_epsilon (dozor_geo_distance_m (43.2389, 76.9453, 51.1694, 71.4491) / 1000,
                                  969.0, 10.0);
}

static void
test_valid_lat_lon (void)
{
  g_assert_true (dozor_geo_is_valid_lat_lon (43.2, 76.9));
  g_assert_true (dozor_geo_is_valid_lat_lon (-90, 180));
  g_assert_false (dozor_geo_is_valid_lat_lon (90.0001, 0));
  g_assert_false (dozor_geo_is_valid_lat_lon (0, -180.5));
  g_assert_false (dozor_geo_is_valid_lat_lon (NAN, 0));
  g_assert_false (dozor_geo_is_valid_lat_lon (0, INFINITY));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/geo/world-round-trip", test_world_round_trip);
  g_test_add_func ("/geo/poles-clamped", test_world_poles_clamped);
  g_test_add_func ("/geo/tile-of-almaty", test_tile_of_almaty);
  g_test_add_func ("/geo/distance", test_distance);
  g_test_add_func ("/geo/valid-lat-lon", test_valid_lat_lon);

  return g_test_run ();
}
