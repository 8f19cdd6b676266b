/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-checklist.h"
#include "dozor-compliance-controller.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_DETAILS_PANE (dozor_details_pane_get_type ())
G_DECLARE_FINAL_TYPE (DozorDetailsPane, dozor_details_pane, DOZOR, DETAILS_PANE, GtkWidget)

void dozor_details_pane_set_situation (DozorDetailsPane *self,
                                       DozorSituation   *situation);
void dozor_details_pane_set_checklist (DozorDetailsPane *self,
                                       DozorChecklist   *checklist);
void dozor_details_pane_set_compliance (DozorDetailsPane          *self,
                                        DozorComplianceController *compliance);
void dozor_details_pane_show          (DozorDetailsPane *self,
                                       const char       *unit_id,
                                       const char       *incident_id);

G_END_DECLS
