/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The street map's reader for what is not plain GeoJSON in lon/lat: a
 * GeoPackage, a Shapefile, a GeoJSON that names another CRS or that only
 * GDAL's lenient parser reads. It hands every line, reprojected to WGS 84,
 * to the street map (dozor-street-map.c), which checks and keeps it. Apart
 * from the map so that the board links no GDAL: it reaches this through its
 * GIS file module (app/dozor-gis-files.c), dozord and the tests directly.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-gdal.h"
#include "dozor-street-map.h"
#include "dozor-street-map-private.h"

typedef struct
{
  const DozorStreetLineSink *sink;
  gpointer lines;
  DozorGdalGuard *errors;
  OGRCoordinateTransformationH transform; /* NULL when already lon/lat */

  /* One line's coordinates, reused from line to line. */
  double *xs, *ys;
  int *converted;
  int capacity;
} Reader;

static gboolean
add_line (Reader        *reader,
          OGRGeometryH   line,
          GError       **error)
{
  int n = OGR_G_GetPointCount (line);

  if (n > reader->capacity)
    {
      reader->capacity = MAX (n, 2 * reader->capacity);
      reader->xs = g_renew (double, reader->xs, reader->capacity);
      reader->ys = g_renew (double, reader->ys, reader->capacity);
      reader->converted = g_renew (int, reader->converted, reader->capacity);
    }

  if (n > 0)
    OGR_G_GetPoints (line, reader->xs, sizeof (double), reader->ys, sizeof (double), NULL, 0);
  for (int i = 0; i < n; i++)
    reader->converted[i] = TRUE;
  if (reader->transform != NULL && n > 0)
    OCTTransformEx (reader->transform, n, reader->xs, reader->ys, NULL, reader->converted);

  return reader->sink->add_line (reader->lines, reader->xs, reader->ys, reader->converted, n, error);
}

static gboolean
add_geometry (Reader        *reader,
              OGRGeometryH   geometry,
              guint          depth,
              GError       **error)
{
  OGRwkbGeometryType type;

  if (geometry == NULL)
    return TRUE;

  type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  if (type == wkbLineString)
    return add_line (reader, geometry, error);

  if ((type == wkbMultiLineString || type == wkbGeometryCollection) &&
      depth < DOZOR_STREET_MAP_MAX_COLLECTION_DEPTH)
    {
      int n = OGR_G_GetGeometryCount (geometry);

      for (int i = 0; i < n; i++)
        if (!add_geometry (reader, OGR_G_GetGeometryRef (geometry, i), depth + 1, error))
          return FALSE;

      return TRUE;
    }

  /* Points and areas are not streets. */
  reader->sink->skip_geometry (reader->lines);
  return TRUE;
}

static gboolean
read_layer (Reader        *reader,
            OGRLayerH      layer,
            guint         *n_features,
            GCancellable  *cancellable,
            GError       **error)
{
  OGRFeatureDefnH definition = OGR_L_GetLayerDefn (layer);
  int highway_field = OGR_FD_GetFieldIndex (definition, "highway");

  OGR_L_ResetReading (layer);
  for (;;)
    {
      g_auto(OGRFeatureH) feature = NULL;
      const char *highway = NULL;

      dozor_gdal_guard_reset (reader->errors);
      feature = OGR_L_GetNextFeature (layer);

      /* A file that breaks off half way is broken, not short. */
      if (feature == NULL)
        {
          if (CPLGetLastErrorType () >= CE_Failure)
            {
              g_set_error_literal (error, reader->sink->error_domain, DOZOR_STREET_MAP_ERROR_OPEN,
                                   dozor_gdal_guard_message (reader->errors, _("read error")));
              return FALSE;
            }
          return TRUE;
        }

      if (highway_field >= 0 && OGR_F_IsFieldSetAndNotNull (feature, highway_field))
        highway = OGR_F_GetFieldAsString (feature, highway_field);
      reader->sink->set_highway (reader->lines, highway);

      if (!add_geometry (reader, OGR_F_GetGeometryRef (feature), 0, error))
        return FALSE;

      if (++*n_features % 1000 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }
}

static gboolean
read_dataset (Reader        *reader,
              GDALDatasetH   dataset,
              GCancellable  *cancellable,
              GError       **error)
{
  int n_layers = GDALDatasetGetLayerCount (dataset);
  guint n_features = 0;
  gboolean ok = TRUE;

  for (int l = 0; ok && l < n_layers; l++)
    {
      OGRLayerH layer = GDALDatasetGetLayer (dataset, l);
      g_autofree char *problem = NULL;

      /* Without a CRS the numbers are taken as lon/lat, as GeoJSON says. */
      if (!dozor_gdal_transform_to_wgs84 (OGR_L_GetSpatialRef (layer), &reader->transform, reader->errors,
                                          &problem))
        {
          g_set_error_literal (error, reader->sink->error_domain, DOZOR_STREET_MAP_ERROR_CONTENT, problem);
          return FALSE;
        }
      ok = read_layer (reader, layer, &n_features, cancellable, error);
      g_clear_pointer (&reader->transform, OCTDestroyCoordinateTransformation);
    }
  return ok;
}

/**
 * dozor_street_map_read_gdal:
 * @absolute_path: a local regular file, already checked
 * @sink: where the lines go
 * @lines: for @sink
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads every line of every layer of a GeoJSON, GeoPackage or Shapefile
 * through GDAL, with no network access and GDAL's messages in @error
 * instead of on stderr. Blocks.
 *
 * Returns: whether the whole file was read
 */
gboolean
dozor_street_map_read_gdal (const char                *absolute_path,
                            const DozorStreetLineSink *sink,
                            gpointer                   lines,
                            GCancellable              *cancellable,
                            GError                   **error)
{
  static const char *const allowed_drivers[] = { "GeoJSON", "GPKG", "ESRI Shapefile", NULL };
  DozorGdalGuard guard = { NULL, };
  Reader reader = { .sink = sink, .lines = lines, .errors = &guard };
  GDALDatasetH dataset;
  gboolean ok;

  dozor_gdal_guard_begin (&guard);
  dataset = GDALOpenEx (absolute_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, allowed_drivers, NULL, NULL);
  if (dataset == NULL)
    {
      g_set_error_literal (error, sink->error_domain, DOZOR_STREET_MAP_ERROR_OPEN,
                           dozor_gdal_guard_message (&guard, _("not a GeoJSON, GeoPackage or Shapefile")));
      dozor_gdal_guard_end (&guard);
      return FALSE;
    }

  ok = read_dataset (&reader, dataset, cancellable, error);
  GDALClose (dataset);
  dozor_gdal_guard_end (&guard);

  g_free (reader.xs);
  g_free (reader.ys);
  g_free (reader.converted);
  return ok;
}
