/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_TILE_UPLOADER (dozor_tile_uploader_get_type ())
G_DECLARE_FINAL_TYPE (DozorTileUploader, dozor_tile_uploader, DOZOR, TILE_UPLOADER, GObject)

DozorTileUploader *dozor_tile_uploader_get_for_display (GdkDisplay        *display);
void               dozor_tile_uploader_begin           (DozorTileUploader *self);
gboolean           dozor_tile_uploader_takes_cairo_order (DozorTileUploader *self);
GdkTexture        *dozor_tile_uploader_upload          (DozorTileUploader *self,
                                                        cairo_surface_t   *surface,
                                                        gboolean           gl_order);
GdkTexture        *dozor_tile_uploader_patch           (DozorTileUploader    *self,
                                                        GdkTexture           *texture,
                                                        cairo_surface_t      *surface,
                                                        const cairo_region_t *region);
void               dozor_tile_uploader_end             (DozorTileUploader *self);
guint              dozor_tile_uploader_get_n_live      (DozorTileUploader *self);
guint              dozor_tile_uploader_get_n_reused    (DozorTileUploader *self);
guint              dozor_tile_uploader_get_n_patched   (DozorTileUploader *self);

G_END_DECLS
