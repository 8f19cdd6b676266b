/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Feeds libshumate's raster renderer from the offline DozorBasemap. Tiles are
 * composed in worker threads; the answer goes back on the main thread, where
 * "received-data" must be emitted before the bytes are returned: libshumate
 * 1.0.3 only makes textures in that signal's handler.
 *
 * Tiles are composed in a pool of their own, one thread per core, at a
 * lower scheduling priority than the rest of the board: a screenful of tiles
 * is seconds of CPU on a small machine, and on two cores it would otherwise
 * take turns with the overlays' renders, so units appeared late at a cold
 * start and after every pan. The basemap fills in behind them instead.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dozor-tile-source.h"

/* nice(1) steps: an overlay render then gets about ten times the CPU of a
 * tile when both want a core. */
#define TILE_NICENESS 10

struct _DozorTileSource
{
  ShumateDataSource parent_instance;

  DozorBasemap *basemap;
  DozorMapStyle style;
};

G_DEFINE_FINAL_TYPE (DozorTileSource, dozor_tile_source, SHUMATE_TYPE_DATA_SOURCE)

enum {
  PROP_0,
  PROP_BASEMAP,
  PROP_STYLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  int x;
  int y;
  int zoom;
  DozorMapStyle style;
  GBytes *bytes;
} TileRequest;

static void
tile_request_free (TileRequest *request)
{
  g_clear_pointer (&request->bytes, g_bytes_unref);
  g_free (request);
}

static void
render_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  DozorTileSource *self = source_object;
  TileRequest *request = task_data;
  g_autoptr(GError) error = NULL;

  request->bytes = dozor_basemap_render_tile (self->basemap, request->zoom, request->x,
                                              request->y, request->style, cancellable, &error);
  if (request->bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
compose_in_pool (gpointer data,
                 gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  static GPrivate niced;

  /* Linux applies the priority to this thread alone; the pool keeps its
   * threads (exclusive), so no other work ever runs on them. */
  if (g_private_get (&niced) == NULL)
    {
      if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), TILE_NICENESS) != 0)
        g_debug ("Tile thread keeps its priority: %s", g_strerror (errno));
      g_private_set (&niced, GINT_TO_POINTER (1));
    }

  if (g_task_return_error_if_cancelled (task))
    return;
  render_in_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
                    g_task_get_cancellable (task));
}

static GThreadPool *
tile_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    {
      g_autoptr(GError) error = NULL;
      GThreadPool *created = g_thread_pool_new (compose_in_pool, NULL, (int) MAX (1, g_get_num_processors ()),
                                                TRUE, &error);

      /* Only failing to make a thread fails, which GLib aborts on anyway. */
      g_assert_no_error (error);
      g_once_init_leave (&pool, created);
    }
  return pool;
}

static void
render_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);
  g_autoptr(GTask) task = user_data;
  TileRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("Tile %d/%d/%d: %s", request->zoom, request->x, request->y, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_signal_emit_by_name (self, "received-data", request->x, request->y, request->zoom,
                         request->bytes);
  g_task_return_pointer (task, g_bytes_ref (request->bytes), (GDestroyNotify) g_bytes_unref);
}

static void
dozor_tile_source_get_tile_data_async (ShumateDataSource   *source,
                                       int                  x,
                                       int                  y,
                                       int                  zoom,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (source);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) worker = NULL;
  TileRequest *request;

  g_task_set_source_tag (task, dozor_tile_source_get_tile_data_async);

  if (x < 0 || y < 0 || zoom < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "Tile %d/%d/%d is outside the map", zoom, x, y);
      return;
    }

  request = g_new0 (TileRequest, 1);
  request->x = x;
  request->y = y;
  request->zoom = zoom;
  request->style = self->style;
  g_task_set_task_data (task, request, (GDestroyNotify) tile_request_free);

  /* The worker shares the request with the outer task, which owns it. */
  worker = g_task_new (self, cancellable, render_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (worker, render_in_thread);
  g_task_set_task_data (worker, request, NULL);
  g_thread_pool_push (tile_pool (), g_steal_pointer (&worker), NULL);
}

static GBytes *
dozor_tile_source_get_tile_data_finish (ShumateDataSource  *source,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
dozor_tile_source_dispose (GObject *object)
{
  DozorTileSource *self = (DozorTileSource *)object;

  g_clear_object (&self->basemap);

  G_OBJECT_CLASS (dozor_tile_source_parent_class)->dispose (object);
}

static void
dozor_tile_source_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_BASEMAP:
      g_value_set_object (value, self->basemap);
      break;

    case PROP_STYLE:
      g_value_set_uint (value, self->style);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_tile_source_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  DozorTileSource *self = DOZOR_TILE_SOURCE (object);

  switch (prop_id)
    {
    case PROP_BASEMAP:
      self->basemap = g_value_dup_object (value);
      break;

    case PROP_STYLE:
      self->style = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_tile_source_class_init (DozorTileSourceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  ShumateDataSourceClass *source_class = SHUMATE_DATA_SOURCE_CLASS (klass);

  object_class->dispose = dozor_tile_source_dispose;
  object_class->get_property = dozor_tile_source_get_property;
  object_class->set_property = dozor_tile_source_set_property;

  source_class->get_tile_data_async = dozor_tile_source_get_tile_data_async;
  source_class->get_tile_data_finish = dozor_tile_source_get_tile_data_finish;

  properties[PROP_BASEMAP] =
    g_param_spec_object ("basemap", NULL, NULL, DOZOR_TYPE_BASEMAP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STYLE] =
    g_param_spec_uint ("style", NULL, NULL, DOZOR_MAP_STYLE_LIGHT, DOZOR_MAP_STYLE_DARK,
                       DOZOR_MAP_STYLE_LIGHT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_tile_source_init (DozorTileSource *self)
{
}

DozorTileSource *
dozor_tile_source_new (DozorBasemap  *basemap,
                       DozorMapStyle  style)
{
  g_return_val_if_fail (DOZOR_IS_BASEMAP (basemap), NULL);

  return g_object_new (DOZOR_TYPE_TILE_SOURCE,
                       "basemap", basemap,
                       "style", style,
                       NULL);
}

DozorBasemap *
dozor_tile_source_get_basemap (DozorTileSource *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_SOURCE (self), NULL);

  return self->basemap;
}

DozorMapStyle
dozor_tile_source_get_style (DozorTileSource *self)
{
  g_return_val_if_fail (DOZOR_IS_TILE_SOURCE (self), DOZOR_MAP_STYLE_LIGHT);

  return self->style;
}
