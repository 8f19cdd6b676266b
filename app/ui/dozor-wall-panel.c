/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What one wall monitor shows when it is not the map alone: its views in
 * the configured grid (docs/wall.md), rows top to bottom sharing the
 * height, views in a row sharing its width. The map, when the grid has
 * it, is the board's own map, taken from its window; when the grid has
 * none it stays in the panel unseen, so the window's map keeps working.
 */
#include "config.h"

#include "dozor-wall-figures-view.h"
#include "dozor-wall-incidents-view.h"
#include "dozor-wall-panel.h"
#include "dozor-wall-ticker.h"

struct _DozorWallPanel
{
  GtkWidget parent_instance;

  GtkBox *rows;
  GtkWidget *map;
  GtkBox *map_cell;      /* the map with its legend, when the grid has it */
  GPtrArray *views; /* the views, for their text size */
};

G_DEFINE_FINAL_TYPE (DozorWallPanel, dozor_wall_panel, GTK_TYPE_WIDGET)

static void
dozor_wall_panel_dispose (GObject *object)
{
  DozorWallPanel *self = DOZOR_WALL_PANEL (object);

  g_clear_pointer ((GtkWidget **) &self->rows, gtk_widget_unparent);
  g_clear_pointer (&self->views, g_ptr_array_unref);
  self->map = NULL;

  G_OBJECT_CLASS (dozor_wall_panel_parent_class)->dispose (object);
}

static void
dozor_wall_panel_class_init (DozorWallPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_wall_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wallpanel");
}

static void
dozor_wall_panel_init (DozorWallPanel *self)
{
  self->views = g_ptr_array_new ();
  self->rows = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
  gtk_widget_set_parent (GTK_WIDGET (self->rows), GTK_WIDGET (self));
}

/**
 * dozor_wall_panel_is_needed:
 * @monitor: a configured monitor
 *
 * Returns: whether it shows anything but the map alone
 */
gboolean
dozor_wall_panel_is_needed (const DozorWallMonitor *monitor)
{
  for (guint r = 0; r < monitor->n_rows; r++)
    for (guint c = 0; c < monitor->row_length[r]; c++)
      if (monitor->cells[r][c] != DOZOR_WALL_VIEW_MAP)
        return TRUE;
  return FALSE;
}

static GtkWidget *
make_view (DozorWallPanel  *self,
           DozorWallView    view,
           DozorSyncClient *sync,
           DozorSituation  *situation,
           const DozorWallMarks *marks)
{
  GtkWidget *widget = NULL;

  switch (view)
    {
    case DOZOR_WALL_VIEW_FIGURES:
      widget = GTK_WIDGET (dozor_wall_figures_view_new (sync, situation));
      break;
    case DOZOR_WALL_VIEW_TICKER:
      widget = GTK_WIDGET (dozor_wall_ticker_new (situation));
      break;
    case DOZOR_WALL_VIEW_INCIDENTS:
      widget = GTK_WIDGET (dozor_wall_incidents_view_new (situation, marks));
      break;
    case DOZOR_WALL_VIEW_MAP:
    default:
      g_assert_not_reached ();
    }
  gtk_widget_add_css_class (widget, "wall-view");
  g_ptr_array_add (self->views, widget);
  /* A view whose text the rule makes larger than its cell is cut at the
   * cell's edge: it must not grow the window past its monitor. */
  {
    GtkWidget *clip = gtk_scrolled_window_new ();

    gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (clip), GTK_POLICY_EXTERNAL, GTK_POLICY_EXTERNAL);
    /* Asks for the view's whole height: a row takes what its views need
     * and the rows with less to say give up the rest. */
    gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (clip), TRUE);
    gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (clip), widget);
    gtk_widget_set_can_target (clip, FALSE);
    return clip;
  }
}

/**
 * dozor_wall_panel_new:
 * @monitor: the monitor's configuration
 * @map: the board's map, taken out of its window
 * @sync: the wall's link
 * @situation: what the wall shows
 * @marks: when incidents are late
 *
 * Returns: (transfer floating): the panel, holding @map
 */
DozorWallPanel *
dozor_wall_panel_new (const DozorWallMonitor *monitor,
                      GtkWidget              *map,
                      DozorSyncClient        *sync,
                      DozorSituation         *situation,
                      const DozorWallMarks   *marks)
{
  DozorWallPanel *self = g_object_new (DOZOR_TYPE_WALL_PANEL, NULL);
  gboolean map_shown = FALSE;

  self->map = map;
  for (guint r = 0; r < monitor->n_rows; r++)
    {
      GtkBox *row = GTK_BOX (gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0));

      gtk_box_set_homogeneous (row, TRUE);
      gtk_box_append (self->rows, GTK_WIDGET (row));
      for (guint c = 0; c < monitor->row_length[r]; c++)
        {
          GtkWidget *cell;

          /* One map: a second map cell would be the same map twice. */
          if (monitor->cells[r][c] == DOZOR_WALL_VIEW_MAP && !map_shown)
            {
              /* What belongs to the map (its legend) stays in the map's
               * cell, not across the other views. */
              self->map_cell = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 0));
              gtk_widget_set_vexpand (map, TRUE);
              gtk_box_append (self->map_cell, map);
              cell = GTK_WIDGET (self->map_cell);
              map_shown = TRUE;
            }
          else if (monitor->cells[r][c] == DOZOR_WALL_VIEW_MAP)
            continue;
          else
            cell = make_view (self, monitor->cells[r][c], sync, situation, marks);
          gtk_widget_set_hexpand (cell, TRUE);
          gtk_widget_set_vexpand (cell, TRUE);
          gtk_box_append (row, cell);
        }
    }
  if (!map_shown)
    {
      gtk_widget_set_visible (map, FALSE);
      gtk_box_append (self->rows, map);
    }
  return self;
}

/**
 * dozor_wall_panel_add_above_map:
 * @self: a #DozorWallPanel
 * @widget: a strip to show above the map, in the map's cell
 *
 * Returns: whether the panel shows the map (else @widget was not taken)
 */
gboolean
dozor_wall_panel_add_above_map (DozorWallPanel *self,
                                GtkWidget      *widget)
{
  g_return_val_if_fail (DOZOR_IS_WALL_PANEL (self), FALSE);

  if (self->map_cell == NULL)
    return FALSE;
  gtk_box_prepend (self->map_cell, widget);
  return TRUE;
}

/**
 * dozor_wall_panel_set_cap_height:
 * @self: a #DozorWallPanel
 * @cap_height: the legibility rule's capital height, in pixels
 */
void
dozor_wall_panel_set_cap_height (DozorWallPanel *self,
                                 double          cap_height)
{
  g_return_if_fail (DOZOR_IS_WALL_PANEL (self));

  for (guint i = 0; i < self->views->len; i++)
    {
      GtkWidget *view = g_ptr_array_index (self->views, i);

      if (DOZOR_IS_WALL_FIGURES_VIEW (view))
        dozor_wall_figures_view_set_cap_height (DOZOR_WALL_FIGURES_VIEW (view), cap_height);
      else if (DOZOR_IS_WALL_TICKER (view))
        dozor_wall_ticker_set_cap_height (DOZOR_WALL_TICKER (view), cap_height);
      else if (DOZOR_IS_WALL_INCIDENTS_VIEW (view))
        dozor_wall_incidents_view_set_cap_height (DOZOR_WALL_INCIDENTS_VIEW (view), cap_height);
    }
}
