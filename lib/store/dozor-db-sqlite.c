/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorDb on SQLite: a thin layer over sqlite3, so that the store behaves
 * exactly as it did when it called SQLite itself.
 */
#include "config.h"

#include "dozor-db-private.h"
#include "dozor-db-sqlite.h"
#include "dozor-sqlite.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* As long as the store waited before: a reader's or a checkpoint's lock. */
#define BUSY_TIMEOUT_MS 5000

typedef struct
{
  DozorDb parent;
  sqlite3 *handle;
} SqliteDb;

typedef struct
{
  DozorDbStmt parent;
  sqlite3_stmt *handle;
} SqliteStmt;

static inline sqlite3 *
handle_of (DozorDb *db)
{
  return ((SqliteDb *) db)->handle;
}

static inline sqlite3_stmt *
stmt_of (DozorDbStmt *stmt)
{
  return ((SqliteStmt *) stmt)->handle;
}

static int
error_code (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DOZOR_DB_ERROR_BUSY;

    case SQLITE_CONSTRAINT:
      return DOZOR_DB_ERROR_CONSTRAINT;

    case SQLITE_FULL:
      return DOZOR_DB_ERROR_FULL;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DOZOR_DB_ERROR_CORRUPT;

    case SQLITE_CANTOPEN:
      return DOZOR_DB_ERROR_UNAVAILABLE;

    default:
      return DOZOR_DB_ERROR_FAILED;
    }
}

static gboolean
sqlite_set_error (DozorDb  *db,
                  GError  **error)
{
  sqlite3 *handle = handle_of (db);

  g_set_error_literal (error, DOZOR_DB_ERROR, error_code (sqlite3_extended_errcode (handle)),
                       sqlite3_errmsg (handle));
  return FALSE;
}

static gboolean
sqlite_exec (DozorDb     *db,
             const char  *sql,
             GError     **error)
{
  if (sqlite3_exec (handle_of (db), sql, NULL, NULL, NULL) != SQLITE_OK)
    return sqlite_set_error (db, error);

  return TRUE;
}

static gboolean
sqlite_begin_write (DozorDb  *db,
                    gint64   *seq,
                    GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok;

  if (!sqlite_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  /* One writer at a time holds the file from here on, so the newest seq
   * cannot change before COMMIT. */
  if (sqlite3_prepare_v2 (handle_of (db), "SELECT COALESCE(MAX(seq), 0) FROM events", -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite_set_error (db, error);
      sqlite3_exec (handle_of (db), "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  ok = sqlite3_step (stmt) == SQLITE_ROW;
  if (ok)
    *seq = sqlite3_column_int64 (stmt, 0);
  else
    sqlite_set_error (db, error);
  sqlite3_finalize (stmt);

  if (!ok)
    sqlite3_exec (handle_of (db), "ROLLBACK", NULL, NULL, NULL);
  return ok;
}

static gboolean
sqlite_begin_read (DozorDb  *db,
                   GError  **error)
{
  return sqlite_exec (db, "BEGIN DEFERRED", error);
}

static gboolean
sqlite_commit (DozorDb  *db,
               gint64    seq,
               GError  **error)
{
  /* The events table is the counter on SQLite: nothing else to write. */
  return sqlite_exec (db, "COMMIT", error);
}

static void
sqlite_rollback (DozorDb *db)
{
  if (!sqlite3_get_autocommit (handle_of (db)))
    sqlite3_exec (handle_of (db), "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
sqlite_in_transaction (DozorDb *db)
{
  return !sqlite3_get_autocommit (handle_of (db));
}

static gint64
sqlite_changes (DozorDb *db)
{
  return sqlite3_changes64 (handle_of (db));
}

static const char *
sqlite_errmsg (DozorDb *db)
{
  return sqlite3_errmsg (handle_of (db));
}

static void
sqlite_close (DozorDb *db)
{
  SqliteDb *self = (SqliteDb *) db;

  /* _v2: statements a caller still holds keep the connection until freed. */
  sqlite3_close_v2 (self->handle);
  g_free (self->parent.target);
  g_free (self);
}

static DozorDbStmt *
sqlite_prepare (DozorDb     *db,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *handle = NULL;
  SqliteStmt *stmt;

  if (sqlite3_prepare_v2 (handle_of (db), sql, -1, &handle, NULL) != SQLITE_OK)
    {
      sqlite_set_error (db, error);
      return NULL;
    }

  stmt = g_new0 (SqliteStmt, 1);
  stmt->parent.db = db;
  stmt->handle = handle;
  return &stmt->parent;
}

static void
sqlite_stmt_free (DozorDbStmt *stmt)
{
  sqlite3_finalize (stmt_of (stmt));
  g_free (stmt);
}

static void
sqlite_bind_text (DozorDbStmt *stmt,
                  int          index,
                  const char  *value,
                  gsize        length)
{
  sqlite3_bind_text64 (stmt_of (stmt), index, value, length, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void
sqlite_bind_int64 (DozorDbStmt *stmt,
                   int          index,
                   gint64       value)
{
  sqlite3_bind_int64 (stmt_of (stmt), index, value);
}

static void
sqlite_bind_double (DozorDbStmt *stmt,
                    int          index,
                    double       value)
{
  sqlite3_bind_double (stmt_of (stmt), index, value);
}

static void
sqlite_bind_null (DozorDbStmt *stmt,
                  int          index)
{
  sqlite3_bind_null (stmt_of (stmt), index);
}

static int
sqlite_bind_parameter_count (DozorDbStmt *stmt)
{
  return sqlite3_bind_parameter_count (stmt_of (stmt));
}

static void
sqlite_clear_bindings (DozorDbStmt *stmt)
{
  sqlite3_clear_bindings (stmt_of (stmt));
}

static DozorDbStep
sqlite_step (DozorDbStmt  *stmt,
             GError      **error)
{
  switch (sqlite3_step (stmt_of (stmt)))
    {
    case SQLITE_ROW:
      return DOZOR_DB_ROW;

    case SQLITE_DONE:
      return DOZOR_DB_DONE;

    default:
      sqlite_set_error (stmt->db, error);
      return DOZOR_DB_FAILED;
    }
}

static void
sqlite_reset (DozorDbStmt *stmt)
{
  sqlite3_reset (stmt_of (stmt));
}

static int
sqlite_column_count (DozorDbStmt *stmt)
{
  return sqlite3_column_count (stmt_of (stmt));
}

static gboolean
sqlite_column_is_null (DozorDbStmt *stmt,
                       int          column)
{
  return sqlite3_column_type (stmt_of (stmt), column) == SQLITE_NULL;
}

static const char *
sqlite_column_text (DozorDbStmt *stmt,
                    int          column)
{
  return (const char *) sqlite3_column_text (stmt_of (stmt), column);
}

static gsize
sqlite_column_bytes (DozorDbStmt *stmt,
                     int          column)
{
  return sqlite3_column_bytes (stmt_of (stmt), column);
}

static gint64
sqlite_column_int64 (DozorDbStmt *stmt,
                     int          column)
{
  return sqlite3_column_int64 (stmt_of (stmt), column);
}

static double
sqlite_column_double (DozorDbStmt *stmt,
                      int          column)
{
  return sqlite3_column_double (stmt_of (stmt), column);
}

static const DozorDbBackend sqlite_backend = {
  .kind = DOZOR_DB_SQLITE,
  .exec = sqlite_exec,
  .begin_write = sqlite_begin_write,
  .begin_read = sqlite_begin_read,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .in_transaction = sqlite_in_transaction,
  .changes = sqlite_changes,
  .errmsg = sqlite_errmsg,
  .set_error = sqlite_set_error,
  .close = sqlite_close,
  .prepare = sqlite_prepare,
  .stmt_free = sqlite_stmt_free,
  .bind_text = sqlite_bind_text,
  .bind_int64 = sqlite_bind_int64,
  .bind_double = sqlite_bind_double,
  .bind_null = sqlite_bind_null,
  .bind_parameter_count = sqlite_bind_parameter_count,
  .clear_bindings = sqlite_clear_bindings,
  .step = sqlite_step,
  .reset = sqlite_reset,
  .column_count = sqlite_column_count,
  .column_is_null = sqlite_column_is_null,
  .column_text = sqlite_column_text,
  .column_bytes = sqlite_column_bytes,
  .column_int64 = sqlite_column_int64,
  .column_double = sqlite_column_double,
};

DozorDb *
dozor_db_sqlite_open (const char       *path,
                      DozorDbOpenMode   mode,
                      GError          **error)
{
  SqliteDb *self;
  sqlite3 *handle = NULL;

  if (mode == DOZOR_DB_OPEN_READ_ONLY)
    {
      g_autoptr(GError) local_error = NULL;

      /* Readers never make a file, and see one that is not a database as
       * such (dozor-sqlite.c). */
      if (!dozor_sqlite_open (path, DOZOR_SQLITE_OPEN_READ_ONLY, BUSY_TIMEOUT_MS, &handle, &local_error))
        {
          g_set_error (error, DOZOR_DB_ERROR,
                       local_error->domain == DOZOR_SQLITE_ERROR ? error_code (local_error->code)
                                                                 : DOZOR_DB_ERROR_UNAVAILABLE,
                       _("Cannot open “%s”: %s"), path, local_error->message);
          return NULL;
        }
    }
  else
    {
      int rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

      if (rc != SQLITE_OK)
        {
          g_set_error (error, DOZOR_DB_ERROR, error_code (rc), _("Cannot open “%s”: %s"),
                       path, handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
          sqlite3_close (handle);
          return NULL;
        }

      sqlite3_busy_timeout (handle, BUSY_TIMEOUT_MS);
    }

  self = g_new0 (SqliteDb, 1);
  self->parent.backend = &sqlite_backend;
  self->parent.target = g_strdup (path);
  self->handle = handle;
  return &self->parent;
}

/**
 * dozor_db_sqlite_get_handle:
 * @db: a connection
 *
 * Returns: (nullable): the SQLite connection, for what only SQLite has
 *   (checkpoints, backups, integrity checks), or %NULL on PostgreSQL
 */
sqlite3 *
dozor_db_sqlite_get_handle (DozorDb *db)
{
  if (db == NULL || db->backend != &sqlite_backend)
    return NULL;

  return handle_of (db);
}
