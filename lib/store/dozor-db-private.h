/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a backend of DozorDb implements (dozor-db-sqlite.c,
 * dozor-db-pg.c): dozor-db.c only dispatches to these.
 */
#pragma once

#include "dozor-db.h"

G_BEGIN_DECLS

typedef struct
{
  DozorDbKind kind;

  gboolean     (*exec)            (DozorDb *db, const char *sql, GError **error);
  gboolean     (*begin_write)     (DozorDb *db, gint64 *seq, GError **error);
  gboolean     (*begin_read)      (DozorDb *db, GError **error);
  gboolean     (*commit)          (DozorDb *db, gint64 seq, GError **error);
  void         (*rollback)        (DozorDb *db);
  gboolean     (*in_transaction)  (DozorDb *db);
  gint64       (*changes)         (DozorDb *db);
  const char  *(*errmsg)          (DozorDb *db);
  gboolean     (*set_error)       (DozorDb *db, GError **error);
  void         (*close)           (DozorDb *db);

  DozorDbStmt *(*prepare)         (DozorDb *db, const char *sql, GError **error);
  void         (*stmt_free)       (DozorDbStmt *stmt);
  void         (*bind_text)       (DozorDbStmt *stmt, int index, const char *value, gsize length);
  void         (*bind_int64)      (DozorDbStmt *stmt, int index, gint64 value);
  void         (*bind_double)     (DozorDbStmt *stmt, int index, double value);
  void         (*bind_null)       (DozorDbStmt *stmt, int index);
  int          (*bind_parameter_count) (DozorDbStmt *stmt);
  void         (*clear_bindings)  (DozorDbStmt *stmt);
  DozorDbStep  (*step)            (DozorDbStmt *stmt, GError **error);
  void         (*reset)           (DozorDbStmt *stmt);
  int          (*column_count)    (DozorDbStmt *stmt);
  gboolean     (*column_is_null)  (DozorDbStmt *stmt, int column);
  const char  *(*column_text)     (DozorDbStmt *stmt, int column);
  gsize        (*column_bytes)    (DozorDbStmt *stmt, int column);
  gint64       (*column_int64)    (DozorDbStmt *stmt, int column);
  double       (*column_double)   (DozorDbStmt *stmt, int column);

  /* NULL where connecting never waits (a file). */
  void         (*set_reconnect_in_background) (DozorDb *db, gboolean background);
} DozorDbBackend;

/* Every backend's connection and statement begin with these. */
struct _DozorDb
{
  const DozorDbBackend *backend;
  char *target;
};

struct _DozorDbStmt
{
  DozorDb *db;
};

/* The backends' constructors: each fills in the common header. */
DozorDb *dozor_db_sqlite_open (const char *path, DozorDbOpenMode mode, GError **error);
DozorDb *dozor_db_pg_open     (const char *target, DozorDbOpenMode mode, GError **error);

G_END_DECLS
