/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Shorter passwords are refused; longer ones are pointless to hash. */
#define DOZOR_PASSWORD_MIN_LENGTH 8
#define DOZOR_PASSWORD_MAX_LENGTH 256

char     *dozor_password_hash   (const char  *password,
                                 GError     **error);
gboolean  dozor_password_verify (const char  *password,
                                 const char  *hash);
char     *dozor_token_new       (void);
char     *dozor_token_digest    (const char  *token);

G_END_DECLS
