/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-road-graph.h"
#include "test-almaty.h"

static DozorStreetMap *streets;
static DozorRoadGraph *graph;

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

  status = g_test_run ();
  g_clear_object (&graph);
  g_clear_object (&streets);
  return status;
}
