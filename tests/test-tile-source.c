/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorTileSource's cache of composed tiles follows the size of the map's
 * view: a pan across the world keeps the tiles of the view and its margin,
 * not hundreds behind it, and a bigger window keeps more. Driven without a
 * display: the tile source is a GObject and composes in its own threads.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "shipped-tile-source.h"

/* Zoom 5 tiles are the world's imagery scaled up: quick to compose, and
 * 32 × 32 of them leave room for a pan longer than any cache. */
#define ZOOM 5

static void
tile_ready_cb (DozorTileSource *source,
               int              zoom,
               int              x,
               int              y,
               guint           *pending)
{
  (*pending)--;
}

/* Composes one column of tiles, as a pan to the east brings it into view,
 * and waits for all of it. */
static void
compose_column (DozorTileSource *source,
                int              x,
                int              rows)
{
  guint pending = (guint) rows;
  gulong id = g_signal_connect (source, "tile-ready", G_CALLBACK (tile_ready_cb), &pending);

  for (int y = 0; y < rows; y++)
    dozor_tile_source_prefetch (source, ZOOM, x, y);
  while (pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (source, id);
}

static gboolean
held (DozorTileSource *source,
      int              x,
      int              y)
{
  cairo_surface_t *tile = dozor_tile_source_lookup (source, ZOOM, x, y);

  if (tile == NULL)
    return FALSE;
  cairo_surface_destroy (tile);
  return TRUE;
}

/* How many tiles of columns [first, last] the source still holds. */
static int
held_in (DozorTileSource *source,
         int              first,
         int              last,
         int              rows)
{
  int count = 0;

  for (int x = first; x <= last; x++)
    for (int y = 0; y < rows; y++)
      count += held (source, x, y);
  return count;
}

static void
test_desk_keeps_its_view (void)
{
  g_autoptr(DozorTileSource) source = shipped_tile_source ();
  /* A 1920×1080 view cuts at most 9 × 6 tiles; two more on every side. */
  const int rows = 10, columns = 13, pan = 24;
  guint limit;

  dozor_tile_source_set_view_size (source, 1920, 1080);
  limit = dozor_tile_source_get_cache_limit (source);
  g_assert_cmpuint (limit, ==, (guint) (columns * rows));

  /* 240 tiles composed, the view moving east a column at a time. */
  for (int x = 0; x < pan; x++)
    compose_column (source, x, rows);

  /* Where the view is now, and its margin: every tile at hand. */
  g_assert_cmpint (held_in (source, pan - columns, pan - 1, rows), ==, columns * rows);
  /* Where the pan started: gone, not kept up to the old 256. */
  g_assert_cmpint (held_in (source, 0, pan - columns - 1, rows), ==, 0);
}

static void
test_window_resized (void)
{
  g_autoptr(DozorTileSource) source = shipped_tile_source ();
  const int rows = 10, columns = 13;
  guint wall, small;

  dozor_tile_source_set_view_size (source, 1920, 1080);
  for (int x = 0; x < columns; x++)
    compose_column (source, x, rows);
  g_assert_cmpint (held_in (source, 0, columns - 1, rows), ==, columns * rows);

  /* A wall at 4K needs more than a desk, and more than the old 256. */
  dozor_tile_source_set_view_size (source, 3840, 2160);
  wall = dozor_tile_source_get_cache_limit (source);
  g_assert_cmpuint (wall, ==, 20 * 14);
  g_assert_cmpint (held_in (source, 0, columns - 1, rows), ==, columns * rows);

  /* Made small, the window keeps only what it can show: the columns
   * composed last (looked up last, column by column, above). */
  dozor_tile_source_set_view_size (source, 800, 600);
  small = dozor_tile_source_get_cache_limit (source);
  g_assert_cmpuint (small, ==, 9 * 8);
  g_assert_cmpint (held_in (source, 0, columns - 1, rows), ==, (int) small);
  g_assert_cmpint (held_in (source, columns - 7, columns - 1, rows), ==, 7 * rows);
}

/* A tile put in GL's byte order for the GL renderer shows the colours it
 * was drawn in: its texture, read back in cairo's order, holds the very
 * bytes cairo drew, and in memory each pixel is red, green, blue, alpha. */
static void
test_gl_order (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 4, 2);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GdkTexture) texture = NULL;
  guint32 drawn[8], read_back[8];
  const guchar *bytes;

  /* Orange, opaque on the left half; blue, half transparent, on the right
   * (premultiplied): every channel differs from the others. */
  cairo_set_source_rgb (cr, 1.0, 0.6, 0.2);
  cairo_rectangle (cr, 0, 0, 2, 2);
  cairo_fill (cr);
  cairo_set_source_rgba (cr, 0.2, 0.4, 0.8, 0.5);
  cairo_rectangle (cr, 2, 0, 2, 2);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int row = 0; row < 2; row++)
    memcpy (drawn + row * 4, cairo_image_surface_get_data (surface) + row * cairo_image_surface_get_stride (surface),
            4 * sizeof (guint32));

  dozor_surface_to_gl_order (surface);
  bytes = cairo_image_surface_get_data (surface);
  g_assert_cmpuint (bytes[0], ==, 255);          /* red */
  g_assert_cmpuint (bytes[1], ==, 153);          /* green */
  g_assert_cmpuint (bytes[2], ==, 51);           /* blue */
  g_assert_cmpuint (bytes[3], ==, 255);          /* alpha */
  g_assert_cmpuint (bytes[8 + 3], ==, 128);      /* the right half's alpha */
  g_assert_cmpuint (bytes[8 + 2], >, bytes[8]);  /* more blue than red */

  texture = dozor_texture_new_for_gl_order (surface);
  cairo_surface_destroy (surface);
  gdk_texture_download (texture, (guchar *) read_back, 4 * sizeof (guint32));
  g_assert_cmpmem (read_back, sizeof read_back, drawn, sizeof drawn);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tile-source/desk-keeps-its-view", test_desk_keeps_its_view);
  g_test_add_func ("/tile-source/window-resized", test_window_resized);
  g_test_add_func ("/tile-source/gl-order", test_gl_order);

  return g_test_run ();
}
