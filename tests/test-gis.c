/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cpl_vsi.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_api.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "dozor-gis-layer.h"
#include "dozor-gis-reader.h"
#include "dozor-gis-writer.h"
#include "test-files.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "gis", name, NULL);
}

/* --- What a district office would hand over ------------------------------ */

static DozorGisLayer *
make_zones (void)
{
  DozorGisLayer *layer = dozor_gis_layer_new ("zones");
  guint name = dozor_gis_layer_add_field (layer, "name", DOZOR_GIS_FIELD_STRING);
  guint number = dozor_gis_layer_add_field (layer, "number", DOZOR_GIS_FIELD_INTEGER);
  guint area = dozor_gis_layer_add_field (layer, "area_km2", DOZOR_GIS_FIELD_REAL);
  guint updated = dozor_gis_layer_add_field (layer, "updated", DOZOR_GIS_FIELD_DATETIME);
  guint i;

  i = dozor_gis_layer_add_feature_json (layer,
        "{\"type\":\"Polygon\",\"coordinates\":[[[76.9,43.24],[76.93,43.24],[76.93,43.26],[76.9,43.26],[76.9,43.24]],"
        "[[76.91,43.245],[76.91,43.25],[76.92,43.25],[76.92,43.245],[76.91,43.245]]]}", NULL);
  dozor_gis_layer_set_value (layer, i, name, "Алмалы-2");
  dozor_gis_layer_set_value (layer, i, number, "2");
  dozor_gis_layer_set_value (layer, i, area, "12.25");
  dozor_gis_layer_set_value (layer, i, updated, "2026-11-30T06:00:00Z");

  i = dozor_gis_layer_add_feature_json (layer,
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[76.95,43.2],[76.97,43.2],[76.97,43.22],[76.95,43.2]]],"
        "[[[76.98,43.2],[76.99,43.2],[76.99,43.21],[76.98,43.2]]]]}", NULL);
  dozor_gis_layer_set_value (layer, i, name, "Медеу-1");
  dozor_gis_layer_set_value (layer, i, number, "7");
  dozor_gis_layer_set_value (layer, i, area, "1.5");
  dozor_gis_layer_set_value (layer, i, updated, "2026-12-01T09:30:15Z");
  return layer;
}

static DozorGisLayer *
make_routes (void)
{
  DozorGisLayer *layer = dozor_gis_layer_new ("routes");
  guint name = dozor_gis_layer_add_field (layer, "name", DOZOR_GIS_FIELD_STRING);
  guint unit = dozor_gis_layer_add_field (layer, "unit", DOZOR_GIS_FIELD_STRING);
  guint i;

  i = dozor_gis_layer_add_feature_json (layer,
        "{\"type\":\"LineString\",\"coordinates\":[[76.9,43.24],[76.91,43.245],[76.92,43.25],[76.9,43.24]]}", NULL);
  dozor_gis_layer_set_value (layer, i, name, "Маршрут 12");
  dozor_gis_layer_set_value (layer, i, unit, "Беркут-12");
  i = dozor_gis_layer_add_feature_json (layer,
        "{\"type\":\"LineString\",\"coordinates\":[[76.95,43.2],[76.96,43.21]]}", NULL);
  dozor_gis_layer_set_value (layer, i, name, "Маршрут 3");
  return layer;
}

static DozorGisLayer *
make_cameras (void)
{
  DozorGisLayer *layer = dozor_gis_layer_new ("cameras");
  guint name = dozor_gis_layer_add_field (layer, "name", DOZOR_GIS_FIELD_STRING);
  guint stream = dozor_gis_layer_add_field (layer, "stream_url", DOZOR_GIS_FIELD_STRING);
  guint i;

  i = dozor_gis_layer_add_feature_json (layer, "{\"type\":\"Point\",\"coordinates\":[76.9453,43.2389]}", NULL);
  dozor_gis_layer_set_value (layer, i, name, "Камера, пл. Республики");
  dozor_gis_layer_set_value (layer, i, stream, "rtsp://10.0.0.5/cam1");
  i = dozor_gis_layer_add_feature_json (layer, "{\"type\":\"Point\",\"coordinates\":[76.95,43.25]}", NULL);
  dozor_gis_layer_set_value (layer, i, name, "Камера 2");
  return layer;
}

static GPtrArray *
layers_of (DozorGisLayer *first,
           ...)
{
  GPtrArray *layers = g_ptr_array_new_with_free_func (g_object_unref);
  va_list args;

  va_start (args, first);
  for (DozorGisLayer *layer = first; layer != NULL; layer = va_arg (args, DozorGisLayer *))
    g_ptr_array_add (layers, layer);
  va_end (args);
  return layers;
}

/* --- Comparing layers ---------------------------------------------------- */

static DozorGisLayer *
find_layer (GPtrArray  *layers,
            DozorGisShape shape)
{
  for (guint i = 0; i < layers->len; i++)
    if (dozor_gis_layer_get_shape (g_ptr_array_index (layers, i), 0) == shape)
      return g_ptr_array_index (layers, i);
  return NULL;
}

static OGRGeometryH
geometry_of (DozorGisLayer *layer,
             guint          i)
{
  g_autofree char *json = dozor_gis_layer_get_geometry_json (layer, i);

  return OGR_G_CreateGeometryFromJson (json);
}

/* The same places on the ground: ring direction, where a ring starts and
 * a polygon versus a one-part multipolygon differ between formats. */
static void
assert_same_geometries (DozorGisLayer *expected,
                        DozorGisLayer *actual)
{
  g_assert_cmpuint (dozor_gis_layer_get_n_features (actual), ==, dozor_gis_layer_get_n_features (expected));
  for (guint i = 0; i < dozor_gis_layer_get_n_features (expected); i++)
    {
      OGRGeometryH a = geometry_of (expected, i);
      OGRGeometryH b = geometry_of (actual, i);

      /* OGR_G_Equals() compares vertex by vertex; this compares places. */
      if (!OGR_G_Equals (a, b) && !(OGR_G_Within (a, b) && OGR_G_Within (b, a)))
        {
          g_autofree char *ja = dozor_gis_layer_get_geometry_json (expected, i);
          g_autofree char *jb = dozor_gis_layer_get_geometry_json (actual, i);

          g_error ("feature %u: expected %s, read %s", i, ja, jb);
        }
      g_assert_cmpuint (dozor_gis_layer_get_shape (actual, i), ==, dozor_gis_layer_get_shape (expected, i));
      OGR_G_DestroyGeometry (a);
      OGR_G_DestroyGeometry (b);
    }
}

static void
assert_same_values (DozorGisLayer *expected,
                    DozorGisLayer *actual,
                    const char    *field_name,
                    gboolean       same_type)
{
  int e = dozor_gis_layer_find_field (expected, field_name);
  int a = dozor_gis_layer_find_field (actual, field_name);

  g_assert_cmpint (e, >=, 0);
  if (a < 0)
    g_error ("field “%s” was not read back from layer “%s”", field_name, dozor_gis_layer_get_name (actual));
  if (same_type)
    g_assert_cmpint (dozor_gis_layer_get_field_type (actual, a), ==, dozor_gis_layer_get_field_type (expected, e));

  for (guint i = 0; i < dozor_gis_layer_get_n_features (expected); i++)
    g_assert_cmpstr (dozor_gis_layer_get_value (actual, i, a), ==, dozor_gis_layer_get_value (expected, i, e));
}

/* A second pass through the same format changes nothing at all. */
static void
assert_identical (DozorGisLayer *first,
                  DozorGisLayer *second)
{
  g_assert_cmpuint (dozor_gis_layer_get_n_fields (second), ==, dozor_gis_layer_get_n_fields (first));
  for (guint f = 0; f < dozor_gis_layer_get_n_fields (first); f++)
    {
      g_assert_cmpstr (dozor_gis_layer_get_field_name (second, f), ==, dozor_gis_layer_get_field_name (first, f));
      g_assert_cmpint (dozor_gis_layer_get_field_type (second, f), ==, dozor_gis_layer_get_field_type (first, f));
    }

  g_assert_cmpuint (dozor_gis_layer_get_n_features (second), ==, dozor_gis_layer_get_n_features (first));
  for (guint i = 0; i < dozor_gis_layer_get_n_features (first); i++)
    {
      g_autofree char *a = dozor_gis_layer_get_geometry_json (first, i);
      g_autofree char *b = dozor_gis_layer_get_geometry_json (second, i);

      g_assert_cmpstr (b, ==, a);
      for (guint f = 0; f < dozor_gis_layer_get_n_fields (first); f++)
        g_assert_cmpstr (dozor_gis_layer_get_value (second, i, f), ==, dozor_gis_layer_get_value (first, i, f));
    }
}

static GPtrArray *
read_ok (const char *path)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *layers = dozor_gis_read_file (path, NULL, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (layers);
  return layers;
}

static void
write_ok (const char *path,
          GPtrArray  *layers)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_gis_write_file (path, layers, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* import → export → import: the first import matches what was written, the
 * second matches the first exactly. */
static GPtrArray *
round_trip (const char *name,
            GPtrArray  *source)
{
  g_autofree char *first_path = tmp_path (name);
  g_autofree char *second_name = g_strconcat ("again-", name, NULL);
  g_autofree char *second_path = tmp_path (second_name);
  g_autoptr(GPtrArray) second = NULL;
  GPtrArray *first;

  write_ok (first_path, source);
  first = read_ok (first_path);
  write_ok (second_path, first);
  second = read_ok (second_path);

  g_assert_cmpuint (second->len, ==, first->len);
  for (guint l = 0; l < first->len; l++)
    assert_identical (g_ptr_array_index (first, l), g_ptr_array_index (second, l));
  return first;
}

static void
test_round_trip_gpkg (void)
{
  g_autoptr(GPtrArray) source = layers_of (make_zones (), make_routes (), make_cameras (), NULL);
  g_autoptr(GPtrArray) read = round_trip ("layers.gpkg", source);
  const char *zone_fields[] = { "name", "number", "area_km2", "updated" };

  g_assert_cmpuint (read->len, ==, 3);
  for (guint l = 0; l < 3; l++)
    {
      DozorGisLayer *expected = g_ptr_array_index (source, l);
      DozorGisLayer *actual = g_ptr_array_index (read, l);

      g_assert_cmpstr (dozor_gis_layer_get_name (actual), ==, dozor_gis_layer_get_name (expected));
      assert_same_geometries (expected, actual);
    }
  for (guint f = 0; f < G_N_ELEMENTS (zone_fields); f++)
    assert_same_values (g_ptr_array_index (source, 0), g_ptr_array_index (read, 0), zone_fields[f], TRUE);
  assert_same_values (g_ptr_array_index (source, 1), g_ptr_array_index (read, 1), "unit", TRUE);
  assert_same_values (g_ptr_array_index (source, 2), g_ptr_array_index (read, 2), "stream_url", TRUE);
}

static void
check_kml (const char *name)
{
  g_autoptr(GPtrArray) source = layers_of (make_zones (), make_routes (), make_cameras (), NULL);
  g_autoptr(GPtrArray) read = round_trip (name, source);

  g_assert_cmpuint (read->len, ==, 3);
  for (guint l = 0; l < 3; l++)
    {
      g_assert_cmpstr (dozor_gis_layer_get_name (g_ptr_array_index (read, l)), ==,
                       dozor_gis_layer_get_name (g_ptr_array_index (source, l)));
      assert_same_geometries (g_ptr_array_index (source, l), g_ptr_array_index (read, l));
      assert_same_values (g_ptr_array_index (source, l), g_ptr_array_index (read, l), "name", TRUE);
    }
  /* KML's schema has numbers and text; a time is kept as its text. */
  assert_same_values (g_ptr_array_index (source, 0), g_ptr_array_index (read, 0), "number", TRUE);
  assert_same_values (g_ptr_array_index (source, 0), g_ptr_array_index (read, 0), "area_km2", TRUE);
  assert_same_values (g_ptr_array_index (source, 0), g_ptr_array_index (read, 0), "updated", FALSE);
  assert_same_values (g_ptr_array_index (source, 2), g_ptr_array_index (read, 2), "stream_url", TRUE);
}

static void
test_round_trip_kml (void)
{
  check_kml ("layers.kml");
}

static void
test_round_trip_kmz (void)
{
  check_kml ("layers.kmz");
}

/* GeoJSON, CSV and shapefiles hold one layer a file. */
static void
check_one_layer_format (const char *extension,
                        gboolean    keeps_times)
{
  DozorGisLayer *(*makers[]) (void) = { make_zones, make_routes, make_cameras };

  for (guint m = 0; m < G_N_ELEMENTS (makers); m++)
    {
      g_autoptr(GPtrArray) source = layers_of (makers[m] (), NULL);
      DozorGisLayer *expected = g_ptr_array_index (source, 0);
      g_autofree char *name = g_strconcat (dozor_gis_layer_get_name (expected), extension, NULL);
      g_autoptr(GPtrArray) read = round_trip (name, source);
      DozorGisLayer *actual;

      g_assert_cmpuint (read->len, ==, 1);
      actual = g_ptr_array_index (read, 0);
      assert_same_geometries (expected, actual);
      for (guint f = 0; f < dozor_gis_layer_get_n_fields (expected); f++)
        {
          const char *field = dozor_gis_layer_get_field_name (expected, f);
          gboolean is_time = dozor_gis_layer_get_field_type (expected, f) == DOZOR_GIS_FIELD_DATETIME;

          assert_same_values (expected, actual, field, keeps_times || !is_time);
        }
    }
}

static void
test_round_trip_geojson (void)
{
  check_one_layer_format (".geojson", TRUE);
}

static void
test_round_trip_csv (void)
{
  check_one_layer_format (".csv", TRUE);
}

static void
test_round_trip_shapefile (void)
{
  check_one_layer_format (".shp", FALSE);
}

static void
test_round_trip_gpx (void)
{
  g_autoptr(GPtrArray) source = layers_of (make_cameras (), make_routes (), NULL);
  g_autoptr(GPtrArray) read = round_trip ("patrol.gpx", source);
  DozorGisLayer *points = find_layer (read, DOZOR_GIS_SHAPE_POINT);
  DozorGisLayer *lines = find_layer (read, DOZOR_GIS_SHAPE_LINE);

  g_assert_cmpuint (read->len, ==, 2);
  g_assert_nonnull (points);
  g_assert_nonnull (lines);
  g_assert_cmpstr (dozor_gis_layer_get_name (points), ==, "waypoints");
  g_assert_cmpstr (dozor_gis_layer_get_name (lines), ==, "tracks");
  assert_same_geometries (g_ptr_array_index (source, 0), points);
  assert_same_geometries (g_ptr_array_index (source, 1), lines);
  assert_same_values (g_ptr_array_index (source, 0), points, "name", TRUE);
  assert_same_values (g_ptr_array_index (source, 1), lines, "name", TRUE);
}

/* --- Coordinate systems ------------------------------------------------- */

static void
assert_point (DozorGisLayer *layer,
              guint          feature,
              double         lon,
              double         lat)
{
  g_autofree char *json = dozor_gis_layer_get_geometry_json (layer, feature);
  OGRGeometryH point = OGR_G_CreateGeometryFromJson (json);

  g_assert_cmpfloat_with_epsilon (OGR_G_GetX (point, 0), lon, 1e-7);
  g_assert_cmpfloat_with_epsilon (OGR_G_GetY (point, 0), lat, 1e-7);
  OGR_G_DestroyGeometry (point);
}

static void
test_utm_geojson (void)
{
  g_autofree char *path = data_path ("utm43n.geojson");
  g_autoptr(GPtrArray) layers = read_ok (path);
  DozorGisLayer *layer = g_ptr_array_index (layers, 0);
  g_autofree char *square = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorGisLayer) expected = dozor_gis_layer_new ("expected");
  OGRGeometryH a, b;

  g_assert_cmpuint (dozor_gis_layer_get_n_features (layer), ==, 2);
  assert_point (layer, 0, 76.9453, 43.2389);

  dozor_gis_layer_add_feature_json (expected,
    "{\"type\":\"Polygon\",\"coordinates\":[[[76.9,43.24],[76.93,43.24],[76.93,43.26],[76.9,43.26],[76.9,43.24]]]}",
    &error);
  g_assert_no_error (error);
  a = geometry_of (expected, 0);
  b = geometry_of (layer, 0 + 1);
  /* 1e-7° is a centimetre: what the backend keeps. */
  g_assert_true (OGR_G_Equals (a, b) || OGR_G_Distance (a, b) < 1e-7);
  square = dozor_gis_layer_get_geometry_json (layer, 1);
  g_assert_nonnull (strstr (square, "76.93"));
  OGR_G_DestroyGeometry (a);
  OGR_G_DestroyGeometry (b);
}

static void
test_utm_csv_with_given_crs (void)
{
  g_autofree char *path = data_path ("utm43n.csv");
  g_autoptr(GPtrArray) layers = NULL;
  g_autoptr(GError) error = NULL;
  DozorGisReadOptions options;

  dozor_gis_read_options_init (&options);
  options.source_crs = "EPSG:32643";
  layers = dozor_gis_read_file (path, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_point (g_ptr_array_index (layers, 0), 0, 76.9453, 43.2389);
  g_assert_cmpstr (dozor_gis_layer_get_value (g_ptr_array_index (layers, 0), 0, 0), ==, "Республики алаңы");

  /* Without it the numbers are not degrees, and the message says why. */
  g_clear_pointer (&layers, g_ptr_array_unref);
  layers = dozor_gis_read_file (path, NULL, NULL, NULL, NULL, &error);
  g_assert_null (layers);
  g_assert_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_CONTENT);
  g_assert_nonnull (strstr (error->message, "taken as longitude and latitude"));
  g_clear_error (&error);

  options.source_crs = "/etc/passwd";
  layers = dozor_gis_read_file (path, &options, NULL, NULL, NULL, &error);
  g_assert_null (layers);
  g_assert_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_CONTENT);
  g_assert_nonnull (strstr (error->message, "EPSG:code"));
}

/* --- Hostile and broken files ------------------------------------------ */

static void
assert_refused (const char                *path,
                const DozorGisReadOptions *options,
                DozorGisError              code,
                const char                *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = dozor_gis_read_file (path, options, NULL, NULL, NULL, &error);
  g_autofree char *name = g_path_get_basename (path);

  g_assert_null (layers);
  if (error == NULL || error->domain != DOZOR_GIS_ERROR || error->code != (int) code)
    g_error ("%s: expected error %d, got %s", name, code, error != NULL ? error->message : "none");
  g_test_message ("%s: %s", name, error->message);
  /* The message names the file, then says what is wrong with it. */
  g_assert_true (g_str_has_prefix (error->message, "“"));
  g_assert_nonnull (strstr (error->message, name));
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("%s: “%s” does not say “%s”", name, error->message, words);
}

static void
test_hostile_corpus (void)
{
  static const struct
  {
    const char *file;
    DozorGisError code;
    const char *words;
  } cases[] = {
    { "truncated.geojson", DOZOR_GIS_ERROR_FORMAT, "not a valid GeoJSON" },
    { "wrong-types.geojson", DOZOR_GIS_ERROR_CONTENT, "feature 1" },
    { "nan.geojson", DOZOR_GIS_ERROR_CONTENT, NULL },
    { "projected-without-crs.geojson", DOZOR_GIS_ERROR_CONTENT, "taken as longitude and latitude" },
    { "crs-link.geojson", DOZOR_GIS_ERROR_UNSAFE, "link" },
    { "mixed-collection.geojson", DOZOR_GIS_ERROR_CONTENT, "collections" },
    { "entities.kml", DOZOR_GIS_ERROR_UNSAFE, "entities" },
    { "external-entity.gpx", DOZOR_GIS_ERROR_UNSAFE, "entities" },
    { "network-link.kml", DOZOR_GIS_ERROR_UNSAFE, "NetworkLink" },
    { "no-coordinates.csv", DOZOR_GIS_ERROR_CONTENT, "lon and lat" },
    { "not-a-database.gpkg", DOZOR_GIS_ERROR_FORMAT, "not a GeoPackage" },
    /* Found by tests/fuzz: GDAL 3.6 reads out of bounds on it. */
    { "duplicate-column.csv", DOZOR_GIS_ERROR_FORMAT, "twice" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = data_path (cases[i].file);

      assert_refused (path, NULL, cases[i].code, cases[i].words);
    }
}

/* Found by tests/fuzz: OGR hands over the seconds of "00:00:99999999999"
 * as they stand. Such a time is no value; the waypoint and a true time
 * beside it are kept. */
static void
test_impossible_times (void)
{
  static const char gpx[] =
    "<?xml version=\"1.0\"?>\n"
    "<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n"
    "<wpt lat=\"43.2\" lon=\"76.9\"><time>2026-12-06T00:00:99999999999</time><name>a</name></wpt>\n"
    "<wpt lat=\"43.2\" lon=\"76.9\"><time>2026-12-06T00:00:nan</time><name>b</name></wpt>\n"
    "<wpt lat=\"43.2\" lon=\"76.9\"><time>2026-02-31T10:00:00</time><name>c</name></wpt>\n"
    "<wpt lat=\"43.2\" lon=\"76.9\"><time>2026-12-06T10:20:30</time><name>d</name></wpt>\n"
    "</gpx>\n";
  g_autofree char *path = tmp_path ("impossible-times.gpx");
  g_autoptr(GPtrArray) layers = NULL;
  DozorGisLayer *waypoints = NULL;
  int time_field;

  g_assert_true (g_file_set_contents (path, gpx, -1, NULL));
  layers = read_ok (path);
  for (guint i = 0; i < layers->len; i++)
    if (dozor_gis_layer_get_n_features (g_ptr_array_index (layers, i)) > 0)
      waypoints = g_ptr_array_index (layers, i);
  g_assert_nonnull (waypoints);
  g_assert_cmpuint (dozor_gis_layer_get_n_features (waypoints), ==, 4);
  time_field = dozor_gis_layer_find_field (waypoints, "time");
  g_assert_cmpint (time_field, >=, 0);
  g_assert_null (dozor_gis_layer_get_value (waypoints, 0, time_field));
  g_assert_null (dozor_gis_layer_get_value (waypoints, 1, time_field));
  g_assert_null (dozor_gis_layer_get_value (waypoints, 2, time_field));
  g_assert_cmpstr (dozor_gis_layer_get_value (waypoints, 3, time_field), ==, "2026-12-06T10:20:30");
}

static void
test_not_files (void)
{
  g_autofree char *directory = tmp_path ("folder.geojson");
  g_autofree char *empty = tmp_path ("empty.geojson");
  g_autofree char *text = tmp_path ("notes.txt");
  g_autofree char *missing = tmp_path ("missing.gpkg");
  g_autofree char *zero = tmp_path ("zero.geojson");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = NULL;

  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_set_contents (text, "76.9 43.2", -1, NULL));

  assert_refused (directory, NULL, DOZOR_GIS_ERROR_OPEN, "not a regular file");
  assert_refused (empty, NULL, DOZOR_GIS_ERROR_FORMAT, "empty");
  assert_refused (text, NULL, DOZOR_GIS_ERROR_FORMAT, ".gpkg");
  assert_refused (missing, NULL, DOZOR_GIS_ERROR_OPEN, NULL);
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  assert_refused (zero, NULL, DOZOR_GIS_ERROR_OPEN, "not a regular file");

  layers = dozor_gis_read_file ("/vsicurl/http://127.0.0.1:9/x.geojson", NULL, NULL, NULL, NULL, &error);
  g_assert_null (layers);
  g_assert_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "only local files"));
}

static void
test_deep_nesting (void)
{
  g_autofree char *path = tmp_path ("deep.geojson");
  GString *json = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"x\":");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (json, '[');
  g_assert_true (g_file_set_contents (path, json->str, json->len, NULL));
  g_string_free (json, TRUE);

  assert_refused (path, NULL, DOZOR_GIS_ERROR_LIMIT, "nested");
}

static void
test_shapefile_sidecars (void)
{
  g_autoptr(GPtrArray) source = layers_of (make_zones (), NULL);
  g_autofree char *shp = tmp_path ("sidecars.shp");
  g_autofree char *shx = tmp_path ("sidecars.shx");
  g_autofree char *dbf = tmp_path ("sidecars.dbf");
  g_autofree char *garbage = tmp_path ("garbage.shp");
  g_autofree char *garbage_shx = tmp_path ("garbage.shx");
  g_autofree char *garbage_dbf = tmp_path ("garbage.dbf");

  write_ok (shp, source);
  g_assert_cmpint (g_rename (dbf, garbage_dbf), ==, 0);
  assert_refused (shp, NULL, DOZOR_GIS_ERROR_OPEN, ".dbf");
  g_assert_cmpint (g_unlink (shx), ==, 0);
  assert_refused (shp, NULL, DOZOR_GIS_ERROR_OPEN, ".shx");

  /* Sidecars present, the main file random bytes. */
  g_assert_true (g_file_set_contents (garbage, "\x00\x00\x27\x0a not a shapefile at all", 28, NULL));
  g_assert_true (g_file_set_contents (garbage_shx, "\x00\x00\x27\x0a", 4, NULL));
  assert_refused (garbage, NULL, DOZOR_GIS_ERROR_FORMAT, "not a valid ESRI Shapefile");
}

/* A view in a GeoPackage can be a query that never ends. */
static void
test_gpkg_view (void)
{
  g_autoptr(GPtrArray) source = layers_of (make_cameras (), NULL);
  g_autofree char *path = tmp_path ("view.gpkg");
  sqlite3 *db;

  write_ok (path, source);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                     "CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                     "SELECT i AS fid, NULL AS geom FROM n;"
                     "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('forever', 'features', 'forever');",
                     NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  assert_refused (path, NULL, DOZOR_GIS_ERROR_UNSAFE, "forever");
}

static void
test_kmz_unpacked_size (void)
{
  g_autofree char *bomb = tmp_path ("bomb.kmz");
  g_autofree char *entry = NULL;
  g_autofree char *zeros = g_malloc0 (4 << 20);
  DozorGisReadOptions options;
  VSILFILE *file;

  /* 4 MiB of zeros packs into a few KiB: the unpacked size is what counts. */
  entry = g_strconcat ("/vsizip/", bomb, "/doc.kml", NULL);
  file = VSIFOpenL (entry, "wb");
  g_assert_nonnull (file);
  g_assert_cmpuint (VSIFWriteL (zeros, 1, 4 << 20, file), ==, 4 << 20);
  VSIFCloseL (file);
  dozor_gis_read_options_init (&options);
  options.max_file_bytes = 1 << 20;
  assert_refused (bomb, &options, DOZOR_GIS_ERROR_LIMIT, "unpacks");
}

static void
test_limits (void)
{
  g_autoptr(GPtrArray) source = layers_of (make_zones (), make_routes (), NULL);
  g_autofree char *path = tmp_path ("limits.gpkg");
  DozorGisReadOptions options;

  write_ok (path, source);

  dozor_gis_read_options_init (&options);
  options.max_features = 3;
  assert_refused (path, &options, DOZOR_GIS_ERROR_LIMIT, "more than 3 features");

  dozor_gis_read_options_init (&options);
  options.max_feature_vertices = 9;
  assert_refused (path, &options, DOZOR_GIS_ERROR_LIMIT, "feature 1");

  dozor_gis_read_options_init (&options);
  options.max_total_vertices = 20;
  assert_refused (path, &options, DOZOR_GIS_ERROR_LIMIT, "positions");

  dozor_gis_read_options_init (&options);
  options.max_layers = 1;
  assert_refused (path, &options, DOZOR_GIS_ERROR_LIMIT, "layers");

  dozor_gis_read_options_init (&options);
  options.max_file_bytes = 1024;
  assert_refused (path, &options, DOZOR_GIS_ERROR_LIMIT, "larger than");
}

/* --- Writing ------------------------------------------------------------ */

static gboolean
directory_has_staging (void)
{
  g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, ".dozor-export-"))
      return TRUE;
  return FALSE;
}

static void
test_write_refusals_leave_nothing (void)
{
  g_autoptr(GPtrArray) zones = layers_of (make_zones (), NULL);
  g_autoptr(GPtrArray) two = layers_of (make_zones (), make_routes (), NULL);
  g_autofree char *gpx = tmp_path ("zones.gpx");
  g_autofree char *geojson = tmp_path ("two.geojson");
  g_autofree char *nowhere = g_build_filename (tmp_dir, "no-such-folder", "x.gpkg", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (dozor_gis_write_file (gpx, zones, NULL, NULL, NULL, &error));
  g_assert_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "GPX holds only points and lines"));
  g_assert_false (g_file_test (gpx, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (dozor_gis_write_file (geojson, two, NULL, NULL, NULL, &error));
  g_assert_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT);
  g_assert_false (g_file_test (geojson, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (dozor_gis_write_file (nowhere, zones, NULL, NULL, NULL, &error));
  g_assert_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE);
  g_clear_error (&error);

  g_assert_false (directory_has_staging ());
}

static void
cancel_on_progress (double   fraction,
                    gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* A cancelled export leaves the previous file as it was. */
static void
test_cancel_keeps_old_file (void)
{
  g_autoptr(DozorGisLayer) many = dozor_gis_layer_new ("many");
  g_autoptr(GPtrArray) small = layers_of (make_cameras (), NULL);
  g_autoptr(GPtrArray) big = g_ptr_array_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = tmp_path ("cancel.gpkg");
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2000; i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"type\":\"Point\",\"coordinates\":[76.%04u,43.2]}", i);

      dozor_gis_layer_add_feature_json (many, json, NULL);
    }
  g_ptr_array_add (big, many);

  write_ok (path, small);
  g_assert_false (dozor_gis_write_file (path, big, cancel_on_progress, cancellable, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (directory_has_staging ());

  after = read_ok (path);
  g_assert_cmpuint (dozor_gis_layer_get_n_features (g_ptr_array_index (after, 0)), ==, 2);
  g_clear_error (&error);

  /* Reading stops too. */
  g_cancellable_reset (cancellable);
  write_ok (path, big);
  g_clear_pointer (&after, g_ptr_array_unref);
  after = dozor_gis_read_file (path, NULL, cancel_on_progress, cancellable, cancellable, &error);
  g_assert_null (after);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_bad_geometry_json (void)
{
  g_autoptr(DozorGisLayer) layer = dozor_gis_layer_new ("x");
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (dozor_gis_layer_add_feature_json (layer, "{\"type\":\"Point\"", &error), ==, G_MAXUINT);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpuint (dozor_gis_layer_add_feature_json (layer, "{\"type\":\"Point\",\"coordinates\":[200,43]}", &error),
                    ==, G_MAXUINT);
  g_assert_nonnull (strstr (error->message, "not a longitude and latitude"));
  g_clear_error (&error);
  g_assert_cmpuint (dozor_gis_layer_add_feature_json (layer,
                      "{\"type\":\"Polygon\",\"coordinates\":[[[76.9,43.2],[76.91,43.2],[76.9,43.2]]]}", &error),
                    ==, G_MAXUINT);
  g_assert_nonnull (strstr (error->message, "four points"));
  g_assert_cmpuint (dozor_gis_layer_get_n_features (layer), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("dozor-test-gis-XXXXXX", NULL);

  g_test_add_func ("/gis/round-trip/gpkg", test_round_trip_gpkg);
  g_test_add_func ("/gis/round-trip/kml", test_round_trip_kml);
  g_test_add_func ("/gis/round-trip/kmz", test_round_trip_kmz);
  g_test_add_func ("/gis/round-trip/geojson", test_round_trip_geojson);
  g_test_add_func ("/gis/round-trip/csv", test_round_trip_csv);
  g_test_add_func ("/gis/round-trip/shapefile", test_round_trip_shapefile);
  g_test_add_func ("/gis/round-trip/gpx", test_round_trip_gpx);
  g_test_add_func ("/gis/crs/utm-geojson", test_utm_geojson);
  g_test_add_func ("/gis/crs/utm-csv", test_utm_csv_with_given_crs);
  g_test_add_func ("/gis/hostile/corpus", test_hostile_corpus);
  g_test_add_func ("/gis/hostile/not-files", test_not_files);
  g_test_add_func ("/gis/hostile/impossible-times", test_impossible_times);
  g_test_add_func ("/gis/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/gis/hostile/shapefile-sidecars", test_shapefile_sidecars);
  g_test_add_func ("/gis/hostile/gpkg-view", test_gpkg_view);
  g_test_add_func ("/gis/hostile/kmz-unpacked-size", test_kmz_unpacked_size);
  g_test_add_func ("/gis/hostile/limits", test_limits);
  g_test_add_func ("/gis/write/refusals-leave-nothing", test_write_refusals_leave_nothing);
  g_test_add_func ("/gis/write/cancel-keeps-old-file", test_cancel_keeps_old_file);
  g_test_add_func ("/gis/layer/bad-geometry-json", test_bad_geometry_json);

  status = g_test_run ();
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
