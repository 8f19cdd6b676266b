/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's local copy of the situation (DozorCache), so that a board
 * started while the network is slow or down opens with the last situation
 * it knew, marked as not live, instead of an empty map.
 *
 * At start the copy is read and parsed in a worker; it is shown only if the
 * backend has not delivered a snapshot meanwhile, either when the worker is
 * done or, if that is earlier, when the board asks (before its window is
 * first drawn, so that the first frames already hold the units), and it is never used to
 * resume the stream: a fresh snapshot always replaces it, since the copy
 * may come from a backend whose database has since been replaced. While the
 * link is live the copy is written every few seconds, and once more at
 * shutdown. The main thread takes only a cheap copy of the situation (units
 * flat, entities' own small JSON, geometry by reference: a
 * DozorSnapshotWriter); the worker writes its text. A JSON tree of the
 * whole situation, geometry included, was some 6.5 MB of small blocks every
 * save on the main thread's heap (docs/performance.md, "deskmem").
 */
#include "config.h"

#include "dozor-local-copy.h"

#include "dozor-snapshot-writer.h"

/* A parsed snapshot that this file frees its own way (free_snapshot()). */
typedef JsonNode ParsedSnapshot;

struct _DozorLocalCopy
{
  GObject parent_instance;

  DozorCache *cache;
  DozorSituation *situation;
  DozorSyncClient *sync;
  GCancellable *cancellable;
  gint64 restored;      /* saved_at of the copy on screen, 0 if none */
  gboolean saving;
  guint save_id;

  /* What the worker read, until the main thread shows it. */
  GMutex lock;
  gboolean read;
  JsonNode *read_snapshot;
  gint64 read_saved_at;
  GError *read_error;
};

G_DEFINE_FINAL_TYPE (DozorLocalCopy, dozor_local_copy, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_RESTORED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DozorLocalCopy) self = user_data;
  g_autoptr(GError) error = NULL;

  self->saving = FALSE;
  if (dozor_cache_save_finish (DOZOR_CACHE (source), result, &error))
    g_debug ("Local copy saved");
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("The local copy of the situation was not saved: %s", error->message);
}

static char *
writer_to_text (gpointer  data,
                gsize    *length)
{
  return dozor_snapshot_writer_to_text (data, length);
}

static gboolean
save_cb (gpointer user_data)
{
  DozorLocalCopy *self = user_data;
  DozorSnapshotWriter *writer;

  /* Only what is current is worth keeping; one save at a time. */
  if (self->saving || self->sync == NULL || dozor_sync_client_get_state (self->sync) != DOZOR_SYNC_LIVE)
    return G_SOURCE_CONTINUE;

  self->saving = TRUE;
  writer = dozor_situation_to_snapshot_writer (self->situation);
  dozor_cache_save_text_async (self->cache, dozor_snapshot_writer_get_seq (writer), writer_to_text, writer,
                               (GDestroyNotify) dozor_snapshot_writer_free, self->cancellable, saved_cb,
                               g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
state_changed_cb (DozorLocalCopy *self)
{
  /* Live means the network's snapshot replaced the copy on screen. */
  if (self->restored != 0 && dozor_sync_client_get_state (self->sync) == DOZOR_SYNC_LIVE)
    {
      self->restored = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTORED]);
    }
}

static void
dozor_local_copy_dispose (GObject *object)
{
  DozorLocalCopy *self = (DozorLocalCopy *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->save_id, g_source_remove);
  g_clear_object (&self->cache);
  g_clear_object (&self->situation);
  g_clear_object (&self->sync);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (dozor_local_copy_parent_class)->dispose (object);
}

static void
dozor_local_copy_finalize (GObject *object)
{
  DozorLocalCopy *self = (DozorLocalCopy *)object;

  g_clear_pointer (&self->read_snapshot, json_node_unref);
  g_clear_error (&self->read_error);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dozor_local_copy_parent_class)->finalize (object);
}

static void
dozor_local_copy_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  DozorLocalCopy *self = DOZOR_LOCAL_COPY (object);

  switch (prop_id)
    {
    case PROP_RESTORED:
      g_value_set_int64 (value, self->restored);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_local_copy_class_init (DozorLocalCopyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_local_copy_dispose;
  object_class->finalize = dozor_local_copy_finalize;
  object_class->get_property = dozor_local_copy_get_property;

  /* When the copy on screen was saved (Unix µs); 0 once the network's
   * situation replaced it, or if none was restored. */
  properties[PROP_RESTORED] = g_param_spec_int64 ("restored", NULL, NULL, 0, G_MAXINT64, 0,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_local_copy_init (DozorLocalCopy *self)
{
  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->lock);
}

/**
 * dozor_local_copy_new:
 * @cache: where the copy is kept
 * @situation: the board's situation
 * @sync: (nullable): its link; without one nothing is saved on a timer
 *
 * Returns: (transfer full): the keeper of the local copy
 */
DozorLocalCopy *
dozor_local_copy_new (DozorCache      *cache,
                      DozorSituation  *situation,
                      DozorSyncClient *sync)
{
  DozorLocalCopy *self = g_object_new (DOZOR_TYPE_LOCAL_COPY, NULL);

  self->cache = g_object_ref (cache);
  self->situation = g_object_ref (situation);
  self->sync = sync != NULL ? g_object_ref (sync) : NULL;
  if (sync != NULL)
    {
      g_signal_connect_object (sync, "notify::state", G_CALLBACK (state_changed_cb), self, G_CONNECT_SWAPPED);
      self->save_id = g_timeout_add_seconds (DOZOR_LOCAL_COPY_SAVE_SECONDS, save_cb, self);
    }
  return self;
}

static gpointer
free_in_thread (gpointer data)
{
  json_node_unref (data);
  return NULL;
}

/* Freeing the parsed text of ten thousand units takes longer on the main
 * thread than loading them (a tree of a million small blocks): the units,
 * which the situation has copied, are freed in a thread of their own. The
 * other lists are not: the situation keeps their objects (json_node_copy()
 * shares them), and json-glib counts references without atomics. */
static void
free_snapshot (JsonNode *snapshot)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (snapshot) ? json_node_get_object (snapshot) : NULL;
  JsonNode *units = object != NULL ? json_object_get_member (object, "units") : NULL;
  g_autoptr(GThread) thread = NULL;

  if (units != NULL)
    {
      json_node_ref (units);
      json_object_remove_member (object, "units");
      thread = g_thread_try_new ("dozor-free", free_in_thread, units, NULL);
      if (thread == NULL)
        json_node_unref (units);
    }
  json_node_unref (snapshot);
}

/* Shows what the worker read, once, if it has finished. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParsedSnapshot, free_snapshot)

static void
show_read (DozorLocalCopy *self)
{
  g_autoptr(ParsedSnapshot) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  gint64 saved_at;

  g_mutex_lock (&self->lock);
  if (!self->read)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->read = FALSE;
  snapshot = g_steal_pointer (&self->read_snapshot);
  error = g_steal_pointer (&self->read_error);
  saved_at = self->read_saved_at;
  g_mutex_unlock (&self->lock);

  if (snapshot == NULL)
    {
      if (error != NULL)
        g_warning ("The local copy of the situation is not used: %s", error->message);
      return;
    }

  /* The network was faster: its situation is newer than any copy. */
  if (dozor_situation_get_seq (self->situation) > 0 ||
      (self->sync != NULL && dozor_sync_client_get_state (self->sync) == DOZOR_SYNC_LIVE))
    return;

  if (!dozor_situation_load_snapshot (self->situation, snapshot, &error))
    {
      g_warning ("The local copy of the situation is not used: %s", error->message);
      return;
    }
  self->restored = MAX (saved_at, 1);
  g_debug ("Local copy restored: seq %" G_GINT64_FORMAT, dozor_situation_get_seq (self->situation));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESTORED]);
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DozorLocalCopy *self = source_object;
  g_autoptr(GError) error = NULL;
  gint64 saved_at = 0;
  JsonNode *snapshot = dozor_cache_load (task_data, &saved_at, &error);

  g_mutex_lock (&self->lock);
  self->read = TRUE;
  self->read_snapshot = snapshot;
  self->read_saved_at = saved_at;
  self->read_error = g_steal_pointer (&error);
  g_mutex_unlock (&self->lock);
  g_task_return_boolean (task, TRUE);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  /* Only cancelled, when the board closes before the copy was read. */
  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    return;
  show_read (DOZOR_LOCAL_COPY (source));
}

/**
 * dozor_local_copy_restore:
 * @self: a #DozorLocalCopy
 *
 * Reads the copy in a worker and shows it, unless the network's situation
 * arrives first.
 */
void
dozor_local_copy_restore (DozorLocalCopy *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, read_cb, NULL);

  g_task_set_source_tag (task, dozor_local_copy_restore);
  g_task_set_task_data (task, g_object_ref (self->cache), g_object_unref);
  g_task_run_in_thread (task, read_in_thread);
}

/**
 * dozor_local_copy_show_if_read:
 * @self: a #DozorLocalCopy
 *
 * Shows the copy now if the worker started by dozor_local_copy_restore()
 * has already read it, rather than when the main loop next runs: the board
 * calls it just before its window is first drawn. Never waits.
 */
void
dozor_local_copy_show_if_read (DozorLocalCopy *self)
{
  g_return_if_fail (DOZOR_IS_LOCAL_COPY (self));

  show_read (self);
}

gint64
dozor_local_copy_get_restored (DozorLocalCopy *self)
{
  return self->restored;
}

/**
 * dozor_local_copy_save_now:
 * @self: a #DozorLocalCopy
 * @error: return location for a #GError
 *
 * At shutdown: writes the situation if it is the network's, blocking.
 *
 * Returns: %TRUE if saved or if there was nothing current to save
 */
gboolean
dozor_local_copy_save_now (DozorLocalCopy  *self,
                           GError         **error)
{
  g_autoptr(DozorSnapshotWriter) writer = NULL;

  /* A restored copy that never went live is not newer than the file. */
  if (self->restored != 0 || dozor_situation_get_seq (self->situation) == 0)
    return TRUE;
  /* Blocking anyway: the text is written here, still without a tree. */
  writer = dozor_situation_to_snapshot_writer (self->situation);
  return dozor_cache_save_text (self->cache, dozor_snapshot_writer_get_seq (writer), writer_to_text, writer,
                                error);
}
