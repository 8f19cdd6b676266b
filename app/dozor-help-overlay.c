/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The keyboard shortcuts window (win.show-help-overlay), built the first
 * time it is asked for. GtkApplication builds gtk/help-overlay.ui under the
 * resource base for every window it is given, at once: some thousand
 * widgets (labels, shortcut labels, their accessibility contexts and CSS
 * nodes) that a board kept for the whole shift without showing them, about
 * 2 MB of heap a window (heaptrack, docs/performance.md, "heapcut"), and a
 * wall has a window per monitor. The file is therefore compiled under
 * another name, which GtkApplication does not look for.
 */
#include "config.h"

#include "dozor-help-overlay.h"

#define RESOURCE RESOURCE_BASE "/ui/dozor-shortcuts.ui"

static void
show_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  GtkApplicationWindow *window = user_data;
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (window);

  if (overlay == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE);

      overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      /* Takes the overlay and puts its own win.show-help-overlay in place
       * of this one, as GtkApplication would have at the start. */
      gtk_application_window_set_help_overlay (window, overlay);
    }
  gtk_window_present (GTK_WINDOW (overlay));
}

/**
 * dozor_help_overlay_attach:
 * @window: a window of the board
 *
 * Installs `win.show-help-overlay` on @window, which builds the shortcuts
 * window when it is first activated.
 */
void
dozor_help_overlay_attach (GtkApplicationWindow *window)
{
  g_autoptr(GSimpleAction) action = g_simple_action_new ("show-help-overlay", NULL);

  g_signal_connect_object (action, "activate", G_CALLBACK (show_cb), window, 0);
  g_action_map_add_action (G_ACTION_MAP (window), G_ACTION (action));
}
