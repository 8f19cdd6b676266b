/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-road-graph.h"
#include "test-almaty.h"
#include "test-town.h"

static DozorStreetMap *streets;
static DozorRoadGraph *graph;

static double
unit_time (DozorRoadGraph *town,
           const float    *times,
           double          lat,
           double          lon)
{
  guint node;
  double offset_s;

  dozor_road_graph_locate (town, lat, lon, &node, &offset_s);
  g_assert_cmpuint (node, !=, G_MAXUINT);
  return times[node] + offset_s;
}

static void
test_times_to_scene (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  g_autofree float *times = dozor_road_graph_times_to (town, A_LAT, A_LON, INFINITY);
  double via_c = town_leg_s (B_LAT, B_LON, C_LAT, C_LON, 50) + town_leg_s (C_LAT, C_LON, A_LAT, A_LON, 50);
  double direct = town_leg_s (B_LAT, B_LON, A_LAT, A_LON, 25);
  double zigzag = town_leg_s (F_LAT, F_LON, G_LAT, G_LON, 25) + town_leg_s (G_LAT, G_LON, A_LAT, A_LON, 25);
  double b, f;

  g_assert_cmpuint (dozor_road_graph_get_n_nodes (town), ==, 5);
  g_assert_cmpfloat (dozor_road_graph_get_speed_kmh (DOZOR_ROAD_PRIMARY), ==, 50);
  g_assert_cmpfloat (dozor_road_graph_get_speed_kmh (DOZOR_ROAD_MINOR), ==, 25);

  /* The scene's own node is reached at once. */
  g_assert_cmpfloat_with_epsilon (unit_time (town, times, A_LAT, A_LON), 0.0, 0.01);

  /* From B the primary road round by C wins over the shorter street. */
  b = unit_time (town, times, B_LAT, B_LON);
  g_assert_cmpfloat (via_c, <, direct);
  g_assert_cmpfloat_with_epsilon (b, via_c, 0.05);
  f = unit_time (town, times, F_LAT, F_LON);
  g_assert_cmpfloat_with_epsilon (f, zigzag, 0.05);

  /* F is nearer as the crow flies, B is nearer by road: the ranking is B, F. */
  g_assert_cmpfloat (dozor_geo_distance_m (F_LAT, F_LON, A_LAT, A_LON), <,
                     dozor_geo_distance_m (B_LAT, B_LON, A_LAT, A_LON));
  g_assert_cmpfloat (b, <, f);
}

static void
test_times_off_the_road (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  g_autofree float *times = dozor_road_graph_times_to (town, A_LAT, A_LON, INFINITY);
  double via_c = town_leg_s (B_LAT, B_LON, C_LAT, C_LON, 50) + town_leg_s (C_LAT, C_LON, A_LAT, A_LON, 50);
  /* About 110 m north of B, in a yard: it joins at B, slowly. */
  double yard_lat = B_LAT + 0.001, yard_lon = B_LON;
  double walk = town_leg_s (yard_lat, yard_lon, B_LAT, B_LON, DOZOR_ROAD_GRAPH_OFF_ROAD_KMH);
  g_autofree float *from_yard = NULL;

  g_assert_cmpfloat_with_epsilon (unit_time (town, times, yard_lat, yard_lon), via_c + walk, 0.05);

  /* A scene off the road adds its own last stretch to every time. */
  from_yard = dozor_road_graph_times_to (town, yard_lat, yard_lon, INFINITY);
  g_assert_cmpfloat_with_epsilon (unit_time (town, from_yard, A_LAT, A_LON), via_c + walk, 0.05);
}

static void
test_times_cutoff (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  double via_c = town_leg_s (B_LAT, B_LON, C_LAT, C_LON, 50) + town_leg_s (C_LAT, C_LON, A_LAT, A_LON, 50);
  g_autofree float *times = dozor_road_graph_times_to (town, A_LAT, A_LON, via_c + 1);

  /* B is inside the cutoff, F (over 250 s away) beyond it. */
  g_assert_cmpfloat_with_epsilon (unit_time (town, times, B_LAT, B_LON), via_c, 0.05);
  g_assert_true (isinf (unit_time (town, times, F_LAT, F_LON)));
}

static void
test_almaty_times_match_routes (void)
{
  g_autofree float *times = dozor_road_graph_times_to (graph, 43.2389, 76.9453, INFINITY);
  guint reached = 0;

  /* From anywhere in the connected city, the scene is reachable, and the
   * time is at least the distance at the fastest speed. */
  for (guint i = 0; i < dozor_road_graph_get_n_nodes (graph); i++)
    if (!isinf (times[i]))
      {
        double lat, lon;

        dozor_road_graph_get_node (graph, i, &lat, &lon);
        g_assert_cmpfloat (times[i], >=, dozor_geo_distance_m (lat, lon, 43.2389, 76.9453) / (70 / 3.6) - 1);
        reached++;
      }
  g_assert_cmpuint (reached, ==, dozor_road_graph_get_n_connected (graph));
}

static void
test_almaty_network (void)
{
  guint nodes = dozor_road_graph_get_n_nodes (graph);
  guint connected = dozor_road_graph_get_n_connected (graph);

  g_test_message ("%u nodes, %u edges, %u in the largest connected part",
                  nodes, dozor_road_graph_get_n_edges (graph), connected);

  /* Ways share their junction points, so there are fewer nodes than points,
   * and a city's main roads are nearly all joined up. */
  g_assert_cmpuint (nodes, <, dozor_street_map_get_n_vertices (streets));
  g_assert_cmpuint (nodes, >, 40000);
  g_assert_cmpuint (connected, >, nodes * 9 / 10);
}

static void
assert_route (double from_lat,
              double from_lon,
              double to_lat,
              double to_lon)
{
  guint from = dozor_road_graph_nearest_node (graph, from_lat, from_lon);
  guint to = dozor_road_graph_nearest_node (graph, to_lat, to_lon);
  g_autoptr(GArray) path = NULL;
  double length, straight, lat0, lon0, lat1, lon1, walked = 0;

  g_assert_cmpuint (from, !=, G_MAXUINT);
  path = dozor_road_graph_shortest_path (graph, from, to, &length);
  g_assert_nonnull (path);
  g_assert_cmpuint (g_array_index (path, guint, 0), ==, from);
  g_assert_cmpuint (g_array_index (path, guint, path->len - 1), ==, to);

  /* The route's length is the sum of its steps, never shorter than the
   * straight line, and in a city grid not absurdly longer. */
  for (guint i = 1; i < path->len; i++)
    {
      dozor_road_graph_get_node (graph, g_array_index (path, guint, i - 1), &lat0, &lon0);
      dozor_road_graph_get_node (graph, g_array_index (path, guint, i), &lat1, &lon1);
      walked += dozor_geo_distance_m (lat0, lon0, lat1, lon1);
    }
  g_assert_cmpfloat_with_epsilon (walked, length, 0.01);

  dozor_road_graph_get_node (graph, from, &lat0, &lon0);
  dozor_road_graph_get_node (graph, to, &lat1, &lon1);
  straight = dozor_geo_distance_m (lat0, lon0, lat1, lon1);
  g_test_message ("route of %.0f m for %.0f m as the crow flies, %u nodes", length, straight, path->len);
  g_assert_cmpfloat (length, >=, straight - 0.01);
  g_assert_cmpfloat (length, <, 2.0 * straight + 500);
}

static void
test_routes_across_the_city (void)
{
  /* Republic Square to the airport, and Sayran to Medeu's foothills road. */
  assert_route (43.2389, 76.9453, 43.3521, 77.0405);
  assert_route (43.2360, 76.8660, 43.1900, 76.9500);
}

static void
test_route_to_itself (void)
{
  guint node = dozor_road_graph_nearest_node (graph, 43.25, 76.92);
  double length = -1;
  g_autoptr(GArray) path = dozor_road_graph_shortest_path (graph, node, node, &length);

  g_assert_nonnull (path);
  g_assert_cmpuint (path->len, ==, 1);
  g_assert_cmpfloat (length, ==, 0.0);
}

static void
test_nearest_node (void)
{
  guint node = dozor_road_graph_nearest_node (graph, 43.2389, 76.9453);
  double lat, lon;

  dozor_road_graph_get_node (graph, node, &lat, &lon);
  /* The city centre is dense with roads: the nearest is within 300 m. */
  g_assert_cmpfloat (dozor_geo_distance_m (43.2389, 76.9453, lat, lon), <, 300);
}

/* The grid's answer is the nearest connected node, against a scan of
 * them all (the connected ones are those a search from the centre
 * reaches), for places in the city and far outside it. */
static void
test_nearest_node_against_scan (void)
{
  g_autofree float *times = dozor_road_graph_times_to (graph, 43.2389, 76.9453, INFINITY);
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  guint n = dozor_road_graph_get_n_nodes (graph);

  for (guint round = 0; round < 300; round++)
    {
      double lat = round % 10 == 0 ? g_rand_double_range (rand, 40, 46) : g_rand_double_range (rand, 43.1, 43.55);
      double lon = round % 10 == 0 ? g_rand_double_range (rand, 74, 80) : g_rand_double_range (rand, 76.6, 77.2);
      guint found = dozor_road_graph_nearest_node (graph, lat, lon);
      double wx, wy, best = G_MAXDOUBLE, found_d = G_MAXDOUBLE;

      g_assert_cmpuint (found, <, n);
      g_assert_false (isinf (times[found]));
      dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
      for (guint i = 0; i < n; i++)
        if (!isinf (times[i]))
          {
            double node_lat, node_lon, nx, ny, d;

            dozor_road_graph_get_node (graph, i, &node_lat, &node_lon);
            dozor_geo_lon_lat_to_world (node_lon, node_lat, &nx, &ny);
            d = hypot (nx - wx, ny - wy);
            best = MIN (best, d);
            if (i == found)
              found_d = d;
          }
      g_assert_cmpfloat (found_d, <=, best + 1e-12);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  streets = test_load_almaty_streets ();
  graph = dozor_road_graph_new (streets);

  g_test_add_func ("/road-graph/almaty-network", test_almaty_network);
  g_test_add_func ("/road-graph/routes-across-the-city", test_routes_across_the_city);
  g_test_add_func ("/road-graph/route-to-itself", test_route_to_itself);
  g_test_add_func ("/road-graph/nearest-node", test_nearest_node);
  g_test_add_func ("/road-graph/nearest-node-against-scan", test_nearest_node_against_scan);
  g_test_add_func ("/road-graph/times-to-scene", test_times_to_scene);
  g_test_add_func ("/road-graph/times-off-the-road", test_times_off_the_road);
  g_test_add_func ("/road-graph/times-cutoff", test_times_cutoff);
  g_test_add_func ("/road-graph/almaty-times", test_almaty_times_match_routes);

  status = g_test_run ();
  g_clear_object (&graph);
  g_clear_object (&streets);
  return status;
}
