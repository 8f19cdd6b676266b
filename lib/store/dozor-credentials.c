/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Passwords are stored as yescrypt hashes made by libxcrypt (Debian's crypt),
 * the same scheme as /etc/shadow; bearer tokens come from the kernel's
 * random source and only their SHA-256 is kept, so a stolen database holds
 * no usable token.
 */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/random.h>

#include "dozor-credentials.h"

/**
 * dozor_password_hash:
 * @password: the password
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a yescrypt hash for the store
 */
char *
dozor_password_hash (const char  *password,
                     GError     **error)
{
  g_autofree char *setting = NULL;
  struct crypt_data data;
  const char *hash;
  gsize length = password != NULL ? strlen (password) : 0;

  if (length < DOZOR_PASSWORD_MIN_LENGTH || length > DOZOR_PASSWORD_MAX_LENGTH ||
      !g_utf8_validate (password, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A password must be %d to %d characters of text"),
                   DOZOR_PASSWORD_MIN_LENGTH, DOZOR_PASSWORD_MAX_LENGTH);
      return NULL;
    }

  /* NULL entropy: libxcrypt reads the kernel's random source itself. */
  setting = crypt_gensalt_ra ("$y$", 0, NULL, 0);
  if (setting == NULL)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("Cannot make a password salt: %s"), g_strerror (errno));
      return NULL;
    }

  memset (&data, 0, sizeof data);
  hash = crypt_r (password, setting, &data);
  if (hash == NULL || hash[0] == '*')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot hash the password"));
      return NULL;
    }

  return g_strdup (hash);
}

/**
 * dozor_password_verify:
 * @password: what the user typed
 * @hash: what the store holds
 *
 * Returns: %TRUE if they match
 */
gboolean
dozor_password_verify (const char *password,
                       const char *hash)
{
  struct crypt_data data;
  const char *computed;
  gsize length;

  if (password == NULL || hash == NULL || strlen (password) > DOZOR_PASSWORD_MAX_LENGTH)
    return FALSE;

  memset (&data, 0, sizeof data);
  computed = crypt_r (password, hash, &data);
  if (computed == NULL || computed[0] == '*')
    return FALSE;

  length = strlen (hash);
  if (strlen (computed) != length)
    return FALSE;

  /* Constant time, whatever matches first. */
  {
    guchar difference = 0;

    for (gsize i = 0; i < length; i++)
      difference |= (guchar) (computed[i] ^ hash[i]);

    return difference == 0;
  }
}

/**
 * dozor_token_new:
 *
 * Returns: (transfer full): a new bearer token, 256 random bits in hex
 */
char *
dozor_token_new (void)
{
  guchar bytes[32];
  gsize filled = 0;

  while (filled < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0 && errno != EINTR)
        g_error ("The kernel's random source failed: %s", g_strerror (errno));
      if (n > 0)
        filled += (gsize) n;
    }

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, sizeof bytes);
}

/**
 * dozor_token_digest:
 * @token: a bearer token
 *
 * Returns: (transfer full): what the store keeps of it
 */
char *
dozor_token_digest (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}
