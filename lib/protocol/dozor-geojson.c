/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Zone and route geometry as it crosses the wire: a GeoJSON geometry object
 * (RFC 7946), checked point by point and written again with 7 decimals
 * (about 1 cm), so what the store keeps and hands out is bounded, valid and
 * the same text for every client.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-geojson.h"
#include "dozor-json.h"

typedef struct
{
  GString *out;
  guint n_points;
  GError **error;
} Writer;

static gboolean
fail (Writer     *writer,
      const char *why)
{
  g_set_error_literal (writer->error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID, why);
  return FALSE;
}

static JsonArray *
array_of (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* [lon, lat] or [lon, lat, height]; the height is not kept. */
static gboolean
write_position (Writer   *writer,
                JsonNode *node,
                double   *lon,
                double   *lat)
{
  JsonArray *position = array_of (node);
  char lon_text[G_ASCII_DTOSTR_BUF_SIZE], lat_text[G_ASCII_DTOSTR_BUF_SIZE];

  if (position == NULL || json_array_get_length (position) < 2 || json_array_get_length (position) > 3 ||
      !dozor_json_node_get_number (json_array_get_element (position, 0), lon) ||
      !dozor_json_node_get_number (json_array_get_element (position, 1), lat))
    return fail (writer, _("a position must be [longitude, latitude] in degrees"));

  if (*lon < -180 || *lon > 180 || *lat < -90 || *lat > 90)
    return fail (writer, _("a position is outside longitude −180…180 or latitude −90…90"));

  if (++writer->n_points > DOZOR_GEOJSON_MAX_POINTS)
    return fail (writer, _("the geometry has more than 50,000 points"));

  g_ascii_formatd (lon_text, sizeof lon_text, "%.7f", *lon);
  g_ascii_formatd (lat_text, sizeof lat_text, "%.7f", *lat);
  g_string_append_printf (writer->out, "[%s,%s]", lon_text, lat_text);
  return TRUE;
}

/* A line of at least @min_points positions; a ring also ends where it starts. */
static gboolean
write_line (Writer   *writer,
            JsonNode *node,
            guint     min_points,
            gboolean  closed)
{
  JsonArray *line = array_of (node);
  double first_lon = 0, first_lat = 0, lon = 0, lat = 0;
  guint n;

  if (line == NULL || (n = json_array_get_length (line)) < min_points)
    return fail (writer, closed ? _("a polygon ring needs at least 4 positions")
                                : _("a line needs at least 2 positions"));

  g_string_append_c (writer->out, '[');
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (writer->out, ',');
      if (!write_position (writer, json_array_get_element (line, i), &lon, &lat))
        return FALSE;
      if (i == 0)
        {
          first_lon = lon;
          first_lat = lat;
        }
    }
  g_string_append_c (writer->out, ']');

  if (closed && (lon != first_lon || lat != first_lat))
    return fail (writer, _("a polygon ring must end where it starts"));

  return TRUE;
}

static gboolean
write_polygon (Writer   *writer,
               JsonNode *node)
{
  JsonArray *rings = array_of (node);

  if (rings == NULL || json_array_get_length (rings) == 0)
    return fail (writer, _("a polygon needs at least its outer ring"));

  g_string_append_c (writer->out, '[');
  for (guint i = 0; i < json_array_get_length (rings); i++)
    {
      if (i > 0)
        g_string_append_c (writer->out, ',');
      if (!write_line (writer, json_array_get_element (rings, i), 4, TRUE))
        return FALSE;
    }
  g_string_append_c (writer->out, ']');
  return TRUE;
}

/**
 * dozor_geojson_normalize:
 * @geometry: a GeoJSON geometry object
 * @kind: what it must be
 * @error: return location for a #GError (%DOZOR_JSON_ERROR_INVALID)
 *
 * Returns: (transfer full): the geometry as compact GeoJSON text with
 *   7-decimal coordinates, or %NULL with @error set
 */
char *
dozor_geojson_normalize (JsonNode           *geometry,
                         DozorGeometryKind   kind,
                         GError            **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  Writer writer = { out, 0, error };
  JsonObject *object;
  const char *type;
  JsonNode *coordinates;
  gboolean ok;

  if (geometry == NULL || !JSON_NODE_HOLDS_OBJECT (geometry))
    {
      fail (&writer, _("must be a GeoJSON geometry object"));
      return NULL;
    }

  object = json_node_get_object (geometry);
  type = dozor_json_get_string (object, "type");
  coordinates = json_object_get_member (object, "coordinates");

  if (kind == DOZOR_GEOMETRY_LINE && g_strcmp0 (type, "LineString") == 0)
    {
      g_string_append (out, "{\"type\":\"LineString\",\"coordinates\":");
      ok = write_line (&writer, coordinates, 2, FALSE);
    }
  else if (kind == DOZOR_GEOMETRY_AREA && g_strcmp0 (type, "Polygon") == 0)
    {
      g_string_append (out, "{\"type\":\"Polygon\",\"coordinates\":");
      ok = write_polygon (&writer, coordinates);
    }
  else if (kind == DOZOR_GEOMETRY_AREA && g_strcmp0 (type, "MultiPolygon") == 0)
    {
      JsonArray *polygons = array_of (coordinates);

      g_string_append (out, "{\"type\":\"MultiPolygon\",\"coordinates\":[");
      ok = polygons != NULL && json_array_get_length (polygons) > 0;
      if (!ok)
        fail (&writer, _("a multi-polygon needs at least one polygon"));
      for (guint i = 0; ok && i < json_array_get_length (polygons); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          ok = write_polygon (&writer, json_array_get_element (polygons, i));
        }
      g_string_append_c (out, ']');
    }
  else
    {
      fail (&writer, kind == DOZOR_GEOMETRY_LINE ? _("must be a GeoJSON LineString")
                                                 : _("must be a GeoJSON Polygon or MultiPolygon"));
      return NULL;
    }

  if (!ok)
    return NULL;

  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}
