/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-frame.h"
#include "dozor-situation.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

/**
 * DozorWallCycle:
 * @district: (nullable): the name of the district shown
 * @looks: looks it has been shown for
 *
 * Where a wall's district cycle is (`framing = districts`).
 */
typedef struct
{
  char *district;
  guint looks;
} DozorWallCycle;

void  dozor_wall_cycle_clear  (DozorWallCycle       *cycle);
char *dozor_wall_target_frame (DozorSituation       *situation,
                               DozorWallFramingRule  rule,
                               guint                 looks_per_district,
                               DozorWallCycle       *cycle,
                               DozorFrame           *frame,
                               gboolean             *turned);

G_END_DECLS
