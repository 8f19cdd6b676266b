/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The map's scale: a bar of a round length (1, 2 or 5 times a power of ten
 * metres) at most MAX_WIDTH pixels long at the centre of the view, with
 * its length in words of the user's language. libshumate 1.0.3's own
 * scale writes "km" and "m" untranslated, so the map view hides it and
 * shows this one instead.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "dozor-labels.h"
#include "dozor-scale-bar.h"

/* The widest the bar may be, in pixels: libshumate's default. */
#define MAX_WIDTH 100
/* Thickness of the bar and its end ticks, in pixels. */
#define LINE 2
#define TICK 6

struct _DozorScaleBar
{
  GtkWidget parent_instance;

  ShumateViewport *viewport;
  GtkLabel *label;
  double bar_width; /* pixels; 0 while nothing can be measured */
};

G_DEFINE_FINAL_TYPE (DozorScaleBar, dozor_scale_bar, GTK_TYPE_WIDGET)

static void
update (DozorScaleBar *self)
{
  ShumateMapSource *source = shumate_viewport_get_reference_map_source (self->viewport);
  double lat = shumate_location_get_latitude (SHUMATE_LOCATION (self->viewport));
  double lon = shumate_location_get_longitude (SHUMATE_LOCATION (self->viewport));
  double per_pixel, most, power, length = 0;
  g_autofree char *text = NULL;
  g_autofree char *plain = NULL;

  if (source == NULL)
    return;
  per_pixel = shumate_map_source_get_meters_per_pixel (source, shumate_viewport_get_zoom_level (self->viewport),
                                                       lat, lon);
  if (!(per_pixel > 0) || !isfinite (per_pixel))
    return;

  most = per_pixel * MAX_WIDTH;
  power = pow (10, floor (log10 (most)));
  for (guint i = 0; i < 3; i++)
    {
      double round = power * (double[]) { 5, 2, 1 }[i];

      if (round <= most)
        {
          length = round;
          break;
        }
    }
  if (length < 1)
    length = 1;

  /* Translators: the map's scale bar, in kilometres and in metres */
  if (length >= 1000)
    plain = g_strdup_printf (_("%d km"), (int) (length / 1000));
  else
    plain = g_strdup_printf (_("%d m"), (int) length);
  text = dozor_unbroken (plain);

  self->bar_width = length / per_pixel;
  if (g_strcmp0 (gtk_label_get_text (self->label), text) != 0)
    {
      gtk_label_set_text (self->label, text);
      g_debug ("Scale bar: %s", text);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
dozor_scale_bar_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  DozorScaleBar *self = DOZOR_SCALE_BAR (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA color;

  GTK_WIDGET_CLASS (dozor_scale_bar_parent_class)->snapshot (widget, snapshot);
  if (self->bar_width <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, height - LINE, self->bar_width, LINE));
  gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (0, height - TICK, LINE, TICK));
  gtk_snapshot_append_color (snapshot, &color,
                             &GRAPHENE_RECT_INIT (self->bar_width - LINE, height - TICK, LINE, TICK));
}

static void
dozor_scale_bar_dispose (GObject *object)
{
  DozorScaleBar *self = DOZOR_SCALE_BAR (object);

  if (self->label != NULL)
    gtk_widget_unparent (GTK_WIDGET (g_steal_pointer (&self->label)));
  g_clear_object (&self->viewport);

  G_OBJECT_CLASS (dozor_scale_bar_parent_class)->dispose (object);
}

static void
dozor_scale_bar_class_init (DozorScaleBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_scale_bar_dispose;
  widget_class->snapshot = dozor_scale_bar_snapshot;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "scale-bar");
}

static void
dozor_scale_bar_init (DozorScaleBar *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->label, 0);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->label), TICK);
  gtk_widget_set_margin_start (GTK_WIDGET (self->label), LINE + 2);
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_START);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_END);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  /* Room for the longest bar, so the label never moves the map's corner. */
  gtk_widget_set_size_request (GTK_WIDGET (self), MAX_WIDTH, -1);
}

/**
 * dozor_scale_bar_new:
 * @viewport: the map's viewport, whose zoom and centre it follows
 *
 * Returns: (transfer floating): the scale bar
 */
GtkWidget *
dozor_scale_bar_new (ShumateViewport *viewport)
{
  DozorScaleBar *self = g_object_new (DOZOR_TYPE_SCALE_BAR, NULL);

  self->viewport = g_object_ref (viewport);
  g_signal_connect_object (viewport, "notify::zoom-level", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::latitude", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (viewport, "notify::reference-map-source", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}
