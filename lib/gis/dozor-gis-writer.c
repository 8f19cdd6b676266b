/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dozor's layers out to the formats GIS people open: WGS 84 (EPSG:4326)
 * declared in every file that can say so, attribute types kept where the
 * format has them, and the file in place only once it is complete. Files
 * are written in a fresh directory beside the target and moved in at the
 * end, so a failed, cancelled or interrupted export leaves the old file
 * (if any) untouched and no half-written one.
 */
#include "config.h"

#include <cpl_conv.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "dozor-gis-layer-private.h"
#include "dozor-gis-writer.h"

typedef struct
{
  DozorGisFormat format;
  DozorGdalGuard guard;
  DozorGisProgressFunc progress;
  gpointer progress_data;
  GCancellable *cancellable;
  guint done;
  guint total;
} Writer;

static const char *
driver_for (DozorGisFormat format)
{
  switch (format)
    {
    case DOZOR_GIS_FORMAT_GEOJSON: return "GeoJSON";
    case DOZOR_GIS_FORMAT_SHAPEFILE: return "ESRI Shapefile";
    case DOZOR_GIS_FORMAT_GPKG: return "GPKG";
    case DOZOR_GIS_FORMAT_KML:
    case DOZOR_GIS_FORMAT_KMZ: return "LIBKML";
    case DOZOR_GIS_FORMAT_GPX: return "GPX";
    case DOZOR_GIS_FORMAT_CSV: return "CSV";
    default: g_return_val_if_reached (NULL);
    }
}

static gboolean
holds_one_layer (DozorGisFormat format)
{
  return format == DOZOR_GIS_FORMAT_GEOJSON || format == DOZOR_GIS_FORMAT_SHAPEFILE ||
         format == DOZOR_GIS_FORMAT_CSV;
}

/* The declared type: one shape throughout, multi when any feature is (the
 * single ones are written as one-part multis, so that QGIS and the
 * GeoPackage rules see one type); mixed shapes get the generic type, which
 * GeoPackage and KML allow. */
static OGRwkbGeometryType
layer_geometry_type (DozorGisLayer *layer,
                     gboolean      *one_shape)
{
  static const OGRwkbGeometryType single[] = { wkbPoint, wkbLineString, wkbPolygon };
  static const OGRwkbGeometryType multi[] = { wkbMultiPoint, wkbMultiLineString, wkbMultiPolygon };
  guint n = dozor_gis_layer_get_n_features (layer);
  DozorGisShape shape = dozor_gis_layer_get_shape (layer, 0);
  gboolean any_multi = FALSE;

  *one_shape = TRUE;
  for (guint i = 0; i < n; i++)
    {
      OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (dozor_gis_layer_peek_geometry (layer, i)));

      if (dozor_gis_layer_get_shape (layer, i) != shape)
        {
          *one_shape = FALSE;
          return wkbUnknown;
        }
      if (type == multi[shape])
        any_multi = TRUE;
    }

  return any_multi ? multi[shape] : single[shape];
}

static gboolean
fits_int32 (DozorGisLayer *layer,
            guint          field)
{
  for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
    {
      const char *value = dozor_gis_layer_get_value (layer, i, field);
      gint64 number;

      if (value != NULL &&
          (!g_ascii_string_to_signed (value, 10, G_MININT32, G_MAXINT32, &number, NULL)))
        return FALSE;
    }
  return TRUE;
}

static OGRFieldType
ogr_type_for (Writer        *writer,
              DozorGisLayer *layer,
              guint          field)
{
  switch (dozor_gis_layer_get_field_type (layer, field))
    {
    case DOZOR_GIS_FIELD_INTEGER:
      /* KML's schema has 32-bit integers only; larger ones stay text. */
      if (writer->format == DOZOR_GIS_FORMAT_KML || writer->format == DOZOR_GIS_FORMAT_KMZ)
        return fits_int32 (layer, field) ? OFTInteger : OFTString;
      return OFTInteger64;
    case DOZOR_GIS_FIELD_REAL:
      return OFTReal;
    case DOZOR_GIS_FIELD_DATETIME:
      /* A shapefile has dates without times, KML and GPX no time fields
       * at all: there the RFC 3339 text is kept as text. */
      if (writer->format == DOZOR_GIS_FORMAT_GPKG || writer->format == DOZOR_GIS_FORMAT_GEOJSON ||
          writer->format == DOZOR_GIS_FORMAT_CSV)
        return OFTDateTime;
      return OFTString;
    case DOZOR_GIS_FIELD_STRING:
    default:
      return OFTString;
    }
}

static const char *
gpx_layer_name (DozorGisLayer *layer)
{
  return dozor_gis_layer_get_shape (layer, 0) == DOZOR_GIS_SHAPE_POINT ? "waypoints" : "tracks";
}

static gboolean
write_layer (Writer         *writer,
             GDALDatasetH    dataset,
             DozorGisLayer  *layer,
             GError        **error)
{
  const char *name = dozor_gis_layer_get_name (layer);
  g_auto(OGRSpatialReferenceH) wgs84 = dozor_gdal_new_wgs84 ();
  g_auto(GStrv) options = NULL;
  OGRwkbGeometryType type;
  OGRLayerH target;
  gboolean one_shape;
  guint n_fields = dozor_gis_layer_get_n_fields (layer);
  g_autofree int *target_fields = g_new (int, MAX (n_fields, 1));

  if (dozor_gis_layer_get_n_features (layer) == 0)
    return TRUE;

  type = layer_geometry_type (layer, &one_shape);
  if (writer->format == DOZOR_GIS_FORMAT_SHAPEFILE && !one_shape)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT,
                   _("layer “%s” mixes points, lines and areas, and a shapefile holds one kind"), name);
      return FALSE;
    }
  if (writer->format == DOZOR_GIS_FORMAT_GPX)
    {
      if (!one_shape || dozor_gis_layer_get_shape (layer, 0) == DOZOR_GIS_SHAPE_POLYGON)
        {
          g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT,
                       _("layer “%s” has areas, and GPX holds only points and lines"), name);
          return FALSE;
        }
      name = gpx_layer_name (layer);
      type = dozor_gis_layer_get_shape (layer, 0) == DOZOR_GIS_SHAPE_POINT ? wkbPoint : wkbMultiLineString;
    }

  if (writer->format == DOZOR_GIS_FORMAT_CSV)
    options = g_strdupv ((char *[]) { (char *) "GEOMETRY=AS_WKT", (char *) "CREATE_CSVT=YES", NULL });
  else if (writer->format == DOZOR_GIS_FORMAT_SHAPEFILE)
    options = g_strdupv ((char *[]) { (char *) "ENCODING=UTF-8", (char *) "RESIZE=YES", NULL });
  else if (writer->format == DOZOR_GIS_FORMAT_GEOJSON)
    options = g_strdupv ((char *[]) { (char *) "COORDINATE_PRECISION=7", (char *) "RFC7946=YES", NULL });

  dozor_gdal_guard_reset (&writer->guard);
  target = GDALDatasetCreateLayer (dataset, name, wgs84, type, options);
  if (target == NULL)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, _("layer “%s” cannot be made: %s"),
                   name, dozor_gdal_guard_message (&writer->guard, _("the driver refused it")));
      return FALSE;
    }

  for (guint f = 0; f < n_fields; f++)
    {
      const char *field_name = dozor_gis_layer_get_field_name (layer, f);
      int existing = OGR_FD_GetFieldIndex (OGR_L_GetLayerDefn (target), field_name);
      OGRFieldDefnH field;
      OGRErr result;

      /* GPX layers come with their standard fields (name, desc …); the
       * rest become extensions. */
      if (existing >= 0)
        {
          target_fields[f] = existing;
          continue;
        }

      field = OGR_Fld_Create (field_name, ogr_type_for (writer, layer, f));
      result = OGR_L_CreateField (target, field, TRUE);
      OGR_Fld_Destroy (field);
      if (result != OGRERR_NONE)
        {
          g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, _("field “%s” of layer “%s” cannot be made: %s"),
                       field_name, name, dozor_gdal_guard_message (&writer->guard, _("the driver refused it")));
          return FALSE;
        }
      /* Drivers may shorten a name (a shapefile's ten characters). */
      target_fields[f] = OGR_FD_GetFieldCount (OGR_L_GetLayerDefn (target)) - 1;
    }

  for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
    {
      g_auto(OGRFeatureH) feature = OGR_F_Create (OGR_L_GetLayerDefn (target));
      OGRGeometryH geometry;

      if (g_cancellable_set_error_if_cancelled (writer->cancellable, error))
        return FALSE;

      geometry = dozor_gis_layer_peek_geometry (layer, i);
      if (type != wkbUnknown && wkbFlatten (OGR_G_GetGeometryType (geometry)) != type)
        {
          g_auto(OGRGeometryH) promoted = OGR_G_ForceTo (OGR_G_Clone (geometry), type, NULL);

          OGR_F_SetGeometry (feature, promoted);
        }
      else
        {
          OGR_F_SetGeometry (feature, geometry);
        }
      for (guint f = 0; f < n_fields; f++)
        {
          const char *value = dozor_gis_layer_get_value (layer, i, f);

          if (value != NULL)
            OGR_F_SetFieldString (feature, target_fields[f], value);
        }

      dozor_gdal_guard_reset (&writer->guard);
      if (OGR_L_CreateFeature (target, feature) != OGRERR_NONE)
        {
          g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, _("layer “%s”, feature %u cannot be written: %s"),
                       name, i + 1, dozor_gdal_guard_message (&writer->guard, _("the driver refused it")));
          return FALSE;
        }

      if (writer->progress != NULL && (++writer->done & 255) == 0)
        writer->progress ((double) writer->done / writer->total, writer->progress_data);
    }

  return TRUE;
}

static gboolean
write_dataset (Writer      *writer,
               const char  *path,
               GPtrArray   *layers,
               GError     **error)
{
  GDALDriverH driver = GDALGetDriverByName (driver_for (writer->format));
  g_auto(GDALDatasetH) dataset = NULL;
  char *gpx_options[] = { (char *) "GPX_USE_EXTENSIONS=YES", NULL };
  gboolean transaction;

  if (driver == NULL)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT, _("this GDAL has no %s driver"),
                   driver_for (writer->format));
      return FALSE;
    }

  dozor_gdal_guard_reset (&writer->guard);
  dataset = GDALCreate (driver, path, 0, 0, 0, GDT_Unknown,
                        writer->format == DOZOR_GIS_FORMAT_GPX ? gpx_options : NULL);
  if (dataset == NULL)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, "%s",
                   dozor_gdal_guard_message (&writer->guard, _("the file cannot be made")));
      return FALSE;
    }

  /* One transaction makes a GeoPackage of thousands of features take
   * seconds instead of minutes. */
  transaction = GDALDatasetStartTransaction (dataset, FALSE) == OGRERR_NONE;
  for (guint l = 0; l < layers->len; l++)
    if (!write_layer (writer, dataset, g_ptr_array_index (layers, l), error))
      return FALSE;

  dozor_gdal_guard_reset (&writer->guard);
  if (transaction && GDALDatasetCommitTransaction (dataset) != OGRERR_NONE)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, "%s",
                   dozor_gdal_guard_message (&writer->guard, _("the file cannot be completed")));
      return FALSE;
    }

  dozor_gdal_guard_reset (&writer->guard);
  GDALClose (g_steal_pointer (&dataset));
  if (CPLGetLastErrorType () >= CE_Failure || writer->guard.first_failure != NULL)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, "%s",
                   dozor_gdal_guard_message (&writer->guard, _("the file cannot be completed")));
      return FALSE;
    }

  return TRUE;
}

static void
remove_directory (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (directory, name, NULL);

      g_unlink (child);
    }
  g_rmdir (directory);
}

/* The main file moves last: once it is there, its sidecars are too. */
static gboolean
move_into_place (const char  *staging,
                 const char  *main_name,
                 const char  *target_directory,
                 GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (staging, 0, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (dir == NULL)
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (!g_str_equal (name, main_name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_add (names, g_strdup (main_name));

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *from = g_build_filename (staging, g_ptr_array_index (names, i), NULL);
      g_autofree char *to = g_build_filename (target_directory, g_ptr_array_index (names, i), NULL);

      if (g_rename (from, to) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, _("it cannot be moved into place: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * dozor_gis_write_file:
 * @path: the file to write, its format told by its extension
 * @layers: (element-type DozorGisLayer): what to write; GeoJSON, CSV and
 *   shapefiles hold exactly one layer
 * @progress: (nullable) (scope call): told how far writing is, now and then
 * @progress_data: for @progress
 * @cancellable: (nullable): a #GCancellable, checked before every feature
 * @error: return location for a #GError
 *
 * Writes @layers in WGS 84 and replaces @path only when the whole file is
 * written. Blocks: call it in a worker thread.
 *
 * Returns: whether @path now holds @layers
 */
gboolean
dozor_gis_write_file (const char            *path,
                      GPtrArray             *layers,
                      DozorGisProgressFunc   progress,
                      gpointer               progress_data,
                      GCancellable          *cancellable,
                      GError               **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *staging = NULL;
  g_autofree char *staged = NULL;
  g_autoptr(GError) local_error = NULL;
  Writer writer = { 0, };
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (layers != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  display_name = g_path_get_basename (path);
  if (!dozor_gis_format_from_path (path, &writer.format))
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT,
                   _("“%s”: not a format Dozor writes (it writes %s)"), display_name, dozor_gis_format_list ());
      return FALSE;
    }
  if (layers->len == 0)
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_CONTENT, _("“%s”: there is nothing to write"), display_name);
      return FALSE;
    }
  if (layers->len > 1 && holds_one_layer (writer.format))
    {
      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_FORMAT,
                   _("“%s”: a %s file holds one layer and this has %u; write a GeoPackage or KML instead"),
                   display_name, dozor_gis_format_get_name (writer.format), layers->len);
      return FALSE;
    }

  for (guint l = 0; l < layers->len; l++)
    writer.total += dozor_gis_layer_get_n_features (g_ptr_array_index (layers, l));
  writer.progress = progress;
  writer.progress_data = progress_data;
  writer.cancellable = cancellable;

  absolute = g_canonicalize_filename (path, NULL);
  directory = g_path_get_dirname (absolute);
  staging = g_build_filename (directory, ".dozor-export-XXXXXX", NULL);
  if (g_mkdtemp (staging) == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, DOZOR_GIS_ERROR, DOZOR_GIS_ERROR_WRITE, _("“%s”: %s"), display_name, g_strerror (saved_errno));
      return FALSE;
    }
  staged = g_build_filename (staging, display_name, NULL);

  dozor_gdal_guard_begin (&writer.guard);
  ok = write_dataset (&writer, staged, layers, &local_error);
  dozor_gdal_guard_end (&writer.guard);

  if (ok)
    ok = move_into_place (staging, display_name, directory, &local_error);
  remove_directory (staging);

  if (!ok)
    {
      if (local_error->domain == DOZOR_GIS_ERROR)
        g_set_error (error, DOZOR_GIS_ERROR, local_error->code, _("“%s”: %s"), display_name, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (progress != NULL)
    progress (1.0, progress_data);
  return TRUE;
}
