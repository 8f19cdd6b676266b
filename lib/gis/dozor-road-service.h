/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-road-graph.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_ROAD_SERVICE (dozor_road_service_get_type ())
G_DECLARE_FINAL_TYPE (DozorRoadService, dozor_road_service, DOZOR, ROAD_SERVICE, GObject)

DozorRoadService *dozor_road_service_new       (const char       *streets_path);
void              dozor_road_service_ensure    (DozorRoadService *self);
DozorRoadGraph   *dozor_road_service_get_graph (DozorRoadService *self);
const char       *dozor_road_service_get_error (DozorRoadService *self);

G_END_DECLS
