/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-response-times.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

/* Incident priorities run from 1 (most urgent) to this (docs/api.md). */
#define DOZOR_INCIDENT_PRIORITIES 4

/**
 * DozorWallFigures:
 * @available: units available with a current fix
 * @dispatched: dispatched, with a current fix
 * @en_route: en route, with a current fix
 * @on_scene: on scene, with a current fix
 * @busy: busy, with a current fix
 * @stale: units on duty whose fix is older than %DOZOR_UNIT_STALE_SECONDS,
 *   or who never sent one: counted here and in no status above
 * @open_incidents: incidents not closed
 * @open_by_priority: of them, by priority (index 0 is priority 1)
 * @unassigned: open incidents that no unit was sent to yet (status `new`)
 * @oldest_unassigned_s: how long the oldest of those has waited, seconds;
 *   0 when there is none
 * @today: response times of the incidents registered since local midnight
 *
 * What the wall's figures monitor shows: the forces and means, and how the
 * room is doing.
 */
typedef struct
{
  guint available;
  guint dispatched;
  guint en_route;
  guint on_scene;
  guint busy;
  guint stale;
  guint open_incidents;
  guint open_by_priority[DOZOR_INCIDENT_PRIORITIES];
  guint unassigned;
  gint64 oldest_unassigned_s;
  DozorResponseSummary today;
} DozorWallFigures;

void dozor_wall_figures_compute (DozorWallFigures   *figures,
                                 DozorSituation     *situation,
                                 DozorResponseTimes *times,
                                 GDateTime          *now);

G_END_DECLS
