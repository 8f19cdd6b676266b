/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The date and time in the header bar, local, as the user's locale writes
 * them (%x and %X): a control room logs and reads times to the second, so
 * seconds are shown and the label changes on each second's boundary, not
 * a fixed interval after start, which would lag up to a second.
 *
 * It shows the moment of the situation the board follows: the present on
 * a live board, the replayed moment on a replay's (issue 18, item 5), which
 * moves up to 60 times as fast and jumps on a seek, so it is read four
 * times a second there.
 */
#include "config.h"

#include "dozor-clock.h"
#include "dozor-local-time.h"

struct _DozorClock
{
  GtkWidget parent_instance;

  GtkLabel *label;
  DozorSituation *situation;  /* NULL until followed */
  gboolean replay;
  guint timeout_id;
  int last_minute;    /* logged once a minute, for the tests */
  char *last_text;    /* a replay's is logged on each change */
};

G_DEFINE_FINAL_TYPE (DozorClock, dozor_clock, GTK_TYPE_WIDGET)

static gboolean tick_cb (gpointer user_data);

static void
update (DozorClock *self)
{
  gint64 shown = self->situation != NULL ? dozor_situation_get_now (self->situation) : g_get_real_time ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (shown / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_to_local (utc);
  g_autofree char *text = dozor_format_header_clock (now);

  if (g_strcmp0 (text, self->last_text) != 0)
    {
      gtk_label_set_text (self->label, text);
      if (self->replay || g_date_time_get_minute (now) != self->last_minute)
        g_debug ("Clock shows: %s", text);
      self->last_minute = g_date_time_get_minute (now);
      g_free (self->last_text);
      self->last_text = g_steal_pointer (&text);
    }

  /* Next at the coming second's boundary, plus a little so it is passed. */
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (self->replay ? 250 : 1000 - (g_get_real_time () % G_USEC_PER_SEC) / 1000 + 5,
                                    tick_cb, self);
}

static gboolean
tick_cb (gpointer user_data)
{
  DozorClock *self = user_data;

  self->timeout_id = 0;
  update (self);
  return G_SOURCE_REMOVE;
}

static void
dozor_clock_dispose (GObject *object)
{
  DozorClock *self = DOZOR_CLOCK (object);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_pointer ((GtkWidget **) &self->label, gtk_widget_unparent);
  g_clear_object (&self->situation);
  g_clear_pointer (&self->last_text, g_free);

  G_OBJECT_CLASS (dozor_clock_parent_class)->dispose (object);
}

static void
dozor_clock_class_init (DozorClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = dozor_clock_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "clock");
}

static void
dozor_clock_init (DozorClock *self)
{
  self->label = GTK_LABEL (gtk_label_new (NULL));
  self->last_minute = -1;
  gtk_widget_add_css_class (GTK_WIDGET (self->label), "numeric");
  gtk_widget_set_parent (GTK_WIDGET (self->label), GTK_WIDGET (self));
  update (self);
}

GtkWidget *
dozor_clock_new (void)
{
  return g_object_new (DOZOR_TYPE_CLOCK, NULL);
}

/**
 * dozor_clock_follow:
 * @self: a #DozorClock
 * @situation: what the board shows, whose moment the clock shows
 * @replay: whether @situation is a replay's: its moment then changes on
 *   each step and seek, each logged
 */
void
dozor_clock_follow (DozorClock     *self,
                    DozorSituation *situation,
                    gboolean        replay)
{
  g_return_if_fail (DOZOR_IS_CLOCK (self));

  g_set_object (&self->situation, situation);
  self->replay = replay;
  update (self);
}
