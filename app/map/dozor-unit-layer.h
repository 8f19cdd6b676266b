/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_UNIT_LAYER (dozor_unit_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorUnitLayer, dozor_unit_layer, DOZOR, UNIT_LAYER, DozorRasterLayer)

DozorUnitLayer *dozor_unit_layer_new            (ShumateViewport *viewport,
                                                 DozorSituation  *situation);
guint           dozor_unit_layer_get_n_drawn    (DozorUnitLayer  *self);
char           *dozor_unit_layer_pick           (DozorUnitLayer  *self,
                                                 double           x,
                                                 double           y);
void            dozor_unit_layer_set_selected   (DozorUnitLayer  *self,
                                                 const char      *unit_id);
void            dozor_unit_layer_set_long_on_scene (DozorUnitLayer *self,
                                                    GHashTable     *unit_ids);
void            dozor_unit_layer_draw_symbol    (cairo_t         *cr,
                                                 const char      *status,
                                                 gboolean         stale,
                                                 double           x,
                                                 double           y);

G_END_DECLS
