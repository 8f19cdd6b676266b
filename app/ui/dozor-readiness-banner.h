/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_READINESS_BANNER (dozor_readiness_banner_get_type ())
G_DECLARE_FINAL_TYPE (DozorReadinessBanner, dozor_readiness_banner, DOZOR, READINESS_BANNER, AdwBin)

void dozor_readiness_banner_set_situation (DozorReadinessBanner *self,
                                           DozorSituation       *situation);
void dozor_readiness_banner_set_cap_height (DozorReadinessBanner *self,
                                            double                cap_height);

G_END_DECLS
