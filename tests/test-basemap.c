/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo.h>
#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "dozor-basemap.h"
#include "dozor-geo.h"

typedef struct
{
  guint distinct_colours;
  double mean_luminance;
} TileLook;

static char *
data_path (const char *relative)
{
  return g_build_filename (g_getenv ("DOZOR_DATA_DIR"), relative, NULL);
}

static DozorBasemap *
shipped_basemap (void)
{
  g_autofree char *world = data_path ("basemap/natural-earth-z0-3.mbtiles");
  g_autofree char *streets = data_path ("almaty/roads.geojson");

  return dozor_basemap_new (world, streets);
}

static void
tile_of (double  lat,
         double  lon,
         guint   zoom,
         guint  *x,
         guint  *y)
{
  double wx, wy;

  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  *x = (guint) floor (wx * (1u << zoom));
  *y = (guint) floor (wy * (1u << zoom));
}

static cairo_status_t
read_cb (void          *closure,
         unsigned char *data,
         unsigned int   length)
{
  GInputStream *stream = closure;
  gsize n = 0;

  return g_input_stream_read_all (stream, data, length, &n, NULL, NULL) && n == length
         ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_READ_ERROR;
}

/* Decodes the PNG the way a viewer would and measures what a person sees. */
static TileLook
look_at (GBytes *png)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (png);
  cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_cb, stream);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  TileLook look = { 0, 0 };
  guchar *data;
  int stride;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, DOZOR_BASEMAP_TILE_SIZE);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, DOZOR_BASEMAP_TILE_SIZE);

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);

  for (int row = 0; row < DOZOR_BASEMAP_TILE_SIZE; row++)
    for (int col = 0; col < DOZOR_BASEMAP_TILE_SIZE; col++)
      {
        guint32 pixel = *(guint32 *) (data + row * stride + col * 4) & 0xffffff;
        double r = ((pixel >> 16) & 0xff) / 255.0;
        double g = ((pixel >> 8) & 0xff) / 255.0;
        double b = (pixel & 0xff) / 255.0;

        g_hash_table_add (colours, GUINT_TO_POINTER (pixel + 1));
        look.mean_luminance += 0.2126 * r + 0.7152 * g + 0.0722 * b;
      }

  look.distinct_colours = g_hash_table_size (colours);
  look.mean_luminance /= DOZOR_BASEMAP_TILE_SIZE * DOZOR_BASEMAP_TILE_SIZE;
  cairo_surface_destroy (surface);

  return look;
}

static TileLook
render_and_look (DozorBasemap  *basemap,
                 double         lat,
                 double         lon,
                 guint          zoom,
                 DozorMapStyle  style)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;
  guint x, y;

  tile_of (lat, lon, zoom, &x, &y);
  png = dozor_basemap_render_tile (basemap, zoom, x, y, style, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (png);

  return look_at (png);
}

static void
test_loads_shipped_data (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_basemap_load (basemap, NULL, &error));
  g_assert_no_error (error);

  g_assert_nonnull (strstr (dozor_basemap_get_license (basemap), "OpenStreetMap"));
  g_assert_nonnull (strstr (dozor_basemap_get_license (basemap), "Natural Earth"));
}

static void
test_world_overview (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  TileLook world = render_and_look (basemap, 0, 0, 0, DOZOR_MAP_STYLE_LIGHT);

  /* Relief imagery of the whole Earth: thousands of colours, not a flat fill. */
  g_assert_cmpuint (world.distinct_colours, >, 1000);
}

static void
test_overzoom_keeps_land (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  /* Zoom 7 is past the world file's last level (3): the tile must be cut
   * from its ancestor and still show terrain, not the empty background. */
  TileLook steppe = render_and_look (basemap, 46.0, 72.0, 7, DOZOR_MAP_STYLE_LIGHT);

  g_assert_cmpuint (steppe.distinct_colours, >, 50);
}

static void
test_city_streets_drawn (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  TileLook city = render_and_look (basemap, 43.2389, 76.9453, 14, DOZOR_MAP_STYLE_LIGHT);
  TileLook steppe = render_and_look (basemap, 44.5, 75.0, 14, DOZOR_MAP_STYLE_LIGHT);

  /* Far from any road the tile is the washed background; in the centre of
   * Almaty the streets and their antialiased edges add many colours. */
  g_assert_cmpuint (steppe.distinct_colours, <, 40);
  g_assert_cmpuint (city.distinct_colours, >, 5 * steppe.distinct_colours);
}

static void
test_dark_style_is_dark (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  static const guint zooms[] = { 2, 9, 14 };

  for (guint i = 0; i < G_N_ELEMENTS (zooms); i++)
    {
      TileLook light = render_and_look (basemap, 43.2389, 76.9453, zooms[i], DOZOR_MAP_STYLE_LIGHT);
      TileLook dark = render_and_look (basemap, 43.2389, 76.9453, zooms[i], DOZOR_MAP_STYLE_DARK);

      g_assert_cmpfloat (light.mean_luminance, >, 0.6);
      g_assert_cmpfloat (dark.mean_luminance, <, 0.3);
    }
}

static void
test_outside_the_map (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  g_autoptr(GError) error = NULL;
  GBytes *png;

  png = dozor_basemap_render_tile (basemap, 3, 8, 0, DOZOR_MAP_STYLE_LIGHT, NULL, &error);
  g_assert_null (png);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  png = dozor_basemap_render_tile (basemap, DOZOR_BASEMAP_MAX_ZOOM + 1, 0, 0,
                                   DOZOR_MAP_STYLE_LIGHT, NULL, &error);
  g_assert_null (png);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_missing_files_still_draw (void)
{
  g_autofree char *world = data_path ("basemap/natural-earth-z0-3.mbtiles");
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "no-such-streets.geojson", NULL);
  g_autoptr(DozorBasemap) basemap = dozor_basemap_new (world, missing);
  g_autoptr(DozorBasemap) nothing = dozor_basemap_new (missing, NULL);
  g_autoptr(GError) error = NULL;
  TileLook look;

  /* The error names the file that is wrong, and the map goes on without it. */
  g_assert_false (dozor_basemap_load (basemap, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "no-such-streets.geojson"));
  g_clear_error (&error);

  look = render_and_look (basemap, 43.2389, 76.9453, 2, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (look.distinct_colours, >, 1000);

  g_assert_false (dozor_basemap_load (nothing, NULL, &error));
  g_assert_nonnull (error);
  look = render_and_look (nothing, 43.2389, 76.9453, 12, DOZOR_MAP_STYLE_DARK);
  g_assert_cmpuint (look.distinct_colours, ==, 1);
}

static void
test_broken_world_file (void)
{
  g_autofree char *path = g_build_filename (g_get_tmp_dir (), "broken.mbtiles", NULL);
  g_autoptr(DozorBasemap) basemap = NULL;
  g_autoptr(GError) error = NULL;
  TileLook look;

  g_assert_true (g_file_set_contents (path, "this is not a database", -1, NULL));
  basemap = dozor_basemap_new (path, NULL);

  g_assert_false (dozor_basemap_load (basemap, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "broken.mbtiles"));

  look = render_and_look (basemap, 10, 10, 1, DOZOR_MAP_STYLE_LIGHT);
  g_assert_cmpuint (look.distinct_colours, ==, 1);
}

static void
test_cancelled (void)
{
  g_autoptr(DozorBasemap) basemap = shipped_basemap ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = NULL;

  g_cancellable_cancel (cancellable);
  png = dozor_basemap_render_tile (basemap, 12, 2923, 1501, DOZOR_MAP_STYLE_LIGHT,
                                   cancellable, &error);
  g_assert_null (png);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* A cancelled request must not poison the basemap for the next one. */
  g_clear_pointer (&png, g_bytes_unref);
  png = dozor_basemap_render_tile (basemap, 12, 2923, 1501, DOZOR_MAP_STYLE_LIGHT, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (png);
}

typedef struct
{
  DozorBasemap *basemap;
  GBytes *expected[16];
} ThreadData;

static gpointer
render_many (gpointer user_data)
{
  ThreadData *data = user_data;
  guint x0, y0;

  tile_of (43.2389, 76.9453, 13, &x0, &y0);

  for (guint round = 0; round < 5; round++)
    for (guint i = 0; i < 16; i++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(GBytes) png = dozor_basemap_render_tile (data->basemap, 13, x0 - 2 + i % 4,
                                                           y0 - 2 + i / 4, DOZOR_MAP_STYLE_DARK,
                                                           NULL, &error);

        g_assert_no_error (error);
        g_assert_true (g_bytes_equal (png, data->expected[i]));
      }

  return NULL;
}

static void
test_threads (void)
{
  g_autoptr(DozorBasemap) reference = shipped_basemap ();
  ThreadData data = { 0 };
  GThread *threads[4];
  guint x0, y0;

  tile_of (43.2389, 76.9453, 13, &x0, &y0);
  for (guint i = 0; i < 16; i++)
    data.expected[i] = dozor_basemap_render_tile (reference, 13, x0 - 2 + i % 4, y0 - 2 + i / 4,
                                                  DOZOR_MAP_STYLE_DARK, NULL, NULL);

  /* A fresh basemap, so that the threads also race on the first load. */
  data.basemap = shipped_basemap ();
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("render", render_many, &data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < 16; i++)
    g_bytes_unref (data.expected[i]);
  g_object_unref (data.basemap);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/basemap/loads-shipped-data", test_loads_shipped_data);
  g_test_add_func ("/basemap/world-overview", test_world_overview);
  g_test_add_func ("/basemap/overzoom-keeps-land", test_overzoom_keeps_land);
  g_test_add_func ("/basemap/city-streets-drawn", test_city_streets_drawn);
  g_test_add_func ("/basemap/dark-style-is-dark", test_dark_style_is_dark);
  g_test_add_func ("/basemap/outside-the-map", test_outside_the_map);
  g_test_add_func ("/basemap/missing-files-still-draw", test_missing_files_still_draw);
  g_test_add_func ("/basemap/broken-world-file", test_broken_world_file);
  g_test_add_func ("/basemap/cancelled", test_cancelled);
  g_test_add_func ("/basemap/threads", test_threads);

  return g_test_run ();
}
