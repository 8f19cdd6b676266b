/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Special operating plans on the Almaty roads (issue 15): posts and units at
 * random junctions of the connected network (seeded), each post needing one
 * to three cars. Prints the time of the road searches (every unit placed
 * on the graph, then one reverse search per post) and of the assignment
 * apart; then the crisis figures and the districts' coverage for 5,000
 * units. Never fails on time. `meson devenv -C build bench/bench-assignment [SEED]`
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dozor-coverage.h"
#include "dozor-crisis-figures.h"
#include "dozor-post-assignment.h"
#include "dozor-road-graph.h"

/* The shared machine's load stretches wall time; the CPU time says what
 * the work itself costs. */
static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static void
random_junction (DozorRoadGraph *graph,
                 GRand          *rand,
                 double         *lat,
                 double         *lon)
{
  guint node = g_rand_int_range (rand, 0, dozor_road_graph_get_n_nodes (graph));

  /* A junction of a fragment off the network moves to the network. */
  dozor_road_graph_get_node (graph, node, lat, lon);
  node = dozor_road_graph_nearest_node (graph, *lat, *lon);
  dozor_road_graph_get_node (graph, node, lat, lon);
}

static void
run (DozorRoadGraph *graph,
     guint           n_posts,
     guint           n_units,
     guint32         seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(DozorPostAssignment) assignment = dozor_post_assignment_new ();
  g_autoptr(GError) error = NULL;
  guint need = 0, sent = 0;
  gint64 start, searched, solved;
  double cpu_start, cpu_searched, cpu_solved;

  for (guint p = 0; p < n_posts; p++)
    {
      g_autofree char *name = g_strdup_printf ("Post %u", p + 1);
      guint post_need = g_rand_int_range (rand, 1, 4);
      double lat, lon;

      random_junction (graph, rand, &lat, &lon);
      dozor_post_assignment_add_post (assignment, name, lat, lon, post_need, NULL);
      need += post_need;
    }
  for (guint u = 0; u < n_units; u++)
    {
      g_autofree char *id = g_strdup_printf ("unit-%u", u);
      double lat, lon;

      random_junction (graph, rand, &lat, &lon);
      dozor_post_assignment_add_unit (assignment, id, "car", lat, lon, TRUE);
    }

  start = g_get_monotonic_time ();
  cpu_start = cpu_ms ();
  dozor_post_assignment_time_by_road (assignment, graph, NULL, &error);
  g_assert_no_error (error);
  searched = g_get_monotonic_time ();
  cpu_searched = cpu_ms ();
  if (!dozor_post_assignment_solve (assignment, NULL, &error))
    {
      printf ("%u posts × %u units: %s\n", n_posts, n_units, error->message);
      return;
    }
  solved = g_get_monotonic_time ();
  cpu_solved = cpu_ms ();

  for (guint u = 0; u < n_units; u++)
    sent += dozor_post_assignment_get_unit_post (assignment, u) != G_MAXUINT;

  printf ("%u posts (need %u) × %u units: road times %.1f ms (CPU %.1f ms, %.1f ms per post), "
          "assignment %.1f ms (CPU %.1f ms); %u sent, last post covered in %.0f s, total %.0f s%s\n",
          n_posts, need, n_units,
          (searched - start) / 1000.0, cpu_searched - cpu_start, (cpu_searched - cpu_start) / n_posts,
          (solved - searched) / 1000.0, cpu_solved - cpu_searched, sent,
          dozor_post_assignment_get_bottleneck_s (assignment),
          dozor_post_assignment_get_total_s (assignment),
          dozor_post_assignment_get_total_is_minimal (assignment) ? " (minimal)" : " (total not minimised)");
}

/* The rest of crisis mode at the same scale: the figures around a 1.5-km
 * circle at Republic Square, and coverage of the eight districts. */
static void
run_figures_and_coverage (DozorRoadGraph *graph,
                          const char     *districts_path,
                          guint           n_units,
                          guint32         seed)
{
  static const char *statuses[] = { "available", "available", "en_route", "on_scene", "busy" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (43.2389, 76.9453, 1500, &error);
  g_autoptr(DozorCoverage) coverage = dozor_coverage_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) nearest = NULL;
  g_autoptr(GArray) flagged = NULL;
  g_autoptr(GArray) moves = NULL;
  JsonArray *features;
  gint64 start, counted, timed, covered, moved;

  g_assert_no_error (error);
  if (!json_parser_load_from_file (parser, districts_path, &error))
    {
      printf ("districts: %s\n", error->message);
      return;
    }
  features = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "features");
  for (guint i = 0; i < json_array_get_length (features); i++)
    {
      JsonObject *feature = json_array_get_object_element (features, i);
      JsonObject *properties = json_object_get_object_member (feature, "properties");
      g_autofree char *geojson = json_to_string (json_object_get_member (feature, "geometry"), FALSE);
      const char *name = json_object_get_string_member (properties, "name");

      /* A minimum high enough that some districts are short. */
      dozor_coverage_add_zone (coverage, name, "district", name, geojson, 45, NULL);
    }

  for (guint u = 0; u < n_units; u++)
    {
      g_autofree char *id = g_strdup_printf ("unit-%u", u);
      const char *status = statuses[g_rand_int_range (rand, 0, G_N_ELEMENTS (statuses))];
      double lat, lon;

      random_junction (graph, rand, &lat, &lon);
      dozor_crisis_figures_add_unit (figures, id, status, TRUE, lat, lon, u % 50 == 0);
      /* One in five of the free units covers, so that zones come out short. */
      if (g_str_equal (status, "available") && u % 5 == 0)
        dozor_coverage_add_unit (coverage, id, lat, lon);
    }

  start = g_get_monotonic_time ();
  dozor_crisis_figures_count (figures);
  counted = g_get_monotonic_time ();
  dozor_crisis_figures_time_by_road (figures, graph, NULL, NULL);
  nearest = dozor_crisis_figures_get_nearest (figures, 10);
  timed = g_get_monotonic_time ();
  dozor_coverage_compute (coverage);
  flagged = dozor_coverage_get_flagged (coverage);
  covered = g_get_monotonic_time ();
  moves = dozor_coverage_suggest_move_ups (coverage, graph, NULL, NULL);
  moved = g_get_monotonic_time ();

  printf ("crisis figures, %u units: rings counted in %.1f ms (%u inside, %u within 5 km), "
          "road times and the 10 nearest in %.1f ms\n",
          n_units, (counted - start) / 1000.0,
          dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, NULL),
          dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, NULL) +
          dozor_crisis_figures_get_count (figures, 1, NULL) +
          dozor_crisis_figures_get_count (figures, 2, NULL) +
          dozor_crisis_figures_get_count (figures, 3, NULL),
          (timed - counted) / 1000.0);
  printf ("coverage, %u districts, %u available units: counted in %.1f ms, %u short; "
          "%u move-ups in %.1f ms\n",
          dozor_coverage_get_n_zones (coverage), dozor_coverage_get_n_units (coverage),
          (covered - timed) / 1000.0, flagged->len, moves->len, (moved - covered) / 1000.0);
}

int
main (int   argc,
      char *argv[])
{
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *path = NULL;
  g_autofree char *districts = NULL;
  g_autoptr(DozorStreetMap) streets = NULL;
  g_autoptr(DozorRoadGraph) graph = NULL;
  g_autoptr(GError) error = NULL;
  guint32 seed = argc > 1 ? (guint32) strtoul (argv[1], NULL, 10) : 15;
  gint64 start;

  if (data_dir == NULL)
    data_dir = DOZOR_PKGDATADIR;
  path = g_build_filename (data_dir, "almaty", "roads.geojson", NULL);
  districts = g_build_filename (data_dir, "almaty", "districts.geojson", NULL);

  start = g_get_monotonic_time ();
  streets = dozor_street_map_new_from_file (path, NULL, &error);
  if (streets == NULL)
    {
      g_printerr ("bench-assignment: %s\n", error->message);
      return 1;
    }
  graph = dozor_road_graph_new (streets);
  printf ("Almaty roads: %u nodes, %u in the connected network, loaded in %.1f ms; seed %u\n",
          dozor_road_graph_get_n_nodes (graph), dozor_road_graph_get_n_connected (graph),
          (g_get_monotonic_time () - start) / 1000.0, seed);

  run (graph, 50, 500, seed);
  run (graph, 200, 5000, seed);
  run_figures_and_coverage (graph, districts, 5000, seed);
  return 0;
}
