/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's local copy of the last situation it saw: one snapshot in an
 * SQLite file, so that the board draws the situation at once when it
 * starts, marked as not live, before the server answers.
 *
 * The copy is only ever a head start: the server's snapshot replaces it.
 * What matters is that it never makes things worse: a save either
 * replaces the whole snapshot or leaves the previous one, also when the
 * board is killed or the disk is full, and a file that is not a cache, or
 * a cache that cannot be read, ends in a message naming the file and a
 * board that starts without it.
 *
 * Like the outbox (dozor-outbox.c; both use the checks in
 * dozor-sqlite.c), the file sits in the user's data directory, where
 * anything may have been left under its name: it is only read until it
 * has been recognised as a cache.
 *
 * Translatable messages here are matched by po/kk.po and po/ru.po, which a
 * test keeps complete: a new message needs its translations in the same
 * change.
 */
#include "config.h"

#include "dozor-cache.h"

#include <glib/gi18n-lib.h>

#include "dozor-json.h"
#include "dozor-sqlite.h"

/* Another board on the same file writes for a few tens of milliseconds;
 * this only runs out when it is stuck. */
#define BUSY_TIMEOUT_MS 5000

/* The layout of the file, in PRAGMA user_version; 0 is a new file. */
#define SCHEMA_VERSION 1

/* What the saved text is: the snapshot of docs/api.md, version 1. A later
 * version that changes it writes a higher number in the row. */
#define SNAPSHOT_FORMAT 1

/* One row at most: the CHECK keeps a second one from ever being read. */
static const char schema[] =
  "CREATE TABLE snapshot ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  format INTEGER NOT NULL,"
  "  as_of_seq INTEGER NOT NULL,"
  "  saved_at INTEGER NOT NULL,"
  "  body TEXT NOT NULL"
  ") STRICT;"
  "PRAGMA user_version = " G_STRINGIFY (SCHEMA_VERSION) ";";

static const DozorSqliteColumn schema_columns[] = {
  { "id", "INTEGER", FALSE },
  { "format", "INTEGER", TRUE },
  { "as_of_seq", "INTEGER", TRUE },
  { "saved_at", "INTEGER", TRUE },
  { "body", "TEXT", TRUE },
};

static const DozorSqliteSchema cache_schema = {
  .create = schema,
  .version = SCHEMA_VERSION,
  .table = "snapshot",
  .columns = schema_columns,
  .n_columns = G_N_ELEMENTS (schema_columns),
};

/**
 * DozorCache:
 *
 * The last situation the board saw, kept in an SQLite file so that the
 * next start can draw it before the network answers.
 *
 * The file holds one snapshot in the wire format of GET /snapshot (see
 * [method@Dozor.Situation.to_snapshot]): [method@Dozor.Cache.save_async]
 * replaces it in one transaction, [method@Dozor.Cache.load_async] reads
 * it back. Both run in a worker thread.
 *
 * Every method may be called from any thread.
 */
struct _DozorCache
{
  GObject parent_instance;

  char *path;
  /* The path for messages: file names need not be UTF-8. */
  char *display_name;

  /* SQLite's own mutex keeps the connection whole, but a statement's
   * error message belongs to it only until another thread runs the next
   * one: this lock spans both. */
  GMutex lock;
  sqlite3 *db;

  /* Saves are numbered as they are asked for. Worker threads may reach
   * the file in another order, and an earlier save written after a later
   * one would put an older situation back: it is dropped instead. */
  gint last_save_id;     /* atomic */
  gint written_save_id;  /* atomic; written under lock */
};

G_DEFINE_FINAL_TYPE (DozorCache, dozor_cache, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What was being done when SQLite failed: the message says it in words. */
typedef enum
{
  OPERATION_SAVE,
  OPERATION_LOAD,
} Operation;

typedef struct
{
  DozorCacheTextFunc text_func;
  gpointer text_data;
  GDestroyNotify text_destroy;
  gint64 seq;
  guint save_id;
} SaveData;

typedef struct
{
  JsonNode *snapshot;
  gint64 saved_at;
} LoadResult;

static void
save_data_free (SaveData *data)
{
  if (data->text_destroy != NULL)
    data->text_destroy (data->text_data);
  g_free (data);
}

static void
load_result_free (LoadResult *result)
{
  g_clear_pointer (&result->snapshot, json_node_unref);
  g_free (result);
}

static void
dozor_cache_finalize (GObject *object)
{
  DozorCache *self = (DozorCache *)object;

  /* Every task holds a reference, so none is running; the last
   * connection to close checkpoints the write-ahead log into the file. */
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dozor_cache_parent_class)->finalize (object);
}

static void
dozor_cache_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  DozorCache *self = DOZOR_CACHE (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_cache_class_init (DozorCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_cache_finalize;
  object_class->get_property = dozor_cache_get_property;

  /**
   * DozorCache:path:
   *
   * The file the situation is kept in, as given to [func@Dozor.Cache.open].
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_cache_init (DozorCache *self)
{
  g_mutex_init (&self->lock);
}

static void
set_not_a_cache_error (DozorCache  *self,
                       GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("“%s” is not a situation cache: it is not an SQLite database"),
               self->display_name);
}

/* Called straight after the failure, before anything else on the
 * connection replaces its message. */
static void
set_sqlite_error (DozorCache  *self,
                  Operation    operation,
                  int          rc,
                  GError     **error)
{
  const char *detail = sqlite3_errmsg (self->db);
  GIOErrorEnum code = dozor_sqlite_io_error (rc);

  switch (operation)
    {
    case OPERATION_SAVE:
      g_set_error (error, G_IO_ERROR, code, _("The situation could not be saved in “%s”: %s"),
                   self->display_name, detail);
      break;

    case OPERATION_LOAD:
      g_set_error (error, G_IO_ERROR, code, _("The saved situation could not be read from “%s”: %s"),
                   self->display_name, detail);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* dozor-sqlite.c gives only the file system's or SQLite's words; the
 * message around them names the cache. */
static void
set_open_error (DozorCache    *self,
                const GError  *local_error,
                GError       **error)
{
  if (g_error_matches (local_error, DOZOR_SQLITE_ERROR, SQLITE_NOTADB))
    set_not_a_cache_error (self, error);
  else
    g_set_error (error, G_IO_ERROR, dozor_sqlite_error_io_code (local_error),
                 _("The situation cache “%s” could not be opened: %s"),
                 self->display_name, local_error->message);
}

static void
set_newer_version_error (DozorCache  *self,
                         gint64       found,
                         int          known,
                         GError     **error)
{
  g_autofree char *found_text = g_strdup_printf ("%" G_GINT64_FORMAT, found);
  g_autofree char *known_text = g_strdup_printf ("%d", known);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("The situation cache “%s” was written by a newer version of Dozor "
                 "(format %s; this version reads up to %s)"),
               self->display_name, found_text, known_text);
}

static gboolean
check_schema (DozorCache  *self,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  DozorSqliteSchemaCheck result;
  gint64 version;

  if (!dozor_sqlite_check_schema (self->db, &cache_schema, &result, &version, &local_error))
    {
      set_open_error (self, local_error, error);
      return FALSE;
    }

  switch (result)
    {
    case DOZOR_SQLITE_SCHEMA_OURS:
      return TRUE;

    /* No snapshot table at all is some other program that also sets
     * user_version, such as the board's own outbox given by mistake. */
    case DOZOR_SQLITE_SCHEMA_FOREIGN:
    case DOZOR_SQLITE_SCHEMA_NO_TABLE:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a situation cache: it holds another program's data"),
                   self->display_name);
      return FALSE;

    /* This version starts without a cache rather than break it. */
    case DOZOR_SQLITE_SCHEMA_NEWER:
      set_newer_version_error (self, version, SCHEMA_VERSION, error);
      return FALSE;

    case DOZOR_SQLITE_SCHEMA_OTHER_COLUMNS:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a situation cache: its snapshot table has other columns"),
                   self->display_name);
      return FALSE;

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/**
 * dozor_cache_open:
 * @path: (type filename): the cache file; made, with its folders, if missing
 * @error: return location for a #GError
 *
 * Opens the situation cache in @path, making a new empty one if there is
 * no file or only an empty one. A new file and its folders are readable by
 * the user alone. Use a file of its own, not the outbox's.
 *
 * A file that is there is never changed unless it is a cache. The error
 * is in the %G_IO_ERROR domain: %G_IO_ERROR_INVALID_DATA for a file that
 * is not an SQLite database, another program's database, or one whose
 * snapshot table has other columns; %G_IO_ERROR_NOT_SUPPORTED for a cache
 * laid out by a newer version of Dozor; %G_IO_ERROR_READ_ONLY for a file
 * that may not be written; other codes from the file system. The message
 * names the file. The board then starts without a cache.
 *
 * Returns: (transfer full): the cache, or %NULL with @error set
 */
DozorCache *
dozor_cache_open (const char  *path,
                  GError     **error)
{
  g_autoptr(DozorCache) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DOZOR_TYPE_CACHE, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);

  /* NORMAL, not FULL as in the outbox: in WAL mode a commit is still
   * atomic, and survives the board being killed; a power cut may only
   * lose the latest saves, which the server's snapshot replaces anyway.
   * That spares a sync of several MiB at every save. Not kept in the file. */
  if (!dozor_sqlite_prepare_private_file (self->path, &local_error) ||
      !dozor_sqlite_open (self->path, DOZOR_SQLITE_OPEN_READ_WRITE, BUSY_TIMEOUT_MS, &self->db,
                          &local_error) ||
      !dozor_sqlite_exec (self->db, "PRAGMA synchronous = NORMAL", &local_error))
    {
      set_open_error (self, local_error, error);
      return NULL;
    }

  if (!check_schema (self, error))
    return NULL;

  /* Only now that the file is known to be a cache: with WAL a save that
   * is cut off leaves frames that were never committed. */
  if (!dozor_sqlite_use_wal (self->db, self->display_name, &local_error))
    {
      set_open_error (self, local_error, error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * dozor_cache_get_path:
 * @self: a #DozorCache
 *
 * Returns: (type filename): the file the cache was opened from
 */
const char *
dozor_cache_get_path (DozorCache *self)
{
  g_return_val_if_fail (DOZOR_IS_CACHE (self), NULL);

  return self->path;
}

/* The snapshot's seq, kept beside the text: the row says what it holds
 * without the text being parsed. */
static gboolean
snapshot_seq (JsonNode *snapshot,
              gint64   *seq)
{
  JsonNode *member;

  if (snapshot == NULL || !JSON_NODE_HOLDS_OBJECT (snapshot))
    return FALSE;

  member = json_object_get_member (json_node_get_object (snapshot), "as_of_seq");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64 || json_node_get_int (member) < 0)
    return FALSE;

  *seq = json_node_get_int (member);
  return TRUE;
}

static guint
new_save_id (DozorCache *self)
{
  return (guint) g_atomic_int_add (&self->last_save_id, 1) + 1;
}

/* Whether a save asked for after @save_id is in the file already. The
 * difference, not the values, is compared, so that the count may wrap. */
static gboolean
superseded (DozorCache *self,
            guint       save_id)
{
  guint written = (guint) g_atomic_int_get (&self->written_save_id);

  return (gint) (written - save_id) > 0;
}

/* A snapshot tree's text, for the saves that are given a tree. */
static char *
tree_to_text (gpointer  data,
              gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, data);
  return json_generator_to_data (generator, length);
}

static gboolean
write_snapshot (DozorCache          *self,
                DozorCacheTextFunc   text_func,
                gpointer             text_data,
                gint64               seq,
                guint                save_id,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  /* Freed after the statement, which is bound to it. */
  g_autofree char *text = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gsize length = 0;
  int rc;

  if (superseded (self, save_id))
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* Outside the lock: turning ten thousand units into text takes longer
   * than writing it. */
  text = text_func (text_data, &length);

  if (length > DOZOR_CACHE_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size_full (DOZOR_CACHE_MAX_BYTES, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The situation is too large to be saved in “%s”: at most %s is kept"),
                   self->display_name, limit);
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->lock);

  if (superseded (self, save_id))
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  /* One statement outside a transaction is one transaction: the old row
   * goes and the new one comes together, or, when the disk is full or
   * the process dies half way, neither. */
  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT OR REPLACE INTO snapshot (id, format, as_of_seq, saved_at, body)"
                           " VALUES (1, ?1, ?2, ?3, ?4)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, SNAPSHOT_FORMAT);
      sqlite3_bind_int64 (stmt, 2, seq);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time ());
      sqlite3_bind_text64 (stmt, 4, text, length, SQLITE_STATIC, SQLITE_UTF8);
      rc = sqlite3_step (stmt);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, OPERATION_SAVE, rc, error);
      return FALSE;
    }

  g_atomic_int_set (&self->written_save_id, (gint) save_id);
  return TRUE;
}

/**
 * dozor_cache_save:
 * @self: a #DozorCache
 * @snapshot: a snapshot object with its `as_of_seq`, as made by
 *   [method@Dozor.Situation.to_snapshot]
 * @error: return location for a #GError
 *
 * Saves @snapshot in place of the one in the file and returns once it is
 * committed, blocking the caller: for the last save as the board closes.
 * Elsewhere use [method@Dozor.Cache.save_async].
 *
 * A save either replaces the previous snapshot whole or leaves it: a full
 * disk gives %G_IO_ERROR_NO_SPACE and the previous copy stays; a snapshot
 * whose text is larger than %DOZOR_CACHE_MAX_BYTES gives
 * %G_IO_ERROR_INVALID_ARGUMENT. The message names the file.
 *
 * Returns: %TRUE once the snapshot is in the file, or %FALSE with @error set
 */
gboolean
dozor_cache_save (DozorCache  *self,
                  JsonNode    *snapshot,
                  GError     **error)
{
  gint64 seq;

  g_return_val_if_fail (DOZOR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  if (!snapshot_seq (snapshot, &seq))
    g_return_val_if_reached (FALSE);

  return write_snapshot (self, tree_to_text, snapshot, seq, new_save_id (self), NULL, error);
}

/**
 * dozor_cache_save_text:
 * @self: a #DozorCache
 * @seq: the snapshot's `as_of_seq`, which its text must hold
 * @text_func: (scope call): writes the snapshot's text
 * @text_data: data for @text_func
 * @error: return location for a #GError
 *
 * As [method@Dozor.Cache.save], for a snapshot that is written as text
 * without a tree (dozor_snapshot_writer_to_text()): @text_func is called
 * once, in this thread, unless a later save is in the file already.
 *
 * Returns: %TRUE once the snapshot is in the file, or %FALSE with @error set
 */
gboolean
dozor_cache_save_text (DozorCache          *self,
                       gint64               seq,
                       DozorCacheTextFunc   text_func,
                       gpointer             text_data,
                       GError             **error)
{
  g_return_val_if_fail (DOZOR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (seq >= 0, FALSE);
  g_return_val_if_fail (text_func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_snapshot (self, text_func, text_data, seq, new_save_id (self), NULL, error);
}

static void
save_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DozorCache *self = source_object;
  SaveData *data = task_data;
  g_autoptr(GError) error = NULL;

  if (!write_snapshot (self, data->text_func, data->text_data, data->seq, data->save_id, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * dozor_cache_save_async:
 * @self: a #DozorCache
 * @snapshot: a snapshot object with its `as_of_seq`, as made by
 *   [method@Dozor.Situation.to_snapshot]
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the snapshot is saved or could not be
 * @user_data: data for @callback
 *
 * Saves @snapshot in place of the one in the file, in a worker thread,
 * which also turns it into text. The task takes a reference to @snapshot:
 * neither the caller nor anyone else may change it, or anything in it,
 * from now on. Nor may it share objects or arrays with nodes used
 * elsewhere (json_node_copy() shares them), since json-glib counts their
 * references without atomics; one from
 * [method@Dozor.Situation.to_snapshot] shares nothing with the situation,
 * which may go on changing.
 *
 * Saves take effect in the order they are asked for: one that reaches the
 * file after a later one has been written is dropped, and finishes with
 * %TRUE, since the newer situation is kept.
 *
 * Cancelling stops a save that has not started writing; one that has
 * finishes and reports that it did.
 */
void
dozor_cache_save_async (DozorCache          *self,
                        JsonNode            *snapshot,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  gint64 seq;

  g_return_if_fail (DOZOR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  if (!snapshot_seq (snapshot, &seq))
    g_return_if_reached ();

  dozor_cache_save_text_async (self, seq, tree_to_text, json_node_ref (snapshot),
                               (GDestroyNotify) json_node_unref, cancellable, callback, user_data);
}

/**
 * dozor_cache_save_text_async:
 * @self: a #DozorCache
 * @seq: the snapshot's `as_of_seq`, which its text must hold
 * @text_func: (scope notified): writes the snapshot's text, in the worker
 * @text_data: (transfer full): data for @text_func
 * @text_destroy: frees @text_data, in whichever thread finishes last
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the snapshot is saved or could not be
 * @user_data: data for @callback
 *
 * As [method@Dozor.Cache.save_async], for a snapshot whose text the
 * worker writes itself (dozor_snapshot_writer_to_text()), so that no tree
 * of it need exist: @text_func is called in the worker thread, at most
 * once, and not at all when the save is cancelled or a later one has
 * been written first. Whatever @text_data holds must therefore be safe to
 * read and free in another thread. Finish with
 * [method@Dozor.Cache.save_finish].
 */
void
dozor_cache_save_text_async (DozorCache          *self,
                             gint64               seq,
                             DozorCacheTextFunc   text_func,
                             gpointer             text_data,
                             GDestroyNotify       text_destroy,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (DOZOR_IS_CACHE (self));
  g_return_if_fail (seq >= 0);
  g_return_if_fail (text_func != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (SaveData, 1);
  data->text_func = text_func;
  data->text_data = text_data;
  data->text_destroy = text_destroy;
  data->seq = seq;
  /* Numbered now, when it is asked for, not when the worker reaches it. */
  data->save_id = new_save_id (self);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dozor_cache_save_text_async);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  /* What finish reports is what happened to the file, also after a late
   * cancel. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, save_in_thread);
}

/**
 * dozor_cache_save_finish:
 * @self: a #DozorCache
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Errors as for [method@Dozor.Cache.save], and %G_IO_ERROR_CANCELLED.
 *
 * Returns: %TRUE once the snapshot (or a later one) is in the file, or
 *   %FALSE with @error set; the previous copy is then kept
 */
gboolean
dozor_cache_save_finish (DozorCache    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (DOZOR_IS_CACHE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dozor_cache_save_text_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
set_damaged_error (DozorCache  *self,
                   const char  *detail,
                   GError     **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("The situation saved in “%s” is damaged: %s"), self->display_name, detail);
}

static JsonNode *
read_snapshot (DozorCache  *self,
               gint64      *saved_at,
               GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *copy = NULL;
  const char *text;
  gint64 format, row_seq, seq, row_saved_at;
  gsize length;
  int rc;

  *saved_at = 0;

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT format, as_of_seq, saved_at, body FROM snapshot WHERE id = 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_DONE)
    return NULL;

  if (rc != SQLITE_ROW)
    {
      set_sqlite_error (self, OPERATION_LOAD, rc, error);
      return NULL;
    }

  format = sqlite3_column_int64 (stmt, 0);
  row_seq = sqlite3_column_int64 (stmt, 1);
  row_saved_at = sqlite3_column_int64 (stmt, 2);

  /* A later version's snapshot may mean something else; that version
   * reads it, this one starts without it (and its next save replaces it
   * with one both can read). */
  if (format > SNAPSHOT_FORMAT)
    {
      set_newer_version_error (self, format, SNAPSHOT_FORMAT, error);
      return NULL;
    }

  /* The text is copied, not parsed in place: the lock is held for a
   * millisecond rather than for the whole parse. */
  text = (const char *) sqlite3_column_text (stmt, 3);
  length = (gsize) sqlite3_column_bytes (stmt, 3);
  if (length > DOZOR_CACHE_MAX_BYTES)
    {
      g_autofree char *limit = g_format_size_full (DOZOR_CACHE_MAX_BYTES, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The situation saved in “%s” is larger than %s and is not read"),
                   self->display_name, limit);
      return NULL;
    }
  copy = g_memdup2 (text, length);

  g_clear_pointer (&stmt, sqlite3_finalize);
  g_clear_pointer (&locker, g_mutex_locker_free);

  snapshot = dozor_json_parse (copy, length, DOZOR_CACHE_MAX_BYTES, &local_error);
  if (snapshot == NULL)
    {
      set_damaged_error (self, local_error->message, error);
      return NULL;
    }

  /* Valid JSON is not yet the snapshot that was saved: a version with a
   * bug, or another program, may have put anything in the row. */
  if (format < SNAPSHOT_FORMAT || !snapshot_seq (snapshot, &seq) || seq != row_seq)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The situation saved in “%s” is damaged: it is not the snapshot that was saved"),
                   self->display_name);
      return NULL;
    }

  *saved_at = row_saved_at;
  return g_steal_pointer (&snapshot);
}

/**
 * dozor_cache_load:
 * @self: a #DozorCache
 * @saved_at: (out) (optional): when the snapshot was saved, Unix
 *   microseconds, or 0 if there is none
 * @error: return location for a #GError
 *
 * Reads the saved snapshot and parses it, blocking the caller; the board
 * uses [method@Dozor.Cache.load_async]. It is checked as far as text goes
 * (size, encoding, nesting, JSON, its `as_of_seq`);
 * [method@Dozor.Situation.load_snapshot] checks the rest.
 *
 * A snapshot that cannot be used gives %G_IO_ERROR_INVALID_DATA (damaged)
 * or %G_IO_ERROR_NOT_SUPPORTED (saved by a newer version), with a message
 * naming the file: the board then starts without it.
 *
 * Returns: (transfer full) (nullable): the snapshot, or %NULL: with @error
 *   unset when nothing has been saved yet, with it set otherwise
 */
JsonNode *
dozor_cache_load (DozorCache  *self,
                  gint64      *saved_at,
                  GError     **error)
{
  gint64 when = 0;
  JsonNode *snapshot;

  g_return_val_if_fail (DOZOR_IS_CACHE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  snapshot = read_snapshot (self, &when, error);
  if (saved_at != NULL)
    *saved_at = when;
  return snapshot;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DozorCache *self = source_object;
  g_autoptr(GError) error = NULL;
  LoadResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  result = g_new0 (LoadResult, 1);
  result->snapshot = read_snapshot (self, &result->saved_at, &error);
  if (error != NULL)
    {
      load_result_free (result);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) load_result_free);
}

/**
 * dozor_cache_load_async:
 * @self: a #DozorCache
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the snapshot
 * @user_data: data for @callback
 *
 * Reads and parses the saved snapshot in a worker thread, as
 * [method@Dozor.Cache.load] does.
 */
void
dozor_cache_load_async (DozorCache          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOZOR_IS_CACHE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dozor_cache_load_async);
  g_task_run_in_thread (task, load_in_thread);
}

/**
 * dozor_cache_load_finish:
 * @self: a #DozorCache
 * @result: the #GAsyncResult given to the callback
 * @saved_at: (out) (optional): when the snapshot was saved, Unix
 *   microseconds, or 0 if there is none
 * @error: return location for a #GError
 *
 * Errors as for [method@Dozor.Cache.load], and %G_IO_ERROR_CANCELLED.
 *
 * Returns: (transfer full) (nullable): the snapshot, or %NULL: with @error
 *   unset when nothing has been saved yet, with it set otherwise
 */
JsonNode *
dozor_cache_load_finish (DozorCache    *self,
                         GAsyncResult  *result,
                         gint64        *saved_at,
                         GError       **error)
{
  LoadResult *loaded;
  JsonNode *snapshot;

  g_return_val_if_fail (DOZOR_IS_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == dozor_cache_load_async, NULL);

  if (saved_at != NULL)
    *saved_at = 0;

  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;

  if (saved_at != NULL)
    *saved_at = loaded->saved_at;
  snapshot = g_steal_pointer (&loaded->snapshot);
  load_result_free (loaded);
  return snapshot;
}

/**
 * dozor_cache_set_max_pages:
 * @self: a #DozorCache
 * @max_pages: the largest size of the file, in database pages
 *
 * For tests: caps the file's size as a full disk would, for this object
 * only, until it is closed. SQLite never sets the cap below the pages the
 * file already has.
 *
 * Returns: the cap now in force, or -1 if it could not be set
 */
gint64
dozor_cache_set_max_pages (DozorCache *self,
                           gint64      max_pages)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (DOZOR_IS_CACHE (self), -1);
  g_return_val_if_fail (max_pages > 0, -1);

  /* A PRAGMA takes no bound parameters. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_pages);

  locker = g_mutex_locker_new (&self->lock);

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}
