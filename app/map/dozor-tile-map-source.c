/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The offline basemap for libshumate's tile layer, without a copy of its
 * own. ShumateRasterRenderer wants PNG: DozorTileSource encoded each
 * composed tile, libshumate decoded it again into a pixbuf of its own and
 * kept that in its tiles and its memory cache of 100, beside the composed
 * image (docs/performance.md, "the anonymous mappings traced": 8 MB at
 * rest on a desk, more after panning). This source gives each tile a
 * paintable over the very image DozorTileSource composed and keeps, which
 * the overlays' tiles paint and share too: one image per basemap tile,
 * and no PNG encoded or decoded at all. While the overlays' tiles cover
 * the view, the layer draws nothing, and the map view has the textures
 * its tiles hold let go (dozor_tile_map_source_release_textures()).
 */
#include "config.h"

#include "dozor-tile-map-source.h"
#include "dozor-tile-paintable.h"

struct _DozorTileMapSource
{
  ShumateMapSource parent_instance;

  DozorTileSource *tiles;
  GHashTable *paintables;   /* DozorTilePaintable alive in libshumate's tiles, not held */
};

G_DEFINE_FINAL_TYPE (DozorTileMapSource, dozor_tile_map_source, SHUMATE_TYPE_MAP_SOURCE)

static void
paintable_gone (gpointer  data,
                GObject  *where_it_was)
{
  DozorTileMapSource *self = data;

  g_hash_table_remove (self->paintables, where_it_was);
}

static void
surface_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ShumateTile *tile = g_task_get_task_data (task);
  DozorTileMapSource *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorTilePaintable) paintable = NULL;
  cairo_surface_t *surface = dozor_tile_source_get_surface_finish (DOZOR_TILE_SOURCE (object), result, &error);

  if (surface == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  paintable = dozor_tile_paintable_new (surface);
  cairo_surface_destroy (surface);
  g_hash_table_add (self->paintables, paintable);
  g_object_weak_ref (G_OBJECT (paintable), paintable_gone, self);
  shumate_tile_set_paintable (tile, GDK_PAINTABLE (paintable));
  shumate_tile_set_state (tile, SHUMATE_STATE_DONE);
  g_task_return_boolean (task, TRUE);
}

static void
dozor_tile_map_source_fill_tile_async (ShumateMapSource    *source,
                                       ShumateTile         *tile,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  DozorTileMapSource *self = DOZOR_TILE_MAP_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, dozor_tile_map_source_fill_tile_async);
  g_task_set_task_data (task, g_object_ref (tile), g_object_unref);
  dozor_tile_source_get_surface_async (self->tiles, (int) shumate_tile_get_zoom_level (tile),
                                       (int) shumate_tile_get_x (tile), (int) shumate_tile_get_y (tile),
                                       cancellable, surface_cb, g_steal_pointer (&task));
}

static gboolean
dozor_tile_map_source_fill_tile_finish (ShumateMapSource  *source,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dozor_tile_map_source_dispose (GObject *object)
{
  DozorTileMapSource *self = DOZOR_TILE_MAP_SOURCE (object);
  GHashTableIter iter;
  gpointer paintable;

  /* Tiles may outlive the source (libshumate's cache): they must not
   * tell it when they go. */
  g_hash_table_iter_init (&iter, self->paintables);
  while (g_hash_table_iter_next (&iter, &paintable, NULL))
    g_object_weak_unref (paintable, paintable_gone, self);
  g_hash_table_remove_all (self->paintables);
  g_clear_object (&self->tiles);

  G_OBJECT_CLASS (dozor_tile_map_source_parent_class)->dispose (object);
}

static void
dozor_tile_map_source_finalize (GObject *object)
{
  DozorTileMapSource *self = DOZOR_TILE_MAP_SOURCE (object);

  g_hash_table_unref (self->paintables);

  G_OBJECT_CLASS (dozor_tile_map_source_parent_class)->finalize (object);
}

static void
dozor_tile_map_source_class_init (DozorTileMapSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateMapSourceClass *source_class = SHUMATE_MAP_SOURCE_CLASS (klass);

  object_class->dispose = dozor_tile_map_source_dispose;
  object_class->finalize = dozor_tile_map_source_finalize;
  source_class->fill_tile_async = dozor_tile_map_source_fill_tile_async;
  source_class->fill_tile_finish = dozor_tile_map_source_fill_tile_finish;
}

static void
dozor_tile_map_source_init (DozorTileMapSource *self)
{
  self->paintables = g_hash_table_new (NULL, NULL);
}

/**
 * dozor_tile_map_source_new:
 * @tiles: the offline basemap's composed tiles
 * @id: the source's id (libshumate's memory cache keys tiles with it)
 * @name: its name, translated
 *
 * Returns: (transfer full): a map source for a #ShumateSimpleMap, with the
 *   basemap's licence, zoom levels and tile size
 */
DozorTileMapSource *
dozor_tile_map_source_new (DozorTileSource *tiles,
                           const char      *id,
                           const char      *name)
{
  DozorTileMapSource *self;
  DozorBasemap *basemap;

  g_return_val_if_fail (DOZOR_IS_TILE_SOURCE (tiles), NULL);

  basemap = dozor_tile_source_get_basemap (tiles);
  self = g_object_new (DOZOR_TYPE_TILE_MAP_SOURCE,
                       "id", id,
                       "name", name,
                       "license", dozor_basemap_get_license (basemap),
                       "license-uri", "https://www.openstreetmap.org/copyright",
                       "min-zoom-level", 0,
                       "max-zoom-level", DOZOR_BASEMAP_MAX_ZOOM,
                       "tile-size", DOZOR_BASEMAP_TILE_SIZE,
                       "projection", SHUMATE_MAP_PROJECTION_MERCATOR,
                       NULL);
  self->tiles = g_object_ref (tiles);
  return self;
}

/**
 * dozor_tile_map_source_release_textures:
 * @self: a #DozorTileMapSource
 *
 * The tile layer is not drawn (the overlays' tiles cover the view): the
 * textures of every tile it holds go, and what GTK's GL renderer uploaded
 * for them with them. Shown again, a tile makes its texture anew.
 */
void
dozor_tile_map_source_release_textures (DozorTileMapSource *self)
{
  GHashTableIter iter;
  gpointer paintable;
  guint released = 0;

  g_return_if_fail (DOZOR_IS_TILE_MAP_SOURCE (self));

  g_hash_table_iter_init (&iter, self->paintables);
  while (g_hash_table_iter_next (&iter, &paintable, NULL))
    if (dozor_tile_paintable_has_texture (paintable))
      {
        dozor_tile_paintable_release (paintable);
        released++;
      }
  g_debug ("Tile layer's textures released: %u of %u tiles", released, g_hash_table_size (self->paintables));
}
