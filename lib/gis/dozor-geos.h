/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <geos_c.h>
#include <glib.h>

G_BEGIN_DECLS

GEOSGeometry *dozor_geos_polygon_from_geojson (GEOSContextHandle_t  geos,
                                               const char          *geojson);

G_END_DECLS
