/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_PREVIEW_LAYER (dozor_preview_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorPreviewLayer, dozor_preview_layer, DOZOR, PREVIEW_LAYER, DozorRasterLayer)

DozorPreviewLayer *dozor_preview_layer_new    (ShumateViewport   *viewport,
                                               DozorSituation    *situation);
void               dozor_preview_layer_show   (DozorPreviewLayer *self,
                                               const char        *key,
                                               GPtrArray         *gis_layers,
                                               gboolean           highlight);
void               dozor_preview_layer_hide   (DozorPreviewLayer *self,
                                               const char        *key);

G_END_DECLS
