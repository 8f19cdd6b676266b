/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A map layer drawn as 256-pixel tiles of the map's own grid. A worker
 * rasterises them with cairo; snapshot() only places the textures of the
 * tiles in view, offset (and scaled, during a zoom) to where the view is
 * now. With a software renderer what a frame costs is the pixels it
 * blends, so the tiles of a view cost one window whatever they show, and
 * no frame holds more than a few dozen nodes: GTK 4.8's GL renderer aborts
 * on frames of ~100k small nodes (PLATFORM-NOTES), and a node per unit
 * would blend each unit's pixels every frame (docs/decisions.md).
 *
 * A render covers the tiles in view and a ring of tiles around them. Each
 * part's items get a key per tile (tile_key()); a tile whose keys did not
 * change keeps its texture, so one unit moving redraws one or two tiles,
 * not the window, and uploads 256 KB, not an image of the window. What
 * changes seldom (the basemap, the areas: "steady" parts) is drawn once
 * per tile and kept; the rest (incidents, units) is drawn over a copy.
 *
 * A render starts when a layer says its items changed (at most one in
 * flight; changes meanwhile fold into the next), when the view leaves the
 * tiles or the zoom level changes, and on a timer for layers whose look
 * changes with time alone (a fix turning stale). When all that changed is
 * where units are, the render waits for the pace of moves (MOVE_PACE_MS
 * after the last one began): fixes arriving all the time change every
 * tile of a view full of units, and each render uploads every tile again
 * and prepares every unit on the main thread, so several frames share
 * one render instead of each paying for its own. A status, a dispatch,
 * an incident or a stale fix does not wait (docs/performance.md, "Moving
 * units paced"). The worker also builds
 * each tile's point index of what it drew, so the pointer finds exactly
 * what is seen.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dozor-geo.h"
#include "dozor-raster-layer.h"
/* After GTK's own headers: GTK 4.8 exports the GL renderer's type, but
 * gsk.h leaves its header out. */
#include <gsk/gl/gskglrenderer.h>
#include "dozor-tile-source.h"
#include "dozor-tile-uploader.h"
#include "dozor-worker-pool.h"

#define TILE_SIZE 256.0
#define INDEX_CELL 32.0
/* Tiles rendered around those in view: room to pan before drawing more. */
#define RING 1
/* How long the view rests before its labels are fitted to it again. */
#define SETTLE_MS 200
/* Renders for changed items start no sooner than this many times their
 * last prepare after it: prepare() runs on the main thread, and at 50,000
 * units moving a render was asked for again as soon as one was shown, so
 * the main thread spent as much time preparing as the worker left it
 * (docs/performance.md, "50,000 units"). With a prepare of 0.1 ms the wait
 * is under a millisecond; a render for tiles the view lacks never waits. */
#define PREPARE_SHARE 8
/* Renders asked for only because units moved start no sooner than this
 * after the last render began. Positions on screen then trail the newest
 * fix applied by about the render's own time plus half of this on
 * average, against a goal of 100 ms at 50,000 units; each render spared
 * is an upload of every tile in view (256 KB each) and a prepare of every
 * unit on the main thread (docs/performance.md, "Moving units paced"). */
#define MOVE_PACE_MS 66

/* A tile whose changes cover more than this share of it is drawn whole
 * (docs/decisions.md, "Tiles patched, not redrawn"): beyond half the
 * tile most of its items would be drawn again anyway, and drawn whole it
 * may still turn out the same as its steady tile and hold that instead. A
 * judgement, not a measured threshold. */
#define PATCH_MAX_SHARE 0.5

/* nice(1) steps for renders: below the frame's threads (the main thread,
 * llvmpipe's), above the basemap's tiles (TILE_NICENESS). */
#define RENDER_NICENESS 5

/* How soon a render is owed, least to most. */
typedef enum
{
  RENDER_MOVES,   /* only positions changed: at the pace of moves */
  RENDER_CHANGES, /* something else changed: within the main thread's share */
  RENDER_MISSING, /* the view lacks tiles: at once */
} RenderNeed;

typedef struct
{
  gatomicrefcount ref_count;
  gpointer scene;
  GDestroyNotify free;
} SceneRef;

/* What one layer drew in one tile: its scene and where its items are. */
typedef struct
{
  SceneRef *scene;
  DozorPointIndex *index;
  guint64 key;               /* its part_key() in this tile */
} TilePart;

/* A tile: its pixels, and per part (bottom to top, the host last) what
 * is in it. In the cache of steady tiles only the steady parts are set. */
typedef struct _Tile Tile;
struct _Tile
{
  gatomicrefcount ref_count;
  int zoom, x, y, scale;
  guint64 key;
  guint64 steady_key;        /* the steady parts' share of key */
  gboolean complete;
  gboolean outdated;         /* main thread: its items moved since it was drawn */
  gboolean own;              /* its own pixels, which no other tile holds */
  gboolean gl_order;         /* those in GL's byte order: for a texture only */
  cairo_surface_t *surface;  /* NULL once in a texture of the board's own (tile_texture()) */
  /* A patch: @base's pixels, but inside @patch (device pixels) those of
   * @surface, whose pixels outside it are undefined; both go once the
   * base's texture is patched (tile_texture()). */
  Tile *base;
  cairo_region_t *patch;
  GdkTexture *texture;       /* main thread only: made once the tile is in view */
  gboolean board;            /* main thread only: @texture is the board's uploader's */
  GskRenderNode *node;       /* main thread only: the surface, for the cairo renderer */
  guint n_parts;
  TilePart parts[];
};

/* A tile on screen, as a render sees it. */
typedef struct
{
  guint64 key;
  Tile *tile;                /* if its texture can be patched, else NULL */
} Shown;

/* One layer's share of a render. */
typedef struct
{
  DozorRasterLayer *layer;
  DozorRasterLayerClass *klass;
  SceneRef *scene;
  guint64 generation;
} Part;

typedef struct
{
  DozorRasterView region;    /* whole tiles, at a whole zoom */
  int zoom, x0, y0, columns, rows, scale;
  int view_x0, view_y0, view_x1, view_y1; /* the tiles in view */
  gboolean gl_order;         /* for GTK's GL renderer: the tiles in GL's byte order (not
                              * when the board uploads them in cairo's) */
  GArray *parts;             /* Part, bottom to top */
  guint host;                /* the host's place among them */
  GHashTable *shown;         /* packed (x, y) → Shown, the tile on screen */
  gboolean patches;          /* tiles may be patched: the board uploads them in cairo's order */
  GHashTable *steady;        /* packed (x, y) → Tile, the steady parts' tiles */
  GPtrArray *tiles;          /* out: Tile, those drawn anew */
  GArray *outdated;          /* out: slots of tiles out of view left as they were */
  guint shared;              /* out: of those, how many hold their steady tile's image */
  guint patched;             /* out: of those, how many are patches */
  guint steady_drawn;        /* out: steady tiles drawn anew */
  guint steady_shared;       /* out: of those, how many hold the bottom part's own image */
  gboolean first;            /* the layer's first: the tiles in view, no steady parts */
} Render;

typedef struct
{
  DozorSituation *situation;
  /* Layers can share tiles: the host draws its parts' items beneath its
   * own and holds the only textures. */
  DozorRasterLayer *host;
  GPtrArray *parts;
  guint n_below;             /* parts[0..n_below) beneath the host's items, the rest over them */
  guint64 generation;        /* bumped whenever the layer asks for a render */

  GHashTable *tiles;         /* packed (x, y) → Tile on screen, at zoom */
  int zoom, x0, y0, columns, rows, scale;
  GHashTable *steady;        /* kept between renders; a render owns it while in flight */
  SceneRef *scene;           /* the newest scene on screen */
  DozorRasterView region;

  gboolean render_in_flight;
  gboolean render_wanted;
  gboolean early;            /* a render starts before the first layout (layer_size()) */
  RenderNeed render_need;    /* of the render wanted */
  gboolean moves_only;       /* in situation_changed_cb: only positions changed */
  gboolean empty;            /* nothing to show: no texture, no blend */
  guint render_idle_id;
  gint64 render_due;         /* monotonic µs when render_idle_id fires */
  gint64 prepare_started;    /* monotonic µs, of the last render */
  gint64 prepare_us;         /* how long its prepare took on this thread */
  guint refresh_id;
  guint settle_id;           /* the view moved: labels are fitted again once it rests */
  double label_size;         /* 0: the desk's */
  gboolean wall;             /* a wall's map: marks */
  DozorWallMarks marks;
  GCancellable *cancellable;
} DozorRasterLayerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DozorRasterLayer, dozor_raster_layer, SHUMATE_TYPE_LAYER)

enum
{
  PROP_0,
  PROP_SITUATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * dozor_raster_view_project:
 * @view: the image's view
 * @wx: world x, 0…1
 * @wy: world y, 0…1
 * @x: (out): logical pixels from the image's left edge
 * @y: (out): logical pixels from the image's top edge
 */
void
dozor_raster_view_project (const DozorRasterView *view,
                           double                 wx,
                           double                 wy,
                           double                *x,
                           double                *y)
{
  double world = TILE_SIZE * exp2 (view->zoom);

  *x = wx * world - view->origin_x;
  *y = wy * world - view->origin_y;
}

/**
 * dozor_raster_view_fit_label:
 * @region: the render's region, with the window's edges
 * @x: the symbol's centre, region pixels
 * @y: the symbol's centre, region pixels
 * @gap: from the centre to where a label beside it starts
 * @width: the label's width, its outline included
 * @ascent: from the baseline up to the top of its ink and outline
 * @descent: from the baseline down to the bottom of its ink and outline
 * @left: (out): where the label starts
 * @baseline: (inout): its baseline; in: where it stands beside the symbol
 *
 * Keeps a label wholly inside the window: a call sign or an incident's
 * label cut by the window's edge cannot be read, and on a wall nobody can
 * pan to it. A label goes right of its symbol; where that runs off the
 * right edge, left of it; where neither side fits (a long label in a
 * narrow window), shifted in. Near the top or bottom edge it is shifted
 * down or up, beside the symbol still. A symbol outside the window, or a
 * region with no window (a render not made for one), leaves the label
 * where it stands.
 *
 * Returns: whether the label was put anywhere but right of its symbol at
 *   its own baseline
 */
gboolean
dozor_raster_view_fit_label (const DozorRasterView *region,
                             double                 x,
                             double                 y,
                             double                 gap,
                             double                 width,
                             double                 ascent,
                             double                 descent,
                             double                *left,
                             double                *baseline)
{
  double wanted = *baseline;

  *left = x + gap;
  /* A symbol outside the window keeps its label beside it, outside too: a
   * label shown without its symbol would name nothing the room can see. */
  if (region->visible_x1 <= region->visible_x0 || region->visible_y1 <= region->visible_y0 ||
      x < region->visible_x0 || x > region->visible_x1 || y < region->visible_y0 || y > region->visible_y1)
    return FALSE;
  if (*left + width > region->visible_x1)
    {
      *left = x - gap - width;
      if (*left < region->visible_x0)
        *left = MAX (region->visible_x1 - width, region->visible_x0);
    }
  if (*baseline - ascent < region->visible_y0)
    *baseline = region->visible_y0 + ascent;
  else if (*baseline + descent > region->visible_y1)
    *baseline = region->visible_y1 - descent;
  return *left != x + gap || *baseline != wanted;
}

/* Pixels; under one, a stroke looks the same without the point. */
#define TRACE_MIN_STEP 1.0

/**
 * dozor_raster_view_trace:
 * @cr: where to draw
 * @view: the image's view
 * @part: (element-type double): world (x, y) pairs of a line or ring
 *
 * Adds @part to @cr's path, in the image's pixels. Points closer than
 * TRACE_MIN_STEP to the last one kept are left out: at city zoom a
 * district's thousand vertices are a few pixels apart, and an imported
 * file's millions more so; the stroker would only pile them up.
 */
void
dozor_raster_view_trace (cairo_t               *cr,
                         const DozorRasterView *view,
                         GArray                *part)
{
  double last_x = 0, last_y = 0;

  for (guint i = 0; i < part->len; i++)
    {
      const double *xy = &g_array_index (part, double, i * 2);
      double x, y;

      dozor_raster_view_project (view, xy[0], xy[1], &x, &y);
      if (i == 0)
        cairo_move_to (cr, x, y);
      else if (i == part->len - 1 || fabs (x - last_x) >= TRACE_MIN_STEP || fabs (y - last_y) >= TRACE_MIN_STEP)
        cairo_line_to (cr, x, y);
      else
        continue;
      last_x = x;
      last_y = y;
    }
}

static SceneRef *
scene_ref_new (gpointer       scene,
               GDestroyNotify free)
{
  SceneRef *ref = g_new0 (SceneRef, 1);

  g_atomic_ref_count_init (&ref->ref_count);
  ref->scene = scene;
  ref->free = free;
  return ref;
}

static SceneRef *
scene_ref_ref (SceneRef *ref)
{
  g_atomic_ref_count_inc (&ref->ref_count);
  return ref;
}

static void
scene_ref_unref (SceneRef *ref)
{
  if (g_atomic_ref_count_dec (&ref->ref_count))
    {
      if (ref->scene != NULL)
        ref->free (ref->scene);
      g_free (ref);
    }
}

static Tile *
tile_new (int   zoom,
          int   x,
          int   y,
          int   scale,
          guint n_parts)
{
  Tile *tile = g_malloc0 (sizeof (Tile) + n_parts * sizeof (TilePart));

  g_atomic_ref_count_init (&tile->ref_count);
  tile->zoom = zoom;
  tile->x = x;
  tile->y = y;
  tile->scale = scale;
  tile->complete = TRUE;
  tile->n_parts = n_parts;
  return tile;
}

static Tile *
tile_ref (Tile *tile)
{
  g_atomic_ref_count_inc (&tile->ref_count);
  return tile;
}

static void
tile_unref (Tile *tile)
{
  if (!g_atomic_ref_count_dec (&tile->ref_count))
    return;
  for (guint i = 0; i < tile->n_parts; i++)
    {
      g_clear_pointer (&tile->parts[i].scene, scene_ref_unref);
      g_clear_pointer (&tile->parts[i].index, dozor_point_index_unref);
    }
  g_clear_object (&tile->texture);
  g_clear_pointer (&tile->node, gsk_render_node_unref);
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_clear_pointer (&tile->patch, cairo_region_destroy);
  g_clear_pointer (&tile->base, tile_unref);
  g_free (tile);
}

static void
shown_free (Shown *shown)
{
  g_clear_pointer (&shown->tile, tile_unref);
  g_free (shown);
}

static gpointer
tile_slot (int x,
           int y)
{
  /* Zoom levels go to 20-odd, so x and y fit 24 bits each; 0 stays free. */
  return GSIZE_TO_POINTER (((gsize) (guint) x << 24 | (guint) y) + 1);
}

static GHashTable *
tile_table_new (void)
{
  return g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) tile_unref);
}

/**
 * dozor_raster_key_mix:
 * @key: a tile key so far
 * @value: something the tile shows
 *
 * Returns: @key with @value folded in (a 64-bit FNV-style mix): equal
 *   only if every value folded in was, for all practical purposes
 */
guint64
dozor_raster_key_mix (guint64 key,
                      guint64 value)
{
  key ^= value + G_GUINT64_CONSTANT (0x9e3779b97f4a7c15) + (key << 6) + (key >> 2);
  return key * G_GUINT64_CONSTANT (0x100000001b3);
}

/**
 * dozor_tile_keys_init:
 * @keys: keys to set up, all 0
 * @region: the region of the render, whole tiles
 */
void
dozor_tile_keys_init (DozorTileKeys         *keys,
                      const DozorRasterView *region)
{
  keys->region = *region;
  keys->columns = (int) round (region->width / TILE_SIZE);
  keys->rows = (int) round (region->height / TILE_SIZE);
  keys->keys = g_new0 (guint64, (gsize) keys->columns * keys->rows);
}

void
dozor_tile_keys_clear (DozorTileKeys *keys)
{
  g_clear_pointer (&keys->keys, g_free);
}

/**
 * dozor_tile_keys_range:
 * @keys: the region's keys
 * @left: an item's extent, region pixels
 * @top: an item's extent, region pixels
 * @right: an item's extent, region pixels
 * @bottom: an item's extent, region pixels
 * @c0: (out): the first column it touches
 * @r0: (out): the first row it touches
 * @c1: (out): the last column it touches
 * @r1: (out): the last row it touches
 *
 * Returns: whether the item touches a tile of the region at all
 */
gboolean
dozor_tile_keys_range (const DozorTileKeys *keys,
                       double               left,
                       double               top,
                       double               right,
                       double               bottom,
                       int                 *c0,
                       int                 *r0,
                       int                 *c1,
                       int                 *r1)
{
  if (!(right >= 0 && bottom >= 0 && left < keys->region.width && top < keys->region.height))
    return FALSE;
  *c0 = MAX ((int) floor (left / TILE_SIZE), 0);
  *r0 = MAX ((int) floor (top / TILE_SIZE), 0);
  *c1 = MIN ((int) floor (right / TILE_SIZE), keys->columns - 1);
  *r1 = MIN ((int) floor (bottom / TILE_SIZE), keys->rows - 1);
  return *c0 <= *c1 && *r0 <= *r1;
}

/**
 * dozor_tile_keys_add:
 * @keys: the region's keys
 * @left: an item's extent, region pixels
 * @top: an item's extent, region pixels
 * @right: an item's extent, region pixels
 * @bottom: an item's extent, region pixels
 * @value: what the item looks like, as a number
 */
void
dozor_tile_keys_add (DozorTileKeys *keys,
                     double         left,
                     double         top,
                     double         right,
                     double         bottom,
                     guint64        value)
{
  int c0, r0, c1, r1;

  if (!dozor_tile_keys_range (keys, left, top, right, bottom, &c0, &r0, &c1, &r1))
    return;
  for (int r = r0; r <= r1; r++)
    for (int c = c0; c <= c1; c++)
      keys->keys[r * keys->columns + c] = dozor_raster_key_mix (keys->keys[r * keys->columns + c], value);
}

/**
 * dozor_tile_keys_find:
 * @keys: the region's keys
 * @tile: a tile's view
 *
 * Returns: the tile's number in the region, row by row, or -1
 */
int
dozor_tile_keys_find (const DozorTileKeys   *keys,
                      const DozorRasterView *tile)
{
  int column = (int) round ((tile->origin_x - keys->region.origin_x) / TILE_SIZE);
  int row = (int) round ((tile->origin_y - keys->region.origin_y) / TILE_SIZE);

  if (keys->keys == NULL || column < 0 || row < 0 || column >= keys->columns || row >= keys->rows)
    return -1;
  return row * keys->columns + column;
}

/**
 * dozor_tile_keys_get:
 * @keys: the region's keys
 * @tile: a tile's view
 *
 * Returns: the tile's key, 0 outside the region
 */
guint64
dozor_tile_keys_get (const DozorTileKeys   *keys,
                     const DozorRasterView *tile)
{
  int number = dozor_tile_keys_find (keys, tile);

  return number < 0 ? 0 : keys->keys[number];
}

static void
part_clear (Part *part)
{
  g_clear_pointer (&part->scene, scene_ref_unref);
  g_clear_object (&part->layer);
}

static void
render_free (Render *render)
{
  g_array_unref (render->parts);
  g_clear_pointer (&render->shown, g_hash_table_unref);
  g_clear_pointer (&render->steady, g_hash_table_unref);
  g_clear_pointer (&render->tiles, g_ptr_array_unref);
  g_clear_pointer (&render->outdated, g_array_unref);
  g_free (render);
}

static DozorRasterView
tile_view (const Render *render,
           int           x,
           int           y)
{
  DozorRasterView view = render->region;

  view.origin_x = x * TILE_SIZE;
  view.origin_y = y * TILE_SIZE;
  view.width = TILE_SIZE;
  view.height = TILE_SIZE;
  return view;
}

/* Draws @part's items of one tile, and indexes them in the tile. */
static void
draw_part (Part                  *part,
           cairo_t               *cr,
           const DozorRasterView *view,
           TilePart              *out)
{
  out->scene = scene_ref_ref (part->scene);
  out->index = dozor_point_index_new (INDEX_CELL);
  if (part->scene->scene == NULL)
    return;
  cairo_save (cr);
  part->klass->draw (part->scene->scene, cr, view, out->index);
  cairo_restore (cr);
}

static void
draw_under (Part                  *part,
            cairo_t               *cr,
            const DozorRasterView *view)
{
  if (part->klass->draw_under == NULL || part->scene->scene == NULL)
    return;
  cairo_save (cr);
  part->klass->draw_under (part->scene->scene, cr, view);
  cairo_restore (cr);
}

static guint64
part_key (const Part            *part,
          const DozorRasterView *view,
          gboolean              *complete)
{
  if (part->scene->scene == NULL)
    return 0;
  if (part->klass->tile_key != NULL)
    return part->klass->tile_key (part->scene->scene, view, complete);
  return part->generation;
}

/* ARGB32, or RGB24 whose fourth byte is 0xff (DozorTileSource's), which
 * then compares equal to its opaque copy. */
static gboolean
four_bytes (cairo_surface_t *surface)
{
  return cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32 ||
         cairo_image_surface_get_format (surface) == CAIRO_FORMAT_RGB24;
}

/* Whether two images hold the same bytes. A tile is drawn over a copy of
 * what lies beneath it; where nothing was drawn over the copy (no unit,
 * no area in that tile), the tile holds the image beneath instead, and
 * the copy goes at once: one basemap tile of the view is then held once,
 * by DozorTileSource, not three times. Comparing costs about what the
 * copy did; nothing is decided by what the layers say they drew, so no
 * item can be lost by it. */
static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  int width = cairo_image_surface_get_width (a);
  int height = cairo_image_surface_get_height (a);
  const unsigned char *data_a = cairo_image_surface_get_data (a);
  const unsigned char *data_b = cairo_image_surface_get_data (b);

  if (a == b)
    return TRUE;
  if (cairo_image_surface_get_width (b) != width || cairo_image_surface_get_height (b) != height ||
      data_a == NULL || data_b == NULL)
    return FALSE;
  if (!four_bytes (a) || !four_bytes (b))
    return FALSE;
  for (int row = 0; row < height; row++)
    if (memcmp (data_a + (gsize) row * cairo_image_surface_get_stride (a),
                data_b + (gsize) row * cairo_image_surface_get_stride (b), (gsize) width * 4) != 0)
      return FALSE;
  return TRUE;
}

/* @tile holds @beneath instead of its own surface if they are the same. */
static gboolean
share_if_same (Tile            *tile,
               cairo_surface_t *beneath)
{
  if (beneath == NULL || tile->surface == beneath || !same_pixels (tile->surface, beneath))
    return FALSE;
  cairo_surface_destroy (tile->surface);
  tile->surface = cairo_surface_reference (beneath);
  return TRUE;
}

static const cairo_user_data_key_t pixels_key;

/* A tile's image. @cleared: transparent; otherwise its pixels are left as
 * the allocator gave them, for a tile about to be covered whole by the
 * copy of its steady tile: cairo would zero 256 KiB for nothing, once per
 * tile a render draws. */
static cairo_surface_t *
image_new (int      width,
           int      height,
           gboolean cleared)
{
  int stride = cairo_format_stride_for_width (CAIRO_FORMAT_ARGB32, width);
  guchar *pixels;
  cairo_surface_t *surface;

  if (cleared)
    return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  pixels = g_malloc ((gsize) stride * height);
  surface = cairo_image_surface_create_for_data (pixels, CAIRO_FORMAT_ARGB32, width, height, stride);
  if (cairo_surface_set_user_data (surface, &pixels_key, pixels, g_free) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_free (pixels);
      return cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
    }
  return surface;
}

static cairo_surface_t *
surface_new (int      scale,
             gboolean cleared)
{
  return image_new ((int) TILE_SIZE * scale, (int) TILE_SIZE * scale, cleared);
}

/* The steady parts of one tile, from the cache or drawn now. */
static Tile *
steady_tile (Render *render,
             int     x,
             int     y,
             guint64 key,
             gboolean complete)
{
  Tile *tile = g_hash_table_lookup (render->steady, tile_slot (x, y));
  DozorRasterView view = tile_view (render, x, y);
  cairo_t *cr;

  if (tile != NULL && tile->key == key && tile->zoom == render->zoom && tile->scale == render->scale &&
      tile->complete)
    return tile;

  tile = tile_new (render->zoom, x, y, render->scale, render->parts->len);
  tile->key = key;
  tile->complete = complete;
  tile->surface = surface_new (render->scale, TRUE);
  cr = cairo_create (tile->surface);
  cairo_scale (cr, render->scale, render->scale);
  for (guint i = 0; i < render->parts->len; i++)
    {
      Part *part = &g_array_index (render->parts, Part, i);

      if (part->klass->steady)
        draw_part (part, cr, &view, &tile->parts[i]);
    }
  cairo_destroy (cr);
  cairo_surface_flush (tile->surface);
  /* The bottom part's own image of the tile (the basemap's), if the parts
   * over it added nothing here. */
  for (guint i = 0; i < render->parts->len; i++)
    {
      Part *part = &g_array_index (render->parts, Part, i);

      if (part->klass->steady && part->klass->tile_surface != NULL && part->scene->scene != NULL)
        {
          render->steady_shared += share_if_same (tile, part->klass->tile_surface (part->scene->scene, &view));
          break;
        }
    }
  render->steady_drawn++;
  g_hash_table_replace (render->steady, tile_slot (x, y), tile);
  return tile;
}

/* Where the tile on screen, @base, differs from the tile @view is drawn
 * for now, in device pixels: the rectangles of the items that changed,
 * asked of each part that changed (tile_changes()). %NULL when it is to
 * be drawn whole: the steady parts changed, a part cannot tell where it
 * changed, or the changes cover much of it. */
static cairo_region_t *
tile_patch (Render                *render,
            Tile                  *base,
            guint64                steady_key,
            const guint64         *part_keys,
            const DozorRasterView *view)
{
  cairo_region_t *region;
  cairo_rectangle_int_t whole = { 0, 0, (int) TILE_SIZE, (int) TILE_SIZE };
  double area = 0;

  if (!render->patches || base->steady_key != steady_key || base->n_parts != render->parts->len ||
      base->zoom != render->zoom || base->scale != render->scale)
    return NULL;
  region = cairo_region_create ();
  for (guint i = 0; i < render->parts->len; i++)
    {
      Part *part = &g_array_index (render->parts, Part, i);
      const TilePart *before = &base->parts[i];

      if (part->klass->steady || before->key == part_keys[i])
        continue;
      if (part->klass->tile_changes == NULL || before->scene == NULL || before->scene->scene == NULL ||
          part->scene->scene == NULL ||
          !part->klass->tile_changes (before->scene->scene, part->scene->scene, view, region))
        {
          cairo_region_destroy (region);
          return NULL;
        }
    }
  cairo_region_intersect_rectangle (region, &whole);
  for (int i = 0; i < cairo_region_num_rectangles (region); i++)
    {
      cairo_rectangle_int_t rect;

      cairo_region_get_rectangle (region, i, &rect);
      area += (double) rect.width * rect.height;
    }
  if (area > PATCH_MAX_SHARE * TILE_SIZE * TILE_SIZE)
    {
      cairo_region_destroy (region);
      return NULL;
    }
  if (render->scale != 1)
    {
      cairo_region_t *device = cairo_region_create ();

      for (int i = 0; i < cairo_region_num_rectangles (region); i++)
        {
          cairo_rectangle_int_t rect;

          cairo_region_get_rectangle (region, i, &rect);
          rect.x *= render->scale;
          rect.y *= render->scale;
          rect.width *= render->scale;
          rect.height *= render->scale;
          cairo_region_union_rectangle (device, &rect);
        }
      cairo_region_destroy (region);
      region = device;
    }
  return region;
}

/* Draws @tile: over a copy of @steady if there is one, every part's items,
 * the host's parts in their places. A patch (@tile->patch) is drawn only
 * inside its rectangles, the rest of its surface left as allocated. */
static void
draw_tile (Render                *render,
           Tile                  *tile,
           Tile                  *steady,
           const DozorRasterView *view)
{
  cairo_t *cr;

  if (tile->patch != NULL)
    {
      cairo_rectangle_int_t extents;

      /* Only as large as the rectangles' extents: a patch's pixels outside
       * them are never read, and a whole tile's would be allocated (and
       * page-faulted) for a few symbols' worth. The device offset puts the
       * tile's pixels where they belong. */
      cairo_region_get_extents (tile->patch, &extents);
      tile->surface = image_new (MAX (extents.width, 1), MAX (extents.height, 1), FALSE);
      cairo_surface_set_device_offset (tile->surface, -extents.x, -extents.y);
    }
  else
    tile->surface = surface_new (render->scale, steady == NULL);
  cr = cairo_create (tile->surface);
  if (tile->patch != NULL)
    {
      for (int i = 0; i < cairo_region_num_rectangles (tile->patch); i++)
        {
          cairo_rectangle_int_t rect;

          cairo_region_get_rectangle (tile->patch, i, &rect);
          cairo_rectangle (cr, rect.x, rect.y, rect.width, rect.height);
        }
      cairo_clip (cr);
      if (steady == NULL)
        {
          cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
          cairo_paint (cr);
          cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
        }
    }
  if (steady != NULL)
    {
      /* Opaque where the basemap is: a copy, not a blend. */
      cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
      cairo_set_source_surface (cr, steady->surface, 0, 0);
      cairo_paint (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
    }
  cairo_scale (cr, render->scale, render->scale);
  for (guint i = 0; i < render->parts->len; i++)
    {
      Part *part = &g_array_index (render->parts, Part, i);

      /* What a part over the host keeps beneath the host's items (lines
       * under symbols) goes just before them; a part beneath the host
       * draws it just before its own items. */
      if (i == render->host)
        for (guint j = i + 1; j < render->parts->len; j++)
          draw_under (&g_array_index (render->parts, Part, j), cr, view);
      else if (i < render->host)
        draw_under (part, cr, view);
      if (!part->klass->steady)
        draw_part (part, cr, view, &tile->parts[i]);
      else if (steady != NULL && steady->parts[i].scene != NULL)
        {
          tile->parts[i].scene = scene_ref_ref (steady->parts[i].scene);
          tile->parts[i].index = dozor_point_index_ref (steady->parts[i].index);
        }
    }
  cairo_destroy (cr);
  cairo_surface_flush (tile->surface);
  if (tile->patch == NULL && steady != NULL && share_if_same (tile, steady->surface))
    render->shared++;
  else
    {
      tile->own = TRUE;
      if (render->gl_order)
        {
          /* Only a texture reads its pixels from now on. */
          dozor_surface_to_gl_order (tile->surface);
          tile->gl_order = TRUE;
        }
    }
}

static void
render_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Render *render = task_data;
  /* Each part's key in the tile being drawn, kept in the tile. */
  g_autofree guint64 *part_keys = g_new (guint64, render->parts->len);
  gboolean any_steady = FALSE;
  GHashTableIter iter;
  gpointer slot;
  Tile *tile;

  for (guint i = 0; i < render->parts->len; i++)
    {
      Part *part = &g_array_index (render->parts, Part, i);

      any_steady |= part->klass->steady && !render->first;
      if (part->klass->layout != NULL && part->scene->scene != NULL)
        part->klass->layout (part->scene->scene, &render->region);
    }

  for (int row = 0; row < render->rows && !g_cancellable_is_cancelled (cancellable); row++)
    for (int column = 0; column < render->columns; column++)
      {
        int x = render->x0 + column, y = render->y0 + row;
        DozorRasterView view = tile_view (render, x, y);
        guint64 steady_key = dozor_raster_key_mix (render->zoom, render->scale), key;
        gboolean complete = TRUE;
        cairo_region_t *patch = NULL;
        Tile *steady = NULL;
        Shown *shown = NULL;

        for (guint i = 0; i < render->parts->len; i++)
          {
            Part *part = &g_array_index (render->parts, Part, i);

            if (part->klass->steady)
              {
                part_keys[i] = part_key (part, &view, &complete);
                steady_key = dozor_raster_key_mix (steady_key, part_keys[i]);
              }
          }
        /* Drawn again whole by the next render. */
        complete &= !render->first;
        key = steady_key;
        for (guint i = 0; i < render->parts->len; i++)
          {
            Part *part = &g_array_index (render->parts, Part, i);

            if (!part->klass->steady)
              {
                part_keys[i] = part_key (part, &view, &complete);
                key = dozor_raster_key_mix (key, part_keys[i]);
              }
          }
        if (complete && render->shown != NULL &&
            (shown = g_hash_table_lookup (render->shown, tile_slot (x, y))) != NULL)
          {
            /* The tile on screen shows this already. */
            if (shown->key == key)
              continue;
            /* Out of view, a tile is drawn anew only once it comes into
             * view: while thousands of units move, the ring around the
             * view would double the work. */
            if (x < render->view_x0 || y < render->view_y0 || x > render->view_x1 || y > render->view_y1)
              {
                gpointer ring_slot = tile_slot (x, y);

                g_array_append_val (render->outdated, ring_slot);
                continue;
              }
          }

        if (any_steady)
          steady = steady_tile (render, x, y, steady_key, complete);
        if (complete && shown != NULL && shown->tile != NULL)
          patch = tile_patch (render, shown->tile, steady_key, part_keys, &view);

        tile = tile_new (render->zoom, x, y, render->scale, render->parts->len);
        tile->key = key;
        tile->steady_key = steady_key;
        tile->complete = complete;
        for (guint i = 0; i < render->parts->len; i++)
          tile->parts[i].key = part_keys[i];
        if (patch != NULL)
          {
            tile->base = tile_ref (shown->tile);
            tile->patch = patch;
            render->patched++;
          }
        draw_tile (render, tile, steady, &view);
        g_ptr_array_add (render->tiles, tile);
      }
  /* The steady tiles kept are those of this region. */
  g_hash_table_iter_init (&iter, render->steady);
  while (g_hash_table_iter_next (&iter, &slot, (gpointer *) &tile))
    if (tile->zoom != render->zoom || tile->x < render->x0 || tile->y < render->y0 ||
        tile->x >= render->x0 + render->columns || tile->y >= render->y0 + render->rows)
      g_hash_table_iter_remove (&iter);

  g_task_return_boolean (task, TRUE);
}

static void start_render (DozorRasterLayer *self);
static void queue_host_render_full (DozorRasterLayer *self,
                                    RenderNeed        need);

static void
part_shown (Part *part)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (part->layer);

  g_clear_pointer (&priv->scene, scene_ref_unref);
  priv->scene = scene_ref_ref (part->scene);
  gtk_widget_queue_draw (GTK_WIDGET (part->layer));
  if (part->klass->shown != NULL)
    part->klass->shown (part->layer, priv->scene->scene);
}

static void
render_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (source);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  Render *render = g_task_get_task_data (G_TASK (result));
  GHashTableIter iter;
  Tile *tile;

  priv->render_in_flight = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  g_clear_pointer (&priv->steady, g_hash_table_unref);
  priv->steady = g_steal_pointer (&render->steady);

  if (render->zoom != priv->zoom || render->scale != priv->scale)
    g_hash_table_remove_all (priv->tiles);
  priv->zoom = render->zoom;
  priv->scale = render->scale;
  priv->x0 = render->x0;
  priv->y0 = render->y0;
  priv->columns = render->columns;
  priv->rows = render->rows;
  priv->region = render->region;

  /* Tiles that left the region go; those drawn anew replace theirs. */
  g_hash_table_iter_init (&iter, priv->tiles);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tile))
    if (tile->x < priv->x0 || tile->y < priv->y0 || tile->x >= priv->x0 + priv->columns ||
        tile->y >= priv->y0 + priv->rows)
      g_hash_table_iter_remove (&iter);
  for (guint i = 0; i < render->tiles->len; i++)
    {
      /* Its texture is made once it comes into view (tile_texture()). */
      tile = tile_ref (render->tiles->pdata[i]);
      g_hash_table_replace (priv->tiles, tile_slot (tile->x, tile->y), tile);
    }

  /* Tests read this line (board-tile-copies); keep its wording. */
  if (render->tiles->len > 0)
    g_debug ("Tiles drawn: %u, %u holding their steady tile's image; steady tiles drawn: %u, %u holding the "
             "basemap's; patches: %u", render->tiles->len, render->shared, render->steady_drawn,
             render->steady_shared, render->patched);

  for (guint i = 0; i < render->outdated->len; i++)
    {
      tile = g_hash_table_lookup (priv->tiles, g_array_index (render->outdated, gpointer, i));
      if (tile != NULL)
        tile->outdated = TRUE;
    }

  for (guint i = 0; i < render->parts->len; i++)
    part_shown (&g_array_index (render->parts, Part, i));

  if (priv->render_wanted || render->first)
    queue_host_render_full (self, render->first ? RENDER_MISSING : priv->render_need);
}

/* The layer's size: its allocation, or, for a render started before the
 * window's first layout (queue_host_render_full()), the window's default
 * size, which the map, a part of the window, does not exceed. */
static gboolean
layer_size (DozorRasterLayer *self,
            int              *width,
            int              *height)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GtkRoot *root;

  *width = gtk_widget_get_width (widget);
  *height = gtk_widget_get_height (widget);
  if (*width > 0 && *height > 0)
    return TRUE;
  root = gtk_widget_get_root (widget);
  if (!priv->early || !GTK_IS_WINDOW (root) || gtk_widget_get_realized (GTK_WIDGET (root)))
    return FALSE;
  gtk_window_get_default_size (GTK_WINDOW (root), width, height);
  return *width > 0 && *height > 0;
}

/* Where the view is: centre in world pixels at the current zoom. */
static void
view_centre (DozorRasterLayer *self,
             double           *zoom,
             double           *cx,
             double           *cy)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  double wx, wy;

  *zoom = shumate_viewport_get_zoom_level (viewport);
  dozor_geo_lon_lat_to_world (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)),
                              shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), &wx, &wy);
  *cx = wx * TILE_SIZE * exp2 (*zoom);
  *cy = wy * TILE_SIZE * exp2 (*zoom);
}

/* The tiles at @level that the view shows now, and at @ring tiles around. */
static void
view_tiles (DozorRasterLayer *self,
            int               level,
            int               ring,
            int              *x0,
            int              *y0,
            int              *x1,
            int              *y1)
{
  double zoom, cx, cy, s, left, top;
  int last = (1 << CLAMP (level, 0, 30)) - 1, width, height;

  layer_size (self, &width, &height);
  view_centre (self, &zoom, &cx, &cy);
  s = exp2 (level - zoom);
  left = (cx - width / 2.0) * s;
  top = (cy - height / 2.0) * s;
  *x0 = CLAMP ((int) floor (left / TILE_SIZE) - ring, 0, last);
  *y0 = CLAMP ((int) floor (top / TILE_SIZE) - ring, 0, last);
  *x1 = CLAMP ((int) floor ((left + width * s - 1e-6) / TILE_SIZE) + ring, 0, last);
  *y1 = CLAMP ((int) floor ((top + height * s - 1e-6) / TILE_SIZE) + ring, 0, last);
}

/* The window's edges in @region's pixels at zoom @level, now. */
static void
visible_rect (DozorRasterLayer *self,
              int               level,
              DozorRasterView  *region)
{
  double zoom, cx, cy, s;
  int width, height;

  layer_size (self, &width, &height);
  view_centre (self, &zoom, &cx, &cy);
  s = exp2 (level - zoom);
  region->visible_x0 = (cx - width / 2.0) * s - region->origin_x;
  region->visible_y0 = (cy - height / 2.0) * s - region->origin_y;
  region->visible_x1 = region->visible_x0 + width * s;
  region->visible_y1 = region->visible_y0 + height * s;
}

/* Tiles exist at whole zoom levels; between them the nearer is scaled. */
static int
zoom_level (DozorRasterLayer *self)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));

  return (int) CLAMP (round (shumate_viewport_get_zoom_level (viewport)), 0, 24);
}

/* The layer drawn @i-th, bottom to top, in @self's image. */
static DozorRasterLayer *
part_layer (DozorRasterLayer *self,
            guint             i)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  if (i < priv->n_below)
    return priv->parts->pdata[i];
  return i == priv->n_below ? self : priv->parts->pdata[i - 1];
}

/* Whether @widget's window draws with GTK's GL renderer: known once the
 * window is realized. */
static gboolean
draws_with_gl (GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);

  return native != NULL && GSK_IS_GL_RENDERER (gtk_native_get_renderer (native));
}

/* Whether @tile can be drawn by GTK's GL renderer only: its pixels are in
 * GL's order, or in a texture of the board's own and gone from memory. */
static gboolean
tile_needs_gl (const Tile *tile)
{
  return tile->gl_order || tile->surface == NULL || tile->patch != NULL;
}

static void
start_render (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterLayerClass *klass = DOZOR_RASTER_LAYER_GET_CLASS (self);
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GTask) task = NULL;
  DozorTileUploader *uploader;
  Render *render;
  int x1, y1, width, height;
  GHashTableIter iter;
  gboolean gl;
  Tile *tile;

  if (!layer_size (self, &width, &height))
    return;

  priv->render_wanted = FALSE;
  priv->render_in_flight = TRUE;

  render = g_new0 (Render, 1);
  render->parts = g_array_new (FALSE, TRUE, sizeof (Part));
  g_array_set_clear_func (render->parts, (GDestroyNotify) part_clear);
  render->zoom = zoom_level (self);
  render->scale = gtk_widget_get_scale_factor (widget);
  /* The layer's first render (nothing drawn yet: a cold start) draws the
   * units and what goes over them in the tiles in view alone, and the
   * next, asked for as soon as it is shown, draws them whole with the
   * ring around them. The steady parts (the areas, stroked per tile)
   * took two thirds of that render's worker and the ring more than
   * doubles a desk's tiles; the worker gets a fraction of a core while
   * GTK paints the first frame, so the units came only after all of it
   * (docs/performance.md, "coldfirst"). Until then libshumate's tile
   * layer shows the map beneath, as it does until the basemap's tiles
   * are composed. With no units there is nothing to show first. */
  render->first = priv->zoom < 0 && priv->situation != NULL && dozor_situation_get_units (priv->situation)->len > 0;
  /* Until the window is realized (a cold start's first render) cairo's
   * order, which every renderer takes; after, cairo's too if the board
   * uploads the tiles and GL takes that order as it is. */
  gl = draws_with_gl (widget);
  uploader = gl ? dozor_tile_uploader_get_for_display (gtk_widget_get_display (widget)) : NULL;
  render->gl_order = gl && (uploader == NULL || !dozor_tile_uploader_takes_cairo_order (uploader));
  render->patches = gl && !render->gl_order;
  view_tiles (self, render->zoom, render->first ? 0 : RING, &render->x0, &render->y0, &x1, &y1);
  view_tiles (self, render->zoom, 0, &render->view_x0, &render->view_y0, &render->view_x1, &render->view_y1);
  render->columns = x1 - render->x0 + 1;
  render->rows = y1 - render->y0 + 1;
  render->region.zoom = render->zoom;
  render->region.origin_x = render->x0 * TILE_SIZE;
  render->region.origin_y = render->y0 * TILE_SIZE;
  render->region.width = render->columns * TILE_SIZE;
  render->region.height = render->rows * TILE_SIZE;
  visible_rect (self, render->zoom, &render->region);
  /* A replay's map reckons stale fixes and waits from its moment. */
  render->region.now = priv->situation != NULL ? dozor_situation_get_now (priv->situation) : g_get_real_time ();
  render->tiles = g_ptr_array_new_with_free_func ((GDestroyNotify) tile_unref);
  render->outdated = g_array_new (FALSE, FALSE, sizeof (gpointer));
  render->steady = priv->steady != NULL ? g_steal_pointer (&priv->steady) : tile_table_new ();
  render->host = priv->n_below;
  if (render->zoom == priv->zoom && render->scale == priv->scale)
    {
      render->shown = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, (GDestroyNotify) shown_free);
      g_hash_table_iter_init (&iter, priv->tiles);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tile))
        /* A tile only GL can draw is drawn again for another renderer. */
        if (tile->complete && (gl || !tile_needs_gl (tile)))
          {
            Shown *shown = g_new (Shown, 1);

            shown->key = tile->key;
            /* Its texture, the uploader's, can be patched; the worker reads
             * only what does not change once the tile is made. */
            shown->tile = render->patches && tile->board ? tile_ref (tile) : NULL;
            g_hash_table_insert (render->shown, tile_slot (tile->x, tile->y), shown);
          }
    }

  priv->empty = TRUE;
  priv->prepare_started = g_get_monotonic_time ();
  for (guint i = 0; i <= priv->parts->len; i++)
    {
      DozorRasterLayer *layer = part_layer (self, i);
      DozorRasterLayerPrivate *layer_priv = dozor_raster_layer_get_instance_private (layer);
      Part part = { g_object_ref (layer), DOZOR_RASTER_LAYER_GET_CLASS (layer), NULL, layer_priv->generation };
      gpointer scene = part.klass->prepare (layer, &render->region);

      part.scene = scene_ref_new (scene, part.klass->free_scene);
      if (scene != NULL)
        priv->empty = FALSE;
      g_array_append_val (render->parts, part);
    }
  priv->prepare_us = g_get_monotonic_time () - priv->prepare_started;

  /* A layer with nothing to draw (a preview not in use) shows no texture
   * at all: even transparent tiles would cost a blend a frame. */
  if (priv->empty)
    {
      for (guint i = 0; i < render->parts->len; i++)
        part_shown (&g_array_index (render->parts, Part, i));
      g_hash_table_remove_all (priv->tiles);
      priv->steady = g_steal_pointer (&render->steady);
      g_hash_table_remove_all (priv->steady);
      priv->zoom = -1;
      priv->render_in_flight = FALSE;
      render_free (render);
      gtk_widget_queue_draw (widget);
      return;
    }

  task = g_task_new (self, priv->cancellable, render_done_cb, NULL);
  g_task_set_source_tag (task, start_render);
  /* Renders queued together run most urgent first: the units', then the
   * incidents', then the areas'. */
  g_task_set_priority (task, klass->render_priority);
  g_task_set_task_data (task, render, (GDestroyNotify) render_free);
  /* Threads of their own, one per core: a wall's views render side by side. */
  dozor_worker_pool_run (dozor_worker_pool_get (RENDER_NICENESS), task, render_in_thread);
}

static gboolean
render_idle_cb (gpointer user_data)
{
  DozorRasterLayer *self = user_data;
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  priv->render_idle_id = 0;
  priv->render_due = 0;
  if (!priv->render_in_flight)
    start_render (self);
  return G_SOURCE_REMOVE;
}

/* @need: how soon. A render for moves waits for MOVE_PACE_MS after the
 * last began, one for other changes for the main thread's share
 * (PREPARE_SHARE); one for tiles the view lacks does not wait. A need
 * that comes while a render waits brings it forward, never back. */
static void
queue_host_render_full (DozorRasterLayer *self,
                        RenderNeed        need)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  gint64 now = g_get_monotonic_time ();
  gint64 due = now;

  if (!priv->render_wanted || need > priv->render_need)
    priv->render_need = need;
  priv->render_wanted = TRUE;
  if (priv->render_in_flight)
    return;
  /* A cold start: the local copy is put into the situation before the
   * window is first shown, and GTK then realizes it (GL set-up, shaders)
   * on this thread for hundreds of milliseconds before it lays the map
   * out. Started now, for the window's default size, the first render's
   * worker draws the units meanwhile, and the first frame can show them
   * instead of the one after it (docs/performance.md, "early"). */
  if (priv->zoom < 0 && gtk_widget_get_width (GTK_WIDGET (self)) <= 0 && priv->situation != NULL &&
      dozor_situation_get_units (priv->situation)->len > 0)
    {
      int width, height;

      priv->early = TRUE;
      if (layer_size (self, &width, &height))
        {
          g_clear_handle_id (&priv->render_idle_id, g_source_remove);
          priv->render_due = 0;
          /* board-cold-start reads this line. */
          g_debug ("Render started before the window's first layout, for %d×%d", width, height);
          start_render (self);
        }
      priv->early = FALSE;
      if (priv->render_in_flight)
        return;
    }
  if (need <= RENDER_CHANGES)
    due = MAX (due, priv->prepare_started + PREPARE_SHARE * priv->prepare_us);
  if (need == RENDER_MOVES)
    due = MAX (due, priv->prepare_started + MOVE_PACE_MS * 1000);
  if (priv->render_idle_id != 0)
    {
      if (priv->render_due < due + 1000)
        return;
      g_clear_handle_id (&priv->render_idle_id, g_source_remove);
    }
  /* Not an idle priority: while a pan keeps every frame busy, idles never
   * run, and units would stand still on screen until the pan ends. */
  priv->render_due = due;
  if (due - now >= 1000)
    priv->render_idle_id = g_timeout_add_full (G_PRIORITY_DEFAULT, (due - now) / 1000, render_idle_cb, self, NULL);
  else
    priv->render_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, render_idle_cb, self, NULL);
}

static void
queue_host_render (DozorRasterLayer *self)
{
  queue_host_render_full (self, RENDER_CHANGES);
}

/**
 * dozor_raster_layer_queue_render:
 * @self: a #DozorRasterLayer
 *
 * What the layer shows has changed: draw the tiles it changed soon.
 */
void
dozor_raster_layer_queue_render (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  priv->generation++;
  queue_host_render_full (priv->host != NULL ? priv->host : self,
                          priv->moves_only ? RENDER_MOVES : RENDER_CHANGES);
}

static gboolean
refresh_cb (gpointer user_data)
{
  dozor_raster_layer_queue_render (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * dozor_raster_layer_set_refresh_seconds:
 * @self: a #DozorRasterLayer
 * @seconds: how often to draw anew with nothing changed, 0 for never
 */
void
dozor_raster_layer_set_refresh_seconds (DozorRasterLayer *self,
                                        guint             seconds)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  g_clear_handle_id (&priv->refresh_id, g_source_remove);
  if (seconds > 0)
    priv->refresh_id = g_timeout_add_seconds (seconds, refresh_cb, self);
}

/**
 * dozor_raster_layer_set_label_size:
 * @self: a #DozorRasterLayer
 * @size: the font size in pixels of the labels it draws (a wall's, from its
 *   viewing distance), or 0 for the desk's
 */
void
dozor_raster_layer_set_label_size (DozorRasterLayer *self,
                                   double            size)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  if (priv->label_size == size)
    return;
  priv->label_size = size;
  dozor_raster_layer_queue_render (self);
}

/**
 * dozor_raster_layer_get_label_size:
 * @self: a #DozorRasterLayer
 *
 * Returns: the labels' font size in pixels, %DOZOR_RASTER_DESK_LABEL_SIZE
 *   unless a wall set its own
 */
double
dozor_raster_layer_get_label_size (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  return priv->label_size > 0 ? priv->label_size : DOZOR_RASTER_DESK_LABEL_SIZE;
}

/**
 * dozor_raster_layer_set_wall_marks:
 * @self: a #DozorRasterLayer
 * @marks: (nullable): a wall's rule for what waits or stays too long, or
 *   %NULL for a desk
 *
 * On a wall, layers label and mark what the room must see from afar
 * (docs/wall.md, "The map on a wall").
 */
void
dozor_raster_layer_set_wall_marks (DozorRasterLayer     *self,
                                   const DozorWallMarks *marks)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  priv->wall = marks != NULL;
  if (marks != NULL)
    priv->marks = *marks;
  dozor_raster_layer_queue_render (self);
}

/**
 * dozor_raster_layer_get_wall_marks:
 * @self: a #DozorRasterLayer
 *
 * Returns: (nullable): the wall's marks, or %NULL on a desk
 */
const DozorWallMarks *
dozor_raster_layer_get_wall_marks (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  return priv->wall ? &priv->marks : NULL;
}

/* Where the tiles' world pixel (0, 0) is in this widget now, and how much
 * tiles are scaled: the view may be between zoom levels. */
static void
tile_placement (DozorRasterLayer *self,
                double           *left,
                double           *top,
                double           *s)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  double zoom, cx, cy;

  view_centre (self, &zoom, &cx, &cy);
  *s = exp2 (zoom - priv->zoom);
  *left = -(cx - gtk_widget_get_width (widget) / 2.0);
  *top = -(cy - gtk_widget_get_height (widget) / 2.0);
}

static gboolean
settle_cb (gpointer user_data)
{
  DozorRasterLayer *self = user_data;
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  priv->settle_id = 0;
  queue_host_render (self);
  return G_SOURCE_REMOVE;
}

/* Labels are fitted inside the window as it was when the tiles were
 * drawn. Once a pan or a wall's flight has rested a moment, the tiles are
 * drawn again for the window as it is: only those whose labels move
 * change (the tile keys), and a pan is not slowed by a render per frame. */
static void
watch_settle (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterView now = priv->region;

  visible_rect (self, priv->zoom, &now);
  if (fabs (now.visible_x0 - priv->region.visible_x0) < 0.5 && fabs (now.visible_y0 - priv->region.visible_y0) < 0.5 &&
      fabs (now.visible_x1 - priv->region.visible_x1) < 0.5 && fabs (now.visible_y1 - priv->region.visible_y1) < 0.5)
    {
      g_clear_handle_id (&priv->settle_id, g_source_remove);
      return;
    }
  g_clear_handle_id (&priv->settle_id, g_source_remove);
  priv->settle_id = g_timeout_add (SETTLE_MS, settle_cb, self);
}

/* GTK's cairo renderer draws a texture node by converting the texture
 * into a new cairo image every frame (gdk_texture_download_surface):
 * with 256-pixel tiles, over glibc's mmap threshold (app/dozor-memory.c),
 * each is a fresh mapping whose pages fault in, and a conversion loop,
 * for every tile of every layer at every frame; a 4K wall spent a third of
 * its time there. A cairo node painting the tile's own surface is drawn
 * with no copy. It is made once per tile and kept, so that GTK's diff of
 * two frames finds the tiles that did not change the same, as it does
 * their textures. Its bounds are the tile's own, from 0,0, and the
 * snapshot moves it into place: the recording surface inside a cairo
 * node holds coordinates in cairo's 24.8 fixed point, and a tile's place
 * in the world passes 2^23 pixels from zoom 16 (the map was empty
 * there). */
static GskRenderNode *
tile_node (Tile *tile)
{
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, TILE_SIZE, TILE_SIZE);
  double k;
  cairo_t *cr;

  if (tile->node != NULL)
    return tile->node;
  tile->node = gsk_cairo_node_new (&bounds);
  cr = gsk_cairo_node_get_draw_context (tile->node);
  k = TILE_SIZE / cairo_image_surface_get_width (tile->surface);
  cairo_rectangle (cr, 0, 0, TILE_SIZE, TILE_SIZE);
  cairo_scale (cr, k, k);
  cairo_set_source_surface (cr, tile->surface, 0, 0);
  /* As GTK draws a texture: its edge pixels extended, so that no seam
   * shows between two tiles at a fractional offset. */
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_fill (cr);
  cairo_destroy (cr);
  return tile->node;
}

/* @tile's texture, made the first time it is in view. A tile with pixels
 * of its own goes into a texture of the board's own when the display gives
 * a GL context for it (@uploader, begun by the first upload of a frame:
 * *@begun) that takes them in their order, and its pixels are freed at
 * once: a GdkMemoryTexture would keep them beside the driver's copy
 * (app/map/dozor-tile-uploader.c). Any other tile's texture takes its
 * pixels as they are, no copy, and the tile keeps its surface too, for the
 * cairo renderer (tile_node()). */
static GdkTexture *
tile_texture (Tile              *tile,
              DozorTileUploader *uploader,
              gboolean          *begun,
              guint             *n_uploaded)
{
  if (tile->texture != NULL)
    return tile->texture;
  if (tile->patch != NULL)
    {
      /* The tile it replaces is drawn no more: its texture takes the
       * patch, and this tile gets a texture of its own for the same
       * pixels. Its base has one (start_render() gave the render only
       * those), so this fails only if GL refused the writes. */
      if (uploader != NULL && tile->base->texture != NULL)
        {
          if (!*begun)
            dozor_tile_uploader_begin (uploader);
          *begun = TRUE;
          tile->texture = dozor_tile_uploader_patch (uploader, tile->base->texture, tile->surface, tile->patch);
        }
      if (tile->texture == NULL)
        return NULL;
      tile->board = TRUE;
      g_clear_pointer (&tile->surface, cairo_surface_destroy);
      g_clear_pointer (&tile->patch, cairo_region_destroy);
      g_clear_pointer (&tile->base, tile_unref);
      ++*n_uploaded;
      return tile->texture;
    }
  if (tile->own && uploader != NULL && (tile->gl_order || dozor_tile_uploader_takes_cairo_order (uploader)))
    {
      if (!*begun)
        dozor_tile_uploader_begin (uploader);
      *begun = TRUE;
      tile->texture = dozor_tile_uploader_upload (uploader, tile->surface, tile->gl_order);
      if (tile->texture != NULL)
        {
          tile->board = TRUE;
          g_clear_pointer (&tile->surface, cairo_surface_destroy);
          ++*n_uploaded;
          return tile->texture;
        }
    }
  tile->texture = tile->gl_order ? dozor_texture_new_for_gl_order (tile->surface)
                                 : dozor_texture_new_for_surface (tile->surface);
  return tile->texture;
}

static void
dozor_raster_layer_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (widget);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  double s, left, top;
  int x0, y0, x1, y1;
  gboolean missing = FALSE, cairo_renderer, begun = FALSE;
  DozorTileUploader *uploader = NULL;
  guint n_uploaded = 0;
  GtkNative *native;

  /* A part's items are in its host's tiles. */
  if (priv->host != NULL || (priv->empty && !priv->render_wanted))
    return;

  /* Nothing drawn yet: the first render may already be under way (started
   * at the first size allocation); asking again would draw it twice. */
  if (priv->zoom < 0)
    {
      if (!priv->render_in_flight)
        queue_host_render_full (self, RENDER_MISSING);
      return;
    }

  view_tiles (self, priv->zoom, 0, &x0, &y0, &x1, &y1);
  if (zoom_level (self) != priv->zoom || priv->scale != gtk_widget_get_scale_factor (widget) ||
      x0 < priv->x0 || y0 < priv->y0 || x1 >= priv->x0 + priv->columns || y1 >= priv->y0 + priv->rows)
    missing = TRUE;

  native = gtk_widget_get_native (widget);
  cairo_renderer = native != NULL && GSK_IS_CAIRO_RENDERER (gtk_native_get_renderer (native));
  if (draws_with_gl (widget))
    uploader = dozor_tile_uploader_get_for_display (gtk_widget_get_display (widget));
  tile_placement (self, &left, &top, &s);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (left, top));
  gtk_snapshot_scale (snapshot, s, s);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        Tile *tile = g_hash_table_lookup (priv->tiles, tile_slot (x, y));

        if (tile == NULL || tile->outdated || (cairo_renderer && tile_needs_gl (tile)))
          missing = TRUE;
        if (tile == NULL || (cairo_renderer && tile_needs_gl (tile)))
          continue;
        if (cairo_renderer)
          {
            gtk_snapshot_save (snapshot);
            gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x * TILE_SIZE, y * TILE_SIZE));
            gtk_snapshot_append_node (snapshot, tile_node (tile));
            gtk_snapshot_restore (snapshot);
          }
        else
          {
            GdkTexture *texture = tile_texture (tile, uploader, &begun, &n_uploaded);

            if (texture == NULL)
              {
                /* A patch that could not be applied: its base meanwhile,
                 * and the tile drawn whole by the next render. */
                texture = tile->base->texture;
                tile->complete = FALSE;
                missing = TRUE;
              }
            if (texture != NULL)
              gtk_snapshot_append_texture (snapshot, texture,
                                           &GRAPHENE_RECT_INIT (x * TILE_SIZE, y * TILE_SIZE, TILE_SIZE, TILE_SIZE));
          }
      }
  gtk_snapshot_restore (snapshot);
  if (begun)
    {
      dozor_tile_uploader_end (uploader);
      /* Tests read this line (board-tile-copies); keep its wording. */
      if (n_uploaded > 0)
        g_debug ("Tiles uploaded by the board: %u; its textures alive: %u; written over: %u in all, patched: %u",
                 n_uploaded, dozor_tile_uploader_get_n_live (uploader), dozor_tile_uploader_get_n_reused (uploader),
                 dozor_tile_uploader_get_n_patched (uploader));
    }

  if (missing)
    queue_host_render_full (self, RENDER_MISSING);
  else
    watch_settle (self);
}

/* The tile under a point of the widget, and the point in it. */
static Tile *
tile_at (DozorRasterLayer *self,
         double            x,
         double            y,
         double           *tx,
         double           *ty,
         double           *s)
{
  DozorRasterLayer *host = self;
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  double left, top, px, py;

  if (priv->host != NULL)
    host = priv->host;
  priv = dozor_raster_layer_get_instance_private (host);
  if (priv->zoom < 0)
    return NULL;
  tile_placement (host, &left, &top, s);
  px = (x - left) / *s;
  py = (y - top) / *s;
  *tx = px - floor (px / TILE_SIZE) * TILE_SIZE;
  *ty = py - floor (py / TILE_SIZE) * TILE_SIZE;
  return g_hash_table_lookup (priv->tiles, tile_slot ((int) floor (px / TILE_SIZE), (int) floor (py / TILE_SIZE)));
}

/* Which of a host's parts @self is, bottom to top: the host itself comes
 * after the parts beneath it (part_layer()). */
static int
part_number (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterLayerPrivate *host;
  guint i;

  if (priv->host == NULL)
    return priv->n_below;
  host = dozor_raster_layer_get_instance_private (priv->host);
  if (!g_ptr_array_find (host->parts, self, &i))
    return -1;
  return i < host->n_below ? (int) i : (int) i + 1;
}

/**
 * dozor_raster_layer_pick:
 * @self: a #DozorRasterLayer
 * @x: a point in the widget
 * @y: a point in the widget
 * @slop: extra reach, logical pixels
 * @scene: (out) (optional) (transfer none): the scene the item belongs to
 * @item: (out): the item's number, as the subclass's draw() added it
 *
 * Returns: whether something shown on screen is there
 */
gboolean
dozor_raster_layer_pick (DozorRasterLayer *self,
                         double            x,
                         double            y,
                         double            slop,
                         gpointer         *scene,
                         guint            *item)
{
  int number = part_number (self);
  double tx, ty, s;
  Tile *tile = tile_at (self, x, y, &tx, &ty, &s);
  TilePart *part;

  if (tile == NULL || number < 0 || (guint) number >= tile->n_parts)
    return FALSE;
  part = &tile->parts[number];
  /* An item near a tile's edge is drawn, and indexed, in both tiles. */
  if (part->index == NULL || part->scene == NULL || part->scene->scene == NULL ||
      !dozor_point_index_find (part->index, tx, ty, slop / s, item))
    return FALSE;
  if (scene != NULL)
    *scene = part->scene->scene;
  return TRUE;
}

/**
 * dozor_raster_layer_get_shown_scene:
 * @self: a #DozorRasterLayer
 *
 * Returns: (transfer none) (nullable): the scene of the newest tiles on
 *   screen
 */
gpointer
dozor_raster_layer_get_shown_scene (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  return priv->scene != NULL ? priv->scene->scene : NULL;
}

/**
 * dozor_raster_layer_covers_view:
 * @self: a #DozorRasterLayer, or one of its host's parts
 *
 * Returns: whether the host's tiles cover the whole view at its zoom, each
 *   with everything it should show (no basemap tile missing)
 */
gboolean
dozor_raster_layer_covers_view (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterLayer *host = priv->host != NULL ? priv->host : self;
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (host));
  int x0, y0, x1, y1;

  priv = dozor_raster_layer_get_instance_private (host);
  if (priv->zoom < 0 || fabs (shumate_viewport_get_zoom_level (viewport) - priv->zoom) > 1e-9 ||
      !gtk_widget_get_visible (GTK_WIDGET (host)) || !gtk_widget_get_mapped (GTK_WIDGET (host)) ||
      gtk_widget_get_width (GTK_WIDGET (host)) <= 0)
    return FALSE;

  view_tiles (host, priv->zoom, 0, &x0, &y0, &x1, &y1);
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        Tile *tile = g_hash_table_lookup (priv->tiles, tile_slot (x, y));

        if (tile == NULL || !tile->complete)
          return FALSE;
      }
  return TRUE;
}

/**
 * dozor_raster_layer_to_widget:
 * @self: a #DozorRasterLayer
 * @lat: latitude
 * @lon: longitude
 * @x: (out): where that is in the widget now
 * @y: (out): where that is in the widget now
 *
 * Returns: whether the point is within the widget
 */
gboolean
dozor_raster_layer_to_widget (DozorRasterLayer *self,
                              double            lat,
                              double            lon,
                              double           *x,
                              double           *y)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double zoom, cx, cy, wx, wy, world;

  view_centre (self, &zoom, &cx, &cy);
  world = TILE_SIZE * exp2 (zoom);
  dozor_geo_lon_lat_to_world (lon, lat, &wx, &wy);
  *x = wx * world - (cx - gtk_widget_get_width (widget) / 2.0);
  *y = wy * world - (cy - gtk_widget_get_height (widget) / 2.0);
  return *x >= 0 && *y >= 0 && *x < gtk_widget_get_width (widget) && *y < gtk_widget_get_height (widget);
}

/**
 * dozor_raster_stroke_cased:
 * @cr: a context holding the path to stroke
 * @rgb: the line's colour
 * @casing_width: the dark casing's width
 * @width: the coloured line's width, inside the casing
 *
 * Strokes and clears the path as the map draws its marks over the
 * basemap (a selection, a drop target, a wall's warning): a dark casing
 * under the colour, so it reads on light and dark tiles alike.
 */
void
dozor_raster_stroke_cased (cairo_t      *cr,
                           const double  rgb[3],
                           double        casing_width,
                           double        width)
{
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
  cairo_set_line_width (cr, casing_width);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, width);
  cairo_stroke (cr);
}

/**
 * dozor_raster_snapshot_hint_line:
 * @snapshot: the layer's snapshot
 * @x0: where the line starts, in widget pixels
 * @y0: where the line starts
 * @x1: where it ends
 * @y1: where it ends
 * @margin_x: room left around the line for what the caller adds
 * @margin_y: the same, vertically
 * @rgb: the line's colour
 * @dash: on and off lengths of its dashes
 *
 * A dashed line over the map for what is not yet so: a dispatch waiting
 * for its answer, a unit proposed for a post. A dark casing keeps it
 * readable on light and dark basemaps alike.
 *
 * Returns: (transfer full): the cairo context over the line's box, for
 *   the caller to add a label; the caller destroys it
 */
cairo_t *
dozor_raster_snapshot_hint_line (GtkSnapshot  *snapshot,
                                 double        x0,
                                 double        y0,
                                 double        x1,
                                 double        y1,
                                 double        margin_x,
                                 double        margin_y,
                                 const double  rgb[3],
                                 const double  dash[2])
{
  cairo_t *cr;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (MIN (x0, x1) - margin_x, MIN (y0, y1) - margin_y,
                                                                 fabs (x1 - x0) + 2 * margin_x,
                                                                 fabs (y1 - y0) + 2 * margin_y));
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.7);
  cairo_set_line_width (cr, 5);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, 2.5);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  return cr;
}

/* ShumateLayer lets every event fall through to the layers below. A
 * raster layer that takes the pointer (see can-target) takes it all over
 * its area, hit-testing its own image; what it does not claim bubbles up to
 * the map, which then pans and zooms as usual. */
static gboolean
dozor_raster_layer_contains (GtkWidget *widget,
                             double     x,
                             double     y)
{
  return x >= 0 && y >= 0 && x < gtk_widget_get_width (widget) && y < gtk_widget_get_height (widget);
}

/* The first tiles are asked for as soon as the layer has a size, so that
 * they are drawn while GTK makes its first frame, not after it. The render
 * starts here, not from an idle: the frame clock lays out and paints a
 * frame in one dispatch, so an idle queued now ran only once the first
 * frame was painted (on llvmpipe that frame compiles GTK's shaders, a few
 * hundred ms), and the units came a render later (docs/performance.md,
 * "Cold start"). */
static void
dozor_raster_layer_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (widget);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  GTK_WIDGET_CLASS (dozor_raster_layer_parent_class)->size_allocate (widget, width, height, baseline);
  if (priv->host == NULL && priv->zoom < 0 && width > 0 && height > 0 && !priv->render_in_flight)
    {
      g_clear_handle_id (&priv->render_idle_id, g_source_remove);
      priv->render_due = 0;
      start_render (self);
    }
}

/* Whatever a layer asks for while only positions changed (the units, the
 * dispatch lines and counts that follow them) is drawn at the pace of
 * moves; the same layer asking for anything else is drawn at once. */
static void
situation_changed_cb (DozorSituation   *situation,
                      guint             what,
                      DozorRasterLayer *self)
{
  DozorRasterLayerClass *klass = DOZOR_RASTER_LAYER_GET_CLASS (self);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  if (klass->situation_changed == NULL)
    return;
  priv->moves_only = what == DOZOR_SITUATION_UNITS;
  klass->situation_changed (self, what);
  priv->moves_only = FALSE;
}

static void
dozor_raster_layer_constructed (GObject *object)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (object);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  G_OBJECT_CLASS (dozor_raster_layer_parent_class)->constructed (object);

  g_signal_connect_object (priv->situation, "changed", G_CALLBACK (situation_changed_cb), self, 0);
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (object)), "notify",
                           G_CALLBACK (gtk_widget_queue_draw), object, G_CONNECT_SWAPPED);
}

static void
dozor_raster_layer_dispose (GObject *object)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (object);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_handle_id (&priv->render_idle_id, g_source_remove);
  priv->render_due = 0;
  g_clear_handle_id (&priv->refresh_id, g_source_remove);
  g_clear_handle_id (&priv->settle_id, g_source_remove);
  g_hash_table_remove_all (priv->tiles);
  g_clear_pointer (&priv->steady, g_hash_table_unref);
  g_clear_pointer (&priv->scene, scene_ref_unref);
  g_clear_object (&priv->situation);
  for (guint i = 0; i < priv->parts->len; i++)
    {
      DozorRasterLayerPrivate *part = dozor_raster_layer_get_instance_private (priv->parts->pdata[i]);

      part->host = NULL;
    }
  g_ptr_array_set_size (priv->parts, 0);
  priv->n_below = 0;

  G_OBJECT_CLASS (dozor_raster_layer_parent_class)->dispose (object);
}

static void
dozor_raster_layer_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (object);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SITUATION:
      priv->situation = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_raster_layer_finalize (GObject *object)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (object);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  g_clear_object (&priv->cancellable);
  g_ptr_array_unref (priv->parts);
  g_hash_table_unref (priv->tiles);

  G_OBJECT_CLASS (dozor_raster_layer_parent_class)->finalize (object);
}

static void
dozor_raster_layer_class_init (DozorRasterLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dozor_raster_layer_constructed;
  object_class->dispose = dozor_raster_layer_dispose;
  object_class->finalize = dozor_raster_layer_finalize;
  object_class->set_property = dozor_raster_layer_set_property;
  widget_class->snapshot = dozor_raster_layer_snapshot;
  widget_class->size_allocate = dozor_raster_layer_size_allocate;
  widget_class->contains = dozor_raster_layer_contains;

  /* What the layer draws. */
  properties[PROP_SITUATION] = g_param_spec_object ("situation", NULL, NULL, DOZOR_TYPE_SITUATION,
                                                    G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                                                    G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

/**
 * dozor_raster_layer_get_situation:
 * @self: a #DozorRasterLayer
 *
 * Returns: (transfer none): the situation the layer draws
 */
DozorSituation *
dozor_raster_layer_get_situation (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  return priv->situation;
}

static void
dozor_raster_layer_init (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  priv->cancellable = g_cancellable_new ();
  priv->parts = g_ptr_array_new_with_free_func (g_object_unref);
  priv->tiles = tile_table_new ();
  priv->zoom = -1;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

/**
 * dozor_raster_layer_get_host:
 * @self: a #DozorRasterLayer
 *
 * Returns: (transfer none) (nullable): the layer whose image holds this
 *   one's items, if not its own
 */
DozorRasterLayer *
dozor_raster_layer_get_host (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  return priv->host;
}

/**
 * dozor_raster_layer_draw_into:
 * @self: the layer whose image holds @part's items too
 * @part: another layer of the same map
 *
 * @part's items are drawn in @self's image, beneath @self's own and those
 * of parts added later, and @part draws no texture of its own. It still
 * picks what it drew and draws its own small overlays, so it goes above
 * @self among the map's layers.
 */
void
dozor_raster_layer_draw_into (DozorRasterLayer *self,
                              DozorRasterLayer *part)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterLayerPrivate *part_priv = dozor_raster_layer_get_instance_private (part);

  g_return_if_fail (part_priv->host == NULL && part != self);

  part_priv->host = self;
  g_clear_handle_id (&part_priv->render_idle_id, g_source_remove);
  part_priv->render_due = 0;
  g_ptr_array_insert (priv->parts, priv->n_below++, g_object_ref (part));
  dozor_raster_layer_queue_render (self);
}

/**
 * dozor_raster_layer_draw_over:
 * @self: the layer whose image holds @part's items too
 * @part: another layer of the same map
 *
 * As dozor_raster_layer_draw_into(), but @part's items are drawn over
 * @self's own: what must stay readable where @self's items crowd it.
 */
void
dozor_raster_layer_draw_over (DozorRasterLayer *self,
                              DozorRasterLayer *part)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterLayerPrivate *part_priv = dozor_raster_layer_get_instance_private (part);

  g_return_if_fail (part_priv->host == NULL && part != self);

  part_priv->host = self;
  g_clear_handle_id (&part_priv->render_idle_id, g_source_remove);
  part_priv->render_due = 0;
  g_ptr_array_add (priv->parts, g_object_ref (part));
  dozor_raster_layer_queue_render (self);
}

/**
 * dozor_raster_stroke_wall_mark:
 * @cr: a cairo context holding the mark's path (an outline, a ring)
 * @scale: the wall's labels' size against the desk's
 *
 * Strokes and clears the path as a wall marks what waits or stays too long
 * (a late incident, a unit long on scene): magenta, a colour no priority
 * and no unit status has, over a dark edge that reads on any basemap.
 */
void
dozor_raster_stroke_wall_mark (cairo_t *cr,
                               double   scale)
{
  dozor_raster_stroke_cased (cr, (const double[3]) { 1.0, 0.25, 0.95 }, 6 * scale, 3.5 * scale);
}

/**
 * dozor_raster_layer_replace_ids:
 * @self: a #DozorRasterLayer
 * @field: a subclass's set of ids that change how items are drawn
 * @ids: (nullable): the new set, as keys; referenced
 *
 * For a subclass's setters: replaces the set and asks for a render.
 */
void
dozor_raster_layer_replace_ids (DozorRasterLayer  *self,
                                GHashTable       **field,
                                GHashTable        *ids)
{
  g_clear_pointer (field, g_hash_table_unref);
  if (ids != NULL)
    *field = g_hash_table_ref (ids);
  dozor_raster_layer_queue_render (self);
}
