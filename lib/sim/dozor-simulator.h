/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dozor-road-graph.h"

G_BEGIN_DECLS

/* Trackers report every 5 s, as the AVL units do. */
/* Citizens' reports the demo city makes, on average, per hour. */
#define DOZOR_SIMULATOR_INCIDENTS_PER_HOUR 30.0
#define DOZOR_SIMULATOR_REPORT_SECONDS 5.0

/**
 * DozorSimState:
 * @DOZOR_SIM_PATROL: driving a patrol route
 * @DOZOR_SIM_EN_ROUTE: driving to a scene it was sent to
 * @DOZOR_SIM_ON_SCENE: working at the scene
 */
typedef enum
{
  DOZOR_SIM_PATROL,
  DOZOR_SIM_EN_ROUTE,
  DOZOR_SIM_ON_SCENE,
} DozorSimState;

#define DOZOR_TYPE_SIMULATOR (dozor_simulator_get_type ())
G_DECLARE_FINAL_TYPE (DozorSimulator, dozor_simulator, DOZOR, SIMULATOR, GObject)

DozorSimulator *dozor_simulator_new           (DozorRoadGraph *graph,
                                               guint32         seed,
                                               guint           n_units);
void            dozor_simulator_set_incident_rate (DozorSimulator *self,
                                                   double          per_hour);
guint           dozor_simulator_get_n_units   (DozorSimulator *self);
const char     *dozor_simulator_get_call_sign (DozorSimulator *self,
                                               guint           unit);
void            dozor_simulator_send_to       (DozorSimulator *self,
                                               guint           unit,
                                               double          lat,
                                               double          lon);
void            dozor_simulator_send_to_post  (DozorSimulator *self,
                                               guint           unit,
                                               double          lat,
                                               double          lon);
void            dozor_simulator_set_patrol    (DozorSimulator *self,
                                               guint           unit,
                                               GArray         *waypoints);
void            dozor_simulator_place_on_patrol (DozorSimulator *self,
                                                 guint           unit_index);
void            dozor_simulator_release       (DozorSimulator *self,
                                               guint           unit);
DozorSimState   dozor_simulator_get_state     (DozorSimulator *self,
                                               guint           unit);
void            dozor_simulator_step          (DozorSimulator *self,
                                               double          seconds);
void            dozor_simulator_pass_time     (DozorSimulator *self,
                                               double          seconds);
void            dozor_simulator_step_unit     (DozorSimulator *self,
                                               guint           unit,
                                               double          seconds);
gboolean        dozor_simulator_next_incident (DozorSimulator *self,
                                               const char    **type,
                                               int            *priority,
                                               double         *lat,
                                               double         *lon);
void            dozor_simulator_get_fix       (DozorSimulator *self,
                                               guint           unit,
                                               double         *lat,
                                               double         *lon,
                                               double         *speed,
                                               double         *heading);

G_END_DECLS
