/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_HANDOVER_CONTROLLER (dozor_handover_controller_get_type ())
G_DECLARE_FINAL_TYPE (DozorHandoverController, dozor_handover_controller, DOZOR, HANDOVER_CONTROLLER, GObject)

DozorHandoverController *dozor_handover_controller_new        (GtkApplicationWindow    *window,
                                                               DozorSyncClient         *sync,
                                                               DozorSituation          *situation,
                                                               gboolean                 wall);
GtkWidget               *dozor_handover_controller_get_banner (DozorHandoverController *self);

G_END_DECLS
