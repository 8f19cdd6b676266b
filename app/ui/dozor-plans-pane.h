/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-map-view.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_PLANS_PANE (dozor_plans_pane_get_type ())
G_DECLARE_FINAL_TYPE (DozorPlansPane, dozor_plans_pane, DOZOR, PLANS_PANE, AdwBin)

void        dozor_plans_pane_follow        (DozorPlansPane     *self,
                                            GtkApplicationWindow *window,
                                            DozorSyncClient    *sync,
                                            DozorSituation     *situation,
                                            DozorMapView       *map_view);
void        dozor_plans_pane_set_editable  (DozorPlansPane     *self,
                                            gboolean            editable);
const char *dozor_plans_pane_get_selected  (DozorPlansPane     *self);

G_END_DECLS
