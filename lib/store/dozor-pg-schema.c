/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's schema on PostgreSQL, as versioned migrations
 * (dozor_pg_migrate()). A migration once released is never edited: a
 * change is a new one at the end, so that every database that ran version
 * N holds the same tables.
 *
 * So far the part every command stands on (docs/postgresql.md): the event
 * log with its gapless seq, and the answers kept under idempotency keys.
 */
#include "config.h"

#include "dozor-pg-schema.h"

static const char *const version_1[] = {
  /* The event exactly as the stream sends it: json keeps the text as it
   * was written, where jsonb would reorder its members. */
  "CREATE TABLE events ("
  " seq bigint PRIMARY KEY CHECK (seq > 0),"
  " type text NOT NULL,"
  " data json NOT NULL)",
  /* The seq counter: one row, whose row lock, taken by the UPDATE that
   * hands out a commit's seqs, is held until that commit; commits with
   * events therefore happen in seq order (docs/postgresql.md). */
  "CREATE TABLE event_counter ("
  " id boolean PRIMARY KEY DEFAULT true CHECK (id),"
  " seq bigint NOT NULL CHECK (seq >= 0))",
  "INSERT INTO event_counter (id, seq) VALUES (true, 0)",
  /* A repeated idempotency key gets the first answer. The primary key
   * holds across instances: of two commands with one key, the second
   * waits for the first to commit and is then refused. */
  "CREATE TABLE answers ("
  " username text NOT NULL,"
  " key text NOT NULL,"
  " status integer NOT NULL,"
  " body text NOT NULL,"
  " created_at timestamptz NOT NULL DEFAULT now(),"
  " PRIMARY KEY (username, key))",
  NULL
};

static const DozorPgMigration migrations[] = {
  { 1, "event log and idempotent answers", version_1 },
};

/**
 * dozor_pg_schema_get_migrations:
 * @n_migrations: (out): how many
 *
 * Returns: (array length=n_migrations) (transfer none): every migration
 *   of the store's schema, oldest first
 */
const DozorPgMigration *
dozor_pg_schema_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
