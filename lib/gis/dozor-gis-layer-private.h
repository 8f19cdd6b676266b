/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-gdal.h"
#include "dozor-gis-layer.h"
#include "dozor-gis-reader.h"

G_BEGIN_DECLS

/* For the reader and writer, which already hold OGR geometries. */
guint         dozor_gis_layer_take_feature (DozorGisLayer *self,
                                            OGRGeometryH   geometry,
                                            DozorGisShape  shape,
                                            guint          n_vertices);
OGRGeometryH  dozor_gis_layer_peek_geometry (DozorGisLayer *self,
                                             guint          feature);
void          dozor_gis_layer_drop_empty_fields (DozorGisLayer *self);


/* Deeper collections than this are not something a GIS layer has, and
 * recursion on them has no end. */
#define DOZOR_GIS_MAX_NESTING 4

gboolean      dozor_gis_geometry_check     (OGRGeometryH   geometry,
                                            DozorGisShape *shape,
                                            guint         *n_vertices,
                                            char         **problem);

G_END_DECLS
