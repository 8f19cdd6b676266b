/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The soak's faulty wire. Every client of the soak talks to dozord through
 * this relay, so that a fault can strike a connection at any point of a
 * request or a stream without touching the clients' code: they see what
 * they would see on a bad network.
 */
#include "soak-proxy.h"

#include <string.h>
#include <sys/socket.h>

#define CHUNK 16384

typedef struct _Pipe Pipe;

typedef struct
{
  Pipe *pipe;
  gboolean upward; /* client to dozord */
  guint8 buffer[CHUNK];
  gsize held;
} Pump;

struct _Pipe
{
  SoakProxy *proxy;
  GSocketConnection *down; /* from the client */
  GSocketConnection *up;   /* to dozord */
  GCancellable *cancellable;
  gboolean seen_request;
  gboolean is_stream;
  gboolean closed;
  guint refs;
  Pump pumps[2];
};

struct _SoakProxy
{
  GSocketService *service;
  GSocketAddress *upstream;
  guint16 port;
  gboolean frozen;
  guint drops_armed;
  guint drops_done;
  GPtrArray *pipes; /* Pipe*, open ones */
  GPtrArray *held;  /* Pump*, waiting for the thaw */
  int receive_buffer; /* SO_RCVBUF towards dozord; 0: the kernel's own */
};

static void pump_read (Pump *pump);

static Pipe *
pipe_ref (Pipe *pipe)
{
  pipe->refs++;
  return pipe;
}

static void
pipe_unref (Pipe *pipe)
{
  if (--pipe->refs > 0)
    return;
  g_clear_object (&pipe->down);
  g_clear_object (&pipe->up);
  g_clear_object (&pipe->cancellable);
  g_free (pipe);
}

/* With @reset, the client gets an RST rather than a FIN: linger 0 makes the
 * kernel drop what is unsent and abort, as a dying middlebox would. */
static void
pipe_close (Pipe     *pipe,
            gboolean  reset)
{
  if (pipe->closed)
    return;
  pipe->closed = TRUE;
  g_cancellable_cancel (pipe->cancellable);

  if (reset && pipe->down != NULL)
    {
      struct linger abort_now = { 1, 0 };
      GSocket *socket = g_socket_connection_get_socket (pipe->down);

      setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
    }
  if (pipe->down != NULL)
    g_io_stream_close (G_IO_STREAM (pipe->down), NULL, NULL);
  if (pipe->up != NULL)
    g_io_stream_close (G_IO_STREAM (pipe->up), NULL, NULL);

  if (pipe->proxy != NULL)
    {
      g_ptr_array_remove (pipe->proxy->held, &pipe->pumps[0]);
      g_ptr_array_remove (pipe->proxy->held, &pipe->pumps[1]);
      /* The list's reference goes last. */
      if (g_ptr_array_remove (pipe->proxy->pipes, pipe))
        pipe_unref (pipe);
    }
}

static void
pump_written_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Pump *pump = user_data;
  Pipe *pipe = pump->pipe;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    pipe_close (pipe, FALSE);
  else if (!pipe->closed)
    pump_read (pump);
  pipe_unref (pipe);
}

static void
pump_write (Pump *pump)
{
  Pipe *pipe = pump->pipe;
  GIOStream *to = G_IO_STREAM (pump->upward ? pipe->up : pipe->down);

  /* Each operation under way holds the pipe; its callback lets go. */
  pipe_ref (pipe);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (to), pump->buffer, pump->held,
                                   G_PRIORITY_DEFAULT, pipe->cancellable, pump_written_cb, pump);
}

static void
pump_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pump *pump = user_data;
  Pipe *pipe = pump->pipe;
  SoakProxy *proxy = pipe->proxy;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || pipe->closed || proxy == NULL)
    {
      pipe_close (pipe, FALSE);
      pipe_unref (pipe);
      return;
    }

  /* The first bytes tell a WebSocket upgrade from a command: only a
   * command's answer is dropped, a stream is reset instead. */
  if (pump->upward && !pipe->seen_request)
    {
      static const char stream_request[] = "GET /api/v1/stream";

      pipe->seen_request = TRUE;
      pipe->is_stream = (gsize) n >= strlen (stream_request) &&
                        memcmp (pump->buffer, stream_request, strlen (stream_request)) == 0;
    }
  if (!pump->upward && !pipe->is_stream && proxy->drops_armed > 0)
    {
      proxy->drops_armed--;
      proxy->drops_done++;
      pipe_close (pipe, TRUE);
      pipe_unref (pipe);
      return;
    }

  pump->held = (gsize) n;
  if (proxy->frozen)
    g_ptr_array_add (proxy->held, pump);
  else
    pump_write (pump);
  pipe_unref (pipe);
}

static void
pump_read (Pump *pump)
{
  Pipe *pipe = pump->pipe;
  GIOStream *from = G_IO_STREAM (pump->upward ? pipe->down : pipe->up);

  pipe_ref (pipe);
  g_input_stream_read_async (g_io_stream_get_input_stream (from), pump->buffer, CHUNK, G_PRIORITY_DEFAULT,
                             pipe->cancellable, pump_read_cb, pump);
}

static void
upstream_connected_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Pipe *pipe = user_data;

  pipe->up = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, NULL);
  if (pipe->closed)
    ;
  else if (pipe->up == NULL)
    /* dozord is down: the client sees a refusal, as it would without us. */
    pipe_close (pipe, TRUE);
  else
    {
      pump_read (&pipe->pumps[0]);
      pump_read (&pipe->pumps[1]);
    }
  pipe_unref (pipe);
}

/* Set before the connect, so that the window dozord sees is small from
 * the start. */
static void
client_event_cb (GSocketClient      *client,
                 GSocketClientEvent  event,
                 GSocketConnectable *connectable,
                 GIOStream          *connection,
                 gpointer            user_data)
{
  SoakProxy *self = user_data;

  if (event == G_SOCKET_CLIENT_CONNECTING && self->receive_buffer > 0)
    g_socket_set_option (g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection)), SOL_SOCKET, SO_RCVBUF,
                         self->receive_buffer, NULL);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  SoakProxy *self = user_data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Pipe *pipe = g_new0 (Pipe, 1);

  pipe->proxy = self;
  pipe->refs = 1; /* the list's */
  pipe->down = g_object_ref (connection);
  pipe->cancellable = g_cancellable_new ();
  pipe->pumps[0] = (Pump) { .pipe = pipe, .upward = TRUE };
  pipe->pumps[1] = (Pump) { .pipe = pipe, .upward = FALSE };
  g_ptr_array_add (self->pipes, pipe);

  g_signal_connect (client, "event", G_CALLBACK (client_event_cb), self);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (self->upstream), pipe->cancellable,
                                 upstream_connected_cb, pipe_ref (pipe));
  return TRUE;
}

/**
 * soak_proxy_new:
 * @upstream_port: dozord's port on 127.0.0.1
 * @error: where a failure to listen is told
 *
 * Listens on a free port of 127.0.0.1 and relays each connection to dozord.
 *
 * Returns: (transfer full) (nullable): the relay, or %NULL with @error set
 */
SoakProxy *
soak_proxy_new (guint16   upstream_port,
                GError  **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  SoakProxy *self = g_new0 (SoakProxy, 1);

  self->service = g_socket_service_new ();
  self->upstream = g_inet_socket_address_new (loopback, upstream_port);
  self->pipes = g_ptr_array_new ();
  self->held = g_ptr_array_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), any, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    {
      soak_proxy_free (self);
      return NULL;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  return self;
}

void
soak_proxy_free (SoakProxy *self)
{
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  /* Callbacks still under way find the pipe closed and orphaned. */
  while (self->pipes->len > 0)
    {
      Pipe *pipe = g_ptr_array_steal_index (self->pipes, self->pipes->len - 1);

      pipe->proxy = NULL;
      pipe_close (pipe, FALSE);
      pipe_unref (pipe);
    }
  g_ptr_array_unref (self->pipes);
  g_ptr_array_unref (self->held);
  g_object_unref (self->upstream);
  g_object_unref (self->service);
  g_free (self);
}

guint16
soak_proxy_get_port (SoakProxy *self)
{
  return self->port;
}

/**
 * soak_proxy_set_receive_buffer:
 * @self: the relay
 * @bytes: the receive buffer of its connections to dozord opened from now
 *
 * A frozen relay holds what the kernels' buffers hold: on loopback they
 * grow to megabytes, which a reader that stops for seconds at thousands
 * of events a second never fills. A small buffer makes dozord's own queue
 * for it grow, as for a client over a slow link.
 */
void
soak_proxy_set_receive_buffer (SoakProxy *self,
                               int        bytes)
{
  self->receive_buffer = bytes;
}

/**
 * soak_proxy_set_frozen:
 * @self: the relay
 * @frozen: whether anything may move
 *
 * A frozen relay still accepts connections and reads what arrives, but
 * passes nothing on until it thaws: to each side the other has stalled.
 */
void
soak_proxy_set_frozen (SoakProxy *self,
                       gboolean   frozen)
{
  self->frozen = frozen;
  if (frozen)
    return;
  while (self->held->len > 0)
    pump_write (g_ptr_array_steal_index (self->held, 0));
}

/**
 * soak_proxy_reset_all:
 * @self: the relay
 *
 * Aborts every open connection, whatever it is doing.
 *
 * Returns: how many were aborted
 */
guint
soak_proxy_reset_all (SoakProxy *self)
{
  guint n = 0;

  while (self->pipes->len > 0)
    {
      pipe_close (self->pipes->pdata[self->pipes->len - 1], TRUE);
      n++;
    }
  return n;
}

/* The next answer to a command (any request but the stream) is swallowed,
 * once dozord has sent it, and its client reset. */
void
soak_proxy_arm_drop (SoakProxy *self)
{
  self->drops_armed++;
}

void
soak_proxy_disarm_drops (SoakProxy *self)
{
  self->drops_armed = 0;
}

/* Answers dropped since the last call. */
guint
soak_proxy_take_drops (SoakProxy *self)
{
  guint n = self->drops_done;

  self->drops_done = 0;
  return n;
}
