/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "dozor-map-style.h"

G_BEGIN_DECLS

#define DOZOR_STREET_MAP_ERROR (dozor_street_map_error_quark ())

typedef enum
{
  DOZOR_STREET_MAP_ERROR_OPEN,
  DOZOR_STREET_MAP_ERROR_CONTENT,
  DOZOR_STREET_MAP_ERROR_TOO_LARGE,
} DozorStreetMapError;

/* Limits for what one street file may hold; a city's main road network is
 * tens of thousands of ways, a file far beyond that is not a street map. */
#define DOZOR_STREET_MAP_MAX_WAYS     500000
#define DOZOR_STREET_MAP_MAX_VERTICES 20000000

/* Below this zoom a city's streets are too small to draw usefully. */
#define DOZOR_STREET_MAP_MIN_ZOOM 9

/**
 * DozorRoadClass:
 * @DOZOR_ROAD_MINOR: any other road (residential, unclassified, service…)
 * @DOZOR_ROAD_TERTIARY: tertiary and its links
 * @DOZOR_ROAD_SECONDARY: secondary and its links
 * @DOZOR_ROAD_PRIMARY: primary and its links
 * @DOZOR_ROAD_TRUNK: trunk and its links
 * @DOZOR_ROAD_MOTORWAY: motorway and its links
 *
 * A way's class, from its OpenStreetMap `highway` tag; a link is of the road
 * it joins. The map draws by it and the road graph drives by it.
 */
typedef enum
{
  DOZOR_ROAD_MINOR,
  DOZOR_ROAD_TERTIARY,
  DOZOR_ROAD_SECONDARY,
  DOZOR_ROAD_PRIMARY,
  DOZOR_ROAD_TRUNK,
  DOZOR_ROAD_MOTORWAY,
} DozorRoadClass;

#define DOZOR_N_ROAD_CLASSES (DOZOR_ROAD_MOTORWAY + 1)

#define DOZOR_TYPE_STREET_MAP (dozor_street_map_get_type ())
G_DECLARE_FINAL_TYPE (DozorStreetMap, dozor_street_map, DOZOR, STREET_MAP, GObject)

GQuark          dozor_street_map_error_quark    (void);

DozorStreetMap *dozor_street_map_new_from_file  (const char      *path,
                                                 GCancellable    *cancellable,
                                                 GError         **error);
guint           dozor_street_map_get_n_ways     (DozorStreetMap  *self);
guint           dozor_street_map_get_n_vertices (DozorStreetMap  *self);
gboolean        dozor_street_map_get_extent     (DozorStreetMap  *self,
                                                 double          *west,
                                                 double          *south,
                                                 double          *east,
                                                 double          *north);
const double   *dozor_street_map_get_way        (DozorStreetMap  *self,
                                                 guint            index,
                                                 guint           *n_points);
DozorRoadClass  dozor_street_map_get_way_class  (DozorStreetMap  *self,
                                                 guint            index);
guint           dozor_street_map_draw_tile      (DozorStreetMap  *self,
                                                 cairo_t         *cr,
                                                 guint            zoom,
                                                 guint            x,
                                                 guint            y,
                                                 guint            tile_size,
                                                 DozorMapStyle    style);

G_END_DECLS
