/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dozor-geojson.h"
#include "dozor-json.h"

static char *
normalize (const char        *text,
           DozorGeometryKind  kind,
           GError           **error)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return dozor_geojson_normalize (node, kind, error);
}

static void
test_normalized (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = normalize ("{\"type\":\"LineString\",\"coordinates\":[[76.91234567891,43.25,812],[77,-43.2]],"
                                     "\"bbox\":[0,0,1,1]}", DOZOR_GEOMETRY_LINE, &error);
  g_autofree char *multi = NULL;

  g_assert_no_error (error);
  /* 7 decimals, heights and foreign members dropped. */
  g_assert_cmpstr (line, ==, "{\"type\":\"LineString\",\"coordinates\":[[76.9123457,43.2500000],[77.0000000,-43.2000000]]}");

  multi = normalize ("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],"
                     "[[[2,2],[3,2],[3,3],[2,2]],[[2.1,2.1],[2.2,2.1],[2.2,2.2],[2.1,2.1]]]]}",
                     DOZOR_GEOMETRY_AREA, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (multi, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0.0000000,0.0000000],"));
}

static void
test_refused (void)
{
  static const struct {
    const char *json;
    DozorGeometryKind kind;
  } cases[] = {
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,0]]}", DOZOR_GEOMETRY_AREA },
    { "{\"type\":\"Point\",\"coordinates\":[0,0]}", DOZOR_GEOMETRY_AREA },
    { "{\"coordinates\":[[0,0],[1,0]]}", DOZOR_GEOMETRY_LINE },
    { "[[0,0],[1,0]]", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],[181,0]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,-90.5]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,2,3,4]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],[true,2]]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":[[0,0],null]}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"LineString\",\"coordinates\":{}}", DOZOR_GEOMETRY_LINE },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}", DOZOR_GEOMETRY_AREA },
    { "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}", DOZOR_GEOMETRY_AREA },
    { "{\"type\":\"Polygon\",\"coordinates\":[]}", DOZOR_GEOMETRY_AREA },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[]}", DOZOR_GEOMETRY_AREA },
    { "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]],5]}", DOZOR_GEOMETRY_AREA },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *result = normalize (cases[i].json, cases[i].kind, &error);

      g_test_message ("%s → %s", cases[i].json, error != NULL ? error->message : "accepted");
      g_assert_null (result);
      g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);
    }
}

/* A huge line is refused, not copied in full. */
static void
test_too_many_points (void)
{
  g_autoptr(GString) text = g_string_new ("{\"type\":\"LineString\",\"coordinates\":[");
  g_autoptr(GError) error = NULL;
  g_autofree char *result = NULL;

  for (guint i = 0; i <= DOZOR_GEOJSON_MAX_POINTS; i++)
    g_string_append_printf (text, "%s[76.9,43.2]", i > 0 ? "," : "");
  g_string_append (text, "]}");

  result = normalize (text->str, DOZOR_GEOMETRY_LINE, &error);
  g_assert_null (result);
  g_assert_error (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/geojson/normalized", test_normalized);
  g_test_add_func ("/geojson/refused", test_refused);
  g_test_add_func ("/geojson/too-many-points", test_too_many_points);

  return g_test_run ();
}
