/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's checklists: the steps of the SOP catalogue (docs/sop.md)
 * ticked for an incident, each with who changed it and when. A row per
 * incident, procedure and step; each change is an event, so the event log
 * keeps every tick and untick. What may be ticked is the catalogue's
 * business, and the caller passes the catalogue it read.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "dozor-sop-catalogue.h"
#include "dozor-store-private.h"

/**
 * dozor_store_create_checklists:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Makes the table where a database does not have it yet.
 *
 * Returns: whether the table is there
 */
gboolean
dozor_store_create_checklists (DozorStore  *self,
                               GError     **error)
{
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS checks ("
                           "  id TEXT PRIMARY KEY,"
                           "  incident_id TEXT NOT NULL REFERENCES incidents(id),"
                           "  procedure_id TEXT NOT NULL,"
                           "  step_id TEXT NOT NULL,"
                           "  done INTEGER NOT NULL CHECK (done IN (0, 1)),"
                           "  changed_by TEXT NOT NULL,"
                           "  changed_at TEXT NOT NULL,"
                           "  version INTEGER NOT NULL,"
                           "  UNIQUE (incident_id, procedure_id, step_id));",
                           error);
}

static char *
check_json (DozorStore  *self,
            const char  *incident_id,
            const char  *procedure_id,
            const char  *step_id,
            GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self,
                                                      "SELECT " DOZOR_STORE_CHECK_JSON " FROM checks"
                                                      " WHERE incident_id = ?1 AND procedure_id = ?2 AND step_id = ?3",
                                                      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, incident_id);
  dozor_db_bind_text (stmt, 2, procedure_id);
  dozor_db_bind_text (stmt, 3, step_id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_ROW)
    return g_strdup (dozor_db_column_text (stmt, 0));
  if (rc != DOZOR_DB_DONE)
    dozor_store_set_db_error (self, error);
  return NULL;
}

/* The incident's type, if it is open; NOT_FOUND or CONFLICT otherwise. */
static char *
open_incident_type (DozorStore  *self,
                    const char  *incident_id,
                    GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT type, status FROM incidents WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, incident_id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No incident “%s”"), incident_id);
      return NULL;
    }
  if (rc != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  if (g_strcmp0 (dozor_db_column_text (stmt, 1), "closed") == 0)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The incident is closed: its record is final"));
      return NULL;
    }
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/* That the procedure is in the catalogue, for incidents of @type, and
 * holds the step. */
static gboolean
check_step (DozorSopCatalogue  *catalogue,
            const char         *type,
            const char         *procedure_id,
            const char         *step_id,
            GError            **error)
{
  const DozorSopProcedure *procedure;

  if (catalogue == NULL)
    return dozor_store_set_invalid (error, "procedure_id", _("this server has no SOP catalogue"));
  procedure = dozor_sop_catalogue_find (catalogue, procedure_id);
  if (procedure == NULL)
    return dozor_store_set_invalid (error, "procedure_id", _("not in the server's SOP catalogue"));
  if (!g_strv_contains ((const char *const *) procedure->incident_types, type))
    return dozor_store_set_invalid (error, "procedure_id", _("not a procedure for incidents of this type"));
  for (guint s = 0; s < procedure->steps->len; s++)
    if (g_str_equal (((DozorSopStep *) g_ptr_array_index (procedure->steps, s))->id, step_id))
      return TRUE;
  return dozor_store_set_invalid (error, "step_id", _("not a step of this procedure"));
}

/**
 * dozor_store_set_check:
 * @self: a #DozorStore, in a transaction
 * @incident_id: the incident
 * @input: procedure_id, step_id, done
 * @by: who ticks
 * @catalogue: (nullable): the SOP catalogue the server read, or %NULL if
 *   it has none (then nothing can be ticked)
 * @error: return location for a #GError
 *
 * Ticks a step of an open incident's checklist, or takes the tick back.
 * A step set to what it already is stays as it is, with no event.
 *
 * Returns: (transfer full): the checklist step, or %NULL with @error set
 */
JsonNode *
dozor_store_set_check (DozorStore         *self,
                       const char         *incident_id,
                       JsonObject         *input,
                       const char         *by,
                       DozorSopCatalogue  *catalogue,
                       GError            **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *type = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *now = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) before_node = NULL;
  const char *procedure_id, *step_id;
  JsonNode *done_node;
  gboolean done;

  if (!dozor_store_get_text (input, "procedure_id", DOZOR_FIELD_NAME, TRUE, 64, &procedure_id, error) ||
      !dozor_store_get_text (input, "step_id", DOZOR_FIELD_NAME, TRUE, 64, &step_id, error))
    return NULL;
  done_node = json_object_get_member (input, "done");
  if (done_node == NULL || !JSON_NODE_HOLDS_VALUE (done_node) || json_node_get_value_type (done_node) != G_TYPE_BOOLEAN)
    return dozor_store_set_invalid (error, "done", _("must be true or false")), NULL;
  done = json_node_get_boolean (done_node);

  type = open_incident_type (self, incident_id, error);
  if (type == NULL || !check_step (catalogue, type, procedure_id, step_id, error))
    return NULL;

  before = check_json (self, incident_id, procedure_id, step_id, error);
  if (before == NULL && error != NULL && *error != NULL)
    return NULL;
  if (before != NULL)
    {
      before_node = dozor_store_parse_json (before, error);
      if (before_node == NULL)
        return NULL;
      /* Already so: an outbox that sends again changes nothing. */
      if (json_object_get_boolean_member (json_node_get_object (before_node), "done") == done)
        return g_steal_pointer (&before_node);
    }

  now = dozor_store_now ();
  id = g_uuid_string_random ();
  stmt = dozor_store_prepare (self,
                              "INSERT INTO checks (id, incident_id, procedure_id, step_id, done, changed_by, changed_at, version)"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)"
                              " ON CONFLICT (incident_id, procedure_id, step_id) DO UPDATE SET"
                              " done = excluded.done, changed_by = excluded.changed_by,"
                              " changed_at = excluded.changed_at, version = checks.version + 1",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, incident_id);
  dozor_db_bind_text (stmt, 3, procedure_id);
  dozor_db_bind_text (stmt, 4, step_id);
  dozor_db_bind_int64 (stmt, 5, done);
  dozor_db_bind_text (stmt, 6, by);
  dozor_db_bind_text (stmt, 7, now);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  after = check_json (self, incident_id, procedure_id, step_id, error);
  if (after == NULL)
    {
      if (error != NULL && *error == NULL)
        dozor_store_set_db_error (self, error);
      return NULL;
    }
  if (!dozor_store_append_event (self, "check.updated", "check", after, error))
    return NULL;
  return dozor_store_parse_json (after, error);
}
