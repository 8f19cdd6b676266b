/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "dozor-point-index.h"
#include "dozor-situation.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

/* The labels' font size at a desk, in pixels; a wall sets its own. */
#define DOZOR_RASTER_DESK_LABEL_SIZE 11.0


/**
 * DozorRasterView:
 * @zoom: the zoom level the image is drawn at
 * @origin_x: the image's top-left corner, world pixels at @zoom
 * @origin_y: the image's top-left corner, world pixels at @zoom
 * @width: the image's size, logical pixels
 * @height: the image's size, logical pixels
 * @now: wall-clock time of the render, Unix microseconds
 * @visible_x0: the window's left edge when the render began, in the
 *   region's pixels (those of the render's whole region, not a tile's)
 * @visible_y0: its top edge, likewise
 * @visible_x1: its right edge, likewise
 * @visible_y1: its bottom edge, likewise
 *
 * The part of the world one image covers. Drawing happens in logical
 * pixels from the image's top-left corner; the device scale is applied.
 * Labels are kept inside the visible part (dozor_raster_view_fit_label()).
 */
typedef struct
{
  double zoom;
  double origin_x;
  double origin_y;
  double width;
  double height;
  gint64 now;
  double visible_x0;
  double visible_y0;
  double visible_x1;
  double visible_y1;
} DozorRasterView;

void dozor_raster_view_project (const DozorRasterView *view,
                                double                 wx,
                                double                 wy,
                                double                *x,
                                double                *y);
gboolean dozor_raster_view_fit_label (const DozorRasterView *region,
                                      double                 x,
                                      double                 y,
                                      double                 gap,
                                      double                 width,
                                      double                 ascent,
                                      double                 descent,
                                      double                *left,
                                      double                *baseline);
void dozor_raster_view_trace   (cairo_t               *cr,
                                const DozorRasterView *view,
                                GArray                *part);

/**
 * DozorTileKeys:
 * @region: the render's region
 * @columns: its tiles across
 * @rows: its tiles down
 * @keys: a key per tile, row by row
 *
 * Keys per tile of a region, for a layer's tile_key(): what an item looks
 * like is folded into the key of every tile it touches.
 */
typedef struct
{
  DozorRasterView region;
  int columns;
  int rows;
  guint64 *keys;
} DozorTileKeys;

void     dozor_tile_keys_init  (DozorTileKeys         *keys,
                                const DozorRasterView *region);
void     dozor_tile_keys_clear (DozorTileKeys         *keys);
gboolean dozor_tile_keys_range (const DozorTileKeys   *keys,
                                double                 left,
                                double                 top,
                                double                 right,
                                double                 bottom,
                                int                   *c0,
                                int                   *r0,
                                int                   *c1,
                                int                   *r1);
void     dozor_tile_keys_add   (DozorTileKeys         *keys,
                                double                 left,
                                double                 top,
                                double                 right,
                                double                 bottom,
                                guint64                value);
int      dozor_tile_keys_find  (const DozorTileKeys   *keys,
                                const DozorRasterView *tile);
guint64  dozor_tile_keys_get   (const DozorTileKeys   *keys,
                                const DozorRasterView *tile);

#define DOZOR_TYPE_RASTER_LAYER (dozor_raster_layer_get_type ())
G_DECLARE_DERIVABLE_TYPE (DozorRasterLayer, dozor_raster_layer, DOZOR, RASTER_LAYER, ShumateLayer)

/**
 * DozorRasterLayerClass:
 * @prepare: on the main thread, copy what the image will show into a scene
 *   the worker may read alone; %NULL for an empty image
 * @draw: in a worker thread, draw @scene into @cr and add what can be
 *   pointed at to @index, numbered as the subclass likes
 * @free_scene: frees a scene
 * @shown: on the main thread, once the image of @scene is on screen
 * @situation_changed: the situation changed (#DozorSituationChange flags)
 * @render_priority: the worker's priority against other work (tiles):
 *   units before incidents before areas before tiles
 * @layout: (optional) in the worker, once per render before any tile is
 *   drawn, with the whole region the render covers: decide what depends
 *   on more than one tile (labels, clusters) and sort items by tile
 * @tile_key: (optional) in the worker, a number that changes whenever
 *   what @scene draws in @tile changes; set @complete to %FALSE if the
 *   tile still lacks something (a basemap tile being composed). Without
 *   it, a layer's items count as changed everywhere whenever the layer
 *   asked for a render
 * @steady: items that change seldom (basemap, areas): drawn once per tile
 *   and kept beneath the others, which are drawn over a copy
 * @draw_under: (optional) in a worker, what a part drawn over its host
 *   (dozor_raster_layer_draw_over()) still keeps beneath the host's items,
 *   such as lines under the symbols they join; nothing of it is picked
 * @tile_changes: (optional) in the worker, for a tile whose key changed
 *   (tile_key()): add to @region, in the tile's logical pixels, where
 *   @scene draws @tile differently from @before, the scene it was drawn
 *   from last; return %FALSE if it cannot tell. Both were laid out.
 *   Without it, a layer's change redraws the tiles it touches whole
 * @tile_surface: (optional) in a worker, for a steady part drawn first
 *   that paints an opaque image of its own unchanged into a tile (the
 *   basemap): that image, or %NULL. A tile that shows nothing else holds
 *   it instead of a copy
 */
struct _DozorRasterLayerClass
{
  ShumateLayerClass parent_class;

  gpointer (*prepare)    (DozorRasterLayer      *self,
                          const DozorRasterView *view);
  void     (*draw)       (gpointer               scene,
                          cairo_t               *cr,
                          const DozorRasterView *view,
                          DozorPointIndex       *index);
  GDestroyNotify free_scene;
  void     (*shown)      (DozorRasterLayer      *self,
                          gpointer               scene);
  void     (*situation_changed) (DozorRasterLayer *self,
                                 guint             what);
  int render_priority;
  void     (*layout)     (gpointer               scene,
                          const DozorRasterView *region);
  guint64  (*tile_key)   (gpointer               scene,
                          const DozorRasterView *tile,
                          gboolean              *complete);
  gboolean steady;
  void     (*draw_under) (gpointer               scene,
                          cairo_t               *cr,
                          const DozorRasterView *view);
  cairo_surface_t *(*tile_surface) (gpointer               scene,
                                    const DozorRasterView *tile);
  gboolean (*tile_changes) (gpointer               before,
                            gpointer               scene,
                            const DozorRasterView *tile,
                            cairo_region_t        *region);
};

DozorSituation *dozor_raster_layer_get_situation (DozorRasterLayer *self);
void      dozor_raster_layer_queue_render        (DozorRasterLayer *self);
DozorRasterLayer *dozor_raster_layer_get_host    (DozorRasterLayer *self);
void      dozor_raster_layer_draw_into           (DozorRasterLayer *self,
                                                  DozorRasterLayer *part);
void      dozor_raster_layer_draw_over           (DozorRasterLayer *self,
                                                  DozorRasterLayer *part);
void      dozor_raster_layer_replace_ids         (DozorRasterLayer  *self,
                                                  GHashTable       **field,
                                                  GHashTable        *ids);
void      dozor_raster_layer_set_refresh_seconds (DozorRasterLayer *self,
                                                  guint             seconds);
void      dozor_raster_layer_set_label_size      (DozorRasterLayer *self,
                                                  double            size);
double    dozor_raster_layer_get_label_size      (DozorRasterLayer *self);
void      dozor_raster_layer_set_wall_marks      (DozorRasterLayer     *self,
                                                  const DozorWallMarks *marks);
const DozorWallMarks *dozor_raster_layer_get_wall_marks (DozorRasterLayer *self);
gboolean  dozor_raster_layer_pick                (DozorRasterLayer *self,
                                                  double            x,
                                                  double            y,
                                                  double            slop,
                                                  gpointer         *scene,
                                                  guint            *item);
gpointer  dozor_raster_layer_get_shown_scene     (DozorRasterLayer *self);
gboolean  dozor_raster_layer_covers_view         (DozorRasterLayer *self);
guint64   dozor_raster_key_mix                   (guint64           key,
                                                  guint64           value);
void      dozor_raster_stroke_cased              (cairo_t          *cr,
                                                  const double      rgb[3],
                                                  double            casing_width,
                                                  double            width);
void      dozor_raster_stroke_wall_mark          (cairo_t          *cr,
                                                  double            scale);
gboolean  dozor_raster_layer_to_widget           (DozorRasterLayer *self,
                                                  double            lat,
                                                  double            lon,
                                                  double           *x,
                                                  double           *y);
cairo_t  *dozor_raster_snapshot_hint_line        (GtkSnapshot      *snapshot,
                                                  double            x0,
                                                  double            y0,
                                                  double            x1,
                                                  double            y1,
                                                  double            margin_x,
                                                  double            margin_y,
                                                  const double      rgb[3],
                                                  const double      dash[2]);

G_END_DECLS
