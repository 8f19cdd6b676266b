/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's login in the Secret Service, against a real GNOME Keyring:
 * run under dbus-run-session (tests/meson.build); this program starts the
 * daemon itself, after checking what happens when there is none, with its
 * keyring files in a scratch folder.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>

#include "dozor-keyring.h"
#include "test-files.h"

#define BACKEND "http://127.0.0.1:8470"
#define OTHER_BACKEND "https://dozor.example.kz"
#define TOKEN_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TOKEN_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static char *scratch;
static GSubprocess *keyring_daemon;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static DozorSavedLogin *
find (const char  *backend,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dozor_keyring_find_login_async (backend, NULL, done_cb, &result);
  return dozor_keyring_find_login_finish (wait_result (&result), error);
}

static gboolean
keep (const char  *backend,
      const char  *user,
      const char  *token,
      gint64       expires_at,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dozor_keyring_keep_login_async (backend, user, token, expires_at, NULL, done_cb, &result);
  return dozor_keyring_finish (wait_result (&result), error);
}

static gboolean
forget (const char  *backend,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dozor_keyring_forget_async (backend, NULL, done_cb, &result);
  return dozor_keyring_finish (wait_result (&result), error);
}

static gint64
hours_from_now (int hours)
{
  return g_get_real_time () / G_USEC_PER_SEC + hours * 3600;
}

/* How many of the board's items the keyring holds for the two backends,
 * read with libsecret itself rather than through the code under test. */
static guint
items_kept (void)
{
  static const SecretSchema schema = {
    "kz.dozor.Board.Session", SECRET_SCHEMA_NONE, { { "backend", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } }
  };
  const char *backends[] = { BACKEND, OTHER_BACKEND };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      g_autoptr(GError) error = NULL;
      GList *items = secret_password_search_sync (&schema, SECRET_SEARCH_ALL, NULL, &error,
                                                  "backend", backends[i], NULL);

      g_assert_no_error (error);
      n += g_list_length (items);
      g_list_free_full (items, g_object_unref);
    }
  return n;
}

/* A session without a keyring: a clear error, and the board asks for the
 * password as before. D-Bus could start GNOME Keyring here (its service
 * file is installed); the board must not make it. */
static void
test_no_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSavedLogin) login = find (BACKEND, &error);

  g_assert_null (login);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (keep (BACKEND, "sup", TOKEN_A, hours_from_now (14), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
start_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  GOutputStream *input;
  g_autofree char *data = g_build_filename (scratch, "data", NULL);
  g_autofree char *runtime = g_build_filename (scratch, "runtime", NULL);

  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_subprocess_launcher_setenv (launcher, "HOME", scratch, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  /* It reads the password from stdin up to its end, then makes and
   * unlocks a login keyring. In the foreground, so that it ends with the
   * test. */
  keyring_daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--foreground",
                                                "--unlock", "--components=secrets", NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (keyring_daemon);
  g_assert_true (g_output_stream_write_all (input, "test", 4, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (input, NULL, &error));
  g_assert_no_error (error);

  /* It takes the bus name a moment later. */
  {
    g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
    gboolean owned = FALSE;

    g_assert_no_error (error);
    for (int i = 0; i < 100 && !owned; i++)
      {
        g_autoptr(GVariant) reply =
          g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "NameHasOwner", g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);

        g_assert_no_error (error);
        g_variant_get (reply, "(b)", &owned);
        if (!owned)
          g_usleep (50 * 1000);
      }
    g_assert_true (owned);
  }
}

static void
test_keep_and_find (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSavedLogin) nothing = NULL;
  g_autoptr(DozorSavedLogin) login = NULL;
  gint64 expires_at = hours_from_now (14);

  nothing = find (BACKEND, &error);
  g_assert_no_error (error);
  g_assert_null (nothing);

  g_assert_true (keep (BACKEND, "sup", TOKEN_A, expires_at, &error));
  g_assert_no_error (error);
  login = find (BACKEND, &error);
  g_assert_no_error (error);
  g_assert_nonnull (login);
  g_assert_cmpstr (login->username, ==, "sup");
  g_assert_cmpstr (login->token, ==, TOKEN_A);
  g_assert_cmpint (login->expires_at, ==, expires_at);
  g_assert_cmpuint (items_kept (), ==, 1);

  g_assert_true (forget (BACKEND, &error));
  g_assert_cmpuint (items_kept (), ==, 0);
}

/* The next person on duty at the desk replaces the previous one; another
 * backend's login is left alone. */
static void
test_one_login_per_backend (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSavedLogin) here = NULL;
  g_autoptr(DozorSavedLogin) there = NULL;
  g_autoptr(DozorSavedLogin) gone = NULL;

  g_assert_true (keep (OTHER_BACKEND, "sup", TOKEN_A, hours_from_now (2), &error));
  g_assert_true (keep (BACKEND, "sup", TOKEN_A, hours_from_now (10), &error));
  g_assert_true (keep (BACKEND, "op", TOKEN_B, hours_from_now (14), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items_kept (), ==, 2);

  here = find (BACKEND, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (here->username, ==, "op");
  g_assert_cmpstr (here->token, ==, TOKEN_B);

  g_assert_true (forget (BACKEND, &error));
  gone = find (BACKEND, &error);
  g_assert_no_error (error);
  g_assert_null (gone);
  there = find (OTHER_BACKEND, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (there->username, ==, "sup");
  g_assert_true (forget (OTHER_BACKEND, &error));
}

/* An ended token (or one ending within the minute) is not offered, and is
 * cleared away. */
static void
test_ended_login (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSavedLogin) ended = NULL;
  g_autoptr(DozorSavedLogin) ending = NULL;

  g_assert_true (keep (BACKEND, "sup", TOKEN_A, hours_from_now (-1), &error));
  ended = find (BACKEND, &error);
  g_assert_no_error (error);
  g_assert_null (ended);
  g_assert_cmpuint (items_kept (), ==, 0);

  g_assert_true (keep (BACKEND, "sup", TOKEN_A, g_get_real_time () / G_USEC_PER_SEC + 30, &error));
  ending = find (BACKEND, &error);
  g_assert_no_error (error);
  g_assert_null (ending);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  scratch = g_dir_make_tmp ("test-keyring-XXXXXX", NULL);
  g_assert_nonnull (scratch);

  /* In order: without a keyring first, then with one. */
  g_test_add_func ("/keyring/none-running", test_no_keyring);
  g_test_add_func ("/keyring/start", start_keyring);
  g_test_add_func ("/keyring/keep-and-find", test_keep_and_find);
  g_test_add_func ("/keyring/one-login-per-backend", test_one_login_per_backend);
  g_test_add_func ("/keyring/ended-login", test_ended_login);
  status = g_test_run ();

  if (keyring_daemon != NULL)
    {
      g_subprocess_force_exit (keyring_daemon);
      g_subprocess_wait (keyring_daemon, NULL, NULL);
      g_object_unref (keyring_daemon);
    }
  test_remove_tree (scratch);
  g_free (scratch);
  return status;
}
