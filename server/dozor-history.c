/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GET /incidents and GET /units/{id}/track, read off the main loop: a year
 * of incidents or a day of a unit's fixes takes long enough to silence
 * every stream if read where the stream is written. Each read runs in a
 * worker with its own read-only connection (dozor-store-history.c), two at
 * a time; a few more wait, the rest are refused at once.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "dozor-history.h"
#include "dozor-store.h"
#include "dozor-store-history.h"
#include "dozor-store-replay.h"
#include "dozor-work-queue.h"

/* Two readers leave the other CPU to the main loop and to logins. */
#define MAX_RUNNING 2
#define MAX_WAITING 16

struct _DozorHistory
{
  GObject parent_instance;

  char *db_path;
  DozorWorkQueue *queue;
};

G_DEFINE_FINAL_TYPE (DozorHistory, dozor_history, G_TYPE_OBJECT)

typedef struct
{
  char *db_path;
  DozorHistoryKind kind;
  char *unit_id; /* the track's */
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
  g_free (read->unit_id);
  g_free (read->from);
  g_free (read->to);
  g_free (read->after);
  g_free (read);
}

static void
dozor_history_finalize (GObject *object)
{
  DozorHistory *self = (DozorHistory *)object;

  g_clear_object (&self->queue);
  g_free (self->db_path);

  G_OBJECT_CLASS (dozor_history_parent_class)->finalize (object);
}

static void
dozor_history_class_init (DozorHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_history_finalize;
}

static void
dozor_history_init (DozorHistory *self)
{
  self->queue = dozor_work_queue_new (MAX_RUNNING, MAX_WAITING);
}

/**
 * dozor_history_new:
 * @db_path: the store's file, in WAL mode
 *
 * Returns: (transfer full): a reader of the history in @db_path
 */
DozorHistory *
dozor_history_new (const char *db_path)
{
  DozorHistory *self = g_object_new (DOZOR_TYPE_HISTORY, NULL);

  self->db_path = g_strdup (db_path);
  return self;
}

static void
read_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Read *read = task_data;
  GError *error = NULL;
  char *json;

  switch (read->kind)
    {
    case DOZOR_HISTORY_TRACK:
      json = dozor_store_history_track (read->db_path, read->unit_id, read->from, read->to, read->after,
                                        read->limit, &error);
      break;
    case DOZOR_HISTORY_JOURNAL:
      json = dozor_store_history_journal (read->db_path, read->from, read->to, read->after, read->limit, &error);
      break;
    case DOZOR_HISTORY_REPLAY:
      json = dozor_store_replay_read (read->db_path, read->from, read->to, read->after, read->limit, &error);
      break;
    case DOZOR_HISTORY_INCIDENTS:
    default:
      json = dozor_store_history_incidents (read->db_path, read->from, read->to, read->after, read->limit, &error);
      break;
    }

  if (json == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, json, g_free);
}

/**
 * dozor_history_read_async:
 * @self: a #DozorHistory
 * @kind: what to read
 * @unit_id: (nullable): the unit whose track to read (%DOZOR_HISTORY_TRACK)
 * @query: (nullable) (element-type utf8 utf8): the request's query: `from`,
 *   `to`, `after`, `limit` (docs/api.md)
 * @callback: called on this thread with the page
 * @user_data: for @callback
 */
void
dozor_history_read_async (DozorHistory        *self,
                          DozorHistoryKind     kind,
                          const char          *unit_id,
                          GHashTable          *query,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);
  const char *limit = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  static const guint pages[][2] = {
    [DOZOR_HISTORY_INCIDENTS] = { DOZOR_HISTORY_INCIDENTS_PAGE, DOZOR_HISTORY_INCIDENTS_MAX_PAGE },
    [DOZOR_HISTORY_TRACK] = { DOZOR_HISTORY_TRACK_PAGE, DOZOR_HISTORY_TRACK_MAX_PAGE },
    [DOZOR_HISTORY_JOURNAL] = { DOZOR_HISTORY_JOURNAL_PAGE, DOZOR_HISTORY_JOURNAL_MAX_PAGE },
    [DOZOR_HISTORY_REPLAY] = { DOZOR_STORE_REPLAY_PAGE, DOZOR_STORE_REPLAY_MAX_PAGE },
  };
  guint max = pages[kind][1];
  Read *read = g_new0 (Read, 1);
  guint64 value;

  g_task_set_source_tag (task, dozor_history_read_async);
  g_task_set_task_data (task, read, read_free);
  read->db_path = g_strdup (self->db_path);
  read->kind = kind;
  read->unit_id = g_strdup (unit_id);
  read->from = g_strdup (query != NULL ? g_hash_table_lookup (query, "from") : NULL);
  read->to = g_strdup (query != NULL ? g_hash_table_lookup (query, "to") : NULL);
  read->after = g_strdup (query != NULL ? g_hash_table_lookup (query, "after") : NULL);
  read->limit = pages[kind][0];

  if (limit != NULL)
    {
      if (!g_ascii_string_to_unsigned (limit, 10, 1, max, &value, NULL))
        {
          g_task_return_new_error (task, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID,
                                   _("limit: must be a whole number from 1 to %u"), max);
          return;
        }
      read->limit = (guint) value;
    }

  dozor_work_queue_run (self->queue, task, read_in_thread);
}

/**
 * dozor_history_read_finish:
 * @self: a #DozorHistory
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the page as JSON text, or %NULL with @error set
 */
char *
dozor_history_read_finish (DozorHistory  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
