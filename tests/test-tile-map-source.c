/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libshumate's tile layer gets the offline basemap from DozorTileMapSource:
 * each tile a paintable over the very image DozorTileSource composed,
 * opaque, with no PNG and no second copy, whose texture is made when the
 * layer draws it and let go while the layer is not drawn. Driven without a
 * display: a map source fills a ShumateTile, and the texture (a
 * GdkMemoryTexture) is read back on the CPU.
 */
#include "config.h"

#include <gio/gio.h>

#include "dozor-tile-map-source.h"
#include "dozor-tile-paintable.h"
#include "shipped-tile-source.h"

/* Zoom 5: the world's imagery scaled up, quick to compose. Almaty's tile. */
#define ZOOM 5
#define X 22
#define Y 11

typedef struct
{
  gboolean done;
  gboolean filled;
  GError *error;
} Fill;

static void
filled_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fill *fill = user_data;

  fill->filled = shumate_map_source_fill_tile_finish (SHUMATE_MAP_SOURCE (object), result, &fill->error);
  fill->done = TRUE;
}

/* Fills @tile as libshumate's tile layer does, and waits. */
static void
fill (ShumateMapSource *map_source,
      ShumateTile      *tile)
{
  Fill fill = { 0 };

  shumate_map_source_fill_tile_async (map_source, tile, NULL, filled_cb, &fill);
  while (!fill.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (fill.error);
  g_assert_true (fill.filled);
}

static void
test_texture_is_the_composed_tile (void)
{
  g_autoptr(DozorTileSource) source = shipped_tile_source ();
  g_autoptr(DozorTileMapSource) map_source = dozor_tile_map_source_new (source, "test-offline", "Offline map");
  g_autoptr(ShumateTile) tile = shumate_tile_new_full (X, Y, 256, ZOOM);
  g_autofree guchar *pixels = g_malloc (256 * 256 * 4);
  cairo_surface_t *composed;
  DozorTilePaintable *paintable;
  GdkTexture *texture;
  const guchar *data;
  int stride, with_tile, without_tile;
  guint colours = 0;
  guint32 first = 0;

  fill (SHUMATE_MAP_SOURCE (map_source), tile);
  g_assert_cmpint (shumate_tile_get_state (tile), ==, SHUMATE_STATE_DONE);
  g_assert_true (DOZOR_IS_TILE_PAINTABLE (shumate_tile_get_paintable (tile)));
  paintable = DOZOR_TILE_PAINTABLE (shumate_tile_get_paintable (tile));
  /* Nothing made for the GPU before the layer draws the tile. */
  g_assert_false (dozor_tile_paintable_has_texture (paintable));
  texture = dozor_tile_paintable_get_texture (paintable);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 256);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 256);

  /* What the tile layer shows is what the overlays paint: the same
   * pixels, every one opaque (a transparent basemap pixel would show the
   * window's background through the map). */
  composed = dozor_tile_source_lookup (source, ZOOM, X, Y);
  g_assert_nonnull (composed);
  gdk_texture_download (texture, pixels, 256 * 4);
  data = cairo_image_surface_get_data (composed);
  stride = cairo_image_surface_get_stride (composed);
  for (int row = 0; row < 256; row++)
    for (int column = 0; column < 256; column++)
      {
        guint32 shown = ((guint32 *) pixels)[row * 256 + column];
        guint32 drawn = ((const guint32 *) (data + (gsize) row * stride))[column];

        if (shown >> 24 != 0xff)
          g_error ("pixel %d,%d of the tile is not opaque: %08x", column, row, shown);
        if ((shown & 0xffffff) != (drawn & 0xffffff))
          g_error ("pixel %d,%d shows %06x, composed %06x", column, row, shown & 0xffffff, drawn & 0xffffff);
        if (row == 0 && column == 0)
          first = shown;
        else if (shown != first)
          colours++;
      }
  /* Not a blank tile: land and sea, at least. */
  g_assert_cmpuint (colours, >, 0);

  /* The layer covered: the texture goes, the tile stays. */
  dozor_tile_map_source_release_textures (map_source);
  g_assert_false (dozor_tile_paintable_has_texture (paintable));

  /* The tile holds the composed image itself, not a copy of it: it lets
   * go of one reference to it when it goes. */
  with_tile = (int) cairo_surface_get_reference_count (composed);
  g_clear_object (&tile);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  without_tile = (int) cairo_surface_get_reference_count (composed);
  g_assert_cmpint (with_tile - without_tile, ==, 1);
  cairo_surface_destroy (composed);
}

static void
count_cb (DozorTileSource *source,
          int              zoom,
          int              x,
          int              y,
          guint           *count)
{
  (*count)++;
}

/* A tile the overlays had composed already is given as it is, and still
 * counted as arrived (the board logs "Map drawn" once tiles stop
 * arriving). */
static void
test_composed_tile_reused (void)
{
  g_autoptr(DozorTileSource) source = shipped_tile_source ();
  g_autoptr(DozorTileMapSource) map_source = dozor_tile_map_source_new (source, "test-offline", "Offline map");
  g_autoptr(ShumateTile) first = shumate_tile_new_full (X, Y, 256, ZOOM);
  g_autoptr(ShumateTile) second = shumate_tile_new_full (X, Y, 256, ZOOM);
  guint ready = 0;

  g_signal_connect (source, "tile-ready", G_CALLBACK (count_cb), &ready);
  fill (SHUMATE_MAP_SOURCE (map_source), first);
  fill (SHUMATE_MAP_SOURCE (map_source), second);
  g_assert_cmpuint (ready, ==, 2);
  /* Two tiles over one image: the pixels are not held twice. */
  g_assert_true (shumate_tile_get_paintable (first) != shumate_tile_get_paintable (second));
  {
    cairo_surface_t *composed = dozor_tile_source_lookup (source, ZOOM, X, Y);
    int with_both = (int) cairo_surface_get_reference_count (composed);

    g_clear_object (&first);
    g_clear_object (&second);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_cmpint (with_both - (int) cairo_surface_get_reference_count (composed), ==, 2);
    cairo_surface_destroy (composed);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tile-map-source/texture-is-the-composed-tile", test_texture_is_the_composed_tile);
  g_test_add_func ("/tile-map-source/composed-tile-reused", test_composed_tile_reused);

  return g_test_run ();
}
