/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The backend's situation as GIS layers, for export: zones, routes, places
 * and incidents as the wire contract has them (docs/api.md), with names in
 * place of ids, since a GIS file is read by people. dozorctl export and the
 * board's export both build their layers here.
 */
#include "config.h"

#include <math.h>

#include "dozor-gis-export.h"
#include "dozor-json.h"

static void
add_geometry_feature (DozorGisLayer *layer,
                      JsonNode      *geometry,
                      guint         *index)
{
  g_autofree char *json = json_to_string (geometry, FALSE);
  g_autoptr(GError) error = NULL;

  *index = dozor_gis_layer_add_feature_json (layer, json, &error);
  if (*index == G_MAXUINT)
    g_warning ("A geometry from the backend was left out: %s", error->message);
}

static GHashTable *
names_by_id (JsonObject *snapshot,
             const char *list,
             const char *member)
{
  GHashTable *names = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *items = json_object_get_array_member (snapshot, list);

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_hash_table_insert (names, (gpointer) dozor_json_get_string (item, "id"), (gpointer) dozor_json_get_string (item, member));
    }
  return names;
}

/**
 * dozor_gis_export_zones:
 * @snapshot: a snapshot, or anything with `zones`
 *
 * Returns: (transfer full): layer "zones": name, kind, district, version
 */
DozorGisLayer *
dozor_gis_export_zones (JsonObject *snapshot)
{
  DozorGisLayer *layer = dozor_gis_layer_new ("zones");
  g_autoptr(GHashTable) zone_names = names_by_id (snapshot, "zones", "name");
  guint name = dozor_gis_layer_add_field (layer, "name", DOZOR_GIS_FIELD_STRING);
  guint kind = dozor_gis_layer_add_field (layer, "kind", DOZOR_GIS_FIELD_STRING);
  guint district = dozor_gis_layer_add_field (layer, "district", DOZOR_GIS_FIELD_STRING);
  guint version = dozor_gis_layer_add_field (layer, "version", DOZOR_GIS_FIELD_INTEGER);
  JsonArray *zones = json_object_get_array_member (snapshot, "zones");

  for (guint i = 0; zones != NULL && i < json_array_get_length (zones); i++)
    {
      JsonObject *zone = json_array_get_object_element (zones, i);
      const char *parent = dozor_json_get_string (zone, "parent_id");
      g_autofree char *version_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (zone, "version"));
      guint f;

      add_geometry_feature (layer, json_object_get_member (zone, "geometry"), &f);
      if (f == G_MAXUINT)
        continue;
      dozor_gis_layer_set_value (layer, f, name, dozor_json_get_string (zone, "name"));
      dozor_gis_layer_set_value (layer, f, kind, dozor_json_get_string (zone, "kind"));
      dozor_gis_layer_set_value (layer, f, district, parent != NULL ? g_hash_table_lookup (zone_names, parent) : NULL);
      dozor_gis_layer_set_value (layer, f, version, version_text);
    }
  return layer;
}

/**
 * dozor_gis_export_routes:
 * @snapshot: a snapshot, with `routes`, `zones` and `units`
 *
 * Returns: (transfer full): layer "routes": name, zone, unit, shift_start, shift_end
 */
DozorGisLayer *
dozor_gis_export_routes (JsonObject *snapshot)
{
  DozorGisLayer *layer = dozor_gis_layer_new ("routes");
  g_autoptr(GHashTable) zone_names = names_by_id (snapshot, "zones", "name");
  g_autoptr(GHashTable) call_signs = names_by_id (snapshot, "units", "call_sign");
  guint name = dozor_gis_layer_add_field (layer, "name", DOZOR_GIS_FIELD_STRING);
  guint zone = dozor_gis_layer_add_field (layer, "zone", DOZOR_GIS_FIELD_STRING);
  guint unit = dozor_gis_layer_add_field (layer, "unit", DOZOR_GIS_FIELD_STRING);
  guint start = dozor_gis_layer_add_field (layer, "shift_start", DOZOR_GIS_FIELD_DATETIME);
  guint end = dozor_gis_layer_add_field (layer, "shift_end", DOZOR_GIS_FIELD_DATETIME);
  JsonArray *routes = json_object_get_array_member (snapshot, "routes");

  for (guint i = 0; routes != NULL && i < json_array_get_length (routes); i++)
    {
      JsonObject *route = json_array_get_object_element (routes, i);
      const char *zone_id = dozor_json_get_string (route, "zone_id");
      const char *unit_id = dozor_json_get_string (route, "unit_id");
      guint f;

      add_geometry_feature (layer, json_object_get_member (route, "geometry"), &f);
      if (f == G_MAXUINT)
        continue;
      dozor_gis_layer_set_value (layer, f, name, dozor_json_get_string (route, "name"));
      dozor_gis_layer_set_value (layer, f, zone, zone_id != NULL ? g_hash_table_lookup (zone_names, zone_id) : NULL);
      dozor_gis_layer_set_value (layer, f, unit, unit_id != NULL ? g_hash_table_lookup (call_signs, unit_id) : NULL);
      dozor_gis_layer_set_value (layer, f, start, dozor_json_get_string (route, "shift_start"));
      dozor_gis_layer_set_value (layer, f, end, dozor_json_get_string (route, "shift_end"));
    }
  return layer;
}


/* A GeoJSON point at @location ({"lat", "lon"}), written with decimal
 * points whatever the locale: a Russian or Kazakh one would write commas,
 * and "[76,9300000,43,2385000]" is four numbers, not a place. */
static char *
point_json (JsonObject *location)
{
  char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("{\"type\":\"Point\",\"coordinates\":[%s,%s]}",
                          g_ascii_formatd (lon, sizeof lon, "%.7f", json_object_get_double_member (location, "lon")),
                          g_ascii_formatd (lat, sizeof lat, "%.7f", json_object_get_double_member (location, "lat")));
}
/**
 * dozor_gis_export_places:
 * @snapshot: a snapshot, with `places`
 *
 * Returns: (transfer full): layer "places": name, kind, category, stream_url
 */
DozorGisLayer *
dozor_gis_export_places (JsonObject *snapshot)
{
  static const char *const members[] = { "name", "kind", "category", "stream_url" };
  DozorGisLayer *layer = dozor_gis_layer_new ("places");
  JsonArray *places = json_object_get_array_member (snapshot, "places");
  guint fields[G_N_ELEMENTS (members)];

  for (guint m = 0; m < G_N_ELEMENTS (members); m++)
    fields[m] = dozor_gis_layer_add_field (layer, members[m], DOZOR_GIS_FIELD_STRING);

  for (guint i = 0; places != NULL && i < json_array_get_length (places); i++)
    {
      JsonObject *place = json_array_get_object_element (places, i);
      JsonObject *location = json_object_get_object_member (place, "location");
      g_autofree char *point = point_json (location);
      guint f = dozor_gis_layer_add_feature_json (layer, point, NULL);

      if (f == G_MAXUINT)
        continue;
      for (guint m = 0; m < G_N_ELEMENTS (members); m++)
        dozor_gis_layer_set_value (layer, f, fields[m], dozor_json_get_string (place, members[m]));
    }
  return layer;
}

static double
minutes_between (const char *from,
                 const char *to)
{
  g_autoptr(GDateTime) a = from != NULL ? g_date_time_new_from_iso8601 (from, NULL) : NULL;
  g_autoptr(GDateTime) b = to != NULL ? g_date_time_new_from_iso8601 (to, NULL) : NULL;

  if (a == NULL || b == NULL)
    return NAN;
  return g_date_time_difference (b, a) / (60.0 * G_USEC_PER_SEC);
}

/**
 * dozor_gis_export_incidents:
 * @incidents: incidents, each maybe with its `dispatches` (GET /incidents)
 * @with_callers: whether callers' names and phones go out too
 *
 * Callers' names and phones are personal data: out only when asked.
 *
 * Returns: (transfer full): layer "incidents": the timeline and the units sent
 */
DozorGisLayer *
dozor_gis_export_incidents (JsonArray *incidents,
                            gboolean   with_callers)
{
  static const char *const text_members[] = { "number", "type", "status", "address", "description" };
  static const char *const time_members[] = { "created_at", "dispatched_at", "on_scene_at", "closed_at" };
  DozorGisLayer *layer = dozor_gis_layer_new ("incidents");
  guint text_fields[G_N_ELEMENTS (text_members)], time_fields[G_N_ELEMENTS (time_members)];
  guint priority, units, to_scene, caller_name = 0, caller_phone = 0;

  for (guint m = 0; m < G_N_ELEMENTS (text_members); m++)
    text_fields[m] = dozor_gis_layer_add_field (layer, text_members[m], DOZOR_GIS_FIELD_STRING);
  priority = dozor_gis_layer_add_field (layer, "priority", DOZOR_GIS_FIELD_INTEGER);
  for (guint m = 0; m < G_N_ELEMENTS (time_members); m++)
    time_fields[m] = dozor_gis_layer_add_field (layer, time_members[m], DOZOR_GIS_FIELD_DATETIME);
  to_scene = dozor_gis_layer_add_field (layer, "minutes_to_scene", DOZOR_GIS_FIELD_REAL);
  units = dozor_gis_layer_add_field (layer, "units", DOZOR_GIS_FIELD_STRING);
  if (with_callers)
    {
      caller_name = dozor_gis_layer_add_field (layer, "caller_name", DOZOR_GIS_FIELD_STRING);
      caller_phone = dozor_gis_layer_add_field (layer, "caller_phone", DOZOR_GIS_FIELD_STRING);
    }

  for (guint i = 0; incidents != NULL && i < json_array_get_length (incidents); i++)
    {
      JsonObject *incident = json_array_get_object_element (incidents, i);
      JsonObject *location = json_object_get_object_member (incident, "location");
      JsonArray *dispatches = json_object_get_array_member (incident, "dispatches");
      g_autoptr(GString) sent = g_string_new (NULL);
      g_autofree char *point = NULL;
      g_autofree char *priority_text = NULL;
      char minutes[G_ASCII_DTOSTR_BUF_SIZE];
      double to_scene_minutes;
      g_autoptr(GError) error = NULL;
      guint f;

      point = point_json (location);
      f = dozor_gis_layer_add_feature_json (layer, point, &error);
      if (f == G_MAXUINT)
        continue;

      for (guint m = 0; m < G_N_ELEMENTS (text_members); m++)
        dozor_gis_layer_set_value (layer, f, text_fields[m], dozor_json_get_string (incident, text_members[m]));
      for (guint m = 0; m < G_N_ELEMENTS (time_members); m++)
        dozor_gis_layer_set_value (layer, f, time_fields[m], dozor_json_get_string (incident, time_members[m]));
      priority_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (incident, "priority"));
      dozor_gis_layer_set_value (layer, f, priority, priority_text);

      to_scene_minutes = minutes_between (dozor_json_get_string (incident, "created_at"), dozor_json_get_string (incident, "on_scene_at"));
      if (!isnan (to_scene_minutes))
        dozor_gis_layer_set_value (layer, f, to_scene, g_ascii_formatd (minutes, sizeof minutes, "%.1f", to_scene_minutes));

      for (guint d = 0; dispatches != NULL && d < json_array_get_length (dispatches); d++)
        g_string_append_printf (sent, "%s%s", d > 0 ? ", " : "",
                                dozor_json_get_string (json_array_get_object_element (dispatches, d), "call_sign"));
      if (sent->len > 0)
        dozor_gis_layer_set_value (layer, f, units, sent->str);

      if (with_callers)
        {
          dozor_gis_layer_set_value (layer, f, caller_name, dozor_json_get_string (incident, "caller_name"));
          dozor_gis_layer_set_value (layer, f, caller_phone, dozor_json_get_string (incident, "caller_phone"));
        }
    }
  return layer;
}

