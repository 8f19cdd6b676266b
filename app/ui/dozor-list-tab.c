/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Tab leaves a list in one press.
 *
 * GTK 4.8's GtkListView (and the GtkColumnView built on it) takes Tab as
 * "the next row": from a row, Tab moves to the row below, and leaves the
 * list only from its last row. With the queue's 36 incidents or a few
 * hundred units, a keyboard user pressed Tab dozens of times before the
 * map; while units report, the list re-sorts under the focus and the last
 * row moves away, so Tab never got out at all. GTK 4.12 made this a choice
 * (GtkListView:tab-behavior); here, as a GtkListBox does, Tab and Shift+Tab
 * go to the widget after or before the list, and the arrow keys move among
 * its rows. Coming back, Tab lands on the row that had the focus.
 */
#include "config.h"

#include "dozor-list-tab.h"

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                gpointer               user_data)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (list);
  GtkDirectionType direction;

  if (keyval == GDK_KEY_ISO_Left_Tab)
    direction = GTK_DIR_TAB_BACKWARD;
  else if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab)
    direction = (state & GDK_SHIFT_MASK) != 0 ? GTK_DIR_TAB_BACKWARD : GTK_DIR_TAB_FORWARD;
  else
    return FALSE;
  /* Ctrl+Tab and Alt+Tab are someone else's. */
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0 || root == NULL)
    return FALSE;

  /* For this one step the list is out of the focus chain: the window's
   * step then goes on from the list's place to its neighbour (and round
   * to the window's start after the last widget), instead of to the next
   * row. */
  gtk_widget_set_can_focus (list, FALSE);
  gtk_widget_child_focus (GTK_WIDGET (root), direction);
  gtk_widget_set_can_focus (list, TRUE);
  return TRUE;
}

/**
 * dozor_list_tab_leaves:
 * @list: a #GtkListView or #GtkColumnView
 *
 * Makes Tab and Shift+Tab leave @list at once rather than walk its rows.
 */
void
dozor_list_tab_leaves (GtkWidget *list)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  /* Before the rows see the key. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), NULL);
  gtk_widget_add_controller (list, keys);
}
