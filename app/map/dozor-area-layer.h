/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-raster-layer.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

/**
 * DozorAreaKinds:
 * @DOZOR_AREA_DISTRICTS: district boundaries
 * @DOZOR_AREA_SECTORS: patrol sectors and their names
 * @DOZOR_AREA_ROUTES: patrol routes
 * @DOZOR_AREA_PLACES: cameras and points of interest
 *
 * What the area layer draws, each shown or hidden on its own.
 */
typedef enum
{
  DOZOR_AREA_DISTRICTS = 1 << 0,
  DOZOR_AREA_SECTORS = 1 << 1,
  DOZOR_AREA_ROUTES = 1 << 2,
  DOZOR_AREA_PLACES = 1 << 3,
} DozorAreaKinds;

/* What the legend shows a sample of (dozor_area_layer_draw_sample()). */
typedef enum
{
  DOZOR_AREA_SAMPLE_DISTRICT,
  DOZOR_AREA_SAMPLE_SECTOR,
  DOZOR_AREA_SAMPLE_ROUTE,
  DOZOR_AREA_SAMPLE_CAMERA,
  DOZOR_AREA_SAMPLE_PLACE,
  DOZOR_AREA_SAMPLE_GAP,
} DozorAreaSample;

#define DOZOR_AREA_ALL (DOZOR_AREA_DISTRICTS | DOZOR_AREA_SECTORS | DOZOR_AREA_ROUTES | DOZOR_AREA_PLACES)

#define DOZOR_TYPE_AREA_LAYER (dozor_area_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorAreaLayer, dozor_area_layer, DOZOR, AREA_LAYER, DozorRasterLayer)

DozorAreaLayer *dozor_area_layer_new (ShumateViewport *viewport,
                                      DozorSituation  *situation);
char           *dozor_area_layer_pick_route (DozorAreaLayer *self,
                                            double          wx,
                                            double          wy,
                                            double          reach);
char           *dozor_area_layer_pick_place (DozorAreaLayer *self,
                                             double          x,
                                             double          y);

void            dozor_area_layer_set_flagged (DozorAreaLayer *self,
                                              GPtrArray      *zone_ids);

void            dozor_area_layer_set_shown   (DozorAreaLayer *self,
                                              DozorAreaKinds  kinds);
void            dozor_area_layer_draw_sample (cairo_t        *cr,
                                              DozorAreaSample sample,
                                              double          width,
                                              double          height);

G_END_DECLS
