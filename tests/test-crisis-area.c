/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorCrisisArea: what the server accepts as a crisis area and how it
 * writes it back, what the board draws and tests points against, and
 * what a dragged corner or edge makes of it.
 */
#include "config.h"

#include <math.h>

#include "dozor-crisis-area.h"
#include "dozor-geo.h"
#include "dozor-json.h"
#include "test-polygon.h"

static DozorCrisisArea *
area_of (const char  *text,
         GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return dozor_crisis_area_new_from_json (node, error);
}

static void
test_circle (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCrisisArea) area = area_of ("{\"type\":\"Circle\",\"center\":[76.9453,43.2389],\"radius_m\":1500,"
                                             "\"extra\":1}", &error);
  const double *outline;
  guint n;

  g_assert_no_error (error);
  g_assert_true (dozor_crisis_area_is_circle (area));
  g_assert_cmpstr (dozor_crisis_area_to_json (area), ==,
                   "{\"type\":\"Circle\",\"center\":[76.9453000,43.2389000],\"radius_m\":1500.0}");

  /* The outline is closed and every point lies on the circle. */
  outline = dozor_crisis_area_get_outline (area, &n);
  g_assert_cmpuint (n, >, 32);
  g_assert_cmpfloat (outline[0], ==, outline[2 * (n - 1)]);
  g_assert_cmpfloat (outline[1], ==, outline[2 * (n - 1) + 1]);
  for (guint i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (dozor_geo_distance_m (43.2389, 76.9453, outline[2 * i + 1], outline[2 * i]),
                                    1500, 0.01);

  g_assert_true (dozor_crisis_area_contains (area, 76.9453, 43.2389));
  g_assert_true (dozor_crisis_area_contains (area, 76.9453, 43.2389 + 0.0130));   /* ≈ 1445 m north */
  g_assert_false (dozor_crisis_area_contains (area, 76.9453, 43.2389 + 0.0140));  /* ≈ 1557 m */
}

static void
test_refused (void)
{
  static const struct {
    const char *text;
    const char *starts;
  } cases[] = {
    { "[1,2]", "area: " },
    { "{\"type\":\"Point\",\"coordinates\":[76.9,43.2]}", "area.type: " },
    { "{\"type\":\"Circle\",\"center\":[76.9,43.2],\"radius_m\":49.9}", "area.radius_m: " },
    { "{\"type\":\"Circle\",\"center\":[76.9,43.2],\"radius_m\":50000.1}", "area.radius_m: " },
    { "{\"type\":\"Circle\",\"center\":[76.9,43.2]}", "area.radius_m: " },
    { "{\"type\":\"Circle\",\"center\":[76.9,89],\"radius_m\":100}", "area.center: " },
    { "{\"type\":\"Circle\",\"center\":[181,43],\"radius_m\":100}", "area.center: " },
    { "{\"type\":\"Circle\",\"center\":[76.9,43.2,5],\"radius_m\":100}", "area.center: " },
    /* A bow tie, a spike back along an edge, a ring of three points. */
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}", "area.coordinates: " },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[2,0],[1,0],[0,0]]]}", "area.coordinates: " },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", "area.coordinates: " },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", "area.coordinates: " },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[2,1],[2,2],[1,1]]]}",
      "area.coordinates: " },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,86],[1,86],[1,87],[0,86]]]}", "area.coordinates: " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorCrisisArea) area = area_of (cases[i].text, &error);

      g_assert_null (area);
      g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, cases[i].starts))
        g_error ("%s: %s", cases[i].text, error->message);
    }
}

static void
test_polygon_and_moves (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorCrisisArea) square = area_of ("{\"type\":\"Polygon\",\"coordinates\":"
                                               "[[[76.9,43.2],[77.0,43.2],[77.0,43.3],[76.9,43.3],[76.9,43.2]]]}",
                                               &error);
  g_autoptr(DozorCrisisArea) wider = NULL;
  g_autoptr(DozorCrisisArea) crossed = NULL;
  g_autoptr(DozorCrisisArea) first = NULL;
  g_autoptr(DozorCrisisArea) circle = dozor_crisis_area_new_circle (76.9, 43.2, 10);
  double lon, lat, radius;
  const double *outline;
  guint n;

  g_assert_no_error (error);
  g_assert_false (dozor_crisis_area_is_circle (square));
  g_assert_true (dozor_crisis_area_contains (square, 76.95, 43.25));
  g_assert_true (dozor_crisis_area_contains (square, 76.9, 43.25));   /* on the edge */
  g_assert_false (dozor_crisis_area_contains (square, 77.05, 43.25));

  /* The north-east corner dragged east: the point beyond is inside now. */
  wider = dozor_crisis_area_new_moved (square, 2, 77.2, 43.3, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_crisis_area_contains (wider, 77.05, 43.28));
  g_assert_false (dozor_crisis_area_contains (square, 77.05, 43.28));

  /* The first corner moves the closing point with it: still a closed ring. */
  first = dozor_crisis_area_new_moved (square, 0, 76.8, 43.1, &error);
  g_assert_no_error (error);
  outline = dozor_crisis_area_get_outline (first, &n);
  g_assert_cmpuint (n, ==, 5);
  g_assert_cmpfloat (outline[0], ==, 76.8);
  g_assert_cmpfloat (outline[8], ==, 76.8);

  /* The north-east corner dragged below the south edge: a bow tie, refused. */
  crossed = dozor_crisis_area_new_moved (square, 2, 77.0, 43.1, &error);
  g_assert_null (crossed);
  g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);

  /* The board's circle is bounded as the server's is. */
  dozor_crisis_area_get_circle (circle, &lon, &lat, &radius);
  g_assert_cmpfloat (radius, ==, DOZOR_CRISIS_AREA_MIN_RADIUS_M);
}

static void
test_limits (void)
{
  for (guint points = 500; points <= 501; points++)
    {
      g_autofree char *text = test_polygon_json (points);
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorCrisisArea) area = NULL;

      area = area_of (text, &error);
      if (points == 500)
        g_assert_no_error (error);
      else
        g_assert_null (area);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crisis-area/circle", test_circle);
  g_test_add_func ("/crisis-area/refused", test_refused);
  g_test_add_func ("/crisis-area/polygon-and-moves", test_polygon_and_moves);
  g_test_add_func ("/crisis-area/limits", test_limits);

  return g_test_run ();
}
