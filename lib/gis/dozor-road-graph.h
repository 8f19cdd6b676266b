/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-street-map.h"

G_BEGIN_DECLS

/* How fast a car covers the straight line between a place off the graph
 * and the road it joins: a yard, a car park, a street the registry lacks. */
#define DOZOR_ROAD_GRAPH_OFF_ROAD_KMH 15.0

#define DOZOR_TYPE_ROAD_GRAPH (dozor_road_graph_get_type ())
G_DECLARE_FINAL_TYPE (DozorRoadGraph, dozor_road_graph, DOZOR, ROAD_GRAPH, GObject)

DozorRoadGraph *dozor_road_graph_new              (DozorStreetMap *streets);
guint           dozor_road_graph_get_n_nodes      (DozorRoadGraph *self);
guint           dozor_road_graph_get_n_edges      (DozorRoadGraph *self);
guint           dozor_road_graph_get_n_connected  (DozorRoadGraph *self);
void            dozor_road_graph_get_node         (DozorRoadGraph *self,
                                                   guint           node,
                                                   double         *lat,
                                                   double         *lon);
guint           dozor_road_graph_nearest_node     (DozorRoadGraph *self,
                                                   double          lat,
                                                   double          lon);
GArray         *dozor_road_graph_shortest_path    (DozorRoadGraph *self,
                                                   guint           from,
                                                   guint           to,
                                                   double         *length_m);

double          dozor_road_graph_get_speed_kmh    (DozorRoadClass  road_class);
void            dozor_road_graph_locate           (DozorRoadGraph *self,
                                                   double          lat,
                                                   double          lon,
                                                   guint          *node,
                                                   double         *offset_s);
float          *dozor_road_graph_times_to         (DozorRoadGraph *self,
                                                   double          lat,
                                                   double          lon,
                                                   double          cutoff_s);

G_END_DECLS
