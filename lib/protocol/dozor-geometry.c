/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A zone's or route's geometry as the board keeps it: one block holding
 * every position as two doubles (longitude, latitude), and where each
 * part (a line or a ring) and each polygon ends. The GeoJSON tree the
 * server sent gives every coordinate a JsonNode and every position a
 * JsonArray: about 235 bytes a position in json-glib's nodes (6.5 MB held
 * for the 27,427 of the 200-car scenario) against 16 here, and a district
 * boundary has thousands of positions.
 *
 * Immutable once built and counted with atomics, so that the map's and the
 * coverage's workers may hold one while the main thread replaces it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-geometry.h"
#include "dozor-geojson.h"
#include "dozor-json.h"

struct _DozorGeometry
{
  DozorGeometryType type;
  guint n_points;
  guint n_parts;
  guint n_polygons;
  guint *part_ends;     /* n_parts: the index of the point after each part */
  guint *polygon_ends;  /* n_polygons: the index of the part after each polygon */
  double points[];      /* n_points × (longitude, latitude) */
};

G_DEFINE_BOXED_TYPE (DozorGeometry, dozor_geometry, dozor_geometry_ref, dozor_geometry_unref)

static const char *const type_names[] = {
  [DOZOR_GEOMETRY_LINE_STRING] = "LineString",
  [DOZOR_GEOMETRY_POLYGON] = "Polygon",
  [DOZOR_GEOMETRY_MULTI_POLYGON] = "MultiPolygon",
};

/* How deep positions nest under `coordinates`. */
static guint
type_depth (DozorGeometryType type)
{
  return type == DOZOR_GEOMETRY_LINE_STRING ? 1 : type == DOZOR_GEOMETRY_POLYGON ? 2 : 3;
}

static JsonArray *
array_of (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Walks @node, which nests @depth levels above its positions: counts them
 * when @self is NULL, fills @self otherwise. */
static gboolean
walk (JsonNode      *node,
      guint          depth,
      guint         *n_points,
      guint         *n_parts,
      guint         *n_polygons,
      DozorGeometry *self)
{
  JsonArray *array = array_of (node);
  guint length;

  if (array == NULL || (length = json_array_get_length (array)) == 0)
    return FALSE;

  if (depth == 1)
    {
      /* A line or a ring: [[lon, lat(, height)], …]; heights are not kept
       * (the server drops them too). */
      if (length < 2)
        return FALSE;
      for (guint i = 0; i < length; i++)
        {
          JsonArray *position = array_of (json_array_get_element (array, i));
          double lon, lat;

          if (position == NULL || json_array_get_length (position) < 2 ||
              !dozor_json_node_get_number (json_array_get_element (position, 0), &lon) ||
              !dozor_json_node_get_number (json_array_get_element (position, 1), &lat) ||
              lon < -180 || lon > 180 || lat < -90 || lat > 90)
            return FALSE;
          if (self != NULL)
            {
              self->points[*n_points * 2] = lon;
              self->points[*n_points * 2 + 1] = lat;
            }
          ++*n_points;
        }
      if (self != NULL)
        self->part_ends[*n_parts] = *n_points;
      ++*n_parts;
      return TRUE;
    }

  for (guint i = 0; i < length; i++)
    if (!walk (json_array_get_element (array, i), depth - 1, n_points, n_parts, n_polygons, self))
      return FALSE;
  /* The rings of a polygon end here. */
  if (depth == 2)
    {
      if (self != NULL)
        self->polygon_ends[*n_polygons] = *n_parts;
      ++*n_polygons;
    }
  return TRUE;
}

/**
 * dozor_geometry_new_from_json:
 * @geometry: a GeoJSON LineString, Polygon or MultiPolygon
 * @error: return location for a #GError (%DOZOR_JSON_ERROR_INVALID)
 *
 * Reads the geometry once; nothing of @geometry is kept, so its tree may
 * be dropped.
 *
 * Returns: (transfer full) (nullable): the geometry, or %NULL with @error
 *   set for anything else, or an empty part, or a position that is not
 *   [longitude, latitude] in range
 */
DozorGeometry *
dozor_geometry_new_from_json (JsonNode  *geometry,
                              GError   **error)
{
  JsonObject *object = geometry != NULL && JSON_NODE_HOLDS_OBJECT (geometry) ? json_node_get_object (geometry) : NULL;
  const char *type_name = object != NULL ? dozor_json_get_string (object, "type") : NULL;
  JsonNode *coordinates = object != NULL ? json_object_get_member (object, "coordinates") : NULL;
  guint n_points = 0, n_parts = 0, n_polygons = 0, depth;
  DozorGeometryType type;
  DozorGeometry *self;
  gsize size;

  for (type = 0; type < G_N_ELEMENTS (type_names); type++)
    if (g_strcmp0 (type_name, type_names[type]) == 0)
      break;
  if (type == G_N_ELEMENTS (type_names))
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("must be a GeoJSON LineString, Polygon or MultiPolygon"));
      return NULL;
    }

  depth = type_depth (type);
  if (!walk (coordinates, depth, &n_points, &n_parts, &n_polygons, NULL) || n_points > DOZOR_GEOJSON_MAX_POINTS)
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("the geometry's coordinates are not positions [longitude, latitude] in range"));
      return NULL;
    }

  /* One block: the points, then the parts' and polygons' ends. */
  size = sizeof (DozorGeometry) + sizeof (double) * 2 * n_points + sizeof (guint) * (n_parts + n_polygons);
  self = g_atomic_rc_box_alloc0 (size);
  self->type = type;
  self->part_ends = (guint *) (self->points + 2 * n_points);
  self->polygon_ends = self->part_ends + n_parts;
  walk (coordinates, depth, &self->n_points, &self->n_parts, &self->n_polygons, self);
  return self;
}

DozorGeometry *
dozor_geometry_ref (DozorGeometry *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

void
dozor_geometry_unref (DozorGeometry *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release (self);
}

DozorGeometryType
dozor_geometry_get_geometry_type (DozorGeometry *self)
{
  g_return_val_if_fail (self != NULL, DOZOR_GEOMETRY_LINE_STRING);

  return self->type;
}

/**
 * dozor_geometry_get_n_points:
 * @self: a #DozorGeometry
 *
 * Returns: how many positions all its parts have together
 */
guint
dozor_geometry_get_n_points (DozorGeometry *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_points;
}

/**
 * dozor_geometry_get_n_parts:
 * @self: a #DozorGeometry
 *
 * Returns: how many lines or rings it has: 1 for a LineString, the rings
 *   of every polygon otherwise
 */
guint
dozor_geometry_get_n_parts (DozorGeometry *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_parts;
}

/**
 * dozor_geometry_get_part:
 * @self: a #DozorGeometry
 * @part: a line or ring, below dozor_geometry_get_n_parts()
 * @n_points: (out): how many positions it has, at least 2
 *
 * Returns: (transfer none) (array length=n_points): its positions, each
 *   longitude then latitude, valid while @self is
 */
const double *
dozor_geometry_get_part (DozorGeometry *self,
                         guint          part,
                         guint         *n_points)
{
  guint first;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (part < self->n_parts, NULL);

  first = part > 0 ? self->part_ends[part - 1] : 0;
  *n_points = self->part_ends[part] - first;
  return self->points + 2 * first;
}

/**
 * dozor_geometry_get_n_polygons:
 * @self: a #DozorGeometry
 *
 * Returns: how many polygons it has: 0 for a LineString, 1 for a Polygon
 */
guint
dozor_geometry_get_n_polygons (DozorGeometry *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_polygons;
}

/**
 * dozor_geometry_get_polygon:
 * @self: a #DozorGeometry
 * @polygon: below dozor_geometry_get_n_polygons()
 * @first_part: (out): its outer ring, a part
 *
 * Returns: how many rings it has, the outer one and its holes
 */
guint
dozor_geometry_get_polygon (DozorGeometry *self,
                            guint          polygon,
                            guint         *first_part)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (polygon < self->n_polygons, 0);

  *first_part = polygon > 0 ? self->polygon_ends[polygon - 1] : 0;
  return self->polygon_ends[polygon] - *first_part;
}

/**
 * dozor_geometry_equal:
 * @a: a #DozorGeometry
 * @b: another
 *
 * Returns: whether both have the same type, parts and positions
 */
gboolean
dozor_geometry_equal (DozorGeometry *a,
                      DozorGeometry *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->type == b->type && a->n_points == b->n_points && a->n_parts == b->n_parts &&
         a->n_polygons == b->n_polygons &&
         memcmp (a->points, b->points, sizeof (double) * 2 * a->n_points) == 0 &&
         memcmp (a->part_ends, b->part_ends, sizeof (guint) * a->n_parts) == 0 &&
         memcmp (a->polygon_ends, b->polygon_ends, sizeof (guint) * a->n_polygons) == 0;
}

static JsonArray *
part_to_json (DozorGeometry *self,
              guint          part)
{
  guint n;
  const double *points = dozor_geometry_get_part (self, part, &n);
  JsonArray *line = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    {
      JsonArray *position = json_array_sized_new (2);

      json_array_add_double_element (position, points[2 * i]);
      json_array_add_double_element (position, points[2 * i + 1]);
      json_array_add_array_element (line, position);
    }
  return line;
}

static JsonArray *
polygon_to_json (DozorGeometry *self,
                 guint          polygon)
{
  guint first;
  guint n = dozor_geometry_get_polygon (self, polygon, &first);
  JsonArray *rings = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    json_array_add_array_element (rings, part_to_json (self, first + i));
  return rings;
}

/**
 * dozor_geometry_to_json:
 * @self: a #DozorGeometry
 *
 * The geometry as GeoJSON again, `type` and `coordinates`, for what is
 * written out (the local copy, an export). It shares nothing, so it may
 * go to another thread.
 *
 * Returns: (transfer full): a new GeoJSON geometry object
 */
JsonNode *
dozor_geometry_to_json (DozorGeometry *self)
{
  JsonObject *object;
  JsonArray *coordinates;
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->type == DOZOR_GEOMETRY_LINE_STRING)
    coordinates = part_to_json (self, 0);
  else if (self->type == DOZOR_GEOMETRY_POLYGON)
    coordinates = polygon_to_json (self, 0);
  else
    {
      coordinates = json_array_sized_new (self->n_polygons);
      for (guint i = 0; i < self->n_polygons; i++)
        json_array_add_array_element (coordinates, polygon_to_json (self, i));
    }

  object = json_object_new ();
  json_object_set_string_member (object, "type", type_names[self->type]);
  json_object_set_array_member (object, "coordinates", coordinates);
  node = json_node_init_object (json_node_alloc (), object);
  json_object_unref (object);
  return node;
}

static void
append_part (GString       *out,
             DozorGeometry *self,
             guint          part)
{
  guint n;
  const double *points = dozor_geometry_get_part (self, part, &n);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, i > 0 ? ",[" : "[");
      dozor_json_append_double (out, points[2 * i]);
      g_string_append_c (out, ',');
      dozor_json_append_double (out, points[2 * i + 1]);
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, ']');
}

static void
append_polygon (GString       *out,
                DozorGeometry *self,
                guint          polygon)
{
  guint first;
  guint n = dozor_geometry_get_polygon (self, polygon, &first);

  g_string_append_c (out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      append_part (out, self, first + i);
    }
  g_string_append_c (out, ']');
}

/**
 * dozor_geometry_append_string:
 * @self: a #DozorGeometry
 * @out: text being written
 *
 * Appends the geometry as GeoJSON text, `type` and `coordinates`, written
 * straight from the positions (no tree in between): each the shortest
 * number that reads back as the same double. Any thread may call it.
 */
void
dozor_geometry_append_string (DozorGeometry *self,
                              GString       *out)
{
  g_return_if_fail (self != NULL);

  g_string_append_printf (out, "{\"type\":\"%s\",\"coordinates\":", type_names[self->type]);
  if (self->type == DOZOR_GEOMETRY_LINE_STRING)
    append_part (out, self, 0);
  else if (self->type == DOZOR_GEOMETRY_POLYGON)
    append_polygon (out, self, 0);
  else
    {
      g_string_append_c (out, '[');
      for (guint i = 0; i < self->n_polygons; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          append_polygon (out, self, i);
        }
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

/**
 * dozor_geometry_to_string:
 * @self: a #DozorGeometry
 *
 * The geometry as GeoJSON text (dozor_geometry_append_string()), for what
 * reads GeoJSON text (GEOS, OGR).
 *
 * Returns: (transfer full): GeoJSON text
 */
char *
dozor_geometry_to_string (DozorGeometry *self)
{
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  out = g_string_sized_new (64 + self->n_points * 40);
  dozor_geometry_append_string (self, out);
  return g_string_free (out, FALSE);
}
