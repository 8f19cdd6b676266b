/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-crisis-figures.h"
#include "dozor-geo.h"
#include "test-town.h"

#define CENTRE_LAT 43.25
#define CENTRE_LON 76.95

/* Metres to degrees near the centre; the tests keep 100 m or more from
 * every edge they test, far more than this approximation is off. */
static double
north (double metres)
{
  return CENTRE_LAT + metres / 111100.0;
}

static double
east (double metres)
{
  return CENTRE_LON + metres / (111320.0 * cos (CENTRE_LAT * G_PI / 180));
}

static void
test_circle_and_rings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (CENTRE_LAT, CENTRE_LON, 500, &error);
  guint at_centre, inside, ring1, ring2a, ring2b, ring3, beyond, no_fix;

  g_assert_no_error (error);
  g_assert_cmpuint (dozor_crisis_figures_get_n_rings (figures), ==, 3);
  g_assert_cmpfloat (dozor_crisis_figures_get_ring_m (figures, 3), ==, 5000);

  /* Distances from the circle's edge: 700, 1200, 2500, 4500, 5500 m. */
  at_centre = dozor_crisis_figures_add_unit (figures, "u0", "available", TRUE, CENTRE_LAT, CENTRE_LON, FALSE);
  inside = dozor_crisis_figures_add_unit (figures, "u1", "busy", TRUE, north (400), CENTRE_LON, FALSE);
  ring1 = dozor_crisis_figures_add_unit (figures, "u2", "dispatched", TRUE, north (1200), CENTRE_LON, FALSE);
  ring2a = dozor_crisis_figures_add_unit (figures, "u3", "available", TRUE, CENTRE_LAT, east (1700), FALSE);
  ring2b = dozor_crisis_figures_add_unit (figures, "u4", "available", TRUE, north (-3000), CENTRE_LON, FALSE);
  ring3 = dozor_crisis_figures_add_unit (figures, "u5", "on_scene", TRUE, CENTRE_LAT, east (5000), FALSE);
  beyond = dozor_crisis_figures_add_unit (figures, "u6", "available", TRUE, CENTRE_LAT, east (-6000), FALSE);
  no_fix = dozor_crisis_figures_add_unit (figures, "u7", "available", FALSE, 0, 0, FALSE);
  dozor_crisis_figures_count (figures);

  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, at_centre), ==, DOZOR_CRISIS_INSIDE);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, inside), ==, DOZOR_CRISIS_INSIDE);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, ring1), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, ring2a), ==, 2);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, ring2b), ==, 2);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, ring3), ==, 3);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, beyond), ==, DOZOR_CRISIS_BEYOND);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, no_fix), ==, DOZOR_CRISIS_NO_FIX);

  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, NULL), ==, 2);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, "available"), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, "busy"), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 1, NULL), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 1, "dispatched"), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 2, "available"), ==, 2);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 2, "busy"), ==, 0);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 3, "on_scene"), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 3, NULL), ==, 1);
}

static void
test_rings_configured (void)
{
  static const double rings[] = { 200, 2000 };
  static const double falling[] = { 2000, 200 };
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (CENTRE_LAT, CENTRE_LON, 500, NULL);
  guint a = dozor_crisis_figures_add_unit (figures, "a", "available", TRUE, north (1200), CENTRE_LON, FALSE);
  guint b = dozor_crisis_figures_add_unit (figures, "b", "available", TRUE, north (-3000), CENTRE_LON, FALSE);
  guint c = dozor_crisis_figures_add_unit (figures, "c", "available", TRUE, north (600), CENTRE_LON, FALSE);

  g_assert_false (dozor_crisis_figures_set_rings (figures, falling, 2));
  g_assert_false (dozor_crisis_figures_set_rings (figures, rings, 0));
  g_assert_cmpuint (dozor_crisis_figures_get_n_rings (figures), ==, 3);
  g_assert_true (dozor_crisis_figures_set_rings (figures, rings, 2));
  dozor_crisis_figures_count (figures);

  /* 700 m, 2500 m and 100 m from the edge. */
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, a), ==, 2);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, b), ==, DOZOR_CRISIS_BEYOND);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, c), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 2, "available"), ==, 1);
}

static char *
polygon_km (const double (*corners)[2],
            guint          n)
{
  GString *json = g_string_new ("{\"type\": \"Polygon\", \"coordinates\": [[");

  for (guint i = 0; i <= n; i++)
    {
      char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (json, "%s[%s, %s]", i > 0 ? ", " : "",
                              g_ascii_dtostr (lon, sizeof lon, east (corners[i % n][0] * 1000)),
                              g_ascii_dtostr (lat, sizeof lat, north (corners[i % n][1] * 1000)));
    }
  g_string_append (json, "]]}");
  return g_string_free (json, FALSE);
}

/* An L, 2 km a side with a 1-km square missing from its north-east: the
 * rings follow its outline, into the notch too. */
static void
test_polygon_area (void)
{
  static const double l_shape[][2] = { { 0, 0 }, { 2, 0 }, { 2, 1 }, { 1, 1 }, { 1, 2 }, { 0, 2 } };
  static const struct { double x, y; guint band; } units[] = {
    { 0.5, 0.5, DOZOR_CRISIS_INSIDE },
    { 1.5, 0.5, DOZOR_CRISIS_INSIDE },
    { 0.5, 1.5, DOZOR_CRISIS_INSIDE },
    { 1.5, 1.5, 1 },                     /* in the notch, 500 m from both arms */
    { 3.5, 0.5, 2 },                     /* 1.5 km east */
    { 1.0, -4.5, 3 },                    /* 4.5 km south */
    { 7.5, 0.5, DOZOR_CRISIS_BEYOND },   /* 5.5 km east */
  };
  g_autofree char *geojson = polygon_km (l_shape, G_N_ELEMENTS (l_shape));
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_polygon (geojson, &error);
  double lat, lon;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    dozor_crisis_figures_add_unit (figures, "u", "available", TRUE,
                                   north (units[i].y * 1000), east (units[i].x * 1000), FALSE);
  dozor_crisis_figures_count (figures);
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, i), ==, units[i].band);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, "available"), ==, 3);

  /* The scene is inside the area until the incident puts it elsewhere. */
  dozor_crisis_figures_get_scene (figures, &lat, &lon);
  g_assert_cmpfloat (lat, >, north (0));
  g_assert_cmpfloat (lat, <, north (2000));
  g_assert_cmpfloat (lon, >, east (0));
  g_assert_cmpfloat (lon, <, east (2000));
}

/* The area as the readiness keeps it: a circle or a polygon. */
static void
test_area_from_readiness (void)
{
  g_autofree char *square_text = g_strdup_printf ("{\"type\": \"Polygon\", \"coordinates\": [[[%.7f, %.7f], [%.7f, %.7f], "
                                                  "[%.7f, %.7f], [%.7f, %.7f], [%.7f, %.7f]]]}",
                                                  east (-500), north (-500), east (500), north (-500),
                                                  east (500), north (500), east (-500), north (500),
                                                  east (-500), north (-500));
  g_autoptr(JsonNode) square_json = json_from_string (square_text, NULL);
  g_autoptr(DozorCrisisArea) circle = dozor_crisis_area_new_circle (CENTRE_LON, CENTRE_LAT, 500);
  g_autoptr(DozorCrisisArea) square = NULL;
  g_autoptr(DozorCrisisFigures) from_circle = NULL;
  g_autoptr(DozorCrisisFigures) from_square = NULL;
  g_autoptr(GError) error = NULL;

  square = dozor_crisis_area_new_from_json (square_json, &error);
  g_assert_no_error (error);
  from_circle = dozor_crisis_figures_new_for_area (circle, &error);
  g_assert_no_error (error);
  from_square = dozor_crisis_figures_new_for_area (square, &error);
  g_assert_no_error (error);

  /* 450 m north is inside both; 650 m north-east is outside the circle
   * (150 m from it) and inside the square's corner. */
  for (guint i = 0; i < 2; i++)
    {
      DozorCrisisFigures *figures = i == 0 ? from_circle : from_square;

      dozor_crisis_figures_add_unit (figures, "n", "available", TRUE, north (450), CENTRE_LON, FALSE);
      dozor_crisis_figures_add_unit (figures, "ne", "available", TRUE, north (460), east (460), FALSE);
      dozor_crisis_figures_count (figures);
      g_assert_cmpuint (dozor_crisis_figures_get_unit_band (figures, 0), ==, DOZOR_CRISIS_INSIDE);
    }
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (from_circle, 1), ==, 1);
  g_assert_cmpuint (dozor_crisis_figures_get_unit_band (from_square, 1), ==, DOZOR_CRISIS_INSIDE);
}

static void
test_bad_areas (void)
{
  static const char *bad[] = {
    "not json",
    "{\"type\": \"LineString\", \"coordinates\": [[76.9, 43.2], [77.0, 43.3]]}",
    "{\"type\": \"Polygon\", \"coordinates\": []}",
    "{\"type\": \"Polygon\", \"coordinates\": [[[76.9, 95], [77.0, 95], [77.0, 96], [76.9, 95]]]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_polygon (bad[i], &error);

      g_assert_null (figures);
      g_assert_error (error, DOZOR_CRISIS_FIGURES_ERROR, DOZOR_CRISIS_FIGURES_ERROR_AREA);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (CENTRE_LAT, CENTRE_LON, 0, &error);

    g_assert_null (figures);
    g_assert_error (error, DOZOR_CRISIS_FIGURES_ERROR, DOZOR_CRISIS_FIGURES_ERROR_AREA);
  }
}

/* In the town, F is nearer to the scene at A as the crow flies and B is
 * nearer by road: the nearest available unit is the one at B. */
static void
test_nearest_by_road (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (A_LAT, A_LON, 100, NULL);
  g_autofree float *times = dozor_road_graph_times_to (town, A_LAT, A_LON, INFINITY);
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) heading = NULL;
  guint at_b, at_f, busy_at_c, sent_from_g, sent_no_fix;

  at_f = dozor_crisis_figures_add_unit (figures, "at-f", "available", TRUE, F_LAT, F_LON, FALSE);
  at_b = dozor_crisis_figures_add_unit (figures, "at-b", "available", TRUE, B_LAT, B_LON, FALSE);
  busy_at_c = dozor_crisis_figures_add_unit (figures, "at-c", "busy", TRUE, C_LAT, C_LON, FALSE);
  sent_no_fix = dozor_crisis_figures_add_unit (figures, "lost", "en_route", FALSE, 0, 0, TRUE);
  sent_from_g = dozor_crisis_figures_add_unit (figures, "at-g", "en_route", TRUE, G_LAT, G_LON, TRUE);
  g_assert_true (dozor_crisis_figures_time_by_road (figures, town, NULL, NULL));

  g_assert_cmpfloat (dozor_geo_distance_m (F_LAT, F_LON, A_LAT, A_LON), <,
                     dozor_geo_distance_m (B_LAT, B_LON, A_LAT, A_LON));
  first = dozor_crisis_figures_get_nearest (figures, 1);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpuint (g_array_index (first, guint, 0), ==, at_b);
  g_assert_cmpstr (dozor_crisis_figures_get_unit_id (figures, at_b), ==, "at-b");

  /* Only available units, however many are asked for. */
  all = dozor_crisis_figures_get_nearest (figures, 10);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpuint (g_array_index (all, guint, 1), ==, at_f);
  g_assert_false (isinf (dozor_crisis_figures_get_unit_time (figures, busy_at_c)));

  /* The ETA of a unit sent there is its road time; one with no fix is last. */
  heading = dozor_crisis_figures_get_heading (figures);
  g_assert_cmpuint (heading->len, ==, 2);
  g_assert_cmpuint (g_array_index (heading, guint, 0), ==, sent_from_g);
  g_assert_cmpuint (g_array_index (heading, guint, 1), ==, sent_no_fix);
  g_assert_cmpfloat_with_epsilon (dozor_crisis_figures_get_unit_time (figures, sent_from_g),
                                  dozor_geo_distance_m (G_LAT, G_LON, A_LAT, A_LON) / (25 / 3.6), 0.05);
  g_assert_true (isinf (dozor_crisis_figures_get_unit_time (figures, sent_no_fix)));
  g_assert_cmpfloat_with_epsilon (dozor_crisis_figures_get_unit_time (figures, at_b),
                                  times[dozor_road_graph_nearest_node (town, B_LAT, B_LON)], 0.01);
}

static void
test_from_situation (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (CENTRE_LAT, CENTRE_LON, 500, NULL);
  g_autofree char *text = g_strdup_printf (
    "{\"as_of_seq\": 5, \"readiness\": {\"level\": \"normal\"},"
    " \"units\": ["
    "  {\"id\": \"near\", \"call_sign\": \"Барыс-01\", \"kind\": \"car\", \"status\": \"en_route\","
    "   \"position\": {\"lat\": %.6f, \"lon\": %.6f, \"time\": \"2026-11-22T08:00:00Z\"}, \"version\": 1},"
    "  {\"id\": \"elsewhere\", \"call_sign\": \"Барыс-02\", \"kind\": \"car\", \"status\": \"en_route\","
    "   \"position\": {\"lat\": %.6f, \"lon\": %.6f, \"time\": \"2026-11-22T08:00:00Z\"}, \"version\": 1},"
    "  {\"id\": \"stale\", \"call_sign\": \"Барыс-03\", \"kind\": \"car\", \"status\": \"available\","
    "   \"position\": {\"lat\": %.6f, \"lon\": %.6f, \"time\": \"2026-11-22T07:50:00Z\"}, \"version\": 1}],"
    " \"incidents\": [{\"id\": \"i1\", \"status\": \"dispatched\", \"version\": 2},"
    "                 {\"id\": \"i2\", \"status\": \"dispatched\", \"version\": 2}],"
    " \"dispatches\": [{\"id\": \"d1\", \"unit_id\": \"near\", \"incident_id\": \"i1\", \"status\": \"active\"},"
    "                  {\"id\": \"d2\", \"unit_id\": \"elsewhere\", \"incident_id\": \"i2\", \"status\": \"active\"}],"
    " \"zones\": [], \"routes\": [], \"places\": []}",
    north (1200), CENTRE_LON, north (1300), CENTRE_LON, CENTRE_LAT, CENTRE_LON);
  g_autoptr(JsonNode) snapshot = json_from_string (text, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_from_iso8601 ("2026-11-22T08:00:10Z", NULL);
  g_autoptr(GArray) heading = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, NULL));
  g_assert_cmpuint (dozor_crisis_figures_add_situation (figures, situation, "i1",
                                                        g_date_time_to_unix (now) * G_USEC_PER_SEC), ==, 3);
  dozor_crisis_figures_count (figures);

  /* Both en route units are in ring 1; the stale fix is in no band. */
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, 1, "en_route"), ==, 2);
  g_assert_cmpuint (dozor_crisis_figures_get_count (figures, DOZOR_CRISIS_INSIDE, NULL), ==, 0);

  /* Only the one sent to this incident is heading there. */
  heading = dozor_crisis_figures_get_heading (figures);
  g_assert_cmpuint (heading->len, ==, 1);
  g_assert_cmpstr (dozor_crisis_figures_get_unit_id (figures, g_array_index (heading, guint, 0)), ==, "near");
}

/* Figures are counted in worker threads at once, each its own object. */
static gpointer
count_in_thread (gpointer data)
{
  g_autoptr(DozorCrisisFigures) figures = dozor_crisis_figures_new_circle (CENTRE_LAT, CENTRE_LON, 500, NULL);
  guint inside = 0;

  for (guint i = 0; i < 2000; i++)
    dozor_crisis_figures_add_unit (figures, "u", "available", TRUE,
                                   north ((i % 40) * 200.0 - 4000), east ((i / 40) * 200.0 - 5000), FALSE);
  dozor_crisis_figures_count (figures);
  for (guint band = 0; band <= 3; band++)
    inside += dozor_crisis_figures_get_count (figures, band, NULL);
  return GUINT_TO_POINTER (inside);
}

static void
test_threads (void)
{
  GThread *threads[4];
  guint first = 0;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("figures", count_in_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      guint counted = GPOINTER_TO_UINT (g_thread_join (threads[i]));

      if (i == 0)
        first = counted;
      g_assert_cmpuint (counted, ==, first);
    }
  /* The grid reaches 4 km north and 5 km east and west: most of it is within
   * 5.5 km of the centre, not all. */
  g_assert_cmpuint (first, >, 1000);
  g_assert_cmpuint (first, <, 2000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/crisis-figures/circle-and-rings", test_circle_and_rings);
  g_test_add_func ("/crisis-figures/rings-configured", test_rings_configured);
  g_test_add_func ("/crisis-figures/polygon-area", test_polygon_area);
  g_test_add_func ("/crisis-figures/area-from-readiness", test_area_from_readiness);
  g_test_add_func ("/crisis-figures/bad-areas", test_bad_areas);
  g_test_add_func ("/crisis-figures/nearest-by-road", test_nearest_by_road);
  g_test_add_func ("/crisis-figures/from-situation", test_from_situation);
  g_test_add_func ("/crisis-figures/threads", test_threads);

  return g_test_run ();
}
