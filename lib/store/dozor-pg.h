/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define DOZOR_PG_ERROR (dozor_pg_error_quark ())

/**
 * DozorPgError:
 * @DOZOR_PG_ERROR_INVALID_TARGET: the text is neither a `postgresql://` URI
 *   nor a conninfo string
 * @DOZOR_PG_ERROR_UNAVAILABLE: no connection could be made
 * @DOZOR_PG_ERROR_CONNECTION_LOST: the connection broke during a call (SQLSTATE
 *   class 08, or the server ended the session, 57P01–57P03); the next call
 *   connects again by itself
 * @DOZOR_PG_ERROR_SERIALIZATION: a serialization failure or deadlock (40001,
 *   40P01): the whole transaction may be tried again
 * @DOZOR_PG_ERROR_UNIQUE_VIOLATION: a unique constraint refused the row (23505)
 * @DOZOR_PG_ERROR_SCHEMA_TOO_NEW: the database's schema is newer than this
 *   program knows
 * @DOZOR_PG_ERROR_FAILED: any other error; the message holds its SQLSTATE
 *
 * Every message ends with the SQLSTATE when the server sent one.
 */
typedef enum
{
  DOZOR_PG_ERROR_INVALID_TARGET,
  DOZOR_PG_ERROR_UNAVAILABLE,
  DOZOR_PG_ERROR_CONNECTION_LOST,
  DOZOR_PG_ERROR_SERIALIZATION,
  DOZOR_PG_ERROR_UNIQUE_VIOLATION,
  DOZOR_PG_ERROR_SCHEMA_TOO_NEW,
  DOZOR_PG_ERROR_FAILED,
} DozorPgError;

/**
 * DozorPgMigration:
 * @version: from 1, each one more than the last
 * @name: what it does, kept in `schema_migrations`
 * @statements: (array zero-terminated=1): SQL run one by one, in one transaction
 */
typedef struct
{
  int version;
  const char *name;
  const char *const *statements;
} DozorPgMigration;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

#define DOZOR_TYPE_PG (dozor_pg_get_type ())
G_DECLARE_FINAL_TYPE (DozorPg, dozor_pg, DOZOR, PG, GObject)

GQuark      dozor_pg_error_quark       (void);
gboolean    dozor_pg_is_target         (const char              *target);

DozorPg    *dozor_pg_new               (const char              *target,
                                        GError                 **error);
DozorPg    *dozor_pg_new_with_options  (const char              *target,
                                        const char              *options,
                                        GError                 **error);
gboolean    dozor_pg_ensure_connected  (DozorPg                 *self,
                                        GError                 **error);
void        dozor_pg_set_reconnect_in_background (DozorPg       *self,
                                                  gboolean       background);
int         dozor_pg_get_backend_pid   (DozorPg                 *self);
guint       dozor_pg_get_generation    (DozorPg                 *self);
void        dozor_pg_set_cancellable   (DozorPg                 *self,
                                        GCancellable            *cancellable);
int         dozor_pg_wait_notification (DozorPg                 *self,
                                        int                      timeout_ms,
                                        GError                 **error);

PGresult   *dozor_pg_query             (DozorPg                 *self,
                                        const char              *sql,
                                        int                      n_params,
                                        const char *const       *params,
                                        GError                 **error);
PGresult   *dozor_pg_query_typed       (DozorPg                 *self,
                                        const char              *sql,
                                        int                      n_params,
                                        const Oid               *types,
                                        const char *const       *params,
                                        GError                 **error);
gboolean    dozor_pg_exec_script       (DozorPg                 *self,
                                        const char              *sql,
                                        GError                 **error);
const char *dozor_pg_get_sqlstate      (DozorPg                 *self);
gboolean    dozor_pg_exec              (DozorPg                 *self,
                                        const char              *sql,
                                        int                      n_params,
                                        const char *const       *params,
                                        GError                 **error);

gboolean    dozor_pg_begin             (DozorPg                 *self,
                                        GError                 **error);
gboolean    dozor_pg_commit            (DozorPg                 *self,
                                        GError                 **error);
void        dozor_pg_rollback          (DozorPg                 *self);
gboolean    dozor_pg_in_transaction    (DozorPg                 *self);

gboolean    dozor_pg_migrate           (DozorPg                 *self,
                                        const DozorPgMigration  *migrations,
                                        guint                    n_migrations,
                                        guint                   *applied,
                                        GError                 **error);
int         dozor_pg_schema_version    (DozorPg                 *self,
                                        GError                 **error);

G_END_DECLS
