/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CRISIS_LAYER (dozor_crisis_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisLayer, dozor_crisis_layer, DOZOR, CRISIS_LAYER, DozorRasterLayer)

DozorCrisisLayer *dozor_crisis_layer_new (ShumateViewport *viewport,
                                          DozorSituation  *situation);
void              dozor_crisis_layer_attach_editing (DozorCrisisLayer *self,
                                                     GtkWidget        *target);
void              dozor_crisis_layer_set_editable   (DozorCrisisLayer *self,
                                                     gboolean          editable);
void              dozor_crisis_level_color (const char    *level,
                                            double         rgb[3]);
void              dozor_crisis_layer_draw_sample (cairo_t    *cr,
                                                  const char *level,
                                                  double      width,
                                                  double      height);

G_END_DECLS
