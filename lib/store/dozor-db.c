/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorDb: picks the backend by the target's form and dispatches to it.
 * The backends are dozor-db-sqlite.c and dozor-db-pg.c.
 */
#include "dozor-db-private.h"

#include "dozor-pg.h"

#include <string.h>

G_DEFINE_QUARK (dozor-db-error-quark, dozor_db_error)

/**
 * dozor_db_target_is_postgres:
 * @target: what `--db` was given
 *
 * Returns: whether @target names a PostgreSQL database (a `postgresql://`
 *   or `postgres://` URI, or a conninfo string) rather than a SQLite file
 */
gboolean
dozor_db_target_is_postgres (const char *target)
{
  return dozor_pg_is_target (target);
}

/**
 * dozor_db_open:
 * @target: a SQLite file's path, or a PostgreSQL URI or conninfo
 * @mode: the store's own connection, or a reader's
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
DozorDb *
dozor_db_open (const char       *target,
               DozorDbOpenMode   mode,
               GError          **error)
{
  g_return_val_if_fail (target != NULL, NULL);

  if (dozor_db_target_is_postgres (target))
    return dozor_db_pg_open (target, mode, error);

  return dozor_db_sqlite_open (target, mode, error);
}

void
dozor_db_close (DozorDb *db)
{
  if (db != NULL)
    db->backend->close (db);
}

/**
 * dozor_db_set_reconnect_in_background:
 * @db: a connection
 * @background: whether a lost PostgreSQL connection is made again in a
 *   thread, every call failing at once meanwhile
 */
void
dozor_db_set_reconnect_in_background (DozorDb  *db,
                                      gboolean  background)
{
  if (db->backend->set_reconnect_in_background != NULL)
    db->backend->set_reconnect_in_background (db, background);
}

DozorDbKind
dozor_db_get_kind (DozorDb *db)
{
  return db->backend->kind;
}

const char *
dozor_db_get_target (DozorDb *db)
{
  return db->target;
}

gboolean
dozor_db_exec (DozorDb     *db,
               const char  *sql,
               GError     **error)
{
  return db->backend->exec (db, sql, error);
}

gboolean
dozor_db_begin_write (DozorDb  *db,
                      gint64   *seq,
                      GError  **error)
{
  g_return_val_if_fail (seq != NULL, FALSE);

  return db->backend->begin_write (db, seq, error);
}

gboolean
dozor_db_begin_read (DozorDb  *db,
                     GError  **error)
{
  return db->backend->begin_read (db, error);
}

gboolean
dozor_db_commit (DozorDb  *db,
                 gint64    seq,
                 GError  **error)
{
  return db->backend->commit (db, seq, error);
}

void
dozor_db_rollback (DozorDb *db)
{
  db->backend->rollback (db);
}

gboolean
dozor_db_in_transaction (DozorDb *db)
{
  return db->backend->in_transaction (db);
}

gint64
dozor_db_changes (DozorDb *db)
{
  return db->backend->changes (db);
}

const char *
dozor_db_errmsg (DozorDb *db)
{
  return db->backend->errmsg (db);
}

gboolean
dozor_db_set_error (DozorDb  *db,
                    GError  **error)
{
  return db->backend->set_error (db, error);
}

DozorDbStmt *
dozor_db_prepare (DozorDb     *db,
                  const char  *sql,
                  GError     **error)
{
  return db->backend->prepare (db, sql, error);
}

void
dozor_db_stmt_free (DozorDbStmt *stmt)
{
  if (stmt != NULL)
    stmt->db->backend->stmt_free (stmt);
}

DozorDb *
dozor_db_stmt_get_db (DozorDbStmt *stmt)
{
  return stmt->db;
}

void
dozor_db_bind_text (DozorDbStmt *stmt,
                    int          index,
                    const char  *value)
{
  if (value == NULL)
    stmt->db->backend->bind_null (stmt, index);
  else
    stmt->db->backend->bind_text (stmt, index, value, strlen (value));
}

void
dozor_db_bind_text_len (DozorDbStmt *stmt,
                        int          index,
                        const char  *value,
                        gsize        length)
{
  if (value == NULL)
    stmt->db->backend->bind_null (stmt, index);
  else
    stmt->db->backend->bind_text (stmt, index, value, length);
}

void
dozor_db_bind_int64 (DozorDbStmt *stmt,
                     int          index,
                     gint64       value)
{
  stmt->db->backend->bind_int64 (stmt, index, value);
}

void
dozor_db_bind_double (DozorDbStmt *stmt,
                      int          index,
                      double       value)
{
  stmt->db->backend->bind_double (stmt, index, value);
}

void
dozor_db_bind_null (DozorDbStmt *stmt,
                    int          index)
{
  stmt->db->backend->bind_null (stmt, index);
}

int
dozor_db_bind_parameter_count (DozorDbStmt *stmt)
{
  return stmt->db->backend->bind_parameter_count (stmt);
}

void
dozor_db_clear_bindings (DozorDbStmt *stmt)
{
  stmt->db->backend->clear_bindings (stmt);
}

DozorDbStep
dozor_db_step (DozorDbStmt *stmt)
{
  return stmt->db->backend->step (stmt, NULL);
}

DozorDbStep
dozor_db_step_full (DozorDbStmt  *stmt,
                    GError      **error)
{
  return stmt->db->backend->step (stmt, error);
}

void
dozor_db_reset (DozorDbStmt *stmt)
{
  stmt->db->backend->reset (stmt);
}

int
dozor_db_column_count (DozorDbStmt *stmt)
{
  return stmt->db->backend->column_count (stmt);
}

gboolean
dozor_db_column_is_null (DozorDbStmt *stmt,
                         int          column)
{
  return stmt->db->backend->column_is_null (stmt, column);
}

const char *
dozor_db_column_text (DozorDbStmt *stmt,
                      int          column)
{
  return stmt->db->backend->column_text (stmt, column);
}

gsize
dozor_db_column_bytes (DozorDbStmt *stmt,
                       int          column)
{
  return stmt->db->backend->column_bytes (stmt, column);
}

gint64
dozor_db_column_int64 (DozorDbStmt *stmt,
                       int          column)
{
  return stmt->db->backend->column_int64 (stmt, column);
}

double
dozor_db_column_double (DozorDbStmt *stmt,
                        int          column)
{
  return stmt->db->backend->column_double (stmt, column);
}
