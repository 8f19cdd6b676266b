/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Feeds libshumate's raster renderer from the offline DozorBasemap. Tiles are
 * composed in worker threads; the answer goes back on the main thread, where
 * "received-data" must be emitted before the bytes are returned: libshumate
 * 1.0.3 only makes textures in that signal's handler.
 *
 * Tiles are composed in a pool of their own, one thread per core, at a
 * lower scheduling priority than the rest of the board: a screenful of tiles
 * is seconds of CPU on a small machine, and on two cores it would otherwise
 * take turns with the overlays' renders, so units appeared late at a cold
 * start and after every pan. The basemap fills in behind them instead.
 *
 * The tiles composed last are also kept as images (not only as the PNG
 * libshumate wants), so that DozorBasemapLayer can paint them into the
 * overlays' image: one full-window texture a frame instead of two. The
 * board's own tile layer (DozorTileMapSource) takes those same images as
 * textures, with no PNG between (dozor_tile_source_get_surface_async()).
 */
#include "config.h"

#include "dozor-tile-source.h"
#include "dozor-worker-pool.h"

/* nice(1) steps, below the overlays' renders (RENDER_NICENESS, 5, in
 * dozor-raster-layer.c): a render then gets about three times the CPU of
 * a tile when both want a core. */
#define TILE_NICENESS 10

/* Composed tiles kept (256 KiB each) until the map says how big its view
 * is: enough for a 3840×2160 wall, so that nothing drawn before the first
 * size allocation is composed twice. */
#define CACHED_TILES_UNSIZED 256

/* Around the tiles a view shows: the ring of tiles the overlays draw beyond
 * its edges (RING in dozor-raster-layer.c), and one more that a drag brings
 * in next, so that a drag back and forth composes nothing again. */
#define CACHE_MARGIN_TILES 2

struct _DozorTileSource
{
  ShumateDataSource parent_instance;

  DozorBasemap *basemap;
  DozorMapStyle style;

  /* Shared with the pool's threads. */
  GMutex cache_lock;
  GHashTable *cache;      /* tile key → CachedTile */
  GQueue lru;             /* of CachedTile, newest first */
  GHashTable *composing;  /* tile keys being composed, for either */
  guint limit;            /* tiles the LRU keeps */
};

typedef struct
{
  guint64 key;
  cairo_surface_t *surface;
  GList link;
} CachedTile;

G_DEFINE_FINAL_TYPE (DozorTileSource, dozor_tile_source, SHUMATE_TYPE_DATA_SOURCE)

enum {
  PROP_0,
  PROP_BASEMAP,
  PROP_STYLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  TILE_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static guint64
tile_key (int zoom,
          int x,
          int y)
{
  return ((guint64) zoom << 56) | ((guint64) (guint32) x << 28) | (guint64) (guint32) y;
}

static void
cached_tile_free (CachedTile *tile)
{
  cairo_surface_destroy (tile->surface);
  g_free (tile);
}

/* The least recently used tiles beyond the limit go; an image still being
 * painted keeps its own reference. Called with cache_lock held. */
static void
trim_cache_locked (DozorTileSource *self)
{
  while (self->lru.length > self->limit)
    {
      CachedTile *oldest = g_queue_peek_tail (&self->lru);

      g_queue_unlink (&self->lru, &oldest->link);
      g_hash_table_remove (self->cache, &oldest->key);
    }
}

static void
keep_tile (DozorTileSource *self,
           int              zoom,
           int              x,
           int              y,
           cairo_surface_t *surface)
{
  guint64 key = tile_key (zoom, x, y);
  CachedTile *tile;

  g_mutex_lock (&self->cache_lock);
  tile = g_hash_table_lookup (self->cache, &key);
  if (tile != NULL)
    {
      g_queue_unlink (&self->lru, &tile->link);
      cairo_surface_destroy (tile->surface);
    }
  else
    {
      tile = g_new0 (CachedTile, 1);
      tile->key = key;
      tile->link.data = tile;
      g_hash_table_insert (self->cache, &tile->key, tile);
    }
  tile->surface = cairo_surface_reference (surface);
  g_queue_push_head_link (&self->lru, &tile->link);
  trim_cache_locked (self);
  g_mutex_unlock (&self->cache_lock);
}

typedef struct
{
  int x;
  int y;
  int zoom;
  DozorMapStyle style;
  gboolean image_only;   /* for the overlays: no PNG, no libshumate */
  GBytes *bytes;
  cairo_surface_t *surface;  /* for dozor_tile_source_get_surface_async() */
} TileRequest;

static void
tile_request_free (TileRequest *request)
{
  g_clear_pointer (&request->bytes, g_bytes_unref);
  g_clear_pointer (&request->surface, cairo_surface_destroy);
  g_free (request);
}

static TileRequest *
tile_request_new (DozorTileSource *self,
                  int              zoom,
                  int              x,
                  int              y,
                  gboolean         image_only)
{
  TileRequest *request = g_new0 (TileRequest, 1);

  request->x = x;
  request->y = y;
  request->zoom = zoom;
  request->style = self->style;
  request->image_only = image_only;
  return request;
}

/* An RGB24 image's fourth byte is left as pixman likes (0 after some
 * operations). Set to 0xff, the same bytes are an opaque premultiplied
 * ARGB32 image: a texture can take them as they are (GDK_MEMORY_DEFAULT),
 * and a tile of the overlays that copied one without drawing over it has
 * the very same bytes, so it can hold this image instead of its copy
 * (dozor-raster-layer.c). About 20 µs a tile, once per composition. */
static void
make_opaque (cairo_surface_t *surface)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  cairo_surface_flush (surface);
  for (int row = 0; row < height; row++)
    {
      guint32 *pixel = (guint32 *) (data + (gsize) row * stride);

      for (int column = 0; column < width; column++)
        pixel[column] |= 0xff000000u;
    }
  cairo_surface_mark_dirty (surface);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DozorTileSource *self = source_object;
  TileRequest *request = task_data;
  g_autoptr(GError) error = NULL;
  /* Composed already for the overlays' image (its margin runs ahead of
   * what libshumate asks for): only the PNG is left to make. */
  cairo_surface_t *surface = dozor_tile_source_lookup (self, request->zoom, request->x, request->y);

  if (surface == NULL)
    {
      surface = dozor_basemap_compose_tile (self->basemap, request->zoom, request->x, request->y, request->style,
                                            cancellable, &error);
      if (surface != NULL)
        {
          make_opaque (surface);
          keep_tile (self, request->zoom, request->x, request->y, surface);
        }
    }
  if (surface != NULL)
    {
      if (!request->image_only)
        request->bytes = dozor_basemap_encode_tile (surface, request->zoom, request->x, request->y, &error);
      request->surface = surface;
    }
  if (surface == NULL || (!request->image_only && request->bytes == NULL))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
compose_in_pool (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  if (g_task_return_error_if_cancelled (task))
    return;
  render_in_thread (task, source_object, task_data, cancellable);
}

/* On this thread, once the pool is done with @task's request: the PNG
 * for libshumate's raster renderer (an online-style data source), or the
 * image itself for dozor_tile_source_get_surface_async(). */
static void
composed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);
  g_autoptr(GTask) task = user_data;
  TileRequest *request = g_task_get_task_data (task);
  guint64 key = tile_key (request->zoom, request->x, request->y);
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->cache_lock);
  g_hash_table_remove (self->composing, &key);
  g_mutex_unlock (&self->cache_lock);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Tile %d/%d/%d: %s", request->zoom, request->x, request->y, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!request->image_only)
    g_signal_emit_by_name (self, "received-data", request->x, request->y, request->zoom, request->bytes);
  g_signal_emit (self, signals[TILE_READY], 0, request->zoom, request->x, request->y);
  if (request->image_only)
    g_task_return_pointer (task, cairo_surface_reference (request->surface), (GDestroyNotify) cairo_surface_destroy);
  else
    g_task_return_pointer (task, g_bytes_ref (request->bytes), (GDestroyNotify) g_bytes_unref);
}

static void
prefetched_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);
  TileRequest *request = g_task_get_task_data (G_TASK (result));
  guint64 key = tile_key (request->zoom, request->x, request->y);
  g_autoptr(GError) error = NULL;

  g_mutex_lock (&self->cache_lock);
  g_hash_table_remove (self->composing, &key);
  g_mutex_unlock (&self->cache_lock);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_signal_emit (self, signals[TILE_READY], 0, request->zoom, request->x, request->y);
  else
    g_debug ("Tile %d/%d/%d: %s", request->zoom, request->x, request->y, error->message);
}

/**
 * dozor_tile_source_lookup:
 * @self: a #DozorTileSource
 * @zoom: zoom level
 * @x: tile column
 * @y: tile row
 *
 * A tile composed lately, for painting into another image. Safe from any
 * thread.
 *
 * Returns: (transfer full) (nullable): the tile's image, opaque
 */
cairo_surface_t *
dozor_tile_source_lookup (DozorTileSource *self,
                          int              zoom,
                          int              x,
                          int              y)
{
  guint64 key = tile_key (zoom, x, y);
  CachedTile *tile;
  cairo_surface_t *surface = NULL;

  g_mutex_lock (&self->cache_lock);
  tile = g_hash_table_lookup (self->cache, &key);
  if (tile != NULL)
    {
      surface = cairo_surface_reference (tile->surface);
      g_queue_unlink (&self->lru, &tile->link);
      g_queue_push_head_link (&self->lru, &tile->link);
    }
  g_mutex_unlock (&self->cache_lock);
  return surface;
}

/**
 * dozor_tile_source_prefetch:
 * @self: a #DozorTileSource
 * @zoom: zoom level
 * @x: tile column
 * @y: tile row
 *
 * Composes a tile libshumate did not ask for (or has in its own cache) for
 * dozor_tile_source_lookup(); #DozorTileSource::tile-ready follows.
 */
void
dozor_tile_source_prefetch (DozorTileSource *self,
                            int              zoom,
                            int              x,
                            int              y)
{
  guint64 key = tile_key (zoom, x, y);
  g_autoptr(GTask) task = NULL;
  TileRequest *request;
  gboolean busy;

  if (x < 0 || y < 0 || zoom < 0 || zoom > DOZOR_BASEMAP_MAX_ZOOM || x >= (1 << zoom) || y >= (1 << zoom))
    return;

  g_mutex_lock (&self->cache_lock);
  busy = g_hash_table_contains (self->composing, &key) || g_hash_table_contains (self->cache, &key);
  if (!busy)
    g_hash_table_add (self->composing, g_memdup2 (&key, sizeof key));
  g_mutex_unlock (&self->cache_lock);
  if (busy)
    return;

  request = tile_request_new (self, zoom, x, y, TRUE);
  task = g_task_new (self, NULL, prefetched_cb, NULL);
  g_task_set_source_tag (task, dozor_tile_source_prefetch);
  g_task_set_task_data (task, request, (GDestroyNotify) tile_request_free);
  dozor_worker_pool_run (dozor_worker_pool_get (TILE_NICENESS), task, compose_in_pool);
}

/* Composes @outer's tile in the pool; @done then runs on this thread with
 * @outer, which owns the request and goes to @done's user data. */
static void
compose_for (DozorTileSource     *self,
             GTask               *outer,
             GCancellable        *cancellable,
             GAsyncReadyCallback  done)
{
  TileRequest *request = g_task_get_task_data (outer);
  guint64 key = tile_key (request->zoom, request->x, request->y);
  g_autoptr(GTask) worker = NULL;

  g_mutex_lock (&self->cache_lock);
  g_hash_table_add (self->composing, g_memdup2 (&key, sizeof key));
  g_mutex_unlock (&self->cache_lock);

  /* The worker shares the request with the outer task, which owns it. */
  worker = g_task_new (self, cancellable, done, outer);
  g_task_set_source_tag (worker, render_in_thread);
  g_task_set_task_data (worker, request, NULL);
  dozor_worker_pool_run (dozor_worker_pool_get (TILE_NICENESS), worker, compose_in_pool);
}

static void
dozor_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                       int                  x,
                                       int                  y,
                                       int                  zoom,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, dozor_tile_source_get_tile_data_async);

  if (x < 0 || y < 0 || zoom < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Tile %d/%d/%d is outside the map", zoom, x, y);
      return;
    }

  g_task_set_task_data (task, tile_request_new (self, zoom, x, y, FALSE), (GDestroyNotify) tile_request_free);
  compose_for (self, g_steal_pointer (&task), cancellable, composed_cb);
}

/**
 * dozor_tile_source_get_surface_async:
 * @self: a #DozorTileSource
 * @zoom: zoom level
 * @x: tile column
 * @y: tile row
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on this thread with the tile
 * @user_data: for @callback
 *
 * The tile's composed image, the one the cache holds (not a copy), from
 * the cache or composed now; #DozorTileSource::tile-ready is emitted
 * either way.
 */
void
dozor_tile_source_get_surface_async (DozorTileSource     *self,
                                     int                  zoom,
                                     int                  x,
                                     int                  y,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  cairo_surface_t *surface;

  g_task_set_source_tag (task, dozor_tile_source_get_surface_async);

  if (x < 0 || y < 0 || zoom < 0 || zoom > DOZOR_BASEMAP_MAX_ZOOM || x >= (1 << zoom) || y >= (1 << zoom))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Tile %d/%d/%d is outside the map", zoom, x, y);
      return;
    }

  /* Composed already (the overlays run ahead of the tile layer): no
   * thread at all. Still a tile that arrived, for those who count them. */
  surface = dozor_tile_source_lookup (self, zoom, x, y);
  if (surface != NULL)
    {
      g_signal_emit (self, signals[TILE_READY], 0, zoom, x, y);
      g_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
      return;
    }

  g_task_set_task_data (task, tile_request_new (self, zoom, x, y, TRUE), (GDestroyNotify) tile_request_free);
  compose_for (self, g_steal_pointer (&task), cancellable, composed_cb);
}

/**
 * dozor_tile_source_get_surface_finish:
 * @self: a #DozorTileSource
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the tile's image, opaque, or %NULL with @error
 */
cairo_surface_t *
dozor_tile_source_get_surface_finish (DozorTileSource  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* A texture over @surface's own pixels, read as @format. */
static GdkTexture *
texture_over (cairo_surface_t *surface,
              GdkMemoryFormat  format)
{
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_reference (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) *
                                        cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), cairo_image_surface_get_height (surface),
                                 format, bytes, cairo_image_surface_get_stride (surface));
}

/**
 * dozor_texture_new_for_surface:
 * @surface: an image surface in cairo's ARGB32 layout (or an RGB24 one
 *   whose fourth bytes are 0xff, as this source's tiles are)
 *
 * A texture over the surface's own pixels: no copy. It keeps a reference
 * to @surface for as long as it lives (GTK 4.8's GdkMemoryTexture keeps its
 * bytes, even once a GL renderer has uploaded them), so the surface must
 * not be drawn into again.
 *
 * Returns: (transfer full): the texture
 */
GdkTexture *
dozor_texture_new_for_surface (cairo_surface_t *surface)
{
  return texture_over (surface, GDK_MEMORY_DEFAULT);
}

/**
 * dozor_surface_to_gl_order:
 * @surface: an ARGB32 image surface, drawn and flushed, never drawn into
 *   again
 *
 * Puts each pixel's bytes in the order GL calls RGBA, in place, for
 * dozor_texture_new_for_gl_order(). GTK 4.8's GL renderer makes every
 * texture GL_RGBA8 and hands cairo's order (GL_BGRA) to the driver, which
 * on llvmpipe converts it on the thread that draws the frames: with 10,000
 * units moving, that conversion loop took some 10 ms a second of it. In
 * RGBA order the upload is a copy, and this, in a worker, costs less than
 * the conversion did (docs/performance.md, "Textures in GL's byte order").
 * Where the board uploads its tiles itself on desktop GL they go in
 * cairo's order as they are (DozorTileUploader); this is for GLES and for
 * a display that gives the board no GL context. The surface is cairo's no
 * more: only a texture may read it.
 */
void
dozor_surface_to_gl_order (cairo_surface_t *surface)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);

  g_return_if_fail (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32);

  for (int row = 0; row < height; row++)
    {
      guint32 *pixel = (guint32 *) (data + (gsize) row * stride);

      /* cairo keeps A, R, G, B in a native-endian word. */
      for (int column = 0; column < width; column++)
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
        pixel[column] = (pixel[column] & 0xff00ff00u) | (pixel[column] >> 16 & 0xffu) | (pixel[column] & 0xffu) << 16;
#else
        pixel[column] = pixel[column] << 8 | pixel[column] >> 24;
#endif
    }
}

/**
 * dozor_texture_new_for_gl_order:
 * @surface: an image surface put in GL's order by dozor_surface_to_gl_order()
 *
 * As dozor_texture_new_for_surface(), for such a surface.
 *
 * Returns: (transfer full): the texture
 */
GdkTexture *
dozor_texture_new_for_gl_order (cairo_surface_t *surface)
{
  return texture_over (surface, GDK_MEMORY_R8G8B8A8_PREMULTIPLIED);
}

static GBytes *
dozor_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dozor_tile_source_dispose (GObject *object)
{
  DozorTileSource *self = (DozorTileSource *)object;

  g_clear_object (&self->basemap);

  G_OBJECT_CLASS (dozor_tile_source_parent_class)->dispose (object);
}

static void
dozor_tile_source_finalize (GObject *object)
{
  DozorTileSource *self = (DozorTileSource *)object;

  /* Pool jobs hold a reference: nothing composes any more. */
  g_hash_table_destroy (self->cache);
  g_hash_table_destroy (self->composing);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (dozor_tile_source_parent_class)->finalize (object);
}

static void
dozor_tile_source_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_BASEMAP:
      g_value_set_object (value, self->basemap);
      break;

    case PROP_STYLE:
      g_value_set_uint (value, self->style);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_tile_source_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_BASEMAP:
      self->basemap = g_value_dup_object (value);
      break;

    case PROP_STYLE:
      self->style = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_tile_source_class_init (DozorTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = dozor_tile_source_dispose;
  object_class->finalize = dozor_tile_source_finalize;
  object_class->get_property = dozor_tile_source_get_property;
  object_class->set_property = dozor_tile_source_set_property;

  source_class->get_tile_data_async = dozor_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = dozor_tile_source_get_tile_data_finish;

  properties[PROP_BASEMAP] =
    g_param_spec_object ("basemap", NULL, NULL, DOZOR_TYPE_BASEMAP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STYLE] =
    g_param_spec_uint ("style", NULL, NULL, DOZOR_MAP_STYLE_LIGHT, DOZOR_MAP_STYLE_DARK,
                       DOZOR_MAP_STYLE_LIGHT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DozorTileSource::tile-ready:
   * @source: the source
   * @zoom: zoom level
   * @x: tile column
   * @y: tile row
   *
   * A tile was composed, or asked for with
   * dozor_tile_source_get_surface_async() and found composed:
   * dozor_tile_source_lookup() has it now.
   */
  signals[TILE_READY] = g_signal_new ("tile-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                      NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
}

static void
dozor_tile_source_init (DozorTileSource *self)
{
  g_mutex_init (&self->cache_lock);
  /* The tile owns its key; the LRU removes it from both. */
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify) cached_tile_free);
  self->composing = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->limit = CACHED_TILES_UNSIZED;
}

DozorTileSource *
dozor_tile_source_new (DozorBasemap  *basemap,
                       DozorMapStyle  style)
{
  g_return_val_if_fail (DOZOR_IS_BASEMAP (basemap), NULL);

  return g_object_new (DOZOR_TYPE_TILE_SOURCE,
                       "basemap", basemap,
                       "style", style,
                       NULL);
}

DozorBasemap *
dozor_tile_source_get_basemap (DozorTileSource *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_SOURCE (self), NULL);

  return self->basemap;
}

DozorMapStyle
dozor_tile_source_get_style (DozorTileSource *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_SOURCE (self), DOZOR_MAP_STYLE_LIGHT);

  return self->style;
}

/* Tiles across @pixels of view at one zoom: a view not aligned with the
 * grid cuts one more tile than its width alone would. */
static guint
tiles_across (int pixels)
{
  return (guint) (MAX (pixels, 1) + DOZOR_BASEMAP_TILE_SIZE - 1) / DOZOR_BASEMAP_TILE_SIZE + 1;
}

/**
 * dozor_tile_source_set_view_size:
 * @self: a #DozorTileSource
 * @width: the map's width in logical pixels
 * @height: the map's height in logical pixels
 *
 * Sizes the cache of composed tiles to a view of this size: the tiles it
 * shows at one zoom, the ring the overlays draw around it and one more for
 * a drag. A 1920×1080 desk keeps 130 tiles (32 MB at most), a 3840×2160
 * wall 280. Tiles beyond the new limit are dropped at once.
 */
void
dozor_tile_source_set_view_size (DozorTileSource *self,
                                 int              width,
                                 int              height)
{
  guint columns, rows;

  g_return_if_fail (DOZOR_IS_TILE_SOURCE (self));

  columns = tiles_across (width) + 2 * CACHE_MARGIN_TILES;
  rows = tiles_across (height) + 2 * CACHE_MARGIN_TILES;
  g_mutex_lock (&self->cache_lock);
  if (self->limit != columns * rows)
    g_debug ("Basemap tiles kept: %u for a %d×%d view", columns * rows, width, height);
  self->limit = columns * rows;
  trim_cache_locked (self);
  g_mutex_unlock (&self->cache_lock);
}

/**
 * dozor_tile_source_get_cache_limit:
 * @self: a #DozorTileSource
 *
 * Returns: how many composed tiles the source keeps at most
 */
guint
dozor_tile_source_get_cache_limit (DozorTileSource *self)
{
  guint limit;

  g_return_val_if_fail (DOZOR_IS_TILE_SOURCE (self), 0);

  g_mutex_lock (&self->cache_lock);
  limit = self->limit;
  g_mutex_unlock (&self->cache_lock);
  return limit;
}
