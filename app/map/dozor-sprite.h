/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pixman.h>

G_BEGIN_DECLS

typedef struct _DozorSprite DozorSprite;

DozorSprite    *dozor_sprite_new          (double   scale,
                                           double   half,
                                           cairo_t **cr);
DozorSprite    *dozor_sprite_finish       (DozorSprite *sprite,
                                           cairo_t     *cr);
void            dozor_sprite_free         (DozorSprite *sprite);
void            dozor_sprite_paint        (const DozorSprite *sprite,
                                           cairo_t           *cr,
                                           pixman_image_t    *target,
                                           double             x,
                                           double             y);
double          dozor_sprite_scale_of     (cairo_t *cr);
pixman_image_t *dozor_sprite_target_begin (cairo_t *cr);
void            dozor_sprite_target_end   (cairo_t        *cr,
                                           pixman_image_t *target);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorSprite, dozor_sprite_free)

G_END_DECLS
