/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * DozorResponseSummary:
 * @arrivals: incidents registered in the window that a unit reached
 * @mean_s: their mean time from registration to the first arrival, seconds
 * @p90_s: the 90th percentile of it (nearest rank), seconds
 *
 * How quickly the forces reached the scene over a window (a day).
 */
typedef struct
{
  guint arrivals;
  double mean_s;
  double p90_s;
} DozorResponseSummary;

#define DOZOR_TYPE_RESPONSE_TIMES (dozor_response_times_get_type ())
G_DECLARE_FINAL_TYPE (DozorResponseTimes, dozor_response_times, DOZOR, RESPONSE_TIMES, GObject)

DozorResponseTimes *dozor_response_times_new       (void);
void                dozor_response_times_add       (DozorResponseTimes  *self,
                                                    JsonObject          *incident);
guint               dozor_response_times_get_size  (DozorResponseTimes  *self);
void                dozor_response_times_summarise (DozorResponseTimes  *self,
                                                    gint64               from_us,
                                                    gint64               to_us,
                                                    DozorResponseSummary *summary);

G_END_DECLS
