/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One pulse where something on the map has just escalated (an incident
 * overdue, a unit too long on scene): a magenta ring growing and fading
 * over PULSE_US, then gone for good. Drawn over the map's image, only
 * while a pulse runs, so the image's tiles never hold it.
 */
#include "config.h"

#include "dozor-pulse-layer.h"

#define PULSE_US (1200 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  double lat, lon;
  gint64 start;  /* frame time of its first frame, 0 before */
} Pulse;

struct _DozorPulseLayer
{
  ShumateLayer parent_instance;

  GArray *pulses;  /* Pulse */
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (DozorPulseLayer, dozor_pulse_layer, SHUMATE_TYPE_LAYER)

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  DozorPulseLayer *self = DOZOR_PULSE_LAYER (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  for (guint i = self->pulses->len; i-- > 0;)
    {
      Pulse *pulse = &g_array_index (self->pulses, Pulse, i);

      if (pulse->start == 0)
        pulse->start = now;
      else if (now - pulse->start >= PULSE_US)
        g_array_remove_index_fast (self->pulses, i);
    }
  gtk_widget_queue_draw (widget);
  if (self->pulses->len > 0)
    return G_SOURCE_CONTINUE;
  self->tick_id = 0;
  return G_SOURCE_REMOVE;
}

static void
dozor_pulse_layer_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  DozorPulseLayer *self = DOZOR_PULSE_LAYER (widget);
  ShumateViewport *viewport = shumate_layer_get_viewport (SHUMATE_LAYER (self));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gint64 now = clock != NULL ? gdk_frame_clock_get_frame_time (clock) : 0;

  for (guint i = 0; i < self->pulses->len; i++)
    {
      const Pulse *pulse = &g_array_index (self->pulses, Pulse, i);
      double t = pulse->start > 0 ? (double) (now - pulse->start) / PULSE_US : 0, x, y;
      cairo_t *cr;

      if (t >= 1)
        continue;
      shumate_viewport_location_to_widget_coords (viewport, widget, pulse->lat, pulse->lon, &x, &y);
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 50, y - 50, 100, 100));
      cairo_arc (cr, x, y, 12 + 30 * t, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 1.0, 0.25, 0.95, 1 - t);
      cairo_set_line_width (cr, 5 * (1 - t) + 1);
      cairo_stroke (cr);
      cairo_destroy (cr);
    }
}

static void
dozor_pulse_layer_dispose (GObject *object)
{
  DozorPulseLayer *self = DOZOR_PULSE_LAYER (object);

  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;

  G_OBJECT_CLASS (dozor_pulse_layer_parent_class)->dispose (object);
}

static void
dozor_pulse_layer_finalize (GObject *object)
{
  DozorPulseLayer *self = DOZOR_PULSE_LAYER (object);

  g_array_unref (self->pulses);

  G_OBJECT_CLASS (dozor_pulse_layer_parent_class)->finalize (object);
}

static void
dozor_pulse_layer_class_init (DozorPulseLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_pulse_layer_dispose;
  object_class->finalize = dozor_pulse_layer_finalize;
  GTK_WIDGET_CLASS (klass)->snapshot = dozor_pulse_layer_snapshot;
}

static void
dozor_pulse_layer_init (DozorPulseLayer *self)
{
  self->pulses = g_array_new (FALSE, FALSE, sizeof (Pulse));
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

DozorPulseLayer *
dozor_pulse_layer_new (ShumateViewport *viewport)
{
  return g_object_new (DOZOR_TYPE_PULSE_LAYER, "viewport", viewport, NULL);
}

/**
 * dozor_pulse_layer_pulse:
 * @self: a #DozorPulseLayer
 * @lat: where
 * @lon: where
 *
 * One pulse there, starting with the next frame.
 */
void
dozor_pulse_layer_pulse (DozorPulseLayer *self,
                         double           lat,
                         double           lon)
{
  Pulse pulse = { lat, lon, 0 };

  g_return_if_fail (DOZOR_IS_PULSE_LAYER (self));

  g_array_append_val (self->pulses, pulse);
  if (self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}
