/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dozor-road-graph.h"

G_BEGIN_DECLS

/* Trackers report every 5 s, as the AVL units do. */
#define DOZOR_SIMULATOR_REPORT_SECONDS 5.0

#define DOZOR_TYPE_SIMULATOR (dozor_simulator_get_type ())
G_DECLARE_FINAL_TYPE (DozorSimulator, dozor_simulator, DOZOR, SIMULATOR, GObject)

DozorSimulator *dozor_simulator_new           (DozorRoadGraph *graph,
                                               guint32         seed,
                                               guint           n_units);
guint           dozor_simulator_get_n_units   (DozorSimulator *self);
const char     *dozor_simulator_get_call_sign (DozorSimulator *self,
                                               guint           unit);
void            dozor_simulator_step          (DozorSimulator *self,
                                               double          seconds);
void            dozor_simulator_get_fix       (DozorSimulator *self,
                                               guint           unit,
                                               double         *lat,
                                               double         *lon,
                                               double         *speed,
                                               double         *heading);

G_END_DECLS
