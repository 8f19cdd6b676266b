/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_COMPLIANCE_CONTROLLER (dozor_compliance_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorComplianceController, dozor_compliance_controller, DOZOR, COMPLIANCE_CONTROLLER, GObject)

DozorComplianceController *dozor_compliance_controller_new        (GtkApplicationWindow      *window,
                                                                   DozorSyncClient           *sync,
                                                                   DozorSituation            *situation);
GtkWidget                 *dozor_compliance_controller_build_unit (DozorComplianceController *self,
                                                                   const char                *unit_id);

G_END_DECLS
