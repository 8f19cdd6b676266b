/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The offline basemap, copied into the overlays' tiles. With a software
 * renderer what a frame costs is the pixels it blends (bench/bench-units):
 * libshumate's tile layer plus the overlays' tiles would blend the window
 * twice. So as a steady part of the unit layer's tiles (dozor_raster_
 * layer_draw_into()), this layer paints the tiles DozorTileSource composed
 * beneath the areas, incidents and units, and while those tiles cover the
 * whole view it makes libshumate's tile layer transparent, which GTK then
 * does not draw: the window is blended once.
 *
 * Whenever they do not cover the view (a pan ran past the ring of tiles
 * drawn around it, a zoom between levels, tiles not composed yet, an
 * online tile server) the tile layer is drawn as before, under them, so
 * the map never shows a hole. Tiles the overlays lack are composed for
 * them (at the tiles' low priority) and drawn in as they arrive.
 */
#include "config.h"

#include <math.h>

#include "dozor-basemap-layer.h"
#include "dozor-geo.h"

#define TILE_SIZE DOZOR_BASEMAP_TILE_SIZE

/* Tiles arrive in bursts; one new image for each burst, not each tile: an
 * image of thousands of units costs more than a tile. */
#define TILES_SETTLE_MS 150

struct _DozorBasemapLayer
{
  DozorRasterLayer parent_instance;

  DozorTileSource *source;
  gulong tile_ready_id;
  gboolean covering;
  gboolean watching_host;
  guint tiles_settle_id;
};

G_DEFINE_FINAL_TYPE (DozorBasemapLayer, dozor_basemap_layer, DOZOR_TYPE_RASTER_LAYER)

enum
{
  PROP_0,
  PROP_COVERING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The tiles under one image: a block of columns and rows at one zoom. */
typedef struct
{
  DozorRasterView view;
  DozorTileSource *source;   /* whose tiles: a style change brings another */
  int zoom;
  int x0, y0, columns, rows;
  cairo_surface_t **tiles;   /* columns × rows, NULL where not composed */
} Scene;

static void
scene_free (Scene *scene)
{
  for (int i = 0; i < scene->columns * scene->rows; i++)
    if (scene->tiles[i] != NULL)
      cairo_surface_destroy (scene->tiles[i]);
  g_free (scene->tiles);
  g_object_unref (scene->source);
  g_free (scene);
}

static gboolean
whole_zoom (double zoom)
{
  return fabs (zoom - round (zoom)) < 1e-9;
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorBasemapLayer *self = DOZOR_BASEMAP_LAYER (layer);
  int zoom = (int) round (view->zoom);
  int last = (1 << MIN (zoom, 30)) - 1;
  Scene *scene;
  int x1, y1;

  /* Between zoom levels libshumate scales its tiles; so does the map. */
  if (self->source == NULL || !whole_zoom (view->zoom) || zoom > DOZOR_BASEMAP_MAX_ZOOM)
    return NULL;

  scene = g_new0 (Scene, 1);
  scene->view = *view;
  scene->source = g_object_ref (self->source);
  scene->zoom = zoom;
  scene->x0 = CLAMP ((int) floor (view->origin_x / TILE_SIZE), 0, last);
  scene->y0 = CLAMP ((int) floor (view->origin_y / TILE_SIZE), 0, last);
  x1 = CLAMP ((int) floor ((view->origin_x + view->width) / TILE_SIZE), 0, last);
  y1 = CLAMP ((int) floor ((view->origin_y + view->height) / TILE_SIZE), 0, last);
  scene->columns = x1 - scene->x0 + 1;
  scene->rows = y1 - scene->y0 + 1;
  scene->tiles = g_new0 (cairo_surface_t *, scene->columns * scene->rows);

  for (int row = 0; row < scene->rows; row++)
    for (int column = 0; column < scene->columns; column++)
      {
        int x = scene->x0 + column, y = scene->y0 + row;
        cairo_surface_t *tile = dozor_tile_source_lookup (self->source, zoom, x, y);

        if (tile == NULL)
          dozor_tile_source_prefetch (self->source, zoom, x, y);
        scene->tiles[row * scene->columns + column] = tile;
      }
  return scene;
}

/* The basemap tile behind a tile of the overlays: the same grid. */
static cairo_surface_t *
scene_tile (Scene                 *scene,
            const DozorRasterView *view)
{
  int column = (int) floor (view->origin_x / TILE_SIZE) - scene->x0;
  int row = (int) floor (view->origin_y / TILE_SIZE) - scene->y0;

  if (column < 0 || row < 0 || column >= scene->columns || row >= scene->rows)
    return NULL;
  return scene->tiles[row * scene->columns + column];
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  cairo_surface_t *tile = scene_tile (data, view);
  double device_x = 1, device_y = 1;

  if (tile == NULL)
    return;

  /* At a device scale of 1 the tile is copied pixel for pixel; on a HiDPI
   * screen it is scaled up smoothly, as libshumate does. Tiles are opaque:
   * copied, not blended. */
  cairo_user_to_device_distance (cr, &device_x, &device_y);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_surface (cr, tile, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), device_x == 1.0 && device_y == 1.0 ? CAIRO_FILTER_NEAREST
                                                                                        : CAIRO_FILTER_BILINEAR);
  cairo_paint (cr);
}

/* The source's own image of the tile, for a tile of the overlays that
 * shows nothing over it (dozor-raster-layer.c holds it instead of a copy
 * where the pixels are the same). */
static cairo_surface_t *
tile_surface (gpointer               data,
              const DozorRasterView *view)
{
  return scene_tile (data, view);
}

/* The tile itself is the key: the source keeps one image per tile. */
static guint64
tile_key (gpointer               data,
          const DozorRasterView *view,
          gboolean              *complete)
{
  cairo_surface_t *tile = scene_tile (data, view);

  if (tile == NULL)
    *complete = FALSE;
  return GPOINTER_TO_SIZE (tile);
}

/* Whether the overlays' tiles on screen have every basemap tile of the
 * view, at its zoom, from this source. */
static gboolean
image_covers_view (DozorBasemapLayer *self)
{
  Scene *scene = dozor_raster_layer_get_shown_scene (DOZOR_RASTER_LAYER (self));

  return scene != NULL && scene->source == self->source &&
         dozor_raster_layer_covers_view (DOZOR_RASTER_LAYER (self));
}

/* libshumate's tile layers beside this one: transparent (not drawn at all
 * by GTK) while the image covers the view. */
static void
update_covering (DozorBasemapLayer *self)
{
  GtkWidget *map = gtk_widget_get_parent (GTK_WIDGET (self));
  DozorRasterLayer *host = dozor_raster_layer_get_host (DOZOR_RASTER_LAYER (self));
  gboolean covering = image_covers_view (self);

  /* A hidden host (the bench hides it) shows no image at all. */
  if (host != NULL && !self->watching_host)
    {
      g_signal_connect_object (host, "notify::visible", G_CALLBACK (update_covering), self, G_CONNECT_SWAPPED);
      self->watching_host = TRUE;
    }

  if (map != NULL)
    for (GtkWidget *child = gtk_widget_get_first_child (map); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (SHUMATE_IS_MAP_LAYER (child))
        gtk_widget_set_opacity (child, covering ? 0.0 : 1.0);

  if (covering != self->covering)
    {
      g_debug ("Basemap drawn %s", covering ? "in the overlays' tiles" : "by the tile layer");
      self->covering = covering;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COVERING]);
    }
}

static void
shown (DozorRasterLayer *layer,
       gpointer          scene)
{
  update_covering (DOZOR_BASEMAP_LAYER (layer));
}

static gboolean
tiles_settled_cb (gpointer user_data)
{
  DozorBasemapLayer *self = user_data;

  self->tiles_settle_id = 0;
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
  return G_SOURCE_REMOVE;
}

static void
queue_render_for_tiles (DozorBasemapLayer *self)
{
  if (self->tiles_settle_id == 0)
    self->tiles_settle_id = g_timeout_add (TILES_SETTLE_MS, tiles_settled_cb, self);
}

/* A tile the image on screen lacks: draw the image again with it. */
static void
tile_ready_cb (DozorBasemapLayer *self,
               int                zoom,
               int                x,
               int                y,
               DozorTileSource   *source)
{
  Scene *scene = dozor_raster_layer_get_shown_scene (DOZOR_RASTER_LAYER (self));
  int column, row;

  if (scene == NULL || zoom != scene->zoom)
    {
      queue_render_for_tiles (self);
      return;
    }
  column = x - scene->x0;
  row = y - scene->y0;
  if (column >= 0 && row >= 0 && column < scene->columns && row < scene->rows &&
      scene->tiles[row * scene->columns + column] == NULL)
    queue_render_for_tiles (self);
}

static void
dozor_basemap_layer_constructed (GObject *object)
{
  DozorBasemapLayer *self = DOZOR_BASEMAP_LAYER (object);

  G_OBJECT_CLASS (dozor_basemap_layer_parent_class)->constructed (object);

  /* Before the frame that is drawn next: a pan must not show a hole. */
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (update_covering), self, G_CONNECT_SWAPPED);
}

/* A host hidden or shown (the bench does it) changes what covers the map. */
static void
dozor_basemap_layer_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (dozor_basemap_layer_parent_class)->map (widget);
  update_covering (DOZOR_BASEMAP_LAYER (widget));
}

static void
dozor_basemap_layer_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  DozorBasemapLayer *self = DOZOR_BASEMAP_LAYER (widget);

  GTK_WIDGET_CLASS (dozor_basemap_layer_parent_class)->size_allocate (widget, width, height, baseline);
  /* The layer spans the map: its size is the view the tiles are kept for. */
  if (self->source != NULL)
    dozor_tile_source_set_view_size (self->source, width, height);
  update_covering (self);
}

static void
dozor_basemap_layer_dispose (GObject *object)
{
  DozorBasemapLayer *self = DOZOR_BASEMAP_LAYER (object);

  g_clear_signal_handler (&self->tile_ready_id, self->source);
  g_clear_object (&self->source);
  g_clear_handle_id (&self->tiles_settle_id, g_source_remove);

  G_OBJECT_CLASS (dozor_basemap_layer_parent_class)->dispose (object);
}

static void
dozor_basemap_layer_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  DozorBasemapLayer *self = DOZOR_BASEMAP_LAYER (object);

  switch (prop_id)
    {
    case PROP_COVERING:
      g_value_set_boolean (value, self->covering);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_basemap_layer_class_init (DozorBasemapLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->constructed = dozor_basemap_layer_constructed;
  object_class->dispose = dozor_basemap_layer_dispose;
  object_class->get_property = dozor_basemap_layer_get_property;
  widget_class->map = dozor_basemap_layer_map;
  widget_class->size_allocate = dozor_basemap_layer_size_allocate;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->shown = shown;
  raster_class->tile_key = tile_key;
  raster_class->tile_surface = tile_surface;
  raster_class->steady = TRUE;
  raster_class->render_priority = G_PRIORITY_HIGH + 30;

  /* Whether the image covers the view, so that the tile layer is not drawn. */
  properties[PROP_COVERING] = g_param_spec_boolean ("covering", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_basemap_layer_init (DozorBasemapLayer *self)
{
}

DozorBasemapLayer *
dozor_basemap_layer_new (ShumateViewport *viewport,
                         DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_BASEMAP_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_basemap_layer_set_tile_source:
 * @self: a #DozorBasemapLayer
 * @source: (nullable): the offline basemap's tiles, or %NULL when the map
 *   shows another source (online tiles)
 */
void
dozor_basemap_layer_set_tile_source (DozorBasemapLayer *self,
                                     DozorTileSource   *source)
{
  if (self->source == source)
    return;

  g_clear_signal_handler (&self->tile_ready_id, self->source);
  g_set_object (&self->source, source);
  if (source != NULL)
    {
      self->tile_ready_id = g_signal_connect_object (source, "tile-ready", G_CALLBACK (tile_ready_cb), self,
                                                     G_CONNECT_SWAPPED);
      /* A style change brings a new source: it keeps tiles for this view. */
      if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
        dozor_tile_source_set_view_size (source, gtk_widget_get_width (GTK_WIDGET (self)),
                                         gtk_widget_get_height (GTK_WIDGET (self)));
    }
  /* The image on screen has the old source's tiles: no longer covering. */
  update_covering (self);
  dozor_raster_layer_queue_render (DOZOR_RASTER_LAYER (self));
}

gboolean
dozor_basemap_layer_get_covering (DozorBasemapLayer *self)
{
  return self->covering;
}
