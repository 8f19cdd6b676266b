/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's special operating plans (docs/api.md, "Special operating
 * plan"): named sets of posts, their activation with a dispatch per unit
 * to its post, arrival at a post from positions, and closing.
 *
 * The posts are one JSON column of the plan: a plan is edited and shown as
 * a whole. An activation is the plan's activated_* columns and a row per
 * unit sent in plan_assignments; its dispatches are ordinary rows of
 * `dispatches` with a plan and a post instead of an incident, so the one
 * unique index of active dispatches keeps a unit in one place, whoever
 * sends it.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-json.h"
#include "dozor-post-assignment.h"
#include "dozor-store-private.h"

#define MAX_POSTS 300
#define MAX_UNITS_NEEDED 20
#define MAX_PLAN_NAME 128
#define MAX_DESCRIPTION 2000
#define MAX_ID 64

/**
 * dozor_store_create_plans:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Makes the tables where a database does not have them yet.
 *
 * Returns: whether the tables are there
 */
gboolean
dozor_store_create_plans (DozorStore  *self,
                          GError     **error)
{
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS plans ("
                           "  id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT,"
                           "  posts TEXT NOT NULL, version INTEGER NOT NULL,"
                           "  activated_at TEXT, activated_by TEXT, incident_id TEXT REFERENCES incidents (id),"
                           "  all_covered_at TEXT);"
                           "CREATE TABLE IF NOT EXISTS plan_assignments ("
                           "  plan_id TEXT NOT NULL REFERENCES plans (id), post_id TEXT NOT NULL,"
                           "  unit_id TEXT NOT NULL REFERENCES units (id), dispatch_id TEXT NOT NULL,"
                           "  eta_s REAL, arrived_at TEXT, PRIMARY KEY (plan_id, unit_id));"
                           "CREATE INDEX IF NOT EXISTS plan_assignments_by_unit ON plan_assignments (unit_id);",
                           error);
}

static void
set_no_plan (const char  *id,
             GError     **error)
{
  g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No plan “%s”"), id);
}

/* Seconds from one stored time to another. */
static double
seconds_between (const char *from,
                 const char *to)
{
  g_autoptr(GDateTime) a = g_date_time_new_from_iso8601 (from, NULL);
  g_autoptr(GDateTime) b = g_date_time_new_from_iso8601 (to, NULL);

  if (a == NULL || b == NULL)
    return NAN;
  return g_date_time_difference (b, a) / (double) G_USEC_PER_SEC;
}

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* The activation's posts, each with its state and units, from the
 * plan_assignments rows and their dispatches. Sets *all_covered. */
static gboolean
add_post_states (DozorStore   *self,
                 JsonBuilder  *builder,
                 const char   *plan_id,
                 JsonArray    *posts,
                 gboolean     *all_covered,
                 GError      **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
                         "SELECT a.unit_id, a.dispatch_id, a.eta_s, a.arrived_at, d.status FROM plan_assignments a"
                         " LEFT JOIN dispatches d ON d.id = a.dispatch_id WHERE a.plan_id = ?1 AND a.post_id = ?2"
                         " ORDER BY a.rowid",
                         error);

  if (stmt == NULL)
    return FALSE;

  *all_covered = TRUE;
  json_builder_set_member_name (builder, "posts");
  json_builder_begin_array (builder);
  for (guint p = 0; p < json_array_get_length (posts); p++)
    {
      JsonObject *post = json_array_get_object_element (posts, p);
      guint need = json_object_get_int_member (post, "units_needed");
      g_autoptr(GPtrArray) arrivals = g_ptr_array_new_with_free_func (g_free);
      gboolean on_the_way = FALSE;
      const char *state;
      int rc;

      dozor_db_reset (stmt);
      dozor_db_bind_text (stmt, 1, plan_id);
      dozor_db_bind_text (stmt, 2, json_object_get_string_member (post, "id"));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "post_id");
      json_builder_add_string_value (builder, json_object_get_string_member (post, "id"));
      json_builder_set_member_name (builder, "units");
      json_builder_begin_array (builder);
      while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
        {
          const char *arrived = dozor_db_column_text (stmt, 3);

          json_builder_begin_object (builder);
          dozor_json_builder_add_string_or_null (builder, "unit_id", dozor_db_column_text (stmt, 0));
          dozor_json_builder_add_string_or_null (builder, "dispatch_id", dozor_db_column_text (stmt, 1));
          json_builder_set_member_name (builder, "eta_s");
          if (dozor_db_column_is_null (stmt, 2))
            json_builder_add_null_value (builder);
          else
            json_builder_add_double_value (builder, round (dozor_db_column_double (stmt, 2)));
          dozor_json_builder_add_string_or_null (builder, "arrived_at", arrived);
          json_builder_end_object (builder);

          if (arrived != NULL)
            g_ptr_array_add (arrivals, g_strdup (arrived));
          else if (g_strcmp0 (dozor_db_column_text (stmt, 4), "active") == 0)
            on_the_way = TRUE;
        }
      json_builder_end_array (builder);
      if (rc != DOZOR_DB_DONE)
        return dozor_store_set_db_error (self, error);

      /* Covered at the arrival that made up its need; it stays covered. */
      g_ptr_array_sort (arrivals, compare_times);
      if (arrivals->len >= need)
        state = "covered";
      else if (on_the_way || arrivals->len > 0)
        state = "en_route";
      else
        state = "uncovered";
      *all_covered &= arrivals->len >= need;

      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, state);
      dozor_json_builder_add_string_or_null (builder, "covered_at", arrivals->len >= need ? arrivals->pdata[need - 1] : NULL);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return TRUE;
}

/* The plan as the API shows it, or NULL with NOT_FOUND. */
static JsonNode *
plan_node (DozorStore  *self,
           const char  *id,
           gboolean    *all_covered,
           GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
                         "SELECT name, description, posts, version, activated_at, activated_by, incident_id,"
                         " all_covered_at FROM plans WHERE id = ?1",
                         error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) posts = NULL;
  const char *activated_at, *all_covered_at;
  gboolean covered = FALSE;
  int rc;

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    return set_no_plan (id, error), NULL;
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;

  posts = dozor_store_parse_json (dozor_db_column_text (stmt, 2), error);
  if (posts == NULL)
    return NULL;

  json_builder_begin_object (builder);
  dozor_json_builder_add_string_or_null (builder, "id", id);
  dozor_json_builder_add_string_or_null (builder, "name", dozor_db_column_text (stmt, 0));
  dozor_json_builder_add_string_or_null (builder, "description", dozor_db_column_text (stmt, 1));
  json_builder_set_member_name (builder, "posts");
  json_builder_add_value (builder, json_node_copy (posts));
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, dozor_db_column_int64 (stmt, 3));
  json_builder_set_member_name (builder, "activation");

  activated_at = dozor_db_column_text (stmt, 4);
  if (activated_at == NULL)
    {
      json_builder_add_null_value (builder);
    }
  else
    {
      all_covered_at = dozor_db_column_text (stmt, 7);
      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "activated_at", activated_at);
      dozor_json_builder_add_string_or_null (builder, "activated_by", dozor_db_column_text (stmt, 5));
      dozor_json_builder_add_string_or_null (builder, "incident_id", dozor_db_column_text (stmt, 6));
      dozor_json_builder_add_string_or_null (builder, "all_covered_at", all_covered_at);
      json_builder_set_member_name (builder, "cover_s");
      if (all_covered_at != NULL)
        json_builder_add_double_value (builder, round (seconds_between (activated_at, all_covered_at) * 10) / 10);
      else
        json_builder_add_null_value (builder);
      if (!add_post_states (self, builder, id, json_node_get_array (posts), &covered, error))
        return NULL;
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  if (all_covered != NULL)
    *all_covered = covered;
  return json_builder_get_root (builder);
}

static char *
plan_text (DozorStore  *self,
           const char  *id,
           GError     **error)
{
  g_autoptr(JsonNode) node = plan_node (self, id, NULL, error);

  return node != NULL ? json_to_string (node, FALSE) : NULL;
}

char *
dozor_store_plan_json (DozorStore *self,
                       const char *id)
{
  return plan_text (self, id, NULL);
}

/* Appends the plan's event and answers it. */
static JsonNode *
plan_event (DozorStore  *self,
            const char  *id,
            const char  *type,
            GError     **error)
{
  g_autofree char *text = plan_text (self, id, error);

  if (text == NULL || !dozor_store_append_event (self, type, "plan", text, error))
    return NULL;
  return dozor_store_parse_json (text, error);
}

/**
 * dozor_store_append_plans:
 * @self: a #DozorStore, in the snapshot's read transaction
 * @out: where the snapshot is written
 * @error: return location for a #GError
 *
 * Appends every plan, by name, as a JSON array.
 *
 * Returns: whether they could be read
 */
gboolean
dozor_store_append_plans (DozorStore  *self,
                          GString     *out,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT id FROM plans ORDER BY name", error);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_ptr_array_add (ids, g_strdup (dozor_db_column_text (stmt, 0)));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);

  g_string_append_c (out, '[');
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *text = plan_text (self, ids->pdata[i], error);

      if (text == NULL)
        return FALSE;
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, text);
    }
  g_string_append_c (out, ']');
  return TRUE;
}

/* "posts[i].field: why" */
static gboolean
post_invalid (GError       **error,
              guint          index,
              const GError  *cause)
{
  g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "posts[%u].%s", index, cause->message);
  return FALSE;
}

/* The posts of @input, checked and in the stored form, with the ids of
 * @before's posts kept for those sent with them. */
static char *
read_posts (JsonObject  *input,
            JsonArray   *before,
            GError     **error)
{
  JsonNode *node = json_object_get_member (input, "posts");
  g_autoptr(GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonArray *posts;
  guint n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return dozor_store_set_invalid (error, "posts", _("must be an array of posts")), NULL;
  posts = json_node_get_array (node);
  n = json_array_get_length (posts);
  if (n < 1 || n > MAX_POSTS)
    {
      g_autofree char *why = g_strdup_printf (_("must hold 1 to %d posts"), MAX_POSTS);

      return dozor_store_set_invalid (error, "posts", why), NULL;
    }

  for (guint i = 0; before != NULL && i < json_array_get_length (before); i++)
    g_hash_table_add (known, (gpointer) json_object_get_string_member (json_array_get_object_element (before, i), "id"));

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (posts, i);
      g_autoptr(GError) local = NULL;
      g_autofree char *new_id = NULL;
      JsonObject *post;
      const char *id, *name, *kind;
      double lat, lon, need = 0;
      gboolean present;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "posts[%u]: %s", i, _("must be an object"));
          return NULL;
        }
      post = json_node_get_object (element);
      if (!dozor_store_get_text (post, "id", DOZOR_FIELD_NAME, FALSE, MAX_ID, &id, &local) ||
          !dozor_store_get_text (post, "name", DOZOR_FIELD_NAME, TRUE, MAX_PLAN_NAME, &name, &local) ||
          !dozor_store_get_location (post, "location", &lat, &lon, &local) ||
          !dozor_store_get_number (post, "units_needed", TRUE, 1, MAX_UNITS_NEEDED, &present, &need, &local) ||
          !dozor_store_get_unit_kind (post, "kind", &kind, &local))
        return post_invalid (error, i, local), NULL;
      if (need != floor (need))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "posts[%u].units_needed: %s", i,
                       _("must be a whole number"));
          return NULL;
        }
      if (id != NULL && !g_hash_table_contains (known, id))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "posts[%u].id: %s", i,
                       _("is not a post of this plan; leave it out for a new post"));
          return NULL;
        }
      if (id != NULL && !g_hash_table_add (seen, (gpointer) id))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "posts[%u].id: %s", i,
                       _("names a post that is in the list already"));
          return NULL;
        }
      if (id == NULL)
        id = new_id = g_uuid_string_random ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "location");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, round (lat * 1e7) / 1e7);
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, round (lon * 1e7) / 1e7);
      json_builder_end_object (builder);
      json_builder_set_member_name (builder, "units_needed");
      json_builder_add_int_value (builder, (gint64) need);
      dozor_json_builder_add_string_or_null (builder, "kind", kind);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
plan_name_free (DozorStore  *self,
                const char  *name,
                const char  *id,
                GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT 1 FROM plans WHERE name = ?1 AND id IS DISTINCT FROM ?2",
                                                      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, name);
  dozor_db_bind_text (stmt, 2, id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_ROW)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT, _("A plan named “%s” exists already"), name);
      return FALSE;
    }
  return rc == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
}

static gboolean
step_done (DozorStore    *self,
           DozorDbStmt  *stmt,
           GError       **error)
{
  return dozor_db_step (stmt) == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
}

/* The first column of the row a query with one bound text finds, or NULL. */
static char *
first_text (DozorStore *self,
            const char *sql,
            const char *value)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, NULL);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, value);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/**
 * dozor_store_find_plan:
 * @self: a #DozorStore
 * @name: a plan's name
 *
 * Returns: (transfer full) (nullable): the id of the plan of that name
 */
char *
dozor_store_find_plan (DozorStore *self,
                       const char *name)
{
  return first_text (self, "SELECT id FROM plans WHERE name = ?1", name);
}

/**
 * dozor_store_create_plan:
 * @self: a #DozorStore, in a transaction
 * @input: name, posts, description
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
JsonNode *
dozor_store_create_plan (DozorStore  *self,
                         JsonObject  *input,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *posts = NULL;
  const char *name, *description;

  if (!dozor_store_get_text (input, "name", DOZOR_FIELD_NAME, TRUE, MAX_PLAN_NAME, &name, error) ||
      !dozor_store_get_text (input, "description", DOZOR_FIELD_TEXT, FALSE, MAX_DESCRIPTION, &description, error))
    return NULL;
  posts = read_posts (input, NULL, error);
  if (posts == NULL || !plan_name_free (self, name, NULL, error))
    return NULL;

  stmt = dozor_store_prepare (self, "INSERT INTO plans (id, name, description, posts, version) VALUES (?1, ?2, ?3, ?4, 1)",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, name);
  dozor_db_bind_text (stmt, 3, description);
  dozor_db_bind_text (stmt, 4, posts);
  if (!step_done (self, stmt, error))
    return NULL;

  return plan_event (self, id, "plan.created", error);
}

/* The plan's version, whether it is active and its posts; NOT_FOUND or
 * STALE (when @expected is not -1) otherwise. */
static JsonNode *
plan_for_change (DozorStore  *self,
                 const char  *id,
                 gint64       expected,
                 gboolean    *active,
                 GError     **error)
{
  g_autoptr(JsonNode) node = plan_node (self, id, NULL, error);
  JsonObject *plan;
  gint64 version;

  if (node == NULL)
    return NULL;
  plan = json_node_get_object (node);
  version = json_object_get_int_member (plan, "version");
  if (expected >= 0 && expected != version)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_STALE,
                   _("The plan has changed meanwhile: it is at version %lld, not %lld"),
                   (long long) version, (long long) expected);
      return NULL;
    }
  *active = !json_object_get_null_member (plan, "activation");
  return g_steal_pointer (&node);
}

/**
 * dozor_store_update_plan:
 * @self: a #DozorStore, in a transaction
 * @id: the plan
 * @expected_version: the version the client saw
 * @changes: name?, description?, posts? (the whole list)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
JsonNode *
dozor_store_update_plan (DozorStore  *self,
                         const char  *id,
                         gint64       expected_version,
                         JsonObject  *changes,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autofree char *posts = NULL;
  const char *name, *description;
  gboolean active = FALSE;
  gboolean clear_description;

  if (!dozor_store_get_text (changes, "name", DOZOR_FIELD_NAME, FALSE, MAX_PLAN_NAME, &name, error) ||
      !dozor_store_get_text (changes, "description", DOZOR_FIELD_TEXT, FALSE, MAX_DESCRIPTION, &description, error))
    return NULL;
  before = plan_for_change (self, id, expected_version, &active, error);
  if (before == NULL)
    return NULL;
  if (json_object_has_member (changes, "posts"))
    {
      if (active)
        {
          g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                               _("The plan is active: close it before changing its posts"));
          return NULL;
        }
      posts = read_posts (changes, json_object_get_array_member (json_node_get_object (before), "posts"), error);
      if (posts == NULL)
        return NULL;
    }
  if (name != NULL && !plan_name_free (self, name, id, error))
    return NULL;
  clear_description = json_object_has_member (changes, "description") && description == NULL;

  stmt = dozor_store_prepare (self,
                              "UPDATE plans SET name = COALESCE(?2, name),"
                              " description = CASE WHEN ?5 <> 0 THEN NULL ELSE COALESCE(?3, description) END,"
                              " posts = COALESCE(?4, posts), version = version + 1 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, name);
  dozor_db_bind_text (stmt, 3, description);
  dozor_db_bind_text (stmt, 4, posts);
  dozor_db_bind_int64 (stmt, 5, clear_description);
  if (!step_done (self, stmt, error))
    return NULL;

  return plan_event (self, id, "plan.updated", error);
}

/**
 * dozor_store_delete_plan:
 * @self: a #DozorStore, in a transaction
 * @id: the plan
 * @expected_version: the version the client saw, or -1
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the plan as it was, or %NULL with @error set
 */
JsonNode *
dozor_store_delete_plan (DozorStore  *self,
                         const char  *id,
                         gint64       expected_version,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(JsonNode) before = NULL;
  g_autofree char *text = NULL;
  gboolean active = FALSE;

  before = plan_for_change (self, id, expected_version, &active, error);
  if (before == NULL)
    return NULL;
  if (active)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The plan is active: close it before deleting it"));
      return NULL;
    }

  stmt = dozor_store_prepare (self, "DELETE FROM plans WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  if (!step_done (self, stmt, error))
    return NULL;

  text = json_to_string (before, FALSE);
  if (!dozor_store_append_event (self, "plan.deleted", "plan", text, error))
    return NULL;
  return g_steal_pointer (&before);
}

/* The post of @posts with this id, or NULL. */
static JsonObject *
find_post (JsonArray  *posts,
           const char *post_id)
{
  for (guint i = 0; i < json_array_get_length (posts); i++)
    {
      JsonObject *post = json_array_get_object_element (posts, i);

      if (g_strcmp0 (json_object_get_string_member (post, "id"), post_id) == 0)
        return post;
    }
  return NULL;
}

/* The strings of an optional array member, as a set. */
static GHashTable *
read_id_set (JsonObject  *input,
             const char  *field,
             GError     **error)
{
  JsonNode *node = json_object_get_member (input, field);
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&set);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return dozor_store_set_invalid (error, field, _("must be an array of unit ids")), NULL;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (node), i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          dozor_field_check_text (DOZOR_FIELD_NAME, json_node_get_string (element)) != NULL)
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "%s[%u]: %s", field, i,
                       _("must be a unit id"));
          return NULL;
        }
      g_hash_table_add (set, g_strdup (json_node_get_string (element)));
    }
  return g_steal_pointer (&set);
}

/* An optional incident_id: an open incident. */
static gboolean
read_incident (DozorStore  *self,
               JsonObject  *input,
               const char **incident_id,
               GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  if (!dozor_store_get_text (input, "incident_id", DOZOR_FIELD_NAME, FALSE, MAX_ID, incident_id, error))
    return FALSE;
  if (*incident_id == NULL)
    return TRUE;
  stmt = dozor_store_prepare (self, "SELECT status FROM incidents WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, *incident_id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    return dozor_store_set_invalid (error, "incident_id", _("names no known incident"));
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  if (g_strcmp0 (dozor_db_column_text (stmt, 0), "closed") == 0)
    return dozor_store_set_invalid (error, "incident_id", _("names a closed incident"));
  return TRUE;
}

static gboolean
assignment_invalid (GError     **error,
                    guint        index,
                    const char  *field,
                    const char  *why)
{
  g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "assignments[%u].%s: %s", index, field, why);
  return FALSE;
}

/* Sends @unit_id to the post: its old dispatch ended first if the
 * supervisor allowed it, otherwise unit_busy with that dispatch. */
static gboolean
send_unit (DozorStore  *self,
           const char  *plan_id,
           const char  *post_id,
           const char  *unit_id,
           gboolean     may_take,
           double       eta_s,
           const char  *by,
           const char  *now,
           JsonNode   **current,
           GError     **error)
{
  g_autofree char *active = dozor_store_active_dispatch_json (self, unit_id);
  g_autofree char *dispatch_id = g_uuid_string_random ();
  g_autofree char *dispatch = NULL;
  g_autofree char *unit = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autoptr(DozorDbStmt) unit_update = NULL;
  g_autoptr(DozorDbStmt) assignment = NULL;

  if (active != NULL && !may_take)
    {
      if (current != NULL)
        *current = json_from_string (active, NULL);
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                   _("The unit “%s” is already dispatched; list it in allow_busy to take it off"), unit_id);
      return FALSE;
    }
  if (active != NULL && !dozor_store_end_dispatches (self, "unit_id", unit_id, "cancelled", by, error))
    return FALSE;

  insert = dozor_store_prepare (self,
                                "INSERT INTO dispatches (id, unit_id, incident_id, plan_id, post_id, status,"
                                " created_by, created_at) VALUES (?1, ?2, NULL, ?3, ?4, 'active', ?5, ?6)",
                                error);
  unit_update = dozor_store_prepare (self, "UPDATE units SET status = 'dispatched', version = version + 1 WHERE id = ?1",
                                     error);
  assignment = dozor_store_prepare (self,
                                    "INSERT INTO plan_assignments (plan_id, post_id, unit_id, dispatch_id, eta_s)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5)",
                                    error);
  if (insert == NULL || unit_update == NULL || assignment == NULL)
    return FALSE;

  dozor_db_bind_text (insert, 1, dispatch_id);
  dozor_db_bind_text (insert, 2, unit_id);
  dozor_db_bind_text (insert, 3, plan_id);
  dozor_db_bind_text (insert, 4, post_id);
  dozor_db_bind_text (insert, 5, by);
  dozor_db_bind_text (insert, 6, now);
  dozor_db_bind_text (unit_update, 1, unit_id);
  dozor_db_bind_text (assignment, 1, plan_id);
  dozor_db_bind_text (assignment, 2, post_id);
  dozor_db_bind_text (assignment, 3, unit_id);
  dozor_db_bind_text (assignment, 4, dispatch_id);
  if (isnan (eta_s))
    dozor_db_bind_null (assignment, 5);
  else
    dozor_db_bind_double (assignment, 5, eta_s);
  /* The unique index of active dispatches is the last word: it holds
   * whatever another writer did. */
  if (dozor_db_step (insert) != DOZOR_DB_DONE)
    return dozor_store_unit_free (self, unit_id, TRUE, current, error);
  if (!step_done (self, unit_update, error) || !step_done (self, assignment, error))
    return FALSE;

  dispatch = dozor_store_dispatch_json (self, dispatch_id);
  unit = dozor_store_unit_json (self, unit_id);
  return dozor_store_append_event (self, "dispatch.created", "dispatch", dispatch, error) &&
         dozor_store_append_event (self, "unit.updated", "unit", unit, error);
}

/**
 * dozor_store_dispatch_to_post:
 * @self: a #DozorStore, in a transaction
 * @unit_id: the unit
 * @plan_id: an active plan
 * @post_id: one of its posts
 * @by: the supervisor
 * @current: (out) (optional): on a busy unit, its active dispatch
 * @error: return location for a #GError
 *
 * Sends one more unit to a post of an active plan (docs/api.md,
 * "Dispatching"): a reinforcement or a replacement, outside the
 * activation's all-or-nothing, so a group sent to a post is answered unit
 * by unit. The unit joins the post's units with no proposed time; a post
 * may get more than it needs, since the supervisor who sends them sees
 * why.
 *
 * Returns: (transfer full): the dispatch, or %NULL with @error set
 */
JsonNode *
dozor_store_dispatch_to_post (DozorStore  *self,
                              const char  *unit_id,
                              const char  *plan_id,
                              const char  *post_id,
                              const char  *by,
                              JsonNode   **current,
                              GError     **error)
{
  g_autoptr(JsonNode) plan = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *status = NULL;
  g_autofree char *now = dozor_store_now ();
  g_autofree char *dispatch_id = NULL;
  g_autofree char *text = NULL;
  const char *post_kind;
  JsonObject *post;
  gboolean active = FALSE;

  plan = plan_for_change (self, plan_id, -1, &active, error);
  if (plan == NULL)
    return NULL;
  if (!active)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The plan is not active: activate it, or send the unit to an incident"));
      return NULL;
    }
  post = find_post (json_object_get_array_member (json_node_get_object (plan), "posts"), post_id);
  if (post == NULL)
    return dozor_store_set_invalid (error, "post_id", _("is not a post of this plan")), NULL;
  kind = first_text (self, "SELECT kind FROM units WHERE id = ?1", unit_id);
  status = first_text (self, "SELECT status FROM units WHERE id = ?1", unit_id);
  if (kind == NULL)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No unit “%s”"), unit_id);
      return NULL;
    }
  post_kind = json_object_get_string_member_with_default (post, "kind", NULL);
  if (post_kind != NULL && !g_str_equal (post_kind, kind))
    {
      g_autofree char *why = g_strdup_printf (_("the post needs a unit of kind %s"), post_kind);

      return dozor_store_set_invalid (error, "unit_id", why), NULL;
    }
  if (g_strcmp0 (status, "off_duty") == 0)
    return dozor_store_set_invalid (error, "unit_id", _("the unit is off duty")), NULL;

  if (!send_unit (self, plan_id, post_id, unit_id, FALSE, NAN, by, now, current, error))
    return NULL;
  dispatch_id = first_text (self, "SELECT id FROM dispatches WHERE unit_id = ?1 AND status = 'active'", unit_id);
  /* Every board shows the post en route with one unit more. */
  text = plan_text (self, plan_id, error);
  if (text == NULL || !dozor_store_append_event (self, "plan.updated", "plan", text, error))
    return NULL;
  text = (g_free (text), dozor_store_dispatch_json (self, dispatch_id));
  return dozor_store_parse_json (text, error);
}

/**
 * dozor_store_activate_plan:
 * @self: a #DozorStore, in a transaction
 * @id: the plan
 * @input: assignments, incident_id?, allow_busy?
 * @by: the supervisor
 * @current: (out) (optional): on a busy unit, its active dispatch
 * @error: return location for a #GError
 *
 * Sends each unit of the confirmed assignments to its post, all or none.
 *
 * Returns: (transfer full): the plan, active, or %NULL with @error set
 */
JsonNode *
dozor_store_activate_plan (DozorStore  *self,
                           const char  *id,
                           JsonObject  *input,
                           const char  *by,
                           JsonNode   **current,
                           GError     **error)
{
  g_autoptr(JsonNode) plan = NULL;
  g_autoptr(GHashTable) allow_busy = NULL;
  g_autoptr(GHashTable) units = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) per_post = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *now = dozor_store_now ();
  const char *incident_id;
  JsonNode *node = json_object_get_member (input, "assignments");
  JsonArray *assignments, *posts;
  gboolean active = FALSE;
  guint n;

  plan = plan_for_change (self, id, -1, &active, error);
  if (plan == NULL)
    return NULL;
  if (active)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT, _("The plan is active already"));
      return NULL;
    }
  posts = json_object_get_array_member (json_node_get_object (plan), "posts");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return dozor_store_set_invalid (error, "assignments", _("must be a non-empty array")), NULL;
  assignments = json_node_get_array (node);
  n = json_array_get_length (assignments);
  if (!read_incident (self, input, &incident_id, error))
    return NULL;
  allow_busy = read_id_set (input, "allow_busy", error);
  if (allow_busy == NULL)
    return NULL;

  /* Every assignment is checked before any unit is sent. */
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (assignments, i);
      g_autoptr(GError) local = NULL;
      g_autofree char *kind = NULL;
      g_autofree char *status = NULL;
      JsonObject *assignment, *post;
      const char *post_id, *unit_id, *post_kind;
      double eta = 0;
      gboolean present;
      guint sent;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "assignments[%u]: %s", i,
                       _("must be an object"));
          return NULL;
        }
      assignment = json_node_get_object (element);
      if (!dozor_store_get_text (assignment, "post_id", DOZOR_FIELD_NAME, TRUE, MAX_ID, &post_id, &local) ||
          !dozor_store_get_text (assignment, "unit_id", DOZOR_FIELD_NAME, TRUE, MAX_ID, &unit_id, &local) ||
          !dozor_store_get_number (assignment, "eta_s", FALSE, 0, 7 * 24 * 3600, &present, &eta, &local))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "assignments[%u].%s", i, local->message);
          return NULL;
        }
      post = find_post (posts, post_id);
      if (post == NULL)
        return assignment_invalid (error, i, "post_id", _("is not a post of this plan")), NULL;
      kind = first_text (self, "SELECT kind FROM units WHERE id = ?1", unit_id);
      status = first_text (self, "SELECT status FROM units WHERE id = ?1", unit_id);
      if (kind == NULL || status == NULL)
        return assignment_invalid (error, i, "unit_id", _("names no known unit")), NULL;
      if (!g_hash_table_add (units, (gpointer) unit_id))
        return assignment_invalid (error, i, "unit_id", _("the unit is assigned twice")), NULL;
      post_kind = json_object_get_string_member_with_default (post, "kind", NULL);
      if (post_kind != NULL && !g_str_equal (post_kind, kind))
        {
          g_autofree char *why = g_strdup_printf (_("the post needs a unit of kind %s"), post_kind);

          return assignment_invalid (error, i, "unit_id", why), NULL;
        }
      if (g_str_equal (status, "off_duty"))
        return assignment_invalid (error, i, "unit_id", _("the unit is off duty")), NULL;
      sent = GPOINTER_TO_UINT (g_hash_table_lookup (per_post, post_id)) + 1;
      if (sent > (guint) json_object_get_int_member (post, "units_needed"))
        return assignment_invalid (error, i, "post_id", _("the post gets more units than it needs")), NULL;
      g_hash_table_insert (per_post, (gpointer) post_id, GUINT_TO_POINTER (sent));
    }

  for (guint i = 0; i < n; i++)
    {
      JsonObject *assignment = json_array_get_object_element (assignments, i);
      const char *unit_id = json_object_get_string_member (assignment, "unit_id");
      JsonNode *eta = json_object_get_member (assignment, "eta_s");

      if (!send_unit (self, id, json_object_get_string_member (assignment, "post_id"), unit_id,
                      g_hash_table_contains (allow_busy, unit_id),
                      eta != NULL && !JSON_NODE_HOLDS_NULL (eta) ? json_node_get_double (eta) : NAN,
                      by, now, current, error))
        return NULL;
    }

  stmt = dozor_store_prepare (self,
                              "UPDATE plans SET activated_at = ?2, activated_by = ?3, incident_id = ?4,"
                              " all_covered_at = NULL, version = version + 1 WHERE id = ?1",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, now);
  dozor_db_bind_text (stmt, 3, by);
  dozor_db_bind_text (stmt, 4, incident_id);
  if (!step_done (self, stmt, error))
    return NULL;

  return plan_event (self, id, "plan.activated", error);
}

/**
 * dozor_store_close_plan:
 * @self: a #DozorStore, in a transaction
 * @id: the plan
 * @by: the supervisor
 * @error: return location for a #GError
 *
 * Ends the plan's active dispatches and frees their units.
 *
 * Returns: (transfer full): the plan with its activation as it was when
 *   closed, or %NULL with @error set
 */
JsonNode *
dozor_store_close_plan (DozorStore  *self,
                        const char  *id,
                        const char  *by,
                        GError     **error)
{
  g_autoptr(DozorDbStmt) bump = NULL;
  g_autoptr(DozorDbStmt) clear = NULL;
  g_autoptr(DozorDbStmt) forget = NULL;
  g_autoptr(JsonNode) closed = NULL;
  g_autofree char *text = NULL;
  gboolean active = FALSE;

  closed = plan_for_change (self, id, -1, &active, error);
  if (closed == NULL)
    return NULL;
  if (!active)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT, _("The plan is not active"));
      return NULL;
    }
  g_clear_pointer (&closed, json_node_unref);

  /* The record of the activation, times and all, is the closing event. */
  bump = dozor_store_prepare (self, "UPDATE plans SET version = version + 1 WHERE id = ?1", error);
  if (bump == NULL)
    return NULL;
  dozor_db_bind_text (bump, 1, id);
  if (!step_done (self, bump, error) ||
      !dozor_store_end_dispatches (self, "plan_id", id, "completed", by, error))
    return NULL;
  closed = plan_node (self, id, NULL, error);
  if (closed == NULL)
    return NULL;

  clear = dozor_store_prepare (self,
                               "UPDATE plans SET activated_at = NULL, activated_by = NULL, incident_id = NULL,"
                               " all_covered_at = NULL WHERE id = ?1",
                               error);
  forget = dozor_store_prepare (self, "DELETE FROM plan_assignments WHERE plan_id = ?1", error);
  if (clear == NULL || forget == NULL)
    return NULL;
  dozor_db_bind_text (clear, 1, id);
  dozor_db_bind_text (forget, 1, id);
  if (!step_done (self, clear, error) || !step_done (self, forget, error))
    return NULL;

  text = json_to_string (closed, FALSE);
  if (!dozor_store_append_event (self, "plan.closed", "plan", text, error))
    return NULL;
  return g_steal_pointer (&closed);
}

/**
 * dozor_store_units_on_posts:
 * @self: a #DozorStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the ids of the units on an active dispatch to a
 *   post that have not arrived, as a set, or %NULL with @error set
 */
GHashTable *
dozor_store_units_on_posts (DozorStore  *self,
                            GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
                         "SELECT a.unit_id FROM plan_assignments a JOIN dispatches d ON d.id = a.dispatch_id"
                         " WHERE d.status = 'active' AND a.arrived_at IS NULL",
                         error);
  g_autoptr(GHashTable) units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_hash_table_add (units, g_strdup (dozor_db_column_text (stmt, 0)));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  return g_steal_pointer (&units);
}

/**
 * dozor_store_check_arrival:
 * @self: a #DozorStore, in a transaction
 * @unit_id: a unit on its way to a post
 * @lat: its new fix
 * @lon: its new fix
 * @speed: the fix's speed, m/s, or NAN if it has none
 * @time: the fix's time
 * @error: return location for a #GError
 *
 * If the fix puts the unit at its post (dozor_post_is_reached()), records
 * the arrival, puts the unit on scene and updates the plan, with the time
 * every post was covered when this was the last.
 *
 * Returns: %FALSE with @error set if the store failed
 */
gboolean
dozor_store_check_arrival (DozorStore  *self,
                           const char  *unit_id,
                           double       lat,
                           double       lon,
                           double       speed,
                           const char  *time,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
                         "SELECT a.plan_id, a.post_id, p.posts FROM plan_assignments a"
                         " JOIN dispatches d ON d.id = a.dispatch_id JOIN plans p ON p.id = a.plan_id"
                         " WHERE a.unit_id = ?1 AND d.status = 'active' AND a.arrived_at IS NULL",
                         error);
  g_autoptr(DozorDbStmt) arrive = NULL;
  g_autoptr(DozorDbStmt) on_scene = NULL;
  g_autoptr(DozorDbStmt) all_covered = NULL;
  g_autoptr(JsonNode) posts = NULL;
  g_autoptr(JsonNode) plan = NULL;
  g_autofree char *plan_id = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *text = NULL;
  JsonObject *post, *location;
  gboolean covered = FALSE;
  int rc;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, unit_id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    return TRUE;
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);

  posts = dozor_store_parse_json (dozor_db_column_text (stmt, 2), error);
  if (posts == NULL)
    return FALSE;
  post = find_post (json_node_get_array (posts), dozor_db_column_text (stmt, 1));
  if (post == NULL)
    return TRUE;
  location = json_object_get_object_member (post, "location");
  if (!dozor_post_is_reached (json_object_get_double_member (location, "lat"),
                              json_object_get_double_member (location, "lon"), lat, lon, speed,
                              DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S))
    return TRUE;
  plan_id = g_strdup (dozor_db_column_text (stmt, 0));

  arrive = dozor_store_prepare (self, "UPDATE plan_assignments SET arrived_at = ?3 WHERE plan_id = ?1 AND unit_id = ?2",
                                error);
  on_scene = dozor_store_prepare (self, "UPDATE units SET status = 'on_scene', version = version + 1 WHERE id = ?1",
                                  error);
  if (arrive == NULL || on_scene == NULL)
    return FALSE;
  dozor_db_bind_text (arrive, 1, plan_id);
  dozor_db_bind_text (arrive, 2, unit_id);
  dozor_db_bind_text (arrive, 3, time);
  dozor_db_bind_text (on_scene, 1, unit_id);
  if (!step_done (self, arrive, error) || !step_done (self, on_scene, error))
    return FALSE;
  unit = dozor_store_unit_json (self, unit_id);
  if (!dozor_store_append_event (self, "unit.updated", "unit", unit, error))
    return FALSE;

  /* The last post covered: the plan's key figure is now known. */
  plan = plan_node (self, plan_id, &covered, error);
  if (plan == NULL)
    return FALSE;
  all_covered = dozor_store_prepare (self,
                                     "UPDATE plans SET all_covered_at = CASE WHEN ?2 <> 0 THEN COALESCE(all_covered_at, ?3)"
                                     " ELSE all_covered_at END, version = version + 1 WHERE id = ?1",
                                     error);
  if (all_covered == NULL)
    return FALSE;
  dozor_db_bind_text (all_covered, 1, plan_id);
  dozor_db_bind_int64 (all_covered, 2, covered);
  dozor_db_bind_text (all_covered, 3, time);
  if (!step_done (self, all_covered, error))
    return FALSE;
  text = plan_text (self, plan_id, error);
  return text != NULL && dozor_store_append_event (self, "plan.updated", "plan", text, error);
}

/* The optional `fixed` of a proposal: units a supervisor put on posts,
 * each post of the plan, each unit known and once. Written into the
 * candidates as they came, for the worker. */
static gboolean
read_fixed (DozorStore   *self,
            JsonObject   *input,
            JsonArray    *posts,
            JsonBuilder  *builder,
            GError      **error)
{
  JsonNode *node = json_object_get_member (input, "fixed");
  g_autoptr(GHashTable) units = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *fixed;

  json_builder_set_member_name (builder, "fixed");
  json_builder_begin_array (builder);
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !JSON_NODE_HOLDS_ARRAY (node))
    return dozor_store_set_invalid (error, "fixed", _("must be an array of assignments"));
  fixed = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; fixed != NULL && i < json_array_get_length (fixed); i++)
    {
      JsonNode *element = json_array_get_element (fixed, i);
      g_autoptr(GError) local = NULL;
      g_autofree char *kind = NULL;
      const char *post_id, *unit_id;

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !dozor_store_get_text (json_node_get_object (element), "post_id", DOZOR_FIELD_NAME, TRUE, MAX_ID, &post_id,
                                 &local) ||
          !dozor_store_get_text (json_node_get_object (element), "unit_id", DOZOR_FIELD_NAME, TRUE, MAX_ID, &unit_id,
                                 &local))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "fixed[%u]: %s", i,
                       local != NULL ? local->message : _("must be an object"));
          return FALSE;
        }
      if (find_post (posts, post_id) == NULL)
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "fixed[%u].post_id: %s", i,
                       _("is not a post of this plan"));
          return FALSE;
        }
      kind = first_text (self, "SELECT kind FROM units WHERE id = ?1 AND lat IS NOT NULL", unit_id);
      if (kind == NULL || !g_hash_table_add (units, (gpointer) unit_id))
        {
          g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "fixed[%u].unit_id: %s", i,
                       kind == NULL ? _("names no unit with a position") : _("the unit is assigned twice"));
          return FALSE;
        }
      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "post_id", post_id);
      dozor_json_builder_add_string_or_null (builder, "unit_id", unit_id);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return TRUE;
}

/**
 * dozor_store_plan_candidates:
 * @self: a #DozorStore
 * @id: the plan
 * @input: incident_id?, allow_busy?, fixed?
 * @error: return location for a #GError
 *
 * What a proposal needs, read in one go on the store's thread so that the
 * road times can be worked out in another: the plan's posts and every
 * unit with its kind, fix, and why it may not be sent.
 *
 * Returns: (transfer full): `{"plan_id", "version", "incident_id",
 *   "posts": [...], "fixed": [{"post_id", "unit_id"}],
 *   "units": [{"id", "kind", "lat", "lon", "left_out"}]}`
 *   with `left_out` null, `busy`, `off_duty` or `no_position`; or %NULL
 *   with @error set
 */
JsonNode *
dozor_store_plan_candidates (DozorStore  *self,
                             const char  *id,
                             JsonObject  *input,
                             GError     **error)
{
  g_autoptr(JsonNode) plan = plan_node (self, id, NULL, error);
  g_autoptr(GHashTable) allow_busy = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *incident_id;
  int rc;

  if (plan == NULL || !read_incident (self, input, &incident_id, error))
    return NULL;
  allow_busy = read_id_set (input, "allow_busy", error);
  if (allow_busy == NULL)
    return NULL;
  stmt = dozor_store_prepare (self,
                              "SELECT u.id, u.kind, u.status, u.lat, u.lon, d.id IS NOT NULL FROM units u"
                              " LEFT JOIN dispatches d ON d.unit_id = u.id AND d.status = 'active' ORDER BY u.call_sign",
                              error);
  if (stmt == NULL)
    return NULL;

  json_builder_begin_object (builder);
  dozor_json_builder_add_string_or_null (builder, "plan_id", id);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, json_object_get_int_member (json_node_get_object (plan), "version"));
  dozor_json_builder_add_string_or_null (builder, "incident_id", incident_id);
  json_builder_set_member_name (builder, "posts");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (plan), "posts")));
  if (!read_fixed (self, input, json_object_get_array_member (json_node_get_object (plan), "posts"), builder, error))
    return NULL;
  json_builder_set_member_name (builder, "units");
  json_builder_begin_array (builder);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      const char *unit_id = dozor_db_column_text (stmt, 0);
      const char *left_out = NULL;

      if (dozor_db_column_is_null (stmt, 3))
        left_out = "no_position";
      else if (g_strcmp0 (dozor_db_column_text (stmt, 2), "off_duty") == 0)
        left_out = "off_duty";
      else if (dozor_db_column_int64 (stmt, 5) && !g_hash_table_contains (allow_busy, unit_id))
        left_out = "busy";

      json_builder_begin_object (builder);
      dozor_json_builder_add_string_or_null (builder, "id", unit_id);
      dozor_json_builder_add_string_or_null (builder, "kind", dozor_db_column_text (stmt, 1));
      json_builder_set_member_name (builder, "lat");
      json_builder_add_double_value (builder, dozor_db_column_double (stmt, 3));
      json_builder_set_member_name (builder, "lon");
      json_builder_add_double_value (builder, dozor_db_column_double (stmt, 4));
      dozor_json_builder_add_string_or_null (builder, "left_out", left_out);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  return json_builder_get_root (builder);
}
