/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One layer of GIS features as Dozor holds it between a file and the
 * backend: geometries in WGS 84 with longitude first, every one checked
 * (finite, on the globe, a shape Dozor knows), and attributes kept as text
 * with one of four types, which is what every format can carry.
 */
#include "config.h"

#include <cpl_conv.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-gis-layer-private.h"

typedef struct
{
  char *name;
  DozorGisFieldType type;
} Field;

typedef struct
{
  OGRGeometryH geometry;
  DozorGisShape shape;
  guint n_vertices;
  GPtrArray *values; /* char *, one per field, NULL when unset */
} Feature;

struct _DozorGisLayer
{
  GObject parent_instance;

  char *name;
  GArray *fields;      /* Field */
  GPtrArray *features; /* Feature */
  /* Kept as features are added, in the reading worker: a preview asks for
   * it on the main thread, and walking millions of positions there would
   * stall the board. */
  OGREnvelope extent;
};

G_DEFINE_FINAL_TYPE (DozorGisLayer, dozor_gis_layer, G_TYPE_OBJECT)

static void
field_clear (Field *field)
{
  g_free (field->name);
}

static void
feature_free (Feature *feature)
{
  OGR_G_DestroyGeometry (feature->geometry);
  g_clear_pointer (&feature->values, g_ptr_array_unref);
  g_free (feature);
}

static void
dozor_gis_layer_finalize (GObject *object)
{
  DozorGisLayer *self = (DozorGisLayer *)object;

  g_free (self->name);
  g_clear_pointer (&self->fields, g_array_unref);
  g_clear_pointer (&self->features, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_gis_layer_parent_class)->finalize (object);
}

static void
dozor_gis_layer_class_init (DozorGisLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_gis_layer_finalize;
}

static void
dozor_gis_layer_init (DozorGisLayer *self)
{
  self->fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (self->fields, (GDestroyNotify) field_clear);
  self->features = g_ptr_array_new_with_free_func ((GDestroyNotify) feature_free);
}

/**
 * dozor_gis_layer_new:
 * @name: what the layer is called in its file
 *
 * Returns: (transfer full): an empty layer
 */
DozorGisLayer *
dozor_gis_layer_new (const char *name)
{
  DozorGisLayer *self = g_object_new (DOZOR_TYPE_GIS_LAYER, NULL);

  self->name = g_strdup (name);
  return self;
}

const char *
dozor_gis_layer_get_name (DozorGisLayer *self)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), NULL);

  return self->name;
}

/**
 * dozor_gis_layer_add_field:
 * @self: a #DozorGisLayer
 * @name: the attribute's name
 * @type: its type
 *
 * Returns: the new field's index
 */
guint
dozor_gis_layer_add_field (DozorGisLayer     *self,
                           const char        *name,
                           DozorGisFieldType  type)
{
  Field field = { g_strdup (name), type };

  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), 0);

  g_array_append_val (self->fields, field);
  return self->fields->len - 1;
}

guint
dozor_gis_layer_get_n_fields (DozorGisLayer *self)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), 0);

  return self->fields->len;
}

const char *
dozor_gis_layer_get_field_name (DozorGisLayer *self,
                                guint          field)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), NULL);
  g_return_val_if_fail (field < self->fields->len, NULL);

  return g_array_index (self->fields, Field, field).name;
}

DozorGisFieldType
dozor_gis_layer_get_field_type (DozorGisLayer *self,
                                guint          field)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), DOZOR_GIS_FIELD_STRING);
  g_return_val_if_fail (field < self->fields->len, DOZOR_GIS_FIELD_STRING);

  return g_array_index (self->fields, Field, field).type;
}

/**
 * dozor_gis_layer_find_field:
 * @self: a #DozorGisLayer
 * @name: a field name, compared without regard to ASCII case, as GIS
 *   programs do
 *
 * Returns: the field's index, or -1
 */
int
dozor_gis_layer_find_field (DozorGisLayer *self,
                            const char    *name)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), -1);

  for (guint i = 0; i < self->fields->len; i++)
    if (g_ascii_strcasecmp (g_array_index (self->fields, Field, i).name, name) == 0)
      return (int) i;
  return -1;
}

static gboolean
check_points (OGRGeometryH   geometry,
              guint         *n_vertices,
              char         **problem)
{
  int n = OGR_G_GetPointCount (geometry);

  for (int i = 0; i < n; i++)
    {
      double lon = OGR_G_GetX (geometry, i);
      double lat = OGR_G_GetY (geometry, i);

      if (!isfinite (lon) || !isfinite (lat))
        {
          *problem = g_strdup (_("a coordinate is not a number"));
          return FALSE;
        }
      if (lon < -180 || lon > 180 || lat < -90 || lat > 90)
        {
          *problem = g_strdup_printf (_("the point %.6g, %.6g is not a longitude and latitude"), lon, lat);
          return FALSE;
        }
    }

  *n_vertices += n;
  return TRUE;
}

static gboolean
check_part (OGRGeometryH   geometry,
            OGRwkbGeometryType expected,
            guint          depth,
            guint         *n_vertices,
            char         **problem)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));

  if (depth > DOZOR_GIS_MAX_NESTING)
    {
      *problem = g_strdup (_("the geometry is nested too deeply"));
      return FALSE;
    }

  switch (type)
    {
    case wkbPoint:
      if (OGR_G_IsEmpty (geometry))
        {
          *problem = g_strdup (_("a point has no coordinates"));
          return FALSE;
        }
      return check_points (geometry, n_vertices, problem);

    case wkbLineString:
    case wkbLinearRing:
      if (OGR_G_GetPointCount (geometry) < 2)
        {
          *problem = g_strdup (_("a line has fewer than two points"));
          return FALSE;
        }
      return check_points (geometry, n_vertices, problem);

    case wkbPolygon:
      if (OGR_G_GetGeometryCount (geometry) == 0)
        {
          *problem = g_strdup (_("a polygon has no rings"));
          return FALSE;
        }
      for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
        {
          OGRGeometryH ring = OGR_G_GetGeometryRef (geometry, i);

          if (OGR_G_GetPointCount (ring) < 4)
            {
              *problem = g_strdup (_("a polygon ring has fewer than four points"));
              return FALSE;
            }
          if (!check_points (ring, n_vertices, problem))
            return FALSE;
        }
      return TRUE;

    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
      if (OGR_G_GetGeometryCount (geometry) == 0)
        {
          *problem = g_strdup (_("the geometry is empty"));
          return FALSE;
        }
      for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
        {
          OGRGeometryH part = OGR_G_GetGeometryRef (geometry, i);

          if (wkbFlatten (OGR_G_GetGeometryType (part)) != expected)
            {
              *problem = g_strdup (_("a multi-part geometry mixes shapes"));
              return FALSE;
            }
          if (!check_part (part, expected, depth + 1, n_vertices, problem))
            return FALSE;
        }
      return TRUE;

    default:
      *problem = g_strdup_printf (_("%s geometries are not supported"), OGRGeometryTypeToName (type));
      return FALSE;
    }
}

/**
 * dozor_gis_geometry_check:
 * @geometry: a flat (2D, linear) geometry in WGS 84, longitude first
 * @shape: (out): its shape
 * @n_vertices: (out): how many positions it has
 * @problem: (out): what is wrong, when %FALSE is returned
 *
 * Returns: whether Dozor can keep @geometry
 */
gboolean
dozor_gis_geometry_check (OGRGeometryH   geometry,
                          DozorGisShape *shape,
                          guint         *n_vertices,
                          char         **problem)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  OGRwkbGeometryType part;

  *n_vertices = 0;
  switch (type)
    {
    case wkbPoint:
    case wkbMultiPoint:
      *shape = DOZOR_GIS_SHAPE_POINT;
      part = wkbPoint;
      break;
    case wkbLineString:
    case wkbMultiLineString:
      *shape = DOZOR_GIS_SHAPE_LINE;
      part = wkbLineString;
      break;
    case wkbPolygon:
    case wkbMultiPolygon:
      *shape = DOZOR_GIS_SHAPE_POLYGON;
      part = wkbPolygon;
      break;
    case wkbGeometryCollection:
      *problem = g_strdup (_("geometry collections that mix shapes are not supported"));
      return FALSE;
    default:
      *problem = g_strdup_printf (_("%s geometries are not supported"), OGRGeometryTypeToName (type));
      return FALSE;
    }

  return check_part (geometry, part, 0, n_vertices, problem);
}

/**
 * dozor_gis_layer_take_feature: (skip)
 * @self: a #DozorGisLayer
 * @geometry: (transfer full): a geometry that passed dozor_gis_geometry_check()
 * @shape: its shape
 * @n_vertices: its positions
 *
 * Returns: the new feature's index
 */
guint
dozor_gis_layer_take_feature (DozorGisLayer *self,
                              OGRGeometryH   geometry,
                              DozorGisShape  shape,
                              guint          n_vertices)
{
  Feature *feature = g_new0 (Feature, 1);
  OGREnvelope envelope;

  feature->geometry = geometry;
  feature->shape = shape;
  feature->n_vertices = n_vertices;
  feature->values = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->features, feature);

  OGR_G_GetEnvelope (geometry, &envelope);
  if (self->features->len == 1)
    self->extent = envelope;
  else
    {
      self->extent.MinX = MIN (self->extent.MinX, envelope.MinX);
      self->extent.MinY = MIN (self->extent.MinY, envelope.MinY);
      self->extent.MaxX = MAX (self->extent.MaxX, envelope.MaxX);
      self->extent.MaxY = MAX (self->extent.MaxY, envelope.MaxY);
    }
  return self->features->len - 1;
}

OGRGeometryH
dozor_gis_layer_peek_geometry (DozorGisLayer *self,
                               guint          feature)
{
  g_return_val_if_fail (feature < self->features->len, NULL);

  return ((Feature *) g_ptr_array_index (self->features, feature))->geometry;
}

/**
 * dozor_gis_layer_add_feature_json:
 * @self: a #DozorGisLayer
 * @geometry: a GeoJSON geometry (RFC 7946: WGS 84, longitude first)
 * @error: return location for a #GError
 *
 * Returns: the new feature's index, or G_MAXUINT with @error set
 */
guint
dozor_gis_layer_add_feature_json (DozorGisLayer  *self,
                                  const char     *geometry,
                                  GError        **error)
{
  OGRGeometryH parsed;
  DozorGdalGuard guard = { NULL, };
  g_autofree char *problem = NULL;
  DozorGisShape shape;
  guint n_vertices;

  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), G_MAXUINT);
  g_return_val_if_fail (geometry != NULL, G_MAXUINT);

  dozor_gdal_guard_begin (&guard);
  parsed = OGR_G_CreateGeometryFromJson (geometry);
  if (parsed == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("not a GeoJSON geometry: %s"),
                 dozor_gdal_guard_message (&guard, _("unreadable")));
  dozor_gdal_guard_end (&guard);
  if (parsed == NULL)
    return G_MAXUINT;

  OGR_G_FlattenTo2D (parsed);
  if (!dozor_gis_geometry_check (parsed, &shape, &n_vertices, &problem))
    {
      OGR_G_DestroyGeometry (parsed);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, problem);
      return G_MAXUINT;
    }

  return dozor_gis_layer_take_feature (self, parsed, shape, n_vertices);
}

guint
dozor_gis_layer_get_n_features (DozorGisLayer *self)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), 0);

  return self->features->len;
}

static Feature *
get_feature (DozorGisLayer *self,
             guint          feature)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), NULL);
  g_return_val_if_fail (feature < self->features->len, NULL);

  return g_ptr_array_index (self->features, feature);
}

/**
 * dozor_gis_layer_get_geometry_json:
 * @self: a #DozorGisLayer
 * @feature: its index
 *
 * Returns: (transfer full): the geometry as GeoJSON, 7 decimals (1 cm), as
 *   the backend keeps it
 */
char *
dozor_gis_layer_get_geometry_json (DozorGisLayer *self,
                                   guint          feature)
{
  static char *options[] = { (char *) "COORDINATE_PRECISION=7", NULL };
  Feature *f = get_feature (self, feature);
  char *gdal_json;
  char *json;

  g_return_val_if_fail (f != NULL, NULL);

  gdal_json = OGR_G_ExportToJsonEx (f->geometry, options);
  json = g_strdup (gdal_json);
  CPLFree (gdal_json);
  return json;
}

DozorGisShape
dozor_gis_layer_get_shape (DozorGisLayer *self,
                           guint          feature)
{
  Feature *f = get_feature (self, feature);

  g_return_val_if_fail (f != NULL, DOZOR_GIS_SHAPE_POINT);
  return f->shape;
}

guint
dozor_gis_layer_get_n_vertices (DozorGisLayer *self,
                                guint          feature)
{
  Feature *f = get_feature (self, feature);

  g_return_val_if_fail (f != NULL, 0);
  return f->n_vertices;
}

/**
 * dozor_gis_layer_set_value:
 * @self: a #DozorGisLayer
 * @feature: the feature's index
 * @field: the field's index
 * @value: (nullable): the value as text; %NULL when unset
 */
void
dozor_gis_layer_set_value (DozorGisLayer *self,
                           guint          feature,
                           guint          field,
                           const char    *value)
{
  Feature *f = get_feature (self, feature);

  g_return_if_fail (f != NULL);
  g_return_if_fail (field < self->fields->len);

  if (f->values->len <= field)
    g_ptr_array_set_size (f->values, field + 1);
  g_free (g_ptr_array_index (f->values, field));
  g_ptr_array_index (f->values, field) = g_strdup (value);
}

/**
 * dozor_gis_layer_get_value:
 * @self: a #DozorGisLayer
 * @feature: the feature's index
 * @field: the field's index
 *
 * Returns: (nullable): the value as text, %NULL when unset
 */
const char *
dozor_gis_layer_get_value (DozorGisLayer *self,
                           guint          feature,
                           guint          field)
{
  Feature *f = get_feature (self, feature);

  g_return_val_if_fail (f != NULL, NULL);
  g_return_val_if_fail (field < self->fields->len, NULL);

  return field < f->values->len ? g_ptr_array_index (f->values, field) : NULL;
}

/**
 * dozor_gis_layer_get_text:
 * @self: a #DozorGisLayer
 * @feature: the feature's index
 * @field: the field's index, or -1
 *
 * Returns: (nullable): the value, or %NULL when @field is -1 or the value is
 *   unset or empty: what a name or reference taken from a file needs
 */
const char *
dozor_gis_layer_get_text (DozorGisLayer *self,
                          guint          feature,
                          int            field)
{
  const char *value;

  if (field < 0)
    return NULL;
  value = dozor_gis_layer_get_value (self, feature, field);
  return value != NULL && *value != '\0' ? value : NULL;
}

static void
collect_parts (OGRGeometryH  geometry,
               GPtrArray    *parts)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (geometry));
  int n = OGR_G_GetPointCount (geometry);

  if (type == wkbPoint || type == wkbLineString || type == wkbLinearRing)
    {
      GArray *part = g_array_sized_new (FALSE, FALSE, sizeof (double) * 2, n);

      for (int i = 0; i < n; i++)
        {
          double lon_lat[2] = { OGR_G_GetX (geometry, i), OGR_G_GetY (geometry, i) };

          g_array_append_vals (part, lon_lat, 1);
        }
      g_ptr_array_add (parts, part);
      return;
    }

  for (int i = 0; i < OGR_G_GetGeometryCount (geometry); i++)
    collect_parts (OGR_G_GetGeometryRef (geometry, i), parts);
}

/**
 * dozor_gis_layer_get_parts:
 * @self: a #DozorGisLayer
 * @feature: the feature's index
 *
 * The feature's positions for drawing: one part for a point or a line, one
 * per ring of a polygon, all parts of a multi-part geometry in turn. Safe
 * from any thread, as long as nothing is added to @self meanwhile.
 *
 * Returns: (transfer full) (element-type GArray): parts, each an array of
 *   (longitude, latitude) pairs of doubles
 */
GPtrArray *
dozor_gis_layer_get_parts (DozorGisLayer *self,
                           guint          feature)
{
  Feature *f = get_feature (self, feature);
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  if (f != NULL)
    collect_parts (f->geometry, parts);
  return parts;
}

/**
 * dozor_gis_layer_drop_empty_fields: (skip)
 * @self: a #DozorGisLayer
 *
 * Leaves out the fields no feature has a value for (GPX's dozen optional
 * ones, for a start), so the layer shows what its file actually says. In
 * place: the geometries stay where they are.
 */
void
dozor_gis_layer_drop_empty_fields (DozorGisLayer *self)
{
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) fields = NULL;

  for (guint f = 0; f < self->fields->len; f++)
    for (guint i = 0; i < self->features->len; i++)
      if (dozor_gis_layer_get_value (self, i, f) != NULL)
        {
          g_array_append_val (kept, f);
          break;
        }
  if (kept->len == self->fields->len)
    return;

  for (guint i = 0; i < self->features->len; i++)
    {
      Feature *feature = g_ptr_array_index (self->features, i);
      GPtrArray *values = g_ptr_array_new_full (kept->len, g_free);

      for (guint k = 0; k < kept->len; k++)
        {
          guint f = g_array_index (kept, guint, k);

          g_ptr_array_add (values, f < feature->values->len ? g_steal_pointer (&feature->values->pdata[f]) : NULL);
        }
      g_ptr_array_unref (feature->values);
      feature->values = values;
    }

  fields = g_array_new (FALSE, TRUE, sizeof (Field));
  g_array_set_clear_func (fields, (GDestroyNotify) field_clear);
  for (guint k = 0; k < kept->len; k++)
    {
      Field *field = &g_array_index (self->fields, Field, g_array_index (kept, guint, k));

      g_array_append_val (fields, *field);
      field->name = NULL;
    }
  g_array_unref (self->fields);
  self->fields = g_steal_pointer (&fields);
}

/**
 * dozor_gis_layer_get_extent:
 * @self: a #DozorGisLayer
 * @west: (out): the smallest longitude
 * @south: (out): the smallest latitude
 * @east: (out): the largest longitude
 * @north: (out): the largest latitude
 *
 * Returns: %FALSE for a layer without features
 */
gboolean
dozor_gis_layer_get_extent (DozorGisLayer *self,
                            double        *west,
                            double        *south,
                            double        *east,
                            double        *north)
{
  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (self), FALSE);

  if (self->features->len == 0)
    return FALSE;

  *west = self->extent.MinX;
  *south = self->extent.MinY;
  *east = self->extent.MaxX;
  *north = self->extent.MaxY;
  return TRUE;
}
