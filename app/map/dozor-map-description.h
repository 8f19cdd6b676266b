/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-map-view.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_MAP_DESCRIPTION (dozor_map_description_get_type ())
G_DECLARE_FINAL_TYPE (DozorMapDescription, dozor_map_description, DOZOR, MAP_DESCRIPTION, GObject)

DozorMapDescription *dozor_map_description_new (DozorMapView   *map_view,
                                                DozorSituation *situation);
char                *dozor_map_description_unit_words     (DozorSituation *situation,
                                                           const char     *unit_id);
char                *dozor_map_description_incident_words (DozorSituation *situation,
                                                           const char     *incident_id);

G_END_DECLS
