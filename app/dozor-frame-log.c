/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Each frame's time, for bench/wall-frames.sh (issue 16, item 6): with
 * DOZOR_FRAME_LOG=FILE in the environment, every watched window appends
 * one line per frame it paints to FILE:
 *
 *   NAME COUNTER FRAME-TIME-US PAINT-US
 *
 * NAME is the window's (a wall's monitor, spaces made '_'), COUNTER GdkFrameClock's frame
 * counter, FRAME-TIME-US the frame's time from GdkFrameClock's timings
 * (monotonic µs; the differences are the frame intervals), PAINT-US how
 * long the main thread took from the clock's before-paint to its
 * after-paint: the tick callbacks, the layout, the snapshot and the
 * renderer's work, swap included. A line "# NAME renderer TYPE" says which
 * renderer drew it. Without the variable nothing is connected: no cost.
 */
#include "config.h"

#include <stdio.h>

#include "dozor-frame-log.h"

typedef struct
{
  char *name;
  GdkFrameClock *clock;   /* weak: the surface's, while realized */
  gint64 paint_start;
} Watch;

static FILE *
log_file (void)
{
  static FILE *file;
  static gsize opened;

  if (g_once_init_enter (&opened))
    {
      const char *path = g_getenv ("DOZOR_FRAME_LOG");

      if (path != NULL && *path != '\0')
        {
          file = fopen (path, "a");
          if (file == NULL)
            g_warning ("DOZOR_FRAME_LOG: cannot open %s", path);
          else
            setvbuf (file, NULL, _IOLBF, 0);
        }
      g_once_init_leave (&opened, 1);
    }
  return file;
}

static void
watch_free (gpointer data)
{
  Watch *watch = data;

  if (watch->clock != NULL)
    g_signal_handlers_disconnect_by_data (watch->clock, watch);
  g_clear_weak_pointer (&watch->clock);
  g_free (watch->name);
  g_free (watch);
}

static void
before_paint_cb (GdkFrameClock *clock,
                 Watch         *watch)
{
  watch->paint_start = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                Watch         *watch)
{
  gint64 counter = gdk_frame_clock_get_frame_counter (clock);
  GdkFrameTimings *timings = gdk_frame_clock_get_timings (clock, counter);
  gint64 frame_time = timings != NULL ? gdk_frame_timings_get_frame_time (timings)
                                      : gdk_frame_clock_get_frame_time (clock);

  if (watch->paint_start == 0)
    return;
  fprintf (log_file (), "%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n", watch->name, counter,
           frame_time, g_get_monotonic_time () - watch->paint_start);
  watch->paint_start = 0;
}

static void
realize_cb (GtkWidget *window,
            Watch     *watch)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));

  if (clock == NULL)
    return;
  fprintf (log_file (), "# %s renderer %s\n", watch->name,
           renderer != NULL ? G_OBJECT_TYPE_NAME (renderer) : "none");
  g_set_weak_pointer (&watch->clock, clock);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), watch);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), watch);
}

static void
unrealize_cb (GtkWidget *window,
              Watch     *watch)
{
  if (watch->clock != NULL)
    g_signal_handlers_disconnect_by_data (watch->clock, watch);
  g_clear_weak_pointer (&watch->clock);
}

/**
 * dozor_frame_log_watch:
 * @window: a window, not yet realized
 * @name: its name in the log (no spaces)
 *
 * Logs each frame of @window when DOZOR_FRAME_LOG names a file; does
 * nothing otherwise.
 */
void
dozor_frame_log_watch (GtkWidget  *window,
                       const char *name)
{
  Watch *watch;

  g_return_if_fail (GTK_IS_WINDOW (window));

  if (log_file () == NULL)
    return;
  watch = g_new0 (Watch, 1);
  /* One word, so that the log splits on spaces. */
  watch->name = g_strdelimit (g_strdup (name), " \t", '_');
  g_object_set_data_full (G_OBJECT (window), "dozor-frame-log", watch, watch_free);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), watch);
  g_signal_connect (window, "unrealize", G_CALLBACK (unrealize_cb), watch);
  if (gtk_widget_get_realized (window))
    realize_cb (window, watch);
}
