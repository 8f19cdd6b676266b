/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* What one zone or route may hold: a district boundary from OpenStreetMap
 * has a few thousand points, a patrol route a few hundred. */
#define DOZOR_GEOJSON_MAX_POINTS 50000

/**
 * DozorGeometryKind:
 * @DOZOR_GEOMETRY_AREA: a Polygon or MultiPolygon
 * @DOZOR_GEOMETRY_LINE: a LineString
 */
typedef enum
{
  DOZOR_GEOMETRY_AREA,
  DOZOR_GEOMETRY_LINE,
} DozorGeometryKind;

char *dozor_geojson_normalize (JsonNode          *geometry,
                               DozorGeometryKind  kind,
                               GError           **error);

G_END_DECLS
