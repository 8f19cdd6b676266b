/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/**
 * DOZOR_SQLITE_ERROR:
 *
 * The domain of errors SQLite reported: the code is SQLite's extended
 * result code, the message SQLite's own words, without the file's name.
 */
#define DOZOR_SQLITE_ERROR (dozor_sqlite_error_quark ())

/**
 * DozorSqliteOpenMode:
 * @DOZOR_SQLITE_OPEN_READ_ONLY: read an existing file, never make one
 * @DOZOR_SQLITE_OPEN_READ_WRITE: read and write, making the file if missing
 *
 * How [func@Dozor.sqlite_open] opens a file.
 */
typedef enum
{
  DOZOR_SQLITE_OPEN_READ_ONLY,
  DOZOR_SQLITE_OPEN_READ_WRITE,
} DozorSqliteOpenMode;

/**
 * DozorSqliteColumn:
 * @name: the column's name
 * @type: its declared type, such as "INTEGER"
 * @not_null: whether it is declared NOT NULL
 *
 * One column of a table as a version of Dozor makes it.
 */
typedef struct
{
  const char *name;
  const char *type;
  gboolean not_null;
} DozorSqliteColumn;

/**
 * DozorSqliteSchema:
 * @create: SQL that makes the table in an empty file and sets
 *   PRAGMA user_version to @version
 * @version: the layout this version writes, above 0
 * @table: the table that holds the data
 * @columns: (array length=n_columns): every column of @table, its
 *   primary key first
 * @n_columns: the number of @columns, at most 32
 *
 * The layout of a file that [func@Dozor.sqlite_check_schema] recognises.
 */
typedef struct
{
  const char *create;
  gint64 version;
  const char *table;
  const DozorSqliteColumn *columns;
  guint n_columns;
} DozorSqliteSchema;

/**
 * DozorSqliteSchemaCheck:
 * @DOZOR_SQLITE_SCHEMA_OURS: the file has this version's layout, made now
 *   if the file was empty
 * @DOZOR_SQLITE_SCHEMA_FOREIGN: another program's database
 * @DOZOR_SQLITE_SCHEMA_NEWER: a layout from a newer version
 * @DOZOR_SQLITE_SCHEMA_NO_TABLE: this version's user_version, but no such
 *   table
 * @DOZOR_SQLITE_SCHEMA_OTHER_COLUMNS: the table has other columns
 *
 * What [func@Dozor.sqlite_check_schema] found in a file.
 */
typedef enum
{
  DOZOR_SQLITE_SCHEMA_OURS,
  DOZOR_SQLITE_SCHEMA_FOREIGN,
  DOZOR_SQLITE_SCHEMA_NEWER,
  DOZOR_SQLITE_SCHEMA_NO_TABLE,
  DOZOR_SQLITE_SCHEMA_OTHER_COLUMNS,
} DozorSqliteSchemaCheck;

GQuark       dozor_sqlite_error_quark          (void);
GIOErrorEnum dozor_sqlite_io_error             (int                       rc);
GIOErrorEnum dozor_sqlite_error_io_code        (const GError             *error);
void         dozor_sqlite_set_error            (GError                  **error,
                                                sqlite3                  *db,
                                                int                       rc);
gboolean     dozor_sqlite_check_file           (const char               *path,
                                                gboolean                  allow_empty,
                                                GError                  **error);
gboolean     dozor_sqlite_prepare_private_file (const char               *path,
                                                GError                  **error);
gboolean     dozor_sqlite_open                 (const char               *path,
                                                DozorSqliteOpenMode       mode,
                                                int                       busy_timeout_ms,
                                                sqlite3                 **db,
                                                GError                  **error);
gboolean     dozor_sqlite_exec                 (sqlite3                  *db,
                                                const char               *sql,
                                                GError                  **error);
gboolean     dozor_sqlite_query_int            (sqlite3                  *db,
                                                const char               *sql,
                                                gint64                   *value,
                                                GError                  **error);
gboolean     dozor_sqlite_check_schema         (sqlite3                  *db,
                                                const DozorSqliteSchema  *schema,
                                                DozorSqliteSchemaCheck   *result,
                                                gint64                   *version,
                                                GError                  **error);
gboolean     dozor_sqlite_use_wal              (sqlite3                  *db,
                                                const char               *display_name,
                                                GError                  **error);

gboolean     dozor_sqlite_copy                 (const char               *source,
                                                const char               *target,
                                                GError                  **error);
gboolean     dozor_sqlite_check_integrity      (sqlite3                  *db,
                                                GError                  **error);
int          dozor_sqlite_lock_owner           (const char               *path,
                                                GError                  **error);

G_END_DECLS
