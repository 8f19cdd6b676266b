/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord's own accepting. libsoup 3.2's listener gives up for good after
 * one failed accept() (at the descriptor limit), takes every connection it
 * is offered and keeps it as long as the client likes, and leaks
 * keep-alive connections that the client closes (fixed after 3.2.3, in
 * libsoup commit d20c6601). So dozord listens itself: it accepts, counts
 * connections per address and in all, gives each a deadline, and hands
 * the stream to the SoupServer with soup_server_accept_iostream().
 *
 * A SoupServer without listeners of its own closes a connection after its
 * answer, so there are no idle keep-alive connections to leak: each request
 * has its own connection, from accept to answer within the two timeouts.
 * A WebSocket lives on past its 101 with no deadline; its heartbeats and
 * the stream's queue bound look after it.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "dozor-listener.h"

/* Connections accepted per wake-up, so that a burst cannot starve the
 * requests already in. */
#define ACCEPT_BATCH 64

/* Waited before accepting again after running out of descriptors. */
#define ACCEPT_RETRY_MS 250

/* After a shutdown(), libsoup notices and closes; if it does not, the
 * sweep closes the stream itself this much later. */
#define CLOSE_GRACE_US (2 * G_USEC_PER_SEC)

typedef struct
{
  DozorConnStream *stream;
  GSocketAddress *remote;
  char *address;
  gint64 deadline;     /* monotonic µs; 0 for a WebSocket */
  gint64 shut_down_at; /* monotonic µs of our shutdown(), or 0 */
} Conn;

struct _DozorListener
{
  GObject parent_instance;

  SoupServer *soup;
  GTlsCertificate *certificate;
  DozorListenerLimits limits;

  GSocket *socket;
  GSource *accept_source;
  guint retry_id;
  guint sweep_id;
  gboolean out_of_descriptors;

  GHashTable *conns;       /* DozorConnStream → Conn */
  GHashTable *per_address; /* address text → count */
};

G_DEFINE_FINAL_TYPE (DozorListener, dozor_listener, G_TYPE_OBJECT)

static GQuark
stream_quark (void)
{
  return g_quark_from_static_string ("dozor-listener-stream");
}

/**
 * dozor_listener_raise_fd_limit:
 *
 * Raises the soft limit of open descriptors to the hard one: the soft
 * default (1,024) is what a few idle clients exhausted.
 *
 * Returns: the soft limit now
 */
guint64
dozor_listener_raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        getrlimit (RLIMIT_NOFILE, &limit);
    }
  return limit.rlim_cur == RLIM_INFINITY ? G_MAXUINT : (guint64) limit.rlim_cur;
}

static void
conn_free (Conn *conn)
{
  g_object_unref (conn->stream);
  g_object_unref (conn->remote);
  g_free (conn->address);
  g_free (conn);
}

static void
forget (DozorListener *self,
        Conn          *conn)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, conn->address));

  g_signal_handlers_disconnect_by_data (conn->stream, self);
  if (count <= 1)
    g_hash_table_remove (self->per_address, conn->address);
  else
    g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (count - 1));
  g_hash_table_remove (self->conns, conn->stream);
}

/* Counted free the moment libsoup (or the sweep) closes it, so that the
 * caps never refuse a client for a connection that is gone. */
static void
stream_closed_cb (DozorConnStream *stream,
                  DozorListener   *self)
{
  Conn *conn = g_hash_table_lookup (self->conns, stream);

  if (conn != NULL)
    forget (self, conn);
}

static Conn *
conn_for_message (DozorListener     *self,
                  SoupServerMessage *msg)
{
  DozorConnStream *stream = dozor_listener_lookup (msg);

  return stream != NULL ? g_hash_table_lookup (self->conns, stream) : NULL;
}

/* The head is in: the body and the answer have the idle timeout. */
static void
got_headers_cb (SoupServerMessage *msg,
                DozorListener     *self)
{
  Conn *conn = conn_for_message (self, msg);

  if (conn != NULL && conn->deadline != 0)
    conn->deadline = g_get_monotonic_time () + (gint64) self->limits.idle_timeout * G_USEC_PER_SEC;
}

static void
wrote_informational_cb (SoupServerMessage *msg,
                        DozorListener     *self)
{
  Conn *conn = conn_for_message (self, msg);

  if (conn != NULL && soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      conn->deadline = 0;
      dozor_conn_stream_watch_websocket (conn->stream);
    }
}

static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    DozorListener     *self)
{
  /* libsoup hangs up after the answer anyway (see the top); saying so
   * keeps clients from sending a second request into a closing socket. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  g_signal_connect_object (msg, "got-headers", G_CALLBACK (got_headers_cb), self, 0);
  g_signal_connect_object (msg, "wrote-informational", G_CALLBACK (wrote_informational_cb), self, 0);
}

/* At a cap, clients that have hung up but whose end libsoup has not read
 * yet (their EOF waits behind this accept in the main loop) still count:
 * a peek finds them, so that they are not counted against a new client. */
static void
reap_hung_up (DozorListener *self)
{
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  Conn *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      char byte;

      if (recv (g_socket_get_fd (dozor_conn_stream_get_socket (conn->stream)), &byte, 1,
                MSG_PEEK | MSG_DONTWAIT) == 0)
        g_ptr_array_add (gone, g_object_ref (conn->stream));
    }

  /* Closing forgets them: not while walking the table. */
  for (guint i = 0; i < gone->len; i++)
    g_io_stream_close (gone->pdata[i], NULL, NULL);
}

/* Over a cap: a short answer if the socket takes it at once, then hang up. */
static void
refuse (GSocket *socket)
{
  static const char answer[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

  g_socket_set_blocking (socket, FALSE);
  g_socket_send (socket, answer, sizeof answer - 1, NULL, NULL);
  g_socket_close (socket, NULL);
}

/**
 * dozor_listener_take:
 * @self: a #DozorListener
 * @socket: a connection just accepted
 *
 * Counts, times and wraps an accepted connection, then hands it to the
 * SoupServer; over a cap it is answered 503 and closed. Every connection
 * of dozord comes through here (the fuzz target of the HTTP path too).
 */
void
dozor_listener_take (DozorListener *self,
                     GSocket       *socket)
{
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GIOStream) base = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  Conn *conn;
  guint count;

  if (remote == NULL || local == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_socket_close (socket, NULL);
      return;
    }

  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  if (g_hash_table_size (self->conns) >= self->limits.max_connections || count >= self->limits.max_per_address)
    {
      reap_hung_up (self);
      count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
    }
  if (g_hash_table_size (self->conns) >= self->limits.max_connections || count >= self->limits.max_per_address)
    {
      g_debug ("Refused a connection from %s: %u from it, %u in all", address, count,
               g_hash_table_size (self->conns));
      refuse (socket);
      return;
    }

  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  connection = g_socket_connection_factory_create_connection (socket);
  if (self->certificate != NULL)
    {
      base = (GIOStream *) g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, &error);
      if (base == NULL)
        {
          g_warning ("TLS for a connection from %s: %s", address, error->message);
          g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
          return;
        }
      g_object_set (base, "require-close-notify", FALSE, NULL);
    }
  else
    {
      base = g_object_ref (G_IO_STREAM (connection));
    }

  conn = g_new0 (Conn, 1);
  conn->stream = dozor_conn_stream_new (base, socket);
  conn->remote = g_object_ref (remote);
  conn->address = g_steal_pointer (&address);
  conn->deadline = g_get_monotonic_time () + (gint64) self->limits.header_timeout * G_USEC_PER_SEC;
  g_hash_table_insert (self->conns, conn->stream, conn);
  g_hash_table_insert (self->per_address, g_strdup (conn->address), GUINT_TO_POINTER (count + 1));
  g_signal_connect (conn->stream, "closed", G_CALLBACK (stream_closed_cb), self);

  /* libsoup keeps this very address object: requests find their
   * connection through it. */
  g_object_set_qdata_full (G_OBJECT (remote), stream_quark (), g_object_ref (conn->stream), g_object_unref);

  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (conn->stream), local, remote, &error))
    {
      g_warning ("Handing a connection to libsoup: %s", error->message);
      g_io_stream_close (G_IO_STREAM (conn->stream), NULL, NULL);
    }
}

static gboolean accept_cb (GSocket *socket, GIOCondition condition, gpointer user_data);

static void
watch_socket (DozorListener *self)
{
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, (GSourceFunc) (void (*) (void)) accept_cb, self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static gboolean
retry_cb (gpointer user_data)
{
  DozorListener *self = user_data;

  self->retry_id = 0;
  watch_socket (self);
  return G_SOURCE_REMOVE;
}

static gboolean
accept_cb (GSocket      *socket,
           GIOCondition  condition,
           gpointer      user_data)
{
  DozorListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) accepted = g_socket_accept (self->socket, NULL, &error);

      if (accepted != NULL)
        {
          if (self->out_of_descriptors)
            g_message ("Accepting connections again");
          self->out_of_descriptors = FALSE;
          dozor_listener_take (self, accepted);
          continue;
        }

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
        {
          /* The listening socket stays readable: watching it now would
           * spin. Wait for descriptors to come free, then try again. */
          if (!self->out_of_descriptors)
            g_warning ("Cannot accept a connection: %s (%u connections open); trying again every %d ms",
                       error->message, g_hash_table_size (self->conns), ACCEPT_RETRY_MS);
          self->out_of_descriptors = TRUE;
          g_clear_pointer (&self->accept_source, g_source_unref);
          self->retry_id = g_timeout_add (ACCEPT_RETRY_MS, retry_cb, self);
          return G_SOURCE_REMOVE;
        }

      /* A client that gave up before being accepted, and the like. */
      g_debug ("accept(): %s", error->message);
    }

  return G_SOURCE_CONTINUE;
}

/* Ends what outlived its deadline; what closes leaves through
 * stream_closed_cb(). */
static gboolean
sweep_cb (gpointer user_data)
{
  DozorListener *self = user_data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) overdue = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  Conn *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
    {
      if (conn->shut_down_at != 0 && now > conn->shut_down_at + CLOSE_GRACE_US)
        {
          g_ptr_array_add (overdue, g_object_ref (conn->stream));
        }
      else if (conn->shut_down_at == 0 && conn->deadline != 0 && now > conn->deadline)
        {
          /* libsoup's reads and writes fail at once, and it closes. */
          g_debug ("Closing a connection from %s: no request in time", conn->address);
          g_socket_shutdown (dozor_conn_stream_get_socket (conn->stream), TRUE, TRUE, NULL);
          conn->shut_down_at = now;
        }
    }

  /* Closing forgets them: not while walking the table. */
  for (guint i = 0; i < overdue->len; i++)
    {
      g_io_stream_close (overdue->pdata[i], NULL, NULL);
      conn = g_hash_table_lookup (self->conns, overdue->pdata[i]);
      if (conn != NULL)
        forget (self, conn);
    }

  return G_SOURCE_CONTINUE;
}

static void
dozor_listener_dispose (GObject *object)
{
  DozorListener *self = DOZOR_LISTENER (object);

  if (self->accept_source != NULL)
    g_source_destroy (self->accept_source);
  g_clear_pointer (&self->accept_source, g_source_unref);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->sweep_id, g_source_remove);
  if (self->soup != NULL)
    g_signal_handlers_disconnect_by_data (self->soup, self);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);
  g_clear_object (&self->socket);
  g_clear_object (&self->soup);
  g_clear_object (&self->certificate);
  if (self->conns != NULL)
    {
      GHashTableIter iter;
      Conn *conn;

      /* libsoup may close them later: not into a listener that is gone. */
      g_hash_table_iter_init (&iter, self->conns);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &conn))
        g_signal_handlers_disconnect_by_data (conn->stream, self);
    }
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->per_address, g_hash_table_unref);

  G_OBJECT_CLASS (dozor_listener_parent_class)->dispose (object);
}

static void
dozor_listener_class_init (DozorListenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = dozor_listener_dispose;
}

static void
dozor_listener_init (DozorListener *self)
{
  self->conns = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) conn_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * dozor_listener_new:
 * @soup: the server that answers the requests
 * @certificate: (nullable): serve TLS with it
 * @limits: caps and timeouts; a max_connections of 0 or above what the
 *   descriptor limit allows is lowered to fit under it
 *
 * Returns: (transfer full): a listener; call dozor_listener_listen()
 */
DozorListener *
dozor_listener_new (SoupServer                *soup,
                    GTlsCertificate           *certificate,
                    const DozorListenerLimits *limits)
{
  DozorListener *self = g_object_new (DOZOR_TYPE_LISTENER, NULL);
  struct rlimit fds;
  guint64 fit = G_MAXUINT;

  self->soup = g_object_ref (soup);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->limits = *limits;

  if (getrlimit (RLIMIT_NOFILE, &fds) == 0 && fds.rlim_cur != RLIM_INFINITY)
    fit = fds.rlim_cur > 2 * DOZOR_LISTENER_RESERVED_FDS ? fds.rlim_cur - DOZOR_LISTENER_RESERVED_FDS
                                                          : MAX (fds.rlim_cur / 2, 1);
  if (self->limits.max_connections == 0 || self->limits.max_connections > fit)
    self->limits.max_connections = (guint) MIN (fit, G_MAXUINT);
  self->limits.max_per_address = MAX (self->limits.max_per_address, 1);

  g_signal_connect (soup, "request-started", G_CALLBACK (request_started_cb), self);
  self->sweep_id = g_timeout_add_seconds (1, sweep_cb, self);
  return self;
}

gboolean
dozor_listener_listen (DozorListener  *self,
                       GSocketAddress *address,
                       GError        **error)
{
  g_autoptr(GSocket) socket = NULL;

  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return FALSE;

  g_socket_set_blocking (socket, FALSE);
  /* The kernel caps this at net.core.somaxconn (4096 on current kernels);
   * a burst of boards reconnecting then waits for nobody's retransmit. */
  g_socket_set_listen_backlog (socket, 4096);
  if (!g_socket_bind (socket, address, TRUE, error) || !g_socket_listen (socket, error))
    return FALSE;

  self->socket = g_steal_pointer (&socket);
  watch_socket (self);
  return TRUE;
}

/* The address actually bound, as http://ADDR:PORT or https://. */
char *
dozor_listener_get_uri (DozorListener *self)
{
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (self->socket, NULL);
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (local);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  const char *scheme = self->certificate != NULL ? "https" : "http";

  if (g_inet_address_get_family (g_inet_socket_address_get_address (inet)) == G_SOCKET_FAMILY_IPV6)
    return g_strdup_printf ("%s://[%s]:%u", scheme, host, g_inet_socket_address_get_port (inet));
  return g_strdup_printf ("%s://%s:%u", scheme, host, g_inet_socket_address_get_port (inet));
}

guint
dozor_listener_get_max_connections (DozorListener *self)
{
  return self->limits.max_connections;
}

/**
 * dozor_listener_lookup:
 * @msg: a request on a connection a #DozorListener accepted
 *
 * Returns: (transfer none) (nullable): its connection
 */
DozorConnStream *
dozor_listener_lookup (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), stream_quark ()) : NULL;
}
