/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the map's colours and symbols mean, and which layers it draws: a
 * new supervisor's key to the board, in a popover from the header bar
 * (Ctrl+L). Every sample is drawn by the very function the map draws
 * with, so the legend cannot say one thing while the map shows another.
 *
 * The layers are stateful actions (map.layer-*) made from the settings:
 * the check buttons here, their shortcuts (Alt+1…6) and the setting are
 * one state, kept across restarts; the map view follows the setting.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-area-layer.h"
#include "dozor-crisis-layer.h"
#include "dozor-deviation-layer.h"
#include "dozor-incident-layer.h"
#include "dozor-labels.h"
#include "dozor-legend.h"
#include "dozor-unit-layer.h"

#define SAMPLE_WIDTH 32
#define SAMPLE_HEIGHT 22

typedef enum
{
  SAMPLE_UNIT,
  SAMPLE_STALE_UNIT,
  SAMPLE_INCIDENT,
  SAMPLE_NEW_INCIDENT,
  SAMPLE_LINE,
  SAMPLE_AREA,
  SAMPLE_CRISIS,
  SAMPLE_DEVIATION,
} SampleKind;

typedef struct
{
  SampleKind kind;
  const char *status;  /* a unit's status, a readiness level */
  int value;           /* a priority, an area sample, whether on scene */
} Sample;

static const Sample unit_samples[] = {
  { SAMPLE_UNIT, "available", 0 },
  { SAMPLE_UNIT, "dispatched", 0 },
  { SAMPLE_UNIT, "en_route", 0 },
  { SAMPLE_UNIT, "on_scene", 0 },
  { SAMPLE_UNIT, "busy", 0 },
  { SAMPLE_UNIT, "off_duty", 0 },
  { SAMPLE_STALE_UNIT, "available", 0 },
};

static const Sample incident_samples[] = {
  { SAMPLE_INCIDENT, NULL, 1 },
  { SAMPLE_INCIDENT, NULL, 2 },
  { SAMPLE_INCIDENT, NULL, 3 },
  { SAMPLE_INCIDENT, NULL, 4 },
  { SAMPLE_NEW_INCIDENT, NULL, 2 },
};

static const Sample map_samples[] = {
  { SAMPLE_LINE, NULL, FALSE },
  { SAMPLE_LINE, NULL, TRUE },
  { SAMPLE_AREA, NULL, DOZOR_AREA_SAMPLE_DISTRICT },
  { SAMPLE_AREA, NULL, DOZOR_AREA_SAMPLE_SECTOR },
  { SAMPLE_AREA, NULL, DOZOR_AREA_SAMPLE_ROUTE },
  { SAMPLE_AREA, NULL, DOZOR_AREA_SAMPLE_CAMERA },
  { SAMPLE_AREA, NULL, DOZOR_AREA_SAMPLE_PLACE },
  { SAMPLE_AREA, NULL, DOZOR_AREA_SAMPLE_GAP },
  { SAMPLE_CRISIS, "high", 0 },
  { SAMPLE_DEVIATION, NULL, 0 },
};

struct _DozorLegend
{
  GtkWidget parent_instance;

  GtkGrid *units_grid;
  GtkGrid *incidents_grid;
  GtkGrid *map_grid;
  GPtrArray *labels;  /* the rows' labels, in order */
};

G_DEFINE_FINAL_TYPE (DozorLegend, dozor_legend, GTK_TYPE_WIDGET)

static const char *
sample_text (const Sample *sample)
{
  switch (sample->kind)
    {
    case SAMPLE_UNIT:
      return dozor_unit_status_label (sample->status);
    case SAMPLE_STALE_UNIT:
      return _("Position not current (over a minute old)");
    case SAMPLE_INCIDENT:
      return dozor_priority_label (sample->value);
    case SAMPLE_NEW_INCIDENT:
      return _("White halo: nobody sent yet");
    case SAMPLE_LINE:
      return sample->value ? _("Dispatch line: unit on scene") : _("Dispatch line: unit on its way");
    case SAMPLE_CRISIS:
      return _("Crisis area of the readiness");
    case SAMPLE_DEVIATION:
      /* TRANSLATORS: the legend: the violet highlight of a unit that left its route or post */
      return _("Violet: a unit off its route or post, and the way it took");
    case SAMPLE_AREA:
    default:
      break;
    }

  switch ((DozorAreaSample) sample->value)
    {
    case DOZOR_AREA_SAMPLE_DISTRICT:
      return _("District");
    case DOZOR_AREA_SAMPLE_SECTOR:
      return _("Patrol sector");
    case DOZOR_AREA_SAMPLE_ROUTE:
      return _("Patrol route");
    case DOZOR_AREA_SAMPLE_CAMERA:
      return _("Camera");
    case DOZOR_AREA_SAMPLE_PLACE:
      return _("Point of interest");
    case DOZOR_AREA_SAMPLE_GAP:
    default:
      return _("Coverage gap: too few available units");
    }
}

static void
draw_sample (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const Sample *sample = user_data;

  switch (sample->kind)
    {
    case SAMPLE_UNIT:
    case SAMPLE_STALE_UNIT:
      dozor_unit_layer_draw_symbol (cr, sample->status, sample->kind == SAMPLE_STALE_UNIT, width / 2.0, height / 2.0);
      break;
    case SAMPLE_INCIDENT:
    case SAMPLE_NEW_INCIDENT:
      dozor_incident_layer_draw_symbol (cr, sample->value, sample->kind == SAMPLE_NEW_INCIDENT,
                                        width / 2.0, height / 2.0);
      break;
    case SAMPLE_LINE:
      dozor_incident_layer_draw_line (cr, sample->value, 3, height - 4, width - 3, 4);
      break;
    case SAMPLE_CRISIS:
      dozor_crisis_layer_draw_sample (cr, sample->status, width, height);
      break;
    case SAMPLE_DEVIATION:
      dozor_deviation_layer_draw_sample (cr, width, height);
      break;
    case SAMPLE_AREA:
    default:
      dozor_area_layer_draw_sample (cr, sample->value, width, height);
      break;
    }
}

static void
add_rows (DozorLegend  *self,
          GtkGrid      *grid,
          const Sample *samples,
          guint         n_samples)
{
  for (guint i = 0; i < n_samples; i++)
    {
      GtkWidget *swatch = gtk_drawing_area_new ();
      GtkWidget *label = gtk_label_new (sample_text (&samples[i]));

      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), SAMPLE_WIDTH);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), SAMPLE_HEIGHT);
      /* The samples are cast away, never freed: they are static. */
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_sample, (gpointer) &samples[i], NULL);
      /* A screen reader reads the words; the picture says the same. */
      gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      sample_text (&samples[i]), -1);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_grid_attach (grid, swatch, 0, i, 1, 1);
      gtk_grid_attach (grid, label, 1, i, 1, 1);
      g_ptr_array_add (self->labels, label);
    }
}

static void
legend_mapped_cb (DozorLegend *self)
{
  g_autofree char *text = dozor_legend_describe (self);

  /* Tests read what the legend lists from this line. */
  g_debug ("Legend shown: %s", text);
}

static void
dozor_legend_dispose (GObject *object)
{
  DozorLegend *self = DOZOR_LEGEND (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), DOZOR_TYPE_LEGEND);
  g_clear_pointer (&self->labels, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_legend_parent_class)->dispose (object);
}

static void
dozor_legend_class_init (DozorLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_legend_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/dozor-legend.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorLegend, units_grid);
  gtk_widget_class_bind_template_child (widget_class, DozorLegend, incidents_grid);
  gtk_widget_class_bind_template_child (widget_class, DozorLegend, map_grid);
}

static void
dozor_legend_init (DozorLegend *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->labels = g_ptr_array_new ();
  add_rows (self, self->units_grid, unit_samples, G_N_ELEMENTS (unit_samples));
  add_rows (self, self->incidents_grid, incident_samples, G_N_ELEMENTS (incident_samples));
  add_rows (self, self->map_grid, map_samples, G_N_ELEMENTS (map_samples));
  g_signal_connect (self, "map", G_CALLBACK (legend_mapped_cb), NULL);
}

GtkWidget *
dozor_legend_new (void)
{
  return g_object_new (DOZOR_TYPE_LEGEND, NULL);
}

/**
 * dozor_legend_describe:
 * @self: a #DozorLegend
 *
 * Returns: (transfer full): what the legend lists, row by row, "; " apart
 */
char *
dozor_legend_describe (DozorLegend *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (DOZOR_IS_LEGEND (self), NULL);

  for (guint i = 0; i < self->labels->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "; " : "", gtk_label_get_text (self->labels->pdata[i]));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
legend_action_cb (GtkMenuButton *button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  if (gtk_widget_get_visible (GTK_WIDGET (popover)))
    gtk_menu_button_popdown (button);
  else
    gtk_menu_button_popup (button);
}

/**
 * dozor_legend_attach:
 * @window: the board's window, which gets the `map.` actions
 * @settings: the board's settings, which keep the layers shown
 *
 * Installs `map.legend` (shows or hides the legend) and the stateful
 * `map.layer-districts`, `-sectors`, `-routes`, `-places`, `-trails` and
 * `-dispatch-lines` on @window.
 *
 * Returns: (transfer floating): the header bar's button that shows the legend
 */
GtkWidget *
dozor_legend_attach (GtkWidget *window,
                     GSettings *settings)
{
  static const char *const layers[] = {
    "layer-districts", "layer-sectors", "layer-routes", "layer-places", "layer-trails", "layer-dispatch-lines",
  };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) legend = g_simple_action_new ("legend", NULL);
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();

  for (guint i = 0; i < G_N_ELEMENTS (layers); i++)
    {
      g_autoptr(GAction) action = g_settings_create_action (settings, layers[i]);

      g_action_map_add_action (G_ACTION_MAP (group), action);
    }
  g_signal_connect_object (legend, "activate", G_CALLBACK (legend_action_cb), button, G_CONNECT_SWAPPED);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (legend));
  gtk_widget_insert_action_group (window, "map", G_ACTION_GROUP (group));

  gtk_popover_set_child (GTK_POPOVER (popover), dozor_legend_new ());
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "help-contents-symbolic");
  gtk_widget_set_tooltip_text (button, _("Legend and Layers"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Legend and Layers"), -1);
  return button;
}
