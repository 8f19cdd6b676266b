/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Which window of time to replay: from and to in the board's local time,
 * the last hour or the last duty shift at a click (12-hour shifts from
 * 08:00 and 20:00, as the demo city's patrols work them). A window the
 * server would refuse (the end not after the start, more than a day, a
 * start in the future) is said here, before anything is asked.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "dozor-replay-dialog.h"

#define SHIFT_HOURS 12
#define FIRST_SHIFT_HOUR 8

struct _DozorReplayDialog
{
  AdwWindow parent_instance;

  GtkEntry *from_entry;
  GtkEntry *to_entry;
  GtkLabel *error_label;

  gint64 now;
};

G_DEFINE_FINAL_TYPE (DozorReplayDialog, dozor_replay_dialog, ADW_TYPE_WINDOW)

enum
{
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_entry (GtkEntry  *entry,
           GDateTime *time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (time);
  g_autofree char *text = g_date_time_format (local, "%Y-%m-%d %H:%M");

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

static void
set_window (DozorReplayDialog *self,
            GDateTime         *from,
            GDateTime         *to)
{
  set_entry (self->from_entry, from);
  set_entry (self->to_entry, to);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
}

static void
last_hour_cb (DozorReplayDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (self->now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) hour_ago = g_date_time_add_hours (now, -1);

  set_window (self, hour_ago, now);
}

/* The last shift that has ended: the one before the shift now running. */
static void
last_shift_cb (DozorReplayDialog *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (self->now / G_USEC_PER_SEC);
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);
  int hour = g_date_time_get_hour (now);
  /* The current shift began at 08:00 today, 20:00 today or 20:00 yesterday. */
  int begun = hour >= FIRST_SHIFT_HOUR + SHIFT_HOURS ? FIRST_SHIFT_HOUR + SHIFT_HOURS
              : hour >= FIRST_SHIFT_HOUR ? FIRST_SHIFT_HOUR : FIRST_SHIFT_HOUR - SHIFT_HOURS;
  g_autoptr(GDateTime) end = g_date_time_add_hours (midnight, begun);
  g_autoptr(GDateTime) start = g_date_time_add_hours (end, -SHIFT_HOURS);

  set_window (self, start, end);
}

/* "2026-11-22 08:00" (seconds optional) in local time, or NULL. */
static GDateTime *
parse_local (GtkEntry *entry)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  int year, month, day, hour, minute, second = 0, n = 0;
  char end = '\0';

  if (sscanf (text, " %d-%d-%d %d:%d%n", &year, &month, &day, &hour, &minute, &n) < 5)
    return NULL;
  if (text[n] == ':' && sscanf (text + n, ":%d %c", &second, &end) != 1)
    return NULL;
  if (text[n] != ':' && sscanf (text + n, " %c", &end) == 1)
    return NULL;
  return g_date_time_new_local (year, month, day, hour, minute, second);
}

static void
refuse (DozorReplayDialog *self,
        GtkEntry          *entry,
        const char        *message)
{
  gtk_label_set_text (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (entry));
  g_debug ("Replay window refused: %s", message);
}

static void
start_cb (DozorReplayDialog *self)
{
  g_autoptr(GDateTime) from = parse_local (self->from_entry);
  g_autoptr(GDateTime) to = parse_local (self->to_entry);
  gint64 from_us, to_us;

  if (from == NULL)
    {
      refuse (self, self->from_entry, _("The start is not a time such as 2026-11-22 08:00"));
      return;
    }
  if (to == NULL)
    {
      refuse (self, self->to_entry, _("The end is not a time such as 2026-11-22 09:00"));
      return;
    }

  from_us = g_date_time_to_unix (from) * G_USEC_PER_SEC;
  to_us = g_date_time_to_unix (to) * G_USEC_PER_SEC;
  if (from_us >= self->now)
    {
      refuse (self, self->from_entry, _("The start is not in the past"));
      return;
    }
  if (to_us <= from_us)
    {
      refuse (self, self->to_entry, _("The end must be after the start"));
      return;
    }
  if (to_us - from_us > (gint64) DOZOR_REPLAY_MAX_HOURS * 3600 * G_USEC_PER_SEC)
    {
      refuse (self, self->to_entry, _("A replay covers at most 24 hours"));
      return;
    }

  g_signal_emit (self, signals[CHOSEN], 0, from_us, to_us);
  gtk_window_close (GTK_WINDOW (self));
}

static void
dozor_replay_dialog_class_init (DozorReplayDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /**
   * DozorReplayDialog::chosen:
   * @from: Unix µs
   * @to: Unix µs, after @from, at most a day later
   */
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class, "/kz/dozor/Board/ui/dozor-replay-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, DozorReplayDialog, from_entry);
  gtk_widget_class_bind_template_child (widget_class, DozorReplayDialog, to_entry);
  gtk_widget_class_bind_template_child (widget_class, DozorReplayDialog, error_label);
  gtk_widget_class_bind_template_callback (widget_class, start_cb);
  gtk_widget_class_bind_template_callback (widget_class, last_hour_cb);
  gtk_widget_class_bind_template_callback (widget_class, last_shift_cb);
}

static void
dozor_replay_dialog_init (DozorReplayDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * dozor_replay_dialog_new:
 * @parent: the board
 * @now: Unix µs: the present, which the defaults count back from
 *
 * Returns: (transfer full): the dialog, with the last hour filled in
 */
DozorReplayDialog *
dozor_replay_dialog_new (GtkWindow *parent,
                         gint64     now)
{
  DozorReplayDialog *self = g_object_new (DOZOR_TYPE_REPLAY_DIALOG, "transient-for", parent, NULL);

  self->now = now;
  last_hour_cb (self);
  return self;
}
