/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-map-view.h"
#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_READINESS_CONTROLLER (dozor_readiness_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorReadinessController, dozor_readiness_controller, DOZOR, READINESS_CONTROLLER, GObject)

DozorReadinessController *dozor_readiness_controller_new        (GtkApplicationWindow *window,
                                                                 DozorSyncClient      *sync,
                                                                 DozorSituation       *situation,
                                                                 DozorMapView         *map_view);
GtkWidget                *dozor_readiness_controller_get_button (DozorReadinessController *self);
void                      dozor_readiness_controller_set_wall   (DozorReadinessController *self,
                                                                 gboolean                  wall);

G_END_DECLS
