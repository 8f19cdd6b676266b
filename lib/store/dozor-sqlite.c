/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the board's SQLite files have in common: the outbox, the situation
 * cache and the MBTiles reader all open files that anything may have been
 * left under, and all must end in a message naming the file, never in a
 * crash or a changed file.
 *
 * Nothing here names a file or says what was being done: the errors carry
 * only the file system's or SQLite's words, and each caller puts them in a
 * message of its own. That is also why nothing here is translatable.
 */
#include "config.h"

#include "dozor-sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The first 16 bytes of every SQLite database, terminating NUL included. */
#define SQLITE_HEADER "SQLite format 3"

G_DEFINE_QUARK (dozor-sqlite-error-quark, dozor_sqlite_error)

/**
 * dozor_sqlite_io_error:
 * @rc: an SQLite result code, primary or extended
 *
 * Returns: the #GIOErrorEnum code for @rc: %G_IO_ERROR_NO_SPACE for a full
 *   disk, %G_IO_ERROR_READ_ONLY, %G_IO_ERROR_BUSY for a lock held too long,
 *   %G_IO_ERROR_INVALID_DATA for damage, %G_IO_ERROR_FAILED otherwise
 */
GIOErrorEnum
dozor_sqlite_io_error (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
      return G_IO_ERROR_NO_SPACE;

    case SQLITE_READONLY:
      return G_IO_ERROR_READ_ONLY;

    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return G_IO_ERROR_BUSY;

    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return G_IO_ERROR_INVALID_DATA;

    default:
      return G_IO_ERROR_FAILED;
    }
}

/**
 * dozor_sqlite_error_io_code:
 * @error: an error from one of the functions here
 *
 * Returns: the #GIOErrorEnum code for @error: its own code in the
 *   %G_IO_ERROR domain, the one [func@Dozor.sqlite_io_error] gives for
 *   SQLite's in the %DOZOR_SQLITE_ERROR domain
 */
GIOErrorEnum
dozor_sqlite_error_io_code (const GError *error)
{
  g_return_val_if_fail (error != NULL, G_IO_ERROR_FAILED);

  if (error->domain == DOZOR_SQLITE_ERROR)
    return dozor_sqlite_io_error (error->code);

  if (error->domain == G_IO_ERROR)
    return error->code;

  return G_IO_ERROR_FAILED;
}

/**
 * dozor_sqlite_set_error:
 * @error: return location for a #GError
 * @db: (nullable): the connection that failed, or %NULL if there is none
 * @rc: what SQLite returned
 *
 * Sets @error in the %DOZOR_SQLITE_ERROR domain. Call it straight after the
 * failure, before anything else on @db replaces its message.
 */
void
dozor_sqlite_set_error (GError  **error,
                        sqlite3  *db,
                        int       rc)
{
  g_set_error_literal (error, DOZOR_SQLITE_ERROR, rc,
                       db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

static void
set_errno_error (GError **error,
                 int      saved_errno)
{
  g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       g_strerror (saved_errno));
}

/**
 * dozor_sqlite_check_file:
 * @path: (type filename): an existing file
 * @allow_empty: whether an empty file passes, as SQLite takes it for an
 *   empty database
 * @error: return location for a #GError
 *
 * Looks at a file before SQLite sees it. SQLite would take a file of another
 * kind for a database until its first read, and a leftover hot journal
 * beside it could be played back into the user's file; a FIFO would block
 * the caller for good.
 *
 * A file that is not an SQLite database gives %SQLITE_NOTADB in the
 * %DOZOR_SQLITE_ERROR domain; one that cannot be read, or is not a regular
 * file, an error in the %G_IO_ERROR domain.
 *
 * Returns: %TRUE if SQLite may open @path
 */
gboolean
dozor_sqlite_check_file (const char  *path,
                         gboolean     allow_empty,
                         GError     **error)
{
  char header[sizeof SQLITE_HEADER];
  GStatBuf st;
  gsize got = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_set_error_literal (error, G_IO_ERROR,
                           S_ISDIR (st.st_mode) ? G_IO_ERROR_IS_DIRECTORY
                                                : G_IO_ERROR_NOT_REGULAR_FILE,
                           S_ISDIR (st.st_mode) ? g_strerror (EISDIR)
                                                : sqlite3_errstr (SQLITE_CANTOPEN));
      return FALSE;
    }

  if (st.st_size == 0 && allow_empty)
    return TRUE;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  while (got < sizeof header)
    {
      ssize_t n = read (fd, header + got, sizeof header - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  g_close (fd, NULL);

  if (got < sizeof header || memcmp (header, SQLITE_HEADER, sizeof header) != 0)
    {
      dozor_sqlite_set_error (error, NULL, SQLITE_NOTADB);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_sqlite_prepare_private_file:
 * @path: (type filename): the database file
 * @error: return location for a #GError
 *
 * Makes @path, and its folders, readable by the user alone if it is
 * missing, or checks it with [func@Dozor.sqlite_check_file] if it is there;
 * an empty file passes.
 *
 * The file is made here rather than by SQLite, which would make it readable
 * by every user (0644 less the umask). SQLite gives the -wal and -shm files
 * beside it the database's own mode, so they stay private too.
 *
 * Returns: %TRUE if @path may be opened with
 *   %DOZOR_SQLITE_OPEN_READ_WRITE, or %FALSE with @error set as by
 *   [func@Dozor.sqlite_check_file]
 */
gboolean
dozor_sqlite_prepare_private_file (const char  *path,
                                   GError     **error)
{
  g_autofree char *dir = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      g_close (fd, NULL);
      return TRUE;
    }

  if (errno != EEXIST)
    {
      set_errno_error (error, errno);
      return FALSE;
    }

  return dozor_sqlite_check_file (path, TRUE, error);
}

/* As a URI, so that SQLite (Debian builds it with SQLITE_USE_URI) cannot
 * read a file name beginning with "file:" or holding "?" as parameters. */
static char *
path_to_uri (const char          *path,
             DozorSqliteOpenMode  mode)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", FALSE);
  const char *query = mode == DOZOR_SQLITE_OPEN_READ_ONLY ? "?mode=ro" : "";

  if (g_path_is_absolute (path))
    return g_strconcat ("file://", escaped, query, NULL);

  /* SQLite resolves a relative URI against the working directory, exactly
   * as it would a plain path. */
  return g_strconcat ("file:", escaped, query, NULL);
}

/**
 * dozor_sqlite_open:
 * @path: (type filename): the database file, checked beforehand
 * @mode: whether the file is written
 * @busy_timeout_ms: how long a statement waits for another connection's
 *   lock
 * @db: (out): the connection, for every thread
 * @error: return location for a #GError
 *
 * Opens @path with extended result codes and in defensive mode: the file
 * lives where other programs can write too, and a view or trigger put into
 * it may not call functions with side effects.
 *
 * With %DOZOR_SQLITE_OPEN_READ_WRITE a file that may only be read fails
 * with %SQLITE_READONLY: SQLite would fall back to reading it, which would
 * only show up at the first write.
 *
 * Returns: %TRUE with @db set, or %FALSE with @db %NULL and @error set in
 *   the %DOZOR_SQLITE_ERROR domain
 */
gboolean
dozor_sqlite_open (const char           *path,
                   DozorSqliteOpenMode   mode,
                   int                   busy_timeout_ms,
                   sqlite3             **db,
                   GError              **error)
{
  g_autofree char *uri = NULL;
  int flags = SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_URI;
  int rc;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (db != NULL && *db == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Read-only files are never created: a typo in a path must not leave an
   * empty database behind that opens "successfully" next time. */
  if (mode == DOZOR_SQLITE_OPEN_READ_ONLY)
    flags |= SQLITE_OPEN_READONLY;
  else
    flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

  uri = path_to_uri (path, mode);
  rc = sqlite3_open_v2 (uri, db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      dozor_sqlite_set_error (error, *db, rc);
      g_clear_pointer (db, sqlite3_close);
      return FALSE;
    }

  sqlite3_extended_result_codes (*db, TRUE);
  sqlite3_busy_timeout (*db, busy_timeout_ms);
  sqlite3_db_config (*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);

  if (mode == DOZOR_SQLITE_OPEN_READ_WRITE && sqlite3_db_readonly (*db, "main") == 1)
    {
      dozor_sqlite_set_error (error, NULL, SQLITE_READONLY);
      g_clear_pointer (db, sqlite3_close);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_sqlite_exec:
 * @db: a connection
 * @sql: statements without results
 * @error: return location for a #GError
 *
 * Returns: %TRUE if every statement ran, or %FALSE with @error set in the
 *   %DOZOR_SQLITE_ERROR domain
 */
gboolean
dozor_sqlite_exec (sqlite3     *db,
                   const char  *sql,
                   GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_sqlite_query_int:
 * @db: a connection
 * @sql: a query whose first row's first column is a number
 * @value: (out): that number
 * @error: return location for a #GError (%DOZOR_SQLITE_ERROR)
 *
 * Returns: whether the query gave a row
 */
gboolean
dozor_sqlite_query_int (sqlite3     *db,
                        const char  *sql,
                        gint64      *value,
                        GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }

  *value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Exactly the columns this version made, by name, type and NOT NULL: a
 * write into any other table would fail, or worse, succeed and be read
 * back wrong. */
static gboolean
check_columns (sqlite3                  *db,
               const DozorSqliteSchema  *schema,
               DozorSqliteSchemaCheck   *result,
               GError                  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  guint found = 0;
  guint seen = 0;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT c.name, c.type, c.\"notnull\", c.pk FROM sqlite_schema s,"
                           " pragma_table_info (s.name) c"
                           " WHERE s.type = 'table' AND s.name = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, schema->table, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 0);
          const char *type = (const char *) sqlite3_column_text (stmt, 1);
          gboolean not_null = sqlite3_column_int (stmt, 2) != 0;
          gboolean primary_key = sqlite3_column_int (stmt, 3) != 0;

          seen++;
          for (guint i = 0; i < schema->n_columns; i++)
            if (name != NULL && type != NULL &&
                g_ascii_strcasecmp (name, schema->columns[i].name) == 0 &&
                g_ascii_strcasecmp (type, schema->columns[i].type) == 0 &&
                not_null == schema->columns[i].not_null &&
                primary_key == (i == 0))
              found |= 1u << i;
        }
    }

  if (rc != SQLITE_DONE)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }

  if (seen == 0)
    *result = DOZOR_SQLITE_SCHEMA_NO_TABLE;
  else if (seen != schema->n_columns || found != (1u << schema->n_columns) - 1)
    *result = DOZOR_SQLITE_SCHEMA_OTHER_COLUMNS;
  else
    *result = DOZOR_SQLITE_SCHEMA_OURS;

  return TRUE;
}

static gboolean
check_schema_locked (sqlite3                  *db,
                     const DozorSqliteSchema  *schema,
                     DozorSqliteSchemaCheck   *result,
                     gint64                   *version,
                     GError                  **error)
{
  gint64 objects;

  if (!dozor_sqlite_query_int (db, "PRAGMA user_version", version, error) ||
      !dozor_sqlite_query_int (db, "SELECT count(*) FROM sqlite_schema", &objects, error))
    return FALSE;

  if (*version == 0 && objects == 0)
    {
      *result = DOZOR_SQLITE_SCHEMA_OURS;
      return dozor_sqlite_exec (db, schema->create, error);
    }

  /* Some other program's database: it is not ours to add tables to. */
  if (*version <= 0)
    {
      *result = DOZOR_SQLITE_SCHEMA_FOREIGN;
      return TRUE;
    }

  /* A later version may have changed what a row means: the file is that
   * version's to write. */
  if (*version > schema->version)
    {
      *result = DOZOR_SQLITE_SCHEMA_NEWER;
      return TRUE;
    }

  return check_columns (db, schema, result, error);
}

/**
 * dozor_sqlite_check_schema:
 * @db: a connection opened with %DOZOR_SQLITE_OPEN_READ_WRITE
 * @schema: the layout to find
 * @result: (out): what the file holds
 * @version: (out): the file's PRAGMA user_version
 * @error: return location for a #GError
 *
 * Makes @schema in an empty file, or checks that a file has it. Everything
 * happens in one transaction with the write lock: two boards opening a new
 * file at once must not both make the table. Anything but
 * %DOZOR_SQLITE_SCHEMA_OURS leaves the file as it was.
 *
 * Returns: %TRUE with @result set, or %FALSE with @error set in the
 *   %DOZOR_SQLITE_ERROR domain if SQLite failed
 */
gboolean
dozor_sqlite_check_schema (sqlite3                  *db,
                           const DozorSqliteSchema  *schema,
                           DozorSqliteSchemaCheck   *result,
                           gint64                   *version,
                           GError                  **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (schema != NULL && schema->version > 0, FALSE);
  g_return_val_if_fail (schema->n_columns > 0 && schema->n_columns <= 32, FALSE);
  g_return_val_if_fail (result != NULL && version != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!dozor_sqlite_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (!check_schema_locked (db, schema, result, version, error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  if (*result != DOZOR_SQLITE_SCHEMA_OURS)
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return TRUE;
    }

  if (!dozor_sqlite_exec (db, "COMMIT", error))
    {
      sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_sqlite_use_wal:
 * @db: a connection to a file known to be the caller's
 * @display_name: the file's name, for the debug log
 * @error: return location for a #GError
 *
 * Switches to the write-ahead log, which lets a reader on one thread or
 * board go on while another writes, and leaves a write that is cut off as
 * frames never committed, which the next opener ignores. Only once the file
 * is known to be the caller's: switching rewrites the header. A file system
 * without WAL (some network mounts) keeps the rollback journal, which is as
 * safe, only slower.
 *
 * Returns: %TRUE unless SQLite failed, with @error set in the
 *   %DOZOR_SQLITE_ERROR domain
 */
gboolean
dozor_sqlite_use_wal (sqlite3     *db,
                      const char  *display_name,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc != SQLITE_ROW)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    g_debug ("%s: journal mode stays %s", display_name,
             (const char *) sqlite3_column_text (stmt, 0));

  return TRUE;
}

/**
 * dozor_sqlite_copy:
 * @source: a database, possibly in use by another process
 * @target: the database to overwrite; made if missing
 * @error: return location for a #GError
 *
 * Copies @source page by page with SQLite's online backup API: a consistent
 * snapshot even while a server writes to @source (WAL readers do not block
 * writers), and @target replaced in one transaction, so a connection to it
 * sees either the old database or the new one, and its WAL stays coherent.
 * The copy is then checked with PRAGMA integrity_check.
 *
 * Returns: whether @target now holds a sound copy of @source
 */
gboolean
dozor_sqlite_copy (const char  *source,
                   const char  *target,
                   GError     **error)
{
  sqlite3 *from = NULL;
  sqlite3 *to = NULL;
  sqlite3_backup *backup;
  gboolean ok = FALSE;
  int rc;

  if (!dozor_sqlite_open (source, DOZOR_SQLITE_OPEN_READ_ONLY, 5000, &from, error) ||
      !dozor_sqlite_open (target, DOZOR_SQLITE_OPEN_READ_WRITE, 5000, &to, error))
    goto out;

  backup = sqlite3_backup_init (to, "main", from, "main");
  if (backup == NULL)
    {
      dozor_sqlite_set_error (error, to, sqlite3_errcode (to));
      goto out;
    }

  /* One step takes one read transaction on @source: a snapshot that a
   * writer cannot make restart. A busy @target is waited for. */
  while ((rc = sqlite3_backup_step (backup, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
    sqlite3_sleep (50);
  sqlite3_backup_finish (backup);
  if (rc != SQLITE_DONE)
    {
      dozor_sqlite_set_error (error, NULL, rc);
      goto out;
    }

  ok = dozor_sqlite_check_integrity (to, error);

out:
  sqlite3_close (from);
  sqlite3_close (to);
  return ok;
}

/**
 * dozor_sqlite_check_integrity:
 * @db: a connection
 * @error: return location for a #GError
 *
 * Returns: whether PRAGMA integrity_check finds the file sound
 */
gboolean
dozor_sqlite_check_integrity (sqlite3  *db,
                              GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);

  if (rc != SQLITE_OK || (rc = sqlite3_step (stmt)) != SQLITE_ROW)
    {
      dozor_sqlite_set_error (error, db, rc);
      return FALSE;
    }

  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, DOZOR_SQLITE_ERROR, SQLITE_CORRUPT, _("the database is damaged: %s"),
                   (const char *) sqlite3_column_text (stmt, 0));
      return FALSE;
    }
  return TRUE;
}

/**
 * dozor_sqlite_lock_owner:
 * @path: a database file
 * @error: return location for a #GError
 *
 * Takes the lock that says one process owns @path (dozord while it
 * serves; a restore while it replaces the file), on `PATH.lock` beside it.
 * The lock goes with the process, also when it is killed.
 *
 * Returns: a file descriptor to keep open while owning @path, or -1 with
 *   %G_IO_ERROR_BUSY when another process owns it
 */
int
dozor_sqlite_lock_owner (const char  *path,
                         GError     **error)
{
  g_autofree char *lock_path = g_strconcat (path, ".lock", NULL);
  int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", lock_path,
                   g_strerror (saved_errno));
      return -1;
    }

  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("another process (dozord?) is using %s"), path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", lock_path,
                     g_strerror (saved_errno));
      return -1;
    }

  return fd;
}
