/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /replay (docs/api.md, "Replay"): archives the state now and then on
 * the main loop, where the store lives, and reads replays in workers with
 * their own connection (dozor-store-replay.c), one at a time: a replay's
 * first state applies up to a day of journal and is the heaviest read
 * dozord serves. A few more wait, the rest are refused at once.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-replay.h"
#include "dozor-server-private.h"
#include "dozor-store-replay.h"
#include "dozor-work-queue.h"

#define MAX_RUNNING 1
#define MAX_WAITING 8
#define DEFAULT_KEEP_DAYS 400

struct _DozorReplay
{
  GObject parent_instance;

  DozorStore *store;
  DozorWorkQueue *queue;
  guint archive_source;
  guint keep_days;
};

G_DEFINE_FINAL_TYPE (DozorReplay, dozor_replay, G_TYPE_OBJECT)

typedef struct
{
  char *db_path;
  char *from;
  char *to;
  char *after;
  guint limit;
} Read;

static void
read_free (gpointer data)
{
  Read *read = data;

  g_free (read->db_path);
  g_free (read->from);
  g_free (read->to);
  g_free (read->after);
  g_free (read);
}

static void
dozor_replay_dispose (GObject *object)
{
  DozorReplay *self = (DozorReplay *)object;

  g_clear_handle_id (&self->archive_source, g_source_remove);
  g_clear_object (&self->queue);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dozor_replay_parent_class)->dispose (object);
}

static void
dozor_replay_class_init (DozorReplayClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_replay_dispose;
}

static void
dozor_replay_init (DozorReplay *self)
{
  self->queue = dozor_work_queue_new (MAX_RUNNING, MAX_WAITING);
  self->keep_days = DEFAULT_KEEP_DAYS;
}

static gboolean
archive_cb (gpointer user_data)
{
  DozorReplay *self = user_data;
  g_autoptr(GError) error = NULL;

  /* A failed archive leaves the one before as the start of replays. */
  if (!dozor_store_replay_archive (self->store, self->keep_days, &error))
    g_warning ("Archiving the state for replays: %s", error->message);
  return G_SOURCE_CONTINUE;
}

/**
 * dozor_replay_new:
 * @store: dozord's store
 *
 * Archives the state at once (a replay can start from now on) and then
 * every %DOZOR_REPLAY_DEFAULT_INTERVAL seconds.
 *
 * Returns: (transfer full): the replays of @store
 */
DozorReplay *
dozor_replay_new (DozorStore *store)
{
  DozorReplay *self = g_object_new (DOZOR_TYPE_REPLAY, NULL);

  self->store = g_object_ref (store);
  dozor_replay_set_schedule (self, DOZOR_REPLAY_DEFAULT_INTERVAL, DEFAULT_KEEP_DAYS);
  archive_cb (self);
  return self;
}

/**
 * dozor_replay_set_schedule:
 * @self: a #DozorReplay
 * @interval_s: seconds between archived states, at least 1
 * @keep_days: how long the journal is kept, and the states it starts from;
 *   0 keeps them for ever
 */
void
dozor_replay_set_schedule (DozorReplay *self,
                           guint        interval_s,
                           guint        keep_days)
{
  g_return_if_fail (DOZOR_IS_REPLAY (self));
  g_return_if_fail (interval_s > 0);

  self->keep_days = keep_days;
  g_clear_handle_id (&self->archive_source, g_source_remove);
  self->archive_source = g_timeout_add_seconds (interval_s, archive_cb, self);
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Read *read = task_data;
  GError *error = NULL;
  char *json = dozor_store_replay_read (read->db_path, read->from, read->to, read->after, read->limit, &error);

  if (json == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json, g_free);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SoupServerMessage *msg = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_task_propagate_pointer (G_TASK (result), &error);

  if (json != NULL)
    dozor_server_reply_text (msg, 200, json);
  else
    dozor_server_reply_async_error (msg, error, 0);
  dozor_server_reply_now (msg);
}

/**
 * dozor_replay_handle:
 * @self: a #DozorReplay
 * @msg: a GET /replay whose caller may replay
 * @query: (nullable) (element-type utf8 utf8): `from`, `to`, `after`, `limit`
 *
 * Answers one page of the replay, read in a worker.
 */
void
dozor_replay_handle (DozorReplay       *self,
                     SoupServerMessage *msg,
                     GHashTable        *query)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, read_done_cb, msg);
  const char *limit = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  Read *read = g_new0 (Read, 1);
  guint64 value;

  g_task_set_source_tag (task, dozor_replay_handle);
  g_task_set_task_data (task, read, read_free);
  read->db_path = g_strdup (dozor_store_get_path (self->store));
  read->from = g_strdup (query != NULL ? g_hash_table_lookup (query, "from") : NULL);
  read->to = g_strdup (query != NULL ? g_hash_table_lookup (query, "to") : NULL);
  read->after = g_strdup (query != NULL ? g_hash_table_lookup (query, "after") : NULL);
  read->limit = DOZOR_STORE_REPLAY_PAGE;

  dozor_server_reply_later (msg);
  if (limit != NULL)
    {
      if (!g_ascii_string_to_unsigned (limit, 10, 1, DOZOR_STORE_REPLAY_MAX_PAGE, &value, NULL))
        {
          g_task_return_new_error (task, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID,
                                   _("limit: must be a whole number from 1 to %u"), DOZOR_STORE_REPLAY_MAX_PAGE);
          return;
        }
      read->limit = (guint) value;
    }

  dozor_work_queue_run (self->queue, task, read_in_thread);
}
