/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Dispatches to the crisis area (issue 15, item 5; docs/api.md,
 * "Dispatching"): a unit sent "to the area" goes to a point of it that
 * dozord picks from the unit's last fix and keeps in the dispatch, so the
 * simulator, the arrival check and every board agree on where it goes,
 * and a later edit of the area moves no unit already on its way. The
 * area's episode ends with the level lowered to normal: its dispatches
 * end with it, as a plan's end when the plan is closed.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "dozor-crisis-area.h"
#include "dozor-post-assignment.h"
#include "dozor-store.h"
#include "dozor-store-private.h"

/* The readiness's area, or NULL with CONFLICT when there is none. */
static DozorCrisisArea *
current_area (DozorStore  *self,
              GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self, "SELECT json_extract(value, '$.area') FROM state WHERE key = 'readiness'", error);
  g_autoptr(JsonNode) node = NULL;

  if (stmt == NULL)
    return NULL;
  if (dozor_db_step (stmt) != DOZOR_DB_ROW || dozor_db_column_is_null (stmt, 0))
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("No crisis area is set: raise a degree of readiness with an area first"));
      return NULL;
    }
  node = dozor_store_parse_json (dozor_db_column_text (stmt, 0), error);
  /* What the store keeps was checked when it was set. */
  return node != NULL ? dozor_crisis_area_new_from_json (node, error) : NULL;
}

/**
 * dozor_store_dispatch_to_area:
 * @self: a #DozorStore, in a transaction
 * @unit_id: the unit
 * @by: the supervisor
 * @current: (out) (optional): on conflict, the unit's active dispatch
 * @error: return location for a #GError
 *
 * Sends the unit to the point of the crisis area
 * dozor_crisis_area_get_target() picks for its last fix.
 *
 * Returns: (transfer full): the dispatch, or %NULL with @error set
 */
JsonNode *
dozor_store_dispatch_to_area (DozorStore  *self,
                              const char  *unit_id,
                              const char  *by,
                              JsonNode   **current,
                              GError     **error)
{
  g_autoptr(DozorCrisisArea) area = NULL;
  g_autoptr(DozorDbStmt) unit = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autoptr(DozorDbStmt) unit_update = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autofree char *dispatch = NULL;
  g_autofree char *unit_text = NULL;
  double lat = 0, lon = 0, target_lat, target_lon;
  gboolean has_fix;

  unit = dozor_store_prepare (self, "SELECT status, lat, lon FROM units WHERE id = ?1", error);
  if (unit == NULL)
    return NULL;
  dozor_db_bind_text (unit, 1, unit_id);
  if (dozor_db_step (unit) != DOZOR_DB_ROW)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No unit “%s”"), unit_id);
      return NULL;
    }
  if (g_strcmp0 (dozor_db_column_text (unit, 0), "off_duty") == 0)
    return dozor_store_set_invalid (error, "unit_id", _("the unit is off duty")), NULL;
  has_fix = !dozor_db_column_is_null (unit, 1);
  if (has_fix)
    {
      lat = dozor_db_column_double (unit, 1);
      lon = dozor_db_column_double (unit, 2);
    }

  area = current_area (self, error);
  if (area == NULL)
    return NULL;
  dozor_crisis_area_get_target (area, has_fix, lon, lat, &target_lon, &target_lat);

  if (!dozor_store_unit_free (self, unit_id, FALSE, current, error))
    return NULL;
  insert = dozor_store_prepare (self,
                                "INSERT INTO dispatches (id, unit_id, area_lat, area_lon, status, created_by, created_at)"
                                " VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6)",
                                error);
  unit_update = dozor_store_prepare (self, "UPDATE units SET status = 'dispatched', version = version + 1 WHERE id = ?1",
                                     error);
  if (insert == NULL || unit_update == NULL)
    return NULL;
  dozor_db_bind_text (insert, 1, id);
  dozor_db_bind_text (insert, 2, unit_id);
  /* To 7 decimals (about 1 cm), as positions are kept; rounded here:
   * PostgreSQL has no round() of a double to N decimals. */
  dozor_db_bind_double (insert, 3, round (target_lat * 1e7) / 1e7);
  dozor_db_bind_double (insert, 4, round (target_lon * 1e7) / 1e7);
  dozor_db_bind_text (insert, 5, by);
  dozor_db_bind_text (insert, 6, now);
  /* The unique index of active dispatches is the last word, as for any
   * dispatch: the loser learns who has the unit. */
  if (dozor_db_step (insert) != DOZOR_DB_DONE)
    return dozor_store_unit_free (self, unit_id, TRUE, current, error), NULL;
  dozor_db_bind_text (unit_update, 1, unit_id);
  if (dozor_db_step (unit_update) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  dispatch = dozor_store_dispatch_json (self, id);
  unit_text = dozor_store_unit_json (self, unit_id);
  if (!dozor_store_append_event (self, "dispatch.created", "dispatch", dispatch, error) ||
      !dozor_store_append_event (self, "unit.updated", "unit", unit_text, error))
    return NULL;
  return dozor_store_parse_json (dispatch, error);
}

/**
 * dozor_store_units_to_area:
 * @self: a #DozorStore
 * @units: the set of unit ids to add to
 * @error: return location for a #GError
 *
 * Adds the units on their way to the crisis area, not there yet: only
 * their fixes are checked for arrival.
 *
 * Returns: %FALSE with @error set if the store failed
 */
gboolean
dozor_store_units_to_area (DozorStore  *self,
                           GHashTable  *units,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
                         "SELECT d.unit_id FROM dispatches d JOIN units u ON u.id = d.unit_id"
                         " WHERE d.status = 'active' AND d.area_lat IS NOT NULL"
                         " AND u.status IN ('dispatched', 'en_route')",
                         error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_hash_table_add (units, g_strdup (dozor_db_column_text (stmt, 0)));
  return rc == DOZOR_DB_DONE || dozor_store_set_db_error (self, error);
}

/**
 * dozor_store_check_area_arrival:
 * @self: a #DozorStore, inside the transaction that stored the fix
 * @unit_id: a unit whose newer fix was just stored
 * @lat: the fix
 * @lon: the fix
 * @speed: its speed, m/s, or NAN if it has none
 * @time: its time, RFC 3339 UTC as stored
 * @error: return location for a #GError
 *
 * A unit on its way to the crisis area has arrived when a fix no older
 * than the dispatch lies within 100 m of its point and is slower than
 * 2 m/s: it becomes `on_scene`.
 *
 * Returns: %FALSE with @error set if the store failed
 */
gboolean
dozor_store_check_area_arrival (DozorStore  *self,
                                const char  *unit_id,
                                double       lat,
                                double       lon,
                                double       speed,
                                const char  *time,
                                GError     **error)
{
  g_autoptr(DozorDbStmt) find = NULL;
  g_autoptr(DozorDbStmt) on_scene = NULL;
  g_autofree char *unit = NULL;
  int rc;

  if (isnan (speed))
    return TRUE;
  find = dozor_store_prepare (self,
                              "SELECT d.area_lat, d.area_lon FROM dispatches d JOIN units u ON u.id = d.unit_id"
                              " WHERE d.unit_id = ?1 AND d.status = 'active' AND d.area_lat IS NOT NULL"
                              " AND d.created_at <= ?2 AND u.status IN ('dispatched', 'en_route')",
                              error);
  if (find == NULL)
    return FALSE;
  dozor_db_bind_text (find, 1, unit_id);
  dozor_db_bind_text (find, 2, time);
  rc = dozor_db_step (find);
  if (rc == DOZOR_DB_DONE)
    return TRUE;
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  if (!dozor_post_is_reached (dozor_db_column_double (find, 0), dozor_db_column_double (find, 1), lat, lon, speed,
                              DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S))
    return TRUE;

  on_scene = dozor_store_prepare (self, "UPDATE units SET status = 'on_scene', version = version + 1 WHERE id = ?1",
                                  error);
  if (on_scene == NULL)
    return FALSE;
  dozor_db_bind_text (on_scene, 1, unit_id);
  if (dozor_db_step (on_scene) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  unit = dozor_store_unit_json (self, unit_id);
  return dozor_store_append_event (self, "unit.updated", "unit", unit, error);
}

/**
 * dozor_store_end_area_dispatches:
 * @self: a #DozorStore, in the transaction that lowers the level
 * @by: who lowered it
 * @error: return location for a #GError
 *
 * The area is gone with its episode: its dispatches are completed and
 * their units free.
 *
 * Returns: %FALSE with @error set if the store failed
 */
gboolean
dozor_store_end_area_dispatches (DozorStore  *self,
                                 const char  *by,
                                 GError     **error)
{
  return dozor_store_end_dispatches (self, "area", "area", "completed", by, error);
}
