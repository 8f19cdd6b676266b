/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "dozor-outbox.h"
#include "test-sqlite-files.h"

#define CHILD_ADD "--child-add"
#define N_CHILDREN 5

/* This program, run again as a child that is killed mid-way. */
static char *self_exe;

/* Where the board keeps it: in the data folder, which
 * G_TEST_OPTION_ISOLATE_DIRS makes new, and removes, for every test. The
 * folder below it does not exist yet. */
static char *
outbox_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "dozor", "outbox.sqlite", NULL);
}

static DozorOutbox *
open_outbox (const char *path)
{
  g_autoptr(GError) error = NULL;
  DozorOutbox *outbox = dozor_outbox_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outbox);
  return outbox;
}

static DozorOutboxEntry *
add (DozorOutbox *outbox,
     const char  *method,
     const char  *path,
     const char  *body,
     gint64       if_match,
     const char  *summary)
{
  g_autoptr(GError) error = NULL;
  DozorOutboxEntry *entry = NULL;

  entry = dozor_outbox_add (outbox, method, path, body, if_match, summary, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  return entry;
}

static GPtrArray *
list (DozorOutbox *outbox)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = dozor_outbox_list (outbox, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

static GPtrArray *
new_entries (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_outbox_entry_free);
}

static DozorOutboxEntry *
entry_at (GPtrArray *entries,
          guint      i)
{
  return g_ptr_array_index (entries, i);
}

static void
assert_same_entry (const DozorOutboxEntry *found,
                   const DozorOutboxEntry *expected)
{
  g_assert_cmpint (found->id, ==, expected->id);
  g_assert_cmpstr (found->key, ==, expected->key);
  g_assert_cmpstr (found->method, ==, expected->method);
  g_assert_cmpstr (found->path, ==, expected->path);
  g_assert_cmpstr (found->body, ==, expected->body);
  g_assert_cmpint (found->if_match, ==, expected->if_match);
  g_assert_cmpstr (found->summary, ==, expected->summary);
  g_assert_cmpint (found->created_at, ==, expected->created_at);
  g_assert_cmpuint (found->attempts, ==, expected->attempts);
}

static gpointer
open_outbox_file (const char  *path,
                  GError     **error)
{
  return dozor_outbox_open (path, error);
}

static void
assert_refused (const char *path,
                int         code)
{
  assert_open_refused (path, open_outbox_file, code);
}

static void
assert_add_refused (DozorOutbox *outbox,
                    const char  *method,
                    const char  *path,
                    const char  *body,
                    gint64       if_match,
                    const char  *summary)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorOutboxEntry) entry =
    dozor_outbox_add (outbox, method, path, body, if_match, summary, &error);

  g_assert_null (entry);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static void
test_add_and_list (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(GPtrArray) added = new_entries ();
  g_autoptr(GPtrArray) entries = NULL;
  gint64 before = g_get_real_time ();
  gint64 after;

  g_assert_cmpstr (dozor_outbox_get_path (outbox), ==, path);
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 0);

  g_ptr_array_add (added, add (outbox, "POST", "dispatches",
                               "{\"unit_id\":\"b7e0\",\"incident_id\":\"9c41\"}", -1,
                               "Dispatch Беркут-12 to 20261201-0003"));
  g_ptr_array_add (added, add (outbox, "PATCH", "incidents/9c41", "{\"status\":\"closed\"}", 7,
                               "Закрыть происшествие 20261201-0003"));
  g_ptr_array_add (added, add (outbox, "DELETE", "zones/41d2", NULL, -1,
                               "Аймақты жою: Медеу"));
  after = g_get_real_time ();

  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 3);

  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, 3);
  for (guint i = 0; i < entries->len; i++)
    {
      DozorOutboxEntry *entry = entry_at (entries, i);

      assert_same_entry (entry, entry_at (added, i));
      g_assert_true (g_uuid_string_is_valid (entry->key));
      g_assert_cmpint (entry->created_at, >=, before);
      g_assert_cmpint (entry->created_at, <=, after);
      g_assert_cmpuint (entry->attempts, ==, 0);
      if (i > 0)
        {
          g_assert_cmpint (entry->id, >, entry_at (entries, i - 1)->id);
          g_assert_cmpint (entry->created_at, >=, entry_at (entries, i - 1)->created_at);
        }
    }

  g_assert_cmpstr (entry_at (entries, 0)->summary, ==, "Dispatch Беркут-12 to 20261201-0003");
  g_assert_cmpint (entry_at (entries, 0)->if_match, ==, -1);
  g_assert_cmpint (entry_at (entries, 1)->if_match, ==, 7);
  g_assert_cmpstr (entry_at (entries, 1)->method, ==, "PATCH");
  g_assert_null (entry_at (entries, 2)->body);
  g_assert_cmpstr (entry_at (entries, 2)->path, ==, "zones/41d2");

  g_assert_cmpstr (entry_at (entries, 0)->key, !=, entry_at (entries, 1)->key);
  g_assert_cmpstr (entry_at (entries, 0)->key, !=, entry_at (entries, 2)->key);
  g_assert_cmpstr (entry_at (entries, 1)->key, !=, entry_at (entries, 2)->key);
}

static void
test_peek (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(DozorOutboxEntry) first = NULL;
  g_autoptr(DozorOutboxEntry) second = NULL;
  g_autoptr(DozorOutboxEntry) peeked = NULL;
  g_autoptr(GError) error = NULL;

  /* Nothing waiting is not an error. */
  peeked = dozor_outbox_peek (outbox, &error);
  g_assert_no_error (error);
  g_assert_null (peeked);

  first = add (outbox, "POST", "incidents", "{}", -1, "Новое происшествие");
  second = add (outbox, "POST", "units", "{}", -1, "Жаңа жасақ");

  peeked = dozor_outbox_peek (outbox, &error);
  g_assert_no_error (error);
  assert_same_entry (peeked, first);
  g_clear_pointer (&peeked, dozor_outbox_entry_free);

  /* Peeking takes nothing out. */
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 2);

  g_assert_true (dozor_outbox_remove (outbox, first->id, &error));
  g_assert_no_error (error);
  peeked = dozor_outbox_peek (outbox, &error);
  g_assert_no_error (error);
  assert_same_entry (peeked, second);
}

static void
test_reopen_and_remove (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(GPtrArray) added = new_entries ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(DozorOutboxEntry) later = NULL;
  g_autoptr(GError) error = NULL;
  gint64 last_id;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *summary = g_strdup_printf ("Команда %u", i);

      g_ptr_array_add (added, add (outbox, "POST", "incidents", "{\"type\":\"theft\"}", -1,
                                   summary));
    }

  /* Closed as the board closes, then opened as it starts again. */
  g_clear_object (&outbox);
  outbox = open_outbox (path);

  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 4);
  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, 4);
  for (guint i = 0; i < entries->len; i++)
    assert_same_entry (entry_at (entries, i), entry_at (added, i));
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* The second is answered: exactly it leaves. */
  g_assert_true (dozor_outbox_remove (outbox, entry_at (added, 1)->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 3);

  /* Removing it again is no error and takes nothing else. */
  g_assert_true (dozor_outbox_remove (outbox, entry_at (added, 1)->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 3);

  g_clear_object (&outbox);
  outbox = open_outbox (path);
  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, 3);
  assert_same_entry (entry_at (entries, 0), entry_at (added, 0));
  assert_same_entry (entry_at (entries, 1), entry_at (added, 2));
  assert_same_entry (entry_at (entries, 2), entry_at (added, 3));
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* With the newest gone, the next command still gets a new id: an id a
   * sender holds never comes to mean another command. */
  last_id = entry_at (added, 3)->id;
  g_assert_true (dozor_outbox_remove (outbox, last_id, &error));
  g_assert_no_error (error);
  later = add (outbox, "POST", "incidents", NULL, -1, "Ещё одна");
  g_assert_cmpint (later->id, >, last_id);

  for (guint i = 0; i < added->len; i++)
    {
      g_assert_true (dozor_outbox_remove (outbox, entry_at (added, i)->id, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 1);
  g_assert_true (dozor_outbox_remove (outbox, later->id, &error));
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 0);
}

/* The child: adds one command, says its key, and is killed at once, with
 * the file open and nothing closed or checkpointed. */
static int
child_add (const char *path,
           const char *summary)
{
  g_autoptr(GError) error = NULL;
  DozorOutbox *outbox = dozor_outbox_open (path, &error);
  DozorOutboxEntry *entry;

  if (outbox == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  entry = dozor_outbox_add (outbox, "POST", "dispatches", "{\"unit_id\":\"b7e0\"}", -1, summary,
                            &error);
  if (entry == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("%s\n", entry->key);
  fflush (stdout);
  raise (SIGKILL);

  return 1;
}

static void
test_killed_process (void)
{
  g_autofree char *path = outbox_path ();
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(DozorOutbox) outbox = NULL;
  g_autoptr(GPtrArray) entries = NULL;

  for (guint i = 0; i < N_CHILDREN; i++)
    {
      g_autofree char *summary = g_strdup_printf ("Направить Беркут-%u", i + 1);
      const char *argv[] = { self_exe, CHILD_ADD, path, summary, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                    &error);
      g_assert_no_error (error);
      if (err != NULL && *err != '\0')
        g_test_message ("child: %s", err);

      /* Killed, not exited: no destructor, no close, no checkpoint ran. */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
      g_assert_true (g_uuid_string_is_valid (g_strstrip (out)));
      g_ptr_array_add (keys, g_steal_pointer (&out));

      /* The command is only in the write-ahead log, which the next
       * opener has to recover from. */
      g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

      outbox = open_outbox (path);
      entries = list (outbox);
      g_assert_cmpuint (entries->len, ==, i + 1);
      g_assert_cmpstr (entry_at (entries, i)->key, ==, g_ptr_array_index (keys, i));
      g_assert_cmpstr (entry_at (entries, i)->summary, ==, summary);
      g_assert_cmpstr (entry_at (entries, i)->body, ==, "{\"unit_id\":\"b7e0\"}");
      g_clear_pointer (&entries, g_ptr_array_unref);
      g_clear_object (&outbox);
    }

  outbox = open_outbox (path);
  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, N_CHILDREN);
  for (guint i = 0; i < N_CHILDREN; i++)
    {
      g_assert_cmpstr (entry_at (entries, i)->key, ==, g_ptr_array_index (keys, i));
      if (i > 0)
        g_assert_cmpint (entry_at (entries, i)->id, >, entry_at (entries, i - 1)->id);
    }
}

static void
test_private_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "dozor", "board",
                                            "outbox.sqlite", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(DozorOutboxEntry) entry = NULL;
  GStatBuf st;

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* What is written goes through the log first: it is as private. */
  entry = add (outbox, "POST", "incidents", "{\"caller_phone\":\"+77010000000\"}", -1,
               "Новое происшествие");
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_garbage_file (void)
{
  g_autofree char *path = outbox_path ();

  assert_garbage_refused (path, open_outbox_file);
}

static void
test_another_program (void)
{
  g_autofree char *path = outbox_path ();

  assert_another_program_refused (path, open_outbox_file);
}

static void
test_wrong_columns (void)
{
  g_autofree char *path = outbox_path ();

  make_database (path, "CREATE TABLE outbox (id INTEGER PRIMARY KEY, command TEXT);"
                       "PRAGMA user_version = 1;");
  assert_refused (path, G_IO_ERROR_INVALID_DATA);
}

static void
test_newer_version (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(DozorOutboxEntry) entry = add (outbox, "POST", "incidents", "{}", -1, "Из будущего");
  g_autoptr(sqlite3) db = NULL;

  g_clear_object (&outbox);

  /* As a later version would leave it, with a command still waiting. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 2;");
  g_clear_pointer (&db, sqlite3_close);

  assert_refused (path, G_IO_ERROR_NOT_SUPPORTED);
}

static void
test_directory (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorOutbox) outbox = NULL;

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  outbox = dozor_outbox_open (path, &error);
  g_assert_null (outbox);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_bad_arguments (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autofree char *too_long = g_malloc (DOZOR_OUTBOX_MAX_BODY + 2);
  g_autofree char *longest = NULL;
  g_autoptr(DozorOutboxEntry) entry = NULL;

  assert_add_refused (outbox, "GET", "units", NULL, -1, "Список");
  assert_add_refused (outbox, "post", "units", "{}", -1, "Новый");
  assert_add_refused (outbox, NULL, "units", "{}", -1, "Новый");
  assert_add_refused (outbox, "\xff", "units", "{}", -1, "Новый");

  assert_add_refused (outbox, "DELETE", "..", NULL, -1, "Вверх");
  assert_add_refused (outbox, "DELETE", "units/../session", NULL, -1, "Вверх");
  assert_add_refused (outbox, "POST", "", "{}", -1, "Пусто");
  assert_add_refused (outbox, "POST", NULL, "{}", -1, "Пусто");
  assert_add_refused (outbox, "POST", "/units", "{}", -1, "От корня");
  assert_add_refused (outbox, "POST", "units?force=1", "{}", -1, "С запросом");
  assert_add_refused (outbox, "POST", "units list", "{}", -1, "С пробелом");
  assert_add_refused (outbox, "POST", "жасақтар", "{}", -1, "Не ASCII");

  assert_add_refused (outbox, "POST", "units", "{\"call_sign\":\"\xd0\x91\xff\"}", -1,
                      "Битый текст");
  memset (too_long, ' ', DOZOR_OUTBOX_MAX_BODY + 1);
  too_long[DOZOR_OUTBOX_MAX_BODY + 1] = '\0';
  assert_add_refused (outbox, "POST", "units", too_long, -1, "Слишком много");

  assert_add_refused (outbox, "PATCH", "units/b7e0", "{}", -2, "Версия");
  assert_add_refused (outbox, "POST", "units", "{}", -1, NULL);
  assert_add_refused (outbox, "POST", "units", "{}", -1, "\xd0");

  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 0);

  /* The limits themselves are allowed. */
  longest = g_strndup (too_long, DOZOR_OUTBOX_MAX_BODY);
  entry = add (outbox, "PUT", "units/b7e0", longest, 0, "Самый большой");
  g_clear_pointer (&entry, dozor_outbox_entry_free);
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 1);

  g_clear_object (&outbox);
  outbox = open_outbox (path);
  entry = dozor_outbox_peek (outbox, NULL);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->body, ==, longest);
  g_assert_cmpint (entry->if_match, ==, 0);
}

static void
test_mark_attempt (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(DozorOutboxEntry) first = add (outbox, "POST", "dispatches", "{}", -1, "Первая");
  g_autoptr(DozorOutboxEntry) second = add (outbox, "POST", "dispatches", "{}", -1, "Вторая");
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_outbox_mark_attempt (outbox, first->id, &error));
  g_assert_no_error (error);
  g_assert_true (dozor_outbox_mark_attempt (outbox, first->id, &error));
  g_assert_no_error (error);

  entries = list (outbox);
  g_assert_cmpuint (entry_at (entries, 0)->attempts, ==, 2);
  g_assert_cmpuint (entry_at (entries, 1)->attempts, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* As after a crash between the attempt and the answer. */
  g_clear_object (&outbox);
  outbox = open_outbox (path);
  g_assert_true (dozor_outbox_mark_attempt (outbox, second->id, &error));
  g_assert_no_error (error);
  g_clear_object (&outbox);
  outbox = open_outbox (path);

  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_cmpuint (entry_at (entries, 0)->attempts, ==, 2);
  g_assert_cmpuint (entry_at (entries, 1)->attempts, ==, 1);
  /* Nothing else about them changed. */
  g_assert_cmpstr (entry_at (entries, 0)->key, ==, first->key);
  g_assert_cmpstr (entry_at (entries, 1)->key, ==, second->key);

  /* An entry already answered is not to be sent again. */
  g_assert_true (dozor_outbox_remove (outbox, first->id, &error));
  g_assert_no_error (error);
  g_assert_false (dozor_outbox_mark_attempt (outbox, first->id, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, path));
}

static void
test_disk_full (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(GPtrArray) added = new_entries ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(DozorOutboxEntry) entry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_malloc (512 * 1024 + 1);

  memset (big, 'x', 512 * 1024);
  big[512 * 1024] = '\0';

  g_ptr_array_add (added, add (outbox, "POST", "dispatches", "{}", -1, "Направить Беркут-12"));
  g_ptr_array_add (added, add (outbox, "PATCH", "incidents/9c41", "{}", 3, "Жабу 20261201-0003"));

  /* No room for one page more than the file has now. */
  g_assert_cmpint (dozor_outbox_set_max_pages (outbox, 1), >, 0);

  entry = dozor_outbox_add (outbox, "POST", "incidents", big, -1, "Не поместится", &error);
  g_assert_null (entry);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 2);
  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    assert_same_entry (entry_at (entries, i), entry_at (added, i));
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* Reopened, the earlier commands are all there, and once there is room
   * again new ones are saved. */
  g_clear_object (&outbox);
  outbox = open_outbox (path);
  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, 2);
  for (guint i = 0; i < entries->len; i++)
    assert_same_entry (entry_at (entries, i), entry_at (added, i));

  entry = add (outbox, "POST", "incidents", big, -1, "Теперь поместится");
  g_assert_cmpuint (dozor_outbox_count (outbox), ==, 3);
}

/* Two boards on one file see each other's commands. */
static void
test_shared_file (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) one = open_outbox (path);
  g_autoptr(DozorOutbox) other = open_outbox (path);
  g_autoptr(DozorOutboxEntry) entry = add (one, "POST", "incidents", "{}", -1, "С первого пульта");
  g_autoptr(DozorOutboxEntry) seen = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (dozor_outbox_count (other), ==, 1);
  seen = dozor_outbox_peek (other, &error);
  g_assert_no_error (error);
  assert_same_entry (seen, entry);

  g_assert_true (dozor_outbox_remove (other, entry->id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_outbox_count (one), ==, 0);
}

#define N_WRITERS 4
#define ADDS_PER_WRITER 25

static gpointer
add_many (gpointer user_data)
{
  DozorOutbox *outbox = user_data;

  for (guint i = 0; i < ADDS_PER_WRITER; i++)
    {
      g_autoptr(DozorOutboxEntry) entry =
        dozor_outbox_add (outbox, "POST", "incidents", "{}", -1, "Из потока", NULL);

      if (entry == NULL)
        return GINT_TO_POINTER (FALSE);
    }

  return GINT_TO_POINTER (TRUE);
}

/* Workers add while the main thread reads, as the sender and the UI will. */
static void
test_threads (void)
{
  g_autofree char *path = outbox_path ();
  g_autoptr(DozorOutbox) outbox = open_outbox (path);
  g_autoptr(GHashTable) keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) entries = NULL;
  GThread *threads[N_WRITERS];
  guint n_lists = 0;

  for (guint i = 0; i < N_WRITERS; i++)
    threads[i] = g_thread_new ("outbox-writer", add_many, outbox);

  while (dozor_outbox_count (outbox) < N_WRITERS * ADDS_PER_WRITER)
    {
      g_autoptr(GPtrArray) seen = list (outbox);

      for (guint i = 1; i < seen->len; i++)
        g_assert_cmpint (entry_at (seen, i)->id, >, entry_at (seen, i - 1)->id);
      n_lists++;
    }

  for (guint i = 0; i < N_WRITERS; i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));

  g_test_message ("listed %u times while the workers added", n_lists);
  entries = list (outbox);
  g_assert_cmpuint (entries->len, ==, N_WRITERS * ADDS_PER_WRITER);
  for (guint i = 0; i < entries->len; i++)
    g_assert_true (g_hash_table_add (keys, entry_at (entries, i)->key));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 4 && strcmp (argv[1], CHILD_ADD) == 0)
    return child_add (argv[2], argv[3]);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_canonicalize_filename (argv[0], NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/outbox/add-and-list", test_add_and_list);
  g_test_add_func ("/outbox/peek", test_peek);
  g_test_add_func ("/outbox/reopen-and-remove", test_reopen_and_remove);
  g_test_add_func ("/outbox/killed-process", test_killed_process);
  g_test_add_func ("/outbox/open/private-file", test_private_file);
  g_test_add_func ("/outbox/open/garbage", test_garbage_file);
  g_test_add_func ("/outbox/open/another-program", test_another_program);
  g_test_add_func ("/outbox/open/wrong-columns", test_wrong_columns);
  g_test_add_func ("/outbox/open/newer-version", test_newer_version);
  g_test_add_func ("/outbox/open/directory", test_directory);
  g_test_add_func ("/outbox/add/bad-arguments", test_bad_arguments);
  g_test_add_func ("/outbox/mark-attempt", test_mark_attempt);
  g_test_add_func ("/outbox/disk-full", test_disk_full);
  g_test_add_func ("/outbox/shared-file", test_shared_file);
  g_test_add_func ("/outbox/threads", test_threads);

  return g_test_run ();
}
