/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Geometry the board asks about (zones, crisis areas, routes), read and
 * repaired by GEOS's C API, and measured in metres through PROJ's, rather
 * than through OGR: the board then maps no GDAL until it reads or writes
 * a GIS file (docs/decisions.md, "GDAL only for files").
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

/**
 * dozor_geos_new_to_local_metres:
 * @proj: the PROJ context it will be used in
 * @lat: the centre
 * @lon: the centre
 *
 * A projection for measuring in a city: azimuthal equidistant around the
 * centre, in metres, so that distances and buffers of a few kilometres
 * come out right to well under a metre. A pipeline from degrees, on
 * WGS 84's ellipsoid: it needs no PROJ database.
 *
 * Returns: (transfer full) (nullable): the transformation from WGS 84
 *   `[lon, lat]` (degrees) to it, %NULL if PROJ refuses it
 */
PJ *
dozor_geos_new_to_local_metres (PJ_CONTEXT *proj,
                                double      lat,
                                double      lon)
{
  char definition[256], lat_text[G_ASCII_DTOSTR_BUF_SIZE], lon_text[G_ASCII_DTOSTR_BUF_SIZE];

  g_snprintf (definition, sizeof definition,
              "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
              "+step +proj=aeqd +lat_0=%s +lon_0=%s +ellps=WGS84 +units=m",
              g_ascii_dtostr (lat_text, sizeof lat_text, lat), g_ascii_dtostr (lon_text, sizeof lon_text, lon));
  return proj_create (proj, definition);
}
