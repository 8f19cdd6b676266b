/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What an incident's colour means, on a wall's map (issue 16, item 3):
 * the four priorities' diamonds, each as the map draws it (with its
 * digit), beside the priority's word, in a strip along the map's top. The room reads the
 * map from afar and cannot point at a diamond to ask; the figures view's
 * forces column is already the legend of the units' colours, but a wall
 * may have no figures monitor. Sized by the legibility rule: the words'
 * capitals at the rule's height, the diamonds as tall as a line.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-incident-layer.h"
#include "dozor-wall-legend.h"
#include "dozor-wall-text.h"

#define N_PRIORITIES 4
/* The desk's diamond with its outline is this many pixels across. */
#define DESK_DIAMOND 20.0

struct _DozorWallLegend
{
  GtkWidget parent_instance;

  GtkGrid *grid;
  GtkWidget *diamonds[N_PRIORITIES];
  GtkLabel *names[N_PRIORITIES];
  char *monitor;        /* its monitor's name, for the log */
  double scale;         /* the diamonds' size against the desk's */
};

G_DEFINE_FINAL_TYPE (DozorWallLegend, dozor_wall_legend, GTK_TYPE_WIDGET)

static void
draw_diamond (GtkDrawingArea *area,
              cairo_t        *cr,
              int             width,
              int             height,
              gpointer        user_data)
{
  DozorWallLegend *self = DOZOR_WALL_LEGEND (user_data);
  int priority = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (area), "priority"));

  /* The map's own symbol, with its digit, scaled with the text. */
  cairo_translate (cr, width / 2.0, height / 2.0);
  cairo_scale (cr, self->scale, self->scale);
  dozor_incident_layer_draw_symbol (cr, priority, FALSE, 0, 0);
}

/* Where the legend is on its window, once laid out: the administrator
 * checks it against the monitor, the tests measure its text there. */
static void
log_bounds (DozorWallLegend *self)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  graphene_rect_t bounds;

  if (window == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (self->names[0]), window, &bounds))
    return;
  g_debug ("Wall legend %s: priorities' words from %.0f,%.0f, %d px wide, %d px a row", self->monitor,
           bounds.origin.x, bounds.origin.y, gtk_widget_get_width (GTK_WIDGET (self->names[0])),
           gtk_widget_get_height (GTK_WIDGET (self->names[0])));
}

static void
dozor_wall_legend_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  DozorWallLegend *self = DOZOR_WALL_LEGEND (widget);

  gtk_widget_allocate (GTK_WIDGET (self->grid), width, height, baseline, NULL);
  log_bounds (self);
}

static void
dozor_wall_legend_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  DozorWallLegend *self = DOZOR_WALL_LEGEND (widget);

  gtk_widget_measure (GTK_WIDGET (self->grid), orientation, for_size, minimum, natural, minimum_baseline,
                      natural_baseline);
}

static void
dozor_wall_legend_dispose (GObject *object)
{
  DozorWallLegend *self = DOZOR_WALL_LEGEND (object);

  g_clear_pointer ((GtkWidget **) &self->grid, gtk_widget_unparent);
  g_clear_pointer (&self->monitor, g_free);

  G_OBJECT_CLASS (dozor_wall_legend_parent_class)->dispose (object);
}

static void
dozor_wall_legend_class_init (DozorWallLegendClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_wall_legend_dispose;
  widget_class->measure = dozor_wall_legend_measure;
  widget_class->size_allocate = dozor_wall_legend_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "walllegend");
}

static void
dozor_wall_legend_init (DozorWallLegend *self)
{
  const char *priority_words[N_PRIORITIES] = {
    /* TRANSLATORS: priority 1 in the wall's legend of the diamonds' colours, beside a diamond with a 1 */
    C_("wall legend", "Immediate"),
    /* TRANSLATORS: priority 2 in the wall's legend, beside a diamond with a 2 */
    C_("wall legend", "Urgent"),
    /* TRANSLATORS: priority 3 in the wall's legend, beside a diamond with a 3 */
    C_("wall legend", "Normal"),
    /* TRANSLATORS: priority 4 in the wall's legend, beside a diamond with a 4 */
    C_("wall legend", "Low"),
  };

  self->scale = 1.0;
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->grid), GTK_WIDGET (self));
  for (int p = 0; p < N_PRIORITIES; p++)
    {
      self->diamonds[p] = gtk_drawing_area_new ();
      g_object_set_data (G_OBJECT (self->diamonds[p]), "priority", GINT_TO_POINTER (p + 1));
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->diamonds[p]), draw_diamond, self, NULL);
      gtk_widget_set_size_request (self->diamonds[p], (int) DESK_DIAMOND, (int) DESK_DIAMOND);
      gtk_widget_set_valign (self->diamonds[p], GTK_ALIGN_CENTER);
      gtk_grid_attach (self->grid, self->diamonds[p], 2 * p, 0, 1, 1);
      /* One word: the diamond beside it carries the priority's digit,
       * and every word more widens the strip. */
      self->names[p] = GTK_LABEL (gtk_label_new (priority_words[p]));
      gtk_label_set_xalign (self->names[p], 0);
      gtk_grid_attach (self->grid, GTK_WIDGET (self->names[p]), 2 * p + 1, 0, 1, 1);
    }
  /* A strip across the map's top, its words at the right: a strip, not an
   * overlay, so that it hides nothing the map shows (an overlay in the
   * corner hid a framed incident: board-wall-framing), and the framing
   * fits the map that is left. */
  gtk_widget_set_halign (GTK_WIDGET (self->grid), GTK_ALIGN_END);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  /* Light text on a dark ground, as the map's other wall texts. */
  gtk_widget_add_css_class (GTK_WIDGET (self), "osd");
  gtk_widget_add_css_class (GTK_WIDGET (self), "wall-legend");
}

/**
 * dozor_wall_legend_new:
 * @monitor: the monitor's name, for the log
 *
 * Returns: (transfer floating): the legend of the diamonds' colours
 */
DozorWallLegend *
dozor_wall_legend_new (const char *monitor)
{
  DozorWallLegend *self = g_object_new (DOZOR_TYPE_WALL_LEGEND, NULL);

  self->monitor = g_strdup (monitor);
  return self;
}

/**
 * dozor_wall_legend_set_cap_height:
 * @self: a #DozorWallLegend
 * @cap_height: the legibility rule's capital height, in pixels
 */
void
dozor_wall_legend_set_cap_height (DozorWallLegend *self,
                                  double           cap_height)
{
  int line = 0;

  g_return_if_fail (DOZOR_IS_WALL_LEGEND (self));

  for (int p = 0; p < N_PRIORITIES; p++)
    dozor_wall_text_size (self->names[p], cap_height, 1.0, FALSE);
  /* The diamonds as tall as a line of the words, no taller: a taller row
   * would make the corner larger than its words need. */
  gtk_widget_measure (GTK_WIDGET (self->names[0]), GTK_ORIENTATION_VERTICAL, -1, &line, NULL, NULL, NULL);
  self->scale = MAX (line / DESK_DIAMOND, 1.0);
  for (int p = 0; p < N_PRIORITIES; p++)
    {
      gtk_widget_set_size_request (self->diamonds[p], (int) (DESK_DIAMOND * self->scale),
                                   (int) (DESK_DIAMOND * self->scale));
      gtk_widget_queue_draw (self->diamonds[p]);
    }
  gtk_grid_set_column_spacing (self->grid, (int) MAX (cap_height * 0.3, 4));
  /* Each diamond further from the word before it than from its own. */
  for (int p = 1; p < N_PRIORITIES; p++)
    gtk_widget_set_margin_start (self->diamonds[p], (int) MAX (cap_height * 0.8, 8));
  gtk_widget_set_margin_top (GTK_WIDGET (self->grid), (int) MAX (cap_height * 0.2, 2));
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->grid), (int) MAX (cap_height * 0.2, 2));
  gtk_widget_set_margin_end (GTK_WIDGET (self->grid), (int) MAX (cap_height * 0.6, 8));
}
