/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* docs/api.md, "Readiness": what a crisis area may be. */
#define DOZOR_CRISIS_AREA_MAX_POINTS 500
#define DOZOR_CRISIS_AREA_MIN_RADIUS_M 50.0
#define DOZOR_CRISIS_AREA_MAX_RADIUS_M 50000.0

#define DOZOR_TYPE_CRISIS_AREA (dozor_crisis_area_get_type ())
G_DECLARE_FINAL_TYPE (DozorCrisisArea, dozor_crisis_area, DOZOR, CRISIS_AREA, GObject)

DozorCrisisArea *dozor_crisis_area_new_from_json (JsonNode        *area,
                                                  GError         **error);
DozorCrisisArea *dozor_crisis_area_new_circle    (double           lon,
                                                  double           lat,
                                                  double           radius_m);
DozorCrisisArea *dozor_crisis_area_new_moved     (DozorCrisisArea *self,
                                                  guint            vertex,
                                                  double           lon,
                                                  double           lat,
                                                  GError         **error);
gboolean         dozor_crisis_area_is_circle     (DozorCrisisArea *self);
void             dozor_crisis_area_get_circle    (DozorCrisisArea *self,
                                                  double          *lon,
                                                  double          *lat,
                                                  double          *radius_m);
const double    *dozor_crisis_area_get_outline   (DozorCrisisArea *self,
                                                  guint           *n_points);
const char      *dozor_crisis_area_to_json       (DozorCrisisArea *self);
gboolean         dozor_crisis_area_contains      (DozorCrisisArea *self,
                                                  double           lon,
                                                  double           lat);
void             dozor_crisis_area_get_target    (DozorCrisisArea *self,
                                                  gboolean         has_fix,
                                                  double           lon,
                                                  double           lat,
                                                  double          *target_lon,
                                                  double          *target_lat);

G_END_DECLS
