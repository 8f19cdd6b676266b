/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's GIS file module: libdozor's GDAL code (lib/gis, reading and
 * writing GIS files, their layers, street files that are not plain GeoJSON)
 * behind one exported table. Everything else in it is hidden (see
 * app/meson.build), so that its copies of libdozor's functions never
 * stand in for the board's.
 */
#include "config.h"

#include <gmodule.h>

#include "dozor-gis-files.h"

G_MODULE_EXPORT extern const DozorGisFilesTable dozor_gis_files_table;

const DozorGisFilesTable dozor_gis_files_table = {
  .size = sizeof (DozorGisFilesTable),

  .read_file = dozor_gis_read_file,
  .write_file = dozor_gis_write_file,
  .street_map_read_gdal = dozor_street_map_read_gdal,

  .export_zones = dozor_gis_export_zones,
  .export_routes = dozor_gis_export_routes,
  .export_places = dozor_gis_export_places,
  .export_incidents = dozor_gis_export_incidents,

  .mapping_init = dozor_gis_mapping_init,
  .guess_name_field = dozor_gis_guess_name_field,
  .import_body = dozor_gis_import_body,

  .layer_get_name = dozor_gis_layer_get_name,
  .layer_get_n_fields = dozor_gis_layer_get_n_fields,
  .layer_get_field_name = dozor_gis_layer_get_field_name,
  .layer_find_field = dozor_gis_layer_find_field,
  .layer_get_n_features = dozor_gis_layer_get_n_features,
  .layer_get_shape = dozor_gis_layer_get_shape,
  .layer_get_n_vertices = dozor_gis_layer_get_n_vertices,
  .layer_get_text = dozor_gis_layer_get_text,
  .layer_get_parts = dozor_gis_layer_get_parts,
  .layer_get_extent = dozor_gis_layer_get_extent,
};
