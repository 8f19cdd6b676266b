/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rubber band: Shift+drag on the map draws a box, and the units with
 * a fix inside it are picked (::units-boxed), to be sent together. Without
 * Shift the press is left alone, so the map pans and units drag as ever.
 * The layer only draws the box; the gesture sits on the widget that takes
 * the map's pointer events (the unit layer), in the capture phase, so it
 * sees a Shift press before the map's own pan gesture does.
 */
#include "config.h"

#include <math.h>

#include "dozor-band-layer.h"

struct _DozorBandLayer
{
  ShumateLayer parent_instance;

  DozorSituation *situation;
  GtkWidget *target;   /* not owned: where the gesture is, same place as this */
  gboolean banding;
  double x0, y0, x1, y1;
};

G_DEFINE_FINAL_TYPE (DozorBandLayer, dozor_band_layer, SHUMATE_TYPE_LAYER)

enum
{
  UNITS_BOXED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               DozorBandLayer *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));

  if (!(state & GDK_SHIFT_MASK) || self->situation == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  self->banding = TRUE;
  self->x0 = self->x1 = x;
  self->y0 = self->y1 = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                DozorBandLayer *self)
{
  if (!self->banding)
    return;
  self->x1 = self->x0 + dx;
  self->y1 = self->y0 + dy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             DozorBandLayer *self)
{
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  GPtrArray *units;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) ids = NULL;
  double left, right, top, bottom;

  if (!self->banding)
    return;
  self->banding = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  self->x1 = self->x0 + dx;
  self->y1 = self->y0 + dy;
  left = MIN (self->x0, self->x1), right = MAX (self->x0, self->x1);
  top = MIN (self->y0, self->y1), bottom = MAX (self->y0, self->y1);

  builder = g_strv_builder_new ();
  units = dozor_situation_get_units (self->situation);
  for (guint i = 0; i < units->len; i++)
    {
      const DozorUnit *unit = g_ptr_array_index (units, i);
      double x, y;

      if (!unit->has_fix)
        continue;
      shumate_viewport_location_to_widget_coords (viewport, self->target, unit->lat, unit->lon, &x, &y);
      if (x >= left && x <= right && y >= top && y <= bottom)
        g_strv_builder_add (builder, unit->id);
    }
  ids = g_strv_builder_end (builder);
  g_signal_emit (self, signals[UNITS_BOXED], 0, ids);
}

static void
dozor_band_layer_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  DozorBandLayer *self = DOZOR_BAND_LAYER (widget);
  GdkRGBA fill = { 0.21, 0.52, 0.89, 0.15 };
  GdkRGBA edge = { 0.21, 0.52, 0.89, 0.9 };
  graphene_rect_t box;
  GskRoundedRect outline;

  if (!self->banding)
    return;
  graphene_rect_init (&box, MIN (self->x0, self->x1), MIN (self->y0, self->y1),
                      fabs (self->x1 - self->x0), fabs (self->y1 - self->y0));
  gtk_snapshot_append_color (snapshot, &fill, &box);
  gsk_rounded_rect_init_from_rect (&outline, &box, 0);
  gtk_snapshot_append_border (snapshot, &outline, (float[4]) { 1.5, 1.5, 1.5, 1.5 },
                              (GdkRGBA[4]) { edge, edge, edge, edge });
}

static void
dozor_band_layer_dispose (GObject *object)
{
  DozorBandLayer *self = DOZOR_BAND_LAYER (object);

  g_clear_object (&self->situation);

  G_OBJECT_CLASS (dozor_band_layer_parent_class)->dispose (object);
}

static void
dozor_band_layer_class_init (DozorBandLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_band_layer_dispose;
  GTK_WIDGET_CLASS (klass)->snapshot = dozor_band_layer_snapshot;

  /**
   * DozorBandLayer::units-boxed:
   * @unit_ids: (array zero-terminated=1): the units inside the box, maybe none
   */
  signals[UNITS_BOXED] = g_signal_new ("units-boxed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRV);
}

static void
dozor_band_layer_init (DozorBandLayer *self)
{
  /* Only draws: the pointer belongs to the layer below. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

/**
 * dozor_band_layer_new:
 * @viewport: the map's viewport
 * @situation: whose units a box picks
 * @target: the widget taking the map's pointer events, at the same place
 *   and size as the layer
 *
 * Returns: (transfer floating): a new layer
 */
DozorBandLayer *
dozor_band_layer_new (ShumateViewport *viewport,
                      DozorSituation  *situation,
                      GtkWidget       *target)
{
  DozorBandLayer *self = g_object_new (DOZOR_TYPE_BAND_LAYER, "viewport", viewport, NULL);
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->situation = g_object_ref (situation);
  self->target = target;
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (drag_update_cb), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (drag_end_cb), self, 0);
  gtk_widget_add_controller (target, GTK_EVENT_CONTROLLER (drag));
  return self;
}
