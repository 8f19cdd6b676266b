/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's one road graph: nothing until asked, built once in a worker
 * while the main loop runs on, and a missing file said once.
 */
#include "config.h"

#include "dozor-road-service.h"
#include "test-town.h"

static void
quit_cb (GObject    *object,
         GParamSpec *pspec,
         GMainLoop  *loop)
{
  g_main_loop_quit (loop);
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

static void
wait_for (DozorRoadService *service,
          const char       *signal)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gulong handler = g_signal_connect (service, signal, G_CALLBACK (quit_cb), loop);
  guint timeout = g_timeout_add_seconds (60, timeout_cb, NULL);

  g_main_loop_run (loop);
  g_source_remove (timeout);
  g_signal_handler_disconnect (service, handler);
}

static void
test_built_once (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();  /* writes the file */
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "town.geojson", NULL);
  g_autoptr(DozorRoadService) service = dozor_road_service_new (path);
  DozorRoadGraph *graph;

  g_assert_null (dozor_road_service_get_graph (service));
  dozor_road_service_ensure (service);
  /* Asking returns at once; the graph comes later. */
  g_assert_null (dozor_road_service_get_graph (service));
  wait_for (service, "notify::graph");
  graph = dozor_road_service_get_graph (service);
  g_assert_nonnull (graph);
  g_assert_cmpuint (dozor_road_graph_get_n_nodes (graph), ==, dozor_road_graph_get_n_nodes (town));
  dozor_road_service_ensure (service);
  g_assert_true (dozor_road_service_get_graph (service) == graph);
  g_assert_null (dozor_road_service_get_error (service));
}

static void
test_missing (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "none.geojson", NULL);
  g_autoptr(DozorRoadService) service = dozor_road_service_new (path);
  g_autoptr(DozorRoadService) none = dozor_road_service_new (NULL);

  dozor_road_service_ensure (service);
  wait_for (service, "notify::error");
  g_assert_null (dozor_road_service_get_graph (service));
  g_assert_nonnull (dozor_road_service_get_error (service));

  dozor_road_service_ensure (none);
  wait_for (none, "notify::error");
  g_assert_null (dozor_road_service_get_graph (none));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/road-service/built-once", test_built_once);
  g_test_add_func ("/road-service/missing", test_missing);

  return g_test_run ();
}
