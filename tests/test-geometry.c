/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dozor-geometry.h"
#include "dozor-json.h"
#include "dozor-situation.h"
#include "test-json.h"

static DozorGeometry *
geometry_from (const char *text)
{
  g_autoptr(JsonNode) node = parse_json (text);
  g_autoptr(GError) error = NULL;
  DozorGeometry *geometry = dozor_geometry_new_from_json (node, &error);

  g_assert_no_error (error);
  g_assert_nonnull (geometry);
  return geometry;
}

/* Written again, as a tree and as text, it is the GeoJSON that was read. */
static void
assert_writes_back (DozorGeometry *geometry,
                    const char    *text)
{
  g_autoptr(JsonNode) expected = parse_json (text);
  g_autoptr(JsonNode) tree = dozor_geometry_to_json (geometry);
  g_autofree char *written = dozor_geometry_to_string (geometry);
  g_autoptr(JsonNode) reparsed = parse_json (written);
  g_autoptr(DozorGeometry) again = dozor_geometry_new_from_json (reparsed, NULL);

  g_assert_true (json_node_equal (tree, expected));
  g_assert_true (json_node_equal (reparsed, expected));
  g_assert_nonnull (again);
  g_assert_true (dozor_geometry_equal (again, geometry));
}

static void
test_line (void)
{
  g_autoptr(DozorGeometry) line = geometry_from (
    "{\"type\":\"LineString\",\"coordinates\":[[76.9123456,43.2512345],[76.915,43.255],[76.92,43.26]]}");
  const double *points;
  guint n;

  g_assert_cmpint (dozor_geometry_get_geometry_type (line), ==, DOZOR_GEOMETRY_LINE_STRING);
  g_assert_cmpuint (dozor_geometry_get_n_points (line), ==, 3);
  g_assert_cmpuint (dozor_geometry_get_n_parts (line), ==, 1);
  g_assert_cmpuint (dozor_geometry_get_n_polygons (line), ==, 0);
  points = dozor_geometry_get_part (line, 0, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (points[0], ==, 76.9123456);
  g_assert_cmpfloat (points[1], ==, 43.2512345);
  g_assert_cmpfloat (points[5], ==, 43.26);
  assert_writes_back (line,
                      "{\"type\":\"LineString\",\"coordinates\":[[76.9123456,43.2512345],[76.915,43.255],[76.92,43.26]]}");

  /* Heights are not kept (the server drops them too). */
  {
    g_autoptr(DozorGeometry) high = geometry_from (
      "{\"type\":\"LineString\",\"coordinates\":[[76.9123456,43.2512345,800],[76.915,43.255,801.5],[76.92,43.26,0]]}");

    g_assert_true (dozor_geometry_equal (high, line));
  }

  /* An integer degree is a number like any other. */
  {
    g_autoptr(DozorGeometry) whole = geometry_from ("{\"type\":\"LineString\",\"coordinates\":[[76,43],[77,44]]}");

    points = dozor_geometry_get_part (whole, 0, &n);
    g_assert_cmpfloat (points[2], ==, 77);
    g_assert_false (dozor_geometry_equal (whole, line));
  }
}

#define RING_OUTER "[[76.9,43.24],[76.95,43.24],[76.95,43.27],[76.9,43.27],[76.9,43.24]]"
#define RING_HOLE "[[76.92,43.25],[76.93,43.25],[76.93,43.26],[76.92,43.25]]"
#define RING_OTHER "[[77.0,43.3],[77.1,43.3],[77.1,43.4],[77.0,43.3]]"

/* A polygon's rings and a multi-polygon's polygons are told apart. */
static void
test_polygons (void)
{
  const char *polygon_text = "{\"type\":\"Polygon\",\"coordinates\":[" RING_OUTER "," RING_HOLE "]}";
  const char *multi_text = "{\"type\":\"MultiPolygon\",\"coordinates\":[[" RING_OUTER "," RING_HOLE "],["
                           RING_OTHER "]]}";
  g_autoptr(DozorGeometry) polygon = geometry_from (polygon_text);
  g_autoptr(DozorGeometry) multi = geometry_from (multi_text);
  const double *points;
  guint n, first;

  g_assert_cmpint (dozor_geometry_get_geometry_type (polygon), ==, DOZOR_GEOMETRY_POLYGON);
  g_assert_cmpuint (dozor_geometry_get_n_points (polygon), ==, 9);
  g_assert_cmpuint (dozor_geometry_get_n_parts (polygon), ==, 2);
  g_assert_cmpuint (dozor_geometry_get_n_polygons (polygon), ==, 1);
  g_assert_cmpuint (dozor_geometry_get_polygon (polygon, 0, &first), ==, 2);
  g_assert_cmpuint (first, ==, 0);
  points = dozor_geometry_get_part (polygon, 1, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (points[0], ==, 76.92);
  g_assert_cmpfloat (points[1], ==, 43.25);
  assert_writes_back (polygon, polygon_text);

  g_assert_cmpint (dozor_geometry_get_geometry_type (multi), ==, DOZOR_GEOMETRY_MULTI_POLYGON);
  g_assert_cmpuint (dozor_geometry_get_n_points (multi), ==, 13);
  g_assert_cmpuint (dozor_geometry_get_n_parts (multi), ==, 3);
  g_assert_cmpuint (dozor_geometry_get_n_polygons (multi), ==, 2);
  g_assert_cmpuint (dozor_geometry_get_polygon (multi, 1, &first), ==, 1);
  g_assert_cmpuint (first, ==, 2);
  points = dozor_geometry_get_part (multi, first, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpfloat (points[0], ==, 77.0);
  g_assert_cmpfloat (points[7], ==, 43.3);
  assert_writes_back (multi, multi_text);

  /* The same rings as one polygon and as a multi-polygon of one are not equal. */
  {
    g_autoptr(DozorGeometry) one = geometry_from ("{\"type\":\"MultiPolygon\",\"coordinates\":[[" RING_OUTER ","
                                                  RING_HOLE "]]}");

    g_assert_false (dozor_geometry_equal (one, polygon));
  }
}

/* What is not a zone's or a route's geometry is refused whole. */
static void
test_refused (void)
{
  static const char *const texts[] = {
    "{\"type\":\"Point\",\"coordinates\":[76.9,43.2]}",
    "{\"type\":\"LineString\"}",
    "{\"coordinates\":[[76.9,43.2],[76.95,43.25]]}",
    "{\"type\":\"LineString\",\"coordinates\":[]}",
    "{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2]]}",
    "{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2],[\"76.95\",43.25]]}",
    "{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2],[76.95]]}",
    "{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2],[196.95,43.25]]}",
    "{\"type\":\"LineString\",\"coordinates\":[[76.9,43.2],[76.95,93.25]]}",
    "{\"type\":\"Polygon\",\"coordinates\":[]}",
    "{\"type\":\"Polygon\",\"coordinates\":[[76.9,43.2],[76.95,43.25]]}",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
    "{\"type\":\"MultiPolygon\",\"coordinates\":[" RING_OUTER "]}",
    "[76.9,43.2]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonNode) node = parse_json (texts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorGeometry) geometry = dozor_geometry_new_from_json (node, &error);

      g_test_message ("%s", texts[i]);
      g_assert_null (geometry);
      g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);
    }
}

static void
load (DozorSituation *situation,
      const char     *text)
{
  g_autoptr(JsonNode) snapshot = parse_json (text);
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_situation_load_snapshot (situation, snapshot, &error));
  g_assert_no_error (error);
}

static DozorApplyResult
apply (DozorSituation *situation,
       const char     *text)
{
  g_autoptr(JsonNode) event = parse_json (text);

  return dozor_situation_apply_event (situation, event);
}

/* The situation keeps a zone's and a route's geometry compact, not in the
 * entity's JSON; events replace and remove it with the entity. */
static void
test_situation (void)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  DozorGeometry *geometry;
  JsonObject *zone;
  guint n;

  load (situation,
        "{\"as_of_seq\":10,\"units\":[],"
        "\"zones\":[{\"id\":\"z1\",\"kind\":\"district\",\"name\":\"Алмалы\",\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[" RING_OUTER "]},\"version\":1}],"
        "\"routes\":[{\"id\":\"r1\",\"name\":\"Маршрут 1\",\"geometry\":"
        "{\"type\":\"LineString\",\"coordinates\":[[76.91,43.25],[76.915,43.255]]},\"version\":3}]}");

  zone = dozor_situation_get_entity (situation, "zone", "z1");
  g_assert_nonnull (zone);
  g_assert_cmpstr (json_object_get_string_member (zone, "name"), ==, "Алмалы");
  g_assert_cmpint (json_object_get_int_member (zone, "version"), ==, 1);
  g_assert_false (json_object_has_member (zone, "geometry"));
  geometry = dozor_situation_get_geometry (situation, "zone", "z1");
  g_assert_nonnull (geometry);
  g_assert_cmpint (dozor_geometry_get_geometry_type (geometry), ==, DOZOR_GEOMETRY_POLYGON);
  g_assert_cmpuint (dozor_geometry_get_n_points (geometry), ==, 5);

  g_assert_false (json_object_has_member (dozor_situation_get_entity (situation, "route", "r1"), "geometry"));
  geometry = dozor_situation_get_geometry (situation, "route", "r1");
  g_assert_nonnull (geometry);
  g_assert_cmpfloat (dozor_geometry_get_part (geometry, 0, &n)[2], ==, 76.915);
  g_assert_null (dozor_situation_get_geometry (situation, "zone", "r1"));
  g_assert_null (dozor_situation_get_geometry (situation, "place", "z1"));

  /* A reference kept by a worker outlives the zone's next version. */
  {
    g_autoptr(DozorGeometry) kept = dozor_geometry_ref (dozor_situation_get_geometry (situation, "zone", "z1"));

    g_assert_cmpint (apply (situation,
                            "{\"seq\":11,\"type\":\"zone.updated\",\"zone\":{\"id\":\"z1\",\"kind\":\"district\","
                            "\"name\":\"Алмалы\",\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[["
                            RING_OUTER "," RING_HOLE "]]},\"version\":2}}"), ==, DOZOR_APPLY_APPLIED);
    geometry = dozor_situation_get_geometry (situation, "zone", "z1");
    g_assert_true (geometry != kept);
    g_assert_cmpint (dozor_geometry_get_geometry_type (geometry), ==, DOZOR_GEOMETRY_MULTI_POLYGON);
    g_assert_cmpuint (dozor_geometry_get_n_parts (geometry), ==, 2);
    g_assert_cmpuint (dozor_geometry_get_n_points (kept), ==, 5);
  }

  /* A geometry the board cannot read: the zone is still listed, undrawn. */
  g_assert_cmpint (apply (situation,
                          "{\"seq\":12,\"type\":\"zone.updated\",\"zone\":{\"id\":\"z1\",\"kind\":\"district\","
                          "\"name\":\"Алмалы\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[76.9,43.2]},"
                          "\"version\":3}}"), ==, DOZOR_APPLY_APPLIED);
  g_assert_cmpint (json_object_get_int_member (dozor_situation_get_entity (situation, "zone", "z1"), "version"), ==, 3);
  g_assert_null (dozor_situation_get_geometry (situation, "zone", "z1"));

  g_assert_cmpint (apply (situation, "{\"seq\":13,\"type\":\"route.deleted\",\"route\":{\"id\":\"r1\"}}"), ==,
                   DOZOR_APPLY_APPLIED);
  g_assert_null (dozor_situation_get_entity (situation, "route", "r1"));
  g_assert_null (dozor_situation_get_geometry (situation, "route", "r1"));

  /* A new snapshot replaces every geometry. */
  load (situation, "{\"as_of_seq\":20,\"units\":[],\"zones\":[],\"routes\":[]}");
  g_assert_null (dozor_situation_get_entity (situation, "zone", "z1"));
  g_assert_null (dozor_situation_get_geometry (situation, "zone", "z1"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/geometry/line", test_line);
  g_test_add_func ("/geometry/polygons", test_polygons);
  g_test_add_func ("/geometry/refused", test_refused);
  g_test_add_func ("/geometry/situation", test_situation);
  return g_test_run ();
}
