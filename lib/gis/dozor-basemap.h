/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "dozor-map-style.h"

G_BEGIN_DECLS

#define DOZOR_BASEMAP_TILE_SIZE 256

/* Deeper than this the streets are drawn at metre scale; no control room
 * needs more, and it bounds the cost of a tile request. */
#define DOZOR_BASEMAP_MAX_ZOOM 19

#define DOZOR_TYPE_BASEMAP (dozor_basemap_get_type ())
G_DECLARE_FINAL_TYPE (DozorBasemap, dozor_basemap, DOZOR, BASEMAP, GObject)

DozorBasemap *dozor_basemap_new          (const char    *world_mbtiles_path,
                                          const char    *streets_path);
gboolean      dozor_basemap_load         (DozorBasemap  *self,
                                          GCancellable  *cancellable,
                                          GError       **error);
const char   *dozor_basemap_get_license  (DozorBasemap  *self);
cairo_surface_t *dozor_basemap_compose_tile (DozorBasemap  *self,
                                            guint          zoom,
                                            guint          x,
                                            guint          y,
                                            DozorMapStyle  style,
                                            GCancellable  *cancellable,
                                            GError       **error);
GBytes       *dozor_basemap_encode_tile  (cairo_surface_t *surface,
                                          guint            zoom,
                                          guint            x,
                                          guint            y,
                                          GError         **error);
GBytes       *dozor_basemap_render_tile  (DozorBasemap  *self,
                                          guint          zoom,
                                          guint          x,
                                          guint          y,
                                          DozorMapStyle  style,
                                          GCancellable  *cancellable,
                                          GError       **error);

G_END_DECLS
