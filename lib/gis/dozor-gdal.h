/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gdal.h>
#include <glib.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

G_BEGIN_DECLS

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (GDALDatasetH, GDALClose, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRFeatureH, OGR_F_Destroy, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRGeometryH, OGR_G_DestroyGeometry, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRSpatialReferenceH, OSRRelease, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRCoordinateTransformationH, OCTDestroyCoordinateTransformation, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (OGRPreparedGeometryH, OGRDestroyPreparedGeometry, NULL)

/**
 * DozorGdalGuard:
 * @first_failure: GDAL's first complaint since the last reset
 *
 * What one thread needs around a GDAL call on a file it does not trust:
 * GDAL's messages collected instead of printed, and no network access.
 * Begin and end it on the same thread; other threads are untouched.
 */
typedef struct
{
  char *first_failure;
  char *saved_curl_extensions;
} DozorGdalGuard;

void         dozor_gdal_register        (void);
void         dozor_gdal_guard_begin     (DozorGdalGuard  *guard);
void         dozor_gdal_guard_end       (DozorGdalGuard  *guard);
void         dozor_gdal_guard_reset     (DozorGdalGuard  *guard);
const char  *dozor_gdal_guard_message   (DozorGdalGuard  *guard,
                                         const char      *fallback);
OGRSpatialReferenceH dozor_gdal_new_wgs84 (void);
gboolean     dozor_gdal_transform_to_wgs84 (OGRSpatialReferenceH          source,
                                            OGRCoordinateTransformationH *transform,
                                            DozorGdalGuard               *guard,
                                            char                        **problem);
OGRGeometryH dozor_gdal_polygon_from_geojson (const char  *geojson);

G_END_DECLS
