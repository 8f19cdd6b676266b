/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorGisFieldType:
 * @DOZOR_GIS_FIELD_STRING: text
 * @DOZOR_GIS_FIELD_INTEGER: a whole number (64 bits)
 * @DOZOR_GIS_FIELD_REAL: a floating-point number
 * @DOZOR_GIS_FIELD_DATETIME: an RFC 3339 time
 *
 * The attribute types Dozor keeps; every format's types map to one of them.
 */
typedef enum
{
  DOZOR_GIS_FIELD_STRING,
  DOZOR_GIS_FIELD_INTEGER,
  DOZOR_GIS_FIELD_REAL,
  DOZOR_GIS_FIELD_DATETIME,
} DozorGisFieldType;

/**
 * DozorGisShape:
 * @DOZOR_GIS_SHAPE_POINT: points and multipoints
 * @DOZOR_GIS_SHAPE_LINE: lines and multilines
 * @DOZOR_GIS_SHAPE_POLYGON: polygons and multipolygons
 *
 * What a feature's geometry is, as far as Dozor's layer kinds care.
 */
typedef enum
{
  DOZOR_GIS_SHAPE_POINT,
  DOZOR_GIS_SHAPE_LINE,
  DOZOR_GIS_SHAPE_POLYGON,
} DozorGisShape;

#define DOZOR_TYPE_GIS_LAYER (dozor_gis_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorGisLayer, dozor_gis_layer, DOZOR, GIS_LAYER, GObject)

DozorGisLayer     *dozor_gis_layer_new               (const char         *name);
const char        *dozor_gis_layer_get_name          (DozorGisLayer      *self);

guint              dozor_gis_layer_add_field         (DozorGisLayer      *self,
                                                      const char         *name,
                                                      DozorGisFieldType   type);
guint              dozor_gis_layer_get_n_fields      (DozorGisLayer      *self);
const char        *dozor_gis_layer_get_field_name    (DozorGisLayer      *self,
                                                      guint               field);
DozorGisFieldType  dozor_gis_layer_get_field_type    (DozorGisLayer      *self,
                                                      guint               field);
int                dozor_gis_layer_find_field        (DozorGisLayer      *self,
                                                      const char         *name);

guint              dozor_gis_layer_add_feature_json  (DozorGisLayer      *self,
                                                      const char         *geometry,
                                                      GError            **error);
guint              dozor_gis_layer_get_n_features    (DozorGisLayer      *self);
char              *dozor_gis_layer_get_geometry_json (DozorGisLayer      *self,
                                                      guint               feature);
DozorGisShape      dozor_gis_layer_get_shape         (DozorGisLayer      *self,
                                                      guint               feature);
guint              dozor_gis_layer_get_n_vertices    (DozorGisLayer      *self,
                                                      guint               feature);
void               dozor_gis_layer_set_value         (DozorGisLayer      *self,
                                                      guint               feature,
                                                      guint               field,
                                                      const char         *value);
const char        *dozor_gis_layer_get_value         (DozorGisLayer      *self,
                                                      guint               feature,
                                                      guint               field);
const char        *dozor_gis_layer_get_text          (DozorGisLayer      *self,
                                                      guint               feature,
                                                      int                 field);
GPtrArray         *dozor_gis_layer_get_parts         (DozorGisLayer      *self,
                                                      guint               feature);
gboolean           dozor_gis_layer_get_extent        (DozorGisLayer      *self,
                                                      double             *west,
                                                      double             *south,
                                                      double             *east,
                                                      double             *north);

G_END_DECLS
