/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Bearer tokens of desk boards in the Secret Service (GNOME Keyring,
 * KWallet) through libsecret. One login per backend is kept: the last
 * person who logged in on this desk; whoever logs in next replaces it, and
 * logging out removes it. The token is a shift's (14 hours) and the
 * password is never kept. libsecret's calls block on D-Bus and may wait for
 * the user to unlock the keyring, so they run in worker threads.
 *
 * Only a keyring already running in the session is used: the board never
 * has D-Bus start one, which on a kiosk or a wall would come up locked,
 * with no keyring file, and ask for a password nobody knows.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "dozor-keyring.h"

/* A token that ends this soon is not worth starting with. */
#define USABLE_MARGIN_SECONDS 60

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    "kz.dozor.Board.Session", SECRET_SCHEMA_NONE,
    {
      { "backend", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "expires", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

void
dozor_saved_login_free (DozorSavedLogin *login)
{
  if (login == NULL)
    return;
  g_free (login->username);
  g_free (login->token);
  g_free (login);
}

typedef struct
{
  char *backend_url;
  char *username;
  char *token;
  gint64 expires_at;
} Request;

static void
request_free (Request *request)
{
  g_free (request->backend_url);
  g_free (request->username);
  g_free (request->token);
  g_free (request);
}

static GTask *
request_task (const char          *backend_url,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Request *request = g_new0 (Request, 1);

  request->backend_url = g_strdup (backend_url);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  g_task_set_source_tag (task, source_tag);
  return task;
}

static gboolean
keyring_running (GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, error);
  g_autoptr(GVariant) reply = NULL;
  gboolean running = FALSE;

  if (bus == NULL)
    return FALSE;
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, cancellable, error);
  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(b)", &running);
  if (!running)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No keyring is running in this session"));
  return running;
}

static gboolean
forget (const char    *backend_url,
        GCancellable  *cancellable,
        GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!keyring_running (cancellable, error))
    return FALSE;
  secret_password_clear_sync (session_schema (), cancellable, &local_error, "backend", backend_url, NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static void
find_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSavedLogin) best = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GList *items = NULL;

  if (keyring_running (cancellable, &error))
    items = secret_password_search_sync (session_schema (),
                                         SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                         cancellable, &error, "backend", request->backend_url, NULL);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = secret_retrievable_get_attributes (l->data);
      g_autoptr(SecretValue) secret = secret_retrievable_retrieve_secret_sync (l->data, cancellable, NULL);
      const char *user = g_hash_table_lookup (attributes, "user");
      const char *expires = g_hash_table_lookup (attributes, "expires");
      gint64 expires_at = expires != NULL ? g_ascii_strtoll (expires, NULL, 10) : 0;
      const char *token = secret != NULL ? secret_value_get_text (secret) : NULL;

      if (user == NULL || token == NULL || expires_at < now + USABLE_MARGIN_SECONDS ||
          (best != NULL && best->expires_at >= expires_at))
        continue;

      dozor_saved_login_free (best);
      best = g_new0 (DozorSavedLogin, 1);
      best->username = g_strdup (user);
      best->token = g_strdup (token);
      best->expires_at = expires_at;
    }
  g_list_free_full (items, g_object_unref);

  /* Ended sessions only clutter the keyring. */
  if (best == NULL && items != NULL)
    forget (request->backend_url, cancellable, NULL);

  g_task_return_pointer (task, g_steal_pointer (&best), (GDestroyNotify) dozor_saved_login_free);
}

/**
 * dozor_keyring_find_login_async:
 * @backend_url: the backend the board logs in to
 *
 * Looks for the session kept for @backend_url that ends last, skipping
 * those that have ended or are about to.
 */
void
dozor_keyring_find_login_async (const char          *backend_url,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = request_task (backend_url, cancellable, callback, user_data,
                                        dozor_keyring_find_login_async);

  g_task_run_in_thread (task, find_in_thread);
}

/**
 * dozor_keyring_find_login_finish:
 *
 * Returns: (transfer full) (nullable): the saved login; %NULL without
 *   @error when none is kept, with @error when there is no keyring
 */
DozorSavedLogin *
dozor_keyring_find_login_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
keep_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *request = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = g_strdup_printf ("Dozor: %s at %s", request->username, request->backend_url);
  g_autofree char *expires = g_strdup_printf ("%" G_GINT64_FORMAT, request->expires_at);

  /* One person on duty per desk: the previous login goes. */
  if (!forget (request->backend_url, cancellable, &error) ||
      !secret_password_store_sync (session_schema (), SECRET_COLLECTION_DEFAULT, label, request->token,
                                   cancellable, &error, "backend", request->backend_url,
                                   "user", request->username, "expires", expires, NULL))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * dozor_keyring_keep_login_async:
 * @backend_url: the backend
 * @username: who logged in
 * @token: the bearer token
 * @expires_at: when it ends, Unix seconds
 *
 * Keeps the session in place of any other for @backend_url. Finish with
 * dozor_keyring_finish().
 */
void
dozor_keyring_keep_login_async (const char          *backend_url,
                                const char          *username,
                                const char          *token,
                                gint64               expires_at,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = request_task (backend_url, cancellable, callback, user_data,
                                        dozor_keyring_keep_login_async);
  Request *request = g_task_get_task_data (task);

  request->username = g_strdup (username);
  request->token = g_strdup (token);
  request->expires_at = expires_at;
  g_task_run_in_thread (task, keep_in_thread);
}

static void
forget_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (forget (request->backend_url, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * dozor_keyring_forget_async:
 * @backend_url: the backend
 *
 * Removes what is kept for @backend_url. Finish with dozor_keyring_finish().
 */
void
dozor_keyring_forget_async (const char          *backend_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = request_task (backend_url, cancellable, callback, user_data,
                                        dozor_keyring_forget_async);

  g_task_run_in_thread (task, forget_in_thread);
}

gboolean
dozor_keyring_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
