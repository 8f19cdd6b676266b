/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A replay as the board keeps it: the state at the window's start and the
 * events after it (GET /replay, docs/api.md), and a situation of its own
 * that follows the playhead. Everything here runs in worker threads, one
 * at a time under the tape's lock: json-glib counts references without
 * atomics, so no node of the tape is ever handed to the main thread.
 * What goes there is new: the state at a moment (dozor_situation_to_snapshot
 * shares nothing) or the next events, parsed from their text.
 *
 * Events are kept as text, parsed again when applied, so that a long
 * window (an hour of a city's 200 cars is 144,000 fixes) does not hold a
 * tree of JSON nodes per fix.
 *
 * The events are applied by dozor_situation_apply_replayed(), the function
 * dozord built the first state with.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-replay-tape.h"
#include "dozor-situation.h"

/* A batch of events is our own text of what the server sent. */
#define MAX_BATCH_BYTES (256 * 1024 * 1024)

struct _DozorReplayTape
{
  GObject parent_instance;

  GMutex lock;                /* held by the worker using what follows */
  JsonNode *state;            /* the first page's */
  GPtrArray *events;          /* char *, each event's text, in the order given */
  GArray *times;              /* gint64 Unix µs of each event */
  DozorSituation *situation;  /* the state with events[0, position) applied */
  guint position;
};

G_DEFINE_FINAL_TYPE (DozorReplayTape, dozor_replay_tape, G_TYPE_OBJECT)

static void
dozor_replay_tape_finalize (GObject *object)
{
  DozorReplayTape *self = (DozorReplayTape *)object;

  g_clear_pointer (&self->state, json_node_unref);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_clear_pointer (&self->times, g_array_unref);
  g_clear_object (&self->situation);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dozor_replay_tape_parent_class)->finalize (object);
}

static void
dozor_replay_tape_class_init (DozorReplayTapeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_replay_tape_finalize;
}

static void
dozor_replay_tape_init (DozorReplayTape *self)
{
  g_mutex_init (&self->lock);
  self->events = g_ptr_array_new_with_free_func (g_free);
  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
}

DozorReplayTape *
dozor_replay_tape_new (void)
{
  return g_object_new (DOZOR_TYPE_REPLAY_TAPE, NULL);
}

/* The page is released in the worker, under the lock, as its nodes are
 * shared with the tape's. */
typedef struct
{
  JsonNode *page;
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->page, json_node_unref);
  g_free (page);
}

static void
add_page_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  DozorReplayTape *self = source_object;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(JsonNode) root = g_steal_pointer (&((Page *) task_data)->page);
  JsonObject *page = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *state = page != NULL ? json_object_get_member (page, "state") : NULL;
  JsonNode *events = page != NULL ? json_object_get_member (page, "events") : NULL;

  if (events == NULL || !JSON_NODE_HOLDS_ARRAY (events) || (state != NULL && !JSON_NODE_HOLDS_OBJECT (state)))
    {
      g_task_return_new_error (task, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                               _("The server's replay is not one this board understands"));
      return;
    }

  if (state != NULL)
    {
      g_clear_pointer (&self->state, json_node_unref);
      self->state = json_node_ref (state);
      g_clear_object (&self->situation);
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (events)); i++)
    {
      JsonNode *event = json_array_get_element (json_node_get_array (events), i);
      gint64 time = JSON_NODE_HOLDS_OBJECT (event) ? dozor_json_get_time (json_node_get_object (event), "time") : 0;

      /* The server sends them in time order; an event without a time has
       * no place on the timeline. */
      if (time == 0)
        continue;
      g_ptr_array_add (self->events, json_to_string (event, FALSE));
      g_array_append_val (self->times, time);
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * dozor_replay_tape_add_page_async:
 * @self: a #DozorReplayTape
 * @page: (transfer full): one page of GET /replay, referenced nowhere else
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the page is on the tape
 * @user_data: for @callback
 */
void
dozor_replay_tape_add_page_async (DozorReplayTape     *self,
                                  JsonNode            *page,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Page *data = g_new0 (Page, 1);

  data->page = page;
  g_task_set_source_tag (task, dozor_replay_tape_add_page_async);
  g_task_set_task_data (task, data, (GDestroyNotify) page_free);
  g_task_run_in_thread (task, add_page_in_thread);
}

gboolean
dozor_replay_tape_add_page_finish (DozorReplayTape  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Applies the events up to @time to the tape's situation, from the state
 * again if @time is before where it stands. Under the lock. */
static gboolean
wind (DozorReplayTape  *self,
      gint64            time,
      GPtrArray        *applied,
      GError          **error)
{
  if (self->state == NULL)
    {
      g_set_error_literal (error, DOZOR_JSON_ERROR, DOZOR_JSON_ERROR_INVALID,
                           _("The server's replay is not one this board understands"));
      return FALSE;
    }

  if (self->situation == NULL ||
      (self->position > 0 && g_array_index (self->times, gint64, self->position - 1) > time))
    {
      g_clear_object (&self->situation);
      self->situation = dozor_situation_new ();
      self->position = 0;
      if (!dozor_situation_load_snapshot (self->situation, self->state, error))
        return FALSE;
    }

  while (self->position < self->events->len && g_array_index (self->times, gint64, self->position) <= time)
    {
      const char *text = self->events->pdata[self->position++];
      g_autoptr(JsonNode) event = dozor_json_parse (text, strlen (text), MAX_BATCH_BYTES, NULL);

      /* Our own text of what the parser took once: it parses again. */
      if (event != NULL)
        dozor_situation_apply_replayed (self->situation, event);
      if (applied != NULL)
        g_ptr_array_add (applied, (gpointer) text);
    }
  return TRUE;
}

static void
seek_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DozorReplayTape *self = source_object;
  gint64 *time = task_data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  GError *error = NULL;

  if (!wind (self, *time, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, dozor_situation_to_snapshot (self->situation), (GDestroyNotify) json_node_unref);
}

static void
advance_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DozorReplayTape *self = source_object;
  gint64 *time = task_data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  g_autoptr(GPtrArray) applied = g_ptr_array_new ();
  g_autoptr(GString) text = g_string_new ("[");
  GError *error = NULL;
  JsonNode *batch;

  if (!wind (self, *time, applied, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Parsed anew: the main thread gets nodes of its own. */
  for (guint i = 0; i < applied->len; i++)
    {
      if (i > 0)
        g_string_append_c (text, ',');
      g_string_append (text, applied->pdata[i]);
    }
  g_string_append_c (text, ']');

  batch = dozor_json_parse (text->str, text->len, MAX_BATCH_BYTES, &error);
  if (batch == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, batch, (GDestroyNotify) json_node_unref);
}

static void
run (DozorReplayTape     *self,
     gint64               time,
     GTaskThreadFunc      func,
     gpointer             source_tag,
     GCancellable        *cancellable,
     GAsyncReadyCallback  callback,
     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_memdup2 (&time, sizeof time), g_free);
  g_task_run_in_thread (task, func);
}

/**
 * dozor_replay_tape_seek_async:
 * @self: a #DozorReplayTape
 * @time: Unix µs: the moment to show
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the state at @time; finish with
 *   dozor_replay_tape_finish()
 * @user_data: for @callback
 *
 * The state at @time, as a snapshot to load.
 */
void
dozor_replay_tape_seek_async (DozorReplayTape     *self,
                              gint64               time,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  run (self, time, seek_in_thread, dozor_replay_tape_seek_async, cancellable, callback, user_data);
}

/**
 * dozor_replay_tape_advance_async:
 * @self: a #DozorReplayTape
 * @time: Unix µs: the moment to play up to
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the events since the last seek or advance, up to
 *   @time; finish with dozor_replay_tape_finish()
 * @user_data: for @callback
 */
void
dozor_replay_tape_advance_async (DozorReplayTape     *self,
                                 gint64               time,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  run (self, time, advance_in_thread, dozor_replay_tape_advance_async, cancellable, callback, user_data);
}

/**
 * dozor_replay_tape_finish:
 * @self: a #DozorReplayTape
 * @result: the result of a seek or an advance
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the snapshot (seek) or the array of events
 *   (advance), shared with nothing, or %NULL with @error set
 */
JsonNode *
dozor_replay_tape_finish (DozorReplayTape  *self,
                          GAsyncResult     *result,
                          GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
