/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * From a GIS layer to the body of POST /imports (docs/api.md): each
 * feature checked for what its kind needs (the shape, a name, a district),
 * with names standing for ids, since a GIS file knows names. dozorctl and
 * the board's import dialog both build their imports here.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dozor-gis-import.h"

/* What the backend keeps per zone, route or place (docs/api.md). */
#define BACKEND_MAX_NAME 128

static const char *const kind_names[DOZOR_GIS_N_KINDS] = { "district", "sector", "route", "poi", "camera" };

gboolean
dozor_gis_kind_from_string (const char   *text,
                            DozorGisKind *kind)
{
  for (guint k = 0; k < DOZOR_GIS_N_KINDS; k++)
    if (g_strcmp0 (text, kind_names[k]) == 0)
      {
        *kind = k;
        return TRUE;
      }
  return FALSE;
}

const char *
dozor_gis_kind_to_string (DozorGisKind kind)
{
  g_return_val_if_fail (kind < DOZOR_GIS_N_KINDS, NULL);

  return kind_names[kind];
}

/**
 * dozor_gis_kind_get_shape:
 * @kind: a #DozorGisKind
 *
 * Returns: the shape features of @kind must have
 */
DozorGisShape
dozor_gis_kind_get_shape (DozorGisKind kind)
{
  switch (kind)
    {
    case DOZOR_GIS_KIND_DISTRICT:
    case DOZOR_GIS_KIND_SECTOR:
      return DOZOR_GIS_SHAPE_POLYGON;
    case DOZOR_GIS_KIND_ROUTE:
      return DOZOR_GIS_SHAPE_LINE;
    case DOZOR_GIS_KIND_POI:
    case DOZOR_GIS_KIND_CAMERA:
    default:
      return DOZOR_GIS_SHAPE_POINT;
    }
}

/**
 * dozor_gis_shape_get_label:
 * @shape: a #DozorGisShape
 *
 * Returns: the shape's name, translated
 */
const char *
dozor_gis_shape_get_label (DozorGisShape shape)
{
  switch (shape)
    {
    case DOZOR_GIS_SHAPE_POINT: return _("point");
    case DOZOR_GIS_SHAPE_LINE: return _("line");
    case DOZOR_GIS_SHAPE_POLYGON: return _("area");
    default: g_return_val_if_reached (NULL);
    }
}

/**
 * dozor_gis_mapping_init:
 * @mapping: (out caller-allocates): a mapping to fill
 * @kind: what the features become
 *
 * Every field unset; set at least @mapping's name_field.
 */
void
dozor_gis_mapping_init (DozorGisMapping *mapping,
                        DozorGisKind     kind)
{
  *mapping = (DozorGisMapping) {
    .kind = kind,
    .name_field = -1,
    .district_field = -1,
    .zone_field = -1,
    .unit_field = -1,
    .stream_field = -1,
    .category_field = -1,
    .only_field = -1,
  };
}

/**
 * dozor_gis_guess_name_field:
 * @layer: a #DozorGisLayer
 *
 * Returns: the field GIS programs usually keep names in, or -1
 */
int
dozor_gis_guess_name_field (DozorGisLayer *layer)
{
  static const char *const candidates[] = { "name", "title", "label", "osm_name", "название", "атауы" };
  int field;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if ((field = dozor_gis_layer_find_field (layer, candidates[i])) >= 0)
      return field;
  return -1;
}

/**
 * dozor_gis_mapping_selects:
 * @mapping: a #DozorGisMapping
 * @layer: its layer
 * @feature: a feature of @layer
 *
 * Returns: whether @feature is one to import
 */
gboolean
dozor_gis_mapping_selects (const DozorGisMapping *mapping,
                           DozorGisLayer         *layer,
                           guint                  feature)
{
  return mapping->only_field < 0 ||
         g_strcmp0 (dozor_gis_layer_get_value (layer, feature, mapping->only_field), mapping->only_value) == 0;
}

/* A route is one line to drive and a place one point; a multi-part of one
 * part is that one part. */
static JsonNode *
geometry_for (DozorGisLayer  *layer,
              guint           feature,
              DozorGisKind    kind,
              GError        **error)
{
  g_autofree char *json = dozor_gis_layer_get_geometry_json (layer, feature);
  g_autoptr(JsonNode) node = json_from_string (json, error);
  const char *single = kind == DOZOR_GIS_KIND_ROUTE ? "LineString" : "Point";
  JsonObject *geometry;
  JsonArray *parts;

  if (node == NULL)
    return NULL;
  if (kind == DOZOR_GIS_KIND_DISTRICT || kind == DOZOR_GIS_KIND_SECTOR)
    return g_steal_pointer (&node);

  geometry = json_node_get_object (node);
  if (g_str_equal (json_object_get_string_member (geometry, "type"), single))
    return g_steal_pointer (&node);

  parts = json_object_get_array_member (geometry, "coordinates");
  if (json_array_get_length (parts) != 1)
    {
      if (kind == DOZOR_GIS_KIND_ROUTE)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("a patrol route is one line, and this one has %u parts"), json_array_get_length (parts));
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("a place is one point, and this one has %u"), json_array_get_length (parts));
      return NULL;
    }

  json_object_set_string_member (geometry, "type", single);
  json_object_set_array_member (geometry, "coordinates", json_array_ref (json_array_get_array_element (parts, 0)));
  return g_steal_pointer (&node);
}

static gboolean
check_feature (DozorGisLayer         *layer,
               guint                  feature,
               const DozorGisMapping *mapping,
               GError               **error)
{
  DozorGisShape wanted = dozor_gis_kind_get_shape (mapping->kind);
  const char *name = dozor_gis_layer_get_text (layer, feature, mapping->name_field);

  if (dozor_gis_layer_get_shape (layer, feature) != wanted)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("it is a %s, and a %s must be a %s"),
                   dozor_gis_shape_get_label (dozor_gis_layer_get_shape (layer, feature)),
                   dozor_gis_kind_to_string (mapping->kind), dozor_gis_shape_get_label (wanted));
      return FALSE;
    }
  if (name == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its name (field “%s”) is empty"),
                   mapping->name_field >= 0 ? dozor_gis_layer_get_field_name (layer, mapping->name_field) : "");
      return FALSE;
    }
  if (g_utf8_strlen (name, -1) > BACKEND_MAX_NAME)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its name is longer than %d characters"),
                   BACKEND_MAX_NAME);
      return FALSE;
    }
  if (mapping->kind == DOZOR_GIS_KIND_SECTOR && mapping->district == NULL &&
      dozor_gis_layer_get_text (layer, feature, mapping->district_field) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("its district (field “%s”) is empty"),
                   mapping->district_field >= 0 ? dozor_gis_layer_get_field_name (layer, mapping->district_field) : "");
      return FALSE;
    }
  return TRUE;
}

static void
add_optional (JsonBuilder *builder,
              const char  *member,
              const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

static void
add_feature (JsonBuilder           *builder,
             DozorGisLayer         *layer,
             guint                  i,
             const DozorGisMapping *mapping,
             JsonNode              *geometry)
{
  gboolean place = mapping->kind == DOZOR_GIS_KIND_POI || mapping->kind == DOZOR_GIS_KIND_CAMERA;

  json_builder_begin_object (builder);
  if (mapping->kind != DOZOR_GIS_KIND_ROUTE)
    add_optional (builder, "kind", dozor_gis_kind_to_string (mapping->kind));
  add_optional (builder, "name", dozor_gis_layer_get_text (layer, i, mapping->name_field));

  switch (mapping->kind)
    {
    case DOZOR_GIS_KIND_SECTOR:
      add_optional (builder, "parent_name",
                    mapping->district != NULL ? mapping->district : dozor_gis_layer_get_text (layer, i, mapping->district_field));
      break;
    case DOZOR_GIS_KIND_ROUTE:
      add_optional (builder, "zone_name", dozor_gis_layer_get_text (layer, i, mapping->zone_field));
      add_optional (builder, "unit_call_sign", dozor_gis_layer_get_text (layer, i, mapping->unit_field));
      break;
    case DOZOR_GIS_KIND_POI:
      add_optional (builder, "category", dozor_gis_layer_get_text (layer, i, mapping->category_field));
      break;
    case DOZOR_GIS_KIND_CAMERA:
      add_optional (builder, "stream_url", dozor_gis_layer_get_text (layer, i, mapping->stream_field));
      break;
    case DOZOR_GIS_KIND_DISTRICT:
    default:
      break;
    }

  if (place)
    {
      JsonArray *position = json_object_get_array_member (json_node_get_object (geometry), "coordinates");

      json_builder_set_member_name (builder, "location");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, json_array_get_double_element (position, 1));
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, json_array_get_double_element (position, 0));
      json_builder_end_object (builder);
      json_node_unref (geometry);
    }
  else
    {
      json_builder_set_member_name (builder, "geometry");
      json_builder_add_value (builder, geometry);
    }
  json_builder_end_object (builder);
}

/**
 * dozor_gis_import_body:
 * @layer: the layer to import
 * @mapping: what its fields mean
 * @update: whether zones, routes and places of the same name are updated
 *   instead of refused
 * @n_items: (out) (optional): how many features the body holds
 * @n_skipped: (out) (optional): how many selected features were left out
 *   for having no name (#DozorGisMapping.skip_unnamed)
 * @error: return location for a #GError naming the layer and feature
 *
 * With @update a feature is matched to what the backend has by its name,
 * so the names in the layer must then be unique.
 *
 * Returns: (transfer full): the body of POST /imports, or %NULL with @error
 *   set if any selected feature is not what its kind needs
 */
char *
dozor_gis_import_body (DozorGisLayer          *layer,
                       const DozorGisMapping  *mapping,
                       gboolean                update,
                       guint                  *n_items,
                       guint                  *n_skipped,
                       GError                **error)
{
  static const char *const lists[DOZOR_GIS_N_KINDS] = { "zones", "zones", "routes", "places", "places" };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_selected = 0, skipped = 0;

  g_return_val_if_fail (DOZOR_IS_GIS_LAYER (layer), NULL);
  g_return_val_if_fail (mapping->kind < DOZOR_GIS_N_KINDS, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "on_existing");
  json_builder_add_string_value (builder, update ? "update" : "fail");
  json_builder_set_member_name (builder, lists[mapping->kind]);
  json_builder_begin_array (builder);

  for (guint i = 0; i < dozor_gis_layer_get_n_features (layer); i++)
    {
      g_autoptr(GError) local_error = NULL;
      JsonNode *geometry;

      const char *name;

      if (!dozor_gis_mapping_selects (mapping, layer, i))
        continue;
      name = dozor_gis_layer_get_text (layer, i, mapping->name_field);
      if (name == NULL && mapping->skip_unnamed)
        {
          skipped++;
          continue;
        }
      n_selected++;
      if (update && name != NULL && !g_hash_table_add (names, (gpointer) name))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("layer “%s”: the name “%s” appears more than once, and an update finds what to change "
                         "by its name"), dozor_gis_layer_get_name (layer), name);
          return NULL;
        }
      if (!check_feature (layer, i, mapping, &local_error) ||
          (geometry = geometry_for (layer, i, mapping->kind, &local_error)) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("layer “%s”, feature %u: %s"),
                       dozor_gis_layer_get_name (layer), i + 1, local_error->message);
          return NULL;
        }
      add_feature (builder, layer, i, mapping, geometry);
    }

  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (n_selected == 0)
    {
      if (mapping->only_field >= 0)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("no feature has %s = “%s”"),
                     dozor_gis_layer_get_field_name (layer, mapping->only_field), mapping->only_value);
      else if (skipped > 0)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("no feature of the layer has a name"));
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the layer has no features"));
      return NULL;
    }

  if (n_items != NULL)
    *n_items = n_selected;
  if (n_skipped != NULL)
    *n_skipped = skipped;
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}
