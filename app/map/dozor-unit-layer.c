/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Every unit on the map in one texture. A worker thread rasterises the
 * units with cairo into an image a margin larger than the view; snapshot()
 * only places that one texture, offset (and scaled, during a zoom) to
 * where the view is now. So a frame costs the same with 10 units or
 * 10,000, and no frame ever holds more than one node for them — GTK 4.8's
 * GL renderer aborts on frames of ~100k small nodes (PLATFORM-NOTES).
 *
 * A new image is drawn when units change (at most one render in flight;
 * changes meanwhile are folded into the next), when the view leaves the
 * image or the zoom changes, and every 2 s so that a fix turning stale
 * looks stale without waiting for news.
 */
#include "config.h"

#include <math.h>

#include "dozor-geo.h"
#include "dozor-unit-layer.h"

/* Extra image around the view, logical pixels: room to pan before redrawing. */
#define MARGIN 256
#define TILE_SIZE 256.0
#define LABEL_MIN_ZOOM 15
#define ARROW_MIN_ZOOM 12
#define REFRESH_SECONDS 2

typedef enum
{
  MARK_AVAILABLE,
  MARK_DISPATCHED,
  MARK_EN_ROUTE,
  MARK_ON_SCENE,
  MARK_BUSY,
  MARK_OFF_DUTY,
  N_MARK_STATUSES
} MarkStatus;

typedef struct
{
  double wx, wy;     /* world coordinates, 0…1 */
  float heading;     /* degrees, NAN if unknown */
  float speed;       /* m/s, NAN if unknown */
  guint8 status;     /* MarkStatus */
  gboolean stale;
  char *label;       /* call sign, only when labels are drawn */
} Mark;

typedef struct
{
  GArray *marks;     /* Mark */
  double zoom;
  double origin_x;   /* the image's top-left, world pixels at zoom */
  double origin_y;
  int width;         /* device pixels */
  int height;
  int scale;
  gboolean labels;
  gboolean arrows;
  guint n_drawn;
} Render;

struct _DozorUnitLayer
{
  ShumateLayer parent_instance;

  DozorSituation *situation;
  GdkTexture *texture;
  double texture_zoom;
  double texture_x;  /* world pixels at texture_zoom */
  double texture_y;
  int texture_scale;
  guint n_drawn;

  gboolean render_in_flight;
  gboolean render_wanted;
  guint render_idle_id;
  guint refresh_id;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (DozorUnitLayer, dozor_unit_layer, SHUMATE_TYPE_LAYER)

enum
{
  PROP_0,
  PROP_SITUATION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Status colours, fill then a darker ring, chosen to stay apart for the
 * common forms of colour blindness together with the symbol shapes. */
static const double status_fill[N_MARK_STATUSES][3] = {
  [MARK_AVAILABLE] = { 0.20, 0.82, 0.48 },
  [MARK_DISPATCHED] = { 0.96, 0.83, 0.18 },
  [MARK_EN_ROUTE] = { 1.00, 0.47, 0.00 },
  [MARK_ON_SCENE] = { 0.88, 0.11, 0.14 },
  [MARK_BUSY] = { 0.75, 0.38, 0.80 },
  [MARK_OFF_DUTY] = { 0.60, 0.60, 0.59 },
};

static MarkStatus
mark_status (const char *status)
{
  static const char *const names[N_MARK_STATUSES] = {
    "available", "dispatched", "en_route", "on_scene", "busy", "off_duty",
  };

  for (guint i = 0; i < N_MARK_STATUSES; i++)
    if (g_strcmp0 (status, names[i]) == 0)
      return i;
  return MARK_OFF_DUTY;
}

static void
mark_clear (Mark *mark)
{
  g_clear_pointer (&mark->label, g_free);
}

static void
render_free (Render *render)
{
  g_array_unref (render->marks);
  g_free (render);
}

static void
draw_mark (cairo_t    *cr,
           const Mark *mark,
           double      x,
           double      y,
           double      radius,
           gboolean    arrow)
{
  const double *fill = status_fill[mark->status];

  /* Heading: a wedge ahead of the disc, for units on the move. */
  if (arrow && isfinite (mark->heading) && isfinite (mark->speed) && mark->speed > 0.5)
    {
      double angle = (mark->heading - 90.0) * G_PI / 180.0;

      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_rotate (cr, angle);
      cairo_move_to (cr, radius * 2.1, 0);
      cairo_line_to (cr, radius * 0.6, -radius * 0.85);
      cairo_line_to (cr, radius * 0.6, radius * 0.85);
      cairo_close_path (cr);
      cairo_restore (cr);
      if (mark->stale)
        cairo_set_source_rgba (cr, 0.55, 0.55, 0.55, 0.8);
      else
        cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_fill (cr);
    }

  cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
  if (mark->stale)
    {
      /* Stale: a grey disc in a dashed ring of the status colour, so an old
       * position never passes for a live one. */
      cairo_set_source_rgba (cr, 0.45, 0.45, 0.47, 0.85);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_set_line_width (cr, 1.5);
      cairo_set_dash (cr, (double[]) { 2.5, 2.0 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_arc (cr, x, y, radius + 3.5, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0.8, 0.8, 0.8, 0.7);
      cairo_set_line_width (cr, 1.0);
      cairo_set_dash (cr, (double[]) { 3.0, 3.0 }, 2, 0);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else
    {
      cairo_set_source_rgb (cr, fill[0], fill[1], fill[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
      cairo_set_line_width (cr, 1.2);
      cairo_stroke (cr);
    }
}

static void
render_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Render *render = task_data;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, render->width, render->height);
  cairo_t *cr = cairo_create (surface);
  double world = TILE_SIZE * exp2 (render->zoom);
  double logical_w = (double) render->width / render->scale;
  double logical_h = (double) render->height / render->scale;
  double radius = render->zoom >= ARROW_MIN_ZOOM ? 5.5 : 4.0;

  cairo_scale (cr, render->scale, render->scale);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, 11);

  for (guint i = 0; i < render->marks->len; i++)
    {
      const Mark *mark = &g_array_index (render->marks, Mark, i);
      double x = mark->wx * world - render->origin_x;
      double y = mark->wy * world - render->origin_y;

      if (x < -radius * 3 || y < -radius * 3 || x > logical_w + radius * 3 || y > logical_h + radius * 3)
        continue;

      draw_mark (cr, mark, x, y, radius, render->arrows);
      render->n_drawn++;

      if (render->labels && mark->label != NULL)
        {
          /* Dark outline under light text reads on any basemap. */
          cairo_move_to (cr, x + radius + 4, y + 4);
          cairo_text_path (cr, mark->label);
          cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.9);
          cairo_set_line_width (cr, 3);
          cairo_stroke_preserve (cr);
          cairo_set_source_rgb (cr, mark->stale ? 0.7 : 0.97, mark->stale ? 0.7 : 0.97, mark->stale ? 0.7 : 0.97);
          cairo_fill (cr);
        }
    }

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
}

static void start_render (DozorUnitLayer *self);

static void
render_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (source);
  Render *render = g_task_get_task_data (G_TASK (result));
  cairo_surface_t *surface = g_task_propagate_pointer (G_TASK (result), NULL);
  g_autoptr(GBytes) bytes = NULL;

  self->render_in_flight = FALSE;
  if (surface == NULL)
    return;

  /* The texture takes the pixels as they are: no copy. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * render->height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (render->width, render->height, GDK_MEMORY_DEFAULT, bytes,
                                          cairo_image_surface_get_stride (surface));
  self->texture_zoom = render->zoom;
  self->texture_x = render->origin_x;
  self->texture_y = render->origin_y;
  self->texture_scale = render->scale;
  if (self->n_drawn != render->n_drawn)
    g_debug ("Units drawn: %u", render->n_drawn);
  self->n_drawn = render->n_drawn;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (self->render_wanted)
    start_render (self);
}

/* Where the view is: centre in world pixels at the current zoom. */
static void
view_centre (DozorUnitLayer *self,
             double         *zoom,
             double         *cx,
             double         *cy)
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
start_render (DozorUnitLayer *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GPtrArray *units = dozor_situation_get_units (self->situation);
  g_autoptr(GTask) task = NULL;
  gint64 now = g_get_real_time ();
  Render *render;
  double cx, cy;
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0)
    return;

  self->render_wanted = FALSE;
  self->render_in_flight = TRUE;

  render = g_new0 (Render, 1);
  render->marks = g_array_sized_new (FALSE, FALSE, sizeof (Mark), units->len);
  g_array_set_clear_func (render->marks, (GDestroyNotify) mark_clear);
  view_centre (self, &render->zoom, &cx, &cy);
  render->scale = gtk_widget_get_scale_factor (widget);
  render->origin_x = cx - width / 2.0 - MARGIN;
  render->origin_y = cy - height / 2.0 - MARGIN;
  render->width = (width + 2 * MARGIN) * render->scale;
  render->height = (height + 2 * MARGIN) * render->scale;
  render->labels = render->zoom >= LABEL_MIN_ZOOM;
  render->arrows = render->zoom >= ARROW_MIN_ZOOM;

  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = units->pdata[i];
      Mark mark = { 0, };

      if (!unit->has_fix)
        continue;
      dozor_geo_lon_lat_to_world (unit->lon, unit->lat, &mark.wx, &mark.wy);
      mark.heading = (float) unit->heading;
      mark.speed = (float) unit->speed;
      mark.status = mark_status (unit->status);
      mark.stale = now - unit->fix_time > DOZOR_UNIT_STALE_SECONDS * G_USEC_PER_SEC;
      mark.label = render->labels ? g_strdup (unit->call_sign) : NULL;
      g_array_append_val (render->marks, mark);
    }

  task = g_task_new (self, self->cancellable, render_done_cb, NULL);
  g_task_set_task_data (task, render, (GDestroyNotify) render_free);
  g_task_run_in_thread (task, render_in_thread);
}

static gboolean
render_idle_cb (gpointer user_data)
{
  DozorUnitLayer *self = user_data;

  self->render_idle_id = 0;
  if (!self->render_in_flight)
    start_render (self);
  return G_SOURCE_REMOVE;
}

static void
request_render (DozorUnitLayer *self)
{
  self->render_wanted = TRUE;
  if (!self->render_in_flight && self->render_idle_id == 0)
    self->render_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, render_idle_cb, self, NULL);
}

static void
situation_changed_cb (DozorSituation *situation,
                      guint           what,
                      DozorUnitLayer *self)
{
  if (what & DOZOR_SITUATION_UNITS)
    request_render (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  DozorUnitLayer *self = user_data;

  if (dozor_situation_get_units (self->situation)->len > 0)
    request_render (self);
  return G_SOURCE_CONTINUE;
}

static void
dozor_unit_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double zoom, cx, cy, s, left, top;

  if (self->texture == NULL)
    {
      request_render (self);
      return;
    }

  view_centre (self, &zoom, &cx, &cy);
  s = exp2 (zoom - self->texture_zoom);
  /* The image's top-left corner, in this widget's coordinates now. */
  left = self->texture_x * s - (cx - width / 2.0);
  top = self->texture_y * s - (cy - height / 2.0);

  if (fabs (zoom - self->texture_zoom) > 1e-6 || left > 0 || top > 0 ||
      left + gdk_texture_get_width (self->texture) / (double) self->texture_scale * s < width ||
      top + gdk_texture_get_height (self->texture) / (double) self->texture_scale * s < height ||
      self->texture_scale != gtk_widget_get_scale_factor (widget))
    request_render (self);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (left, top));
  gtk_snapshot_scale (snapshot, s / self->texture_scale, s / self->texture_scale);
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (0, 0, gdk_texture_get_width (self->texture),
                                                    gdk_texture_get_height (self->texture)));
  gtk_snapshot_restore (snapshot);
}

static void
dozor_unit_layer_constructed (GObject *object)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (object);

  G_OBJECT_CLASS (dozor_unit_layer_parent_class)->constructed (object);

  g_signal_connect_object (self->situation, "changed", G_CALLBACK (situation_changed_cb), self, 0);
  g_signal_connect_object (shumate_layer_get_viewport (SHUMATE_LAYER (self)), "notify",
                           G_CALLBACK (gtk_widget_queue_draw), self, G_CONNECT_SWAPPED);
}

static void
dozor_unit_layer_dispose (GObject *object)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->render_idle_id, g_source_remove);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->texture);
  g_clear_object (&self->situation);

  G_OBJECT_CLASS (dozor_unit_layer_parent_class)->dispose (object);
}

static void
dozor_unit_layer_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  DozorUnitLayer *self = DOZOR_UNIT_LAYER (object);

  switch (prop_id)
    {
    case PROP_SITUATION:
      self->situation = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_unit_layer_class_init (DozorUnitLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = dozor_unit_layer_constructed;
  object_class->dispose = dozor_unit_layer_dispose;
  object_class->set_property = dozor_unit_layer_set_property;
  widget_class->snapshot = dozor_unit_layer_snapshot;

  properties[PROP_SITUATION] = g_param_spec_object ("situation", NULL, NULL, DOZOR_TYPE_SITUATION,
                                                    G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY |
                                                    G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_unit_layer_init (DozorUnitLayer *self)
{
  self->cancellable = g_cancellable_new ();
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
  /* Units take no clicks yet: the map under them keeps panning. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

/**
 * dozor_unit_layer_new:
 * @viewport: the map's viewport
 * @situation: the units to draw
 *
 * Returns: (transfer full): the layer, to add to a #ShumateMap
 */
DozorUnitLayer *
dozor_unit_layer_new (ShumateViewport *viewport,
                      DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_UNIT_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_unit_layer_get_n_drawn:
 * @self: a #DozorUnitLayer
 *
 * Returns: how many units the last image shows
 */
guint
dozor_unit_layer_get_n_drawn (DozorUnitLayer *self)
{
  return self->n_drawn;
}
