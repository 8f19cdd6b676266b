/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dozor-map-view.h"
#include "dozor-situation.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_FRAMING (dozor_wall_framing_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallFraming, dozor_wall_framing, DOZOR, WALL_FRAMING, GObject)

DozorWallFraming *dozor_wall_framing_new             (const char            *name,
                                                      const DozorWallConfig *config,
                                                      DozorSituation        *situation,
                                                      DozorMapView          *map);
void              dozor_wall_framing_set_cap_height  (DozorWallFraming      *self,
                                                      double                 cap_height);

G_END_DECLS
