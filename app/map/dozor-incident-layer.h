/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_INCIDENT_LAYER (dozor_incident_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorIncidentLayer, dozor_incident_layer, DOZOR, INCIDENT_LAYER, DozorRasterLayer)

DozorIncidentLayer *dozor_incident_layer_new          (ShumateViewport    *viewport,
                                                       DozorSituation     *situation);
char               *dozor_incident_layer_pick         (DozorIncidentLayer *self,
                                                       double              x,
                                                       double              y);
void                dozor_incident_layer_set_selected (DozorIncidentLayer *self,
                                                       const char         *incident_id);
void                dozor_incident_layer_set_target   (DozorIncidentLayer *self,
                                                       const char         *incident_id);
void                dozor_incident_layer_set_pending  (DozorIncidentLayer *self,
                                                       GHashTable         *unit_to_incident);
guint               dozor_incident_layer_get_n_drawn  (DozorIncidentLayer *self);
void                dozor_incident_layer_set_draft    (DozorIncidentLayer *self,
                                                       double              lat,
                                                       double              lon);

G_END_DECLS
