/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Files for the tests of the board's own SQLite files (the situation
 * cache, the command outbox, MBTiles): made by something else than the
 * class under test, damaged, or checked to be left as they were.
 */
#pragma once

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close)

static inline GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static inline void
write_file (const char   *path,
            const guint8 *data,
            gsize         length)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, (const char *) data, (gssize) length, &error);
  g_assert_no_error (error);
}

static inline void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* A database made by something else than the class under test, at @path. */
static inline void
make_database (const char *path,
               const char *sql)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(sqlite3) db = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                   ==, SQLITE_OK);
  exec_sql (db, sql);
}

/* Opening @path with @open fails with @code, says which file, and leaves
 * it as it was: no byte changed, no log or journal left beside it. */
static inline void
assert_open_refused (const char *path,
                     gpointer  (*open) (const char  *path,
                                        GError     **error),
                     int         code)
{
  g_autoptr(GBytes) before = read_file (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  gpointer opened = open (path, &error);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);

  g_assert_null (opened);
  g_assert_error (error, G_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));

  after = read_file (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

/* Files that are not databases at all, each refused by @open. */
static inline void
assert_garbage_refused (const char *path,
                        gpointer  (*open) (const char  *path,
                                           GError     **error))
{
  guint8 garbage[3000];
  static const guint8 short_text[] = "hello";
  g_autoptr(GByteArray) damaged = g_byte_array_new ();

  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (guint8) g_test_rand_int_range (0, 256);
  /* Not by chance a database. */
  garbage[0] = 'X';

  write_file (path, garbage, sizeof garbage);
  assert_open_refused (path, open, G_IO_ERROR_INVALID_DATA);

  /* Shorter than SQLite's own header. */
  write_file (path, short_text, sizeof short_text - 1);
  assert_open_refused (path, open, G_IO_ERROR_INVALID_DATA);

  /* SQLite's header, then nothing that makes sense. */
  g_byte_array_append (damaged, (const guint8 *) "SQLite format 3", 16);
  g_byte_array_append (damaged, garbage, sizeof garbage);
  write_file (path, damaged->data, damaged->len);
  assert_open_refused (path, open, G_IO_ERROR_INVALID_DATA);
}

/* Another program's database, refused by @open and left as it was. */
static inline void
assert_another_program_refused (const char *path,
                                gpointer  (*open) (const char  *path,
                                                   GError     **error))
{
  make_database (path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                       "INSERT INTO notes (text) VALUES ('не трогать');");
  assert_open_refused (path, open, G_IO_ERROR_INVALID_DATA);
}
