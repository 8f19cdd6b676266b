/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Copies the store's write-ahead log into the database file in a thread of
 * its own, with its own connection.
 *
 * SQLite checkpoints on the commit that takes the log past 1,000 pages, in
 * the committing thread: in dozord that is the main loop, which also
 * serves every request and the stream. With the Almaty scenario at 50,000
 * cars (10,000 fixes a second) checkpoints took an eighth of the main
 * loop's time, with their writes and syncs of the database file. Here the
 * main connection stops checkpointing and this thread does it every
 * second, PASSIVE: it never blocks the writer. Should the log still grow
 * past LARGE_LOG_FRAMES (the writer never pausing long enough for a
 * passive checkpoint to finish), one RESTART checkpoint lets the writer
 * wait (its busy timeout) while the log is copied, so that it starts the
 * log again from the beginning.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "dozor-checkpointer.h"
#include "dozor-db.h"

#define INTERVAL_SECONDS 1
#define LARGE_LOG_FRAMES 16384 /* 64 MiB of 4 KiB pages */

struct _DozorCheckpointer
{
  GObject parent_instance;

  DozorStore *store;
  sqlite3 *db;
  GThread *thread;
  GMutex lock;
  GCond wake;
  gboolean stopping;
};

G_DEFINE_FINAL_TYPE (DozorCheckpointer, dozor_checkpointer, G_TYPE_OBJECT)

static void
checkpoint (DozorCheckpointer *self)
{
  int frames = 0;
  int copied = 0;
  int rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &frames, &copied);

  if (rc == SQLITE_OK && frames > LARGE_LOG_FRAMES)
    rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_RESTART, &frames, &copied);
  /* Busy is the writer at work: the next round catches up. */
  if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
    g_warning ("Checkpoint of the store: %s", sqlite3_errmsg (self->db));
}

static gpointer
run (gpointer data)
{
  DozorCheckpointer *self = data;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    {
      gint64 until = g_get_monotonic_time () + INTERVAL_SECONDS * G_USEC_PER_SEC;

      /* A spurious wake-up only checkpoints early. */
      g_cond_wait_until (&self->wake, &self->lock, until);
      if (self->stopping)
        break;
      g_mutex_unlock (&self->lock);
      checkpoint (self);
      g_mutex_lock (&self->lock);
    }
  g_mutex_unlock (&self->lock);
  return NULL;
}

static void
dozor_checkpointer_dispose (GObject *object)
{
  DozorCheckpointer *self = DOZOR_CHECKPOINTER (object);

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->lock);
      self->stopping = TRUE;
      g_cond_signal (&self->wake);
      g_mutex_unlock (&self->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  if (self->store != NULL)
    dozor_store_set_auto_checkpoint (self->store, TRUE);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (dozor_checkpointer_parent_class)->dispose (object);
}

static void
dozor_checkpointer_finalize (GObject *object)
{
  DozorCheckpointer *self = DOZOR_CHECKPOINTER (object);

  g_clear_pointer (&self->db, sqlite3_close);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);

  G_OBJECT_CLASS (dozor_checkpointer_parent_class)->finalize (object);
}

static void
dozor_checkpointer_class_init (DozorCheckpointerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_checkpointer_dispose;
  G_OBJECT_CLASS (klass)->finalize = dozor_checkpointer_finalize;
}

static void
dozor_checkpointer_init (DozorCheckpointer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
}

/**
 * dozor_checkpointer_new:
 * @store: a store in WAL mode; it checkpoints no more itself while this
 *   lives
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the checkpointer, running, or %NULL
 *   with @error set if the database cannot be opened a second time
 */
DozorCheckpointer *
dozor_checkpointer_new (DozorStore  *store,
                        GError     **error)
{
  g_autoptr(DozorCheckpointer) self = g_object_new (DOZOR_TYPE_CHECKPOINTER, NULL);
  const char *path = dozor_store_get_target (store);

  /* The write-ahead log is SQLite's: a PostgreSQL server checkpoints
   * itself, and dozord starts no checkpointer for one. */
  g_return_val_if_fail (!dozor_db_target_is_postgres (path), NULL);

  if (sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("Cannot open “%s”: %s"),
                   path, self->db != NULL ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  /* The log's writes are synced by the writer; the file's by the checkpoint. */
  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_exec (self->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);

  self->store = g_object_ref (store);
  dozor_store_set_auto_checkpoint (store, FALSE);
  self->thread = g_thread_new ("checkpoint", run, self);
  return g_steal_pointer (&self);
}
