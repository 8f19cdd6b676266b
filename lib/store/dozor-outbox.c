/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's command outbox: every command a supervisor makes is written to
 * an SQLite file before it is sent, so one made offline, or one in flight
 * when the board is killed, is still sent when the link returns. The server
 * answers a repeated Idempotency-Key with its first answer, which makes
 * sending an entry again after a crash safe.
 *
 * The file sits in the user's data directory, where anything may have been
 * left under its name: an existing file is only ever read until it has been
 * recognised as an outbox, and everything that goes wrong ends in a message
 * naming the file, never in a crash.
 *
 * Translatable messages here are matched by po/kk.po and po/ru.po, which a
 * test keeps complete: a new message needs its translations in the same
 * change.
 */
#include "config.h"

#include "dozor-outbox.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-sqlite.h"

/* Two boards may share the file; a write takes milliseconds, so this only
 * runs out when the other process is stuck. */
#define BUSY_TIMEOUT_MS 2000

/* The layout this code writes in PRAGMA user_version; 0 is a new file. */
#define SCHEMA_VERSION 1

/* Longer than any path in docs/api.md by far. */
#define MAX_PATH_BYTES 2048

/* AUTOINCREMENT: an id is never given twice, so one a sender still holds
 * cannot name a newer command after the last one has been removed. */
static const char schema[] =
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  key TEXT NOT NULL UNIQUE,"
  "  method TEXT NOT NULL CHECK (method IN ('POST', 'PATCH', 'PUT', 'DELETE')),"
  "  path TEXT NOT NULL,"
  "  body TEXT,"
  "  if_match INTEGER,"
  "  summary TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0"
  ") STRICT;"
  "PRAGMA user_version = " G_STRINGIFY (SCHEMA_VERSION) ";";

static const DozorSqliteColumn schema_columns[] = {
  { "id", "INTEGER", FALSE },
  { "key", "TEXT", TRUE },
  { "method", "TEXT", TRUE },
  { "path", "TEXT", TRUE },
  { "body", "TEXT", FALSE },
  { "if_match", "INTEGER", FALSE },
  { "summary", "TEXT", TRUE },
  { "created_at", "INTEGER", TRUE },
  { "attempts", "INTEGER", TRUE },
};

static const DozorSqliteSchema outbox_schema = {
  .create = schema,
  .version = SCHEMA_VERSION,
  .table = "outbox",
  .columns = schema_columns,
  .n_columns = G_N_ELEMENTS (schema_columns),
};

#define ENTRY_COLUMNS "id, key, method, path, body, if_match, summary, created_at, attempts"

static const char *const methods[] = { "POST", "PATCH", "PUT", "DELETE", NULL };

/**
 * DozorOutbox:
 *
 * The commands a supervisor has made and the server has not yet answered,
 * kept in an SQLite file in the order they were made.
 *
 * [method@Dozor.Outbox.add] returns only once the command is on disk, so it
 * survives the board being killed or the machine losing power. The sender
 * takes the oldest entry with [method@Dozor.Outbox.peek], counts the attempt
 * with [method@Dozor.Outbox.mark_attempt] before the request goes out, and
 * removes the entry with [method@Dozor.Outbox.remove] once the server has
 * answered, whether it accepted the command or refused it.
 *
 * Every method may be called from any thread. Several boards, and several
 * objects in one board, may open the same file.
 */
struct _DozorOutbox
{
  GObject parent_instance;

  char *path;
  /* The path for messages: file names need not be UTF-8. */
  char *display_name;

  /* SQLite's own mutex keeps the connection whole, but a statement's
   * error message and last_insert_rowid() belong to it only until another
   * thread runs the next one: this lock spans both. */
  GMutex lock;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (DozorOutbox, dozor_outbox, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What was being done when SQLite failed: the message says it in words. */
typedef enum
{
  OPERATION_ADD,
  OPERATION_READ,
  OPERATION_MARK,
  OPERATION_REMOVE,
} Operation;

/**
 * dozor_outbox_entry_free:
 * @entry: (nullable): an entry
 *
 * Frees @entry and its strings.
 */
void
dozor_outbox_entry_free (DozorOutboxEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->key);
  g_free (entry->method);
  g_free (entry->path);
  g_free (entry->body);
  g_free (entry->summary);
  g_free (entry);
}

static void
dozor_outbox_finalize (GObject *object)
{
  DozorOutbox *self = (DozorOutbox *)object;

  /* The last connection to close checkpoints the write-ahead log into the
   * file; every statement is finalized where it was made. */
  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (dozor_outbox_parent_class)->finalize (object);
}

static void
dozor_outbox_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  DozorOutbox *self = DOZOR_OUTBOX (object);

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
dozor_outbox_class_init (DozorOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dozor_outbox_finalize;
  object_class->get_property = dozor_outbox_get_property;

  /**
   * DozorOutbox:path:
   *
   * The file the commands are kept in, as given to [func@Dozor.Outbox.open].
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dozor_outbox_init (DozorOutbox *self)
{
  g_mutex_init (&self->lock);
}

static void
set_not_an_outbox_error (DozorOutbox  *self,
                         GError      **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("“%s” is not a command outbox: it is not an SQLite database"),
               self->display_name);
}

/* Called straight after the failure, before anything else on the
 * connection replaces its message. */
static void
set_sqlite_error (DozorOutbox  *self,
                  Operation     operation,
                  int           rc,
                  GError      **error)
{
  const char *detail = sqlite3_errmsg (self->db);
  GIOErrorEnum code = dozor_sqlite_io_error (rc);

  switch (operation)
    {
    case OPERATION_ADD:
      g_set_error (error, G_IO_ERROR, code, _("The command could not be saved in “%s”: %s"),
                   self->display_name, detail);
      break;

    case OPERATION_READ:
      g_set_error (error, G_IO_ERROR, code,
                   _("The commands waiting to be sent could not be read from “%s”: %s"),
                   self->display_name, detail);
      break;

    case OPERATION_MARK:
      g_set_error (error, G_IO_ERROR, code,
                   _("The attempt to send a command could not be recorded in “%s”: %s"),
                   self->display_name, detail);
      break;

    case OPERATION_REMOVE:
      g_set_error (error, G_IO_ERROR, code,
                   _("An answered command could not be taken out of “%s”: %s"),
                   self->display_name, detail);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* dozor-sqlite.c gives only the file system's or SQLite's words; the
 * message around them names the outbox. */
static void
set_open_error (DozorOutbox   *self,
                const GError  *local_error,
                GError       **error)
{
  if (g_error_matches (local_error, DOZOR_SQLITE_ERROR, SQLITE_NOTADB))
    set_not_an_outbox_error (self, error);
  else
    g_set_error (error, G_IO_ERROR, dozor_sqlite_error_io_code (local_error),
                 _("The command outbox “%s” could not be opened: %s"),
                 self->display_name, local_error->message);
}

static gboolean
check_schema (DozorOutbox  *self,
              GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  DozorSqliteSchemaCheck result;
  gint64 version;

  if (!dozor_sqlite_check_schema (self->db, &outbox_schema, &result, &version, &local_error))
    {
      set_open_error (self, local_error, error);
      return FALSE;
    }

  switch (result)
    {
    case DOZOR_SQLITE_SCHEMA_OURS:
      return TRUE;

    case DOZOR_SQLITE_SCHEMA_FOREIGN:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a command outbox: it holds another program's data"),
                   self->display_name);
      return FALSE;

    /* The commands in it are still to be sent, by that version, so the
     * file is left alone. */
    case DOZOR_SQLITE_SCHEMA_NEWER:
      {
        g_autofree char *found = g_strdup_printf ("%" G_GINT64_FORMAT, version);
        g_autofree char *known = g_strdup_printf ("%d", SCHEMA_VERSION);

        g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                     _("The command outbox “%s” was written by a newer version of Dozor "
                       "(format %s; this version reads up to %s). Update Dozor to send the "
                       "commands waiting in it."),
                     self->display_name, found, known);
        return FALSE;
      }

    case DOZOR_SQLITE_SCHEMA_NO_TABLE:
    case DOZOR_SQLITE_SCHEMA_OTHER_COLUMNS:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a command outbox: its outbox table has other columns"),
                   self->display_name);
      return FALSE;

    default:
      g_assert_not_reached ();
    }

  return FALSE;
}

/**
 * dozor_outbox_open:
 * @path: (type filename): the outbox file; made, with its folders, if missing
 * @error: return location for a #GError
 *
 * Opens the outbox in @path, making a new empty one if there is no file or
 * only an empty one. A new file and its folders are readable by the user
 * alone.
 *
 * A file that is there is never changed unless it is an outbox. The error
 * is in the %G_IO_ERROR domain: %G_IO_ERROR_INVALID_DATA for a file that is
 * not an SQLite database, another program's database, or one whose outbox
 * table has other columns; %G_IO_ERROR_NOT_SUPPORTED for an outbox from a
 * newer version of Dozor; %G_IO_ERROR_READ_ONLY for a file that may not be
 * written; other codes from the file system. The message names the file.
 *
 * Returns: (transfer full): the outbox, or %NULL with @error set
 */
DozorOutbox *
dozor_outbox_open (const char  *path,
                   GError     **error)
{
  g_autoptr(DozorOutbox) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DOZOR_TYPE_OUTBOX, NULL);
  self->path = g_strdup (path);
  self->display_name = g_filename_display_name (path);

  /* FULL: a commit is synced to disk before add() returns, so the command
   * survives a power cut, not only a crash. Not kept in the file. */
  if (!dozor_sqlite_prepare_private_file (self->path, &local_error) ||
      !dozor_sqlite_open (self->path, DOZOR_SQLITE_OPEN_READ_WRITE, BUSY_TIMEOUT_MS, &self->db,
                          &local_error) ||
      !dozor_sqlite_exec (self->db, "PRAGMA synchronous = FULL", &local_error))
    {
      set_open_error (self, local_error, error);
      return NULL;
    }

  if (!check_schema (self, error))
    return NULL;

  /* Only now that the file is known to be an outbox: WAL lets a reader
   * on one thread or board go on while another writes. */
  if (!dozor_sqlite_use_wal (self->db, self->display_name, &local_error))
    {
      set_open_error (self, local_error, error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* For messages: what the caller gave, shown even when it is not text. */
static char *
printable (const char *text)
{
  return text != NULL ? g_utf8_make_valid (text, -1) : g_strdup ("");
}

static gboolean
check_method (const char  *method,
              GError     **error)
{
  g_autofree char *shown = NULL;

  if (method != NULL && g_strv_contains (methods, method))
    return TRUE;

  shown = printable (method);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("A command is sent with POST, PATCH, PUT or DELETE, not “%s”"), shown);
  return FALSE;
}

/* Below /api/v1/ and nowhere else: the sender puts it after that prefix
 * as it is, so ".." or a query could make it another request. */
static gboolean
path_is_valid (const char *path)
{
  if (path == NULL || *path == '\0' || *path == '/' || strlen (path) > MAX_PATH_BYTES ||
      strstr (path, "..") != NULL)
    return FALSE;

  for (const char *p = path; *p != '\0'; p++)
    if (!g_ascii_isgraph (*p) || *p == '?' || *p == '#' || *p == '\\')
      return FALSE;

  return TRUE;
}

static gboolean
check_path (const char  *path,
            GError     **error)
{
  g_autofree char *shown = NULL;

  if (path_is_valid (path))
    return TRUE;

  shown = printable (path);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a path below /api/v1/ that a command can be sent to"), shown);
  return FALSE;
}

static gboolean
check_body (const char  *body,
            GError     **error)
{
  gsize length;

  if (body == NULL)
    return TRUE;

  length = strlen (body);
  if (length > DOZOR_OUTBOX_MAX_BODY)
    {
      g_autofree char *limit = g_format_size_full (DOZOR_OUTBOX_MAX_BODY, G_FORMAT_SIZE_IEC_UNITS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("The command is too large to be saved: a command may carry at most %s"),
                   limit);
      return FALSE;
    }

  if (!g_utf8_validate (body, (gssize) length, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The command's data is not valid UTF-8 text"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_if_match (gint64   if_match,
                GError **error)
{
  g_autofree char *shown = NULL;

  if (if_match >= -1)
    return TRUE;

  shown = g_strdup_printf ("%" G_GINT64_FORMAT, if_match);
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("The version a command is based on is 0 or more, or -1 for none, not %s"),
               shown);
  return FALSE;
}

static gboolean
check_summary (const char  *summary,
               GError     **error)
{
  if (summary != NULL && g_utf8_validate (summary, -1, NULL))
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("A command needs a summary in valid UTF-8 text"));
  return FALSE;
}

/**
 * dozor_outbox_add:
 * @self: a #DozorOutbox
 * @method: "POST", "PATCH", "PUT" or "DELETE"
 * @path: where the request goes, below /api/v1/, such as "dispatches" or
 *   "incidents/UUID"; no "..", no leading "/", no query
 * @body: (nullable): the request's JSON text, at most
 *   %DOZOR_OUTBOX_MAX_BODY bytes of UTF-8
 * @if_match: the version the command is based on, sent as If-Match, or -1
 *   for none
 * @summary: what the user asked for, in words, for messages about it
 * @error: return location for a #GError
 *
 * Puts a command at the end of the queue with a new Idempotency-Key. When
 * this returns the command is committed and synced to disk: killing the
 * board, or the power going, does not lose it.
 *
 * Arguments that break the rules above give %G_IO_ERROR_INVALID_ARGUMENT.
 * A full disk gives %G_IO_ERROR_NO_SPACE; the commands already waiting are
 * kept either way.
 *
 * Returns: (transfer full): the new entry, or %NULL with @error set
 */
DozorOutboxEntry *
dozor_outbox_add (DozorOutbox  *self,
                  const char   *method,
                  const char   *path,
                  const char   *body,
                  gint64        if_match,
                  const char   *summary,
                  GError      **error)
{
  g_autoptr(DozorOutboxEntry) entry = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_method (method, error) ||
      !check_path (path, error) ||
      !check_body (body, error) ||
      !check_if_match (if_match, error) ||
      !check_summary (summary, error))
    return NULL;

  entry = g_new0 (DozorOutboxEntry, 1);
  entry->key = g_uuid_string_random ();
  entry->method = g_strdup (method);
  entry->path = g_strdup (path);
  entry->body = g_strdup (body);
  entry->if_match = if_match;
  entry->summary = g_strdup (summary);
  entry->created_at = g_get_real_time ();
  entry->attempts = 0;

  /* Taken before the statement is made, so the statement is finalized
   * before it is let go. */
  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO outbox"
                           " (key, method, path, body, if_match, summary, created_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, entry->key, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, entry->method, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, entry->path, -1, SQLITE_STATIC);
      if (entry->body != NULL)
        sqlite3_bind_text (stmt, 4, entry->body, -1, SQLITE_STATIC);
      else
        sqlite3_bind_null (stmt, 4);
      if (entry->if_match >= 0)
        sqlite3_bind_int64 (stmt, 5, entry->if_match);
      else
        sqlite3_bind_null (stmt, 5);
      sqlite3_bind_text (stmt, 6, entry->summary, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, entry->created_at);

      /* Outside a transaction SQLite commits before the step returns
       * SQLITE_DONE, and with synchronous=FULL the commit is synced. */
      rc = sqlite3_step (stmt);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, OPERATION_ADD, rc, error);
      return NULL;
    }

  entry->id = sqlite3_last_insert_rowid (self->db);

  return g_steal_pointer (&entry);
}

static DozorOutboxEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  DozorOutboxEntry *entry = g_new0 (DozorOutboxEntry, 1);
  const char *summary = (const char *) sqlite3_column_text (stmt, 6);

  entry->id = sqlite3_column_int64 (stmt, 0);
  entry->key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  entry->method = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  entry->path = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  entry->body = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  if (sqlite3_column_type (stmt, 5) == SQLITE_NULL)
    entry->if_match = -1;
  else
    entry->if_match = sqlite3_column_int64 (stmt, 5);
  /* It goes into labels, which refuse text that is not UTF-8; SQLite
   * gives back whatever bytes were put in the file. */
  entry->summary = summary != NULL ? g_utf8_make_valid (summary, -1) : g_strdup ("");
  entry->created_at = sqlite3_column_int64 (stmt, 7);
  entry->attempts = (guint) CLAMP (sqlite3_column_int64 (stmt, 8), 0, G_MAXUINT);

  return entry;
}

/* The oldest @limit entries, or all with -1. */
static GPtrArray *
select_entries (DozorOutbox  *self,
                int           limit,
                GError      **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_outbox_entry_free);

  locker = g_mutex_locker_new (&self->lock);

  /* One statement is one read transaction: another board adding or
   * removing meanwhile never leaves half a list. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT " ENTRY_COLUMNS " FROM outbox ORDER BY id LIMIT ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        g_ptr_array_add (entries, entry_from_row (stmt));
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, OPERATION_READ, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/**
 * dozor_outbox_list:
 * @self: a #DozorOutbox
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DozorOutboxEntry): every entry
 *   still waiting, oldest first, or %NULL with @error set; the array frees
 *   its entries
 */
GPtrArray *
dozor_outbox_list (DozorOutbox  *self,
                   GError      **error)
{
  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return select_entries (self, -1, error);
}

/**
 * dozor_outbox_peek:
 * @self: a #DozorOutbox
 * @error: return location for a #GError
 *
 * The entry to send next. It stays in the queue until
 * [method@Dozor.Outbox.remove].
 *
 * Returns: (transfer full) (nullable): the oldest entry, or %NULL: with
 *   @error unset when the queue is empty, with it set when the file could
 *   not be read
 */
DozorOutboxEntry *
dozor_outbox_peek (DozorOutbox  *self,
                   GError      **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = select_entries (self, 1, error);
  if (entries == NULL || entries->len == 0)
    return NULL;

  return g_ptr_array_steal_index (entries, 0);
}

/**
 * dozor_outbox_mark_attempt:
 * @self: a #DozorOutbox
 * @id: the entry's id
 * @error: return location for a #GError
 *
 * Counts one more attempt to send the entry. Call it before the request
 * goes out: an entry that shows attempts after a crash may have reached the
 * server, which the Idempotency-Key makes harmless.
 *
 * %G_IO_ERROR_NOT_FOUND means the entry is no longer waiting (another board
 * on the same file has sent it): do not send it.
 *
 * Returns: %TRUE once the attempt is on disk, or %FALSE with @error set
 */
gboolean
dozor_outbox_mark_attempt (DozorOutbox  *self,
                           gint64        id,
                           GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, OPERATION_MARK, rc, error);
      return FALSE;
    }

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The command is no longer waiting in “%s”: it has been sent or removed"),
                   self->display_name);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_outbox_remove:
 * @self: a #DozorOutbox
 * @id: the entry's id
 * @error: return location for a #GError
 *
 * Takes an entry out of the queue once the server has answered it, with
 * success or with a refusal; either way it is not to be sent again. An
 * entry that is already gone is not an error.
 *
 * Returns: %TRUE once the entry is gone from the file, or %FALSE with
 *   @error set
 */
gboolean
dozor_outbox_remove (DozorOutbox  *self,
                     gint64        id,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db, "DELETE FROM outbox WHERE id = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
    }

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (self, OPERATION_REMOVE, rc, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_outbox_count:
 * @self: a #DozorOutbox
 *
 * How many commands are waiting, for a badge or a status line. A file that
 * cannot be read counts as empty here; [method@Dozor.Outbox.list] tells
 * why.
 *
 * Returns: the number of entries
 */
guint
dozor_outbox_count (DozorOutbox *self)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), 0);

  locker = g_mutex_locker_new (&self->lock);

  rc = sqlite3_prepare_v2 (self->db, "SELECT count(*) FROM outbox", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      g_debug ("%s: cannot count the commands: %s", self->display_name, sqlite3_errmsg (self->db));
      return 0;
    }

  return (guint) CLAMP (sqlite3_column_int64 (stmt, 0), 0, G_MAXUINT);
}

/**
 * dozor_outbox_get_path:
 * @self: a #DozorOutbox
 *
 * Returns: (type filename): the file the outbox was opened from
 */
const char *
dozor_outbox_get_path (DozorOutbox *self)
{
  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), NULL);

  return self->path;
}

/**
 * dozor_outbox_set_max_pages:
 * @self: a #DozorOutbox
 * @max_pages: the largest size of the file, in database pages
 *
 * For tests: caps the file's size as a full disk would, for this object
 * only, until it is closed. SQLite never sets the cap below the pages the
 * file already has.
 *
 * Returns: the cap now in force, or -1 if it could not be set
 */
gint64
dozor_outbox_set_max_pages (DozorOutbox *self,
                            gint64       max_pages)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *sql = NULL;

  g_return_val_if_fail (DOZOR_IS_OUTBOX (self), -1);
  g_return_val_if_fail (max_pages > 0, -1);

  /* A PRAGMA takes no bound parameters. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_pages);

  locker = g_mutex_locker_new (&self->lock);

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK ||
      sqlite3_step (stmt) != SQLITE_ROW)
    return -1;

  return sqlite3_column_int64 (stmt, 0);
}
