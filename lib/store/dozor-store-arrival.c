/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * An incident's timings past its dispatch (docs/api.md, "Incident"):
 * en route, and arrival on scene — found by the store itself in a
 * dispatched unit's fixes, from real trackers as from the simulator, or
 * set by a user, and corrected by an operator with who and when.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-field.h"
#include "dozor-post-assignment.h"
#include "dozor-store-private.h"

/**
 * dozor_store_ensure_column:
 * @self: a #DozorStore, while it is being opened
 * @table: a table that exists
 * @column: a column it should have
 * @declaration: the column's type and constraints
 * @error: return location for a #GError
 *
 * Adds a column a database made by an older dozord does not have.
 *
 * Returns: whether the column is there
 */
gboolean
dozor_store_ensure_column (DozorStore  *self,
                           const char  *table,
                           const char  *column,
                           const char  *declaration,
                           GError     **error)
{
  g_autofree char *info = g_strdup_printf ("SELECT 1 FROM pragma_table_info('%s') WHERE name = ?1", table);
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, info, error);
  g_autofree char *alter = NULL;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, column);
  if (dozor_db_step (stmt) == DOZOR_DB_ROW)
    return TRUE;

  alter = g_strdup_printf ("ALTER TABLE %s ADD COLUMN %s %s", table, column, declaration);
  return dozor_store_exec (self, alter, error);
}

/**
 * dozor_store_create_arrivals:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Returns: whether the incidents' columns of timings are there
 */
gboolean
dozor_store_create_arrivals (DozorStore  *self,
                             GError     **error)
{
  return dozor_store_ensure_column (self, "incidents", "en_route_at", "TEXT", error) &&
         dozor_store_ensure_column (self, "incidents", "arrival", "TEXT", error);
}

static gboolean
incident_changed (DozorStore  *self,
                  const char  *incident_id,
                  GError     **error)
{
  g_autofree char *json = dozor_store_incident_json (self, incident_id);

  return dozor_store_append_event (self, "incident.updated", "incident", json, error);
}

/**
 * dozor_store_check_scene_arrival:
 * @self: a #DozorStore, inside the transaction that stored the fix
 * @unit_id: a unit whose newer fix was just stored
 * @lat: the fix
 * @lon: the fix
 * @speed: its speed, m/s
 * @time: its time, RFC 3339 UTC as stored
 * @error: return location for a #GError
 *
 * A unit on a dispatch, not yet marked there, within 100 m of the scene
 * and slower than 2 m/s has arrived: the unit becomes `on_scene`, and so
 * does the incident, whose `on_scene_at` is this fix's time if it is the
 * first arrival; both with their events.
 *
 * Returns: %FALSE with @error set if the change could not be stored
 */
gboolean
dozor_store_check_scene_arrival (DozorStore  *self,
                                 const char  *unit_id,
                                 double       lat,
                                 double       lon,
                                 double       speed,
                                 const char  *time,
                                 GError     **error)
{
  g_autoptr(DozorDbStmt) find = NULL;
  g_autoptr(DozorDbStmt) unit = NULL;
  g_autoptr(DozorDbStmt) incident = NULL;
  g_autofree char *incident_id = NULL;
  g_autofree char *unit_json = NULL;
  int rc;

  /* A moving car has not arrived: no look-up for it at all. */
  if (!(speed < DOZOR_POST_ARRIVAL_SPEED_M_S))
    return TRUE;

  find = dozor_store_prepare (self,
                              "SELECT d.incident_id, i.lat, i.lon FROM dispatches d"
                              " JOIN incidents i ON i.id = d.incident_id JOIN units u ON u.id = d.unit_id"
                              " WHERE d.unit_id = ?1 AND d.status = 'active' AND d.created_at <= ?2"
                              " AND u.status IN ('dispatched', 'en_route') AND i.status <> 'closed'",
                              error);
  if (find == NULL)
    return FALSE;
  dozor_db_bind_text (find, 1, unit_id);
  /* A fix from before the dispatch tells where the unit was, not that it came. */
  dozor_db_bind_text (find, 2, time);
  rc = dozor_db_step (find);
  if (rc == DOZOR_DB_DONE)
    return TRUE;
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  if (!dozor_post_is_reached (dozor_db_column_double (find, 1), dozor_db_column_double (find, 2), lat, lon, speed,
                              DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S))
    return TRUE;
  incident_id = g_strdup (dozor_db_column_text (find, 0));

  unit = dozor_store_prepare (self, "UPDATE units SET status = 'on_scene', version = version + 1 WHERE id = ?1",
                              error);
  /* Every SET reads the row as it was: the arrival is the first one's. */
  incident = dozor_store_prepare (self,
                                  "UPDATE incidents SET"
                                  " status = CASE WHEN status IN ('new', 'dispatched') THEN 'on_scene' ELSE status END,"
                                  " on_scene_at = COALESCE(on_scene_at, ?2),"
                                  " arrival = CASE WHEN on_scene_at IS NULL THEN CAST(json_object('detected_at', ?2,"
                                  "   'by', 'server', 'corrected_by', NULL, 'corrected_at', NULL) AS TEXT) ELSE arrival END,"
                                  " version = version + 1 WHERE id = ?1",
                                  error);
  if (unit == NULL || incident == NULL)
    return FALSE;
  dozor_db_bind_text (unit, 1, unit_id);
  dozor_db_bind_text (incident, 1, incident_id);
  dozor_db_bind_text (incident, 2, time);
  if (dozor_db_step (unit) != DOZOR_DB_DONE || dozor_db_step (incident) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);

  unit_json = dozor_store_unit_json (self, unit_id);
  return dozor_store_append_event (self, "unit.updated", "unit", unit_json, error) &&
         incident_changed (self, incident_id, error);
}

/**
 * dozor_store_note_en_route:
 * @self: a #DozorStore, inside the transaction that set the unit's status
 * @unit_id: a unit that reported en route
 * @error: return location for a #GError
 *
 * The incident the unit is dispatched to gets its `en_route_at`, the
 * first time.
 *
 * Returns: %FALSE with @error set if the change could not be stored
 */
gboolean
dozor_store_note_en_route (DozorStore  *self,
                           const char  *unit_id,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self,
                                                      "UPDATE incidents SET en_route_at = ?2, version = version + 1"
                                                      " WHERE en_route_at IS NULL AND id = (SELECT incident_id"
                                                      "  FROM dispatches WHERE unit_id = ?1 AND status = 'active')"
                                                      " RETURNING id",
                                                      error);
  g_autofree char *now = dozor_store_now ();
  g_autofree char *incident_id = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, unit_id);
  dozor_db_bind_text (stmt, 2, now);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_ROW)
    incident_id = g_strdup (dozor_db_column_text (stmt, 0));
  if (rc == DOZOR_DB_ROW)
    rc = dozor_db_step (stmt);
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);

  return incident_id == NULL || incident_changed (self, incident_id, error);
}

/**
 * dozor_store_get_time_not_ahead:
 * @object: members as a client sent them
 * @field: the member, an RFC 3339 time
 * @value: (out) (transfer full) (nullable): the time, RFC 3339 UTC as the
 *   store writes times, or %NULL when the member is absent
 * @error: return location for a #GError
 *
 * Returns: whether @field, if present, is a time not more than 5 minutes
 *   ahead of the server's clock (a time of something that happened)
 */
gboolean
dozor_store_get_time_not_ahead (JsonObject  *object,
                                const char  *field,
                                char       **value,
                                GError     **error)
{
  const char *text;
  const char *refused;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  *value = NULL;
  if (!dozor_store_get_text (object, field, DOZOR_FIELD_NAME, FALSE, 64, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return dozor_store_set_invalid (error, field, _("must be an RFC 3339 time"));
  refused = dozor_field_check_fix_time (time, now);
  if (refused != NULL)
    return dozor_store_set_invalid (error, field, refused);
  utc = g_date_time_to_utc (time);
  *value = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return TRUE;
}

/**
 * dozor_store_get_arrival_change:
 * @changes: an incident's members as a client sent them
 * @on_scene_at: (out) (transfer full) (nullable): the arrival time to set,
 *   RFC 3339 UTC, or %NULL when there is none
 * @error: return location for a #GError
 *
 * Returns: whether `on_scene_at`, if present, is a time that may be set
 *   (not more than 5 minutes ahead of the server's clock)
 */
gboolean
dozor_store_get_arrival_change (JsonObject  *changes,
                                char       **on_scene_at,
                                GError     **error)
{
  return dozor_store_get_time_not_ahead (changes, "on_scene_at", on_scene_at, error);
}

/**
 * dozor_store_set_arrival:
 * @self: a #DozorStore, inside the transaction of the incident's change
 * @incident_id: an incident that exists
 * @on_scene_at: (nullable): a time an operator gave, RFC 3339 UTC; %NULL
 *   when the user only set the status `on_scene`
 * @by: the user
 * @error: return location for a #GError
 *
 * Records who decided the arrival. A time given is a confirmation or
 * correction: `on_scene_at` takes it and `arrival` names the user in
 * `corrected_by`. Without one, a first `on_scene` names the user in `by`.
 *
 * Returns: %FALSE with @error set if refused or not stored
 */
gboolean
dozor_store_set_arrival (DozorStore  *self,
                         const char  *incident_id,
                         const char  *on_scene_at,
                         const char  *by,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *now = dozor_store_now ();

  if (on_scene_at == NULL)
    {
      stmt = dozor_store_prepare (self,
                                  "UPDATE incidents SET arrival = json_object('detected_at', NULL, 'by', ?2,"
                                  " 'corrected_by', NULL, 'corrected_at', NULL)"
                                  " WHERE id = ?1 AND arrival IS NULL AND on_scene_at IS NOT NULL",
                                  error);
      if (stmt == NULL)
        return FALSE;
      dozor_db_bind_text (stmt, 1, incident_id);
      dozor_db_bind_text (stmt, 2, by);
      return dozor_db_step (stmt) == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
    }

  stmt = dozor_store_prepare (self,
                              "UPDATE incidents SET on_scene_at = ?2,"
                              " status = CASE WHEN status IN ('new', 'dispatched') THEN 'on_scene' ELSE status END,"
                              " arrival = json_object('detected_at', json_extract(arrival, '$.detected_at'),"
                              "   'by', COALESCE(json_extract(arrival, '$.by'), ?3),"
                              "   'corrected_by', ?3, 'corrected_at', ?4)"
                              " WHERE id = ?1 AND status <> 'closed' AND ?2 >= created_at RETURNING id",
                              error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, incident_id);
  dozor_db_bind_text (stmt, 2, on_scene_at);
  dozor_db_bind_text (stmt, 3, by);
  dozor_db_bind_text (stmt, 4, now);
  switch (dozor_db_step (stmt))
    {
    case DOZOR_DB_ROW:
      return dozor_db_step (stmt) == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
    case DOZOR_DB_DONE:
      break;
    default:
      return dozor_store_set_db_error (self, error);
    }

  /* Nothing changed: say which rule. */
  {
    g_autoptr(DozorDbStmt) why = dozor_store_prepare (self, "SELECT status FROM incidents WHERE id = ?1", error);

    if (why == NULL)
      return FALSE;
    dozor_db_bind_text (why, 1, incident_id);
    if (dozor_db_step (why) == DOZOR_DB_ROW && g_str_equal (dozor_db_column_text (why, 0), "closed"))
      {
        g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT, _("The incident is closed"));
        return FALSE;
      }
  }
  return dozor_store_set_invalid (error, "on_scene_at", _("must not lie before the incident was registered"));
}
