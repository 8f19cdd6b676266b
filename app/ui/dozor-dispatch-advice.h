/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dozor-road-service.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_DISPATCH_ADVICE (dozor_dispatch_advice_get_type ())
G_DECLARE_FINAL_TYPE (DozorDispatchAdvice, dozor_dispatch_advice, DOZOR, DISPATCH_ADVICE, GObject)

DozorDispatchAdvice *dozor_dispatch_advice_new  (DozorSituation      *situation,
                                                 DozorRoadService    *roads);
void                 dozor_dispatch_advice_show (DozorDispatchAdvice *self,
                                                 AdwMessageDialog    *dialog,
                                                 const char          *body,
                                                 const char          *unit_id,
                                                 const char          *incident_id);

G_END_DECLS
