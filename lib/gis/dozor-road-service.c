/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The one road graph of a board: built once, in a worker, from the streets
 * file the basemap draws, and shared by whoever ranks units by road time
 * (the crisis pane, the dispatch confirmation). Building takes a while on
 * a city's roads; callers never wait for it: they ask, get nothing yet, and
 * hear "notify::graph" (or "notify::error") when it is there.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "dozor-road-service.h"

struct _DozorRoadService
{
  GObject parent_instance;

  char *streets_path;        /* nullable: no street map installed */
  DozorRoadGraph *graph;     /* nullable until built */
  char *error;               /* why there is no graph, once known */
  GCancellable *cancellable;
  gboolean started;
};

G_DEFINE_FINAL_TYPE (DozorRoadService, dozor_road_service, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_GRAPH,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
build_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetMap) streets = NULL;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s", _("The street map is not installed"));
      return;
    }
  streets = dozor_street_map_new_from_file (path, cancellable, &error);
  if (streets == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, dozor_road_graph_new (streets), g_object_unref);
}

static void
built_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  DozorRoadService *self = DOZOR_ROAD_SERVICE (object);
  g_autoptr(GError) error = NULL;
  DozorRoadGraph *graph = g_task_propagate_pointer (G_TASK (result), &error);
  gint64 started = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (result), "started"));

  if (graph == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A file that cannot be read is not read again. */
      self->error = g_strdup (error->message);
      g_debug ("No road times: %s", self->error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      return;
    }
  self->graph = graph;
  g_debug ("Road graph built in %.1f ms: %u nodes", (g_get_monotonic_time () - started) / 1000.0,
           dozor_road_graph_get_n_nodes (graph));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GRAPH]);
}

static void
dozor_road_service_dispose (GObject *object)
{
  DozorRoadService *self = DOZOR_ROAD_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->graph);

  G_OBJECT_CLASS (dozor_road_service_parent_class)->dispose (object);
}

static void
dozor_road_service_finalize (GObject *object)
{
  DozorRoadService *self = DOZOR_ROAD_SERVICE (object);

  g_clear_object (&self->cancellable);
  g_free (self->streets_path);
  g_free (self->error);

  G_OBJECT_CLASS (dozor_road_service_parent_class)->finalize (object);
}

static void
dozor_road_service_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DozorRoadService *self = DOZOR_ROAD_SERVICE (object);

  switch (prop_id)
    {
    case PROP_GRAPH:
      g_value_set_object (value, self->graph);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_road_service_class_init (DozorRoadServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_road_service_dispose;
  object_class->finalize = dozor_road_service_finalize;
  object_class->get_property = dozor_road_service_get_property;

  /* The graph once built, %NULL before. */
  properties[PROP_GRAPH] = g_param_spec_object ("graph", NULL, NULL, DOZOR_TYPE_ROAD_GRAPH,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Why there will be no graph, once known. */
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_road_service_init (DozorRoadService *self)
{
  self->cancellable = g_cancellable_new ();
}

/**
 * dozor_road_service_new:
 * @streets_path: (nullable): the streets file, %NULL if none is installed
 *
 * Returns: (transfer full): a service that builds nothing until asked
 */
DozorRoadService *
dozor_road_service_new (const char *streets_path)
{
  DozorRoadService *self = g_object_new (DOZOR_TYPE_ROAD_SERVICE, NULL);

  self->streets_path = g_strdup (streets_path);
  return self;
}

/**
 * dozor_road_service_ensure:
 * @self: a #DozorRoadService
 *
 * Starts building the graph in a worker unless it is built, being built,
 * or known impossible. Returns at once.
 */
void
dozor_road_service_ensure (DozorRoadService *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOZOR_IS_ROAD_SERVICE (self));

  if (self->started)
    return;
  self->started = TRUE;
  task = g_task_new (self, self->cancellable, built_cb, NULL);
  g_task_set_source_tag (task, dozor_road_service_ensure);
  g_task_set_task_data (task, g_strdup (self->streets_path), g_free);
  g_object_set_data (G_OBJECT (task), "started", GSIZE_TO_POINTER (g_get_monotonic_time ()));
  g_task_run_in_thread (task, build_in_thread);
}

/**
 * dozor_road_service_get_graph:
 * @self: a #DozorRoadService
 *
 * Returns: (transfer none) (nullable): the graph, if built yet; read-only,
 *   so any thread may search it
 */
DozorRoadGraph *
dozor_road_service_get_graph (DozorRoadService *self)
{
  g_return_val_if_fail (DOZOR_IS_ROAD_SERVICE (self), NULL);

  return self->graph;
}

/**
 * dozor_road_service_get_error:
 * @self: a #DozorRoadService
 *
 * Returns: (nullable): why there will be no graph, once known
 */
const char *
dozor_road_service_get_error (DozorRoadService *self)
{
  g_return_val_if_fail (DOZOR_IS_ROAD_SERVICE (self), NULL);

  return self->error;
}
