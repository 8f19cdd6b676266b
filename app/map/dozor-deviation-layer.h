/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

/* The deviation's colour on the map: a saturated
 * violet no other mark of the desk uses (amber roster lines, red and
 * orange flags, the wall's magenta, the cameras' pale violet). */
#define DOZOR_DEVIATION_RGB 0.52, 0.10, 0.88

#define DOZOR_TYPE_DEVIATION_LAYER (dozor_deviation_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorDeviationLayer, dozor_deviation_layer, DOZOR, DEVIATION_LAYER, DozorRasterLayer)

DozorDeviationLayer *dozor_deviation_layer_new (ShumateViewport *viewport,
                                                DozorSituation  *situation);
void                 dozor_deviation_layer_draw_sample (cairo_t *cr,
                                                        int      width,
                                                        int      height);

G_END_DECLS
