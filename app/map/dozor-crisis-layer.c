/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The crisis area of the degree of readiness, rasterised into the unit
 * layer's tiles (DozorRasterLayer) between the areas and the incidents:
 * its outline in the level's colour over a translucent fill, and a halo of
 * that colour beneath every unit and incident inside it, so that what the
 * crisis concerns stands out at a glance. The halos move with the units,
 * so the part is not steady; its tile keys change only where the area or
 * a halo is, and a tile the area does not touch costs nothing.
 *
 * What lies inside is decided on the main thread by the situation's
 * DozorCrisisArea (a prepared GEOS polygon: ~0.1 µs a point), after a
 * cheap test against the area's bounds.
 *
 * Where the board may change the readiness, the area has handles, drawn
 * over the map by the layer itself: a circle's centre and a point on its
 * edge, a polygon's corners. Dragging one shows the new outline at once;
 * letting go says so ("area-edited"), and the command goes out from there.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dozor-crisis-layer.h"
#include "dozor-geo.h"

#define OUTLINE_WIDTH 3.0
#define HALO_RADIUS 17.0
#define HANDLE_RADIUS 7.0
/* How far from a handle a press still takes it, logical pixels. */
#define HANDLE_SLOP 12.0

typedef struct
{
  GArray *outline;    /* world x, y pairs, closed; shared, never changed once built */
  double rgb[3];
  guint64 generation;
  double min_x, min_y, max_x, max_y;
  GArray *halos;      /* world x, y pairs of what lies inside */
  DozorTileKeys keys;
} Scene;

struct _DozorCrisisLayer
{
  DozorRasterLayer parent_instance;

  DozorSituation *situation;  /* the base class's */
  GArray *outline;            /* of the current area, or NULL */
  double rgb[3];
  guint64 generation;
  double min_x, min_y, max_x, max_y;
  guint last_inside;          /* for the log line, when it changes */

  gboolean editable;
  GtkWidget *target;          /* the widget the pointer acts on; not owned */
  int drag_handle;            /* -1 while nothing is dragged */
  double drag_x, drag_y;      /* where the drag began, in the target */
  DozorCrisisArea *preview;   /* the area as dragged so far */
};

enum
{
  AREA_EDITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (DozorCrisisLayer, dozor_crisis_layer, DOZOR_TYPE_RASTER_LAYER)

/**
 * dozor_crisis_level_color:
 * @level: a degree of readiness
 * @rgb: (out): its colour; the banner's (style.css) in cairo's terms
 */
void
dozor_crisis_level_color (const char *level,
                          double      rgb[3])
{
  static const struct {
    const char *level;
    double rgb[3];
  } colors[] = {
    { "raised", { 0xf6 / 255.0, 0xd3 / 255.0, 0x2d / 255.0 } },
    { "high", { 0xff / 255.0, 0x78 / 255.0, 0x00 / 255.0 } },
    { "full", { 0xc0 / 255.0, 0x1c / 255.0, 0x28 / 255.0 } },
  };

  /* Normal has no area; grey if one came all the same. */
  rgb[0] = rgb[1] = rgb[2] = 0.6;
  for (guint i = 0; i < G_N_ELEMENTS (colors); i++)
    if (g_strcmp0 (level, colors[i].level) == 0)
      memcpy (rgb, colors[i].rgb, sizeof colors[i].rgb);
}

static void
scene_free (Scene *scene)
{
  g_array_unref (scene->outline);
  g_array_unref (scene->halos);
  dozor_tile_keys_clear (&scene->keys);
  g_free (scene);
}

static void
rebuild_outline (DozorCrisisLayer *self)
{
  DozorCrisisArea *area = dozor_situation_get_crisis_area (self->situation);
  const double *points;
  guint n;

  g_clear_pointer (&self->outline, g_array_unref);
  self->generation++;
  if (area == NULL)
    return;

  dozor_crisis_level_color (dozor_situation_get_readiness (self->situation), self->rgb);
  points = dozor_crisis_area_get_outline (area, &n);
  self->outline = g_array_sized_new (FALSE, FALSE, sizeof (double) * 2, n);
  self->min_x = self->min_y = G_MAXDOUBLE;
  self->max_x = self->max_y = -G_MAXDOUBLE;
  for (guint i = 0; i < n; i++)
    {
      double xy[2];

      dozor_geo_lon_lat_to_world (points[2 * i], points[2 * i + 1], &xy[0], &xy[1]);
      self->min_x = MIN (self->min_x, xy[0]);
      self->min_y = MIN (self->min_y, xy[1]);
      self->max_x = MAX (self->max_x, xy[0]);
      self->max_y = MAX (self->max_y, xy[1]);
      g_array_append_val (self->outline, xy);
    }
}

static void
add_halo_if_inside (DozorCrisisLayer *self,
                    DozorCrisisArea  *area,
                    GArray           *halos,
                    double            lat,
                    double            lon)
{
  double xy[2];

  dozor_geo_lon_lat_to_world (lon, lat, &xy[0], &xy[1]);
  if (xy[0] < self->min_x || xy[0] > self->max_x || xy[1] < self->min_y || xy[1] > self->max_y)
    return;
  if (dozor_crisis_area_contains (area, lon, lat))
    g_array_append_val (halos, xy);
}

static gpointer
prepare_scene (DozorRasterLayer      *layer,
               const DozorRasterView *view)
{
  DozorCrisisLayer *self = DOZOR_CRISIS_LAYER (layer);
  DozorCrisisArea *area = dozor_situation_get_crisis_area (self->situation);
  GPtrArray *units;
  g_autoptr(GList) incidents = NULL;
  Scene *scene;

  if (self->outline == NULL || area == NULL)
    return NULL;

  scene = g_new0 (Scene, 1);
  scene->outline = g_array_ref (self->outline);
  memcpy (scene->rgb, self->rgb, sizeof scene->rgb);
  scene->generation = self->generation;
  scene->min_x = self->min_x;
  scene->min_y = self->min_y;
  scene->max_x = self->max_x;
  scene->max_y = self->max_y;
  scene->halos = g_array_new (FALSE, FALSE, sizeof (double) * 2);

  units = dozor_situation_get_units (self->situation);
  for (guint i = 0; i < units->len; i++)
    {
      DozorUnit *unit = units->pdata[i];

      if (unit->has_fix)
        add_halo_if_inside (self, area, scene->halos, unit->lat, unit->lon);
    }
  incidents = dozor_situation_get_entities (self->situation, "incident");
  for (GList *l = incidents; l != NULL; l = l->next)
    {
      double lat, lon;

      if (dozor_incident_get_location (json_node_get_object (l->data), &lat, &lon))
        add_halo_if_inside (self, area, scene->halos, lat, lon);
    }

  /* The UI tests and a person reading the log learn what the area holds. */
  if (scene->halos->len != self->last_inside)
    g_debug ("Crisis area: %u units and incidents inside", scene->halos->len);
  self->last_inside = scene->halos->len;
  return scene;
}

static void
layout_scene (gpointer               data,
              const DozorRasterView *region)
{
  Scene *scene = data;
  double x0, y0, x1, y1;

  dozor_tile_keys_init (&scene->keys, region);
  dozor_raster_view_project (region, scene->min_x, scene->min_y, &x0, &y0);
  dozor_raster_view_project (region, scene->max_x, scene->max_y, &x1, &y1);
  dozor_tile_keys_add (&scene->keys, x0 - OUTLINE_WIDTH, y0 - OUTLINE_WIDTH, x1 + OUTLINE_WIDTH,
                       y1 + OUTLINE_WIDTH, dozor_raster_key_mix (scene->generation, 1));
  for (guint i = 0; i < scene->halos->len; i++)
    {
      const double *xy = &g_array_index (scene->halos, double, i * 2);
      double x, y;

      dozor_raster_view_project (region, xy[0], xy[1], &x, &y);
      dozor_tile_keys_add (&scene->keys, x - HALO_RADIUS, y - HALO_RADIUS, x + HALO_RADIUS, y + HALO_RADIUS,
                           dozor_raster_key_mix (lround (x * 4), lround (y * 4)));
    }
}

static guint64
tile_key (gpointer               data,
          const DozorRasterView *tile,
          gboolean              *complete)
{
  return dozor_tile_keys_get (&((Scene *) data)->keys, tile);
}

/* The area's fill and dashed outline, along the current path. */
static void
paint_area (cairo_t      *cr,
            const double  rgb[3])
{
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.16);
  cairo_fill_preserve (cr);
  /* A dark edge under the colour keeps amber visible on a light basemap. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, 0.05, 0.05, 0.06, 0.6);
  cairo_set_line_width (cr, OUTLINE_WIDTH + 2.5);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, OUTLINE_WIDTH);
  cairo_set_dash (cr, (double[]) { 14, 6 }, 2, 0);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_scene (gpointer               data,
            cairo_t               *cr,
            const DozorRasterView *view,
            DozorPointIndex       *index)
{
  Scene *scene = data;
  double x0, y0, x1, y1;

  dozor_raster_view_project (view, scene->min_x, scene->min_y, &x0, &y0);
  dozor_raster_view_project (view, scene->max_x, scene->max_y, &x1, &y1);
  if (x1 < -OUTLINE_WIDTH || y1 < -OUTLINE_WIDTH || x0 > view->width + OUTLINE_WIDTH ||
      y0 > view->height + OUTLINE_WIDTH)
    return;

  cairo_new_path (cr);
  dozor_raster_view_trace (cr, view, scene->outline);
  cairo_close_path (cr);
  paint_area (cr, scene->rgb);

  for (guint i = 0; i < scene->halos->len; i++)
    {
      const double *xy = &g_array_index (scene->halos, double, i * 2);
      double x, y;

      dozor_raster_view_project (view, xy[0], xy[1], &x, &y);
      if (x < -HALO_RADIUS || y < -HALO_RADIUS || x > view->width + HALO_RADIUS || y > view->height + HALO_RADIUS)
        continue;
      cairo_new_path (cr);
      cairo_arc (cr, x, y, HALO_RADIUS, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, scene->rgb[0], scene->rgb[1], scene->rgb[2], 0.55);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, scene->rgb[0], scene->rgb[1], scene->rgb[2]);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
}

/* The handles of @area: a circle's centre and its east point, or a
 * polygon's corners without the ring's closing point; lon, lat pairs. */
static GArray *
handles_of (DozorCrisisArea *area)
{
  GArray *handles = g_array_new (FALSE, FALSE, sizeof (double) * 2);

  if (dozor_crisis_area_is_circle (area))
    {
      double lon, lat, radius_m, handle[2];

      dozor_crisis_area_get_circle (area, &lon, &lat, &radius_m);
      g_array_append_val (handles, ((double[2]) { lon, lat }));
      dozor_geo_destination (lat, lon, radius_m, 90, &handle[1], &handle[0]);
      g_array_append_val (handles, handle);
    }
  else
    {
      guint n;
      const double *points = dozor_crisis_area_get_outline (area, &n);

      g_array_append_vals (handles, points, n - 1);
    }
  return handles;
}

static DozorCrisisArea *
shown_area (DozorCrisisLayer *self)
{
  return self->preview != NULL ? self->preview : dozor_situation_get_crisis_area (self->situation);
}

static void
dozor_crisis_layer_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  DozorCrisisLayer *self = DOZOR_CRISIS_LAYER (widget);
  DozorCrisisArea *area = shown_area (self);
  g_autoptr(GArray) handles = NULL;
  cairo_t *cr;

  GTK_WIDGET_CLASS (dozor_crisis_layer_parent_class)->snapshot (widget, snapshot);
  if (!self->editable || area == NULL)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (widget),
                                                                 gtk_widget_get_height (widget)));
  /* While dragging, the new outline over the old one in the image. */
  if (self->preview != NULL)
    {
      guint n;
      const double *points = dozor_crisis_area_get_outline (self->preview, &n);

      for (guint i = 0; i < n; i++)
        {
          double x, y;

          dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), points[2 * i + 1], points[2 * i], &x, &y);
          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_set_source_rgb (cr, self->rgb[0], self->rgb[1], self->rgb[2]);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }

  handles = handles_of (area);
  for (guint i = 0; i < handles->len; i++)
    {
      const double *handle = &g_array_index (handles, double, 2 * i);
      double x, y;

      dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), handle[1], handle[0], &x, &y);
      cairo_new_path (cr);
      cairo_arc (cr, x, y, HANDLE_RADIUS, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.06);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
      cairo_arc (cr, x, y, HANDLE_RADIUS - 3, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, self->rgb[0], self->rgb[1], self->rgb[2]);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

/* A press on a handle is ours; anywhere else the map pans as ever. */
static void
drag_begin_cb (GtkGestureDrag   *gesture,
               double            x,
               double            y,
               DozorCrisisLayer *self)
{
  DozorCrisisArea *area = dozor_situation_get_crisis_area (self->situation);
  g_autoptr(GArray) handles = NULL;

  self->drag_handle = -1;
  if (self->editable && area != NULL)
    {
      handles = handles_of (area);
      for (guint i = 0; i < handles->len; i++)
        {
          const double *handle = &g_array_index (handles, double, 2 * i);
          double hx, hy;

          dozor_raster_layer_to_widget (DOZOR_RASTER_LAYER (self), handle[1], handle[0], &hx, &hy);
          if (hypot (hx - x, hy - y) <= HANDLE_SLOP)
            self->drag_handle = (int) i;
        }
    }
  if (self->drag_handle < 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = x;
  self->drag_y = y;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
drag_update_cb (GtkGestureDrag   *gesture,
                double            dx,
                double            dy,
                DozorCrisisLayer *self)
{
  DozorCrisisArea *area = dozor_situation_get_crisis_area (self->situation);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  DozorCrisisArea *moved = NULL;
  double lat, lon;

  if (self->drag_handle < 0 || area == NULL)
    return;

  shumate_viewport_widget_coords_to_location (viewport, self->target, self->drag_x + dx, self->drag_y + dy,
                                              &lat, &lon);
  if (dozor_crisis_area_is_circle (area))
    {
      double center_lon, center_lat, radius_m;

      dozor_crisis_area_get_circle (area, &center_lon, &center_lat, &radius_m);
      if (self->drag_handle == 0)
        moved = dozor_crisis_area_new_circle (lon, lat, radius_m);
      else
        moved = dozor_crisis_area_new_circle (center_lon, center_lat,
                                              dozor_geo_distance_m (center_lat, center_lon, lat, lon));
    }
  else
    /* A corner dragged across an edge is no area: the last good shape stays. */
    moved = dozor_crisis_area_new_moved (area, self->drag_handle, lon, lat, NULL);

  if (moved != NULL)
    {
      g_clear_object (&self->preview);
      self->preview = moved;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
drag_end_cb (GtkGestureDrag   *gesture,
             double            dx,
             double            dy,
             DozorCrisisLayer *self)
{
  g_autoptr(DozorCrisisArea) edited = g_steal_pointer (&self->preview);

  self->drag_handle = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (edited == NULL)
    return;
  g_debug ("Crisis area edited");
  g_signal_emit (self, signals[AREA_EDITED], 0, dozor_crisis_area_to_json (edited));
}

static void
situation_changed (DozorRasterLayer *layer,
                   guint             what)
{
  DozorCrisisLayer *self = DOZOR_CRISIS_LAYER (layer);

  if (what & DOZOR_SITUATION_READINESS)
    {
      rebuild_outline (self);
      dozor_raster_layer_queue_render (layer);
    }
  /* What lies inside changes as units move and incidents come and go. */
  else if (self->outline != NULL && what & (DOZOR_SITUATION_UNITS | DOZOR_SITUATION_INCIDENTS))
    dozor_raster_layer_queue_render (layer);
}

static void
dozor_crisis_layer_constructed (GObject *object)
{
  DozorCrisisLayer *self = DOZOR_CRISIS_LAYER (object);

  G_OBJECT_CLASS (dozor_crisis_layer_parent_class)->constructed (object);

  self->situation = dozor_raster_layer_get_situation (DOZOR_RASTER_LAYER (self));
  rebuild_outline (self);
}

static void
dozor_crisis_layer_dispose (GObject *object)
{
  DozorCrisisLayer *self = DOZOR_CRISIS_LAYER (object);

  g_clear_pointer (&self->outline, g_array_unref);
  g_clear_object (&self->preview);

  G_OBJECT_CLASS (dozor_crisis_layer_parent_class)->dispose (object);
}

static void
dozor_crisis_layer_class_init (DozorCrisisLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  DozorRasterLayerClass *raster_class = DOZOR_RASTER_LAYER_CLASS (klass);

  object_class->constructed = dozor_crisis_layer_constructed;
  object_class->dispose = dozor_crisis_layer_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = dozor_crisis_layer_snapshot;
  raster_class->prepare = prepare_scene;
  raster_class->draw = draw_scene;
  raster_class->layout = layout_scene;
  raster_class->tile_key = tile_key;
  raster_class->free_scene = (GDestroyNotify) scene_free;
  raster_class->situation_changed = situation_changed;
  raster_class->render_priority = G_PRIORITY_HIGH + 15;

  /**
   * DozorCrisisLayer::area-edited:
   * @layer: the layer
   * @area: the crisis area as dragged, JSON text as PUT /readiness takes it
   *
   * A handle was dragged and let go. Nothing is sent yet.
   */
  signals[AREA_EDITED] = g_signal_new ("area-edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
dozor_crisis_layer_init (DozorCrisisLayer *self)
{
  self->drag_handle = -1;
}

/**
 * dozor_crisis_layer_attach_editing:
 * @self: a #DozorCrisisLayer
 * @target: the map's widget that takes the pointer, over the same area
 *
 * Lets a press on a handle drag it, once dozor_crisis_layer_set_editable()
 * allows.
 */
void
dozor_crisis_layer_attach_editing (DozorCrisisLayer *self,
                                   GtkWidget        *target)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->target = target;
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (drag_update_cb), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (drag_end_cb), self, 0);
  /* Before the unit layer's own click and drag source: a handle over a
   * unit is the handle, as it is drawn on top. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  gtk_widget_add_controller (target, GTK_EVENT_CONTROLLER (drag));
}

/**
 * dozor_crisis_layer_set_editable:
 * @self: a #DozorCrisisLayer
 * @editable: whether the area shows handles that may be dragged
 */
void
dozor_crisis_layer_set_editable (DozorCrisisLayer *self,
                                 gboolean          editable)
{
  self->editable = editable;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

DozorCrisisLayer *
dozor_crisis_layer_new (ShumateViewport *viewport,
                        DozorSituation  *situation)
{
  return g_object_new (DOZOR_TYPE_CRISIS_LAYER, "viewport", viewport, "situation", situation, NULL);
}

/**
 * dozor_crisis_layer_draw_sample:
 * @cr: where to draw
 * @level: a degree of readiness
 * @width: the sample's box, from the origin
 * @height: the sample's box, from the origin
 *
 * A crisis area's outline as the map draws it, for the legend.
 */
void
dozor_crisis_layer_draw_sample (cairo_t    *cr,
                                const char *level,
                                double      width,
                                double      height)
{
  double rgb[3];

  dozor_crisis_level_color (level, rgb);
  cairo_save (cr);
  cairo_new_path (cr);
  cairo_rectangle (cr, 4, 4, width - 8, height - 8);
  paint_area (cr, rgb);
  cairo_restore (cr);
}
