/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-situation-list.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_INCIDENT_LIST (dozor_incident_list_get_type ())
G_DECLARE_FINAL_TYPE (DozorIncidentList, dozor_incident_list, DOZOR, INCIDENT_LIST, DozorSituationList)

void dozor_incident_list_set_situation (DozorIncidentList *self,
                                        DozorSituation    *situation);

void dozor_incident_list_set_overdue   (DozorIncidentList *self,
                                       GHashTable        *overdue);

G_END_DECLS
