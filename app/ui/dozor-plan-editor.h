/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-map-view.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_PLAN_EDITOR (dozor_plan_editor_get_type ())
G_DECLARE_FINAL_TYPE (DozorPlanEditor, dozor_plan_editor, DOZOR, PLAN_EDITOR, GObject)

DozorPlanEditor *dozor_plan_editor_new         (GtkApplicationWindow *window,
                                                DozorSyncClient      *sync,
                                                DozorSituation       *situation,
                                                DozorMapView         *map_view);
void             dozor_plan_editor_set_plan    (DozorPlanEditor      *self,
                                                const char           *plan_id,
                                                gboolean              editable);
GSimpleAction   *dozor_plans_add_window_action (GtkApplicationWindow *window,
                                                const char           *name,
                                                const GVariantType   *type,
                                                GCallback             callback,
                                                gpointer              owner);

G_END_DECLS
