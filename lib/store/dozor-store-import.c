/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Many zones, routes and places in one command, for GIS import: all of them are
 * applied in the caller's transaction or none are, so a file with one bad
 * feature changes nothing. Items may name their district, zone and unit
 * instead of giving ids, because a GIS file knows names, not Dozor's ids;
 * districts are applied before sectors so that one file can hold both.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-field.h"
#include "dozor-json.h"
#include "dozor-store.h"

typedef enum
{
  ON_EXISTING_FAIL,
  ON_EXISTING_UPDATE,
} OnExisting;

static gboolean G_GNUC_PRINTF (2, 3)
invalid (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, message);
  return FALSE;
}

/* A copy of @item without @name_member, with @id_member set from it. */
static gboolean
resolve_name (JsonObject  *item,
              const char  *name_member,
              const char  *id_member,
              char      *(*find) (DozorStore *, const char *, GError **),
              DozorStore  *store,
              GError     **error)
{
  const char *name;
  g_autofree char *id = NULL;

  if (!json_object_has_member (item, name_member))
    return TRUE;

  if (json_object_has_member (item, id_member))
    return invalid (error, _("give %s or %s, not both"), id_member, name_member);

  name = dozor_json_get_string (item, name_member);
  if (name == NULL || *name == '\0')
    return invalid (error, _("%s must be a name"), name_member);

  id = find (store, name, error);
  if (id == NULL)
    return FALSE;

  json_object_remove_member (item, name_member);
  json_object_set_string_member (item, id_member, id);
  return TRUE;
}

static char *
find_district (DozorStore  *store,
               const char  *name,
               GError     **error)
{
  char *id = dozor_store_find_zone (store, NULL, name);

  if (id == NULL)
    invalid (error, _("parent_name: there is no district “%s”"), name);
  return id;
}

static char *
find_any_zone (DozorStore  *store,
               const char  *name,
               GError     **error)
{
  gboolean ambiguous;
  char *id = dozor_store_find_zone_by_name (store, name, &ambiguous);

  if (ambiguous)
    invalid (error, _("zone_name: more than one zone is called “%s”; give zone_id"), name);
  else if (id == NULL)
    invalid (error, _("zone_name: there is no zone “%s”"), name);
  return id;
}

static char *
find_unit (DozorStore  *store,
           const char  *call_sign,
           GError     **error)
{
  char *id = dozor_store_find_unit (store, call_sign);

  if (id == NULL)
    invalid (error, _("unit_call_sign: there is no unit “%s”"), call_sign);
  return id;
}

static JsonObject *
copy_object (JsonObject *source)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  json_object_iter_init (&iter, source);
  while (json_object_iter_next (&iter, &member, &value))
    json_object_set_member (copy, member, json_node_copy (value));
  return copy;
}

static void
add_result (JsonArray  *results,
            guint       index,
            JsonNode   *entity,
            const char *action)
{
  JsonObject *source = json_node_get_object (entity);
  JsonObject *result = json_object_new ();

  json_object_set_int_member (result, "index", index);
  json_object_set_string_member (result, "id", json_object_get_string_member (source, "id"));
  json_object_set_string_member (result, "name", json_object_get_string_member (source, "name"));
  json_object_set_int_member (result, "version", json_object_get_int_member (source, "version"));
  json_object_set_string_member (result, "action", action);
  json_array_add_object_element (results, result);
}

/* Only geometry changes on an update: a file's name is how the zone or
 * route was found, and the rest belongs to the duty roster. */
static JsonObject *
geometry_only (JsonObject *item)
{
  JsonObject *changes = json_object_new ();

  if (json_object_has_member (item, "geometry"))
    json_object_set_member (changes, "geometry", json_node_copy (json_object_get_member (item, "geometry")));
  return changes;
}

typedef JsonNode *(*CreateFunc) (DozorStore *, JsonObject *, GError **);
typedef JsonNode *(*UpdateFunc) (DozorStore *, const char *, gint64, JsonObject *, GError **);

/* The entity @existing names, if any, gets @changes; otherwise @input
 * makes a new one. Either way the result is listed under @index. */
static gboolean
update_or_create (DozorStore  *self,
                  const char  *table,
                  const char  *existing,
                  JsonObject  *changes,
                  UpdateFunc   update,
                  JsonObject  *input,
                  CreateFunc   create,
                  guint        index,
                  JsonArray   *results,
                  GError     **error)
{
  g_autoptr(JsonNode) entity = NULL;

  if (existing != NULL)
    entity = update (self, existing, dozor_store_get_version (self, table, existing), changes, error);
  else
    entity = create (self, input, error);
  if (entity == NULL)
    return FALSE;

  add_result (results, index, entity, existing != NULL ? "updated" : "created");
  return TRUE;
}

static gboolean
import_zone (DozorStore  *self,
             JsonObject  *item,
             guint        index,
             OnExisting   on_existing,
             JsonArray   *results,
             GError     **error)
{
  g_autoptr(JsonObject) input = copy_object (item);
  g_autoptr(JsonObject) changes = NULL;
  g_autofree char *existing = NULL;
  const char *name;

  if (!resolve_name (input, "parent_name", "parent_id", find_district, self, error))
    return FALSE;

  name = dozor_json_get_string (input, "name");
  if (name != NULL)
    existing = dozor_store_find_zone (self, dozor_json_get_string (input, "parent_id"),
                                      name);

  if (on_existing != ON_EXISTING_UPDATE)
    g_clear_pointer (&existing, g_free);
  changes = geometry_only (input);
  return update_or_create (self, "zones", existing, changes, dozor_store_update_zone, input, dozor_store_create_zone,
                           index, results, error);
}

static gboolean
import_route (DozorStore  *self,
              JsonObject  *item,
              guint        index,
              OnExisting   on_existing,
              JsonArray   *results,
              GError     **error)
{
  g_autoptr(JsonObject) input = copy_object (item);
  g_autoptr(JsonObject) changes = NULL;
  g_autofree char *existing = NULL;
  const char *name;

  if (!resolve_name (input, "zone_name", "zone_id", find_any_zone, self, error) ||
      !resolve_name (input, "unit_call_sign", "unit_id", find_unit, self, error))
    return FALSE;

  name = dozor_json_get_string (input, "name");
  if (name != NULL && on_existing == ON_EXISTING_UPDATE)
    existing = dozor_store_find_route (self, name);

  changes = geometry_only (input);
  return update_or_create (self, "routes", existing, changes, dozor_store_update_route, input,
                           dozor_store_create_route, index, results, error);
}

/* Only geometry changes on an update of a zone or route; a place's location
 * and what the file says about it. */
static JsonObject *
place_changes (JsonObject *item)
{
  static const char *const members[] = { "location", "category", "stream_url" };
  JsonObject *changes = json_object_new ();

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (json_object_has_member (item, members[i]))
      json_object_set_member (changes, members[i], json_node_copy (json_object_get_member (item, members[i])));
  return changes;
}

static gboolean
import_place (DozorStore  *self,
              JsonObject  *item,
              guint        index,
              OnExisting   on_existing,
              JsonArray   *results,
              GError     **error)
{
  g_autoptr(JsonObject) changes = NULL;
  g_autofree char *existing = NULL;
  const char *kind = dozor_json_get_string (item, "kind");
  const char *name = dozor_json_get_string (item, "name");

  if (kind != NULL && name != NULL && on_existing == ON_EXISTING_UPDATE)
    {
      gboolean ambiguous;

      existing = dozor_store_find_place (self, kind, name, &ambiguous);
      if (ambiguous)
        return invalid (error, _("more than one place of this kind has this name, so which to update is unclear"));
    }

  changes = place_changes (item);
  return update_or_create (self, "places", existing, changes, dozor_store_update_place, item,
                           dozor_store_create_place, index, results, error);
}

/* Posts come one per feature, each naming its plan: they are grouped into
 * plans in the order the plans first appear, and each plan is created, or
 * with on_existing "update" given these posts (new ids) in place of its
 * own. A post without units_needed needs one unit. */
static gboolean
import_posts (DozorStore  *self,
              JsonArray   *posts,
              OnExisting   on_existing,
              JsonArray   *results,
              GError     **error)
{
  g_autoptr(GHashTable) by_plan = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) lists = g_ptr_array_new_with_free_func ((GDestroyNotify) json_array_unref);

  for (guint i = 0; posts != NULL && i < json_array_get_length (posts); i++)
    {
      JsonNode *node = json_array_get_element (posts, i);
      JsonObject *post, *copy;
      const char *plan;
      gpointer slot;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, _("%s[%u] must be an object"), "posts", i);
      post = json_node_get_object (node);
      plan = dozor_json_get_string (post, "plan");
      if (plan == NULL || *plan == '\0' || dozor_field_check_text (DOZOR_FIELD_NAME, plan) != NULL)
        return invalid (error, "posts[%u]: plan: %s", i, _("must be the name of the post’s plan")), FALSE;

      copy = copy_object (post);
      json_object_remove_member (copy, "plan");
      if (!json_object_has_member (copy, "units_needed"))
        json_object_set_int_member (copy, "units_needed", 1);
      if (!g_hash_table_lookup_extended (by_plan, plan, NULL, &slot))
        {
          slot = GUINT_TO_POINTER (order->len);
          g_hash_table_insert (by_plan, (gpointer) plan, slot);
          g_ptr_array_add (order, (gpointer) plan);
          g_array_append_val (first, i);
          g_ptr_array_add (lists, json_array_new ());
        }
      json_array_add_object_element (lists->pdata[GPOINTER_TO_UINT (slot)], copy);
    }

  for (guint p = 0; p < order->len; p++)
    {
      g_autoptr(JsonObject) input = json_object_new ();
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autofree char *existing = on_existing == ON_EXISTING_UPDATE ? dozor_store_find_plan (self, order->pdata[p])
                                                                    : NULL;
      g_autoptr(JsonNode) plan = NULL;

      json_object_set_string_member (input, "name", order->pdata[p]);
      json_object_set_array_member (input, "posts", json_array_ref (lists->pdata[p]));
      json_object_set_array_member (changes, "posts", json_array_ref (lists->pdata[p]));
      if (existing != NULL)
        plan = dozor_store_update_plan (self, existing, -1, changes, error);
      else
        plan = dozor_store_create_plan (self, input, error);
      if (plan == NULL)
        {
          g_prefix_error (error, "posts[%u] “%s”: ", g_array_index (first, guint, p), (const char *) order->pdata[p]);
          return FALSE;
        }
      add_result (results, g_array_index (first, guint, p), plan, existing != NULL ? "updated" : "created");
    }
  return TRUE;
}

typedef enum
{
  PASS_ALL,
  PASS_DISTRICTS,
  PASS_OTHER_ZONES,
} Pass;

typedef gboolean (*ImportFunc) (DozorStore *, JsonObject *, guint, OnExisting, JsonArray *, GError **);

/* Districts before sectors: a sector names its district. */
static gboolean
import_list (DozorStore  *self,
             JsonArray   *items,
             const char  *list_name,
             Pass         pass,
             ImportFunc   func,
             OnExisting   on_existing,
             JsonArray   *results,
             GError     **error)
{
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item;
      const char *name;
      gboolean is_district;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error, _("%s[%u] must be an object"), list_name, i);

      item = json_node_get_object (node);
      is_district = g_strcmp0 (dozor_json_get_string (item, "kind"), "district") == 0;
      if ((pass == PASS_DISTRICTS && !is_district) || (pass == PASS_OTHER_ZONES && is_district))
        continue;

      if (!func (self, item, i, on_existing, results, error))
        {
          name = dozor_json_get_string (item, "name");
          /* A name that was refused for what it holds is not repeated. */
          if (name != NULL && dozor_field_check_text (DOZOR_FIELD_NAME, name) == NULL)
            g_prefix_error (error, "%s[%u] “%s”: ", list_name, i, name);
          else
            g_prefix_error (error, "%s[%u]: ", list_name, i);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
get_list (JsonObject  *input,
          const char  *member,
          JsonArray  **list,
          GError     **error)
{
  JsonNode *node = json_object_get_member (input, member);

  *list = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, _("%s must be a list"), member);
  *list = json_node_get_array (node);
  return TRUE;
}

/**
 * dozor_store_import:
 * @self: a #DozorStore, inside a transaction
 * @input: `zones`, `routes` and `places`, lists of what `POST /zones`,
 *   `POST /routes` and `POST /places` take, `posts` of plans (each with its
 *   plan's name in `plan`), where `parent_name`, `zone_name` and `unit_call_sign` may
 *   stand for the ids; and `on_existing`: `fail` (the default) or `update`,
 *   which replaces the geometry of a zone or route of the same name
 * @error: return location for a #GError naming the item at fault
 *
 * Applies every item or, on the first error, stops: the caller rolls the
 * transaction back and nothing is changed.
 *
 * Returns: (transfer full): `{"zones": [...], "routes": [...], "places": [...], "plans": [...]}`, each item's
 *   index in the input, id, name, version and `created` or `updated`
 */
JsonNode *
dozor_store_import (DozorStore  *self,
                    JsonObject  *input,
                    GError     **error)
{
  g_autoptr(JsonArray) zone_results = json_array_new ();
  g_autoptr(JsonArray) route_results = json_array_new ();
  g_autoptr(JsonArray) place_results = json_array_new ();
  g_autoptr(JsonArray) plan_results = json_array_new ();
  /* Absent is "fail"; anything but one of the two words is refused. */
  const char *on_existing_text = json_object_has_member (input, "on_existing")
                                 ? dozor_json_get_string (input, "on_existing") : "fail";
  JsonArray *zones, *routes, *places, *posts;
  OnExisting on_existing;
  JsonObject *answer;
  JsonNode *node;
  guint n_items;

  if (g_strcmp0 (on_existing_text, "fail") == 0)
    on_existing = ON_EXISTING_FAIL;
  else if (g_strcmp0 (on_existing_text, "update") == 0)
    on_existing = ON_EXISTING_UPDATE;
  else
    return invalid (error, _("on_existing must be “fail” or “update”")), NULL;

  if (!get_list (input, "zones", &zones, error) || !get_list (input, "routes", &routes, error) ||
      !get_list (input, "places", &places, error) || !get_list (input, "posts", &posts, error))
    return NULL;

  n_items = (zones != NULL ? json_array_get_length (zones) : 0) + (routes != NULL ? json_array_get_length (routes) : 0) +
            (places != NULL ? json_array_get_length (places) : 0) + (posts != NULL ? json_array_get_length (posts) : 0);
  if (n_items == 0)
    return invalid (error, _("the import holds no zones, routes, places or posts")), NULL;
  if (n_items > DOZOR_STORE_MAX_IMPORT_ITEMS)
    return invalid (error, _("an import holds at most %u zones, routes, places and posts"),
                    DOZOR_STORE_MAX_IMPORT_ITEMS), NULL;

  if (!import_list (self, zones, "zones", PASS_DISTRICTS, import_zone, on_existing, zone_results, error) ||
      !import_list (self, zones, "zones", PASS_OTHER_ZONES, import_zone, on_existing, zone_results, error) ||
      !import_list (self, routes, "routes", PASS_ALL, import_route, on_existing, route_results, error) ||
      !import_list (self, places, "places", PASS_ALL, import_place, on_existing, place_results, error) ||
      !import_posts (self, posts, on_existing, plan_results, error))
    return NULL;

  answer = json_object_new ();
  json_object_set_array_member (answer, "zones", g_steal_pointer (&zone_results));
  json_object_set_array_member (answer, "routes", g_steal_pointer (&route_results));
  json_object_set_array_member (answer, "places", g_steal_pointer (&place_results));
  json_object_set_array_member (answer, "plans", g_steal_pointer (&plan_results));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, answer);
  return node;
}
