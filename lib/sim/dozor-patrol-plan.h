/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-road-graph.h"

G_BEGIN_DECLS

/**
 * DozorPlanDistrict:
 * @name: the district's name as the city writes it ("Алмалы")
 * @geometry: its boundary, GeoJSON Polygon or MultiPolygon text
 */
typedef struct
{
  char *name;
  char *geometry;
} DozorPlanDistrict;

/**
 * DozorPlanSector:
 * @district: index of its district
 * @name: "Алмалы-2"
 * @geometry: GeoJSON Polygon or MultiPolygon text, inside the district
 * @waypoints: (element-type guint) (nullable): road-graph nodes the patrol
 *   visits in a loop; %NULL where the sector has no roads to patrol
 * @route: (nullable): the loop as a GeoJSON LineString, first point last too
 * @route_length_m: the loop's length
 */
typedef struct
{
  guint district;
  char *name;
  char *geometry;
  GArray *waypoints;
  char *route;
  double route_length_m;
} DozorPlanSector;

#define DOZOR_TYPE_PATROL_PLAN (dozor_patrol_plan_get_type ())
G_DECLARE_FINAL_TYPE (DozorPatrolPlan, dozor_patrol_plan, DOZOR, PATROL_PLAN, GObject)

DozorPatrolPlan *dozor_patrol_plan_new           (const char      *districts_path,
                                                  DozorRoadGraph  *graph,
                                                  guint32          seed,
                                                  GError         **error);
GPtrArray       *dozor_patrol_plan_get_districts (DozorPatrolPlan *self);
GPtrArray       *dozor_patrol_plan_get_sectors   (DozorPatrolPlan *self);

G_END_DECLS
