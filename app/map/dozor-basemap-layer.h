/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-tile-source.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_BASEMAP_LAYER (dozor_basemap_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorBasemapLayer, dozor_basemap_layer, DOZOR, BASEMAP_LAYER, DozorRasterLayer)

DozorBasemapLayer *dozor_basemap_layer_new             (ShumateViewport   *viewport,
                                                        DozorSituation    *situation);
void               dozor_basemap_layer_set_tile_source (DozorBasemapLayer *self,
                                                        DozorTileSource   *source);
gboolean           dozor_basemap_layer_get_covering    (DozorBasemapLayer *self);

G_END_DECLS
