/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorDb: one connection to dozord's store, on SQLite or on PostgreSQL
 * (issue 19, docs/postgresql.md). The store's code is written once, against
 * this interface, in SQLite's dialect restricted to what the PostgreSQL
 * backend translates (docs/postgresql.md, "One dialect").
 *
 * The calls mirror SQLite's own (prepare, bind, step, column) so that the
 * store keeps its shape: a statement is prepared once and run many times.
 * A connection and its statements belong to one thread at a time.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOZOR_DB_ERROR (dozor_db_error_quark ())

/**
 * DozorDbError:
 * @DOZOR_DB_ERROR_FAILED: any other error; the message says what
 * @DOZOR_DB_ERROR_UNAVAILABLE: the database cannot be reached, or the
 *   connection was lost (dozord answers 503; the next call may succeed)
 * @DOZOR_DB_ERROR_BUSY: another writer holds the database, or the
 *   transaction was chosen as a victim (serialization failure, deadlock):
 *   the whole transaction may be tried again
 * @DOZOR_DB_ERROR_CONSTRAINT: a unique, foreign-key or check constraint, or
 *   a trigger, refused the change
 * @DOZOR_DB_ERROR_FULL: the disk or the database is full
 * @DOZOR_DB_ERROR_CORRUPT: the file is not a database, or is damaged
 * @DOZOR_DB_ERROR_SCHEMA_TOO_NEW: the database was made by a newer version
 */
typedef enum
{
  DOZOR_DB_ERROR_FAILED,
  DOZOR_DB_ERROR_UNAVAILABLE,
  DOZOR_DB_ERROR_BUSY,
  DOZOR_DB_ERROR_CONSTRAINT,
  DOZOR_DB_ERROR_FULL,
  DOZOR_DB_ERROR_CORRUPT,
  DOZOR_DB_ERROR_SCHEMA_TOO_NEW,
} DozorDbError;

/**
 * DozorDbKind:
 * @DOZOR_DB_SQLITE: one SQLite file, the embedded default
 * @DOZOR_DB_POSTGRES: a PostgreSQL database, shared by several dozord
 */
typedef enum
{
  DOZOR_DB_SQLITE,
  DOZOR_DB_POSTGRES,
} DozorDbKind;

/**
 * DozorDbOpenMode:
 * @DOZOR_DB_OPEN_READ_WRITE: the store's own connection; a SQLite file is
 *   made if missing
 * @DOZOR_DB_OPEN_READ_ONLY: a reader's connection (history, reports,
 *   replay), which never writes
 */
typedef enum
{
  DOZOR_DB_OPEN_READ_WRITE,
  DOZOR_DB_OPEN_READ_ONLY,
} DozorDbOpenMode;

/**
 * DozorDbStep:
 * @DOZOR_DB_ROW: a row is ready; read it with the column calls
 * @DOZOR_DB_DONE: the statement has run to its end
 * @DOZOR_DB_FAILED: it failed; dozor_db_errmsg() and the @error of
 *   dozor_db_step_full() say why
 */
typedef enum
{
  DOZOR_DB_ROW,
  DOZOR_DB_DONE,
  DOZOR_DB_FAILED,
} DozorDbStep;

typedef struct _DozorDb DozorDb;
typedef struct _DozorDbStmt DozorDbStmt;

GQuark        dozor_db_error_quark      (void);

/* A target is a SQLite file's path, or a `postgresql://` / `postgres://`
 * URI or a libpq conninfo string ("host=… dbname=…"). */
gboolean      dozor_db_target_is_postgres (const char       *target);

DozorDb      *dozor_db_open             (const char       *target,
                                         DozorDbOpenMode   mode,
                                         GError          **error);
void          dozor_db_close            (DozorDb          *db);
/* On PostgreSQL, a lost connection is made again in a thread, and every
 * call fails at once (DOZOR_DB_ERROR_UNAVAILABLE) until it is: for an
 * owner that must never wait for the server (dozord's main loop). On
 * SQLite nothing changes. */
void          dozor_db_set_reconnect_in_background (DozorDb *db,
                                                    gboolean background);
DozorDbKind   dozor_db_get_kind         (DozorDb          *db);
/* The target it was opened with, for readers that open their own
 * connection. Holds a PostgreSQL password if the target did: never log it. */
const char   *dozor_db_get_target       (DozorDb          *db);

/* Statements without parameters, separated by ';' (schema, PRAGMA, …). */
gboolean      dozor_db_exec             (DozorDb          *db,
                                         const char       *sql,
                                         GError          **error);

/* A write transaction. On SQLite: BEGIN IMMEDIATE. On PostgreSQL: BEGIN,
 * then the one row of `event_counter` locked FOR UPDATE, so that every
 * write transaction of every dozord on the database runs one after the
 * other, as on SQLite. *@seq is then the last committed event's seq. */
gboolean      dozor_db_begin_write      (DozorDb          *db,
                                         gint64           *seq,
                                         GError          **error);
/* A read transaction: one consistent view of the data for several
 * statements (REPEATABLE READ on PostgreSQL, BEGIN DEFERRED on SQLite). */
gboolean      dozor_db_begin_read       (DozorDb          *db,
                                         GError          **error);
/* On PostgreSQL, @seq (the last event written, or -1 when the transaction
 * wrote none) goes into `event_counter` before COMMIT, with a NOTIFY to
 * the other instances. */
gboolean      dozor_db_commit           (DozorDb          *db,
                                         gint64            seq,
                                         GError          **error);
void          dozor_db_rollback         (DozorDb          *db);
gboolean      dozor_db_in_transaction   (DozorDb          *db);

/* The rows the last INSERT, UPDATE or DELETE changed. */
gint64        dozor_db_changes          (DozorDb          *db);
/* The last error's message, in the database's words. */
const char   *dozor_db_errmsg           (DozorDb          *db);
/* Sets @error from the last error (DOZOR_DB_ERROR); returns FALSE. */
gboolean      dozor_db_set_error        (DozorDb          *db,
                                         GError          **error);

DozorDbStmt  *dozor_db_prepare          (DozorDb          *db,
                                         const char       *sql,
                                         GError          **error);
void          dozor_db_stmt_free        (DozorDbStmt      *stmt);
DozorDb      *dozor_db_stmt_get_db      (DozorDbStmt      *stmt);

/* Parameters count from 1, as `?1` in the SQL. Texts are copied. */
void          dozor_db_bind_text        (DozorDbStmt      *stmt,
                                         int               index,
                                         const char       *value);
void          dozor_db_bind_text_len    (DozorDbStmt      *stmt,
                                         int               index,
                                         const char       *value,
                                         gsize             length);
void          dozor_db_bind_int64       (DozorDbStmt      *stmt,
                                         int               index,
                                         gint64            value);
void          dozor_db_bind_double      (DozorDbStmt      *stmt,
                                         int               index,
                                         double            value);
void          dozor_db_bind_null        (DozorDbStmt      *stmt,
                                         int               index);
int           dozor_db_bind_parameter_count (DozorDbStmt  *stmt);
void          dozor_db_clear_bindings   (DozorDbStmt      *stmt);

DozorDbStep   dozor_db_step             (DozorDbStmt      *stmt);
DozorDbStep   dozor_db_step_full        (DozorDbStmt      *stmt,
                                         GError          **error);
/* Ready to run again, with the same bindings. */
void          dozor_db_reset            (DozorDbStmt      *stmt);

/* Columns count from 0. A text is valid until the next step or reset. */
int           dozor_db_column_count     (DozorDbStmt      *stmt);
gboolean      dozor_db_column_is_null   (DozorDbStmt      *stmt,
                                         int               column);
const char   *dozor_db_column_text      (DozorDbStmt      *stmt,
                                         int               column);
gsize         dozor_db_column_bytes     (DozorDbStmt      *stmt,
                                         int               column);
gint64        dozor_db_column_int64     (DozorDbStmt      *stmt,
                                         int               column);
double        dozor_db_column_double    (DozorDbStmt      *stmt,
                                         int               column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorDbStmt, dozor_db_stmt_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorDb, dozor_db_close)

G_END_DECLS
