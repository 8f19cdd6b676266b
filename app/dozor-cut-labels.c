/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Labels the layout cuts with an ellipsis, named in the log on SIGUSR1:
 * how a UI test, or a translator with G_MESSAGES_DEBUG=Dozor, finds text
 * that does not fit in the language being shown ("Подозрительная…",
 * "Новое происшеств…"; issue 20, item 6). Only mapped labels count: what
 * is on screen now.
 */
#include "config.h"

#include <glib-unix.h>
#include <gtk/gtk.h>
#include <signal.h>

#include "dozor-cut-labels.h"

static guint
log_widget (GtkWidget  *widget,
            const char *window)
{
  guint cut = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (GTK_IS_LABEL (widget) && pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
    {
      g_debug ("Cut label in “%s”: “%s”", window, gtk_label_get_text (GTK_LABEL (widget)));
      cut++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    cut += log_widget (child, window);
  return cut;
}

/**
 * dozor_cut_labels_log:
 *
 * Logs every label cut short in the windows on screen.
 *
 * Returns: how many there are
 */
guint
dozor_cut_labels_log (void)
{
  GListModel *windows = gtk_window_get_toplevels ();
  guint cut = 0;

  for (guint i = 0; i < g_list_model_get_n_items (windows); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (windows, i);
      const char *title = gtk_window_get_title (window);

      cut += log_widget (GTK_WIDGET (window), title != NULL ? title : "");
    }
  g_debug ("Layout checked: %u cut labels", cut);
  return cut;
}

static gboolean
signal_cb (gpointer user_data)
{
  dozor_cut_labels_log ();
  return G_SOURCE_CONTINUE;
}

/**
 * dozor_cut_labels_install:
 *
 * Logs the cut labels whenever the process gets SIGUSR1.
 */
void
dozor_cut_labels_install (void)
{
  g_unix_signal_add (SIGUSR1, signal_cb, NULL);
}
