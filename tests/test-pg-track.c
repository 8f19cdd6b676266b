/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The position history at scale (issue 19, item 4; docs/postgresql.md,
 * "Positions at scale"): on PostgreSQL it is partitioned by day, a batch's
 * missing days are made with it, dozord makes today's and tomorrow's
 * ahead, retention drops whole days, and migration 4 moves the rows of a
 * database made before it. What a reader gets back is compared with the
 * same batches stored in SQLite.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "dozor-db.h"
#include "dozor-pg.h"
#include "dozor-pg-schema.h"
#include "dozor-store.h"
#include "dozor-store-history.h"
#include "pg-fixture.h"

static PgCluster *cluster;
static DozorStore *
open_store (const char *target)
{
  g_autoptr(GError) error = NULL;
  DozorStore *store = dozor_store_open (target, &error);

  g_assert_no_error (error);
  return store;
}

static char *
add_unit (DozorStore *store,
          const char *call_sign)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) input = json_object_new ();
  g_autoptr(JsonNode) unit = NULL;
  g_autoptr(GPtrArray) events = NULL;

  json_object_set_string_member (input, "call_sign", call_sign);
  json_object_set_string_member (input, "kind", "car");
  g_assert_true (dozor_store_begin (store, &error));
  unit = dozor_store_create_unit (store, input, &error);
  g_assert_no_error (error);
  events = dozor_store_commit (store, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (unit), "id"));
}

/* A batch as POST /positions gives it: one fix per time, at a point that
 * says which fix it was. */
static void
add_fixes (DozorStore         *store,
           const char         *unit_id,
           const char *const  *times)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) fixes = json_array_new ();
  g_autoptr(GPtrArray) events = NULL;
  guint n = g_strv_length ((char **) times);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *fix = json_object_new ();

      json_object_set_string_member (fix, "unit_id", unit_id);
      json_object_set_string_member (fix, "time", times[i]);
      json_object_set_double_member (fix, "lat", 43.2 + i * 0.0012345);
      json_object_set_double_member (fix, "lon", 76.9 - i * 0.0006789);
      if (i % 2 == 0)
        json_object_set_double_member (fix, "speed", 3.25 + i);
      json_array_add_object_element (fixes, fix);
    }
  g_assert_true (dozor_store_begin (store, &error));
  g_assert_cmpuint (dozor_store_add_positions (store, fixes, &error), ==, n);
  g_assert_no_error (error);
  events = dozor_store_commit (store, &error);
  g_assert_no_error (error);
}

/* "positions_YYYYMMDD:N" for each day's table, in order. */
static char *
days_of (const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDb) db = dozor_db_open (target, DOZOR_DB_OPEN_READ_ONLY, &error);
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GString) out = g_string_new ("");

  g_assert_no_error (error);
  stmt = dozor_db_prepare (db,
                           "SELECT c.relname, (SELECT count(*) FROM positions p WHERE p.tableoid = c.oid)"
                           " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                           " WHERE i.inhparent = CAST('positions' AS regclass) ORDER BY c.relname",
                           &error);
  g_assert_no_error (error);
  while (dozor_db_step (stmt) == DOZOR_DB_ROW)
    g_string_append_printf (out, "%s%s:%s", out->len > 0 ? " " : "",
                            dozor_db_column_text (stmt, 0), dozor_db_column_text (stmt, 1));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static JsonNode *
track_of (const char *target,
          const char *unit_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = dozor_store_history_track (target, unit_id, NULL, NULL, NULL, 1000, &error);

  g_assert_no_error (error);
  return json_from_string (text, &error);
}

/* The fixes' times and points, as a reader of GET /units/{id}/track
 * gets them; JSON spacing differs between the stores, values do not. */
static char *
track_text (const char *target,
            const char *unit_id)
{
  g_autoptr(JsonNode) track = track_of (target, unit_id);
  JsonArray *positions = json_object_get_array_member (json_node_get_object (track), "positions");
  g_autoptr(GString) out = g_string_new ("");

  for (guint i = 0; i < json_array_get_length (positions); i++)
    {
      JsonObject *fix = json_array_get_object_element (positions, i);
      JsonNode *speed = json_object_get_member (fix, "speed");

      g_string_append_printf (out, "%s %.7f %.7f ", json_object_get_string_member (fix, "time"),
                              json_object_get_double_member (fix, "lat"), json_object_get_double_member (fix, "lon"));
      if (JSON_NODE_HOLDS_NULL (speed))
        g_string_append (out, "-\n");
      else
        g_string_append_printf (out, "%.2f\n", json_node_get_double (speed));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
day_text (GDateTime *base,
          int        days,
          const char *format)
{
  g_autoptr(GDateTime) day = g_date_time_add_days (base, days);

  return g_date_time_format (day, format);
}

/* A batch over three days lands in three days' tables, made with it;
 * a late fix a week old is kept; readers see the same fixes as SQLite's. */
static void
test_batch_days (void)
{
  g_autofree char *target = pg_cluster_new_database (cluster, "track", NULL);
  g_autofree char *sqlite_path = g_build_filename (pg_cluster_get_dir (cluster), "batch.db", NULL);
  g_autoptr(DozorStore) pg = open_store (target);
  g_autoptr(DozorStore) lite = open_store (sqlite_path);
  g_autofree char *pg_unit = add_unit (pg, "Барыс-1");
  g_autofree char *lite_unit = add_unit (lite, "Барыс-1");
  const char *const first[] = {
    "2026-12-05T23:59:59.999999Z", "2026-12-06T00:00:00Z", "2026-12-06T10:15:00+06:00", "2026-12-07T05:00:00Z", NULL
  };
  const char *const late[] = { "2026-11-29T12:00:00Z", NULL };
  g_autofree char *days = NULL;
  g_autofree char *pg_track = NULL, *lite_track = NULL;

  add_fixes (pg, pg_unit, first);
  add_fixes (lite, lite_unit, first);
  days = days_of (target);
  /* 10:15 at +06:00 is 04:15 UTC on the 6th; the day is UTC's. */
  g_assert_cmpstr (days, ==, "positions_20261205:1 positions_20261206:2 positions_20261207:1");

  add_fixes (pg, pg_unit, late);
  add_fixes (lite, lite_unit, late);
  g_free (days);
  days = days_of (target);
  g_assert_cmpstr (days, ==, "positions_20261129:1 positions_20261205:1 positions_20261206:2 positions_20261207:1");

  pg_track = track_text (target, pg_unit);
  lite_track = track_text (sqlite_path, lite_unit);
  g_test_message ("track:\n%s", pg_track);
  g_assert_cmpstr (pg_track, ==, lite_track);
  {
    g_auto(GStrv) lines = g_strsplit (pg_track, "\n", -1);

    /* Five fixes and the empty string after the last newline. */
    g_assert_cmpuint (g_strv_length (lines), ==, 6);
  }
  g_assert_true (g_str_has_prefix (pg_track, "2026-11-29T12:00:00.000000Z 43.2000000 76.9000000 3.25\n"));
}

/* dozord makes today's and tomorrow's tables ahead, once. */
static void
test_ahead (void)
{
  g_autofree char *target = pg_cluster_new_database (cluster, "track", NULL);
  g_autoptr(DozorStore) pg = open_store (target);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2030, 12, 31, 23, 30, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *days = NULL;

  g_assert_cmpstr ((days = days_of (target)), ==, "");
  g_assert_true (dozor_store_prepare_track (pg, now, &error));
  g_assert_no_error (error);
  g_assert_true (dozor_store_prepare_track (pg, now, &error));
  g_assert_no_error (error);
  g_free (days);
  g_assert_cmpstr ((days = days_of (target)), ==, "positions_20301231:0 positions_20310101:0");
}

/* Retention drops the days wholly before the cutoff and deletes the
 * older fixes of the day that straddles it: both stores keep exactly the
 * fixes from the cutoff on; a fix for a dropped day is taken again
 * afterwards. */
static void
test_retention (void)
{
  g_autofree char *target = pg_cluster_new_database (cluster, "track", NULL);
  g_autofree char *sqlite_path = g_build_filename (pg_cluster_get_dir (cluster), "retention.db", NULL);
  g_autoptr(DozorStore) pg = open_store (target);
  g_autoptr(DozorStore) lite = open_store (sqlite_path);
  g_autofree char *pg_unit = add_unit (pg, "Сұңқар-2");
  g_autofree char *lite_unit = add_unit (lite, "Сұңқар-2");
  g_autoptr(GDateTime) today = g_date_time_new_utc (2026, 12, 6, 0, 0, 0);
  g_autofree char *d3 = day_text (today, -3, "%Y-%m-%dT10:00:00Z");
  g_autofree char *d2 = day_text (today, -2, "%Y-%m-%dT23:00:00Z");
  g_autofree char *d1_early = day_text (today, -1, "%Y-%m-%dT05:00:00Z");
  g_autofree char *d1 = day_text (today, -1, "%Y-%m-%dT12:00:00Z");
  g_autofree char *d0 = day_text (today, 0, "%Y-%m-%dT00:30:00Z");
  const char *const fixes[] = { d3, d2, d1_early, d1, d0, NULL };
  const char *const again[] = { d3, NULL };
  const char *cutoff = "2026-12-05T06:00:00.000000Z";
  g_autoptr(GError) error = NULL;
  g_autofree char *days = NULL;
  g_autofree char *pg_track = NULL, *lite_track = NULL;

  add_fixes (pg, pg_unit, fixes);
  add_fixes (lite, lite_unit, fixes);
  g_assert_cmpstr ((days = days_of (target)), ==,
                   "positions_20261203:1 positions_20261204:1 positions_20261205:2 positions_20261206:1");

  g_assert_cmpuint (dozor_store_prune_track (pg, cutoff, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_store_prune_track (lite, cutoff, &error), ==, 3);
  g_assert_no_error (error);
  g_free (days);
  g_assert_cmpstr ((days = days_of (target)), ==, "positions_20261205:1 positions_20261206:1");

  pg_track = track_text (target, pg_unit);
  lite_track = track_text (sqlite_path, lite_unit);
  g_test_message ("PostgreSQL:\n%sSQLite:\n%s", pg_track, lite_track);
  g_assert_true (g_str_has_prefix (pg_track, "2026-12-05T12:00:00.000000Z "));
  g_assert_cmpstr (pg_track, ==, lite_track);

  /* Pruning again drops nothing more; a late fix for a dropped day is
   * stored in its day's table made again, never refused. */
  g_assert_cmpuint (dozor_store_prune_track (pg, cutoff, &error), ==, 0);
  g_assert_no_error (error);
  add_fixes (pg, pg_unit, again);
  g_free (days);
  g_assert_cmpstr ((days = days_of (target)), ==, "positions_20261203:1 positions_20261205:1 positions_20261206:1");
}

/* A database made before migration 4 keeps its fixes, in their order. */
static void
test_migration (void)
{
  g_autofree char *target = pg_cluster_new_database (cluster, "track", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) old = dozor_pg_new (target, &error);
  const DozorPgMigration *migrations;
  guint n_migrations, applied = 0;
  g_autoptr(DozorStore) pg = NULL;
  g_autofree char *days = NULL;
  g_autofree char *track = NULL;

  g_assert_no_error (error);
  migrations = dozor_pg_schema_get_migrations (&n_migrations);
  g_assert_cmpuint (n_migrations, >=, 4);
  g_assert_cmpint (migrations[3].version, ==, 4);
  g_assert_true (dozor_pg_migrate (old, migrations, 3, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 3);
  /* Two fixes at one time: their order is the rowid's. */
  g_assert_true (dozor_pg_exec (old,
                                "INSERT INTO units (id, call_sign, kind, crew, status, version)"
                                " VALUES ('u1', 'Old-1', 'car', '[]', 'available', 1)",
                                0, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (dozor_pg_exec (old,
                                "INSERT INTO positions (unit_id, time, lat, lon, speed) VALUES"
                                " ('u1', '2026-12-01T08:00:00.000000Z', 43.1, 76.1, NULL),"
                                " ('u1', '2026-12-02T08:00:00.000000Z', 43.2, 76.2, 1.5),"
                                " ('u1', '2026-12-02T08:00:00.000000Z', 43.3, 76.3, 2.5)",
                                0, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&old);

  pg = open_store (target);
  g_assert_cmpstr ((days = days_of (target)), ==, "positions_20261201:1 positions_20261202:2");
  track = track_text (target, "u1");
  g_assert_cmpstr (track, ==,
                   "2026-12-01T08:00:00.000000Z 43.1000000 76.1000000 -\n"
                   "2026-12-02T08:00:00.000000Z 43.2000000 76.2000000 1.50\n"
                   "2026-12-02T08:00:00.000000Z 43.3000000 76.3000000 2.50\n");

  /* New fixes are numbered after the moved ones. */
  {
    const char *const next[] = { "2026-12-02T08:00:00Z", NULL };
    g_autoptr(DozorDb) db = NULL;
    g_autoptr(DozorDbStmt) stmt = NULL;

    add_fixes (pg, "u1", next);
    db = dozor_db_open (target, DOZOR_DB_OPEN_READ_ONLY, &error);
    g_assert_no_error (error);
    stmt = dozor_db_prepare (db, "SELECT lat FROM positions ORDER BY rowid DESC LIMIT 1", &error);
    g_assert_no_error (error);
    g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
    g_assert_cmpfloat_with_epsilon (dozor_db_column_double (stmt, 0), 43.2, 1e-9);
  }
}

/* A centre's conninfo names its three nodes and asks for the one that
 * takes writes (docs/operations-postgresql.md). The store writes through
 * it, and its readers (the track's pages) read through it too, although
 * their sessions are read-only. */
static void
test_multi_host (void)
{
  g_autofree char *name = NULL;
  g_autofree char *uri = pg_cluster_new_database (cluster, "track", &name);
  g_autofree char *nowhere = g_build_filename (pg_cluster_get_dir (cluster), "no-server-here", NULL);
  g_autofree char *target = g_strdup_printf ("host=%s,%s dbname=%s user=dozor target_session_attrs=read-write",
                                             nowhere, pg_cluster_get_dir (cluster), name);
  g_autoptr(DozorStore) pg = open_store (target);
  g_autofree char *unit = add_unit (pg, "Multi-1");
  const char *const fixes[] = { "2026-12-06T09:00:00Z", NULL };
  g_autofree char *track = NULL;

  add_fixes (pg, unit, fixes);
  track = track_text (target, unit);
  g_assert_cmpstr (track, ==, "2026-12-06T09:00:00.000000Z 43.2000000 76.9000000 3.25\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cluster = pg_cluster_start_or_bail_out ();

  g_test_add_func ("/pg-track/batch-days", test_batch_days);
  g_test_add_func ("/pg-track/ahead", test_ahead);
  g_test_add_func ("/pg-track/retention", test_retention);
  g_test_add_func ("/pg-track/migration", test_migration);
  g_test_add_func ("/pg-track/multi-host", test_multi_host);
  return pg_cluster_run_tests (cluster);
}
