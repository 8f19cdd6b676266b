/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "dozor-frame.h"
#include "dozor-post-layer.h"
#include "dozor-situation.h"
#include "dozor-wall-config.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_MAP_VIEW (dozor_map_view_get_type ())
G_DECLARE_FINAL_TYPE (DozorMapView, dozor_map_view, DOZOR, MAP_VIEW, GtkWidget)

void dozor_map_view_go_to      (DozorMapView *self,
                                double        lat,
                                double        lon,
                                double        zoom,
                                gboolean      animate);
void dozor_map_view_fly_to     (DozorMapView *self,
                                double        lat,
                                double        lon,
                                double        zoom,
                                guint         duration_ms);
void dozor_map_view_zoom_by    (DozorMapView *self,
                                double        delta);
void dozor_map_view_go_home    (DozorMapView *self);
void dozor_map_view_get_center (DozorMapView *self,
                                double       *lat,
                                double       *lon);
void dozor_map_view_set_wall_marks (DozorMapView         *self,
                                    const DozorWallMarks *marks);
void dozor_map_view_get_view   (DozorMapView *self,
                                DozorView    *view);
void dozor_map_view_get_bounds (DozorMapView *self,
                                double       *south,
                                double       *west,
                                double       *north,
                                double       *east);
void dozor_map_view_set_label_size (DozorMapView *self,
                                    double        size);
void dozor_map_view_show_extent (DozorMapView *self,
                                 double        west,
                                 double        south,
                                 double        east,
                                 double        north);
void dozor_map_view_show_features (DozorMapView *self,
                                   const char   *key,
                                   GPtrArray    *gis_layers,
                                   gboolean      highlight);
void dozor_map_view_hide_features (DozorMapView *self,
                                   const char   *key);
void dozor_map_view_save_state (DozorMapView *self);
void dozor_map_view_show_situation (DozorMapView   *self,
                                    DozorSituation *situation);
void        dozor_map_view_select_unit           (DozorMapView *self,
                                                  const char   *unit_id);
void        dozor_map_view_select_incident       (DozorMapView *self,
                                                  const char   *incident_id);
const char *dozor_map_view_get_selected_unit     (DozorMapView *self);
const char *dozor_map_view_get_selected_incident (DozorMapView *self);
void        dozor_map_view_set_pending           (DozorMapView *self,
                                                  GHashTable   *unit_to_incident);
void        dozor_map_view_set_draft             (DozorMapView *self,
                                                  double        lat,
                                                  double        lon);

void dozor_map_view_set_flagged_zones (DozorMapView *self,
                                       GPtrArray    *zone_ids);
DozorPostLayer *dozor_map_view_get_post_layer (DozorMapView *self);

void dozor_map_view_set_escalated (DozorMapView      *self,
                                   GHashTable        *overdue,
                                   GHashTable        *long_on_scene,
                                   const char *const *incidents,
                                   const char *const *units);

G_END_DECLS
