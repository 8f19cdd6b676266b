/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-road-graph.h"

G_BEGIN_DECLS

/* An available unit is "much closer" when it arrives at least this much
 * sooner and in less than this share of the chosen unit's time. */
#define DOZOR_DISPATCH_CLOSER_SAVING_S 180.0
#define DOZOR_DISPATCH_CLOSER_RATIO 0.5

#define DOZOR_TYPE_DISPATCH_ESTIMATE (dozor_dispatch_estimate_get_type ())
G_DECLARE_FINAL_TYPE (DozorDispatchEstimate, dozor_dispatch_estimate, DOZOR, DISPATCH_ESTIMATE, GObject)

DozorDispatchEstimate *dozor_dispatch_estimate_new          (double                 scene_lat,
                                                            double                 scene_lon);
void                   dozor_dispatch_estimate_set_chosen   (DozorDispatchEstimate *self,
                                                            const char            *call_sign,
                                                            double                 lat,
                                                            double                 lon);
void                   dozor_dispatch_estimate_add_available (DozorDispatchEstimate *self,
                                                             const char            *call_sign,
                                                             double                 lat,
                                                             double                 lon);
gboolean               dozor_dispatch_estimate_compute      (DozorDispatchEstimate *self,
                                                            DozorRoadGraph        *graph,
                                                            GCancellable          *cancellable,
                                                            GError               **error);
gboolean               dozor_dispatch_estimate_get_chosen   (DozorDispatchEstimate *self,
                                                            double                *distance_m,
                                                            double                *time_s);
const char            *dozor_dispatch_estimate_get_closer   (DozorDispatchEstimate *self,
                                                            double                *distance_m,
                                                            double                *time_s);

G_END_DECLS
