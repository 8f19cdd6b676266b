/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_PANEL (dozor_wall_panel_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallPanel, dozor_wall_panel, DOZOR, WALL_PANEL, GtkWidget)

gboolean        dozor_wall_panel_is_needed      (const DozorWallMonitor *monitor);
DozorWallPanel *dozor_wall_panel_new            (const DozorWallMonitor *monitor,
                                                 GtkWidget              *map,
                                                 DozorSyncClient        *sync,
                                                 DozorSituation         *situation,
                                                 const DozorWallMarks   *marks);
gboolean        dozor_wall_panel_add_above_map  (DozorWallPanel         *self,
                                                 GtkWidget              *widget);
void            dozor_wall_panel_set_cap_height (DozorWallPanel         *self,
                                                 double                  cap_height);

G_END_DECLS
