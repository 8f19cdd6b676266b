/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One accepted connection as dozord hands it to libsoup: the socket (or
 * its TLS session) with two things libsoup 3.2 cannot do itself.
 *
 * - It counts the bytes libsoup has written, so that the stream can tell
 *   how much of what it handed to a WebSocket is still queued in dozord:
 *   libsoup has no queue-size API, and the kernel's counters see TLS
 *   records, not the frames handed over.
 * - Once the connection is a WebSocket, it reads the client's frame heads
 *   as they pass. libsoup checks each frame against
 *   max-incoming-payload-size but not a message made of many fragments, and
 *   inflates permessage-deflate without bound; a client of the stream has
 *   nothing to send, so any data message longer than
 *   DOZOR_CONN_STREAM_MAX_CLIENT_MESSAGE stops the input here (libsoup sees
 *   no more bytes) and the owner closes the socket with 1009.
 */
#include "config.h"

#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "dozor-conn-stream.h"

/* --- Input: frame heads of a WebSocket client ------------------------------ */

#define DOZOR_TYPE_CONN_INPUT (dozor_conn_input_get_type ())
G_DECLARE_FINAL_TYPE (DozorConnInput, dozor_conn_input, DOZOR, CONN_INPUT, GInputStream)

struct _DozorConnInput
{
  GInputStream parent_instance;

  GInputStream *base;
  DozorConnStream *owner; /* not a reference: the owner holds this stream */
  gboolean websocket;
  gboolean blocked;

  /* The frame being read: its head so far, then how much payload is left. */
  guint8 head[14];
  guint head_length;
  guint64 payload_left;
  guint64 message_length; /* data of the message so far, over its fragments */
};

static void dozor_conn_input_pollable_init (GPollableInputStreamInterface *iface);
static void conn_stream_violation (DozorConnStream *self);

G_DEFINE_FINAL_TYPE_WITH_CODE (DozorConnInput, dozor_conn_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      dozor_conn_input_pollable_init))

/* Bytes a frame head needs, once its first two are known. */
static guint
head_size (const guint8 *head)
{
  guint size = 2 + ((head[1] & 0x80) != 0 ? 4 : 0);

  switch (head[1] & 0x7f)
    {
    case 126: return size + 2;
    case 127: return size + 8;
    default: return size;
    }
}

static guint64
head_payload_length (const guint8 *head)
{
  guint64 length = head[1] & 0x7f;

  if (length == 126)
    return ((guint64) head[2] << 8) | head[3];
  if (length == 127)
    {
      length = 0;
      for (guint i = 2; i < 10; i++)
        length = (length << 8) | head[i];
    }
  return length;
}

/* Walks the frames in what was just read; FALSE once a client has gone
 * past the limit. Control frames (opcode 8 and up) are libsoup's to judge:
 * it refuses them above 125 bytes. */
static gboolean
inspect (DozorConnInput *self,
         const guint8   *data,
         gsize           length)
{
  gsize at = 0;

  while (at < length)
    {
      if (self->payload_left > 0)
        {
          gsize skip = MIN (self->payload_left, length - at);

          self->payload_left -= skip;
          at += skip;
          continue;
        }

      self->head[self->head_length++] = data[at++];
      if (self->head_length < 2 || self->head_length < head_size (self->head))
        continue;

      {
        guint opcode = self->head[0] & 0x0f;
        gboolean fin = (self->head[0] & 0x80) != 0;
        guint64 payload = head_payload_length (self->head);

        self->head_length = 0;
        self->payload_left = payload;
        if (opcode >= 8)
          continue;

        /* Compressed data (RSV1) counts as a breach: dozord offers no
         * extension, so nothing a client sends may inflate. */
        self->message_length += payload;
        if (self->message_length > DOZOR_CONN_STREAM_MAX_CLIENT_MESSAGE || (self->head[0] & 0x70) != 0)
          return FALSE;
        if (fin)
          self->message_length = 0;
      }
    }

  return TRUE;
}

static gboolean
refuse_if_blocked (DozorConnInput  *self,
                   GError         **error)
{
  if (!self->blocked)
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "Input stopped");
  return TRUE;
}

/* What was read, as the reader is to see it. */
static gssize
after_read (DozorConnInput  *self,
            void            *buffer,
            gssize           n,
            GError         **error)
{
  if (n > 0 && self->websocket && !inspect (self, buffer, n))
    {
      /* Nothing of the offending frame reaches libsoup; it waits for more
       * input that never comes until the owner closes. */
      self->blocked = TRUE;
      conn_stream_violation (self->owner);
      refuse_if_blocked (self, error);
      return -1;
    }
  return n;
}

static gssize
dozor_conn_input_read (GInputStream  *stream,
                       void          *buffer,
                       gsize          count,
                       GCancellable  *cancellable,
                       GError       **error)
{
  DozorConnInput *self = DOZOR_CONN_INPUT (stream);

  if (refuse_if_blocked (self, error))
    return -1;
  return after_read (self, buffer, g_input_stream_read (self->base, buffer, count, cancellable, error), error);
}

static gboolean
dozor_conn_input_close (GInputStream  *stream,
                        GCancellable  *cancellable,
                        GError       **error)
{
  /* The base is closed with the whole connection. */
  return TRUE;
}

static gboolean
dozor_conn_input_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
dozor_conn_input_is_readable (GPollableInputStream *stream)
{
  DozorConnInput *self = DOZOR_CONN_INPUT (stream);

  return !self->blocked && g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

static GSource *
dozor_conn_input_create_source (GPollableInputStream *stream,
                                GCancellable         *cancellable)
{
  DozorConnInput *self = DOZOR_CONN_INPUT (stream);
  g_autoptr(GSource) base = NULL;

  /* A blocked input never wakes its reader again. */
  if (self->blocked)
    base = g_timeout_source_new_seconds (G_MAXUINT / 2);
  else
    base = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (stream, base, cancellable);
}

static gssize
dozor_conn_input_read_nonblocking (GPollableInputStream  *stream,
                                   void                  *buffer,
                                   gsize                  count,
                                   GError               **error)
{
  DozorConnInput *self = DOZOR_CONN_INPUT (stream);

  if (refuse_if_blocked (self, error))
    return -1;
  return after_read (self, buffer,
                     g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (self->base), buffer, count,
                                                               NULL, error),
                     error);
}

static void
dozor_conn_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = dozor_conn_input_can_poll;
  iface->is_readable = dozor_conn_input_is_readable;
  iface->create_source = dozor_conn_input_create_source;
  iface->read_nonblocking = dozor_conn_input_read_nonblocking;
}

static void
dozor_conn_input_finalize (GObject *object)
{
  g_clear_object (&DOZOR_CONN_INPUT (object)->base);
  G_OBJECT_CLASS (dozor_conn_input_parent_class)->finalize (object);
}

static void
dozor_conn_input_class_init (DozorConnInputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_conn_input_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = dozor_conn_input_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = dozor_conn_input_close;
}

static void
dozor_conn_input_init (DozorConnInput *self)
{
}

/* --- Output: counts what was written ---------------------------------------- */

#define DOZOR_TYPE_CONN_OUTPUT (dozor_conn_output_get_type ())
G_DECLARE_FINAL_TYPE (DozorConnOutput, dozor_conn_output, DOZOR, CONN_OUTPUT, GOutputStream)

struct _DozorConnOutput
{
  GOutputStream parent_instance;

  GOutputStream *base;
  guint64 written;
};

static void dozor_conn_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DozorConnOutput, dozor_conn_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      dozor_conn_output_pollable_init))

static gssize
dozor_conn_output_write (GOutputStream  *stream,
                         const void     *buffer,
                         gsize           count,
                         GCancellable   *cancellable,
                         GError        **error)
{
  DozorConnOutput *self = DOZOR_CONN_OUTPUT (stream);
  gssize n = g_output_stream_write (self->base, buffer, count, cancellable, error);

  if (n > 0)
    self->written += n;
  return n;
}

static gboolean
dozor_conn_output_flush (GOutputStream  *stream,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return g_output_stream_flush (DOZOR_CONN_OUTPUT (stream)->base, cancellable, error);
}

static gboolean
dozor_conn_output_close (GOutputStream  *stream,
                         GCancellable   *cancellable,
                         GError        **error)
{
  return TRUE;
}

static gboolean
dozor_conn_output_can_poll (GPollableOutputStream *stream)
{
  return TRUE;
}

static gboolean
dozor_conn_output_is_writable (GPollableOutputStream *stream)
{
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (DOZOR_CONN_OUTPUT (stream)->base));
}

static GSource *
dozor_conn_output_create_source (GPollableOutputStream *stream,
                                 GCancellable          *cancellable)
{
  g_autoptr(GSource) base = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (DOZOR_CONN_OUTPUT (stream)->base),
                                                                    NULL);

  return g_pollable_source_new_full (stream, base, cancellable);
}

static gssize
dozor_conn_output_write_nonblocking (GPollableOutputStream  *stream,
                                     const void             *buffer,
                                     gsize                   count,
                                     GError                **error)
{
  DozorConnOutput *self = DOZOR_CONN_OUTPUT (stream);
  gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                         buffer, count, NULL, error);

  if (n > 0)
    self->written += n;
  return n;
}

static void
dozor_conn_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = dozor_conn_output_can_poll;
  iface->is_writable = dozor_conn_output_is_writable;
  iface->create_source = dozor_conn_output_create_source;
  iface->write_nonblocking = dozor_conn_output_write_nonblocking;
}

static void
dozor_conn_output_finalize (GObject *object)
{
  g_clear_object (&DOZOR_CONN_OUTPUT (object)->base);
  G_OBJECT_CLASS (dozor_conn_output_parent_class)->finalize (object);
}

static void
dozor_conn_output_class_init (DozorConnOutputClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_conn_output_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = dozor_conn_output_write;
  G_OUTPUT_STREAM_CLASS (klass)->flush = dozor_conn_output_flush;
  G_OUTPUT_STREAM_CLASS (klass)->close_fn = dozor_conn_output_close;
}

static void
dozor_conn_output_init (DozorConnOutput *self)
{
}

/* --- The connection ------------------------------------------------------- */

struct _DozorConnStream
{
  GIOStream parent_instance;

  GIOStream *base;
  GSocket *socket;
  DozorConnInput *input;
  DozorConnOutput *output;

  DozorConnStreamViolationFunc violation_func;
  gpointer violation_data;
  GDestroyNotify violation_destroy;
  gboolean violated;
  guint violation_id;
};

G_DEFINE_FINAL_TYPE (DozorConnStream, dozor_conn_stream, G_TYPE_IO_STREAM)

enum { CLOSED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
violation_cb (gpointer user_data)
{
  DozorConnStream *self = user_data;

  self->violation_id = 0;
  if (self->violation_func != NULL)
    self->violation_func (self->violation_data);
  return G_SOURCE_REMOVE;
}

/* Inside libsoup's read: the owner acts from an idle, not under its feet. */
static void
conn_stream_violation (DozorConnStream *self)
{
  if (self->violated)
    return;
  self->violated = TRUE;
  self->violation_id = g_idle_add_full (G_PRIORITY_DEFAULT, violation_cb, g_object_ref (self), g_object_unref);
}

static GInputStream *
dozor_conn_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (DOZOR_CONN_STREAM (stream)->input);
}

static GOutputStream *
dozor_conn_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (DOZOR_CONN_STREAM (stream)->output);
}

static gboolean
dozor_conn_stream_close (GIOStream     *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(DozorConnStream) self = g_object_ref (DOZOR_CONN_STREAM (stream));
  gboolean closed = g_io_stream_close (self->base, cancellable, error);

  g_signal_emit (self, signals[CLOSED], 0);
  return closed;
}

static void
close_ready_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  gboolean closed = g_io_stream_close_finish (G_IO_STREAM (source), result, &error);

  g_signal_emit (g_task_get_source_object (task), signals[CLOSED], 0);
  if (closed)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* GIOStream's default would run the synchronous close in a thread. */
static void
dozor_conn_stream_close_async (GIOStream           *stream,
                               int                  io_priority,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_io_stream_close_async (DOZOR_CONN_STREAM (stream)->base, io_priority, cancellable, close_ready_cb, task);
}

static gboolean
dozor_conn_stream_close_finish (GIOStream     *stream,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
dozor_conn_stream_dispose (GObject *object)
{
  DozorConnStream *self = DOZOR_CONN_STREAM (object);

  if (self->violation_destroy != NULL)
    self->violation_destroy (self->violation_data);
  self->violation_destroy = NULL;
  self->violation_func = NULL;

  G_OBJECT_CLASS (dozor_conn_stream_parent_class)->dispose (object);
}

static void
dozor_conn_stream_finalize (GObject *object)
{
  DozorConnStream *self = DOZOR_CONN_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (dozor_conn_stream_parent_class)->finalize (object);
}

static void
dozor_conn_stream_class_init (DozorConnStreamClass *klass)
{
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = dozor_conn_stream_dispose;
  G_OBJECT_CLASS (klass)->finalize = dozor_conn_stream_finalize;
  stream_class->get_input_stream = dozor_conn_stream_get_input_stream;
  stream_class->get_output_stream = dozor_conn_stream_get_output_stream;
  stream_class->close_fn = dozor_conn_stream_close;
  stream_class->close_async = dozor_conn_stream_close_async;
  stream_class->close_finish = dozor_conn_stream_close_finish;

  /* The socket is closed: its descriptor is free again. */
  signals[CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
dozor_conn_stream_init (DozorConnStream *self)
{
}

/**
 * dozor_conn_stream_new:
 * @base: an accepted #GSocketConnection, or a #GTlsConnection over one
 * @socket: the accepted socket under @base
 *
 * Returns: (transfer full): the connection to hand to libsoup
 */
DozorConnStream *
dozor_conn_stream_new (GIOStream *base,
                       GSocket   *socket)
{
  DozorConnStream *self = g_object_new (DOZOR_TYPE_CONN_STREAM, NULL);

  self->base = g_object_ref (base);
  self->socket = g_object_ref (socket);
  self->input = g_object_new (DOZOR_TYPE_CONN_INPUT, NULL);
  self->input->base = g_object_ref (g_io_stream_get_input_stream (base));
  self->input->owner = self;
  self->output = g_object_new (DOZOR_TYPE_CONN_OUTPUT, NULL);
  self->output->base = g_object_ref (g_io_stream_get_output_stream (base));
  return self;
}

/**
 * dozor_conn_stream_get_socket:
 *
 * Returns: (transfer none): the socket under the connection
 */
GSocket *
dozor_conn_stream_get_socket (DozorConnStream *self)
{
  return self->socket;
}

/* Every byte libsoup has written on the connection so far, above TLS. */
guint64
dozor_conn_stream_get_written (DozorConnStream *self)
{
  return self->output->written;
}

/* Bytes the peer's TCP has acknowledged: what reached its kernel, which
 * stops growing when it does not read. Unlike what libsoup wrote, it does
 * not move when our own kernel grows its send buffer. */
guint64
dozor_conn_stream_get_acked (DozorConnStream *self)
{
  struct tcp_info info = { 0 };
  socklen_t length = sizeof info;

  if (getsockopt (g_socket_get_fd (self->socket), IPPROTO_TCP, TCP_INFO, &info, &length) != 0 ||
      length < offsetof (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked)
    return self->output->written;
  return info.tcpi_bytes_acked;
}

/* Bytes in our kernel's send queue: written but not yet acknowledged
 * by the peer's TCP (sent or not). A client that reads nothing holds
 * them there even when dozord's own queue is empty. */
guint64
dozor_conn_stream_get_unacked (DozorConnStream *self)
{
  int bytes = 0;

  if (ioctl (g_socket_get_fd (self->socket), SIOCOUTQ, &bytes) != 0 || bytes < 0)
    return 0;
  return (guint64) bytes;
}

/* From the 101 on, the client's bytes are WebSocket frames. */
void
dozor_conn_stream_watch_websocket (DozorConnStream *self)
{
  self->input->websocket = TRUE;
}

void
dozor_conn_stream_set_violation_func (DozorConnStream              *self,
                                      DozorConnStreamViolationFunc  func,
                                      gpointer                      user_data,
                                      GDestroyNotify                destroy)
{
  if (self->violation_destroy != NULL)
    self->violation_destroy (self->violation_data);
  self->violation_func = func;
  self->violation_data = user_data;
  self->violation_destroy = destroy;

  /* The client may have broken the limit before anyone listened. */
  if (self->violated && self->violation_id == 0 && func != NULL)
    self->violation_id = g_idle_add_full (G_PRIORITY_DEFAULT, violation_cb, g_object_ref (self), g_object_unref);
}

gboolean
dozor_conn_stream_get_violated (DozorConnStream *self)
{
  return self->violated;
}
