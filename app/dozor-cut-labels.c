/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Labels the layout cuts with an ellipsis, named in the log on SIGUSR1:
 * how a UI test, or a translator with G_MESSAGES_DEBUG=Dozor, finds text
 * that does not fit in the language being shown ("Подозрительная…",
 * "Новое происшеств…"; issue 20, item 6). Only mapped labels count: what
 * is on screen now.
 *
 * It also names the labels that are not whole on screen for another
 * reason: text wider than the label was given, or a label placed past the
 * edge of its window or of a part that clips it and cannot be scrolled
 * (a wall's view in its cell: nobody stands at a wall to scroll). That is
 * how the Russian wall's figures were found running off the monitor.
 */
#include "config.h"

#include <glib-unix.h>
#include <gtk/gtk.h>
#include <signal.h>

#include "dozor-cut-labels.h"

/* Whether a part the user can scroll holds @widget: what lies outside
 * its view is reached by scrolling, not lost. */
static gboolean
in_scrollable (GtkWidget *widget)
{
  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
    if (GTK_IS_SCROLLED_WINDOW (up))
      {
        GtkPolicyType horizontal, vertical;

        gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (up), &horizontal, &vertical);
        if (horizontal == GTK_POLICY_AUTOMATIC || horizontal == GTK_POLICY_ALWAYS ||
            vertical == GTK_POLICY_AUTOMATIC || vertical == GTK_POLICY_ALWAYS)
          return TRUE;
      }
  return FALSE;
}

/* Whether @label's text is whole inside its window and every part that
 * clips it; if not, says where it is. */
static gboolean
label_outside (GtkLabel  *label,
               GtkWidget *window,
               char     **where)
{
  GtkWidget *widget = GTK_WIDGET (label);
  graphene_rect_t bounds, clip, part;
  PangoRectangle text;

  if (in_scrollable (widget) || !gtk_widget_compute_bounds (widget, window, &bounds))
    return FALSE;
  graphene_rect_init (&clip, 0, 0, gtk_widget_get_width (window), gtk_widget_get_height (window));
  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL && up != window; up = gtk_widget_get_parent (up))
    if ((gtk_widget_get_overflow (up) == GTK_OVERFLOW_HIDDEN || GTK_IS_SCROLLED_WINDOW (up)) &&
        gtk_widget_compute_bounds (up, window, &part))
      graphene_rect_intersection (&clip, &part, &clip);

  /* The text itself, where the label draws it: a label given less than
   * its text needs draws past its own edge. */
  pango_layout_get_pixel_extents (gtk_label_get_layout (label), NULL, &text);
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)) && text.width > gtk_widget_get_width (widget) + 1)
    bounds.size.width += text.width - gtk_widget_get_width (widget);

  /* Half a pixel either way is rounding, not a cut. */
  if (bounds.origin.x >= clip.origin.x - 0.5 && bounds.origin.y >= clip.origin.y - 0.5 &&
      bounds.origin.x + bounds.size.width <= clip.origin.x + clip.size.width + 0.5 &&
      bounds.origin.y + bounds.size.height <= clip.origin.y + clip.size.height + 0.5)
    return FALSE;
  *where = g_strdup_printf ("%.0f,%.0f %.0fx%.0f, visible part %.0f,%.0f %.0fx%.0f", bounds.origin.x, bounds.origin.y,
                            bounds.size.width, bounds.size.height, clip.origin.x, clip.origin.y, clip.size.width,
                            clip.size.height);
  return TRUE;
}

static guint
log_widget (GtkWidget  *widget,
            GtkWidget  *window,
            const char *title,
            guint      *checked,
            guint      *outside)
{
  guint cut = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_LABEL (widget) && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    {
      g_debug ("Cut label in “%s”: “%s”", title, gtk_label_get_text (GTK_LABEL (widget)));
      cut++;
    }
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    {
      g_autofree char *where = NULL;

      (*checked)++;
      if (label_outside (GTK_LABEL (widget), window, &where))
        {
          g_debug ("Label outside its window in “%s”: “%s” at %s", title, gtk_label_get_text (GTK_LABEL (widget)),
                   where);
          (*outside)++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    cut += log_widget (child, window, title, checked, outside);
  return cut;
}

/**
 * dozor_cut_labels_log:
 *
 * Logs every label cut short in the windows on screen, and every label
 * not whole inside its window.
 *
 * Returns: how many there are
 */
guint
dozor_cut_labels_log (void)
{
  GListModel *windows = gtk_window_get_toplevels ();
  guint cut = 0, checked = 0, outside = 0;

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (windows, i);
      const char *title = gtk_window_get_title (window);

      cut += log_widget (GTK_WIDGET (window), GTK_WIDGET (window), title != NULL ? title : "", &checked, &outside);
    }
  g_debug ("Labels outside their window: %u of %u", outside, checked);
  g_debug ("Layout checked: %u cut labels", cut);
  return cut;
}

/* One check asked for by SIGUSR1: the frame clocks still to lay out. */
typedef struct
{
  guint pending;
} Check;

typedef struct
{
  Check *check;
  GdkFrameClock *clock;
  gulong handler;
} Waiting;

static void
check_done_one (Check *check)
{
  if (--check->pending > 0)
    return;
  dozor_cut_labels_log ();
  g_free (check);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  Waiting *waiting = user_data;
  Check *check = waiting->check;

  g_signal_handler_disconnect (clock, waiting->handler);
  g_object_unref (waiting->clock);
  g_free (waiting);
  check_done_one (check);
}

/* The labels are looked at once every window on screen has been laid
 * out again. A label whose text has just changed ("New, 9 s" becoming
 * "New, 10 s" in the queue) keeps the width of its last allocation
 * until its window's next layout, and its text measured against that
 * reads as ellipsized though it is never drawn so: on a loaded machine a
 * check between the two named such a label as cut. */
static gboolean
signal_cb (gpointer user_data)
{
  GListModel *windows = gtk_window_get_toplevels ();
  g_autoptr(GPtrArray) clocks = g_ptr_array_new ();
  Check *check = g_new0 (Check, 1);

  /* Until every window has been asked: none ends the check early. */
  check->pending = 1;
  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (windows, i);
      GdkFrameClock *clock = gtk_widget_get_mapped (window) ? gtk_widget_get_frame_clock (window) : NULL;
      Waiting *waiting;

      if (clock == NULL || g_ptr_array_find (clocks, clock, NULL))
        continue;
      g_ptr_array_add (clocks, clock);
      waiting = g_new0 (Waiting, 1);
      waiting->check = check;
      waiting->clock = g_object_ref (clock);
      waiting->handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), waiting);
      check->pending++;
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
    }
  check_done_one (check);
  return G_SOURCE_CONTINUE;
}

/**
 * dozor_cut_labels_install:
 *
 * Logs the cut labels whenever the process gets SIGUSR1, once the windows
 * on screen have been laid out.
 */
void
dozor_cut_labels_install (void)
{
  g_unix_signal_add (SIGUSR1, signal_cb, NULL);
}
