/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"
#include "dozor-sync-client.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_ROUTE_RULES_CONTROLLER (dozor_route_rules_controller_get_type ())

G_DECLARE_FINAL_TYPE (DozorRouteRulesController, dozor_route_rules_controller, DOZOR, ROUTE_RULES_CONTROLLER,
                      GObject)

DozorRouteRulesController *dozor_route_rules_controller_new (GtkApplicationWindow *window,
                                                             DozorSyncClient      *sync,
                                                             DozorSituation       *situation,
                                                             gboolean              wall);

G_END_DECLS
