/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PostGIS where a spatial question belongs in the database (issue 19,
 * item 4; docs/postgresql.md, "PostGIS"). With several dozord instances
 * on one database, the zones' shapes live once, indexed (GiST), beside
 * the zones, instead of being parsed into GEOS by every instance for
 * every report. Migration 5 of dozor-pg-schema.c holds the SQL; SQLite,
 * and PostgreSQL without the extension, keep GEOS (dozor-store-reports.c).
 */
#include "config.h"

#include "dozor-store-spatial.h"

/**
 * dozor_store_spatial_enable:
 * @db: a read-write connection, outside a transaction
 * @error: return location for a #GError
 *
 * On PostgreSQL with the postgis extension created in the database, makes
 * the zones' shapes table if it is not there yet (under the event
 * counter's lock, so that instances starting together make it once).
 *
 * Returns: %TRUE on success, whether or not PostGIS is there
 */
gboolean
dozor_store_spatial_enable (DozorDb  *db,
                            GError  **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  gint64 seq;

  if (dozor_db_get_kind (db) != DOZOR_DB_POSTGRES)
    return TRUE;
  if (!dozor_db_begin_write (db, &seq, error))
    return FALSE;
  stmt = dozor_db_prepare (db, "SELECT dozor_spatial_enable()", error);
  if (stmt == NULL || dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      if (stmt != NULL)
        dozor_db_set_error (db, error);
      g_clear_pointer (&stmt, dozor_db_stmt_free);
      dozor_db_rollback (db);
      return FALSE;
    }
  g_clear_pointer (&stmt, dozor_db_stmt_free);
  return dozor_db_commit (db, -1, error);
}

/**
 * dozor_store_spatial_district_of:
 * @db: a connection to the store
 * @lat: latitude
 * @lon: longitude
 * @name: (out) (transfer full) (nullable): the first district by name that
 *   holds the point, its edge included, or %NULL for none
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the database answered (PostgreSQL with PostGIS);
 *   %FALSE with @error unset when it cannot, and the caller judges with
 *   GEOS; %FALSE with @error set when the query failed
 */
gboolean
dozor_store_spatial_district_of (DozorDb  *db,
                                 double    lat,
                                 double    lon,
                                 char    **name,
                                 GError  **error)
{
  g_autoptr(DozorDbStmt) present = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  int rc;

  *name = NULL;
  if (dozor_db_get_kind (db) != DOZOR_DB_POSTGRES)
    return FALSE;
  present = dozor_db_prepare (db, "SELECT to_regclass('zone_shapes') IS NOT NULL", error);
  if (present == NULL || dozor_db_step (present) != DOZOR_DB_ROW)
    return present != NULL ? dozor_db_set_error (db, error) : FALSE;
  if (dozor_db_column_int64 (present, 0) == 0)
    return FALSE;

  /* && on the bounding boxes goes through the GiST index; ST_Intersects
   * counts the edge as inside, as GEOS's Intersects does on SQLite. */
  stmt = dozor_db_prepare (db,
                           "SELECT z.name FROM zone_shapes s JOIN zones z ON z.id = s.zone_id"
                           " WHERE s.kind = 'district'"
                           "   AND ST_Intersects(s.shape, ST_SetSRID(ST_MakePoint(?2, ?1), 4326))"
                           " ORDER BY z.name, z.id LIMIT 1",
                           error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_double (stmt, 1, lat);
  dozor_db_bind_double (stmt, 2, lon);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_ROW)
    *name = g_strdup (dozor_db_column_text (stmt, 0));
  else if (rc != DOZOR_DB_DONE)
    return dozor_db_set_error (db, error);
  return TRUE;
}
