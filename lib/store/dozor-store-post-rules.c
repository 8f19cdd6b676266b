/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A roster entry's post or place judged by rules of its own (issue 17;
 * docs/api.md, "Duty roster" and "Route compliance"): the entry's
 * `compliance`, the same four members as a route's, `threshold_m` being
 * the post's radius. Kept in a table of their own, a row per entry whose
 * rules were given (none: the defaults), so that the roster's table stays
 * as it is.
 */
#include "config.h"

#include "dozor-store-post-rules.h"
#include "dozor-store-private.h"

/**
 * dozor_store_create_post_rules:
 * @self: a #DozorStore, while it is being opened, after the roster
 * @error: return location for a #GError
 *
 * Returns: whether the table is there
 */
gboolean
dozor_store_create_post_rules (DozorStore  *self,
                               GError     **error)
{
  /* No column called `id`: DOZOR_STORE_POST_RULES_JSON relies on it. */
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS post_rules ("
                           "  entry_id TEXT PRIMARY KEY REFERENCES roster (id) ON DELETE CASCADE,"
                           "  rules TEXT NOT NULL);",
                           error);
}

static char *
current_rules (DozorStore *self,
               const char *entry_id)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT rules FROM post_rules WHERE entry_id = ?1",
                                                      NULL);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, entry_id);
  return dozor_db_step (stmt) == DOZOR_DB_ROW ? g_strdup (dozor_db_column_text (stmt, 0)) : NULL;
}

static gboolean
drop_rules (DozorStore  *self,
            const char  *entry_id,
            GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "DELETE FROM post_rules WHERE entry_id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, entry_id);
  return dozor_db_step (stmt) == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
}

static gboolean
has_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

/**
 * dozor_store_save_post_rules:
 * @self: a #DozorStore, in the transaction that writes the entry
 * @entry_id: the roster entry, already written
 * @entry: the entry's members as they now stand (a PATCH's merged over the
 *   entry's own)
 * @error: return location for a #GError
 *
 * Keeps the rules of @entry's post or place, its `compliance`: members
 * given replace the stored ones, members left out keep them (or the
 * defaults), `null` puts the defaults back. An entry on no post and no
 * place (a route, or none) drops its rules, so that a post given later
 * starts from the defaults.
 *
 * Returns: whether they are valid and stored
 */
gboolean
dozor_store_save_post_rules (DozorStore  *self,
                             const char  *entry_id,
                             JsonObject  *entry,
                             GError     **error)
{
  g_autofree char *current = NULL;
  g_autofree char *rules = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;

  if ((!has_member (entry, "post") && !has_member (entry, "place_id")) ||
      (json_object_has_member (entry, "compliance") && !has_member (entry, "compliance")))
    return drop_rules (self, entry_id, error);

  current = current_rules (self, entry_id);
  if (!dozor_store_get_route_rules (entry, current, &rules, error))
    return FALSE;
  if (rules == NULL)
    return TRUE;

  stmt = dozor_store_prepare (self, "INSERT INTO post_rules (entry_id, rules) VALUES (?1, ?2)"
                                    " ON CONFLICT (entry_id) DO UPDATE SET rules = excluded.rules", error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, entry_id);
  dozor_db_bind_text (stmt, 2, rules);
  return dozor_db_step (stmt) == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
}
