/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_BAND_LAYER (dozor_band_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorBandLayer, dozor_band_layer, DOZOR, BAND_LAYER, ShumateLayer)

DozorBandLayer *dozor_band_layer_new (ShumateViewport *viewport,
                                      DozorSituation  *situation,
                                      GtkWidget       *target);

G_END_DECLS
