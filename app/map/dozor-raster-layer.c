/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A map layer drawn as one image. A worker thread rasterises what the
 * subclass prepared into an image a margin larger than the view; snapshot()
 * only places that one texture, offset (and scaled, during a zoom) to where
 * the view is now. So a frame costs the same with ten items or ten
 * thousand, and no frame ever holds more than one node for them: GTK 4.8's
 * GL renderer aborts on frames of ~100k small nodes (PLATFORM-NOTES).
 *
 * A new image is drawn when the subclass says its items changed (at most
 * one render in flight; changes meanwhile fold into the next), when the view
 * leaves the image or the zoom changes, and on a timer for layers whose look
 * changes with time alone (a fix turning stale). The worker also builds the
 * point index of what it drew, so the pointer finds exactly what is seen.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-raster-layer.h"

/* Extra image around the view, logical pixels: room to pan before redrawing. */
#define MARGIN 256
#define TILE_SIZE 256.0
#define INDEX_CELL 32.0

/* One layer's share of an image: what it prepared, and its point index. */
typedef struct
{
  DozorRasterLayer *layer;
  DozorRasterLayerClass *klass;
  gpointer scene;
  DozorPointIndex *index;
} Part;

typedef struct
{
  DozorRasterView view;
  int scale;
  GArray *parts;     /* Part, bottom to top; the host last */
} Render;

typedef struct
{
  DozorSituation *situation;
  /* Every full-window texture costs a full-window blend per frame with a
   * software renderer, so layers can share one image: the host draws its
   * parts' items beneath its own and holds the only texture. */
  DozorRasterLayer *host;
  GPtrArray *parts;
  GdkTexture *texture;
  DozorRasterView view;
  int scale;
  gpointer scene;            /* the scene the texture shows */
  DozorPointIndex *index;
  GDestroyNotify free_scene;

  gboolean render_in_flight;
  gboolean render_wanted;
  gboolean empty;            /* nothing to show: no texture, no blend */
  guint render_idle_id;
  guint refresh_id;
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

static void
part_clear (Part *part)
{
  if (part->scene != NULL)
    part->klass->free_scene (part->scene);
  g_clear_pointer (&part->index, dozor_point_index_unref);
  g_clear_object (&part->layer);
}

static void
render_free (Render *render)
{
  g_array_unref (render->parts);
  g_free (render);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Render *render = task_data;
  int width = (int) ceil (render->view.width) * render->scale;
  int height = (int) ceil (render->view.height) * render->scale;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_scale (cr, render->scale, render->scale);
  for (guint i = 0; i < render->parts->len; i++)
    {
      Part *part = &g_array_index (render->parts, Part, i);

      if (part->scene != NULL)
        {
          cairo_save (cr);
          part->klass->draw (part->scene, cr, &render->view, part->index);
          cairo_restore (cr);
        }
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
}

/* The image is on screen: each part now answers for what it drew there. */
static void
take_part (Part                  *part,
           const DozorRasterView *view,
           int                    scale)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (part->layer);

  priv->view = *view;
  priv->scale = scale;
  if (priv->scene != NULL)
    priv->free_scene (priv->scene);
  priv->scene = g_steal_pointer (&part->scene);
  priv->free_scene = part->klass->free_scene;
  g_clear_pointer (&priv->index, dozor_point_index_unref);
  priv->index = g_steal_pointer (&part->index);
  gtk_widget_queue_draw (GTK_WIDGET (part->layer));

  if (part->klass->shown != NULL)
    part->klass->shown (part->layer, priv->scene);
}

static void start_render (DozorRasterLayer *self);

static void
render_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (source);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  Render *render = g_task_get_task_data (G_TASK (result));
  cairo_surface_t *surface = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GBytes) bytes = NULL;

  priv->render_in_flight = FALSE;
  if (surface == NULL)
    return;

  /* The texture takes the pixels as they are: no copy. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) *
                                        cairo_image_surface_get_height (surface),
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  g_clear_object (&priv->texture);
  priv->texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface),
                                          cairo_image_surface_get_height (surface),
                                          GDK_MEMORY_DEFAULT, bytes,
                                          cairo_image_surface_get_stride (surface));
  for (guint i = 0; i < render->parts->len; i++)
    take_part (&g_array_index (render->parts, Part, i), &render->view, render->scale);

  if (priv->render_wanted)
    start_render (self);
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

static void
start_render (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  DozorRasterLayerClass *klass = DOZOR_RASTER_LAYER_GET_CLASS (self);
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GTask) task = NULL;
  Render *render;
  double cx, cy;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  priv->render_wanted = FALSE;
  priv->render_in_flight = TRUE;

  render = g_new0 (Render, 1);
  render->parts = g_array_new (FALSE, TRUE, sizeof (Part));
  g_array_set_clear_func (render->parts, (GDestroyNotify) part_clear);
  view_centre (self, &render->view.zoom, &cx, &cy);
  render->scale = gtk_widget_get_scale_factor (widget);
  /* Whole pixels, so that basemap tiles are copied into the image, not
   * resampled (DozorBasemapLayer). */
  render->view.origin_x = floor (cx - width / 2.0 - MARGIN);
  render->view.origin_y = floor (cy - height / 2.0 - MARGIN);
  render->view.width = width + 2 * MARGIN;
  render->view.height = height + 2 * MARGIN;
  render->view.now = g_get_real_time ();
  priv->empty = TRUE;
  for (guint i = 0; i <= priv->parts->len; i++)
    {
      DozorRasterLayer *layer = i < priv->parts->len ? priv->parts->pdata[i] : self;
      Part part = { g_object_ref (layer), DOZOR_RASTER_LAYER_GET_CLASS (layer), NULL, dozor_point_index_new (INDEX_CELL) };

      part.scene = part.klass->prepare (layer, &render->view);
      if (part.scene != NULL)
        priv->empty = FALSE;
      g_array_append_val (render->parts, part);
    }

  /* A layer with nothing to draw (a preview not in use) shows no texture
   * at all: an empty window-sized one would still cost a blend a frame. */
  if (priv->empty)
    {
      for (guint i = 0; i < render->parts->len; i++)
        take_part (&g_array_index (render->parts, Part, i), &render->view, render->scale);
      g_clear_object (&priv->texture);
      priv->render_in_flight = FALSE;
      render_free (render);
      gtk_widget_queue_draw (widget);
      return;
    }

  task = g_task_new (self, priv->cancellable, render_done_cb, NULL);
  g_task_set_source_tag (task, start_render);
  /* GTask's workers take higher priorities first: a screenful of tiles
   * queued before must not keep the units off the map. */
  g_task_set_priority (task, klass->render_priority);
  g_task_set_task_data (task, render, (GDestroyNotify) render_free);
  g_task_run_in_thread (task, render_in_thread);
}

static gboolean
render_idle_cb (gpointer user_data)
{
  DozorRasterLayer *self = user_data;
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  priv->render_idle_id = 0;
  if (!priv->render_in_flight)
    start_render (self);
  return G_SOURCE_REMOVE;
}

/**
 * dozor_raster_layer_queue_render:
 * @self: a #DozorRasterLayer
 *
 * What the layer shows has changed: draw a new image soon.
 */
void
dozor_raster_layer_queue_render (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  if (priv->host != NULL)
    {
      dozor_raster_layer_queue_render (priv->host);
      return;
    }

  /* Not an idle priority: while a pan keeps every frame busy, idles never
   * run, and units would stand still on screen until the pan ends. */
  priv->render_wanted = TRUE;
  if (!priv->render_in_flight && priv->render_idle_id == 0)
    priv->render_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, render_idle_cb, self, NULL);
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

/* Where the shown image's top-left corner is in this widget now, and how
 * much it is scaled: the view may have moved since it was drawn. */
static void
image_placement (DozorRasterLayer *self,
                 double           *left,
                 double           *top,
                 double           *s)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  GtkWidget *widget = GTK_WIDGET (self);
  double zoom, cx, cy;

  view_centre (self, &zoom, &cx, &cy);
  *s = exp2 (zoom - priv->view.zoom);
  *left = priv->view.origin_x * *s - (cx - gtk_widget_get_width (widget) / 2.0);
  *top = priv->view.origin_y * *s - (cy - gtk_widget_get_height (widget) / 2.0);
}

static void
dozor_raster_layer_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DozorRasterLayer *self = DOZOR_RASTER_LAYER (widget);
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double zoom, cx, cy, s, left, top;

  /* A part's items are in its host's image. */
  if (priv->host != NULL || (priv->empty && !priv->render_wanted))
    return;

  if (priv->texture == NULL)
    {
      dozor_raster_layer_queue_render (self);
      return;
    }

  view_centre (self, &zoom, &cx, &cy);
  image_placement (self, &left, &top, &s);

  if (fabs (zoom - priv->view.zoom) > 1e-6 || left > 0 || top > 0 ||
      left + priv->view.width * s < width || top + priv->view.height * s < height ||
      priv->scale != gtk_widget_get_scale_factor (widget))
    dozor_raster_layer_queue_render (self);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (left, top));
  gtk_snapshot_scale (snapshot, s / priv->scale, s / priv->scale);
  gtk_snapshot_append_texture (snapshot, priv->texture,
                               &GRAPHENE_RECT_INIT (0, 0, gdk_texture_get_width (priv->texture),
                                                    gdk_texture_get_height (priv->texture)));
  gtk_snapshot_restore (snapshot);
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
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);
  double left, top, s;

  if (priv->index == NULL)
    return FALSE;

  image_placement (self, &left, &top, &s);
  if (!dozor_point_index_find (priv->index, (x - left) / s, (y - top) / s, slop / s, item))
    return FALSE;
  if (scene != NULL)
    *scene = priv->scene;
  return TRUE;
}

/**
 * dozor_raster_layer_get_shown_scene:
 * @self: a #DozorRasterLayer
 *
 * Returns: (transfer none) (nullable): the scene of the image on screen
 */
gpointer
dozor_raster_layer_get_shown_scene (DozorRasterLayer *self)
{
  DozorRasterLayerPrivate *priv = dozor_raster_layer_get_instance_private (self);

  return priv->scene;
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

static void
situation_changed_cb (DozorSituation   *situation,
                      guint             what,
                      DozorRasterLayer *self)
{
  DozorRasterLayerClass *klass = DOZOR_RASTER_LAYER_GET_CLASS (self);

  if (klass->situation_changed != NULL)
    klass->situation_changed (self, what);
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
  g_clear_handle_id (&priv->refresh_id, g_source_remove);
  g_clear_object (&priv->texture);
  if (priv->scene != NULL)
    g_clear_pointer (&priv->scene, priv->free_scene);
  g_clear_pointer (&priv->index, dozor_point_index_unref);
  g_clear_object (&priv->situation);
  for (guint i = 0; i < priv->parts->len; i++)
    {
      DozorRasterLayerPrivate *part = dozor_raster_layer_get_instance_private (priv->parts->pdata[i]);

      part->host = NULL;
    }
  g_ptr_array_set_size (priv->parts, 0);

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
  g_ptr_array_add (priv->parts, g_object_ref (part));
  dozor_raster_layer_queue_render (self);
}
