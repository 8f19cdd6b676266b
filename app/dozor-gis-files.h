/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "dozor-gis-export.h"
#include "dozor-gis-import.h"
#include "dozor-gis-reader.h"
#include "dozor-gis-writer.h"
#include "dozor-street-map-private.h"

G_BEGIN_DECLS

/*
 * The board's GIS file module (docs/architecture.md, "The GIS file
 * module"): what needs GDAL, loaded at the first import, export or street
 * file that is not plain GeoJSON. The module exports one table of the
 * functions the board calls; app/dozor-gis-files.c defines those functions
 * in the board, each passing the call on to the table.
 */
#define DOZOR_GIS_FILES_MODULE_NAME "dozor-gis-files"
#define DOZOR_GIS_FILES_TABLE_SYMBOL "dozor_gis_files_table"

typedef struct
{
  /* sizeof (DozorGisFilesTable) where the module was built: a module of
   * another build of the board is refused instead of called wrongly. */
  gsize size;

  __typeof__ (dozor_gis_read_file) *read_file;
  __typeof__ (dozor_gis_write_file) *write_file;
  __typeof__ (dozor_street_map_read_gdal) *street_map_read_gdal;

  __typeof__ (dozor_gis_export_zones) *export_zones;
  __typeof__ (dozor_gis_export_routes) *export_routes;
  __typeof__ (dozor_gis_export_places) *export_places;
  __typeof__ (dozor_gis_export_incidents) *export_incidents;

  __typeof__ (dozor_gis_mapping_init) *mapping_init;
  __typeof__ (dozor_gis_guess_name_field) *guess_name_field;
  __typeof__ (dozor_gis_import_body) *import_body;

  __typeof__ (dozor_gis_layer_get_name) *layer_get_name;
  __typeof__ (dozor_gis_layer_get_n_fields) *layer_get_n_fields;
  __typeof__ (dozor_gis_layer_get_field_name) *layer_get_field_name;
  __typeof__ (dozor_gis_layer_find_field) *layer_find_field;
  __typeof__ (dozor_gis_layer_get_n_features) *layer_get_n_features;
  __typeof__ (dozor_gis_layer_get_shape) *layer_get_shape;
  __typeof__ (dozor_gis_layer_get_n_vertices) *layer_get_n_vertices;
  __typeof__ (dozor_gis_layer_get_text) *layer_get_text;
  __typeof__ (dozor_gis_layer_get_parts) *layer_get_parts;
  __typeof__ (dozor_gis_layer_get_extent) *layer_get_extent;
} DozorGisFilesTable;

#define DOZOR_GIS_FILES_ERROR (dozor_gis_files_error_quark ())

GQuark   dozor_gis_files_error_quark (void);
gboolean dozor_gis_files_load        (GError **error);

G_END_DECLS
