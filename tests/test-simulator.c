/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-simulator.h"
#include "test-almaty.h"

static DozorRoadGraph *graph;

static void
test_same_seed_same_city (void)
{
  g_autoptr(DozorSimulator) a = dozor_simulator_new (graph, 42, 30);
  g_autoptr(DozorSimulator) b = dozor_simulator_new (graph, 42, 30);
  g_autoptr(DozorSimulator) other = dozor_simulator_new (graph, 43, 30);
  guint differ = 0;

  for (guint step = 0; step < 20; step++)
    {
      dozor_simulator_step (a, DOZOR_SIMULATOR_REPORT_SECONDS);
      dozor_simulator_step (b, DOZOR_SIMULATOR_REPORT_SECONDS);
      dozor_simulator_step (other, DOZOR_SIMULATOR_REPORT_SECONDS);
    }

  for (guint i = 0; i < 30; i++)
    {
      double lat_a, lon_a, lat_b, lon_b, lat_o, lon_o, s, h;

      dozor_simulator_get_fix (a, i, &lat_a, &lon_a, &s, &h);
      dozor_simulator_get_fix (b, i, &lat_b, &lon_b, &s, &h);
      dozor_simulator_get_fix (other, i, &lat_o, &lon_o, &s, &h);
      g_assert_cmpfloat (lat_a, ==, lat_b);
      g_assert_cmpfloat (lon_a, ==, lon_b);
      g_assert_cmpstr (dozor_simulator_get_call_sign (a, i), ==, dozor_simulator_get_call_sign (b, i));
      if (lat_a != lat_o || lon_a != lon_o)
        differ++;
    }

  g_assert_cmpuint (differ, ==, 30);
}

/* The scenario reports each car at its own moment: units stepped one at a
 * time, in small slices of the period, drive the same city as all of them
 * stepped at once, and a car not yet stepped has not moved. */
static void
test_one_unit_at_a_time (void)
{
  g_autoptr(DozorSimulator) all = dozor_simulator_new (graph, 42, 30);
  g_autoptr(DozorSimulator) each = dozor_simulator_new (graph, 42, 30);
  double lat_before, lon_before, lat, lon, s, h;
  double start[30][2];
  guint moved = 0;

  for (guint i = 0; i < 30; i++)
    dozor_simulator_get_fix (each, i, &start[i][0], &start[i][1], &s, &h);
  dozor_simulator_get_fix (each, 29, &lat_before, &lon_before, &s, &h);
  for (guint i = 0; i < 29; i++)
    dozor_simulator_step_unit (each, i, DOZOR_SIMULATOR_REPORT_SECONDS);
  dozor_simulator_get_fix (each, 29, &lat, &lon, &s, &h);
  g_assert_cmpfloat (lat, ==, lat_before);
  g_assert_cmpfloat (lon, ==, lon_before);
  dozor_simulator_step_unit (each, 29, DOZOR_SIMULATOR_REPORT_SECONDS);
  dozor_simulator_step (all, DOZOR_SIMULATOR_REPORT_SECONDS);

  for (guint round = 1; round < 20; round++)
    {
      dozor_simulator_step (all, DOZOR_SIMULATOR_REPORT_SECONDS);
      for (guint slice = 0; slice < 10; slice++)
        {
          dozor_simulator_pass_time (each, DOZOR_SIMULATOR_REPORT_SECONDS / 10);
          for (guint i = slice * 3; i < slice * 3 + 3; i++)
            dozor_simulator_step_unit (each, i, DOZOR_SIMULATOR_REPORT_SECONDS);
        }
    }

  for (guint i = 0; i < 30; i++)
    {
      double lat_a, lon_a, lat_e, lon_e;

      dozor_simulator_get_fix (all, i, &lat_a, &lon_a, &s, &h);
      dozor_simulator_get_fix (each, i, &lat_e, &lon_e, &s, &h);
      g_assert_cmpfloat (lat_a, ==, lat_e);
      g_assert_cmpfloat (lon_a, ==, lon_e);
      moved += dozor_geo_distance_m (start[i][0], start[i][1], lat_e, lon_e) > 100;
    }
  g_assert_cmpuint (moved, >, 0);
}

static void
test_units_drive_plausibly (void)
{
  g_autoptr(DozorSimulator) sim = dozor_simulator_new (graph, 7, 50);
  g_autofree double *lat = g_new (double, 50);
  g_autofree double *lon = g_new (double, 50);
  double total_m = 0;

  for (guint i = 0; i < 50; i++)
    {
      double s, h;
      dozor_simulator_get_fix (sim, i, &lat[i], &lon[i], &s, &h);
    }

  for (guint step = 0; step < 60; step++)
    {
      dozor_simulator_step (sim, DOZOR_SIMULATOR_REPORT_SECONDS);

      for (guint i = 0; i < 50; i++)
        {
          double la, lo, speed, heading, moved;

          dozor_simulator_get_fix (sim, i, &la, &lo, &speed, &heading);

          /* In Almaty, at city speeds, with a heading a compass can show. */
          g_assert_cmpfloat (la, >, 43.10);
          g_assert_cmpfloat (la, <, 43.53);
          g_assert_cmpfloat (lo, >, 76.65);
          g_assert_cmpfloat (lo, <, 77.18);
          g_assert_cmpfloat (speed, >=, 0);
          g_assert_cmpfloat (speed, <=, 17);
          g_assert_cmpfloat (heading, >=, 0);
          g_assert_cmpfloat (heading, <, 360);

          /* Never faster than the speed allows, give or take the GPS noise. */
          moved = dozor_geo_distance_m (lat[i], lon[i], la, lo);
          g_assert_cmpfloat (moved, <=, 17 * DOZOR_SIMULATOR_REPORT_SECONDS + 40);
          total_m += moved;
          lat[i] = la;
          lon[i] = lo;
        }
    }

  /* Five minutes of patrol: they do drive. */
  g_test_message ("50 units drove %.0f km in 5 minutes", total_m / 1000);
  g_assert_cmpfloat (total_m / 50, >, 1000);
}

static void
test_incidents_arrive (void)
{
  g_autoptr(DozorSimulator) a = dozor_simulator_new (graph, 11, 5);
  g_autoptr(DozorSimulator) b = dozor_simulator_new (graph, 11, 5);
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  guint count = 0;
  const char *type, *type_b;
  int priority, priority_b;
  double lat, lon, lat_b, lon_b;

  /* Ten simulated hours at 30 an hour: close to 300 reports. */
  for (guint step = 0; step < 10 * 720; step++)
    {
      dozor_simulator_step (a, DOZOR_SIMULATOR_REPORT_SECONDS);
      dozor_simulator_step (b, DOZOR_SIMULATOR_REPORT_SECONDS);

      while (dozor_simulator_next_incident (a, &type, &priority, &lat, &lon))
        {
          g_assert_true (dozor_simulator_next_incident (b, &type_b, &priority_b, &lat_b, &lon_b));
          g_assert_cmpstr (type, ==, type_b);
          g_assert_cmpfloat (lat, ==, lat_b);
          g_assert_cmpfloat (lat, >, 43.10);
          g_assert_cmpfloat (lat, <, 43.53);
          g_assert_cmpint (priority, >=, 1);
          g_assert_cmpint (priority, <=, 4);
          g_hash_table_add (types, (gpointer) type);
          count++;
        }
      g_assert_false (dozor_simulator_next_incident (b, &type_b, &priority_b, &lat_b, &lon_b));
    }

  g_test_message ("%u reports of %u kinds in 10 hours", count, g_hash_table_size (types));
  /* Poisson with mean 300: ±3 standard deviations is about ±52. */
  g_assert_cmpuint (count, >, 240);
  g_assert_cmpuint (count, <, 360);
  g_assert_cmpuint (g_hash_table_size (types), >=, 8);
}

static void
test_answers_a_dispatch (void)
{
  g_autoptr(DozorSimulator) sim = dozor_simulator_new (graph, 5, 3);
  double lat, lon, speed, heading, scene_lat, scene_lon, walked_to_lat, walked_to_lon;
  guint steps = 0, node;

  /* A scene about two kilometres away, on a road. */
  dozor_simulator_get_fix (sim, 0, &lat, &lon, &speed, &heading);
  node = dozor_road_graph_nearest_node (graph, lat + 0.015, lon + 0.01);
  dozor_road_graph_get_node (graph, node, &scene_lat, &scene_lon);

  dozor_simulator_send_to (sim, 0, scene_lat, scene_lon);
  g_assert_cmpint (dozor_simulator_get_state (sim, 0), ==, DOZOR_SIM_EN_ROUTE);

  while (dozor_simulator_get_state (sim, 0) == DOZOR_SIM_EN_ROUTE && steps < 1000)
    {
      dozor_simulator_step (sim, DOZOR_SIMULATOR_REPORT_SECONDS);
      steps++;
    }
  g_test_message ("arrived after %u reports", steps);
  g_assert_cmpint (dozor_simulator_get_state (sim, 0), ==, DOZOR_SIM_ON_SCENE);

  /* At the scene, standing still, for the time the work takes. */
  dozor_simulator_step (sim, DOZOR_SIMULATOR_REPORT_SECONDS);
  dozor_simulator_get_fix (sim, 0, &walked_to_lat, &walked_to_lon, &speed, &heading);
  g_assert_cmpfloat (dozor_geo_distance_m (walked_to_lat, walked_to_lon, scene_lat, scene_lon), <, 30);
  g_assert_cmpfloat (speed, ==, 0);

  for (steps = 0; dozor_simulator_get_state (sim, 0) == DOZOR_SIM_ON_SCENE && steps < 1000; steps++)
    dozor_simulator_step (sim, DOZOR_SIMULATOR_REPORT_SECONDS);
  g_test_message ("cleared after %u reports on scene", steps);
  g_assert_cmpint (dozor_simulator_get_state (sim, 0), ==, DOZOR_SIM_PATROL);
  g_assert_cmpuint (steps, >=, 600 / 5 - 1);
  g_assert_cmpuint (steps, <=, 1800 / 5 + 1);

  /* A cancelled dispatch sends the crew back to patrol at once. */
  dozor_simulator_send_to (sim, 1, scene_lat, scene_lon);
  dozor_simulator_release (sim, 1);
  g_assert_cmpint (dozor_simulator_get_state (sim, 1), ==, DOZOR_SIM_PATROL);
}

static void
test_call_signs_unique (void)
{
  g_autoptr(DozorSimulator) sim = dozor_simulator_new (graph, 1, 200);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (dozor_simulator_get_n_units (sim), ==, 200);
  for (guint i = 0; i < 200; i++)
    g_assert_true (g_hash_table_add (seen, (gpointer) dozor_simulator_get_call_sign (sim, i)));
}

/* A crew given a patrol loop passes each of its junctions again and again,
 * in order, and stays in the area. */
static void
test_patrols_its_loop (void)
{
  g_autoptr(DozorSimulator) simulator = dozor_simulator_new (graph, 3, 1);
  g_autoptr(GArray) waypoints = g_array_new (FALSE, FALSE, sizeof (guint));
  /* Around Republic Square and the Kok-Tobe foot: some 2 km apart. */
  static const double corners[][2] = { { 43.2380, 76.9450 }, { 43.2380, 76.9650 }, { 43.2250, 76.9550 } };
  guint visits[3] = { 0 };
  gboolean near_before[3] = { FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    {
      guint node = dozor_road_graph_nearest_node (graph, corners[i][0], corners[i][1]);

      g_array_append_val (waypoints, node);
    }
  dozor_simulator_set_patrol (simulator, 0, waypoints);

  /* An hour to reach the loop from wherever in the city it starts (the
   * far edge is some 30 km away), then three hours. */
  for (guint step = 0; step < 720; step++)
    dozor_simulator_step (simulator, DOZOR_SIMULATOR_REPORT_SECONDS);

  for (guint step = 0; step < 3 * 720; step++)
    {
      double lat, lon, speed, heading;

      dozor_simulator_step (simulator, DOZOR_SIMULATOR_REPORT_SECONDS);
      dozor_simulator_get_fix (simulator, 0, &lat, &lon, &speed, &heading);
      g_assert_cmpfloat (lat, >, 43.18);
      g_assert_cmpfloat (lat, <, 43.30);
      g_assert_cmpfloat (lon, >, 76.88);
      g_assert_cmpfloat (lon, <, 77.03);

      for (guint w = 0; w < waypoints->len; w++)
        {
          double wlat, wlon;
          gboolean near;

          dozor_road_graph_get_node (graph, g_array_index (waypoints, guint, w), &wlat, &wlon);
          /* A 5-second fix at up to 15 m/s falls within 100 m of a junction passed. */
          near = dozor_geo_distance_m (lat, lon, wlat, wlon) < 100;
          if (near && !near_before[w])
            visits[w]++;
          near_before[w] = near;
        }
    }

  for (guint w = 0; w < waypoints->len; w++)
    {
      g_test_message ("waypoint %u passed %u times", w, visits[w]);
      g_assert_cmpuint (visits[w], >=, 3);
    }
}

/* A crew placed on its loop (a shift under way when the demo starts)
 * reports from the loop's first junction, not from across the city, and
 * drives on to the next one. */
static void
test_placed_on_patrol (void)
{
  g_autoptr(DozorSimulator) simulator = dozor_simulator_new (graph, 3, 1);
  g_autoptr(GArray) waypoints = g_array_new (FALSE, FALSE, sizeof (guint));
  static const double corners[][2] = { { 43.2380, 76.9450 }, { 43.2380, 76.9650 }, { 43.2250, 76.9550 } };
  double lat, lon, speed, heading, first_lat, first_lon, start_distance;

  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    {
      guint node = dozor_road_graph_nearest_node (graph, corners[i][0], corners[i][1]);

      g_array_append_val (waypoints, node);
    }
  dozor_road_graph_get_node (graph, g_array_index (waypoints, guint, 0), &first_lat, &first_lon);
  dozor_simulator_get_fix (simulator, 0, &lat, &lon, &speed, &heading);
  start_distance = dozor_geo_distance_m (lat, lon, first_lat, first_lon);
  g_test_message ("placed at random %.0f m from the loop's first junction", start_distance);
  g_assert_cmpfloat (start_distance, >, 200);

  dozor_simulator_set_patrol (simulator, 0, waypoints);
  dozor_simulator_place_on_patrol (simulator, 0);
  dozor_simulator_step (simulator, DOZOR_SIMULATOR_REPORT_SECONDS);
  dozor_simulator_get_fix (simulator, 0, &lat, &lon, &speed, &heading);
  /* 5 s at up to 16.5 m/s, and the fix's noise. */
  g_assert_cmpfloat (dozor_geo_distance_m (lat, lon, first_lat, first_lon), <, 120);
  g_assert_cmpfloat (speed, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DozorStreetMap) streets = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  streets = test_load_almaty_streets ();
  graph = dozor_road_graph_new (streets);

  g_test_add_func ("/simulator/same-seed-same-city", test_same_seed_same_city);
  g_test_add_func ("/simulator/placed-on-patrol", test_placed_on_patrol);
  g_test_add_func ("/simulator/one-unit-at-a-time", test_one_unit_at_a_time);
  g_test_add_func ("/simulator/units-drive-plausibly", test_units_drive_plausibly);
  g_test_add_func ("/simulator/incidents-arrive", test_incidents_arrive);
  g_test_add_func ("/simulator/answers-a-dispatch", test_answers_a_dispatch);
  g_test_add_func ("/simulator/call-signs-unique", test_call_signs_unique);
  g_test_add_func ("/simulator/patrols-its-loop", test_patrols_its_loop);

  status = g_test_run ();
  g_clear_object (&graph);
  return status;
}
