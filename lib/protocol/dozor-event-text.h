/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-situation.h"

G_BEGIN_DECLS

char *dozor_event_describe (DozorSituation *situation,
                            JsonObject     *event,
                            GTimeZone      *zone);

char *dozor_event_incident_words (JsonObject *incident);
const char *dozor_event_place_words (JsonObject *dispatch);

G_END_DECLS
