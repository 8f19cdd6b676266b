/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Incident priorities 1 to 4, each with its own allowed wait. */
#define DOZOR_ESCALATION_PRIORITIES 4

/**
 * DozorEscalation:
 * @wait_limit_s: seconds an incident of priority 1 to 4 may wait
 * @on_scene_long_s: seconds on scene after which a unit is marked
 *
 * When what waits or stays too long escalates: the one rule the desk
 * (from its settings) and the wall (from its keyfile) mark by. Plain data,
 * copied by value into whoever draws with it.
 *
 * Two measures of waiting share the limits, and stay apart:
 * dozor_escalation_incident_overdue() (the desk: nobody dispatched yet) and
 * dozor_escalation_incident_late() (the wall: nobody on scene yet).
 */
typedef struct
{
  gint64 wait_limit_s[DOZOR_ESCALATION_PRIORITIES];
  gint64 on_scene_long_s;
} DozorEscalation;

void     dozor_escalation_init_defaults      (DozorEscalation       *self);
gboolean dozor_escalation_waited_too_long    (const DozorEscalation *self,
                                              gint64                 priority,
                                              gint64                 waited_us);
gint64   dozor_escalation_due_at             (const DozorEscalation *self,
                                              gint64                 priority,
                                              gint64                 created_us);
gboolean dozor_escalation_incident_overdue   (const DozorEscalation *self,
                                              gint64                 priority,
                                              const char            *status,
                                              gint64                 created_us,
                                              gint64                 now_us);
gboolean dozor_escalation_incident_late      (const DozorEscalation *self,
                                              gint64                 priority,
                                              const char            *status,
                                              gint64                 created_us,
                                              gint64                 now_us);
gboolean dozor_escalation_is_long_on_scene   (const DozorEscalation *self,
                                              gint64                 on_scene_us);
gint64   dozor_escalation_on_scene_since     (JsonObject            *dispatch,
                                              JsonObject            *incident);

G_END_DECLS
