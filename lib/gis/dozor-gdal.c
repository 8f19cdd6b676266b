/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The rules every GDAL read of an outside file follows, in one place: the
 * street map, GIS import and the simulator's districts all open files that
 * somebody else made.
 */
#include "config.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_http.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dozor-gdal.h"

static gpointer
register_drivers (gpointer data)
{
  GDALAllRegister ();
  return NULL;
}

/**
 * dozor_gdal_register:
 *
 * Registers GDAL's drivers once per process; safe from any thread.
 */
void
dozor_gdal_register (void)
{
  static GOnce once = G_ONCE_INIT;

  g_once (&once, register_drivers, NULL);
}

/* GDAL's first complaint is usually the cause ("object too large"), the
 * last one its consequence ("failed to read"): keep the first. */
static void CPL_STDCALL
collect_error (CPLErr       error_class,
               CPLErrorNum  number,
               const char  *message)
{
  DozorGdalGuard *guard = CPLGetErrorHandlerUserData ();

  if (error_class >= CE_Failure && guard->first_failure == NULL && message != NULL)
    guard->first_failure = g_strdup (message);
}

/* GDAL would fetch a GeoJSON "crs" given as a URL, for one; a file must
 * never make Dozor reach out to the network. */
static CPLHTTPResult *
refuse_http (const char             *url,
             CSLConstList            options,
             GDALProgressFunc        progress,
             void                   *progress_data,
             CPLHTTPFetchWriteFunc   write,
             void                   *write_data,
             void                   *user_data)
{
  CPLHTTPResult *result = CPLCalloc (1, sizeof (CPLHTTPResult));

  result->nStatus = 1;
  result->pszErrBuf = CPLStrdup ("network access is disabled while reading a file");
  CPLError (CE_Failure, CPLE_AppDefined, "%s", result->pszErrBuf);

  return result;
}

/**
 * dozor_gdal_guard_begin:
 * @guard: a zeroed #DozorGdalGuard
 *
 * From now until [func@Dozor.gdal_guard_end] on this thread, GDAL's
 * messages go into @guard and any HTTP request GDAL tries fails.
 */
void
dozor_gdal_guard_begin (DozorGdalGuard *guard)
{
  dozor_gdal_register ();
  CPLPushErrorHandlerEx (collect_error, guard);
  CPLHTTPPushFetchCallback (refuse_http, NULL);
  guard->saved_curl_extensions = g_strdup (CPLGetThreadLocalConfigOption ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", NULL));
  CPLSetThreadLocalConfigOption ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "none");
  dozor_gdal_guard_reset (guard);
}

void
dozor_gdal_guard_end (DozorGdalGuard *guard)
{
  CPLSetThreadLocalConfigOption ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", guard->saved_curl_extensions);
  CPLHTTPPopFetchCallback ();
  CPLPopErrorHandler ();
  g_clear_pointer (&guard->saved_curl_extensions, g_free);
  g_clear_pointer (&guard->first_failure, g_free);
}

void
dozor_gdal_guard_reset (DozorGdalGuard *guard)
{
  g_clear_pointer (&guard->first_failure, g_free);
  CPLErrorReset ();
}

/**
 * dozor_gdal_guard_message:
 * @guard: a #DozorGdalGuard
 * @fallback: what to say when GDAL said nothing
 *
 * Returns: GDAL's first failure since the last reset, else its last message,
 *   else @fallback
 */
const char *
dozor_gdal_guard_message (DozorGdalGuard *guard,
                          const char     *fallback)
{
  const char *last = CPLGetLastErrorMsg ();

  if (guard->first_failure != NULL && *guard->first_failure != '\0')
    return guard->first_failure;
  if (last != NULL && *last != '\0')
    return last;
  return fallback;
}

/**
 * dozor_gdal_new_wgs84:
 *
 * Returns: (transfer full) (nullable): WGS 84 with longitude first, as every
 *   Dozor geometry is; %NULL without a PROJ database
 */
OGRSpatialReferenceH
dozor_gdal_new_wgs84 (void)
{
  OGRSpatialReferenceH wgs84 = OSRNewSpatialReference (NULL);

  if (OSRImportFromEPSG (wgs84, 4326) != OGRERR_NONE)
    {
      OSRRelease (wgs84);
      return NULL;
    }

  /* Longitude first whatever the EPSG axis order says: that is how OGR
   * hands out the coordinates of every vector driver, and GeoJSON's order. */
  OSRSetAxisMappingStrategy (wgs84, OAMS_TRADITIONAL_GIS_ORDER);
  return wgs84;
}

/**
 * dozor_gdal_transform_to_wgs84:
 * @source: (nullable): the layer's CRS; %NULL means lon/lat already
 * @transform: (out): the transformation, %NULL when none is needed
 * @guard: the #DozorGdalGuard in effect
 * @problem: (out): why there is none, when %FALSE is returned
 *
 * Returns: whether coordinates in @source can be brought to WGS 84
 */
gboolean
dozor_gdal_transform_to_wgs84 (OGRSpatialReferenceH          source,
                               OGRCoordinateTransformationH *transform,
                               DozorGdalGuard               *guard,
                               char                        **problem)
{
  g_auto(OGRSpatialReferenceH) from = NULL;
  g_auto(OGRSpatialReferenceH) wgs84 = NULL;

  *transform = NULL;
  if (source == NULL)
    return TRUE;

  wgs84 = dozor_gdal_new_wgs84 ();
  if (wgs84 == NULL)
    {
      *problem = g_strdup_printf (_("WGS 84 is unknown to GDAL: %s"),
                                  dozor_gdal_guard_message (guard, _("no PROJ database")));
      return FALSE;
    }

  from = OSRClone (source);
  OSRSetAxisMappingStrategy (from, OAMS_TRADITIONAL_GIS_ORDER);
  if (OSRIsSame (from, wgs84))
    return TRUE;

  dozor_gdal_guard_reset (guard);
  *transform = OCTNewCoordinateTransformation (from, wgs84);
  if (*transform == NULL)
    {
      *problem = g_strdup_printf (_("its coordinates cannot be converted to longitude and latitude: %s"),
                                  dozor_gdal_guard_message (guard, _("unknown coordinate system")));
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_gdal_polygon_from_geojson:
 * @geojson: a GeoJSON geometry, in WGS 84 `[lon, lat]`
 *
 * A polygon the caller may ask GEOS about: a ring that crosses itself is
 * repaired (OGR_G_MakeValid()) rather than giving wrong answers.
 *
 * Returns: (transfer full) (nullable): a valid Polygon or MultiPolygon,
 *   %NULL if the text is not one
 */
OGRGeometryH
dozor_gdal_polygon_from_geojson (const char *geojson)
{
  g_auto(OGRGeometryH) parsed = NULL;
  OGRGeometryH valid;
  OGRwkbGeometryType type;

  g_return_val_if_fail (geojson != NULL, NULL);

  CPLPushErrorHandler (CPLQuietErrorHandler);
  parsed = OGR_G_CreateGeometryFromJson (geojson);
  type = parsed != NULL ? wkbFlatten (OGR_G_GetGeometryType (parsed)) : wkbUnknown;
  valid = (type == wkbPolygon || type == wkbMultiPolygon) && !OGR_G_IsEmpty (parsed)
    ? (OGR_G_IsValid (parsed) ? OGR_G_Clone (parsed) : OGR_G_MakeValid (parsed))
    : NULL;
  CPLPopErrorHandler ();

  type = valid != NULL ? wkbFlatten (OGR_G_GetGeometryType (valid)) : wkbUnknown;
  if (type != wkbPolygon && type != wkbMultiPolygon)
    g_clear_pointer (&valid, OGR_G_DestroyGeometry);
  return valid;
}
