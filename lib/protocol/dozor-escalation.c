/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The escalation rule: how long an incident of each priority may wait, and
 * how long a unit may stay on scene, before the board marks it. Only the
 * comparison lives here; where the limits come from (the desk's settings,
 * the wall's keyfile) is the caller's business, so that both mark by the
 * same rule and neither writes it again.
 */
#include "config.h"

#include "dozor-escalation.h"
#include "dozor-json.h"

/* The wall's documented defaults (docs/wall.md), the desk's too. */
static const gint64 default_wait_limit_min[DOZOR_ESCALATION_PRIORITIES] = { 10, 20, 40, 90 };
#define DEFAULT_ON_SCENE_LONG_MIN 60

/**
 * dozor_escalation_init_defaults:
 * @self: a #DozorEscalation
 *
 * 10, 20, 40 and 90 minutes for priorities 1 to 4; an hour on scene.
 */
void
dozor_escalation_init_defaults (DozorEscalation *self)
{
  g_return_if_fail (self != NULL);

  for (guint i = 0; i < DOZOR_ESCALATION_PRIORITIES; i++)
    self->wait_limit_s[i] = default_wait_limit_min[i] * 60;
  self->on_scene_long_s = DEFAULT_ON_SCENE_LONG_MIN * 60;
}

/**
 * dozor_escalation_waited_too_long:
 * @self: a #DozorEscalation
 * @priority: an incident's priority, 1 to 4
 * @waited_us: how long it has waited, microseconds
 *
 * Returns: whether that is longer than its priority allows; an unknown
 *   priority never is
 */
gboolean
dozor_escalation_waited_too_long (const DozorEscalation *self,
                                  gint64                 priority,
                                  gint64                 waited_us)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (priority < 1 || priority > DOZOR_ESCALATION_PRIORITIES)
    return FALSE;
  return waited_us > self->wait_limit_s[priority - 1] * G_USEC_PER_SEC;
}

/**
 * dozor_escalation_due_at:
 * @self: a #DozorEscalation
 * @priority: an incident's priority, 1 to 4
 * @created_us: when it was registered, Unix microseconds
 *
 * When time alone makes it overdue (or late), for a board that must look
 * again then rather than poll.
 *
 * Returns: the last microsecond it is still within its limit, or 0 when
 *   it never escalates (unknown priority or registration time)
 */
gint64
dozor_escalation_due_at (const DozorEscalation *self,
                         gint64                 priority,
                         gint64                 created_us)
{
  g_return_val_if_fail (self != NULL, 0);

  if (priority < 1 || priority > DOZOR_ESCALATION_PRIORITIES || created_us <= 0)
    return 0;
  return created_us + self->wait_limit_s[priority - 1] * G_USEC_PER_SEC;
}

/**
 * dozor_escalation_incident_overdue:
 * @self: a #DozorEscalation
 * @priority: the incident's priority
 * @status: its status
 * @created_us: when it was registered, Unix microseconds, or 0 if unknown
 * @now_us: now, Unix microseconds
 *
 * The desk's measure: an incident waits unassigned while no unit has been
 * dispatched to it (status "new"); once one is, it no longer escalates,
 * whether or not the unit has arrived.
 *
 * Returns: whether it has waited unassigned longer than its priority allows
 */
gboolean
dozor_escalation_incident_overdue (const DozorEscalation *self,
                                   gint64                 priority,
                                   const char            *status,
                                   gint64                 created_us,
                                   gint64                 now_us)
{
  return g_strcmp0 (status, "new") == 0 && created_us > 0 &&
         dozor_escalation_waited_too_long (self, priority, now_us - created_us);
}

/**
 * dozor_escalation_incident_late:
 * @self: a #DozorEscalation
 * @priority: the incident's priority
 * @status: its status
 * @created_us: when it was registered, Unix microseconds, or 0 if unknown
 * @now_us: now, Unix microseconds
 *
 * The wall's measure: from registration to the first unit on scene, so a
 * unit on its way does not stop the clock.
 *
 * Returns: whether nobody is on scene yet and it has waited longer than its
 *   priority allows
 */
gboolean
dozor_escalation_incident_late (const DozorEscalation *self,
                                gint64                 priority,
                                const char            *status,
                                gint64                 created_us,
                                gint64                 now_us)
{
  return g_strcmp0 (status, "on_scene") != 0 && created_us > 0 &&
         dozor_escalation_waited_too_long (self, priority, now_us - created_us);
}

/**
 * dozor_escalation_is_long_on_scene:
 * @self: a #DozorEscalation
 * @on_scene_us: how long a unit has been on scene, microseconds
 *
 * Returns: whether it has been there longer than allowed
 */
gboolean
dozor_escalation_is_long_on_scene (const DozorEscalation *self,
                                   gint64                 on_scene_us)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return on_scene_us > self->on_scene_long_s * G_USEC_PER_SEC;
}

/**
 * dozor_escalation_on_scene_since:
 * @dispatch: (nullable): a unit's current dispatch, as on the wire
 * @incident: (nullable): the incident it is dispatched to
 *
 * The wire has the time the incident's first unit arrived, not each
 * unit's: a unit sent later cannot have arrived before it was sent, so the
 * later of the two (docs/decisions.md).
 *
 * Returns: since when the unit is on scene, Unix microseconds, or 0 if
 *   unknown
 */
gint64
dozor_escalation_on_scene_since (JsonObject *dispatch,
                                 JsonObject *incident)
{
  gint64 arrived;

  if (dispatch == NULL || incident == NULL || (arrived = dozor_json_get_time (incident, "on_scene_at")) == 0)
    return 0;
  return MAX (arrived, dozor_json_get_time (dispatch, "created_at"));
}
