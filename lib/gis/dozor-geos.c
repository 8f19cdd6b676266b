/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Geometry the board asks about (zones, crisis areas, routes), read and
 * repaired by GEOS's C API rather than through OGR: the board then maps no
 * GDAL until it reads or writes a GIS file (docs/decisions.md, "GDAL only
 * for files").
 */
#include "config.h"

#include "dozor-geos.h"

static gboolean
is_polygonal (GEOSContextHandle_t  geos,
              const GEOSGeometry  *geometry)
{
  int type = GEOSGeomTypeId_r (geos, geometry);

  return (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) && GEOSisEmpty_r (geos, geometry) == 0;
}

/**
 * dozor_geos_polygon_from_geojson:
 * @geos: the context the geometry will be used in
 * @geojson: a GeoJSON geometry, in WGS 84 `[lon, lat]`
 *
 * A polygon the caller may ask GEOS about: a ring that crosses itself is
 * repaired (GEOS's MakeValid, as OGR_G_MakeValid() did) rather than
 * giving wrong answers.
 *
 * Returns: (transfer full) (nullable): a valid Polygon or MultiPolygon of
 *   @geos, %NULL if the text is not one
 */
GEOSGeometry *
dozor_geos_polygon_from_geojson (GEOSContextHandle_t  geos,
                                 const char          *geojson)
{
  GEOSGeoJSONReader *reader;
  GEOSGeometry *parsed, *valid = NULL;

  g_return_val_if_fail (geos != NULL && geojson != NULL, NULL);

  reader = GEOSGeoJSONReader_create_r (geos);
  if (reader == NULL)
    return NULL;
  parsed = GEOSGeoJSONReader_readGeometry_r (geos, reader, geojson);
  GEOSGeoJSONReader_destroy_r (geos, reader);
  if (parsed == NULL)
    return NULL;

  if (is_polygonal (geos, parsed))
    {
      if (GEOSisValid_r (geos, parsed) == 1)
        return parsed;
      valid = GEOSMakeValid_r (geos, parsed);
    }
  GEOSGeom_destroy_r (geos, parsed);
  /* A repair may leave lines or points behind a collapsed ring. */
  if (valid != NULL && !is_polygonal (geos, valid))
    {
      GEOSGeom_destroy_r (geos, valid);
      valid = NULL;
    }
  return valid;
}
