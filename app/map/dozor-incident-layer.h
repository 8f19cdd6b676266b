/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

/* Half an incident's diamond at a desk, pixels; its label starts this and
 * 5 px right of its centre. A wall's grow with its labels. */
#define DOZOR_INCIDENT_SYMBOL_SIZE 8.0

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
char               *dozor_incident_layer_wall_label   (JsonObject           *incident,
                                                       const DozorWallMarks *marks,
                                                       gint64                now,
                                                       gboolean             *late);
void                dozor_incident_layer_set_overdue  (DozorIncidentLayer *self,
                                                       GHashTable         *overdue,
                                                       const char *const  *escalated);
void                dozor_incident_layer_set_draft    (DozorIncidentLayer *self,
                                                       double              lat,
                                                       double              lon);

G_END_DECLS
