/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dozor-coverage.h"
#include "test-town.h"

/* The town cut in two districts at 76.905 E, each in a southern sector
 * (below 43.003 N) and a northern one: A, F and a yard by A in D1 south;
 * G in D1 north; B alone in D2 south; C in D2 north. */
#define SOUTH 42.99
#define MIDDLE 43.003
#define NORTH 43.01
#define WEST 76.88
#define SPLIT 76.905
#define EAST 76.93

static char *
box (double west,
     double south,
     double east,
     double north)
{
  return g_strdup_printf ("{\"type\": \"Polygon\", \"coordinates\": [[[%.4f, %.4f], [%.4f, %.4f], "
                          "[%.4f, %.4f], [%.4f, %.4f], [%.4f, %.4f]]]}",
                          west, south, east, south, east, north, west, north, west, south);
}

typedef struct
{
  DozorCoverage *coverage;
  guint d1, d2, s1a, s1b, s2a, s2b;
  guint at_a, at_yard, at_f, at_g, at_c;
} Town;

static guint
add_box (DozorCoverage *coverage,
         const char    *id,
         const char    *kind,
         double         west,
         double         south,
         double         east,
         double         north)
{
  g_autofree char *geojson = box (west, south, east, north);
  g_autoptr(GError) error = NULL;
  guint zone = dozor_coverage_add_zone (coverage, id, kind, id, geojson, DOZOR_COVERAGE_DEFAULT_MINIMUM, &error);

  g_assert_no_error (error);
  return zone;
}

static void
town_setup (Town          *town,
            gconstpointer  data)
{
  town->coverage = dozor_coverage_new ();
  town->d1 = add_box (town->coverage, "D1", "district", WEST, SOUTH, SPLIT, NORTH);
  town->d2 = add_box (town->coverage, "D2", "district", SPLIT, SOUTH, EAST, NORTH);
  town->s1a = add_box (town->coverage, "D1-south", "sector", WEST, SOUTH, SPLIT, MIDDLE);
  town->s1b = add_box (town->coverage, "D1-north", "sector", WEST, MIDDLE, SPLIT, NORTH);
  town->s2a = add_box (town->coverage, "D2-south", "sector", SPLIT, SOUTH, EAST, MIDDLE);
  town->s2b = add_box (town->coverage, "D2-north", "sector", SPLIT, MIDDLE, EAST, NORTH);

  town->at_a = dozor_coverage_add_unit (town->coverage, "at-a", A_LAT, A_LON);
  town->at_yard = dozor_coverage_add_unit (town->coverage, "yard", A_LAT - 0.0007, A_LON - 0.001);
  town->at_f = dozor_coverage_add_unit (town->coverage, "at-f", F_LAT, F_LON);
  town->at_g = dozor_coverage_add_unit (town->coverage, "at-g", G_LAT, G_LON);
  town->at_c = dozor_coverage_add_unit (town->coverage, "at-c", C_LAT, C_LON);
  dozor_coverage_compute (town->coverage);
}

static void
town_teardown (Town          *town,
               gconstpointer  data)
{
  g_clear_object (&town->coverage);
}

static void
test_counts (Town          *town,
             gconstpointer  data)
{
  g_autoptr(GArray) flagged = NULL;

  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->d1), ==, 4);
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->d2), ==, 1);
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->s1a), ==, 3);
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->s1b), ==, 1);
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->s2a), ==, 0);
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->s2b), ==, 1);

  flagged = dozor_coverage_get_flagged (town->coverage);
  g_assert_cmpuint (flagged->len, ==, 1);
  g_assert_cmpuint (g_array_index (flagged, guint, 0), ==, town->s2a);

  /* A minimum per zone: D1 wants five. */
  dozor_coverage_set_minimum (town->coverage, town->d1, 5);
  g_assert_true (dozor_coverage_is_flagged (town->coverage, town->d1));
  dozor_coverage_set_minimum (town->coverage, town->s2a, 0);
  g_assert_false (dozor_coverage_is_flagged (town->coverage, town->s2a));
}

static void
test_would_leave_short (Town          *town,
                        gconstpointer  data)
{
  g_autoptr(GArray) from_a = dozor_coverage_would_leave_short (town->coverage, town->at_a);
  g_autoptr(GArray) from_g = dozor_coverage_would_leave_short (town->coverage, town->at_g);
  g_autoptr(GArray) from_c = dozor_coverage_would_leave_short (town->coverage, town->at_c);

  /* Two more stay in D1 south: nothing to say. */
  g_assert_cmpuint (from_a->len, ==, 0);
  /* G is alone in its sector, not in its district. */
  g_assert_cmpuint (from_g->len, ==, 1);
  g_assert_cmpuint (g_array_index (from_g, guint, 0), ==, town->s1b);
  /* C is all D2 has. */
  g_assert_cmpuint (from_c->len, ==, 2);
  g_assert_cmpuint (g_array_index (from_c, guint, 0), ==, town->d2);
  g_assert_cmpuint (g_array_index (from_c, guint, 1), ==, town->s2b);
  g_assert_cmpuint (dozor_coverage_find_unit (town->coverage, "at-c"), ==, town->at_c);
}

/* D2 south is empty. C is nearest by road but the last unit of D2 north,
 * G the last of D1 north; A, with two more beside it in D1 south, goes. */
static void
test_move_up (Town          *town,
              gconstpointer  data)
{
  g_autoptr(DozorRoadGraph) graph = town_graph ();
  g_autoptr(GArray) suggestions = NULL;
  g_autofree float *times = NULL;
  const DozorCoverageMoveUp *move;
  double lat, lon;
  guint node;
  double offset_s;

  dozor_coverage_get_zone_point (town->coverage, town->s2a, &lat, &lon);
  times = dozor_road_graph_times_to (graph, lat, lon, INFINITY);
  dozor_road_graph_locate (graph, C_LAT, C_LON, &node, &offset_s);
  g_assert_cmpfloat (times[node], <, times[dozor_road_graph_nearest_node (graph, A_LAT, A_LON)]);

  suggestions = dozor_coverage_suggest_move_ups (town->coverage, graph, NULL, NULL);
  g_assert_cmpuint (suggestions->len, ==, 1);
  move = &g_array_index (suggestions, DozorCoverageMoveUp, 0);
  g_assert_cmpuint (move->zone, ==, town->s2a);
  g_assert_cmpuint (move->unit, ==, town->at_a);
  g_assert_cmpfloat_with_epsilon (move->time_s, times[dozor_road_graph_nearest_node (graph, A_LAT, A_LON)], 0.01);

  /* Suggesting changes nothing counted. */
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->s1a), ==, 3);
  g_assert_cmpuint (dozor_coverage_get_count (town->coverage, town->s2a), ==, 0);
}

/* D2 south wants three: A and the yard go (D1 south keeps F), then no
 * one can be spared. The same unit is never suggested twice. */
static void
test_move_up_until_none_spare (Town          *town,
                               gconstpointer  data)
{
  g_autoptr(DozorRoadGraph) graph = town_graph ();
  g_autoptr(GArray) suggestions = NULL;

  dozor_coverage_set_minimum (town->coverage, town->s2a, 3);
  suggestions = dozor_coverage_suggest_move_ups (town->coverage, graph, NULL, NULL);
  g_assert_cmpuint (suggestions->len, ==, 2);
  g_assert_cmpuint (g_array_index (suggestions, DozorCoverageMoveUp, 0).unit, ==, town->at_a);
  g_assert_cmpuint (g_array_index (suggestions, DozorCoverageMoveUp, 1).unit, ==, town->at_yard);
  g_assert_cmpfloat (g_array_index (suggestions, DozorCoverageMoveUp, 0).time_s, <,
                     g_array_index (suggestions, DozorCoverageMoveUp, 1).time_s);
}

static void
test_from_situation (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorCoverage) coverage = dozor_coverage_new ();
  g_autofree char *d1 = box (WEST, SOUTH, SPLIT, NORTH);
  g_autofree char *d2 = box (SPLIT, SOUTH, EAST, NORTH);
  g_autofree char *text = g_strdup_printf (
    "{\"as_of_seq\": 5, \"readiness\": {\"level\": \"normal\"},"
    " \"units\": ["
    "  {\"id\": \"fresh\", \"call_sign\": \"Барыс-01\", \"kind\": \"car\", \"status\": \"available\","
    "   \"position\": {\"lat\": 43.0, \"lon\": 76.90, \"time\": \"2026-11-22T08:00:00Z\"}, \"version\": 1},"
    "  {\"id\": \"busy\", \"call_sign\": \"Барыс-02\", \"kind\": \"car\", \"status\": \"busy\","
    "   \"position\": {\"lat\": 43.0, \"lon\": 76.89, \"time\": \"2026-11-22T08:00:00Z\"}, \"version\": 1},"
    "  {\"id\": \"stale\", \"call_sign\": \"Барыс-03\", \"kind\": \"car\", \"status\": \"available\","
    "   \"position\": {\"lat\": 43.0, \"lon\": 76.92, \"time\": \"2026-11-22T07:50:00Z\"}, \"version\": 1},"
    "  {\"id\": \"nofix\", \"call_sign\": \"Барыс-04\", \"kind\": \"car\", \"status\": \"available\","
    "   \"position\": null, \"version\": 1}],"
    " \"incidents\": [], \"dispatches\": [], \"routes\": [], \"places\": [],"
    " \"zones\": [{\"id\": \"z1\", \"kind\": \"district\", \"name\": \"Алмалы\", \"geometry\": %s, \"version\": 1},"
    "           {\"id\": \"z2\", \"kind\": \"district\", \"name\": \"Медеу\", \"geometry\": %s, \"version\": 1}]}",
    d1, d2);
  g_autoptr(JsonNode) snapshot = json_from_string (text, NULL);
  g_autoptr(GDateTime) fix = g_date_time_new_from_iso8601 ("2026-11-22T08:00:10Z", NULL);
  guint z1, z2;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, NULL));
  g_assert_cmpuint (dozor_coverage_add_situation (coverage, situation, g_date_time_to_unix (fix) * G_USEC_PER_SEC), ==, 0);
  g_assert_cmpuint (dozor_coverage_get_n_zones (coverage), ==, 2);

  /* Only the available unit with a current fix covers. */
  g_assert_cmpuint (dozor_coverage_get_n_units (coverage), ==, 1);
  dozor_coverage_compute (coverage);
  z1 = dozor_coverage_find_zone (coverage, "z1");
  z2 = dozor_coverage_find_zone (coverage, "z2");
  g_assert_cmpstr (dozor_coverage_get_zone_name (coverage, z2), ==, "Медеу");
  g_assert_cmpuint (dozor_coverage_get_count (coverage, z1), ==, 1);
  g_assert_cmpuint (dozor_coverage_get_count (coverage, z2), ==, 0);
  g_assert_true (dozor_coverage_is_flagged (coverage, z2));
}

static void
test_bad_zone (void)
{
  g_autoptr(DozorCoverage) coverage = dozor_coverage_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (dozor_coverage_add_zone (coverage, "z", "sector", "Алмалы-2",
                                             "{\"type\": \"Point\", \"coordinates\": [76.9, 43.2]}",
                                             1, &error), ==, G_MAXUINT);
  g_assert_error (error, DOZOR_COVERAGE_ERROR, DOZOR_COVERAGE_ERROR_ZONE);
  g_assert_nonnull (strstr (error->message, "Алмалы-2"));
  g_assert_cmpuint (dozor_coverage_get_n_zones (coverage), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/coverage/counts", Town, NULL, town_setup, test_counts, town_teardown);
  g_test_add ("/coverage/would-leave-short", Town, NULL, town_setup, test_would_leave_short, town_teardown);
  g_test_add ("/coverage/move-up", Town, NULL, town_setup, test_move_up, town_teardown);
  g_test_add ("/coverage/move-up-until-none-spare", Town, NULL, town_setup, test_move_up_until_none_spare,
              town_teardown);
  g_test_add_func ("/coverage/from-situation", test_from_situation);
  g_test_add_func ("/coverage/bad-zone", test_bad_zone);

  return g_test_run ();
}
