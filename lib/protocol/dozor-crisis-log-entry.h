/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorCrisisLogKind:
 * @DOZOR_CRISIS_LOG_LEVEL_RAISED: the level left normal
 * @DOZOR_CRISIS_LOG_LEVEL_CHANGED: a move between raised, high and full,
 *   or a new reason or area at the same level
 * @DOZOR_CRISIS_LOG_LEVEL_LOWERED: back to normal: the episode ends
 * @DOZOR_CRISIS_LOG_PLAN_ACTIVATED: a special operating plan was activated
 * @DOZOR_CRISIS_LOG_PLAN_CLOSED: a plan was closed
 * @DOZOR_CRISIS_LOG_POST_COVERED: a post of a plan became covered
 * @DOZOR_CRISIS_LOG_DISPATCHED: a unit was sent
 * @DOZOR_CRISIS_LOG_ARRIVED: a unit arrived on scene
 * @DOZOR_CRISIS_LOG_NOTE: a supervisor's note
 */
typedef enum
{
  DOZOR_CRISIS_LOG_LEVEL_RAISED,
  DOZOR_CRISIS_LOG_LEVEL_CHANGED,
  DOZOR_CRISIS_LOG_LEVEL_LOWERED,
  DOZOR_CRISIS_LOG_PLAN_ACTIVATED,
  DOZOR_CRISIS_LOG_PLAN_CLOSED,
  DOZOR_CRISIS_LOG_POST_COVERED,
  DOZOR_CRISIS_LOG_DISPATCHED,
  DOZOR_CRISIS_LOG_ARRIVED,
  DOZOR_CRISIS_LOG_NOTE,
} DozorCrisisLogKind;

#define DOZOR_TYPE_CRISIS_LOG_ENTRY (dozor_crisis_log_entry_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisLogEntry, dozor_crisis_log_entry, DOZOR, CRISIS_LOG_ENTRY, GObject)

DozorCrisisLogEntry *dozor_crisis_log_entry_new         (gint64               seq,
                                                         GDateTime           *time,
                                                         DozorCrisisLogKind   kind,
                                                         const char          *who,
                                                         const char          *details);
gint64               dozor_crisis_log_entry_get_seq     (DozorCrisisLogEntry *self);
GDateTime           *dozor_crisis_log_entry_get_time    (DozorCrisisLogEntry *self);
DozorCrisisLogKind   dozor_crisis_log_entry_get_kind    (DozorCrisisLogEntry *self);
const char          *dozor_crisis_log_entry_get_what    (DozorCrisisLogEntry *self);
const char          *dozor_crisis_log_entry_get_who     (DozorCrisisLogEntry *self);
const char          *dozor_crisis_log_entry_get_details (DozorCrisisLogEntry *self);

G_END_DECLS
