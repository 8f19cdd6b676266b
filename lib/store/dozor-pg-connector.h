/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A connection to PostgreSQL made again in a thread of its own, for a
 * DozorPg whose owner must not wait for it (dozord's main loop; see
 * docs/postgresql.md, "Connecting again off the main loop").
 */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

typedef struct _DozorPgConnector DozorPgConnector;

DozorPgConnector *dozor_pg_connector_new  (const char *const *keywords,
                                           const char *const *values);
void              dozor_pg_connector_start (DozorPgConnector  *self);
PGconn           *dozor_pg_connector_take (DozorPgConnector  *self,
                                           char             **failure);
void              dozor_pg_connector_free (DozorPgConnector  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorPgConnector, dozor_pg_connector_free)

G_END_DECLS
