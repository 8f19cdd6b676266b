/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-road-service.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_CRISIS_PANE (dozor_crisis_pane_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisPane, dozor_crisis_pane, DOZOR, CRISIS_PANE, AdwBin)

void       dozor_crisis_pane_set_situation      (DozorCrisisPane  *self,
                                                 DozorSituation   *situation,
                                                 DozorRoadService *roads);
gboolean   dozor_crisis_pane_get_active         (DozorCrisisPane *self);
GPtrArray *dozor_crisis_pane_get_flagged_zones  (DozorCrisisPane *self);
char      *dozor_crisis_pane_describe_shortage  (DozorCrisisPane *self,
                                                 const char      *unit_id);

G_END_DECLS
