/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * PostGIS where a spatial question belongs in the database (issue 19,
 * item 4; docs/postgresql.md, "PostGIS"): the district of an incident on
 * its certificate. The same districts and incidents go into a SQLite
 * store, where GEOS judges, and into PostgreSQL with the postgis
 * extension, where the database does; both must name the same district
 * for every point, edges and overlaps included. Also: a database whose
 * extension comes after dozord first ran gets the zones' shapes at the
 * next start, and without the extension the answers are GEOS's.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "dozor-db.h"
#include "dozor-pg.h"
#include "dozor-store.h"
#include "dozor-store-reports.h"
#include "pg-fixture.h"

static PgCluster *cluster;

typedef struct
{
  const char *name;
  double lat;
  double lon;
  const char *district;         /* expected; NULL for none */
} Point;

/* Squares in degrees (lon, lat): "Алмалы" 76.90–76.95 × 43.24–43.28,
 * "Бостандық" 76.95–77.00 × 43.20–43.28 (a shared edge at 76.95), and
 * "Әуезов" 76.88–76.92 × 43.22–43.26, overlapping Алмалы's west side. */
static const struct
{
  const char *name;
  const char *geometry;
} districts[] = {
  { "Алмалы", "{\"type\":\"Polygon\",\"coordinates\":[[[76.90,43.24],[76.95,43.24],[76.95,43.28],[76.90,43.28],[76.90,43.24]]]}" },
  { "Бостандық", "{\"type\":\"Polygon\",\"coordinates\":[[[76.95,43.20],[77.00,43.20],[77.00,43.28],[76.95,43.28],[76.95,43.20]]]}" },
  { "Әуезов", "{\"type\":\"Polygon\",\"coordinates\":[[[76.88,43.22],[76.92,43.22],[76.92,43.26],[76.88,43.26],[76.88,43.22]]]}" },
};

/* The first district by name (code point order on both stores) that
 * holds the point, its edge included. */
static const Point points[] = {
  { "inside Алмалы only", 43.27, 76.93, "Алмалы" },
  { "inside Бостандық only", 43.21, 76.98, "Бостандық" },
  { "inside Әуезов only", 43.23, 76.89, "Әуезов" },
  { "where Алмалы and Әуезов overlap", 43.25, 76.91, "Алмалы" },
  { "on the edge Алмалы shares with Бостандық", 43.26, 76.95, "Алмалы" },
  { "on Бостандық's outer edge", 43.20, 76.97, "Бостандық" },
  { "outside every district", 43.30, 76.80, NULL },
  { "in the gap south of Алмалы", 43.23, 76.94, NULL },
};

static void
create_postgis (const char *target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (target, &error);

  /* The fixture's user owns the cluster: a superuser, as a centre's
   * administrator is when creating the extension (docs). */
  g_assert_no_error (error);
  g_assert_true (dozor_pg_exec (pg, "CREATE EXTENSION postgis", 0, NULL, &error));
  g_assert_no_error (error);
}

static DozorStore *
open_store (const char *target)
{
  g_autoptr(GError) error = NULL;
  DozorStore *store = dozor_store_open (target, &error);

  g_assert_no_error (error);
  return store;
}

static void
commit (DozorStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = dozor_store_commit (store, &error);

  g_assert_no_error (error);
}

static void
add_districts (DozorStore *store)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (districts); i++)
    {
      g_autoptr(JsonObject) input = json_object_new ();
      g_autoptr(JsonNode) zone = NULL;

      json_object_set_string_member (input, "kind", "district");
      json_object_set_string_member (input, "name", districts[i].name);
      json_object_set_member (input, "geometry", json_from_string (districts[i].geometry, NULL));
      g_assert_true (dozor_store_begin (store, &error));
      zone = dozor_store_create_zone (store, input, &error);
      g_assert_no_error (error);
      commit (store);
    }
}

/* One incident per point, their ids in the points' order. */
static GPtrArray *
add_incidents (DozorStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autoptr(JsonObject) input = json_object_new ();
      JsonObject *location = json_object_new ();
      g_autoptr(JsonNode) incident = NULL;

      json_object_set_string_member (input, "type", "theft");
      json_object_set_double_member (location, "lat", points[i].lat);
      json_object_set_double_member (location, "lon", points[i].lon);
      json_object_set_object_member (input, "location", location);
      g_assert_true (dozor_store_begin (store, &error));
      incident = dozor_store_create_incident (store, input, &error);
      g_assert_no_error (error);
      commit (store);
      g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_node_get_object (incident), "id")));
    }
  return ids;
}

static char *
district_of (const char *target,
             const char *incident_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = dozor_store_report_certificate (target, incident_id, NULL, &error);
  g_autoptr(JsonNode) root = NULL;

  g_assert_no_error (error);
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  return g_strdup (json_object_get_string_member (json_node_get_object (root), "district"));
}

static gint64
count_of (const char *target,
          const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDb) db = dozor_db_open (target, DOZOR_DB_OPEN_READ_ONLY, &error);
  g_autoptr(DozorDbStmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = dozor_db_prepare (db, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
  return dozor_db_column_int64 (stmt, 0);
}

static void
check_points (const char *pg_target,
              GPtrArray  *pg_ids,
              const char *sqlite_path,
              GPtrArray  *sqlite_ids)
{
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      g_autofree char *pg = district_of (pg_target, pg_ids->pdata[i]);
      g_autofree char *lite = district_of (sqlite_path, sqlite_ids->pdata[i]);

      g_test_message ("%s: PostgreSQL %s, SQLite %s", points[i].name, pg ? pg : "none", lite ? lite : "none");
      g_assert_cmpstr (pg, ==, points[i].district);
      g_assert_cmpstr (lite, ==, points[i].district);
    }
}

/* With PostGIS from the start: the shapes are in the database, indexed,
 * and answer as GEOS does. */
static void
test_postgis (void)
{
  g_autofree char *target = pg_cluster_new_database (cluster, "spatial", NULL);
  g_autofree char *sqlite_path = g_build_filename (pg_cluster_get_dir (cluster), "spatial.db", NULL);
  g_autoptr(DozorStore) pg = NULL;
  g_autoptr(DozorStore) lite = open_store (sqlite_path);
  g_autoptr(GPtrArray) pg_ids = NULL, lite_ids = NULL;

  create_postgis (target);
  pg = open_store (target);
  add_districts (pg);
  add_districts (lite);
  pg_ids = add_incidents (pg);
  lite_ids = add_incidents (lite);

  g_assert_cmpint (count_of (target, "SELECT count(*) FROM zone_shapes WHERE kind = 'district'"), ==, 3);
  g_assert_cmpint (count_of (target, "SELECT count(*) FROM pg_indexes WHERE indexname = 'zone_shapes_by_shape'"
                                     " AND indexdef LIKE '%USING gist%'"), ==, 1);
  check_points (target, pg_ids, sqlite_path, lite_ids);
}

/* Without the extension the database cannot answer and GEOS does; once
 * an administrator creates it, the next start makes the shapes of the
 * zones already there. */
static void
test_postgis_later (void)
{
  g_autofree char *target = pg_cluster_new_database (cluster, "spatial", NULL);
  g_autofree char *sqlite_path = g_build_filename (pg_cluster_get_dir (cluster), "later.db", NULL);
  g_autoptr(DozorStore) pg = open_store (target);
  g_autoptr(DozorStore) lite = open_store (sqlite_path);
  g_autoptr(GPtrArray) pg_ids = NULL, lite_ids = NULL;

  add_districts (pg);
  add_districts (lite);
  pg_ids = add_incidents (pg);
  lite_ids = add_incidents (lite);
  g_assert_cmpint (count_of (target, "SELECT count(*) FROM pg_class WHERE relname = 'zone_shapes'"), ==, 0);
  check_points (target, pg_ids, sqlite_path, lite_ids);

  g_clear_object (&pg);
  create_postgis (target);
  pg = open_store (target);
  g_assert_cmpint (count_of (target, "SELECT count(*) FROM zone_shapes"), ==, 3);
  check_points (target, pg_ids, sqlite_path, lite_ids);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cluster = pg_cluster_start_or_bail_out ();

  g_test_add_func ("/pg-spatial/postgis", test_postgis);
  g_test_add_func ("/pg-spatial/postgis-later", test_postgis_later);
  return pg_cluster_run_tests (cluster);
}
