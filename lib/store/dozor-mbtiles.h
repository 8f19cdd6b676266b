/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOZOR_MBTILES_ERROR (dozor_mbtiles_error_quark ())

/**
 * DozorMbtilesError:
 * @DOZOR_MBTILES_ERROR_OPEN: the file is missing, unreadable or not an SQLite database
 * @DOZOR_MBTILES_ERROR_SCHEMA: the database has no usable `tiles` table or view
 * @DOZOR_MBTILES_ERROR_FORMAT: the tiles are not a raster format the board can draw
 * @DOZOR_MBTILES_ERROR_CORRUPT: SQLite reports a damaged or truncated file
 * @DOZOR_MBTILES_ERROR_OUT_OF_RANGE: the requested tile is outside the tile pyramid
 * @DOZOR_MBTILES_ERROR_TOO_LARGE: a tile is larger than the board accepts
 */
typedef enum
{
  DOZOR_MBTILES_ERROR_OPEN,
  DOZOR_MBTILES_ERROR_SCHEMA,
  DOZOR_MBTILES_ERROR_FORMAT,
  DOZOR_MBTILES_ERROR_CORRUPT,
  DOZOR_MBTILES_ERROR_OUT_OF_RANGE,
  DOZOR_MBTILES_ERROR_TOO_LARGE,
} DozorMbtilesError;

/* Tiles above this size are refused: a raster tile of 256 px is a few
 * hundred KiB at most, a bigger blob is a decompression bomb or garbage. */
#define DOZOR_MBTILES_MAX_TILE_BYTES (4 * 1024 * 1024)

/* Zoom levels above this do not exist in Web Mercator tile pyramids. */
#define DOZOR_MBTILES_MAX_ZOOM 30

#define DOZOR_TYPE_MBTILES (dozor_mbtiles_get_type ())
G_DECLARE_FINAL_TYPE (DozorMbtiles, dozor_mbtiles, DOZOR, MBTILES, GObject)

GQuark        dozor_mbtiles_error_quark      (void);

DozorMbtiles *dozor_mbtiles_open             (const char    *path,
                                              GError       **error);
const char   *dozor_mbtiles_get_path         (DozorMbtiles  *self);
const char   *dozor_mbtiles_get_name         (DozorMbtiles  *self);
const char   *dozor_mbtiles_get_attribution  (DozorMbtiles  *self);
const char   *dozor_mbtiles_get_format       (DozorMbtiles  *self);
guint         dozor_mbtiles_get_min_zoom     (DozorMbtiles  *self);
guint         dozor_mbtiles_get_max_zoom     (DozorMbtiles  *self);
gboolean      dozor_mbtiles_get_bounds       (DozorMbtiles  *self,
                                              double        *west,
                                              double        *south,
                                              double        *east,
                                              double        *north);
GBytes       *dozor_mbtiles_get_tile         (DozorMbtiles  *self,
                                              guint          zoom,
                                              guint          x,
                                              guint          y,
                                              GError       **error);

G_END_DECLS
