/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The bar across a replay: a banner in a colour the board uses for
 * nothing else, so that nobody takes the replay for the present; the
 * moment shown; a timeline to seek; play and pause; the speed; and the
 * way back to live (the action replay.back-to-live of whoever shows it).
 * It only shows and asks: "seek" says where the user moved the timeline.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-replay-bar.h"

static const guint speeds[] = { 1, 2, 5, 10, 30, 60 };

struct _DozorReplayBar
{
  AdwBin parent_instance;

  GtkLabel *time_label;
  GtkButton *play_button;
  GtkScale *scale;
  GtkAdjustment *adjustment;
  GtkDropDown *speed_dropdown;

  gboolean playing;
};

G_DEFINE_FINAL_TYPE (DozorReplayBar, dozor_replay_bar, ADW_TYPE_BIN)

enum
{
  SEEK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_time (DozorReplayBar *self,
           gint64          time)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;
  g_autofree char *text = local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : NULL;

  gtk_label_set_text (self->time_label, text != NULL ? text : "");
}

/* Only a move by the user: the playhead's own moves are set_time's. */
static gboolean
change_value_cb (DozorReplayBar *self,
                 GtkScrollType   scroll,
                 double          value)
{
  value = CLAMP (value, gtk_adjustment_get_lower (self->adjustment), gtk_adjustment_get_upper (self->adjustment));
  g_signal_emit (self, signals[SEEK], 0, (gint64) (value * G_USEC_PER_SEC));
  return FALSE;
}

static void
play_clicked_cb (DozorReplayBar *self)
{
  dozor_replay_bar_set_playing (self, !self->playing);
}

/* Space plays and pauses, as in a media player, wherever the focus is in
 * the bar (the timeline has it first). */
static gboolean
key_pressed_cb (DozorReplayBar        *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_space || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;
  play_clicked_cb (self);
  return TRUE;
}

static void
dozor_replay_bar_class_init (DozorReplayBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * DozorReplayBar::seek:
   * @time: Unix µs: where the user moved the timeline
   */
  signals[SEEK] = g_signal_new ("seek", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/dozor/Board/ui/dozor-replay-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorReplayBar, time_label);
  gtk_widget_class_bind_template_child (widget_class, DozorReplayBar, play_button);
  gtk_widget_class_bind_template_child (widget_class, DozorReplayBar, scale);
  gtk_widget_class_bind_template_child (widget_class, DozorReplayBar, adjustment);
  gtk_widget_class_bind_template_child (widget_class, DozorReplayBar, speed_dropdown);
}

static void
dozor_replay_bar_init (DozorReplayBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->scale, "change-value", G_CALLBACK (change_value_cb), self);
  g_signal_connect_swapped (self->play_button, "clicked", G_CALLBACK (play_clicked_cb), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
    g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), keys);
  }
}

/**
 * dozor_replay_bar_new:
 * @from: Unix µs: the window's start
 * @to: Unix µs: its end
 *
 * Returns: (transfer floating): a bar at @from, paused, at 1×
 */
GtkWidget *
dozor_replay_bar_new (gint64 from,
                      gint64 to)
{
  DozorReplayBar *self = g_object_new (DOZOR_TYPE_REPLAY_BAR, NULL);
  double span = (double) (to - from) / G_USEC_PER_SEC;

  /* Arrows move a twentieth of the window, Page keys a fifth. */
  gtk_adjustment_configure (self->adjustment, (double) from / G_USEC_PER_SEC, (double) from / G_USEC_PER_SEC,
                            (double) to / G_USEC_PER_SEC, span / 20, span / 5, 0);
  show_time (self, from);
  return GTK_WIDGET (self);
}

/**
 * dozor_replay_bar_focus_timeline:
 * @self: a #DozorReplayBar
 *
 * The keyboard seeks from the start: arrows, Page keys, Home and End.
 */
void
dozor_replay_bar_focus_timeline (DozorReplayBar *self)
{
  g_return_if_fail (DOZOR_IS_REPLAY_BAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->scale));
}

/**
 * dozor_replay_bar_set_time:
 * @self: a #DozorReplayBar
 * @time: Unix µs: the moment the board shows
 */
void
dozor_replay_bar_set_time (DozorReplayBar *self,
                           gint64          time)
{
  g_return_if_fail (DOZOR_IS_REPLAY_BAR (self));

  gtk_adjustment_set_value (self->adjustment, (double) time / G_USEC_PER_SEC);
  show_time (self, time);
}

gboolean
dozor_replay_bar_get_playing (DozorReplayBar *self)
{
  g_return_val_if_fail (DOZOR_IS_REPLAY_BAR (self), FALSE);

  return self->playing;
}

/**
 * dozor_replay_bar_set_playing:
 * @self: a #DozorReplayBar
 * @playing: whether the replay runs; the button then offers the other
 */
void
dozor_replay_bar_set_playing (DozorReplayBar *self,
                              gboolean        playing)
{
  g_return_if_fail (DOZOR_IS_REPLAY_BAR (self));

  self->playing = playing;
  gtk_button_set_icon_name (self->play_button,
                            playing ? "media-playback-pause-symbolic" : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), playing ? _("Pause") : _("Play"));
}

/**
 * dozor_replay_bar_get_speed:
 * @self: a #DozorReplayBar
 *
 * Returns: replayed seconds per second: 1, 2, 5, 10, 30 or 60
 */
guint
dozor_replay_bar_get_speed (DozorReplayBar *self)
{
  guint selected;

  g_return_val_if_fail (DOZOR_IS_REPLAY_BAR (self), 1);

  selected = gtk_drop_down_get_selected (self->speed_dropdown);
  return selected < G_N_ELEMENTS (speeds) ? speeds[selected] : 1;
}
