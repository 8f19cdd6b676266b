/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What a street file's reader hands the street map, line by line. The map
 * reads plain GeoJSON in lon/lat itself (json-glib); every other file goes
 * to dozor_street_map_read_gdal(), which the board reaches through its GIS
 * file module. Function pointers rather than calls into the map, so that
 * the module holds no copy of DozorStreetMap's code.
 */
typedef struct
{
  GQuark error_domain;  /* DOZOR_STREET_MAP_ERROR */
  void     (*set_highway)   (gpointer      lines,
                             const char   *highway);
  gboolean (*add_line)      (gpointer      lines,
                             const double *lon,
                             const double *lat,
                             const int    *converted,
                             int           n,
                             GError      **error);
  void     (*skip_geometry) (gpointer      lines);
} DozorStreetLineSink;

/* The deepest a line may sit in collections, in any reader. */
#define DOZOR_STREET_MAP_MAX_COLLECTION_DEPTH 2

gboolean dozor_street_map_read_gdal (const char                *absolute_path,
                                     const DozorStreetLineSink *sink,
                                     gpointer                   lines,
                                     GCancellable              *cancellable,
                                     GError                   **error);

G_END_DECLS
