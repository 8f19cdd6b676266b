/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord's role as docs/operations-postgresql.md makes it: `createuser
 * dozord` (no superuser) and `createdb --owner dozord dozor`, the first
 * start applying every migration as that role. Found when Patroni's
 * cluster was first run (bench/failover-patroni.sh): the other tests
 * connect as the cluster's superuser, and migration 2 made an aggregate
 * whose state is `internal`, which PostgreSQL allows a superuser only, so
 * dozorctl and dozord refused to start on a centre's database.
 */
#include "config.h"

#include "dozor-db.h"
#include "dozor-pg.h"
#include "dozor-store.h"
#include "pg-fixture.h"

static PgCluster *cluster;

/* The role and its database, made by the cluster's superuser; the target
 * dozord is given, as that role. */
static char *
owned_database (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *admin = pg_cluster_new_database (cluster, "admin", NULL);
  g_autoptr(DozorPg) pg = NULL;
  g_autofree char *role = g_strdup_printf ("CREATE ROLE %s_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE", name);
  g_autofree char *database = g_strdup_printf ("CREATE DATABASE %s OWNER %s_owner", name, name);
  g_autofree char *host = g_uri_escape_string (pg_cluster_get_dir (cluster), NULL, FALSE);

  pg = dozor_pg_new (admin, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_pg_exec (pg, role, 0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dozor_pg_exec (pg, database, 0, NULL, &error));
  g_assert_no_error (error);
  return g_strdup_printf ("postgresql://%s_owner@/%s?host=%s&port=5432", name, name, host);
}

static void
test_owner_not_superuser (void)
{
  g_autofree char *target = owned_database ("centre");
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStore) store = dozor_store_open (target, &error);
  g_autoptr(DozorDb) db = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;

  /* Every migration applied as the owner. */
  g_assert_no_error (error);
  g_assert_nonnull (store);
  db = dozor_db_open (target, DOZOR_DB_OPEN_READ_ONLY, &error);
  g_assert_no_error (error);
  stmt = dozor_db_prepare (db, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &error);
  g_assert_no_error (error);
  g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
  g_assert_cmpint (dozor_db_column_int64 (stmt, 0), ==, 0);
  g_clear_pointer (&stmt, dozor_db_stmt_free);

  /* group_concat() with a separator, as the roster's CSV export writes a
   * crew and its weapons, in the store's dialect (SQLite's): the values in
   * order, NULL over no rows. */
  stmt = dozor_db_prepare (db, "SELECT group_concat(value, ';') FROM json_each('[\"АК-74\", \"ПМ\", \"РГД-5\"]')",
                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
  g_assert_cmpstr (dozor_db_column_text (stmt, 0), ==, "АК-74;ПМ;РГД-5");
  g_clear_pointer (&stmt, dozor_db_stmt_free);
  stmt = dozor_db_prepare (db, "SELECT group_concat(value, ';') FROM json_each('[]')", &error);
  g_assert_no_error (error);
  g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
  g_assert_null (dozor_db_column_text (stmt, 0));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cluster = pg_cluster_start_or_bail_out ();
  g_test_add_func ("/pg-role/owner-not-superuser", test_owner_not_superuser);
  return pg_cluster_run_tests (cluster);
}
