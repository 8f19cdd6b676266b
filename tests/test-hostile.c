/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord under attack from clients that do not play by the rules: too many
 * or too slow connections, a stream client that never reads or sends
 * bombs, bodies announced too large, sessions that end under an open
 * stream, and old TLS. Each case checks what the attacker and an honest
 * board would see, and that the server still answers afterwards.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "server-fixture.h"

static GSocketConnection *
connect_raw (Server *server)
{
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;

  conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri), g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  return conn;
}

/* What the server says within @seconds, up to 4 KiB (or until it closes). */
static char *
read_answer (GSocketConnection *conn,
             guint              seconds)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  char *answer = g_malloc0 (4096);
  gsize got = 0;

  g_socket_set_timeout (socket, seconds);
  while (got < 4095)
    {
      gssize n = g_socket_receive (socket, answer + got, 4095 - got, NULL, NULL);

      if (n <= 0)
        break;
      got += n;
    }
  g_socket_set_timeout (socket, 0);
  return answer;
}

static guint
port_of (Server *server)
{
  g_autoptr(GUri) uri = g_uri_parse (server->url, G_URI_FLAGS_NONE, NULL);

  return (guint) g_uri_get_port (uri);
}

/* A TCP connection to dozord from @source, another loopback address than
 * the honest clients' 127.0.0.1; NULL if it could not even connect. */
static GSocket *
connect_from (Server     *server,
              const char *source)
{
  g_autoptr(GInetAddress) local_inet = g_inet_address_new_from_string (source);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (local_inet, 0);
  g_autoptr(GSocketAddress) remote = g_inet_socket_address_new (loopback, port_of (server));
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);

  g_assert_nonnull (socket);
  g_socket_set_timeout (socket, 5);
  if (!g_socket_bind (socket, local, FALSE, NULL) || !g_socket_connect (socket, remote, NULL, NULL))
    return NULL;
  return g_steal_pointer (&socket);
}

/* TRUE once the server has closed @socket (EOF or reset), waiting at most
 * @seconds (0: only what has already happened); what it sent before is
 * skipped. */
static gboolean
closed_by_server (GSocket *socket,
                  guint    seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  char buffer[512];

  g_socket_set_blocking (socket, FALSE);
  for (guint i = 0; i < 64; i++)
    {
      g_autoptr(GError) error = NULL;
      gssize n;

      g_socket_condition_timed_wait (socket, G_IO_IN, MAX (end - g_get_monotonic_time (), 0), NULL, NULL);
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
        return TRUE;
      if (n < 0 && g_get_monotonic_time () >= end)
        return FALSE;
    }
  return FALSE;
}

static guint
count_fds (Server *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (server->process));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static guint
wait_for_fds (Server *server,
              guint   at_most,
              guint   seconds)
{
  guint n = count_fds (server);

  for (guint i = 0; i < seconds * 10 && n > at_most; i++)
    {
      g_usleep (G_USEC_PER_SEC / 10);
      n = count_fds (server);
    }
  return n;
}

static void
send_text_raw (GSocket    *socket,
               const char *text)
{
  g_assert_cmpint (g_socket_send (socket, text, strlen (text), NULL, NULL), ==, (gssize) strlen (text));
}

static void
assert_answers_within_a_second (Server *server)
{
  g_autoptr(SoupMessage) msg = new_request (server, "GET", "/api/v1/health", NULL, NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  bytes = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

/* --- Bodies over the cap -------------------------------------------------- */

/* The head announces more than the cap and no body follows: the refusal
 * must come from the head alone. */
static void
assert_refused_from_head (Server     *server,
                          const char *path,
                          guint64     length)
{
  g_autofree char *sup = login (server, "sup");
  g_autoptr(GSocketConnection) conn = connect_raw (server);
  g_autofree char *head = NULL;
  g_autofree char *answer = NULL;

  head = g_strdup_printf ("POST %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer %s\r\n"
                          "Idempotency-Key: big\r\nContent-Type: application/json\r\n"
                          "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n", path, sup, length);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                            head, strlen (head), NULL, NULL, NULL));
  answer = read_answer (conn, 1);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
  g_assert_nonnull (strstr (answer, "\"too_large\""));
}

static void
test_content_length_over_cap (Server        *server,
                              gconstpointer  data)
{
  assert_refused_from_head (server, "/api/v1/units", 1024 * 1024 + 1);
  assert_refused_from_head (server, "/api/v1/imports", 32 * 1024 * 1024 + 1);
  assert_answers_within_a_second (server);
}

/* --- Connections ------------------------------------------------------------ */

static const char *const small_caps[] = { "--header-timeout=2", "--max-connections-per-address=100", NULL };

static void
setup_small_caps (Server        *server,
                  gconstpointer  data)
{
  server->extra_args = small_caps;
  server_setup (server, data);
}

/* More idle connections from one address than it may hold: the rest are
 * refused, and a board elsewhere is still answered. */
static void
test_descriptor_flood (Server        *server,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) flood = g_ptr_array_new_with_free_func (g_object_unref);
  guint baseline;
  guint refused = 0;

  assert_answers_within_a_second (server);
  baseline = count_fds (server);

  for (guint i = 0; i < 300; i++)
    {
      GSocket *socket = connect_from (server, "127.0.0.2");

      if (socket != NULL)
        g_ptr_array_add (flood, socket);
    }
  assert_answers_within_a_second (server);
  for (guint i = 0; i < flood->len; i++)
    if (closed_by_server (flood->pdata[i], 0))
      refused++;
  g_test_message ("%u of %u connections refused; dozord holds %u descriptors (%u before)",
                  refused, flood->len, count_fds (server), baseline);
  g_assert_cmpuint (refused, >=, 200);
  g_assert_cmpuint (count_fds (server), <=, baseline + 100 + 2);

  g_ptr_array_set_size (flood, 0);
  g_assert_cmpuint (wait_for_fds (server, baseline, 10), <=, baseline);
  assert_answers_within_a_second (server);
}

/* Slowloris: heads that never end are cut at the header timeout (2 s
 * here), and the server answers others meanwhile. */
static void
test_header_timeout (Server        *server,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) slow = g_ptr_array_new_with_free_func (g_object_unref);
  guint closed = 0;

  for (guint i = 0; i < 200; i++)
    {
      GSocket *socket = connect_from (server, i % 2 == 0 ? "127.0.0.2" : "127.0.0.3");

      g_assert_nonnull (socket);
      g_socket_send (socket, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", 40, NULL, NULL);
      g_ptr_array_add (slow, socket);
    }
  assert_answers_within_a_second (server);

  /* One more header line a second, which does not buy more time. */
  for (guint second = 0; second < 2; second++)
    {
      g_usleep (G_USEC_PER_SEC);
      for (guint i = 0; i < slow->len; i++)
        g_socket_send (slow->pdata[i], "X-a: b\r\n", 8, NULL, NULL);
    }
  for (guint i = 0; i < slow->len; i++)
    if (closed_by_server (slow->pdata[i], closed == i ? 5 : 0))
      closed++;
  g_assert_cmpuint (closed, ==, slow->len);
  assert_answers_within_a_second (server);
}

/* Ordinary clients that send a request with keep-alive, read the answer
 * and close: none of them may stay open on the server. */
static void
test_closed_by_client (Server        *server,
                       gconstpointer  data)
{
  guint baseline;

  assert_answers_within_a_second (server);
  baseline = count_fds (server);

  for (guint i = 0; i < 120; i++)
    {
      g_autoptr(GSocket) socket = connect_from (server, "127.0.0.1");
      char buffer[512];

      g_assert_nonnull (socket);
      send_text_raw (socket, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
      g_assert_cmpint (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL), >, 0);
      g_socket_close (socket, NULL);
    }

  g_assert_cmpuint (wait_for_fds (server, baseline, 5), <=, baseline);
  assert_answers_within_a_second (server);
}

/* Under a low descriptor limit (64, as in the report), a flood is held
 * below it; once released, the server answers again. */
static void
setup_low_nofile (Server        *server,
                  gconstpointer  data)
{
  server->nofile = 64;
  server_setup (server, data);
}

static void
test_descriptor_limit (Server        *server,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) flood = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 60; i++)
    {
      GSocket *socket = connect_from (server, "127.0.0.2");

      if (socket != NULL)
        {
          g_socket_send (socket, "GET /api/v1/health HTTP/1.1\r\n", 29, NULL, NULL);
          g_ptr_array_add (flood, socket);
        }
    }
  g_ptr_array_set_size (flood, 0);
  assert_answers_within_a_second (server);

  /* And again: the first flood left nothing behind. */
  for (guint i = 0; i < 60; i++)
    {
      GSocket *socket = connect_from (server, "127.0.0.2");

      if (socket != NULL)
        g_ptr_array_add (flood, socket);
    }
  g_ptr_array_set_size (flood, 0);
  assert_answers_within_a_second (server);
}

/* --- TLS ----------------------------------------------------------------------- */

static int
run_quietly (const char *const *argv)
{
  g_autoptr(GBytes) nothing = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                      G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                      G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);

  g_assert_no_error (error);
  /* Nothing on its input: s_client hangs up once the handshake is done. */
  g_assert_true (g_subprocess_communicate (process, nothing, NULL, NULL, NULL, &error));
  return g_subprocess_get_exit_status (process);
}

/* A self-signed pair in @dir, as cert.pem and key.pem (or other.pem, a
 * key of another pair). */
static void
make_pair (const char *dir,
           const char *cert,
           const char *key)
{
  g_autofree char *cert_path = g_build_filename (dir, cert, NULL);
  g_autofree char *key_path = g_build_filename (dir, key, NULL);
  const char *argv[] = { "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                         "-subj", "/CN=localhost", "-keyout", key_path, "-out", cert_path, NULL };

  g_assert_cmpint (run_quietly (argv), ==, 0);
}

static char *tls_dir;
static char *tls_args[5];

static void
setup_tls (Server        *server,
           gconstpointer  data)
{
  tls_dir = g_dir_make_tmp ("dozord-tls-XXXXXX", NULL);
  make_pair (tls_dir, "cert.pem", "key.pem");
  tls_args[0] = g_strconcat ("--tls-cert=", tls_dir, "/cert.pem", NULL);
  tls_args[1] = g_strconcat ("--tls-key=", tls_dir, "/key.pem", NULL);
  server->extra_args = (const char *const *) tls_args;
  server_setup (server, data);
}

static void
teardown_tls (Server        *server,
              gconstpointer  data)
{
  const char *names[] = { "cert.pem", "key.pem", "other-cert.pem", "other-key.pem" };

  server_teardown (server, data);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (tls_dir, names[i], NULL);

      g_remove (path);
    }
  g_rmdir (tls_dir);
  g_clear_pointer (&tls_dir, g_free);
  g_clear_pointer (&tls_args[0], g_free);
  g_clear_pointer (&tls_args[1], g_free);
}

/* openssl s_client's own policy refuses TLS 1.1 on Debian: SECLEVEL=0
 * lifts that, so only the server can refuse. */
static int
handshake (Server     *server,
           const char *version,
           const char *ciphers)
{
  g_autofree char *connect = g_strdup_printf ("127.0.0.1:%u", port_of (server));
  const char *argv[] = { "openssl", "s_client", "-connect", connect, version, "-cipher", ciphers, NULL };

  return run_quietly (argv);
}

static void
test_tls_versions (Server        *server,
                   gconstpointer  data)
{
  g_assert_true (g_str_has_prefix (server->url, "https://"));
  g_assert_cmpint (handshake (server, "-tls1_2", "DEFAULT"), ==, 0);
  g_assert_cmpint (handshake (server, "-tls1_1", "DEFAULT@SECLEVEL=0"), !=, 0);
  g_assert_cmpint (handshake (server, "-tls1", "DEFAULT@SECLEVEL=0"), !=, 0);
  /* No static RSA key exchange, no CBC. */
  g_assert_cmpint (handshake (server, "-tls1_2", "AES128-SHA"), !=, 0);
}

/* A key of another pair: dozord says so and stops, before it listens. */
static void
test_tls_mismatched_key (Server        *server,
                         gconstpointer  data)
{
  g_autofree char *cert = g_strconcat ("--tls-cert=", tls_dir, "/cert.pem", NULL);
  g_autofree char *key = g_strconcat ("--tls-key=", tls_dir, "/other-key.pem", NULL);
  g_autofree char *db = g_build_filename (server->dir, "second.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  make_pair (tls_dir, "other-cert.pem", "other-key.pem");
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              dozord_path, "--db", db, "--listen", "127.0.0.1:0", cert, key, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
  g_assert_null (strstr (out, "listening"));
  g_assert_nonnull (strstr (err, "does not work with the certificate"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, setup, func) g_test_add (path, Server, NULL, setup, func, server_teardown)
  ADD ("/hostile/content-length-over-cap", server_setup, test_content_length_over_cap);
  ADD ("/hostile/descriptor-flood", setup_small_caps, test_descriptor_flood);
  ADD ("/hostile/header-timeout", setup_small_caps, test_header_timeout);
  ADD ("/hostile/closed-by-client", server_setup, test_closed_by_client);
  ADD ("/hostile/descriptor-limit", setup_low_nofile, test_descriptor_limit);
  g_test_add ("/hostile/tls-versions", Server, NULL, setup_tls, test_tls_versions, teardown_tls);
  g_test_add ("/hostile/tls-mismatched-key", Server, NULL, setup_tls, test_tls_mismatched_key, teardown_tls);
#undef ADD

  return g_test_run ();
}
