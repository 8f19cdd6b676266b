/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_POST_LAYER (dozor_post_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorPostLayer, dozor_post_layer, DOZOR, POST_LAYER, DozorRasterLayer)

DozorPostLayer *dozor_post_layer_new           (ShumateViewport *viewport,
                                                DozorSituation  *situation);
void            dozor_post_layer_set_plan      (DozorPostLayer  *self,
                                                const char      *plan_id);
void            dozor_post_layer_set_proposal  (DozorPostLayer  *self,
                                                GHashTable      *unit_to_post);
gboolean        dozor_post_layer_has_proposal  (DozorPostLayer  *self);
char           *dozor_post_layer_pick          (DozorPostLayer  *self,
                                                double           x,
                                                double           y,
                                                char           **plan_id);
void            dozor_post_layer_set_target    (DozorPostLayer  *self,
                                                const char      *post_id);
void            dozor_post_layer_attach_editing (DozorPostLayer *self,
                                                 GtkWidget      *target);
void            dozor_post_layer_set_editable  (DozorPostLayer  *self,
                                                const char      *plan_id);

G_END_DECLS
