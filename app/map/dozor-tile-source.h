/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "dozor-basemap.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_TILE_SOURCE (dozor_tile_source_get_type ())
G_DECLARE_FINAL_TYPE (DozorTileSource, dozor_tile_source, DOZOR, TILE_SOURCE, ShumateDataSource)

DozorTileSource *dozor_tile_source_new         (DozorBasemap    *basemap,
                                                DozorMapStyle    style);
DozorBasemap    *dozor_tile_source_get_basemap (DozorTileSource *self);
DozorMapStyle    dozor_tile_source_get_style   (DozorTileSource *self);
cairo_surface_t *dozor_tile_source_lookup      (DozorTileSource *self,
                                                int              zoom,
                                                int              x,
                                                int              y);
void             dozor_tile_source_prefetch    (DozorTileSource *self,
                                                int              zoom,
                                                int              x,
                                                int              y);
void             dozor_tile_source_set_view_size (DozorTileSource *self,
                                                  int              width,
                                                  int              height);
guint            dozor_tile_source_get_cache_limit (DozorTileSource *self);
void             dozor_tile_source_get_surface_async  (DozorTileSource     *self,
                                                       int                  zoom,
                                                       int                  x,
                                                       int                  y,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
cairo_surface_t *dozor_tile_source_get_surface_finish (DozorTileSource     *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

GdkTexture      *dozor_texture_new_for_surface (cairo_surface_t *surface);
void             dozor_surface_to_gl_order     (cairo_surface_t *surface);
GdkTexture      *dozor_texture_new_for_gl_order (cairo_surface_t *surface);

G_END_DECLS
