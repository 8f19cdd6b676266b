/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_WALL_PLAN_BANNER (dozor_wall_plan_banner_get_type ())
G_DECLARE_FINAL_TYPE (DozorWallPlanBanner, dozor_wall_plan_banner, DOZOR, WALL_PLAN_BANNER, GtkWidget)

DozorWallPlanBanner *dozor_wall_plan_banner_new            (DozorSituation      *situation);
void                 dozor_wall_plan_banner_set_cap_height (DozorWallPlanBanner *self,
                                                            double               cap_height);

G_END_DECLS
