/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <geos_c.h>
#include <glib.h>
#include <proj.h>

G_BEGIN_DECLS

GEOSGeometry *dozor_geos_polygon_from_geojson (GEOSContextHandle_t  geos,
                                               const char          *geojson);
PJ           *dozor_geos_new_to_local_metres  (PJ_CONTEXT          *proj,
                                               double               lat,
                                               double               lon);

G_END_DECLS
