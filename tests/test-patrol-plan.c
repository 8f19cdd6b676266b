/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "dozor-geo.h"
#include "dozor-patrol-plan.h"
#include "test-almaty.h"

static DozorRoadGraph *graph;

static char *
districts_path (void)
{
  return g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "almaty", "districts.geojson", NULL);
}

static DozorPatrolPlan *
almaty_plan (guint32 seed)
{
  g_autofree char *path = districts_path ();
  g_autoptr(GError) error = NULL;
  DozorPatrolPlan *plan = dozor_patrol_plan_new (path, graph, seed, &error);

  g_assert_no_error (error);
  return plan;
}

/* The eight districts of Almaty, by the names the city uses, each cut into
 * at least two sectors. */
static void
test_districts_and_sectors (void)
{
  g_autoptr(DozorPatrolPlan) plan = almaty_plan (1);
  GPtrArray *districts = dozor_patrol_plan_get_districts (plan);
  GPtrArray *sectors = dozor_patrol_plan_get_sectors (plan);
  static const char *const names[] = {
    "Алатау", "Алмалы", "Әуезов", "Бостандық", "Жетісу", "Медеу", "Наурызбай", "Түрксіб",
  };
  guint per_district[8] = { 0 };
  guint with_route = 0;

  g_assert_cmpuint (districts->len, ==, 8);
  for (guint i = 0; i < 8; i++)
    {
      const DozorPlanDistrict *district = districts->pdata[i];
      g_autoptr(JsonNode) geometry = json_from_string (district->geometry, NULL);

      g_assert_cmpstr (district->name, ==, names[i]);
      g_assert_nonnull (geometry);
    }

  for (guint i = 0; i < sectors->len; i++)
    {
      const DozorPlanSector *sector = sectors->pdata[i];
      const DozorPlanDistrict *district = districts->pdata[sector->district];

      per_district[sector->district]++;
      g_assert_true (g_str_has_prefix (sector->name, district->name));
      if (sector->route != NULL)
        with_route++;
    }
  for (guint i = 0; i < 8; i++)
    {
      g_test_message ("%s: %u sectors", ((DozorPlanDistrict *) districts->pdata[i])->name, per_district[i]);
      g_assert_cmpuint (per_district[i], >=, 2);
    }

  /* Only sectors up in the mountains may lack roads. */
  g_test_message ("%u sectors, %u with a patrol route", sectors->len, with_route);
  g_assert_cmpuint (with_route, >=, sectors->len * 3 / 4);
}

/* A route is a closed loop on the road network, of a length a patrol car
 * drives in an hour or so, and its junctions lie in its sector. */
static void
test_routes_are_loops (void)
{
  g_autoptr(DozorPatrolPlan) plan = almaty_plan (1);
  GPtrArray *sectors = dozor_patrol_plan_get_sectors (plan);

  for (guint i = 0; i < sectors->len; i++)
    {
      const DozorPlanSector *sector = sectors->pdata[i];
      g_autoptr(JsonNode) route = NULL;
      JsonArray *coordinates, *first, *last;

      if (sector->route == NULL)
        continue;

      route = json_from_string (sector->route, NULL);
      g_assert_nonnull (route);
      coordinates = json_object_get_array_member (json_node_get_object (route), "coordinates");
      g_assert_cmpuint (json_array_get_length (coordinates), >=, 3);
      first = json_array_get_array_element (coordinates, 0);
      last = json_array_get_array_element (coordinates, json_array_get_length (coordinates) - 1);
      g_assert_cmpfloat (json_array_get_double_element (first, 0), ==, json_array_get_double_element (last, 0));
      g_assert_cmpfloat (json_array_get_double_element (first, 1), ==, json_array_get_double_element (last, 1));

      g_assert_cmpuint (sector->waypoints->len, >=, 3);
      g_assert_cmpfloat (sector->route_length_m, >=, 2000);
      g_assert_cmpfloat (sector->route_length_m, <=, 40000);
    }
}

static void
test_deterministic (void)
{
  g_autoptr(DozorPatrolPlan) a = almaty_plan (7);
  g_autoptr(DozorPatrolPlan) b = almaty_plan (7);
  g_autoptr(DozorPatrolPlan) c = almaty_plan (8);
  GPtrArray *sa = dozor_patrol_plan_get_sectors (a);
  GPtrArray *sb = dozor_patrol_plan_get_sectors (b);
  GPtrArray *sc = dozor_patrol_plan_get_sectors (c);
  gboolean differs = FALSE;

  g_assert_cmpuint (sa->len, ==, sb->len);
  g_assert_cmpuint (sa->len, ==, sc->len);
  for (guint i = 0; i < sa->len; i++)
    {
      const DozorPlanSector *x = sa->pdata[i], *y = sb->pdata[i], *z = sc->pdata[i];

      g_assert_cmpstr (x->name, ==, y->name);
      g_assert_cmpstr (x->geometry, ==, y->geometry);
      g_assert_cmpstr (x->route, ==, y->route);
      /* Sectors are the same for any seed; routes are the seed's. */
      g_assert_cmpstr (x->geometry, ==, z->geometry);
      differs |= g_strcmp0 (x->route, z->route) != 0;
    }
  g_assert_true (differs);
}

static void
test_bad_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("patrol-plan-XXXXXX", NULL);
  g_autofree char *points = g_build_filename (dir, "points.geojson", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.geojson", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.geojson", NULL);
  const char *const paths[] = { points, truncated, missing, dir, "/vsicurl/http://example.org/d.geojson" };

  g_assert_true (g_file_set_contents (points, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                                      "\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[76.9,43.2]}}]}",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (truncated, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feat",
                                      -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(DozorPatrolPlan) plan = dozor_patrol_plan_new (paths[i], graph, 1, &error);

      g_assert_null (plan);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", paths[i], error->message);
    }

  g_remove (points);
  g_remove (truncated);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(DozorStreetMap) streets = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  streets = test_load_almaty_streets ();
  graph = dozor_road_graph_new (streets);

  g_test_add_func ("/patrol-plan/districts-and-sectors", test_districts_and_sectors);
  g_test_add_func ("/patrol-plan/routes-are-loops", test_routes_are_loops);
  g_test_add_func ("/patrol-plan/deterministic", test_deterministic);
  g_test_add_func ("/patrol-plan/bad-files", test_bad_files);

  status = g_test_run ();
  g_object_unref (graph);
  return status;
}
