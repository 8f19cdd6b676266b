/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A session a desk board kept in the system keyring, so that a board
 * restarted during a shift is live again without the password. */
typedef struct
{
  char *username;
  char *token;
  gint64 expires_at;            /* Unix seconds */
} DozorSavedLogin;

void             dozor_saved_login_free          (DozorSavedLogin     *login);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorSavedLogin, dozor_saved_login_free)

void             dozor_keyring_find_login_async  (const char          *backend_url,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
DozorSavedLogin *dozor_keyring_find_login_finish (GAsyncResult        *result,
                                                  GError             **error);
void             dozor_keyring_keep_login_async  (const char          *backend_url,
                                                  const char          *username,
                                                  const char          *token,
                                                  gint64               expires_at,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
void             dozor_keyring_forget_async      (const char          *backend_url,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean         dozor_keyring_finish            (GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
