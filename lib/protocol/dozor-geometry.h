/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * DozorGeometryType:
 * @DOZOR_GEOMETRY_LINE_STRING: one line: one part
 * @DOZOR_GEOMETRY_POLYGON: one polygon: its rings, the outer one first
 * @DOZOR_GEOMETRY_MULTI_POLYGON: polygons, each a run of rings
 *
 * The GeoJSON geometries a zone or a patrol route has (docs/api.md).
 */
typedef enum
{
  DOZOR_GEOMETRY_LINE_STRING,
  DOZOR_GEOMETRY_POLYGON,
  DOZOR_GEOMETRY_MULTI_POLYGON,
} DozorGeometryType;

typedef struct _DozorGeometry DozorGeometry;

#define DOZOR_TYPE_GEOMETRY (dozor_geometry_get_type ())

GType              dozor_geometry_get_type          (void) G_GNUC_CONST;
DozorGeometry     *dozor_geometry_new_from_json     (JsonNode       *geometry,
                                                     GError        **error);
DozorGeometry     *dozor_geometry_ref               (DozorGeometry  *self);
void               dozor_geometry_unref             (DozorGeometry  *self);
DozorGeometryType  dozor_geometry_get_geometry_type (DozorGeometry  *self);
guint              dozor_geometry_get_n_points      (DozorGeometry  *self);
guint              dozor_geometry_get_n_parts       (DozorGeometry  *self);
const double      *dozor_geometry_get_part          (DozorGeometry  *self,
                                                     guint           part,
                                                     guint          *n_points);
guint              dozor_geometry_get_n_polygons    (DozorGeometry  *self);
guint              dozor_geometry_get_polygon       (DozorGeometry  *self,
                                                     guint           polygon,
                                                     guint          *first_part);
gboolean           dozor_geometry_equal             (DozorGeometry  *a,
                                                     DozorGeometry  *b);
JsonNode          *dozor_geometry_to_json           (DozorGeometry  *self);
char              *dozor_geometry_to_string         (DozorGeometry  *self);
void               dozor_geometry_append_string     (DozorGeometry  *self,
                                                     GString        *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorGeometry, dozor_geometry_unref)

G_END_DECLS
