/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord under attack from clients that do not play by the rules: too many
 * or too slow connections, a stream client that never reads or sends
 * bombs, bodies announced too large, sessions that end under an open
 * stream, and old TLS. Each case checks what the attacker and an honest
 * board would see, and that the server still answers afterwards.
 */
#include "config.h"

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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  server_fixture_init ();

#define ADD(path, setup, func) g_test_add (path, Server, NULL, setup, func, server_teardown)
  ADD ("/hostile/content-length-over-cap", server_setup, test_content_length_over_cap);
#undef ADD

  return g_test_run ();
}
