/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-situation-list.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_UNIT_LIST (dozor_unit_list_get_type ())
G_DECLARE_FINAL_TYPE (DozorUnitList, dozor_unit_list, DOZOR, UNIT_LIST, DozorSituationList)

void dozor_unit_list_set_situation (DozorUnitList  *self,
                                    DozorSituation *situation);

G_END_DECLS
