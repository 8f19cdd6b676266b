/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_AREA_LAYER (dozor_area_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorAreaLayer, dozor_area_layer, DOZOR, AREA_LAYER, DozorRasterLayer)

DozorAreaLayer *dozor_area_layer_new (ShumateViewport *viewport,
                                      DozorSituation  *situation);
char           *dozor_area_layer_pick_place (DozorAreaLayer *self,
                                             double          x,
                                             double          y);

void            dozor_area_layer_set_flagged (DozorAreaLayer *self,
                                              GPtrArray      *zone_ids);

G_END_DECLS
