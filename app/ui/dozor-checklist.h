/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CHECKLIST (dozor_checklist_get_type ())
G_DECLARE_FINAL_TYPE (DozorChecklist, dozor_checklist, DOZOR, CHECKLIST, GObject)

DozorChecklist *dozor_checklist_new   (DozorSyncClient *sync,
                                       DozorSituation  *situation);
GtkWidget      *dozor_checklist_build (DozorChecklist  *self,
                                       JsonObject      *incident);

G_END_DECLS
