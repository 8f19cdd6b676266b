/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wall's framing: the view it chooses shows what it was asked to,
 * as tightly as the zoom limits allow.
 */
#include "config.h"

#include <math.h>

#include "dozor-frame.h"
#include "dozor-geo.h"

static const DozorView wall_4k = { 0, 0, 0, 3840, 2160 };

/* Two incidents across Almaty: shown with the margin, and no deeper zoom
 * would still show them. */
static void
test_two_points (void)
{
  DozorFrame frame;
  DozorView view = wall_4k, deeper;

  dozor_frame_init (&frame);
  dozor_frame_add_point (&frame, 43.2389, 76.8897);
  dozor_frame_add_point (&frame, 43.3200, 76.9500);
  g_assert_true (dozor_frame_fit (&frame, 120, 8, 17, &view));
  g_assert_cmpfloat_with_epsilon (view.lat, (43.2389 + 43.3200) / 2, 0.01);
  g_assert_cmpfloat_with_epsilon (view.lon, (76.8897 + 76.9500) / 2, 1e-9);
  g_assert_cmpfloat (view.zoom, >, 8);
  g_assert_cmpfloat (view.zoom, <, 17);
  g_assert_true (dozor_frame_is_shown (&frame, &view, 119.5));
  deeper = view;
  deeper.zoom += 0.05;
  g_assert_false (dozor_frame_is_shown (&frame, &deeper, 119.5));
  /* A view elsewhere does not show them. */
  deeper = view;
  deeper.lon += 0.2;
  g_assert_false (dozor_frame_is_shown (&frame, &deeper, 0));
}

/* One incident: the greatest zoom allowed, centred on it. */
static void
test_one_point (void)
{
  DozorFrame frame;
  DozorView view = wall_4k;

  dozor_frame_init (&frame);
  dozor_frame_add_point (&frame, 43.25, 76.95);
  dozor_frame_add_point (&frame, NAN, 76.95);
  dozor_frame_add_point (&frame, 91, 0);
  g_assert_cmpuint (frame.n_points, ==, 1);
  g_assert_true (dozor_frame_fit (&frame, 100, 10, 16, &view));
  g_assert_cmpfloat (view.zoom, ==, 16);
  g_assert_cmpfloat_with_epsilon (view.lat, 43.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (view.lon, 76.95, 1e-9);
}

/* Almaty and Astana do not fit at the least zoom allowed: the view says
 * so, at that zoom; nothing at all leaves the view as it was. */
static void
test_limits (void)
{
  DozorFrame frame;
  DozorView view = wall_4k;

  dozor_frame_init (&frame);
  g_assert_false (dozor_frame_fit (&frame, 100, 10, 16, &view));
  g_assert_cmpfloat (view.zoom, ==, 0);
  g_assert_true (dozor_frame_is_shown (&frame, &view, 0));

  dozor_frame_add_point (&frame, 43.25, 76.95);
  dozor_frame_add_point (&frame, 51.17, 71.45);
  g_assert_false (dozor_frame_fit (&frame, 100, 10, 16, &view));
  g_assert_cmpfloat (view.zoom, ==, 10);
}

/* A crisis area of 5 km: the points 5 km north, south, east and west of
 * its centre are all in the view that frames it. */
static void
test_circle (void)
{
  const double lat = 43.25, lon = 76.95, radius = 5000;
  double dlat = radius / DOZOR_GEO_EARTH_RADIUS_M * 180 / G_PI;
  double dlon = dlat / cos (lat * G_PI / 180);
  DozorFrame circle, edges;
  DozorView view = { 0, 0, 0, 1920, 1080 };

  g_assert_cmpfloat_with_epsilon (dozor_geo_distance_m (lat, lon, lat, lon + dlon), radius, 5);
  dozor_frame_init (&circle);
  dozor_frame_add_circle (&circle, lat, lon, radius);
  g_assert_true (dozor_frame_fit (&circle, 60, 5, 18, &view));
  dozor_frame_init (&edges);
  dozor_frame_add_point (&edges, lat + dlat, lon);
  dozor_frame_add_point (&edges, lat - dlat, lon);
  dozor_frame_add_point (&edges, lat, lon + dlon);
  dozor_frame_add_point (&edges, lat, lon - dlon);
  g_assert_true (dozor_frame_is_shown (&edges, &view, 59.5));
  /* 10 km of height on 960 px. At 43.25° a metre is 1/cos (43.25°) =
   * 1.373 times longer on the Mercator map than at the equator, so
   * 256 · 2^z · 1.373 · 10,000 / 40,075,016 = 960 gives z = 13.42. */
  g_assert_cmpfloat_with_epsilon (view.zoom, 13.42, 0.02);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/frame/two-points", test_two_points);
  g_test_add_func ("/frame/one-point", test_one_point);
  g_test_add_func ("/frame/limits", test_limits);
  g_test_add_func ("/frame/circle", test_circle);
  return g_test_run ();
}
