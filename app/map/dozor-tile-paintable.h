/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_TILE_PAINTABLE (dozor_tile_paintable_get_type ())
G_DECLARE_FINAL_TYPE (DozorTilePaintable, dozor_tile_paintable, DOZOR, TILE_PAINTABLE, GObject)

DozorTilePaintable *dozor_tile_paintable_new         (cairo_surface_t    *surface);
GdkTexture         *dozor_tile_paintable_get_texture (DozorTilePaintable *self);
gboolean            dozor_tile_paintable_has_texture (DozorTilePaintable *self);
void                dozor_tile_paintable_release     (DozorTilePaintable *self);

G_END_DECLS
