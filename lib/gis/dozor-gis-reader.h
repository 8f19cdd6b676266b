/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-gis-layer.h"

G_BEGIN_DECLS

#define DOZOR_GIS_ERROR (dozor_gis_error_quark ())

/**
 * DozorGisError:
 * @DOZOR_GIS_ERROR_OPEN: missing, unreadable, or not a regular local file
 * @DOZOR_GIS_ERROR_FORMAT: not a format Dozor reads or writes, or not what
 *   its name says it is
 * @DOZOR_GIS_ERROR_UNSAFE: it refers to other files or URLs, or declares XML
 *   entities
 * @DOZOR_GIS_ERROR_LIMIT: larger than allowed: the file, its features, their
 *   vertices or its nesting
 * @DOZOR_GIS_ERROR_CONTENT: a feature or coordinate system that makes no sense
 * @DOZOR_GIS_ERROR_WRITE: the file could not be written
 *
 * Every message names the file and says what is wrong with it.
 */
typedef enum
{
  DOZOR_GIS_ERROR_OPEN,
  DOZOR_GIS_ERROR_FORMAT,
  DOZOR_GIS_ERROR_UNSAFE,
  DOZOR_GIS_ERROR_LIMIT,
  DOZOR_GIS_ERROR_CONTENT,
  DOZOR_GIS_ERROR_WRITE,
} DozorGisError;

/**
 * DozorGisFormat:
 * @DOZOR_GIS_FORMAT_GEOJSON: GeoJSON (`.geojson`, `.json`)
 * @DOZOR_GIS_FORMAT_SHAPEFILE: ESRI Shapefile (`.shp` with `.shx` and `.dbf`)
 * @DOZOR_GIS_FORMAT_GPKG: OGC GeoPackage (`.gpkg`)
 * @DOZOR_GIS_FORMAT_KML: Keyhole Markup Language (`.kml`)
 * @DOZOR_GIS_FORMAT_KMZ: zipped KML (`.kmz`)
 * @DOZOR_GIS_FORMAT_GPX: GPS Exchange Format (`.gpx`)
 * @DOZOR_GIS_FORMAT_CSV: comma-separated values with lon/lat or WKT columns
 *   (`.csv`)
 *
 * The formats Dozor reads and writes, told apart by the file's extension.
 */
typedef enum
{
  DOZOR_GIS_FORMAT_GEOJSON,
  DOZOR_GIS_FORMAT_SHAPEFILE,
  DOZOR_GIS_FORMAT_GPKG,
  DOZOR_GIS_FORMAT_KML,
  DOZOR_GIS_FORMAT_KMZ,
  DOZOR_GIS_FORMAT_GPX,
  DOZOR_GIS_FORMAT_CSV,
} DozorGisFormat;

/**
 * DozorGisReadOptions:
 * @max_file_bytes: the largest file (for KMZ, also its unpacked contents)
 * @max_layers: the most layers read from one file
 * @max_features: the most features in all layers together
 * @max_feature_vertices: the most positions in one feature
 * @max_total_vertices: the most positions in all features together
 * @source_crs: (nullable): the coordinate system of layers that name none,
 *   such as "EPSG:32643"; %NULL takes their numbers as longitude and latitude
 *
 * Limits that keep a hostile file from taking the machine's memory; set by
 * [func@Dozor.gis_read_options_init] to what a city's layers need.
 */
typedef struct
{
  guint64 max_file_bytes;
  guint max_layers;
  guint max_features;
  guint max_feature_vertices;
  guint64 max_total_vertices;
  const char *source_crs;
} DozorGisReadOptions;

/**
 * DozorGisProgressFunc:
 * @fraction: how much is done, 0 to 1, or -1 when unknown
 * @user_data: what was given with the function
 *
 * Called on the reading or writing thread.
 */
typedef void (*DozorGisProgressFunc) (double   fraction,
                                      gpointer user_data);

GQuark      dozor_gis_error_quark           (void);
gboolean    dozor_gis_format_from_path      (const char                *path,
                                             DozorGisFormat            *format);
const char *dozor_gis_format_get_name       (DozorGisFormat             format);
const char *dozor_gis_format_list           (void);
void        dozor_gis_read_options_init     (DozorGisReadOptions       *options);
char       *dozor_gis_check_local_file      (const char                *path,
                                             gint64                    *size);
GPtrArray  *dozor_gis_read_file             (const char                *path,
                                             const DozorGisReadOptions *options,
                                             DozorGisProgressFunc       progress,
                                             gpointer                   progress_data,
                                             GCancellable              *cancellable,
                                             GError                   **error);

void        dozor_gis_read_file_async       (const char                *path,
                                             const DozorGisReadOptions *options,
                                             DozorGisProgressFunc       progress,
                                             gpointer                   progress_data,
                                             GCancellable              *cancellable,
                                             GAsyncReadyCallback        callback,
                                             gpointer                   user_data);
GPtrArray  *dozor_gis_read_file_finish      (GAsyncResult              *result,
                                             GError                   **error);

G_END_DECLS
