/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-map-view.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_COVERAGE (dozor_wall_coverage_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallCoverage, dozor_wall_coverage, DOZOR, WALL_COVERAGE, GObject)

DozorWallCoverage *dozor_wall_coverage_new                (DozorSituation    *situation);
void               dozor_wall_coverage_show_on            (DozorWallCoverage *self,
                                                           DozorMapView      *map);

G_END_DECLS
