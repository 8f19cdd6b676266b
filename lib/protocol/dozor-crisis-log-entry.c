/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One row of the crisis log (docs/api.md, "Crisis log note"): when, what
 * happened in the room's words, who did it and the details. Made once by
 * DozorCrisisLog from an event and never changed: the log is a record.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-crisis-log-entry.h"

struct _DozorCrisisLogEntry
{
  GObject parent_instance;

  gint64 seq;
  GDateTime *time;
  DozorCrisisLogKind kind;
  char *who;
  char *details;
};

G_DEFINE_FINAL_TYPE (DozorCrisisLogEntry, dozor_crisis_log_entry, G_TYPE_OBJECT)

static void
dozor_crisis_log_entry_finalize (GObject *object)
{
  DozorCrisisLogEntry *self = DOZOR_CRISIS_LOG_ENTRY (object);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->who, g_free);
  g_clear_pointer (&self->details, g_free);

  G_OBJECT_CLASS (dozor_crisis_log_entry_parent_class)->finalize (object);
}

static void
dozor_crisis_log_entry_class_init (DozorCrisisLogEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_crisis_log_entry_finalize;
}

static void
dozor_crisis_log_entry_init (DozorCrisisLogEntry *self)
{
}

/**
 * dozor_crisis_log_entry_new:
 * @seq: the seq of the event it comes from
 * @time: when it happened
 * @kind: what happened
 * @who: (nullable): the user who did it; %NULL for the server's own
 *   findings (an arrival seen in the fixes)
 * @details: (nullable): the unit, incident, plan, reason or the note
 *
 * Returns: (transfer full): the row
 */
DozorCrisisLogEntry *
dozor_crisis_log_entry_new (gint64              seq,
                            GDateTime          *time,
                            DozorCrisisLogKind  kind,
                            const char         *who,
                            const char         *details)
{
  DozorCrisisLogEntry *self;

  g_return_val_if_fail (time != NULL, NULL);

  self = g_object_new (DOZOR_TYPE_CRISIS_LOG_ENTRY, NULL);
  self->seq = seq;
  self->time = g_date_time_ref (time);
  self->kind = kind;
  self->who = g_strdup (who != NULL ? who : "");
  self->details = g_strdup (details != NULL ? details : "");
  return self;
}

gint64
dozor_crisis_log_entry_get_seq (DozorCrisisLogEntry *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG_ENTRY (self), 0);
  return self->seq;
}

/**
 * dozor_crisis_log_entry_get_time:
 * @self: a #DozorCrisisLogEntry
 *
 * Returns: (transfer none): when it happened, in UTC
 */
GDateTime *
dozor_crisis_log_entry_get_time (DozorCrisisLogEntry *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG_ENTRY (self), NULL);
  return self->time;
}

DozorCrisisLogKind
dozor_crisis_log_entry_get_kind (DozorCrisisLogEntry *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG_ENTRY (self), DOZOR_CRISIS_LOG_NOTE);
  return self->kind;
}

/**
 * dozor_crisis_log_entry_get_what:
 * @self: a #DozorCrisisLogEntry
 *
 * Returns: (transfer none): what happened, in the user's language
 */
const char *
dozor_crisis_log_entry_get_what (DozorCrisisLogEntry *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG_ENTRY (self), NULL);

  switch (self->kind)
    {
    case DOZOR_CRISIS_LOG_LEVEL_RAISED:
      /* TRANSLATORS: the crisis log: the degree of readiness was raised */
      return _("Level raised");
    case DOZOR_CRISIS_LOG_LEVEL_CHANGED:
      /* TRANSLATORS: the crisis log: the degree changed while raised */
      return _("Level changed");
    case DOZOR_CRISIS_LOG_LEVEL_LOWERED:
      /* TRANSLATORS: the crisis log: back to normal readiness */
      return _("Level lowered");
    case DOZOR_CRISIS_LOG_PLAN_ACTIVATED:
      return _("Plan activated");
    case DOZOR_CRISIS_LOG_PLAN_CLOSED:
      return _("Plan closed");
    case DOZOR_CRISIS_LOG_POST_COVERED:
      /* TRANSLATORS: the crisis log: a post of a plan has its units */
      return _("Post covered");
    case DOZOR_CRISIS_LOG_DISPATCHED:
      return _("Unit dispatched");
    case DOZOR_CRISIS_LOG_ARRIVED:
      return _("Arrived on scene");
    case DOZOR_CRISIS_LOG_NOTE:
    default:
      /* TRANSLATORS: the crisis log: a note a supervisor wrote */
      return _("Note");
    }
}

/**
 * dozor_crisis_log_entry_get_who:
 * @self: a #DozorCrisisLogEntry
 *
 * Returns: (transfer none): the user's name, or "" for the server's own
 */
const char *
dozor_crisis_log_entry_get_who (DozorCrisisLogEntry *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG_ENTRY (self), NULL);
  return self->who;
}

/**
 * dozor_crisis_log_entry_get_details:
 * @self: a #DozorCrisisLogEntry
 *
 * Returns: (transfer none): the details, or ""
 */
const char *
dozor_crisis_log_entry_get_details (DozorCrisisLogEntry *self)
{
  g_return_val_if_fail (DOZOR_IS_CRISIS_LOG_ENTRY (self), NULL);
  return self->details;
}
