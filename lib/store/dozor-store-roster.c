/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty roster (issue 17, item 1; docs/api.md, "Duty roster"): who is
 * on duty when, with which crew, vehicle, radio and weapons, on which
 * route, post or sector; its import and export as CSV; and the flags
 * dozord raises from it against the units' fixes.
 *
 * An entry with a route writes the route's unit and shift, so that route
 * compliance judges whom the roster put there without reading the roster
 * itself (docs/decisions.md, "Duty roster").
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "dozor-roster-csv.h"
#include "dozor-store-post-rules.h"
#include "dozor-store-private.h"

#define ROSTER_MAX_READ 5000
#define ROSTER_MAX_HOURS 24

/* Seconds since 1970 of a time as the store writes it. */
#define EPOCH(x) "((julianday(" x ") - 2440587.5) * 86400.0)"

#define ROSTER_JSON \
  "json_object('id', id, 'shift_date', shift_date, 'from', start_at, 'to', end_at, 'unit_id', unit_id," \
  " 'crew', json(crew), 'vehicle', vehicle, 'radio', radio, 'weapons', json(weapons)," \
  " 'route_id', route_id, 'post', CASE WHEN post_name IS NULL THEN NULL ELSE json_object('name', post_name," \
  "   'location', json_object('lat', " NUMBER ("post_lat", "%.7f") ", 'lon', " NUMBER ("post_lon", "%.7f") ")) END," \
  " 'place_id', place_id, 'zone_id', zone_id, 'created_at', created_at, 'created_by', created_by," \
  " 'drawn_late', json(CASE WHEN drawn_late <> 0 THEN 'true' ELSE 'false' END), 'version', version," \
  " 'compliance', CASE WHEN post_name IS NULL AND place_id IS NULL THEN NULL ELSE " DOZOR_STORE_POST_RULES_JSON " END)"

#define FLAG_JSON \
  "json_object('id', id, 'kind', kind, 'unit_id', unit_id, 'entry_id', entry_id, 'since', since," \
  " 'cleared_at', cleared_at)"

/* An entry as it is written, every member checked. */
typedef struct
{
  const char *shift_date;
  char *start;
  char *end;
  const char *unit_id;
  char *crew;
  const char *vehicle;
  const char *radio;
  char *weapons;
  const char *route_id;
  const char *post_name;
  double post_lat;
  double post_lon;
  const char *place_id;
  const char *zone_id;
} Entry;

static void
entry_clear (Entry *entry)
{
  g_free (entry->start);
  g_free (entry->end);
  g_free (entry->crew);
  g_free (entry->weapons);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Entry, entry_clear)

/**
 * dozor_store_create_roster:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Makes the roster's tables where a database does not have them yet.
 *
 * Returns: whether they are there
 */
gboolean
dozor_store_create_roster (DozorStore  *self,
                           GError     **error)
{
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS roster ("
                           "  id TEXT PRIMARY KEY, shift_date TEXT NOT NULL,"
                           "  start_at TEXT NOT NULL, end_at TEXT NOT NULL,"
                           "  unit_id TEXT NOT NULL REFERENCES units (id),"
                           "  crew TEXT NOT NULL DEFAULT '[]', vehicle TEXT, radio TEXT,"
                           "  weapons TEXT NOT NULL DEFAULT '[]',"
                           "  route_id TEXT REFERENCES routes (id) ON DELETE SET NULL,"
                           "  post_name TEXT, post_lat REAL, post_lon REAL,"
                           "  place_id TEXT REFERENCES places (id) ON DELETE SET NULL,"
                           "  zone_id TEXT REFERENCES zones (id) ON DELETE SET NULL,"
                           "  created_at TEXT NOT NULL, created_by TEXT NOT NULL,"
                           "  drawn_late INTEGER NOT NULL, version INTEGER NOT NULL);"
                           "CREATE INDEX IF NOT EXISTS roster_by_end ON roster (end_at);"
                           "CREATE INDEX IF NOT EXISTS roster_by_unit ON roster (unit_id, start_at);"
                           /* Flags stay after they clear: the shift's figures. */
                           "CREATE TABLE IF NOT EXISTS roster_flags ("
                           "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, unit_id TEXT NOT NULL, entry_id TEXT,"
                           "  since TEXT NOT NULL, cleared_at TEXT);"
                           "CREATE INDEX IF NOT EXISTS roster_flags_open ON roster_flags (kind) WHERE cleared_at IS NULL;"
                           "CREATE INDEX IF NOT EXISTS roster_flags_by_since ON roster_flags (since);",
                           error);
}

static char *
one_text (DozorStore *self,
          const char *sql,
          const char *arg)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, NULL);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, arg);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW || dozor_db_column_is_null (stmt, 0))
    return NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

static char *
entry_json (DozorStore *self,
            const char *id)
{
  return one_text (self, "SELECT " ROSTER_JSON " FROM roster WHERE id = ?1", id);
}

/* An RFC 3339 member as the roster keeps it: UTC, to the second. */
static gboolean
get_time (JsonObject  *object,
          const char  *field,
          char       **value,
          GDateTime  **time,
          GError     **error)
{
  const char *text;
  g_autoptr(GDateTime) parsed = NULL;

  if (!dozor_store_get_text (object, field, DOZOR_FIELD_NAME, TRUE, 64, &text, error))
    return FALSE;
  parsed = g_date_time_new_from_iso8601 (text, NULL);
  if (parsed == NULL)
    return dozor_store_set_invalid (error, field, _("must be an RFC 3339 time"));
  *time = g_date_time_to_utc (parsed);
  *value = g_date_time_format (*time, "%Y-%m-%dT%H:%M:%SZ");
  return TRUE;
}

static gboolean
get_date (JsonObject  *object,
          const char **value,
          GError     **error)
{
  int year, month, day;
  char rest;

  if (!dozor_store_get_text (object, "shift_date", DOZOR_FIELD_NAME, TRUE, 10, value, error))
    return FALSE;
  if (strlen (*value) != 10 || sscanf (*value, "%4d-%2d-%2d%c", &year, &month, &day, &rest) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return dozor_store_set_invalid (error, "shift_date", _("must be a date, YYYY-MM-DD"));
  return TRUE;
}

static gboolean
exists (DozorStore *self,
        const char *table,
        const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM %s WHERE id = ?1", table);
  g_autofree char *found = one_text (self, sql, id);

  return found != NULL;
}

/* An optional reference: absent or null is none. */
static gboolean
get_reference (DozorStore  *self,
               JsonObject  *object,
               const char  *field,
               const char  *table,
               gboolean     required,
               const char **id,
               GError     **error)
{
  if (!dozor_store_get_text (object, field, DOZOR_FIELD_NAME, required, 64, id, error))
    return FALSE;
  if (*id != NULL && !exists (self, table, *id))
    return dozor_store_set_invalid (error, field, _("names nothing that exists"));
  return TRUE;
}

static gboolean
get_crew (JsonObject  *object,
          char       **crew,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, "crew");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *members;

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_ARRAY (node))
    return dozor_store_set_invalid (error, "crew", _("must be an array of crew members"));
  members = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (members != NULL && json_array_get_length (members) > 8)
    return dozor_store_set_invalid (error, "crew", _("has more than 8 members"));

  json_builder_begin_array (builder);
  for (guint i = 0; members != NULL && i < json_array_get_length (members); i++)
    {
      JsonNode *element = json_array_get_element (members, i);
      g_autofree char *path = g_strdup_printf ("crew[%u]", i);
      const char *name, *rank, *number;
      JsonObject *member;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return dozor_store_set_invalid (error, path, _("must be an object with name, rank and personal_number"));
      member = json_node_get_object (element);
      if (!dozor_store_get_text (member, "name", DOZOR_FIELD_NAME, TRUE, 64, &name, error) ||
          !dozor_store_get_text (member, "rank", DOZOR_FIELD_NAME, FALSE, 64, &rank, error) ||
          !dozor_store_get_text (member, "personal_number", DOZOR_FIELD_NAME, FALSE, 32, &number, error))
        {
          g_prefix_error (error, "%s.", path);
          return FALSE;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "rank");
      json_builder_add_string_value (builder, rank != NULL ? rank : "");
      json_builder_set_member_name (builder, "personal_number");
      json_builder_add_string_value (builder, number != NULL ? number : "");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  *crew = json_to_string (root, FALSE);
  return TRUE;
}

static gboolean
get_weapons (JsonObject  *object,
             char       **weapons,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, "weapons");
  JsonArray *list;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      *weapons = g_strdup ("[]");
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return dozor_store_set_invalid (error, "weapons", _("must be an array of weapon numbers"));
  list = json_node_get_array (node);
  if (json_array_get_length (list) > 16)
    return dozor_store_set_invalid (error, "weapons", _("has more than 16 numbers"));
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      g_autofree char *path = g_strdup_printf ("weapons[%u]", i);
      const char *refused;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          *json_node_get_string (element) == '\0' || g_utf8_strlen (json_node_get_string (element), -1) > 64)
        return dozor_store_set_invalid (error, path, _("must be a weapon number of 1 to 64 characters"));
      refused = dozor_field_check_text (DOZOR_FIELD_NAME, json_node_get_string (element));
      if (refused != NULL)
        return dozor_store_set_invalid (error, path, refused);
    }
  *weapons = json_to_string (node, FALSE);
  return TRUE;
}

static gboolean
get_post (JsonObject  *object,
          Entry       *entry,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, "post");
  JsonObject *post;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return dozor_store_set_invalid (error, "post", _("must be an object with name and location"));
  post = json_node_get_object (node);
  if (!dozor_store_get_text (post, "name", DOZOR_FIELD_NAME, TRUE, 128, &entry->post_name, error) ||
      !dozor_store_get_location (post, "location", &entry->post_lat, &entry->post_lon, error))
    {
      g_prefix_error (error, "post.");
      return FALSE;
    }
  return TRUE;
}

/* Every member of an entry, checked; @id is the entry itself on update. */
static gboolean
get_entry (DozorStore  *self,
           JsonObject  *object,
           const char  *id,
           Entry       *entry,
           GError     **error)
{
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;
  g_autoptr(DozorDbStmt) overlap = NULL;
  GTimeSpan length;

  if (!get_date (object, &entry->shift_date, error) ||
      !get_time (object, "from", &entry->start, &start, error) ||
      !get_time (object, "to", &entry->end, &end, error) ||
      !get_reference (self, object, "unit_id", "units", TRUE, &entry->unit_id, error) ||
      !get_crew (object, &entry->crew, error) ||
      !dozor_store_get_text (object, "vehicle", DOZOR_FIELD_NAME, FALSE, 64, &entry->vehicle, error) ||
      !dozor_store_get_text (object, "radio", DOZOR_FIELD_NAME, FALSE, 64, &entry->radio, error) ||
      !get_weapons (object, &entry->weapons, error) ||
      !get_reference (self, object, "route_id", "routes", FALSE, &entry->route_id, error) ||
      !get_post (object, entry, error) ||
      !get_reference (self, object, "place_id", "places", FALSE, &entry->place_id, error) ||
      !get_reference (self, object, "zone_id", "zones", FALSE, &entry->zone_id, error))
    return FALSE;

  length = g_date_time_difference (end, start);
  if (length <= 0)
    return dozor_store_set_invalid (error, "to", _("must come after from"));
  if (length > ROSTER_MAX_HOURS * G_TIME_SPAN_HOUR)
    return dozor_store_set_invalid (error, "to", _("lies more than 24 hours after from"));
  if ((entry->route_id != NULL) + (entry->post_name != NULL) + (entry->place_id != NULL) > 1)
    return dozor_store_set_invalid (error, "route_id", _("an entry has one route, post or place at most"));

  overlap = dozor_store_prepare (self, "SELECT 1 FROM roster WHERE unit_id = ?1 AND id <> ?2"
                                       " AND start_at < ?4 AND end_at > ?3", error);
  if (overlap == NULL)
    return FALSE;
  dozor_db_bind_text (overlap, 1, entry->unit_id);
  dozor_db_bind_text (overlap, 2, id != NULL ? id : "");
  dozor_db_bind_text (overlap, 3, entry->start);
  dozor_db_bind_text (overlap, 4, entry->end);
  if (dozor_db_step (overlap) == DOZOR_DB_ROW)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The unit has another roster entry in this window"));
      return FALSE;
    }
  return TRUE;
}

/* Sets a route's unit and shift, or clears them (@unit_id NULL) when the
 * route still holds @start and @end; a route.updated event if it changed. */
static gboolean
set_route (DozorStore  *self,
           const char  *route_id,
           const char  *unit_id,
           const char  *start,
           const char  *end,
           GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT unit_id IS NOT DISTINCT FROM ?2 AND shift_start IS NOT DISTINCT FROM ?3"
                                                            " AND shift_end IS NOT DISTINCT FROM ?4 FROM routes WHERE id = ?1",
                                                      error);
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonNode) route = NULL;
  g_autoptr(GDateTime) start_time = g_date_time_new_from_iso8601 (start, NULL);
  g_autoptr(GDateTime) end_time = g_date_time_new_from_iso8601 (end, NULL);
  g_autofree char *route_start = g_date_time_format (start_time, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *route_end = g_date_time_format (end_time, "%Y-%m-%dT%H:%M:%SZ");
  gboolean same;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, route_id);
  dozor_db_bind_text (stmt, 2, unit_id);
  dozor_db_bind_text (stmt, 3, route_start);
  dozor_db_bind_text (stmt, 4, route_end);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return TRUE; /* the route is gone */
  same = dozor_db_column_int64 (stmt, 0);

  if (unit_id != NULL && same)
    return TRUE;
  if (unit_id == NULL)
    {
      g_autoptr(DozorDbStmt) held = dozor_store_prepare (self, "SELECT shift_start IS NOT DISTINCT FROM ?2 AND shift_end IS NOT DISTINCT FROM ?3"
                                                                " FROM routes WHERE id = ?1", error);

      if (held == NULL)
        return FALSE;
      dozor_db_bind_text (held, 1, route_id);
      dozor_db_bind_text (held, 2, route_start);
      dozor_db_bind_text (held, 3, route_end);
      if (dozor_db_step (held) != DOZOR_DB_ROW || !dozor_db_column_int64 (held, 0))
        return TRUE; /* someone gave the route another shift meanwhile */
      json_object_set_null_member (changes, "unit_id");
      json_object_set_null_member (changes, "shift_start");
      json_object_set_null_member (changes, "shift_end");
    }
  else
    {
      json_object_set_string_member (changes, "unit_id", unit_id);
      json_object_set_string_member (changes, "shift_start", route_start);
      json_object_set_string_member (changes, "shift_end", route_end);
    }
  route = dozor_store_update_route (self, route_id, -1, changes, error);
  return route != NULL;
}

static gboolean
drawn_late (const char *created_at,
            const char *start)
{
  g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (created_at, NULL);
  g_autoptr(GDateTime) from = g_date_time_new_from_iso8601 (start, NULL);

  return g_date_time_compare (created, from) > 0;
}

static void
bind_entry (DozorDbStmt *stmt,
            const Entry  *entry)
{
  dozor_db_bind_text (stmt, 2, entry->shift_date);
  dozor_db_bind_text (stmt, 3, entry->start);
  dozor_db_bind_text (stmt, 4, entry->end);
  dozor_db_bind_text (stmt, 5, entry->unit_id);
  dozor_db_bind_text (stmt, 6, entry->crew);
  dozor_db_bind_text (stmt, 7, entry->vehicle);
  dozor_db_bind_text (stmt, 8, entry->radio);
  dozor_db_bind_text (stmt, 9, entry->weapons);
  dozor_db_bind_text (stmt, 10, entry->route_id);
  dozor_db_bind_text (stmt, 11, entry->post_name);
  if (entry->post_name != NULL)
    {
      dozor_db_bind_double (stmt, 12, entry->post_lat);
      dozor_db_bind_double (stmt, 13, entry->post_lon);
    }
  dozor_db_bind_text (stmt, 14, entry->place_id);
  dozor_db_bind_text (stmt, 15, entry->zone_id);
}

static JsonNode *
finish (DozorStore  *self,
        const char  *id,
        const char  *type,
        GError     **error)
{
  g_autofree char *json = entry_json (self, id);

  if (json == NULL)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("The change was not stored"));
      return NULL;
    }
  if (!dozor_store_append_event (self, type, "roster", json, error))
    return NULL;
  return dozor_store_parse_json (json, error);
}

/**
 * dozor_store_create_roster_entry:
 * @self: a #DozorStore, in a transaction
 * @input: the entry's members (docs/api.md, "Duty roster")
 * @by: who draws it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the entry, or %NULL with @error set
 */
JsonNode *
dozor_store_create_roster_entry (DozorStore  *self,
                                 JsonObject  *input,
                                 const char  *by,
                                 GError     **error)
{
  g_auto(Entry) entry = { 0 };
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autoptr(JsonNode) node = NULL;

  if (!get_entry (self, input, NULL, &entry, error))
    return NULL;

  stmt = dozor_store_prepare (self, "INSERT INTO roster (id, shift_date, start_at, end_at, unit_id, crew, vehicle,"
                                    " radio, weapons, route_id, post_name, post_lat, post_lon, place_id, zone_id,"
                                    " created_at, created_by, drawn_late, version)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
                                    " ?16, ?17, ?18, 1)", error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  bind_entry (stmt, &entry);
  dozor_db_bind_text (stmt, 16, now);
  dozor_db_bind_text (stmt, 17, by);
  dozor_db_bind_int64 (stmt, 18, drawn_late (now, entry.start));
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  if (!dozor_store_save_post_rules (self, id, input, error))
    return NULL;

  /* The entry's event before the route's: route compliance first drops a
   * post the entry leaves, then takes the route (a unit is judged against
   * one route or post at a time). */
  node = finish (self, id, "roster.created", error);
  if (node == NULL ||
      (entry.route_id != NULL && !set_route (self, entry.route_id, entry.unit_id, entry.start, entry.end, error)))
    return NULL;
  return g_steal_pointer (&node);
}

/* The entry as it stands, or NOT_FOUND / STALE. */
static JsonNode *
current_entry (DozorStore  *self,
               const char  *id,
               gint64       expected,
               GError     **error)
{
  g_autofree char *json = entry_json (self, id);
  g_autoptr(JsonNode) node = NULL;
  gint64 version;

  if (json == NULL)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No roster entry “%s”"), id);
      return NULL;
    }
  node = dozor_store_parse_json (json, error);
  if (node == NULL)
    return NULL;
  version = json_object_get_int_member (json_node_get_object (node), "version");
  if (expected >= 0 && version != expected)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_STALE,
                   _("The roster entry has changed meanwhile: it is at version %lld, not %lld"),
                   (long long) version, (long long) expected);
      return NULL;
    }
  return g_steal_pointer (&node);
}

/* Clears the route an entry leaves, if it still holds the entry's window. */
static gboolean
leave_route (DozorStore  *self,
             JsonObject  *before,
             GError     **error)
{
  const char *route_id = json_object_get_string_member_with_default (before, "route_id", NULL);

  if (route_id == NULL)
    return TRUE;
  return set_route (self, route_id, NULL, json_object_get_string_member (before, "from"),
                    json_object_get_string_member (before, "to"), error);
}

/**
 * dozor_store_update_roster_entry:
 * @self: a #DozorStore, in a transaction
 * @id: the entry
 * @expected_version: the version the client saw, or -1
 * @changes: the members to change; null clears an optional one
 * @error: return location for a #GError
 *
 * A new route, post or place replaces the entry's assignment.
 *
 * Returns: (transfer full): the entry, or %NULL with @error set
 */
JsonNode *
dozor_store_update_roster_entry (DozorStore  *self,
                                 const char  *id,
                                 gint64       expected_version,
                                 JsonObject  *changes,
                                 GError     **error)
{
  static const char *const assignment[] = { "route_id", "post", "place_id" };
  g_auto(Entry) entry = { 0 };
  g_autoptr(JsonNode) before = current_entry (self, id, expected_version, error);
  g_autoptr(JsonNode) merged = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GList) names = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *created_at, *old_route;

  if (before == NULL)
    return NULL;
  /* A copy of its own: json_node_copy() would share the object. */
  {
    g_autofree char *text = json_to_string (before, FALSE);

    merged = dozor_store_parse_json (text, error);
  }
  if (merged == NULL)
    return NULL;
  object = json_node_get_object (merged);
  for (guint a = 0; a < G_N_ELEMENTS (assignment); a++)
    if (json_object_has_member (changes, assignment[a]))
      for (guint b = 0; b < G_N_ELEMENTS (assignment); b++)
        json_object_set_null_member (object, assignment[b]);
  names = json_object_get_members (changes);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (object, l->data, json_node_copy (json_object_get_member (changes, l->data)));

  if (!get_entry (self, object, id, &entry, error))
    return NULL;

  old_route = json_object_get_string_member_with_default (json_node_get_object (before), "route_id", NULL);
  if (old_route != NULL && !leave_route (self, json_node_get_object (before), error))
    return NULL;

  created_at = json_object_get_string_member (json_node_get_object (before), "created_at");
  stmt = dozor_store_prepare (self, "UPDATE roster SET shift_date = ?2, start_at = ?3, end_at = ?4, unit_id = ?5,"
                                    " crew = ?6, vehicle = ?7, radio = ?8, weapons = ?9, route_id = ?10,"
                                    " post_name = ?11, post_lat = ?12, post_lon = ?13, place_id = ?14,"
                                    " zone_id = ?15, drawn_late = ?16, version = version + 1 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  bind_entry (stmt, &entry);
  dozor_db_bind_int64 (stmt, 16, drawn_late (created_at, entry.start));
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  if (!dozor_store_save_post_rules (self, id, object, error))
    return NULL;

  /* The entry's event before the route's: route compliance first drops a
   * post the entry leaves, then takes the route (a unit is judged against
   * one route or post at a time). */
  node = finish (self, id, "roster.updated", error);
  if (node == NULL ||
      (entry.route_id != NULL && !set_route (self, entry.route_id, entry.unit_id, entry.start, entry.end, error)))
    return NULL;
  return g_steal_pointer (&node);
}

/**
 * dozor_store_delete_roster_entry:
 * @self: a #DozorStore, in a transaction
 * @id: the entry
 * @expected_version: the version the client saw, or -1
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the entry as it was, or %NULL with @error set
 */
JsonNode *
dozor_store_delete_roster_entry (DozorStore  *self,
                                 const char  *id,
                                 gint64       expected_version,
                                 GError     **error)
{
  g_autoptr(JsonNode) before = current_entry (self, id, expected_version, error);
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *json = NULL;

  if (before == NULL || !leave_route (self, json_node_get_object (before), error))
    return NULL;
  json = entry_json (self, id);
  stmt = dozor_store_prepare (self, "DELETE FROM roster WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  if (!dozor_store_append_event (self, "roster.deleted", "roster", json, error))
    return NULL;
  return dozor_store_parse_json (json, error);
}

/**
 * dozor_store_release_roster:
 * @self: a #DozorStore, in the transaction that deletes @id
 * @table: `routes`, `places` or `zones`
 * @id: the route, place or zone about to be deleted
 * @error: return location for a #GError
 *
 * Takes @id off every roster entry that names it, each a `roster.updated`
 * event with its version raised. The foreign keys would clear it anyway,
 * but silently: boards would keep showing the old assignment and an
 * editor's If-Match would hit a version that never changed
 * (docs/decisions.md, "Deleting what a roster entry names").
 *
 * Returns: whether every entry is updated
 */
gboolean
dozor_store_release_roster (DozorStore  *self,
                            const char  *table,
                            const char  *id,
                            GError     **error)
{
  const char *column = g_str_equal (table, "routes") ? "route_id"
                       : g_str_equal (table, "places") ? "place_id"
                       : g_str_equal (table, "zones") ? "zone_id" : NULL;
  g_autofree char *select = NULL;
  g_autofree char *update = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (column == NULL)
    return TRUE;

  select = g_strdup_printf ("SELECT id FROM roster WHERE %s = ?1 ORDER BY start_at, id", column);
  stmt = dozor_store_prepare (self, select, error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, id);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_ptr_array_add (ids, g_strdup (dozor_db_column_text (stmt, 0)));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  if (ids->len == 0)
    return TRUE;

  g_clear_pointer (&stmt, dozor_db_stmt_free);
  update = g_strdup_printf ("UPDATE roster SET %s = NULL, version = version + 1 WHERE %s = ?1", column, column);
  stmt = dozor_store_prepare (self, update, error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, id);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(JsonNode) entry = finish (self, ids->pdata[i], "roster.updated", error);

      if (entry == NULL)
        return FALSE;
    }
  return TRUE;
}

/* --- Reading ---------------------------------------------------------------- */

static gboolean
append_rows (DozorStore   *self,
             GString      *out,
             DozorDbStmt *stmt,
             GError      **error)
{
  int rc;

  g_string_append_c (out, '[');
  for (guint n = 0; (rc = dozor_db_step (stmt)) == DOZOR_DB_ROW; n++)
    {
      if (n > 0)
        g_string_append_c (out, ',');
      g_string_append (out, dozor_db_column_text (stmt, 0));
    }
  g_string_append_c (out, ']');
  return rc == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
}

/**
 * dozor_store_append_roster:
 * @self: a #DozorStore, in the snapshot's read transaction
 * @out: the snapshot so far
 * @error: return location for a #GError
 *
 * Appends `,"roster":[…],"roster_flags":[…]`: the entries of the shifts a
 * board shows (ending after 12 hours ago, beginning before 36 hours
 * ahead) and the flags not cleared.
 *
 * Returns: whether they were read
 */
gboolean
dozor_store_append_roster (DozorStore  *self,
                           GString     *out,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) entries = NULL;
  g_autoptr(DozorDbStmt) flags = NULL;

  entries = dozor_store_prepare (self, "SELECT " ROSTER_JSON " FROM roster"
                                       " WHERE end_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-12 hours')"
                                       " AND start_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+36 hours')"
                                       " ORDER BY start_at, unit_id", error);
  flags = dozor_store_prepare (self, "SELECT " FLAG_JSON " FROM roster_flags WHERE cleared_at IS NULL"
                                     " ORDER BY since, id", error);
  if (entries == NULL || flags == NULL)
    return FALSE;
  g_string_append (out, ",\"roster\":");
  if (!append_rows (self, out, entries, error))
    return FALSE;
  g_string_append (out, ",\"roster_flags\":");
  return append_rows (self, out, flags, error);
}

/* The entries whose window overlaps [from, to), either end open. */
static DozorDbStmt *
select_window (DozorStore  *self,
               const char  *columns,
               const char  *from,
               const char  *to,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM roster r"
                                          " WHERE (CAST(?1 AS TEXT) IS NULL OR " EPOCH ("r.end_at") " > " EPOCH ("?1") ")"
                                          " AND (CAST(?2 AS TEXT) IS NULL OR " EPOCH ("r.start_at") " < " EPOCH ("?2") ")"
                                          " ORDER BY r.start_at, r.unit_id LIMIT %d",
                                          columns, ROSTER_MAX_READ);
  DozorDbStmt *stmt = dozor_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  return stmt;
}

/**
 * dozor_store_list_roster:
 * @self: a #DozorStore
 * @query: (nullable): `from` and `to`, both optional
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{"from", "to", "entries", "flags"}` as JSON
 *   text, or %NULL with @error set (422 for a malformed bound)
 */
char *
dozor_store_list_roster (DozorStore  *self,
                         GHashTable  *query,
                         GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(DozorDbStmt) entries = NULL;
  g_autoptr(DozorDbStmt) flags = NULL;
  g_autoptr(GString) out = g_string_new ("{");
  g_autoptr(JsonNode) from_node = NULL;
  g_autoptr(JsonNode) to_node = NULL;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error))
    return NULL;
  entries = select_window (self, ROSTER_JSON, from, to, error);
  if (entries == NULL)
    return NULL;
  flags = dozor_store_prepare (self, "SELECT " FLAG_JSON " FROM roster_flags"
                                     " WHERE (CAST(?2 AS TEXT) IS NULL OR " EPOCH ("since") " < " EPOCH ("?2") ")"
                                     " AND (CAST(?1 AS TEXT) IS NULL OR cleared_at IS NULL OR " EPOCH ("cleared_at") " > " EPOCH ("?1") ")"
                                     " ORDER BY since, id LIMIT 5000", error);
  if (flags == NULL)
    return NULL;
  dozor_db_bind_text (flags, 1, from);
  dozor_db_bind_text (flags, 2, to);

  from_node = from != NULL ? json_node_init_string (json_node_alloc (), from) : json_node_init_null (json_node_alloc ());
  to_node = to != NULL ? json_node_init_string (json_node_alloc (), to) : json_node_init_null (json_node_alloc ());
  {
    g_autofree char *from_text = json_to_string (from_node, FALSE);
    g_autofree char *to_text = json_to_string (to_node, FALSE);

    g_string_append_printf (out, "\"from\":%s,\"to\":%s,\"entries\":", from_text, to_text);
  }
  if (!append_rows (self, out, entries, error))
    return NULL;
  g_string_append (out, ",\"flags\":");
  if (!append_rows (self, out, flags, error))
    return NULL;
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* --- CSV ---------------------------------------------------------------------- */

static const char *const csv_columns[] = {
  "shift_date", "from", "to", "call_sign", "crew", "vehicle", "radio", "weapons",
  "route", "post", "post_lat", "post_lon", "place", "sector", NULL
};

/**
 * dozor_store_export_roster:
 * @self: a #DozorStore
 * @query: (nullable): `from` and `to`, both optional
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the entries of the window as roster CSV
 *   (docs/api.md, "Roster CSV"), or %NULL with @error set
 */
char *
dozor_store_export_roster (DozorStore  *self,
                           GHashTable  *query,
                           GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  int rc;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error))
    return NULL;
  stmt = select_window (self,
                        "r.shift_date, r.start_at, r.end_at, (SELECT call_sign FROM units WHERE id = r.unit_id),"
                        " (SELECT group_concat(json_extract(value, '$.name') || '/' || json_extract(value, '$.rank')"
                        "   || '/' || json_extract(value, '$.personal_number'), ';') FROM json_each(r.crew)),"
                        " r.vehicle, r.radio,"
                        " (SELECT group_concat(value, ';') FROM json_each(r.weapons)),"
                        " (SELECT name FROM routes WHERE id = r.route_id), r.post_name,"
                        " CASE WHEN r.post_name IS NULL THEN NULL ELSE printf('%.7f', r.post_lat) END,"
                        " CASE WHEN r.post_name IS NULL THEN NULL ELSE printf('%.7f', r.post_lon) END,"
                        " (SELECT name FROM places WHERE id = r.place_id),"
                        " (SELECT name FROM zones WHERE id = r.zone_id)",
                        from, to, error);
  if (stmt == NULL)
    return NULL;

  for (guint c = 0; csv_columns[c] != NULL; c++)
    dozor_csv_append (out, csv_columns[c], csv_columns[c + 1] == NULL);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    for (guint c = 0; csv_columns[c] != NULL; c++)
      dozor_csv_append (out, dozor_db_column_text (stmt, c), csv_columns[c + 1] == NULL);
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What a CSV column names by name. */
typedef enum
{
  NAMED_UNIT,
  NAMED_ROUTE,
  NAMED_PLACE,
  NAMED_ZONE,
} Named;

/* Why a name names not exactly one: none (@found 0) or several. */
static char *
name_refused (Named       named,
              guint       found,
              const char *name)
{
  switch (named)
    {
    case NAMED_UNIT:
      return found == 0 ? g_strdup_printf (_("there is no unit with the call sign “%s”"), name)
                        : g_strdup_printf (_("several units have the call sign “%s”"), name);
    case NAMED_ROUTE:
      return found == 0 ? g_strdup_printf (_("there is no patrol route called “%s”"), name)
                        : g_strdup_printf (_("several patrol routes are called “%s”"), name);
    case NAMED_PLACE:
      return found == 0 ? g_strdup_printf (_("there is no place called “%s”"), name)
                        : g_strdup_printf (_("several places are called “%s”"), name);
    case NAMED_ZONE:
    default:
      return found == 0 ? g_strdup_printf (_("there is no zone called “%s”"), name)
                        : g_strdup_printf (_("several zones are called “%s”"), name);
    }
}

/* The id of the one unit, route, place or zone called @name. */
static gboolean
find_by_name (DozorStore  *self,
              Named        named,
              const char  *name,
              const char  *field,
              char       **id,
              GError     **error)
{
  static const char *const sql[] = {
    "SELECT id FROM units WHERE call_sign = ?1 LIMIT 2",
    "SELECT id FROM routes WHERE name = ?1 LIMIT 2",
    "SELECT id FROM places WHERE name = ?1 LIMIT 2",
    "SELECT id FROM zones WHERE name = ?1 LIMIT 2",
  };
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql[named], error);
  g_autofree char *why = NULL;
  guint found = 0;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, name);
  for (; found < 2 && dozor_db_step (stmt) == DOZOR_DB_ROW; found++)
    if (found == 0)
      *id = g_strdup (dozor_db_column_text (stmt, 0));
  if (found == 1)
    return TRUE;
  g_clear_pointer (id, g_free);
  why = name_refused (named, found, name);
  return dozor_store_set_invalid (error, field, why);
}

/* "a;b;c" as a JSON array of the non-empty parts, trimmed. */
static JsonNode *
split_list (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, ";", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_strstrip (parts[i]);
      if (parts[i][0] != '\0')
        json_array_add_string_element (array, parts[i]);
    }
  return json_node_init_array (json_node_alloc (), array);
}

static JsonNode *
split_crew (const char *text)
{
  g_auto(GStrv) members = g_strsplit (text, ";", -1);
  JsonArray *array = json_array_new ();

  for (guint i = 0; members[i] != NULL; i++)
    {
      g_auto(GStrv) parts = NULL;
      JsonObject *member;

      g_strstrip (members[i]);
      if (members[i][0] == '\0')
        continue;
      parts = g_strsplit (members[i], "/", 3);
      member = json_object_new ();
      json_object_set_string_member (member, "name", g_strstrip (parts[0]));
      json_object_set_string_member (member, "rank", parts[1] != NULL ? g_strstrip (parts[1]) : "");
      json_object_set_string_member (member, "personal_number", parts[1] != NULL && parts[2] != NULL ?
                                                                  g_strstrip (parts[2]) : "");
      json_array_add_object_element (array, member);
    }
  return json_node_init_array (json_node_alloc (), array);
}

static gboolean
get_coordinate (const char  *text,
                const char  *field,
                double      *value,
                GError     **error)
{
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (text[0] == '\0' || end == NULL || *end != '\0')
    return dozor_store_set_invalid (error, field, _("must be a number"));
  return TRUE;
}

/* A CSV row as the members POST /roster takes. */
static JsonObject *
row_to_input (DozorStore   *self,
              GHashTable   *cells,
              GError      **error)
{
  g_autoptr(JsonObject) input = json_object_new ();
  const char *text;

#define CELL(name) ((const char *) g_hash_table_lookup (cells, name))
  json_object_set_string_member (input, "shift_date", CELL ("shift_date"));
  json_object_set_string_member (input, "from", CELL ("from"));
  json_object_set_string_member (input, "to", CELL ("to"));

  {
    g_autofree char *unit_id = NULL;

    if (CELL ("call_sign")[0] == '\0')
      return dozor_store_set_invalid (error, "call_sign", _("is required")), NULL;
    if (!find_by_name (self, NAMED_UNIT, CELL ("call_sign"), "call_sign", &unit_id, error))
      return NULL;
    json_object_set_string_member (input, "unit_id", unit_id);
  }
  if ((text = CELL ("crew")) != NULL && text[0] != '\0')
    json_object_set_member (input, "crew", split_crew (text));
  if ((text = CELL ("vehicle")) != NULL && text[0] != '\0')
    json_object_set_string_member (input, "vehicle", text);
  if ((text = CELL ("radio")) != NULL && text[0] != '\0')
    json_object_set_string_member (input, "radio", text);
  if ((text = CELL ("weapons")) != NULL && text[0] != '\0')
    json_object_set_member (input, "weapons", split_list (text));
  if ((text = CELL ("route")) != NULL && text[0] != '\0')
    {
      g_autofree char *id = NULL;

      if (!find_by_name (self, NAMED_ROUTE, text, "route", &id, error))
        return NULL;
      json_object_set_string_member (input, "route_id", id);
    }
  if ((text = CELL ("post")) != NULL && text[0] != '\0')
    {
      JsonObject *post = json_object_new ();
      JsonObject *location = json_object_new ();
      double lat, lon;

      json_object_set_string_member (post, "name", text);
      json_object_set_object_member (post, "location", location);
      json_object_set_object_member (input, "post", post);
      if (!get_coordinate (CELL ("post_lat") != NULL ? CELL ("post_lat") : "", "post_lat", &lat, error) ||
          !get_coordinate (CELL ("post_lon") != NULL ? CELL ("post_lon") : "", "post_lon", &lon, error))
        return NULL;
      json_object_set_double_member (location, "lat", lat);
      json_object_set_double_member (location, "lon", lon);
    }
  if ((text = CELL ("place")) != NULL && text[0] != '\0')
    {
      g_autofree char *id = NULL;

      if (!find_by_name (self, NAMED_PLACE, text, "place", &id, error))
        return NULL;
      json_object_set_string_member (input, "place_id", id);
    }
  if ((text = CELL ("sector")) != NULL && text[0] != '\0')
    {
      g_autofree char *id = NULL;

      if (!find_by_name (self, NAMED_ZONE, text, "sector", &id, error))
        return NULL;
      json_object_set_string_member (input, "zone_id", id);
    }
#undef CELL
  return g_steal_pointer (&input);
}

/* The header's columns, each known, the required ones present. */
static gboolean
check_header (DozorCsvRow  *header,
              GError      **error)
{
  static const char *const required[] = { "shift_date", "from", "to", "call_sign" };

  for (guint c = 0; c < header->fields->len; c++)
    if (!g_strv_contains (csv_columns, header->fields->pdata[c]))
      {
        g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, _("line %u: no column is called “%s”"),
                     header->line, (const char *) header->fields->pdata[c]);
        return FALSE;
      }
  for (guint r = 0; r < G_N_ELEMENTS (required); r++)
    {
      guint index;

      if (!g_ptr_array_find_with_equal_func (header->fields, required[r], g_str_equal, &index))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, _("line %u: the column “%s” is missing"),
                       header->line, required[r]);
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * dozor_store_import_roster:
 * @self: a #DozorStore, in a transaction
 * @input: `{"csv": "text"}`
 * @by: who imports
 * @error: return location for a #GError
 *
 * Draws an entry per row; the first bad row refuses the import, naming
 * its line, and the caller rolls the transaction back.
 *
 * Returns: (transfer full): `{"entries": […]}`, or %NULL with @error set
 */
JsonNode *
dozor_store_import_roster (DozorStore  *self,
                           JsonObject  *input,
                           const char  *by,
                           GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonArray) entries = json_array_new ();
  g_autoptr(JsonObject) answer = json_object_new ();
  DozorCsvRow *header;
  const char *text;

  if (!dozor_store_get_text (input, "csv", DOZOR_FIELD_TEXT, TRUE, G_MAXINT, &text, error))
    return NULL;
  rows = dozor_csv_parse (text, &local_error);
  if (rows == NULL)
    return dozor_store_set_invalid (error, "csv", local_error->message), NULL;
  if (rows->len == 0)
    return dozor_store_set_invalid (error, "csv", _("holds no header line")), NULL;
  header = rows->pdata[0];
  if (!check_header (header, error))
    return NULL;

  for (guint r = 1; r < rows->len; r++)
    {
      DozorCsvRow *row = rows->pdata[r];
      g_autoptr(GHashTable) cells = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(JsonObject) entry_input = NULL;
      g_autoptr(JsonNode) entry = NULL;

      if (row->fields->len != header->fields->len)
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID,
                       _("line %u: has %u fields, the header %u"), row->line, row->fields->len,
                       header->fields->len);
          return NULL;
        }
      for (guint c = 0; c < header->fields->len; c++)
        g_hash_table_insert (cells, header->fields->pdata[c], g_strstrip ((char *) row->fields->pdata[c]));

      entry_input = row_to_input (self, cells, error);
      if (entry_input != NULL)
        entry = dozor_store_create_roster_entry (self, entry_input, by, error);
      if (entry == NULL)
        {
          g_prefix_error (error, _("line %u: "), row->line);
          return NULL;
        }
      json_array_add_element (entries, g_steal_pointer (&entry));
    }

  json_object_set_array_member (answer, "entries", g_steal_pointer (&entries));
  return json_node_init_object (json_node_alloc (), answer);
}

/* --- Flags -------------------------------------------------------------------- */

typedef struct
{
  char *kind;
  char *unit_id;
  char *entry_id;
  char *since;
} Flag;

static void
flag_free (Flag *flag)
{
  g_free (flag->kind);
  g_free (flag->unit_id);
  g_free (flag->entry_id);
  g_free (flag->since);
  g_free (flag);
}

static char *
flag_key (const char *kind,
          const char *unit_id,
          const char *entry_id)
{
  return g_strdup_printf ("%s|%s|%s", kind, unit_id, entry_id != NULL ? entry_id : "");
}

static char *
format_time (gint64 us)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) exact = g_date_time_add (time, us % G_USEC_PER_SEC);

  return g_date_time_format (exact, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static void
want (GHashTable *wanted,
      const char *kind,
      const char *unit_id,
      const char *entry_id,
      char       *since)
{
  Flag *flag = g_new0 (Flag, 1);

  flag->kind = g_strdup (kind);
  flag->unit_id = g_strdup (unit_id);
  flag->entry_id = g_strdup (entry_id);
  flag->since = since;
  g_hash_table_insert (wanted, flag_key (kind, unit_id, entry_id), flag);
}

/* The flags the roster and the fixes call for at @now. */
static gboolean
wanted_flags (DozorStore  *self,
              gint64       now,
              guint        no_position_s,
              GHashTable  *wanted,
              GError     **error)
{
  g_autofree char *now_second = NULL;
  g_autofree char *fresh = format_time (now - (gint64) no_position_s * G_USEC_PER_SEC);
  g_autofree char *now_text = format_time (now);
  g_autoptr(DozorDbStmt) gate = NULL;
  g_autoptr(DozorDbStmt) silent = NULL;
  g_autoptr(DozorDbStmt) unlisted = NULL;
  g_autoptr(DozorDbStmt) late = NULL;
  g_autoptr(GDateTime) now_time = g_date_time_new_from_unix_utc (now / G_USEC_PER_SEC);
  int rc;

  /* Entries are whole seconds: a window holds now when start <= this < end. */
  now_second = g_date_time_format (now_time, "%Y-%m-%dT%H:%M:%SZ");

  gate = dozor_store_prepare (self, "SELECT EXISTS (SELECT 1 FROM roster WHERE start_at <= ?1 AND end_at > ?1)", error);
  if (gate == NULL)
    return FALSE;
  dozor_db_bind_text (gate, 1, now_second);
  if (dozor_db_step (gate) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  if (!dozor_db_column_int64 (gate, 0))
    return TRUE;

  silent = dozor_store_prepare (self, "SELECT r.id, r.unit_id, CASE WHEN " EPOCH ("r.start_at") " > COALESCE(" EPOCH ("u.fix_time") ", 0)"
                                      " THEN " EPOCH ("r.start_at") " ELSE COALESCE(" EPOCH ("u.fix_time") ", 0) END"
                                      " FROM roster r"
                                      " JOIN units u ON u.id = r.unit_id WHERE r.start_at <= ?1 AND r.end_at > ?1",
                                error);
  unlisted = dozor_store_prepare (self, "SELECT u.id FROM units u WHERE u.fix_time >= ?2 AND NOT EXISTS"
                                        " (SELECT 1 FROM roster r WHERE r.unit_id = u.id AND r.start_at <= ?1"
                                        "  AND r.end_at > ?1)", error);
  late = dozor_store_prepare (self, "SELECT id, unit_id, created_at FROM roster"
                                    " WHERE drawn_late <> 0 AND start_at <= ?1 AND end_at > ?1", error);
  if (silent == NULL || unlisted == NULL || late == NULL)
    return FALSE;

  dozor_db_bind_text (silent, 1, now_second);
  while ((rc = dozor_db_step (silent)) == DOZOR_DB_ROW)
    {
      /* Milliseconds: what julianday() keeps. */
      gint64 quiet_from = (gint64) (dozor_db_column_double (silent, 2) * 1000.0 + 0.5) * 1000;
      gint64 since = quiet_from + (gint64) no_position_s * G_USEC_PER_SEC;

      if (since < now)
        want (wanted, "no_position", dozor_db_column_text (silent, 1),
              dozor_db_column_text (silent, 0), format_time (since));
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);

  dozor_db_bind_text (unlisted, 1, now_second);
  dozor_db_bind_text (unlisted, 2, fresh);
  while ((rc = dozor_db_step (unlisted)) == DOZOR_DB_ROW)
    want (wanted, "not_on_roster", dozor_db_column_text (unlisted, 0), NULL, g_strdup (now_text));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);

  dozor_db_bind_text (late, 1, now_second);
  while ((rc = dozor_db_step (late)) == DOZOR_DB_ROW)
    want (wanted, "drawn_late", dozor_db_column_text (late, 1),
          dozor_db_column_text (late, 0), g_strdup (dozor_db_column_text (late, 2)));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

static gboolean
flag_event (DozorStore  *self,
            const char  *id,
            const char  *type,
            GError     **error)
{
  g_autofree char *json = one_text (self, "SELECT " FLAG_JSON " FROM roster_flags WHERE id = ?1", id);

  return dozor_store_append_event (self, type, "flag", json, error);
}

/* Raises what is wanted and not open, clears what is open and not wanted:
 * both as events. */
static gboolean
write_flags (DozorStore  *self,
             GHashTable  *wanted,
             GPtrArray   *open_ids,
             GPtrArray   *open_keys,
             const char  *now_text,
             GError     **error)
{
  g_autoptr(DozorDbStmt) clear = dozor_store_prepare (self, "UPDATE roster_flags SET cleared_at = ?2 WHERE id = ?1",
                                                       error);
  g_autoptr(DozorDbStmt) raise = dozor_store_prepare (self, "INSERT INTO roster_flags (id, kind, unit_id, entry_id,"
                                                             " since) VALUES (?1, ?2, ?3, ?4, ?5)", error);
  GHashTableIter iter;
  gpointer value;

  if (clear == NULL || raise == NULL)
    return FALSE;
  for (guint i = 0; i < open_ids->len; i++)
    {
      if (g_hash_table_remove (wanted, open_keys->pdata[i]))
        continue;
      dozor_db_reset (clear);
      dozor_db_bind_text (clear, 1, open_ids->pdata[i]);
      dozor_db_bind_text (clear, 2, now_text);
      if (dozor_db_step (clear) != DOZOR_DB_DONE)
        return dozor_store_set_db_error (self, error);
      if (!flag_event (self, open_ids->pdata[i], "roster.flag.cleared", error))
        return FALSE;
    }

  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Flag *flag = value;
      g_autofree char *id = g_uuid_string_random ();

      dozor_db_reset (raise);
      dozor_db_bind_text (raise, 1, id);
      dozor_db_bind_text (raise, 2, flag->kind);
      dozor_db_bind_text (raise, 3, flag->unit_id);
      dozor_db_bind_text (raise, 4, flag->entry_id);
      dozor_db_bind_text (raise, 5, flag->since);
      if (dozor_db_step (raise) != DOZOR_DB_DONE)
        return dozor_store_set_db_error (self, error);
      if (!flag_event (self, id, "roster.flag.raised", error))
        return FALSE;
    }
  return TRUE;
}

/**
 * dozor_store_check_roster:
 * @self: a #DozorStore, not in a transaction
 * @now: the server's clock, in microseconds since 1970
 * @no_position_s: how long a unit on duty may go without a fix
 * @error: return location for a #GError
 *
 * Raises and clears the roster's flags (docs/api.md, "Roster flags") as
 * the roster and the units' last fixes stand at @now, in one transaction.
 *
 * Returns: (transfer full) (element-type utf8): the events written (often
 *   none), or %NULL with @error set
 */
GPtrArray *
dozor_store_check_roster (DozorStore  *self,
                          gint64       now,
                          guint        no_position_s,
                          GError     **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) flag_free);
  g_autoptr(GPtrArray) open_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) open_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DozorDbStmt) open = NULL;
  g_autofree char *now_text = format_time (now);
  guint matched = 0;
  int rc;

  if (!wanted_flags (self, now, no_position_s, wanted, error))
    return NULL;
  open = dozor_store_prepare (self, "SELECT id, kind, unit_id, entry_id FROM roster_flags WHERE cleared_at IS NULL",
                              error);
  if (open == NULL)
    return NULL;
  while ((rc = dozor_db_step (open)) == DOZOR_DB_ROW)
    {
      g_autofree char *key = flag_key (dozor_db_column_text (open, 1),
                                       dozor_db_column_text (open, 2),
                                       dozor_db_column_text (open, 3));

      matched += g_hash_table_contains (wanted, key);
      g_ptr_array_add (open_ids, g_strdup (dozor_db_column_text (open, 0)));
      g_ptr_array_add (open_keys, g_steal_pointer (&key));
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  g_clear_pointer (&open, dozor_db_stmt_free);

  /* Nothing to write, the usual case: no transaction. */
  if (matched == open_ids->len && matched == g_hash_table_size (wanted))
    return g_ptr_array_new_with_free_func (g_free);
  if (!dozor_store_begin (self, error))
    return NULL;
  if (!write_flags (self, wanted, open_ids, open_keys, now_text, error))
    {
      dozor_store_rollback (self);
      return NULL;
    }
  return dozor_store_commit (self, error);
}

/* The audit trail's before and after of a duty roster entry. */
const char *
dozor_store_roster_entity_sql (const char *kind)
{
  return g_strcmp0 (kind, "roster") == 0 ? "SELECT " ROSTER_JSON " FROM roster WHERE id = ?1" : NULL;
}
