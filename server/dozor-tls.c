/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord's TLS: the protocol and cipher policy, and a certificate that is
 * proven to work before dozord says it listens. GTlsCertificate takes a
 * key that belongs to another certificate without a word; every handshake
 * then fails. So dozord shakes hands with itself over a socket pair once at
 * start, which checks the pair exactly as a client would.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dozor-tls.h"

/* Generous: a handshake over a socket pair takes milliseconds. */
#define SELF_TEST_SECONDS 10

/* Before any TLS connection exists, so that the backend reads it. */
void
dozor_tls_set_policy (void)
{
  g_setenv ("G_TLS_GNUTLS_PRIORITY", DOZOR_TLS_PRIORITY, TRUE);
}

/* One end of the handshake; both count down the same pending. */
typedef struct
{
  guint *pending;
  GError *error;
} Side;

static void
handshake_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Side *side = user_data;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &side->error);
  (*side->pending)--;
}

/* The client only wants to see the server prove it holds the key; whom
 * the certificate names is the clients' business. */
static gboolean
accept_any_cb (GTlsConnection       *conn,
               GTlsCertificate      *peer,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
shake_hands (GTlsCertificate  *certificate,
             GError          **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GSocket) a = NULL;
  g_autoptr(GSocket) b = NULL;
  g_autoptr(GSocketConnection) server_base = NULL;
  g_autoptr(GSocketConnection) client_base = NULL;
  g_autoptr(GIOStream) server = NULL;
  g_autoptr(GIOStream) client = NULL;
  g_autoptr(GSource) timeout = NULL;
  guint pending = 2;
  Side server_side = { &pending, NULL };
  Side client_side = { &pending, NULL };
  gboolean timed_out = FALSE;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, g_strerror (errno));
      return FALSE;
    }
  a = g_socket_new_from_fd (fds[0], error);
  if (a == NULL)
    {
      close (fds[1]);
      return FALSE;
    }
  b = g_socket_new_from_fd (fds[1], error);
  if (b == NULL)
    return FALSE;

  server_base = g_socket_connection_factory_create_connection (a);
  client_base = g_socket_connection_factory_create_connection (b);
  server = (GIOStream *) g_tls_server_connection_new (G_IO_STREAM (server_base), certificate, error);
  if (server == NULL)
    return FALSE;
  client = (GIOStream *) g_tls_client_connection_new (G_IO_STREAM (client_base), NULL, error);
  if (client == NULL)
    return FALSE;
  g_signal_connect (client, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);

  g_main_context_push_thread_default (context);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (server), G_PRIORITY_DEFAULT, NULL, handshake_done_cb,
                                    &server_side);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (client), G_PRIORITY_DEFAULT, NULL, handshake_done_cb,
                                    &client_side);
  timeout = g_timeout_source_new_seconds (SELF_TEST_SECONDS);
  g_source_set_callback (timeout, timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (pending > 0 && !timed_out && client_side.error == NULL && server_side.error == NULL)
    g_main_context_iteration (context, TRUE);

  /* A side that failed leaves the other waiting for bytes that never
   * come: hanging up the sockets ends its handshake too. */
  g_socket_shutdown (a, TRUE, TRUE, NULL);
  g_socket_shutdown (b, TRUE, TRUE, NULL);
  while (pending > 0 && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (client_side.error != NULL || server_side.error != NULL || timed_out)
    {
      GError *cause = client_side.error != NULL ? client_side.error : server_side.error;

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                   cause != NULL ? cause->message : _("the handshake did not finish"));
      g_clear_error (&client_side.error);
      g_clear_error (&server_side.error);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_tls_load:
 * @cert_file: PEM certificate (with its chain)
 * @key_file: PEM private key of the certificate
 * @error: why it will not do
 *
 * Returns: (transfer full) (nullable): the certificate, if a client can
 *   complete a handshake with it
 */
GTlsCertificate *
dozor_tls_load (const char  *cert_file,
                const char  *key_file,
                GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  if (certificate == NULL)
    return NULL;

  if (!shake_hands (certificate, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The key in %s does not work with the certificate in %s (do they belong together?): %s"),
                   key_file, cert_file, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&certificate);
}
