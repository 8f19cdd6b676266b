/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The offline basemap: a world raster MBTiles for the overview, and a city's
 * streets drawn on top when zoomed in. Every tile is composed on the CPU
 * with cairo and handed out as PNG, so the board needs no network and no
 * pre-rendered pyramid for the city: one 2.4 MB GeoJSON covers zoom 9 to 19.
 *
 * Tiles are requested from many worker threads at once. Loading happens once,
 * under a mutex, the first time anybody needs it; afterwards everything read
 * here is immutable, except the small cache of decoded world tiles.
 */
#include "config.h"

#include <cairo.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-basemap.h"
#include "dozor-mbtiles.h"
#include "dozor-street-map.h"

/* Decoded world tiles kept for overzooming: at city zoom every tile of the
 * screen shares one or two ancestors, and decoding a PNG costs milliseconds. */
#define WORLD_CACHE_SIZE 32

/* Zoom at which the world imagery starts to fade under a plain map colour:
 * upscaled relief is only a blur there, and streets need contrast. */
#define WASH_START_ZOOM 8
#define WASH_FULL_ZOOM  13

struct _DozorBasemap
{
  GObject parent_instance;

  char *world_path;
  char *streets_path;

  GMutex load_lock;
  gboolean loaded;
  DozorMbtiles *world;
  DozorStreetMap *streets;
  GError *world_error;
  GError *streets_error;

  GMutex cache_lock;
  GHashTable *world_cache; /* packed (z, x, y) → cairo_surface_t */

  char *license;
};

G_DEFINE_FINAL_TYPE (DozorBasemap, dozor_basemap, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_WORLD_PATH,
  PROP_STREETS_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  double r, g, b;
} Rgb;

/* Land and water where the world map has no tile; the wash colour. */
static const Rgb plain_light = { 0.949, 0.937, 0.914 };
static const Rgb plain_dark = { 0.129, 0.141, 0.161 };
/* Multiplied over the daylight imagery to dim it for a dark room. */
static const Rgb dim_dark = { 0.34, 0.36, 0.40 };

static void
dozor_basemap_finalize (GObject *object)
{
  DozorBasemap *self = (DozorBasemap *)object;

  g_clear_pointer (&self->world_path, g_free);
  g_clear_pointer (&self->streets_path, g_free);
  g_clear_object (&self->world);
  g_clear_object (&self->streets);
  g_clear_error (&self->world_error);
  g_clear_error (&self->streets_error);
  g_clear_pointer (&self->world_cache, g_hash_table_unref);
  g_clear_pointer (&self->license, g_free);
  g_mutex_clear (&self->load_lock);
  g_mutex_clear (&self->cache_lock);

  G_OBJECT_CLASS (dozor_basemap_parent_class)->finalize (object);
}

static void
dozor_basemap_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  DozorBasemap *self = DOZOR_BASEMAP (object);

  switch (prop_id)
    {
    case PROP_WORLD_PATH:
      g_value_set_string (value, self->world_path);
      break;

    case PROP_STREETS_PATH:
      g_value_set_string (value, self->streets_path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_basemap_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  DozorBasemap *self = DOZOR_BASEMAP (object);

  switch (prop_id)
    {
    case PROP_WORLD_PATH:
      self->world_path = g_value_dup_string (value);
      break;

    case PROP_STREETS_PATH:
      self->streets_path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_basemap_class_init (DozorBasemapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_basemap_finalize;
  object_class->get_property = dozor_basemap_get_property;
  object_class->set_property = dozor_basemap_set_property;

  properties[PROP_WORLD_PATH] =
    g_param_spec_string ("world-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STREETS_PATH] =
    g_param_spec_string ("streets-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_basemap_init (DozorBasemap *self)
{
  g_mutex_init (&self->load_lock);
  g_mutex_init (&self->cache_lock);
  self->world_cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                             (GDestroyNotify) cairo_surface_destroy);
}

/**
 * dozor_basemap_new:
 * @world_mbtiles_path: (nullable): a raster PNG MBTiles with the world overview
 * @streets_path: (nullable): a vector file with the city's streets
 *
 * Nothing is read until the first tile or dozor_basemap_load().
 *
 * Returns: (transfer full): a new basemap
 */
DozorBasemap *
dozor_basemap_new (const char *world_mbtiles_path,
                   const char *streets_path)
{
  return g_object_new (DOZOR_TYPE_BASEMAP,
                       "world-path", world_mbtiles_path,
                       "streets-path", streets_path,
                       NULL);
}

static void
load_locked (DozorBasemap *self,
             GCancellable *cancellable)
{
  if (self->loaded)
    return;

  if (self->world_path != NULL)
    {
      self->world = dozor_mbtiles_open (self->world_path, &self->world_error);

      /* cairo decodes PNG only; anything else would draw as nothing at all. */
      if (self->world != NULL && g_strcmp0 (dozor_mbtiles_get_format (self->world), "png") != 0)
        {
          g_set_error (&self->world_error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT,
                       _("“%s” holds %s tiles; the offline world map must be PNG"),
                       self->world_path, dozor_mbtiles_get_format (self->world));
          g_clear_object (&self->world);
        }
    }

  if (self->streets_path != NULL)
    self->streets = dozor_street_map_new_from_file (self->streets_path, cancellable,
                                                    &self->streets_error);

  /* A cancelled load is not an answer: let the next caller try again. */
  if (g_error_matches (self->streets_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&self->streets_error);
      g_clear_object (&self->world);
      g_clear_error (&self->world_error);
      return;
    }

  self->loaded = TRUE;
}

/**
 * dozor_basemap_load:
 * @self: a #DozorBasemap
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the world tiles and the streets, once; blocks, so call it from a
 * worker thread. Tiles are still drawn from whatever part did load.
 *
 * Returns: %TRUE if every part loaded
 */
gboolean
dozor_basemap_load (DozorBasemap  *self,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (DOZOR_IS_BASEMAP (self), FALSE);

  locker = g_mutex_locker_new (&self->load_lock);
  load_locked (self, cancellable);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (self->world_error != NULL && self->streets_error != NULL)
    {
      g_set_error (error, self->world_error->domain, self->world_error->code,
                   "%s\n%s", self->world_error->message, self->streets_error->message);
      return FALSE;
    }
  if (self->world_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->world_error));
      return FALSE;
    }
  if (self->streets_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->streets_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_basemap_get_license:
 * @self: a #DozorBasemap
 *
 * Returns: the attribution to show on the map
 */
const char *
dozor_basemap_get_license (DozorBasemap *self)
{
  g_return_val_if_fail (DOZOR_IS_BASEMAP (self), NULL);

  if (self->license == NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);

      if (self->streets_path != NULL)
        g_string_append (text, _("Streets © OpenStreetMap contributors"));
      if (self->world_path != NULL)
        {
          if (text->len > 0)
            g_string_append (text, " · ");
          g_string_append (text, _("Natural Earth"));
        }
      self->license = g_string_free (g_steal_pointer (&text), FALSE);
    }

  return self->license;
}

static cairo_status_t
read_bytes_cb (void          *closure,
               unsigned char *data,
               unsigned int   length)
{
  GInputStream *stream = closure;
  gsize n_read = 0;

  if (!g_input_stream_read_all (stream, data, length, &n_read, NULL, NULL) || n_read != length)
    return CAIRO_STATUS_READ_ERROR;

  return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *
decode_png (GBytes  *bytes,
            GError **error)
{
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  cairo_surface_t *surface = cairo_image_surface_create_from_png_stream (read_bytes_cb, stream);

  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, DOZOR_MBTILES_ERROR, DOZOR_MBTILES_ERROR_FORMAT,
                   _("A world map tile is not a readable PNG image: %s"),
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }

  return surface;
}

static gint64
pack_tile_key (guint zoom,
               guint x,
               guint y)
{
  return ((gint64) zoom << 58) | ((gint64) x << 29) | (gint64) y;
}

/* (transfer full), NULL when the world map has no such tile */
static cairo_surface_t *
get_world_surface (DozorBasemap  *self,
                   guint          zoom,
                   guint          x,
                   guint          y,
                   GError       **error)
{
  gint64 key = pack_tile_key (zoom, x, y);
  cairo_surface_t *surface;
  g_autoptr(GBytes) bytes = NULL;

  g_mutex_lock (&self->cache_lock);
  surface = g_hash_table_lookup (self->world_cache, &key);
  if (surface != NULL)
    cairo_surface_reference (surface);
  g_mutex_unlock (&self->cache_lock);

  if (surface != NULL)
    return surface;

  bytes = dozor_mbtiles_get_tile (self->world, zoom, x, y, error);
  if (bytes == NULL)
    return NULL;

  surface = decode_png (bytes, error);
  if (surface == NULL)
    return NULL;

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->world_cache) >= WORLD_CACHE_SIZE)
    g_hash_table_remove_all (self->world_cache);
  g_hash_table_insert (self->world_cache, g_memdup2 (&key, sizeof key),
                       cairo_surface_reference (surface));
  g_mutex_unlock (&self->cache_lock);

  return surface;
}

static void
paint_plain (cairo_t   *cr,
             const Rgb *colour,
             double     alpha)
{
  cairo_set_source_rgba (cr, colour->r, colour->g, colour->b, alpha);
  cairo_paint (cr);
}

/* The world imagery, cut from the deepest ancestor tile the file has and
 * scaled up: past its last zoom level it still gives land and water. */
static gboolean
paint_world (DozorBasemap  *self,
             cairo_t       *cr,
             guint          zoom,
             guint          x,
             guint          y,
             GError       **error)
{
  guint source_zoom = MIN (zoom, dozor_mbtiles_get_max_zoom (self->world));
  guint shift = zoom - source_zoom;
  guint span = 1u << shift;
  double scale = (double) span;
  double cell = (double) DOZOR_BASEMAP_TILE_SIZE / scale;
  cairo_surface_t *surface;
  cairo_pattern_t *pattern;

  if (zoom < dozor_mbtiles_get_min_zoom (self->world))
    return TRUE;

  surface = get_world_surface (self, source_zoom, x >> shift, y >> shift, error);
  if (surface == NULL)
    return *error == NULL;

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, surface, -(double) (x % span) * cell, -(double) (y % span) * cell);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, shift > 0 ? CAIRO_FILTER_GOOD : CAIRO_FILTER_FAST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);

  cairo_surface_destroy (surface);
  return TRUE;
}

static cairo_status_t
write_bytes_cb (void                *closure,
                const unsigned char *data,
                unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * dozor_basemap_compose_tile:
 * @self: a #DozorBasemap
 * @zoom: zoom level, at most %DOZOR_BASEMAP_MAX_ZOOM
 * @x: tile column from the west
 * @y: tile row from the north
 * @style: light or dark colours
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Composes one 256×256 tile. Safe to call from several threads at once.
 * A damaged world tile is reported as an error; missing data is not (the
 * tile is then drawn with what there is).
 *
 * Returns: (transfer full): an opaque (RGB24) image surface, or %NULL with
 *   @error set
 */
cairo_surface_t *
dozor_basemap_compose_tile (DozorBasemap  *self,
                            guint          zoom,
                            guint          x,
                            guint          y,
                            DozorMapStyle  style,
                            GCancellable  *cancellable,
                            GError       **error)
{
  const Rgb *plain = style == DOZOR_MAP_STYLE_DARK ? &plain_dark : &plain_light;
  g_autoptr(GError) local_error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  double wash;

  g_return_val_if_fail (DOZOR_IS_BASEMAP (self), NULL);

  if (zoom > DOZOR_BASEMAP_MAX_ZOOM || x >= (1u << zoom) || y >= (1u << zoom))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Tile %u/%u/%u is outside the map"), zoom, x, y);
      return NULL;
    }

  /* Not the tile's cancellable: tiles are cancelled all the time while the
   * map moves, and a half-done load would only be started again. */
  g_mutex_lock (&self->load_lock);
  load_locked (self, NULL);
  g_mutex_unlock (&self->load_lock);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, DOZOR_BASEMAP_TILE_SIZE,
                                        DOZOR_BASEMAP_TILE_SIZE);
  cr = cairo_create (surface);

  paint_plain (cr, plain, 1.0);

  if (self->world != NULL && !paint_world (self, cr, zoom, x, y, &local_error))
    {
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (style == DOZOR_MAP_STYLE_DARK)
    {
      cairo_save (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_MULTIPLY);
      paint_plain (cr, &dim_dark, 1.0);
      cairo_restore (cr);
    }

  wash = CLAMP (((double) zoom - WASH_START_ZOOM) / (WASH_FULL_ZOOM - WASH_START_ZOOM), 0.0, 1.0);
  if (wash > 0.0)
    paint_plain (cr, plain, 0.85 * wash);

  if (self->streets != NULL)
    dozor_street_map_draw_tile (self->streets, cr, zoom, x, y, DOZOR_BASEMAP_TILE_SIZE, style);

  cairo_destroy (cr);
  cairo_surface_flush (surface);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  return surface;
}

/**
 * dozor_basemap_encode_tile:
 * @surface: a tile from dozor_basemap_compose_tile()
 * @zoom: its zoom level, for the message
 * @x: its column
 * @y: its row
 * @error: return location for a #GError
 *
 * Returns: (transfer full): PNG bytes, or %NULL with @error set
 */
GBytes *
dozor_basemap_encode_tile (cairo_surface_t  *surface,
                           guint             zoom,
                           guint             x,
                           guint             y,
                           GError          **error)
{
  g_autoptr(GByteArray) png = g_byte_array_sized_new (64 * 1024);
  cairo_status_t status = cairo_surface_write_to_png_stream (surface, write_bytes_cb, png);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not encode map tile %u/%u/%u: %s"),
                   zoom, x, y, cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

/**
 * dozor_basemap_render_tile:
 * @self: a #DozorBasemap
 * @zoom: zoom level, at most %DOZOR_BASEMAP_MAX_ZOOM
 * @x: tile column from the west
 * @y: tile row from the north
 * @style: light or dark colours
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Composes one tile, as dozor_basemap_compose_tile() does, as PNG.
 *
 * Returns: (transfer full): PNG bytes, or %NULL with @error set
 */
GBytes *
dozor_basemap_render_tile (DozorBasemap  *self,
                           guint          zoom,
                           guint          x,
                           guint          y,
                           DozorMapStyle  style,
                           GCancellable  *cancellable,
                           GError       **error)
{
  cairo_surface_t *surface = dozor_basemap_compose_tile (self, zoom, x, y, style, cancellable, error);
  GBytes *bytes;

  if (surface == NULL)
    return NULL;
  bytes = dozor_basemap_encode_tile (surface, zoom, x, y, error);
  cairo_surface_destroy (surface);
  return bytes;
}
