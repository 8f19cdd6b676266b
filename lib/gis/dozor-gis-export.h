/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dozor-gis-layer.h"

G_BEGIN_DECLS

DozorGisLayer *dozor_gis_export_zones     (JsonObject *snapshot);
DozorGisLayer *dozor_gis_export_routes    (JsonObject *snapshot);
DozorGisLayer *dozor_gis_export_places    (JsonObject *snapshot);
DozorGisLayer *dozor_gis_export_incidents (JsonArray  *incidents,
                                           gboolean    with_callers);

G_END_DECLS
