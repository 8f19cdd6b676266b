/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-street-map.h"
#include "test-almaty.h"

static DozorStreetMap *almaty;

static char *
write_temp (const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  return path;
}

static void
tile_of (double lat,
         double lon,
         guint  zoom,
         guint *x,
         guint *y)
{
  double wx, wy;

  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  *x = (guint) floor (wx * (1u << zoom));
  *y = (guint) floor (wy * (1u << zoom));
}

typedef struct
{
  guint ways;
  cairo_surface_t *surface;
} Drawn;

static Drawn
draw (DozorStreetMap *map,
      guint           zoom,
      guint           x,
      guint           y,
      DozorMapStyle   style)
{
  Drawn drawn;
  cairo_t *cr;

  drawn.surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 256, 256);
  cr = cairo_create (drawn.surface);
  drawn.ways = dozor_street_map_draw_tile (map, cr, zoom, x, y, 256, style);
  cairo_destroy (cr);
  cairo_surface_flush (drawn.surface);

  return drawn;
}

static double
covered_fraction (cairo_surface_t *surface)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint covered = 0;

  for (int row = 0; row < 256; row++)
    for (int col = 0; col < 256; col++)
      if ((*(const guint32 *) (data + row * stride + col * 4) >> 24) != 0)
        covered++;

  return covered / (256.0 * 256.0);
}

static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  return memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                 (gsize) cairo_image_surface_get_stride (a) * 256) == 0;
}

static void
test_loads_almaty (void)
{
  double west, south, east, north;

  /* 6,069 ways, of which one (OSM 1490452750) is two identical points and
   * cannot be drawn. Consecutive duplicate points are dropped too. */
  g_assert_cmpuint (dozor_street_map_get_n_ways (almaty), ==, 6068);
  g_assert_cmpuint (dozor_street_map_get_n_vertices (almaty), >, 49300);
  g_assert_cmpuint (dozor_street_map_get_n_vertices (almaty), <=, 49380);

  g_assert_true (dozor_street_map_get_extent (almaty, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, 76.66236, 1e-4);
  g_assert_cmpfloat_with_epsilon (south, 43.11817, 1e-4);
  g_assert_cmpfloat_with_epsilon (east, 77.17208, 1e-4);
  g_assert_cmpfloat_with_epsilon (north, 43.51369, 1e-4);
}

static void
test_draws_city_centre (void)
{
  guint x, y;
  Drawn light, dark;
  double covered;

  tile_of (43.2389, 76.9453, 14, &x, &y);
  light = draw (almaty, 14, x, y, DOZOR_MAP_STYLE_LIGHT);
  dark = draw (almaty, 14, x, y, DOZOR_MAP_STYLE_DARK);

  g_assert_cmpuint (light.ways, >, 10);
  g_assert_cmpuint (light.ways, ==, dark.ways);

  covered = covered_fraction (light.surface);
  g_test_message ("z14 centre: %u ways, %.1f %% of pixels", light.ways, covered * 100);
  g_assert_cmpfloat (covered, >, 0.02);
  g_assert_cmpfloat (covered, <, 0.8);

  g_assert_false (same_pixels (light.surface, dark.surface));

  cairo_surface_destroy (light.surface);
  cairo_surface_destroy (dark.surface);
}

static void
test_nothing_elsewhere (void)
{
  guint x, y;
  Drawn astana;

  tile_of (51.16, 71.43, 14, &x, &y);
  astana = draw (almaty, 14, x, y, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (astana.ways, ==, 0);
  g_assert_cmpfloat (covered_fraction (astana.surface), ==, 0.0);
  cairo_surface_destroy (astana.surface);
}

static void
test_zoom_thinning (void)
{
  guint x, y;
  Drawn z8, z9, z12, parent;
  guint children_ways = 0;

  tile_of (43.2389, 76.9453, 8, &x, &y);
  z8 = draw (almaty, 8, x, y, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (z8.ways, ==, 0);

  /* At zoom 9 only the main roads; the whole city at zoom 12 has many more. */
  tile_of (43.2389, 76.9453, 9, &x, &y);
  z9 = draw (almaty, 9, x, y, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (z9.ways, >, 0);

  tile_of (43.2389, 76.9453, 12, &x, &y);
  z12 = draw (almaty, 12, x, y, DOZOR_MAP_STYLE_LIGHT);
  g_test_message ("zoom 9: %u ways in the city's tile; zoom 12: %u in the centre's", z9.ways, z12.ways);
  g_assert_cmpuint (z9.ways, <, 2000);

  /* Every street of a tile is in one of its four children. */
  tile_of (43.2389, 76.9453, 13, &x, &y);
  parent = draw (almaty, 13, x, y, DOZOR_MAP_STYLE_LIGHT);
  for (guint i = 0; i < 4; i++)
    {
      Drawn child = draw (almaty, 14, 2 * x + i % 2, 2 * y + i / 2, DOZOR_MAP_STYLE_LIGHT);

      children_ways += child.ways;
      cairo_surface_destroy (child.surface);
    }
  g_assert_cmpuint (children_ways, >=, parent.ways);

  cairo_surface_destroy (z8.surface);
  cairo_surface_destroy (z9.surface);
  cairo_surface_destroy (z12.surface);
  cairo_surface_destroy (parent.surface);
}

static void
assert_load_fails (const char *path,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = dozor_street_map_new_from_file (path, NULL, &error);

  g_assert_null (map);
  g_assert_error (error, DOZOR_STREET_MAP_ERROR, code);
  g_test_message ("%s", error->message);
}

static void
test_broken_files (void)
{
  g_autofree char *roads = test_almaty_roads_path ();
  g_autofree char *contents = NULL;
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "missing.geojson", NULL);
  g_autofree char *empty = write_temp ("empty.geojson", "", 0);
  g_autofree char *truncated = NULL;
  g_autofree char *points = write_temp ("points.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[76.9,43.2]}}]}",
    -1);
  g_autofree char *binary = write_temp ("binary.geojson", "\x00\x01\x02\xff\xfe", 5);

  g_assert_true (g_file_get_contents (roads, &contents, NULL, NULL));
  truncated = write_temp ("truncated.geojson", contents, 1000);

  assert_load_fails (missing, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (empty, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (truncated, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (points, DOZOR_STREET_MAP_ERROR_CONTENT);
  assert_load_fails (binary, DOZOR_STREET_MAP_ERROR_OPEN);

  /* No network, ever: a URL or one of GDAL's virtual file systems is refused
   * before GDAL sees it. */
  assert_load_fails ("/vsicurl/http://127.0.0.1:1/roads.geojson", DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails ("http://127.0.0.1:1/roads.geojson", DOZOR_STREET_MAP_ERROR_OPEN);
}

static void
test_bad_coordinates_skipped (void)
{
  g_autofree char *path = write_temp ("bad-coordinates.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},\"geometry\":"
    "{\"type\":\"LineString\",\"coordinates\":[[400,43.2],[76.9,1e300]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},\"geometry\":"
    "{\"type\":\"LineString\",\"coordinates\":[[76.90,43.20],[76.91,43.21]]}},"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]}",
    -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = dozor_street_map_new_from_file (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (map), ==, 1);
  g_assert_cmpuint (dozor_street_map_get_n_vertices (map), ==, 2);
}

static void
test_reprojected (void)
{
  /* Two points in UTM zone 43N near Almaty's centre; the file says so with a
   * GeoJSON 2008 "crs" member. */
  g_autofree char *path = write_temp ("utm.geojson",
    "{\"type\":\"FeatureCollection\","
    "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32643\"}},"
    "\"features\":[{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},\"geometry\":"
    "{\"type\":\"LineString\",\"coordinates\":[[657000,4789000],[658000,4790000]]}}]}",
    -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = dozor_street_map_new_from_file (path, NULL, &error);
  double west, south, east, north;

  g_assert_no_error (error);
  g_assert_true (dozor_street_map_get_extent (map, &west, &south, &east, &north));
  g_test_message ("UTM 43N line lands at %.5f,%.5f – %.5f,%.5f", west, south, east, north);
  /* Easting 657 km in zone 43 (central meridian 75°) is about 77.0°E. */
  g_assert_cmpfloat (west, >, 76.8);
  g_assert_cmpfloat (east, <, 77.1);
  g_assert_cmpfloat (south, >, 43.1);
  g_assert_cmpfloat (north, <, 43.3);
  g_assert_cmpfloat (east - west, >, 0.005);
}

static void
test_cancelled (void)
{
  g_autofree char *path = test_almaty_roads_path ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = NULL;

  g_cancellable_cancel (cancellable);
  map = dozor_street_map_new_from_file (path, cancellable, &error);
  g_assert_null (map);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  guint x, y;
  cairo_surface_t *expected;
} SharedTile;

static gpointer
draw_again (gpointer user_data)
{
  SharedTile *tile = user_data;

  for (guint round = 0; round < 10; round++)
    {
      Drawn drawn = draw (almaty, 15, tile->x, tile->y, DOZOR_MAP_STYLE_DARK);

      g_assert_true (same_pixels (drawn.surface, tile->expected));
      cairo_surface_destroy (drawn.surface);
    }

  return NULL;
}

static void
test_threads (void)
{
  SharedTile tile;
  GThread *threads[4];

  tile_of (43.2389, 76.9453, 15, &tile.x, &tile.y);
  tile.expected = draw (almaty, 15, tile.x, tile.y, DOZOR_MAP_STYLE_DARK).surface;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("draw", draw_again, &tile);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  cairo_surface_destroy (tile.expected);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  almaty = test_load_almaty_streets ();

  g_test_add_func ("/street-map/loads-almaty", test_loads_almaty);
  g_test_add_func ("/street-map/draws-city-centre", test_draws_city_centre);
  g_test_add_func ("/street-map/nothing-elsewhere", test_nothing_elsewhere);
  g_test_add_func ("/street-map/zoom-thinning", test_zoom_thinning);
  g_test_add_func ("/street-map/broken-files", test_broken_files);
  g_test_add_func ("/street-map/bad-coordinates-skipped", test_bad_coordinates_skipped);
  g_test_add_func ("/street-map/reprojected", test_reprojected);
  g_test_add_func ("/street-map/cancelled", test_cancelled);
  g_test_add_func ("/street-map/threads", test_threads);

  status = g_test_run ();
  g_clear_object (&almaty);

  return status;
}
