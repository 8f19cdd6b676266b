/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The shift handover (docs/api.md, "Shift handover"): a draft pre-filled
 * from what the store knows of the shift, the outgoing officer's signed
 * text with the incidents handed over, and the incoming officer's
 * acceptance. Both confirmations are events, so every board learns of
 * them and the log keeps them. The readiness changes of a shift are read
 * from the journal (dozor-store-journal.c): the events table keeps too few.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-escalation.h"
#include "dozor-store-private.h"
#include "dozor-store-shiftbook.h"

/* A shift is 12 hours in this service; the draft's default window when
 * no handover was signed before. */
#define DEFAULT_SHIFT_H 12
#define MAX_TEXT 20000
#define MAX_HANDED_OVER 1000
#define MAX_LISTED 1000
#define DEFAULT_LISTED 100

#define HANDOVER_JSON \
  "json_object('id', id, 'from', from_time, 'to', to_time, 'text', text," \
  " 'incident_ids', json(incident_ids), 'summary', json(summary)," \
  " 'signed_by', signed_by, 'signed_at', signed_at, 'accepted_by', accepted_by," \
  " 'accepted_at', accepted_at, 'version', version)"

/**
 * dozor_store_create_handovers:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Returns: whether the handovers' table is there
 */
gboolean
dozor_store_create_handovers (DozorStore  *self,
                              GError     **error)
{
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS handovers ("
                           "  id TEXT PRIMARY KEY, from_time TEXT NOT NULL, to_time TEXT NOT NULL,"
                           "  text TEXT NOT NULL, incident_ids TEXT NOT NULL, summary TEXT NOT NULL,"
                           "  signed_by TEXT NOT NULL, signed_at TEXT NOT NULL,"
                           "  accepted_by TEXT, accepted_at TEXT, version INTEGER NOT NULL,"
                           "  CHECK (accepted_by IS NULL OR accepted_by <> signed_by));"
                           "CREATE INDEX IF NOT EXISTS handovers_by_signed_at ON handovers (signed_at);",
                           error);
}

/**
 * dozor_store_query_text:
 * @self: a #DozorStore
 * @sql: a statement answering one row of one text column
 * @first: (nullable): bound to ?1
 * @second: (nullable): bound to ?2
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the text, or %NULL with @error set
 */
char *
dozor_store_query_text (DozorStore  *self,
                        const char  *sql,
                        const char  *first,
                        const char  *second,
                        GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, first);
  dozor_db_bind_text (stmt, 2, second);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/**
 * dozor_store_announce:
 * @self: a #DozorStore, in a transaction
 * @sql: a statement answering the row's JSON for the id ?1
 * @id: the row
 * @type: the event's type
 * @member: the event's member that holds the row
 * @error: return location for a #GError
 *
 * The row's JSON, written as an event, parsed as the command's answer.
 *
 * Returns: (transfer full): the answer, or %NULL with @error set
 */
JsonNode *
dozor_store_announce (DozorStore  *self,
                      const char  *sql,
                      const char  *id,
                      const char  *type,
                      const char  *member,
                      GError     **error)
{
  g_autofree char *json = dozor_store_query_text (self, sql, id, NULL, error);

  if (json == NULL || !dozor_store_append_event (self, type, member, json, error))
    return NULL;
  return dozor_store_parse_json (json, error);
}

/* The window's `to`, now by default, and its `from`: by default where the
 * last signed handover before it ended, so a draft covers the shift since
 * the previous handover, else the 12 hours before `to`. */
static gboolean
get_window (DozorStore  *self,
            GHashTable  *query,
            char       **from,
            char       **to,
            GError     **error)
{
  if (!dozor_store_get_time_bound (query, "from", from, error) ||
      !dozor_store_get_time_bound (query, "to", to, error))
    return FALSE;
  if (*to == NULL)
    *to = dozor_store_now ();
  if (*from == NULL)
    {
      g_autoptr(GDateTime) end = g_date_time_new_from_iso8601 (*to, NULL);
      g_autoptr(GDateTime) start = g_date_time_add_hours (end, -DEFAULT_SHIFT_H);
      g_autofree char *fallback = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S.%fZ");

      *from = dozor_store_query_text (self,
                                      "SELECT COALESCE(MAX(to_time), ?2) FROM handovers WHERE to_time < ?1",
                                      *to, fallback, error);
      if (*from == NULL)
        return FALSE;
    }
  if (g_strcmp0 (*from, *to) >= 0)
    return dozor_store_set_invalid (error, "from", _("must be before to"));
  return TRUE;
}

static gint64
unix_us (GDateTime *time)
{
  return g_date_time_to_unix (time) * G_USEC_PER_SEC + g_date_time_get_microsecond (time);
}

/* The open incidents waiting unassigned longer than the desk's default
 * limits allow (docs/decisions.md, "Overdue incidents"), at @at. */
static char *
overdue_ids (DozorStore  *self,
             const char  *at,
             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self,
                                                      "SELECT id, priority, created_at FROM incidents"
                                                      " WHERE status = 'new' ORDER BY created_at",
                                                      error);
  g_autoptr(GDateTime) at_time = g_date_time_new_from_iso8601 (at, NULL);
  g_autoptr(GString) out = g_string_new ("[");
  DozorEscalation limits;
  int rc;

  if (stmt == NULL)
    return NULL;
  dozor_escalation_init_defaults (&limits);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      g_autoptr(GDateTime) created = g_date_time_new_from_iso8601 (dozor_db_column_text (stmt, 2), NULL);

      if (created == NULL ||
          !dozor_escalation_incident_overdue (&limits, dozor_db_column_int64 (stmt, 1), "new",
                                              unix_us (created),
                                              unix_us (at_time)))
        continue;
      if (out->len > 1)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "\"%s\"", dozor_db_column_text (stmt, 0));
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The draft as an object: the state now (the draft is written at the
 * shift's end) and what happened in the window. */
static char *
draft_json (DozorStore  *self,
            const char  *from,
            const char  *to,
            GError     **error)
{
  g_autofree char *overdue = overdue_ids (self, to, error);
  g_autofree char *now = dozor_store_now ();
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (overdue == NULL)
    return NULL;
  stmt = dozor_store_prepare (self,
    "SELECT json_object('from', ?1, 'to', ?2, 'as_of', ?3,"
    " 'open', (SELECT json(COALESCE(json_group_array(json(j)), '[]')) FROM"
    "   (SELECT " INCIDENT_JSON " AS j FROM incidents WHERE status IN ('new', 'dispatched') ORDER BY created_at)),"
    " 'under_control', (SELECT json(COALESCE(json_group_array(json(j)), '[]')) FROM"
    "   (SELECT " INCIDENT_JSON " AS j FROM incidents WHERE status = 'on_scene' ORDER BY created_at)),"
    " 'overdue', json(?4),"
    " 'registered', (SELECT COUNT(*) FROM incidents WHERE created_at >= ?1 AND created_at < ?2),"
    " 'closed', (SELECT COUNT(*) FROM incidents WHERE closed_at >= ?1 AND closed_at < ?2),"
    " 'plans', (SELECT json(COALESCE(json_group_array(json(j)), '[]')) FROM"
    "   (SELECT json_object('id', id, 'name', name, 'activated_at', activated_at,"
    "     'activated_by', activated_by) AS j FROM plans WHERE activated_at IS NOT NULL ORDER BY activated_at)),"
    " 'readiness', " DOZOR_STORE_READINESS_JSON ","
    " 'readiness_changes', (SELECT json(COALESCE(json_group_array(json(j)), '[]')) FROM"
    "   (SELECT json_extract(data, '$.readiness') AS j FROM journal WHERE type = 'readiness.changed'"
    "     AND time >= ?1 AND time < ?2 ORDER BY seq)),"
    " 'deviations', (SELECT COUNT(*) FROM deviations WHERE started_at >= ?1 AND started_at < ?2),"
    " 'gaps', (SELECT COUNT(*) FROM reporting_gaps WHERE from_time >= ?1 AND from_time < ?2),"
    " 'by_unit', (SELECT json(COALESCE(json_group_array(json(j)), '[]')) FROM"
    "   (SELECT json_object('unit_id', u.id, 'call_sign', u.call_sign,"
    "      'deviations', (SELECT COUNT(*) FROM deviations d WHERE d.unit_id = u.id"
    "        AND d.started_at >= ?1 AND d.started_at < ?2),"
    "      'deviation_s', (SELECT json(printf('%.1f', COALESCE(SUM(COALESCE(d.duration_s, 0)), 0)))"
    "        FROM deviations d WHERE d.unit_id = u.id AND d.started_at >= ?1 AND d.started_at < ?2),"
    "      'gaps', (SELECT COUNT(*) FROM reporting_gaps g WHERE g.unit_id = u.id"
    "        AND g.from_time >= ?1 AND g.from_time < ?2),"
    "      'gap_s', (SELECT json(printf('%.1f', COALESCE(SUM(g.duration_s), 0))) FROM reporting_gaps g"
    "        WHERE g.unit_id = u.id AND g.from_time >= ?1 AND g.from_time < ?2)) AS j"
    "    FROM units u WHERE u.id IN (SELECT unit_id FROM deviations WHERE started_at >= ?1 AND started_at < ?2"
    "      UNION SELECT unit_id FROM reporting_gaps WHERE from_time >= ?1 AND from_time < ?2)"
    "    ORDER BY u.call_sign)),"
    " 'previous', json((SELECT " HANDOVER_JSON " FROM handovers WHERE to_time <= ?1 ORDER BY to_time DESC LIMIT 1)))",
    error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  dozor_db_bind_text (stmt, 3, now);
  dozor_db_bind_text (stmt, 4, overdue);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/**
 * dozor_store_handover_draft:
 * @self: a #DozorStore
 * @query: (nullable): `from`, `to` as the request gave them
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the draft's JSON, or %NULL with @error set
 */
char *
dozor_store_handover_draft (DozorStore  *self,
                            GHashTable  *query,
                            GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (!get_window (self, query, &from, &to, error))
    return NULL;
  return draft_json (self, from, to, error);
}

/* `incident_ids`: each an incident that exists, at most MAX_HANDED_OVER;
 * absent: the draft's open incidents and those under control. */
static char *
get_incident_ids (DozorStore  *self,
                  JsonObject  *input,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (input, "incident_ids");
  g_autoptr(DozorDbStmt) exists = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return dozor_store_query_text (self,
                                   "SELECT json(COALESCE(json_group_array(id), '[]')) FROM"
                                   " (SELECT id FROM incidents WHERE status <> 'closed' ORDER BY created_at)",
                                   NULL, NULL, error);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return dozor_store_set_invalid (error, "incident_ids", _("must be a list of incident ids")), NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_HANDED_OVER)
    return dozor_store_set_invalid (error, "incident_ids", _("is too long")), NULL;

  exists = dozor_store_prepare (self, "SELECT 1 FROM incidents WHERE id = ?1", error);
  if (exists == NULL)
    return NULL;
  builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      g_autofree char *field = g_strdup_printf ("incident_ids[%u]", i);
      const char *id;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        return dozor_store_set_invalid (error, field, _("must be a string")), NULL;
      id = json_node_get_string (item);
      dozor_db_reset (exists);
      dozor_db_bind_text (exists, 1, id);
      if (dozor_db_step (exists) != DOZOR_DB_ROW)
        return dozor_store_set_invalid (error, field, _("there is no such incident")), NULL;
      json_builder_add_string_value (builder, id);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
get_signed_window (JsonObject  *input,
                   char       **from,
                   char       **to,
                   GError     **error)
{
  g_autoptr(GHashTable) bounds = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *ended = NULL;
  const char *from_text, *to_text;

  if (!dozor_store_get_text (input, "from", DOZOR_FIELD_NAME, TRUE, 64, &from_text, error) ||
      !dozor_store_get_text (input, "to", DOZOR_FIELD_NAME, TRUE, 64, &to_text, error))
    return FALSE;
  g_hash_table_insert (bounds, (gpointer) "from", (gpointer) from_text);
  g_hash_table_insert (bounds, (gpointer) "to", (gpointer) to_text);
  if (!dozor_store_get_time_bound (bounds, "from", from, error) ||
      !dozor_store_get_time_bound (bounds, "to", to, error) ||
      !dozor_store_get_time_not_ahead (input, "to", &ended, error))
    return FALSE;
  if (g_strcmp0 (*from, *to) >= 0)
    return dozor_store_set_invalid (error, "from", _("must be before to"));
  return TRUE;
}

/**
 * dozor_store_sign_handover:
 * @self: a #DozorStore, in a transaction
 * @input: from, to, text, incident_ids?
 * @by: the outgoing officer, who signs it
 * @error: return location for a #GError
 *
 * Keeps the officer's text with the draft of the window as the store saw
 * it at the signature, and writes `handover.signed`.
 *
 * Returns: (transfer full): the handover, or %NULL with @error set
 */
JsonNode *
dozor_store_sign_handover (DozorStore  *self,
                           JsonObject  *input,
                           const char  *by,
                           GError     **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  const char *text;

  if (!get_signed_window (input, &from, &to, error) ||
      !dozor_store_get_text (input, "text", DOZOR_FIELD_TEXT, TRUE, MAX_TEXT, &text, error))
    return NULL;
  ids = get_incident_ids (self, input, error);
  summary = ids != NULL ? draft_json (self, from, to, error) : NULL;
  if (summary == NULL)
    return NULL;

  insert = dozor_store_prepare (self,
                                "INSERT INTO handovers (id, from_time, to_time, text, incident_ids, summary,"
                                " signed_by, signed_at, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)",
                                error);
  if (insert == NULL)
    return NULL;
  dozor_db_bind_text (insert, 1, id);
  dozor_db_bind_text (insert, 2, from);
  dozor_db_bind_text (insert, 3, to);
  dozor_db_bind_text (insert, 4, text);
  dozor_db_bind_text (insert, 5, ids);
  dozor_db_bind_text (insert, 6, summary);
  dozor_db_bind_text (insert, 7, by);
  dozor_db_bind_text (insert, 8, now);
  if (dozor_db_step (insert) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  return dozor_store_announce (self, "SELECT " HANDOVER_JSON " FROM handovers WHERE id = ?1", id, "handover.signed",
                               "handover", error);
}

/**
 * dozor_store_accept_handover:
 * @self: a #DozorStore, in a transaction
 * @id: the handover
 * @version: the version the client saw, or -1
 * @by: the incoming officer
 * @error: return location for a #GError
 *
 * The incoming officer accepts what the outgoing one signed; the one who
 * signed may not accept it (a handover is between two people).
 *
 * Returns: (transfer full): the handover, accepted, or %NULL with @error set
 */
JsonNode *
dozor_store_accept_handover (DozorStore  *self,
                             const char  *id,
                             gint64       version,
                             const char  *by,
                             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self,
                                                      "SELECT signed_by, accepted_by, version FROM handovers WHERE id = ?1",
                                                      error);
  g_autoptr(DozorDbStmt) update = NULL;
  g_autofree char *now = dozor_store_now ();
  int rc;

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No handover “%s”"), id);
      return NULL;
    }
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  if (version >= 0 && version != dozor_db_column_int64 (stmt, 2))
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_STALE,
                   _("The handover has changed meanwhile: it is at version %lld, not %lld"),
                   (long long) dozor_db_column_int64 (stmt, 2), (long long) version);
      return NULL;
    }
  if (!dozor_db_column_is_null (stmt, 1))
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                   _("The handover was accepted already by %s"), dozor_db_column_text (stmt, 1));
      return NULL;
    }
  if (g_strcmp0 (dozor_db_column_text (stmt, 0), by) == 0)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("You signed this handover: the incoming officer must accept it, with their own login"));
      return NULL;
    }

  update = dozor_store_prepare (self,
                                "UPDATE handovers SET accepted_by = ?2, accepted_at = ?3, version = version + 1"
                                " WHERE id = ?1",
                                error);
  if (update == NULL)
    return NULL;
  dozor_db_bind_text (update, 1, id);
  dozor_db_bind_text (update, 2, by);
  dozor_db_bind_text (update, 3, now);
  if (dozor_db_step (update) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  return dozor_store_announce (self, "SELECT " HANDOVER_JSON " FROM handovers WHERE id = ?1", id, "handover.accepted",
                               "handover", error);
}

/**
 * dozor_store_get_limit:
 * @query: (nullable): a request's query
 * @fallback: the limit when `limit` is absent
 * @most: the largest `limit` taken
 * @limit: (out): the limit
 * @error: return location for a #GError
 *
 * Returns: %FALSE with @error set (422 naming `limit`) for a malformed one
 */
gboolean
dozor_store_get_limit (GHashTable  *query,
                       guint        fallback,
                       guint        most,
                       guint       *limit,
                       GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  guint64 value;

  *limit = fallback;
  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, most, &value, NULL))
    {
      g_autofree char *why = g_strdup_printf (_("must be a number from 1 to %u"), most);

      return dozor_store_set_invalid (error, "limit", why);
    }
  *limit = value;
  return TRUE;
}

/**
 * dozor_store_list_handovers:
 * @self: a #DozorStore
 * @query: (nullable): `from`, `to`, `limit` as the request gave them
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{"handovers": […]}`, those signed in the
 *   window, newest first, or %NULL with @error set
 */
char *
dozor_store_list_handovers (DozorStore  *self,
                            GHashTable  *query,
                            GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  guint limit;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error) ||
      !dozor_store_get_limit (query, DEFAULT_LISTED, MAX_LISTED, &limit, error))
    return NULL;
  stmt = dozor_store_prepare (self,
                              "SELECT json_object('handovers', json(COALESCE(json_group_array(json(j)), '[]'))) FROM"
                              " (SELECT " HANDOVER_JSON " AS j FROM handovers"
                              "  WHERE signed_at >= COALESCE(?1, '') AND signed_at < COALESCE(?2, '~')"
                              "  ORDER BY signed_at DESC LIMIT ?3)",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  dozor_db_bind_int64 (stmt, 3, limit);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/* The audit trail's before and after of a handover. */
const char *
dozor_store_handovers_entity_sql (const char *kind)
{
  return g_strcmp0 (kind, "handover") == 0 ? "SELECT " HANDOVER_JSON " FROM handovers WHERE id = ?1" : NULL;
}
