/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-server.h"
#include "dozor-store.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_SCENARIO (dozor_scenario_get_type ())
G_DECLARE_FINAL_TYPE (DozorScenario, dozor_scenario, DOZOR, SCENARIO, GObject)

DozorScenario *dozor_scenario_new   (DozorStore   *store,
                                     DozorServer  *server,
                                     const char   *city_dir,
                                     guint32       seed,
                                     guint         n_units,
                                     double        incidents_per_hour,
                                     GError      **error);
void           dozor_scenario_start (DozorScenario *self,
                                      double         speed);

G_END_DECLS
