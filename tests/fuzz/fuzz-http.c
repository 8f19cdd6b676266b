/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * libFuzzer target over dozord's HTTP request path: the real DozorServer
 * (its routes, body limits and stream upgrade) over a DozorStore in a
 * temporary SQLite file, fed a raw HTTP/1.1 exchange over a loopback TCP
 * connection that dozord's own DozorListener takes, as it takes every
 * connection (caps, timeouts, the byte-counting wrapper). The input
 * is what a client writes, with the placeholders of fuzz-world.h for real
 * tokens and ids; after it the harness shuts its side for writing and
 * reads until dozord hangs up or a bound passes.
 *
 * What must hold: no crash, leak or critical; dozord answers HTTP, its
 * JSON answers parse, every error it writes has a code and a message; it
 * hangs up on a client that wrote everything and shut its side within
 * the bound (a connection it keeps is a descriptor lost); its database
 * stays whole. The database grows with what inputs create, so every
 * RESET_EVERY inputs it starts again from the template.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dozor-listener.h"
#include "dozor-server.h"
#include "fuzz-world.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define RESET_EVERY 2000
/* A liveness bound, far above what an answer takes. */
#define EXCHANGE_BOUND_US (5 * G_USEC_PER_SEC)
/* The most of an answer kept to check; a snapshot stays far below. */
#define MAX_ANSWER (4 * 1024 * 1024)

typedef struct
{
  int fd;
  const guint8 *request;
  gsize length;
  gsize written;
  gboolean shut;
  gboolean hung_up;
  GByteArray *answer;
} Exchange;

static DozorStore *store;
static DozorServer *server;
static DozorListener *listener;
/* Where the harness connects from: accepted by hand, not by the listener. */
static GSocket *loopback;
static char *db_path;
static guint inputs;

static void
start_server (void)
{
  DozorListenerLimits limits = {
    0, DOZOR_LISTENER_DEFAULT_PER_ADDRESS, DOZOR_LISTENER_DEFAULT_HEADER_TIMEOUT,
    DOZOR_LISTENER_DEFAULT_IDLE_TIMEOUT,
  };

  store = fuzz_world_open_copy (db_path);
  server = dozor_server_new (store, 1000);
  listener = dozor_listener_new (dozor_server_get_soup (server), NULL, &limits);
}

static void
stop_server (void)
{
  g_clear_object (&listener);
  g_clear_object (&server);
  g_clear_object (&store);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
client_cb (int          fd,
           GIOCondition condition,
           gpointer     user_data)
{
  Exchange *exchange = user_data;
  guint8 buffer[16384];
  ssize_t n;

  if (exchange->written < exchange->length)
    {
      n = send (fd, exchange->request + exchange->written, exchange->length - exchange->written,
                MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0)
        exchange->written += n;
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        exchange->written = exchange->length; /* dozord hung up first */
    }
  if (exchange->written == exchange->length && !exchange->shut)
    {
      shutdown (fd, SHUT_WR);
      exchange->shut = TRUE;
    }

  n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT);
  if (n > 0 && exchange->answer->len < MAX_ANSWER)
    g_byte_array_append (exchange->answer, buffer, MIN ((gsize) n, MAX_ANSWER - exchange->answer->len));
  else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
    {
      exchange->hung_up = TRUE;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* The end of an answer's headers; its bytes may hold anything, NUL too. */
static const char *
find_headers_end (const char *text,
                  gsize       length)
{
  for (gsize i = 0; i + 4 <= length; i++)
    if (memcmp (text + i, "\r\n\r\n", 4) == 0)
      return text + i;
  return NULL;
}

/* Each answer on the connection, up to a switch to the WebSocket. */
static void
check_answers (const GByteArray *answer)
{
  gsize at = 0;

  while (at < answer->len)
    {
      const char *text = (const char *) answer->data + at;
      const char *end = find_headers_end (text, answer->len - at);
      g_autoptr(SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      g_autofree char *reason = NULL;
      const char *content_type;
      guint status;
      goffset length;

      /* Cut short by the bound of what is kept. */
      if (end == NULL)
        {
          g_assert_cmpuint (answer->len, ==, MAX_ANSWER);
          return;
        }
      g_assert_true (soup_headers_parse_response (text, end + 2 - text, headers, NULL, &status, &reason));
      g_assert_cmpuint (status, >=, 100);
      g_assert_cmpuint (status, <, 600);
      if (status == SOUP_STATUS_SWITCHING_PROTOCOLS)
        return;

      at = end + 4 - (const char *) answer->data;
      length = soup_message_headers_get_content_length (headers);
      g_assert_cmpint (length, >=, 0);
      if (at + length > answer->len)
        {
          g_assert_cmpuint (answer->len, ==, MAX_ANSWER);
          return;
        }

      content_type = soup_message_headers_get_content_type (headers, NULL);
      if (g_strcmp0 (content_type, "application/json") == 0 && length > 0)
        {
          g_autoptr(JsonParser) parser = json_parser_new ();
          JsonObject *object;

          g_assert_true (json_parser_load_from_data (parser, (const char *) answer->data + at, length, NULL));
          g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
          object = json_node_get_object (json_parser_get_root (parser));
          if (status >= 400)
            {
              g_assert_true (json_object_has_member (object, "code"));
              g_assert_nonnull (json_object_get_string_member (object, "code"));
              g_assert_nonnull (json_object_get_string_member (object, "message"));
            }
        }
      at += length;
    }
}

static void
open_loopback (void)
{
  g_autoptr(GInetAddress) any = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (any, 0);
  g_autoptr(GError) error = NULL;

  loopback = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (loopback, address, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_listen (loopback, &error));
  g_assert_no_error (error);
}

static void
exchange_once (const GByteArray *request)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) answer = g_byte_array_new ();
  Exchange exchange = { -1, request->data, request->len, 0, FALSE, FALSE, answer };
  gint64 deadline = g_get_monotonic_time () + EXCHANGE_BOUND_US;
  guint watch, wake;

  /* A TCP connection on loopback: the listener takes inet sockets only. */
  address = g_socket_get_local_address (loopback, &error);
  g_assert_no_error (error);
  client = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_connect (client, address, NULL, &error));
  g_assert_no_error (error);
  socket = g_socket_accept (loopback, NULL, &error);
  g_assert_no_error (error);
  dozor_listener_take (listener, socket);
  exchange.fd = g_socket_get_fd (client);
  watch = g_unix_fd_add (exchange.fd, G_IO_IN | G_IO_OUT | G_IO_HUP | G_IO_ERR, client_cb, &exchange);
  wake = g_timeout_add (50, wake_cb, NULL);
  while (!exchange.hung_up && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!exchange.hung_up)
    g_source_remove (watch);
  g_source_remove (wake);
  g_socket_close (client, NULL);

  check_answers (answer);
  /* dozord must let go of a client that said all it had to say. */
  g_assert_true (exchange.hung_up);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (g_socket_is_closed (socket));
}

/* Every warning stops the run, but one: libsoup 3.2, reading a request
 * whose Content-Length is negative, sets that length on its body stream
 * and GObject warns that it is out of range; libsoup then answers 400,
 * which the exchange checks like any answer. That warning is libsoup's
 * (dozord never sees the request), so it is let through by its words. */
static GLogWriterOutput
log_writer (GLogLevelFlags   log_level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  GLogWriterOutput out = g_log_writer_default (log_level, fields, n_fields, user_data);

  if (log_level & G_LOG_LEVEL_WARNING)
    {
      const char *message = NULL;

      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
          message = fields[i].value;
      if (message == NULL || strstr (message, "for property 'content-length'") == NULL)
        abort ();
    }
  return out;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) request = NULL;

  if (server == NULL)
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
      g_log_set_writer_func (log_writer, NULL, NULL);
      fuzz_world_init ();
      open_loopback ();
      db_path = g_build_filename (fuzz_world_get_dir (), "http.sqlite", NULL);
      start_server ();
      /* dozord's workers stopped before the process ends, and before the
       * world's directory goes (its atexit() ran first, so runs last):
       * left running, a worker met the exit's teardown (a SIGSEGV after
       * the run's last line, once in CI). */
      atexit (stop_server);
    }
  else if (++inputs % RESET_EVERY == 0)
    {
      stop_server ();
      start_server ();
    }

  request = fuzz_world_substitute (data, size);
  exchange_once (request);
  return 0;
}
