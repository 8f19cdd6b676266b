/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_ROSTER_LAYER (dozor_roster_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorRosterLayer, dozor_roster_layer, DOZOR, ROSTER_LAYER, DozorRasterLayer)

DozorRosterLayer *dozor_roster_layer_new (ShumateViewport *viewport,
                                          DozorSituation  *situation);

G_END_DECLS
