/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_INCIDENT_ITEM (dozor_incident_item_get_type ())
G_DECLARE_FINAL_TYPE (DozorIncidentItem, dozor_incident_item, DOZOR, INCIDENT_ITEM, GObject)

DozorIncidentItem *dozor_incident_item_new            (JsonObject        *incident);
void               dozor_incident_item_update         (DozorIncidentItem *self,
                                                       JsonObject        *incident);
const char        *dozor_incident_item_get_id         (DozorIncidentItem *self);
const char        *dozor_incident_item_get_number     (DozorIncidentItem *self);
const char        *dozor_incident_item_get_kind       (DozorIncidentItem *self);
const char        *dozor_incident_item_get_status     (DozorIncidentItem *self);
const char        *dozor_incident_item_get_address    (DozorIncidentItem *self);
gint64             dozor_incident_item_get_priority   (DozorIncidentItem *self);
gint64             dozor_incident_item_get_created    (DozorIncidentItem *self);
gboolean           dozor_incident_item_get_location   (DozorIncidentItem *self,
                                                       double            *lat,
                                                       double            *lon);
JsonObject        *dozor_incident_item_get_json       (DozorIncidentItem *self);

G_END_DECLS
