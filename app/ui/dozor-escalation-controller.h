/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-incident-list.h"
#include "dozor-map-view.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_ESCALATION_CONTROLLER (dozor_escalation_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorEscalationController, dozor_escalation_controller, DOZOR, ESCALATION_CONTROLLER, GObject)

DozorEscalationController *dozor_escalation_controller_new        (DozorSituation    *situation,
                                                                   GSettings         *settings,
                                                                   DozorMapView      *map_view,
                                                                   DozorIncidentList *incident_list);
GtkWidget                 *dozor_escalation_controller_get_button (DozorEscalationController *self);

G_END_DECLS
