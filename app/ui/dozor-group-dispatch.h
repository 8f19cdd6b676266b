/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-crisis-pane.h"
#include "dozor-map-view.h"
#include "dozor-situation-list.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_GROUP_DISPATCH (dozor_group_dispatch_get_type ())
G_DECLARE_FINAL_TYPE (DozorGroupDispatch, dozor_group_dispatch, DOZOR, GROUP_DISPATCH, GObject)

DozorGroupDispatch *dozor_group_dispatch_new         (GtkApplicationWindow *window,
                                                      DozorSyncClient      *sync,
                                                      DozorSituation       *situation,
                                                      DozorSituationList   *unit_list,
                                                      DozorMapView         *map_view,
                                                      DozorCrisisPane      *crisis_pane);
void                dozor_group_dispatch_set_enabled (DozorGroupDispatch   *self,
                                                      gboolean              enabled);

G_END_DECLS
