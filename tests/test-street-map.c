/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <gdal.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-street-map.h"
#include "test-almaty.h"
#include "test-files.h"

/* Almaty's centre, the Republic Square area. */
#define CENTRE_LAT 43.2389
#define CENTRE_LON 76.8897

static DozorStreetMap *almaty;
static char *tmp_dir;

static char *
write_temp (const char *name,
            const char *contents,
            gssize      length)
{
  char *path = g_build_filename (tmp_dir, name, NULL);

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
draw_sized (DozorStreetMap *map,
            guint           zoom,
            guint           x,
            guint           y,
            guint           size,
            DozorMapStyle   style)
{
  Drawn drawn;
  cairo_t *cr;

  drawn.surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  cr = cairo_create (drawn.surface);
  drawn.ways = dozor_street_map_draw_tile (map, cr, zoom, x, y, size, style);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_flush (drawn.surface);

  return drawn;
}

static Drawn
draw (DozorStreetMap *map,
      guint           zoom,
      guint           x,
      guint           y,
      DozorMapStyle   style)
{
  return draw_sized (map, zoom, x, y, 256, style);
}

static guint
draw_at (DozorStreetMap *map,
         double          lat,
         double          lon,
         guint           zoom)
{
  guint x, y;
  Drawn drawn;

  tile_of (lat, lon, zoom, &x, &y);
  drawn = draw (map, zoom, x, y, DOZOR_MAP_STYLE_LIGHT);
  cairo_surface_destroy (drawn.surface);

  return drawn.ways;
}

static double
covered_fraction (cairo_surface_t *surface)
{
  const guchar *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  guint covered = 0;

  for (int row = 0; row < height; row++)
    for (int col = 0; col < width; col++)
      if ((*(const guint32 *) (data + row * stride + col * 4) >> 24) != 0)
        covered++;

  return covered / ((double) width * height);
}

static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  return memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b),
                 (gsize) cairo_image_surface_get_stride (a) * cairo_image_surface_get_height (a)) == 0;
}

static void
test_loads_almaty (void)
{
  double west, south, east, north;
  guint total_points = 0;

  /* The file has 6,069 LineStrings. One, OSM way 1490452750, is twice the
   * same point: no length, nothing to draw, no road to route along, so it
   * is the only one left out. Its lone point and the other 12 consecutive
   * duplicate points go too: 49,380 − 13 − 1. */
  g_assert_cmpuint (dozor_street_map_get_n_ways (almaty), ==, 6068);
  g_assert_cmpuint (dozor_street_map_get_n_vertices (almaty), ==, 49366);

  g_assert_true (dozor_street_map_get_extent (almaty, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, 76.66236, 1e-4);
  g_assert_cmpfloat_with_epsilon (south, 43.11817, 1e-4);
  g_assert_cmpfloat_with_epsilon (east, 77.17208, 1e-4);
  g_assert_cmpfloat_with_epsilon (north, 43.51369, 1e-4);

  for (guint w = 0; w < dozor_street_map_get_n_ways (almaty); w++)
    {
      guint n;
      const double *xy = dozor_street_map_get_way (almaty, w, &n);

      g_assert_cmpuint (n, >=, 2);
      for (guint i = 1; i < n; i++)
        g_assert_true (xy[2 * i] != xy[2 * i - 2] || xy[2 * i + 1] != xy[2 * i - 1]);
      total_points += n;
    }
  g_assert_cmpuint (total_points, ==, dozor_street_map_get_n_vertices (almaty));
}

static void
test_draws_city_centre (void)
{
  guint x, y;
  Drawn light, dark, big;
  double covered;

  tile_of (CENTRE_LAT, CENTRE_LON, 14, &x, &y);
  light = draw (almaty, 14, x, y, DOZOR_MAP_STYLE_LIGHT);
  dark = draw (almaty, 14, x, y, DOZOR_MAP_STYLE_DARK);

  g_assert_cmpuint (light.ways, >, 10);
  g_assert_cmpuint (light.ways, ==, dark.ways);

  covered = covered_fraction (light.surface);
  g_test_message ("z14 centre: %u ways, %.1f %% of pixels", light.ways, covered * 100);
  g_assert_cmpfloat (covered, >, 0.02);
  g_assert_cmpfloat (covered, <, 0.8);
  g_assert_cmpfloat (fabs (covered_fraction (dark.surface) - covered), <, 0.01);

  g_assert_false (same_pixels (light.surface, dark.surface));

  /* A 512-pixel tile is the same map at twice the resolution. */
  big = draw_sized (almaty, 14, x, y, 512, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (big.ways, ==, light.ways);
  g_assert_cmpfloat (fabs (covered_fraction (big.surface) - covered), <, 0.25 * covered);

  cairo_surface_destroy (light.surface);
  cairo_surface_destroy (dark.surface);
  cairo_surface_destroy (big.surface);
}

static void
test_nothing_elsewhere (void)
{
  guint x, y;
  Drawn astana, z8, outside;

  tile_of (51.16, 71.43, 14, &x, &y);
  astana = draw (almaty, 14, x, y, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (astana.ways, ==, 0);
  g_assert_cmpfloat (covered_fraction (astana.surface), ==, 0.0);

  /* Below the minimum zoom a city is a smudge: nothing at all. */
  tile_of (CENTRE_LAT, CENTRE_LON, 8, &x, &y);
  z8 = draw (almaty, 8, x, y, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (z8.ways, ==, 0);
  g_assert_cmpfloat (covered_fraction (z8.surface), ==, 0.0);

  /* Tiles that do not exist. */
  outside = draw (almaty, 14, 1u << 14, 0, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (outside.ways, ==, 0);
  g_assert_cmpuint (draw_at (almaty, CENTRE_LAT, CENTRE_LON, 64), ==, 0);

  cairo_surface_destroy (astana.surface);
  cairo_surface_destroy (z8.surface);
  cairo_surface_destroy (outside.surface);
}

static void
test_zoom_thinning (void)
{
  double west, south, east, north;
  guint x0, y0, x1, y1;
  guint z9, z12 = 0;

  g_assert_true (dozor_street_map_get_extent (almaty, &west, &south, &east, &north));

  /* The whole city lies in one zoom-9 tile, and at zoom 9 only the main
   * roads are drawn: the README's motorway, trunk and primary ways with
   * their links, 144 + 62 + 73 + 27 + 1,118 + 354, less the zero-length
   * primary way that is not loaded. */
  z9 = draw_at (almaty, CENTRE_LAT, CENTRE_LON, 9);
  g_assert_cmpuint (z9, ==, 1777);

  /* From zoom 12 every street is drawn: each one shows in some tile of
   * those covering the city (and those crossing a tile edge in two). */
  tile_of (north, west, 12, &x0, &y0);
  tile_of (south, east, 12, &x1, &y1);
  for (guint x = x0; x <= x1; x++)
    for (guint y = y0; y <= y1; y++)
      {
        Drawn drawn = draw (almaty, 12, x, y, DOZOR_MAP_STYLE_LIGHT);

        z12 += drawn.ways;
        cairo_surface_destroy (drawn.surface);
      }

  g_test_message ("zoom 9: %u ways in the city's tile; zoom 12: %u in its %u tiles",
                  z9, z12, (x1 - x0 + 1) * (y1 - y0 + 1));
  g_assert_cmpuint (z12, >=, dozor_street_map_get_n_ways (almaty));
}

/* One short street per highway value, all in one zoom-14 tile: what each
 * zoom draws shows the classes and the zoom at which each appears. */
static void
test_road_classes (void)
{
  static const char *const highways[] = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link",
    "tertiary", "tertiary_link", "residential", "service", "primary_linkage", "", NULL,
  };
  g_autoptr(GString) json = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":[");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = NULL;
  double wx0, wy0, wx1, wy1, lon, lat;
  guint x, y;

  tile_of (CENTRE_LAT, CENTRE_LON, 14, &x, &y);
  dozor_geo_tile_bounds_world (14, x, y, &wx0, &wy0, &wx1, &wy1);
  dozor_geo_world_to_lon_lat ((wx0 + wx1) / 2, (wy0 + wy1) / 2, &lon, &lat);

  for (guint i = 0; i < G_N_ELEMENTS (highways); i++)
    {
      g_autofree char *properties = highways[i] != NULL
        ? g_strdup_printf ("{\"highway\":\"%s\"}", highways[i])
        : g_strdup ("{}");
      char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (json,
        "%s{\"type\":\"Feature\",\"properties\":%s,\"geometry\":"
        "{\"type\":\"LineString\",\"coordinates\":[[%s,%s],[%s,%s]]}}",
        i > 0 ? "," : "", properties,
        g_ascii_dtostr (a, sizeof a, lon - 0.004), g_ascii_dtostr (b, sizeof b, lat - 0.003 + i * 0.0004),
        g_ascii_dtostr (c, sizeof c, lon + 0.004), b);
    }
  g_string_append (json, "]}");

  path = write_temp ("classes.geojson", json->str, json->len);
  map = dozor_street_map_new_from_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (map), ==, G_N_ELEMENTS (highways));

  g_assert_cmpuint (draw_at (map, lat, lon, 8), ==, 0);
  g_assert_cmpuint (draw_at (map, lat, lon, 9), ==, 6);
  g_assert_cmpuint (draw_at (map, lat, lon, 10), ==, 6);
  g_assert_cmpuint (draw_at (map, lat, lon, 11), ==, 8);
  for (guint zoom = 12; zoom <= 14; zoom++)
    g_assert_cmpuint (draw_at (map, lat, lon, zoom), ==, G_N_ELEMENTS (highways));
}

static void
test_children_cover_parent (void)
{
  guint x, y;
  guint parent, children = 0;

  /* Every street of a tile is in one of its four children; those crossing
   * a child's edge are counted in both. */
  tile_of (CENTRE_LAT, CENTRE_LON, 13, &x, &y);
  parent = draw_at (almaty, CENTRE_LAT, CENTRE_LON, 13);
  for (guint i = 0; i < 4; i++)
    {
      Drawn child = draw (almaty, 14, 2 * x + i % 2, 2 * y + i / 2, DOZOR_MAP_STYLE_LIGHT);

      children += child.ways;
      cairo_surface_destroy (child.surface);
    }

  g_test_message ("z13: %u ways, its z14 children: %u", parent, children);
  g_assert_cmpuint (parent, >, 0);
  g_assert_cmpuint (children, >=, parent);
}

static void
assert_load_fails (const char *path,
                   int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = dozor_street_map_new_from_file (path, NULL, &error);

  g_assert_null (map);
  g_assert_error (error, DOZOR_STREET_MAP_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
}

static void
test_broken_files (void)
{
  g_autofree char *roads = test_almaty_roads_path ();
  g_autofree char *contents = NULL;
  g_autofree char *missing = g_build_filename (tmp_dir, "missing.geojson", NULL);
  g_autofree char *empty = write_temp ("empty.geojson", "", 0);
  g_autofree char *truncated = NULL;
  g_autofree char *half = NULL;
  g_autofree char *points = write_temp ("points.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[76.9,43.2]}},"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[76.9,43.2],[76.91,43.2],[76.91,43.21],[76.9,43.2]]]}}]}",
    -1);
  g_autofree char *binary = write_temp ("binary.geojson", "\x00\x01\x02\xff\xfe", 5);
  g_autofree char *directory = g_build_filename (tmp_dir, "folder.geojson", NULL);
  g_autofree char *kml = write_temp ("roads.kml",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark>"
    "<LineString><coordinates>76.9,43.2 76.91,43.21</coordinates></LineString>"
    "</Placemark></Document></kml>",
    -1);
  gsize length;

  g_assert_true (g_file_get_contents (roads, &contents, &length, NULL));
  truncated = write_temp ("truncated.geojson", contents, 1000);
  half = write_temp ("half.geojson", contents, length / 2);
  g_assert_cmpint (g_mkdir (directory, 0700), ==, 0);

  assert_load_fails (missing, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (empty, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (truncated, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (half, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (points, DOZOR_STREET_MAP_ERROR_CONTENT);
  assert_load_fails (binary, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (directory, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails ("/dev/zero", DOZOR_STREET_MAP_ERROR_OPEN);

  /* GDAL reads KML, but a street map is GeoJSON, GeoPackage or Shapefile:
   * every other driver is more code facing a hostile file. */
  assert_load_fails (kml, DOZOR_STREET_MAP_ERROR_OPEN);
}

static void
test_no_network (void)
{
  g_autoptr(GSocket) listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                              G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) accepted = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = NULL;
  g_autofree char *url = NULL;
  g_autofree char *vsicurl = NULL;
  g_autofree char *json = NULL;
  g_autofree char *crs_url = NULL;
  guint16 port;

  g_assert_nonnull (listener);
  g_assert_true (g_socket_bind (listener, any_port, TRUE, NULL));
  g_assert_true (g_socket_listen (listener, NULL));
  g_socket_set_blocking (listener, FALSE);
  bound = g_socket_get_local_address (listener, NULL);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  /* URLs and GDAL's virtual file systems are refused outright. */
  url = g_strdup_printf ("http://127.0.0.1:%u/roads.geojson", port);
  vsicurl = g_strdup_printf ("/vsicurl/http://127.0.0.1:%u/roads.geojson", port);
  assert_load_fails (url, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails (vsicurl, DOZOR_STREET_MAP_ERROR_OPEN);
  assert_load_fails ("/vsizip//tmp/roads.zip/roads.geojson", DOZOR_STREET_MAP_ERROR_OPEN);

  /* GDAL would fetch a GeoJSON "crs" given as a URL; the file must still
   * load, with its coordinates taken as they are, and nothing be fetched. */
  json = g_strdup_printf ("{\"type\":\"FeatureCollection\","
                          "\"crs\":{\"type\":\"URL\",\"properties\":{\"url\":\"http://127.0.0.1:%u/crs.wkt\"}},"
                          "\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
                          "{\"type\":\"LineString\",\"coordinates\":[[76.90,43.20],[76.91,43.21]]}}]}",
                          port);
  crs_url = write_temp ("crs-url.geojson", json, -1);
  map = dozor_street_map_new_from_file (crs_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (map), ==, 1);

  accepted = g_socket_accept (listener, NULL, &error);
  g_assert_null (accepted);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
}

static void
test_bad_coordinates_skipped (void)
{
  /* JSON has no NaN, but GDAL's parser reads one; huge and out-of-range
   * numbers are valid JSON. None of them is a place on the map. */
  g_autofree char *path = write_temp ("bad-coordinates.geojson",
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},\"geometry\":"
    "{\"type\":\"LineString\",\"coordinates\":[[NaN,43.2],[76.9,Infinity],[400,43.2],[76.9,1e300],[76.9,89.9]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},\"geometry\":"
    "{\"type\":\"LineString\",\"coordinates\":[[76.90,43.20],[1e308,1e308],[76.91,43.21]]}},"
    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]}",
    -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = dozor_street_map_new_from_file (path, NULL, &error);
  double west, south, east, north;

  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (map), ==, 1);
  g_assert_cmpuint (dozor_street_map_get_n_vertices (map), ==, 2);
  g_assert_true (dozor_street_map_get_extent (map, &west, &south, &east, &north));
  g_assert_cmpfloat_with_epsilon (west, 76.90, 1e-9);
  g_assert_cmpfloat_with_epsilon (north, 43.21, 1e-9);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRSpatialReferenceH, OSRRelease, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRCoordinateTransformationH, OCTDestroyCoordinateTransformation, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (GDALDatasetH, GDALClose, NULL)

static OGRSpatialReferenceH
srs_from_epsg (int code)
{
  OGRSpatialReferenceH srs = OSRNewSpatialReference (NULL);

  g_assert_cmpint (OSRImportFromEPSG (srs, code), ==, OGRERR_NONE);
  OSRSetAxisMappingStrategy (srs, OAMS_TRADITIONAL_GIS_ORDER);
  return srs;
}

/* Two points in Almaty, as UTM zone 43N (EPSG:32643) coordinates. */
static const double utm_lon[] = { CENTRE_LON, 76.9453 };
static const double utm_lat[] = { CENTRE_LAT, 43.2560 };

static void
almaty_in_utm (double *easting,
               double *northing)
{
  g_auto(OGRSpatialReferenceH) wgs84 = srs_from_epsg (4326);
  g_auto(OGRSpatialReferenceH) utm = srs_from_epsg (32643);
  g_auto(OGRCoordinateTransformationH) to_utm = OCTNewCoordinateTransformation (wgs84, utm);

  memcpy (easting, utm_lon, sizeof utm_lon);
  memcpy (northing, utm_lat, sizeof utm_lat);
  g_assert_true (OCTTransform (to_utm, G_N_ELEMENTS (utm_lon), easting, northing, NULL));
}

static void
assert_extent_is_utm_points (DozorStreetMap *map)
{
  double west, south, east, north;

  g_assert_true (dozor_street_map_get_extent (map, &west, &south, &east, &north));
  g_test_message ("UTM 43N lines land at %.6f,%.6f – %.6f,%.6f", west, south, east, north);
  g_assert_cmpfloat_with_epsilon (west, utm_lon[0], 1e-6);
  g_assert_cmpfloat_with_epsilon (south, utm_lat[0], 1e-6);
  g_assert_cmpfloat_with_epsilon (east, utm_lon[1], 1e-6);
  g_assert_cmpfloat_with_epsilon (north, utm_lat[1], 1e-6);
}

static void
test_reprojected (void)
{
  double easting[2], northing[2];
  char e0[G_ASCII_DTOSTR_BUF_SIZE], n0[G_ASCII_DTOSTR_BUF_SIZE];
  char e1[G_ASCII_DTOSTR_BUF_SIZE], n1[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *json = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) map = NULL;

  almaty_in_utm (easting, northing);
  g_test_message ("centre in UTM 43N: %.1f E, %.1f N", easting[0], northing[0]);
  g_assert_cmpfloat (fabs (easting[0] - 653500), <, 2000);
  g_assert_cmpfloat (fabs (northing[0] - 4789000), <, 2000);

  /* GeoJSON 2008 named its CRS in a "crs" member; GDAL still honours it. */
  json = g_strdup_printf ("{\"type\":\"FeatureCollection\","
                          "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32643\"}},"
                          "\"features\":[{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},"
                          "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[%s,%s],[%s,%s]]}}]}",
                          g_ascii_dtostr (e0, sizeof e0, easting[0]), g_ascii_dtostr (n0, sizeof n0, northing[0]),
                          g_ascii_dtostr (e1, sizeof e1, easting[1]), g_ascii_dtostr (n1, sizeof n1, northing[1]));
  path = write_temp ("utm.geojson", json, -1);
  map = dozor_street_map_new_from_file (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (map), ==, 1);
  assert_extent_is_utm_points (map);
}

static OGRGeometryH
utm_line (const double *easting,
          const double *northing)
{
  OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);

  OGR_G_AddPoint_2D (line, easting[0], northing[0]);
  OGR_G_AddPoint_2D (line, (easting[0] + easting[1]) / 2, (northing[0] + northing[1]) / 2);
  OGR_G_AddPoint_2D (line, easting[1], northing[1]);
  return line;
}

static void
add_feature (OGRLayerH     layer,
             const char   *highway,
             OGRGeometryH  geometry)
{
  OGRFeatureH feature = OGR_F_Create (OGR_L_GetLayerDefn (layer));

  OGR_F_SetFieldString (feature, OGR_F_GetFieldIndex (feature, "highway"), highway);
  OGR_F_SetGeometryDirectly (feature, geometry);
  g_assert_cmpint (OGR_L_CreateFeature (layer, feature), ==, OGRERR_NONE);
  OGR_F_Destroy (feature);
}

static OGRLayerH
create_layer (GDALDatasetH                dataset,
              const char                 *name,
              OGRSpatialReferenceH        srs,
              OGRwkbGeometryType          type)
{
  OGRLayerH layer = GDALDatasetCreateLayer (dataset, name, srs, type, NULL);
  OGRFieldDefnH field = OGR_Fld_Create ("highway", OFTString);

  g_assert_nonnull (layer);
  g_assert_cmpint (OGR_L_CreateField (layer, field, TRUE), ==, OGRERR_NONE);
  OGR_Fld_Destroy (field);
  return layer;
}

/* The other two formats a street map may come in, written by GDAL itself,
 * both in UTM with the CRS in the file: a GeoPackage with a multi-line,
 * a point and a second layer of areas, and a Shapefile with its .prj. */
static void
test_geopackage_and_shapefile (void)
{
  double easting[2], northing[2];
  g_auto(OGRSpatialReferenceH) utm = srs_from_epsg (32643);
  g_autofree char *gpkg_path = g_build_filename (tmp_dir, "roads.gpkg", NULL);
  g_autofree char *shp_path = g_build_filename (tmp_dir, "roads.shp", NULL);
  g_autoptr(DozorStreetMap) from_gpkg = NULL;
  g_autoptr(DozorStreetMap) from_shp = NULL;
  g_autoptr(GError) error = NULL;

  almaty_in_utm (easting, northing);

  {
    g_auto(GDALDatasetH) gpkg = GDALCreate (GDALGetDriverByName ("GPKG"), gpkg_path, 0, 0, 0, GDT_Unknown, NULL);
    OGRLayerH roads, areas;
    OGRGeometryH multi = OGR_G_CreateGeometry (wkbMultiLineString);
    OGRGeometryH point = OGR_G_CreateGeometry (wkbPoint);
    OGRGeometryH polygon = OGR_G_CreateGeometry (wkbPolygon);
    OGRGeometryH ring = OGR_G_CreateGeometry (wkbLinearRing);

    g_assert_nonnull (gpkg);
    roads = create_layer (gpkg, "roads", utm, wkbUnknown);
    OGR_G_AddGeometryDirectly (multi, utm_line (easting, northing));
    OGR_G_AddGeometryDirectly (multi, utm_line (easting, northing));
    add_feature (roads, "primary", multi);
    add_feature (roads, "tertiary", utm_line (easting, northing));
    OGR_G_SetPoint_2D (point, 0, easting[0], northing[0]);
    add_feature (roads, "bus_stop", point);

    areas = create_layer (gpkg, "districts", utm, wkbPolygon);
    OGR_G_AddPoint_2D (ring, easting[0], northing[0]);
    OGR_G_AddPoint_2D (ring, easting[1], northing[0]);
    OGR_G_AddPoint_2D (ring, easting[1], northing[1]);
    OGR_G_AddPoint_2D (ring, easting[0], northing[0]);
    OGR_G_AddGeometryDirectly (polygon, ring);
    add_feature (areas, NULL, polygon);
  }

  {
    g_auto(GDALDatasetH) shp = GDALCreate (GDALGetDriverByName ("ESRI Shapefile"), shp_path, 0, 0, 0,
                                           GDT_Unknown, NULL);
    OGRLayerH roads;

    g_assert_nonnull (shp);
    roads = create_layer (shp, "roads", utm, wkbLineString);
    add_feature (roads, "secondary", utm_line (easting, northing));
    add_feature (roads, "secondary_link", utm_line (easting, northing));
  }

  from_gpkg = dozor_street_map_new_from_file (gpkg_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (from_gpkg), ==, 3);
  g_assert_cmpuint (dozor_street_map_get_n_vertices (from_gpkg), ==, 9);
  assert_extent_is_utm_points (from_gpkg);

  from_shp = dozor_street_map_new_from_file (shp_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (from_shp), ==, 2);
  assert_extent_is_utm_points (from_shp);
}

/* More streets than a street map may hold, in one GeoPackage feature so
 * that GDAL has little to do: refused, not loaded half way. */
static void
test_too_many_ways (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "too-many.gpkg", NULL);
  g_autoptr(DozorStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_auto(GDALDatasetH) gpkg = GDALCreate (GDALGetDriverByName ("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    g_auto(OGRSpatialReferenceH) wgs84 = srs_from_epsg (4326);
    OGRLayerH roads = create_layer (gpkg, "roads", wgs84, wkbMultiLineString);
    OGRGeometryH multi = OGR_G_CreateGeometry (wkbMultiLineString);

    for (guint i = 0; i <= DOZOR_STREET_MAP_MAX_WAYS; i++)
      {
        OGRGeometryH line = OGR_G_CreateGeometry (wkbLineString);

        OGR_G_AddPoint_2D (line, 76.9 + (i % 1000) * 1e-4, 43.2 + (i / 1000) * 1e-4);
        OGR_G_AddPoint_2D (line, 76.9 + (i % 1000) * 1e-4 + 5e-5, 43.2 + (i / 1000) * 1e-4);
        OGR_G_AddGeometryDirectly (multi, line);
      }
    add_feature (roads, "residential", multi);
  }

  map = dozor_street_map_new_from_file (path, NULL, &error);
  g_assert_null (map);
  g_assert_error (error, DOZOR_STREET_MAP_ERROR, DOZOR_STREET_MAP_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
}

/* Long diagonal streets each touch every cell of a fine grid; a file of
 * nothing else must neither exhaust memory nor make tiles slow. */
static void
test_long_ways (void)
{
  g_autoptr(GString) json = g_string_new ("{\"type\":\"FeatureCollection\",\"features\":["
                                          "{\"type\":\"Feature\",\"properties\":{\"highway\":\"primary\"},"
                                          "\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[");
  g_autofree char *path = NULL;
  g_autoptr(DozorStreetMap) map = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  guint drawn;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (json, "%s[[76.%05u,43.0],[77.0,43.%05u]]", i > 0 ? "," : "", i, 99999 - i);
  g_string_append (json, "]}}]}");
  path = write_temp ("long-ways.geojson", json->str, json->len);

  map = dozor_street_map_new_from_file (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_street_map_get_n_ways (map), ==, 5000);

  start = g_get_monotonic_time ();
  drawn = draw_at (map, 43.5, 76.5, 14);
  g_test_message ("z14 tile across 5,000 long ways: %u drawn in %.1f ms",
                  drawn, (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (drawn, >, 0);
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
  GMutex lock;
  guint mismatches;
} SharedTile;

static gpointer
draw_again (gpointer user_data)
{
  SharedTile *tile = user_data;

  for (guint round = 0; round < 10; round++)
    {
      Drawn drawn = draw (almaty, 14, tile->x, tile->y, DOZOR_MAP_STYLE_DARK);

      /* Counted, not asserted: an assertion off the main thread would not
       * fail the test cleanly. */
      if (!same_pixels (drawn.surface, tile->expected))
        {
          g_mutex_lock (&tile->lock);
          tile->mismatches++;
          g_mutex_unlock (&tile->lock);
        }
      cairo_surface_destroy (drawn.surface);
    }

  return NULL;
}

static void
test_threads (void)
{
  SharedTile tile = { 0, };
  GThread *threads[4];

  g_mutex_init (&tile.lock);
  tile_of (CENTRE_LAT, CENTRE_LON, 14, &tile.x, &tile.y);
  tile.expected = draw (almaty, 14, tile.x, tile.y, DOZOR_MAP_STYLE_DARK).surface;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("draw", draw_again, &tile);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  g_assert_cmpuint (tile.mismatches, ==, 0);
  g_assert_cmpfloat (covered_fraction (tile.expected), >, 0.02);

  cairo_surface_destroy (tile.expected);
  g_mutex_clear (&tile.lock);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  /* The tests write GeoPackages and Shapefiles with GDAL itself. */
  GDALAllRegister ();
  tmp_dir = g_dir_make_tmp ("test-street-map-XXXXXX", &error);
  g_assert_no_error (error);

  almaty = test_load_almaty_streets ();

  g_test_add_func ("/street-map/loads-almaty", test_loads_almaty);
  g_test_add_func ("/street-map/draws-city-centre", test_draws_city_centre);
  g_test_add_func ("/street-map/nothing-elsewhere", test_nothing_elsewhere);
  g_test_add_func ("/street-map/zoom-thinning", test_zoom_thinning);
  g_test_add_func ("/street-map/road-classes", test_road_classes);
  g_test_add_func ("/street-map/children-cover-parent", test_children_cover_parent);
  g_test_add_func ("/street-map/broken-files", test_broken_files);
  g_test_add_func ("/street-map/no-network", test_no_network);
  g_test_add_func ("/street-map/bad-coordinates-skipped", test_bad_coordinates_skipped);
  g_test_add_func ("/street-map/reprojected", test_reprojected);
  g_test_add_func ("/street-map/geopackage-and-shapefile", test_geopackage_and_shapefile);
  g_test_add_func ("/street-map/too-many-ways", test_too_many_ways);
  g_test_add_func ("/street-map/long-ways", test_long_ways);
  g_test_add_func ("/street-map/cancelled", test_cancelled);
  g_test_add_func ("/street-map/threads", test_threads);

  status = g_test_run ();

  g_clear_object (&almaty);
  test_remove_tree (tmp_dir);
  g_free (tmp_dir);

  return status;
}
