/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-map-view.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_MAP_KEYS (dozor_map_keys_get_type ())
G_DECLARE_FINAL_TYPE (DozorMapKeys, dozor_map_keys, DOZOR, MAP_KEYS, GObject)

DozorMapKeys *dozor_map_keys_new (DozorMapView   *map_view,
                                  DozorSituation *situation);

G_END_DECLS
