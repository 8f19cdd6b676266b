/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-coverage.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

GPtrArray *dozor_zone_copies_new         (DozorSituation *situation);
void       dozor_zone_copies_add_to      (GPtrArray      *zones,
                                          GVariant       *minimums,
                                          DozorCoverage  *coverage);

G_END_DECLS
