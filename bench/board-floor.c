/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The floor of the platform under the board: a libadwaita window showing
 * one label, on the same libraries and renderer as the board, so that
 * board-memory.sh and cold-start.sh can print what any GTK window costs
 * beside what the board costs, measured under the same load. It prints
 * "First frame" and the local time (as GLib's debug lines give it, so
 * that cold-start.sh reads both alike) once its first frame is painted,
 * and runs until it is killed.
 *
 *   board-floor [WIDTH HEIGHT]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <adwaita.h>

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  gulong *handler = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  printf ("First frame %02d:%02d:%06.3f\n", g_date_time_get_hour (now), g_date_time_get_minute (now),
          g_date_time_get_seconds (now));
  fflush (stdout);
  g_signal_handler_disconnect (clock, *handler);
}

static void
map_cb (GtkWidget *window,
        gpointer   user_data)
{
  static gulong handler;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &handler);
}

static void
activate_cb (GtkApplication *app,
             gpointer        user_data)
{
  const int *size = user_data;
  GtkWidget *window = adw_application_window_new (app);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), gtk_label_new ("Dozor"));
  gtk_window_set_default_size (GTK_WINDOW (window), size[0], size[1]);
  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int size[2] = { 1280, 800 };
  g_autoptr(AdwApplication) app = NULL;

  if (argc == 3)
    {
      size[0] = atoi (argv[1]);
      size[1] = atoi (argv[2]);
    }
  app = adw_application_new ("org.dozor.BoardFloor", G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), size);
  return g_application_run (G_APPLICATION (app), 1, argv);
}
