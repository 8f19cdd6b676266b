/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-map-view.h"
#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_ROSTER_PANE (dozor_roster_pane_get_type ())
G_DECLARE_FINAL_TYPE (DozorRosterPane, dozor_roster_pane, DOZOR, ROSTER_PANE, AdwBin)

DozorRosterPane *dozor_roster_pane_new (void);
void dozor_roster_pane_follow       (DozorRosterPane      *self,
                                     GtkApplicationWindow *window,
                                     DozorSyncClient      *sync,
                                     DozorSituation       *situation,
                                     DozorMapView         *map_view);
void dozor_roster_pane_set_editable (DozorRosterPane      *self,
                                     gboolean              editable);

G_END_DECLS
