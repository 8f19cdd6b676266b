/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One client of the event stream: what has been handed to its WebSocket,
 * how much of that its socket has not taken yet, and whether its session
 * still stands.
 *
 * libsoup queues whatever it is handed, without bound, and says nothing of
 * its queue. The connection counts what libsoup has written
 * (DozorConnStream), so handed minus written is what waits in dozord. A
 * client that falls behind is not given more to queue: the store already
 * holds every event, so the client is fed from it, a page at a time, as
 * its socket drains. Within a page, a position that a later position of
 * the same unit supersedes goes out as a `coalesced` event with its seq
 * only: the seqs stay gapless, so the board applies the page as it would
 * the events. The pages are read, coalesced and packed once for every
 * client behind (DozorStreamPages).
 *
 * A client that asked for `batch=1` gets frames of several events
 * (DozorStreamFrame), live and from the store alike.
 */
#include "config.h"

#include <string.h>

#include "dozor-stream-client.h"
#include "dozor-stream-frames.h"
#include "dozor-stream-pages.h"

struct _DozorStreamClient
{
  GObject parent_instance;

  SoupWebsocketConnection *conn;
  DozorConnStream *stream; /* NULL if dozord did not accept it itself */
  char *token;
  gboolean batch;         /* several events per frame */

  guint64 written_before; /* what the connection had written before the stream */
  guint64 handed;         /* bytes of frames handed to libsoup since */
  gint64 seq;             /* the last event handed over */
  gboolean behind;        /* events after seq are only in the store */
  gboolean greeted;       /* the heartbeat after the backlog went out */

  guint64 last_acked;
  gint64 stalled_since;   /* monotonic µs since bytes wait, 0 while none do */
  gint64 closing_since;   /* monotonic µs of our close, 0 before */
};

G_DEFINE_FINAL_TYPE (DozorStreamClient, dozor_stream_client, G_TYPE_OBJECT)

static void
dozor_stream_client_finalize (GObject *object)
{
  DozorStreamClient *self = DOZOR_STREAM_CLIENT (object);

  g_clear_object (&self->conn);
  g_clear_object (&self->stream);
  g_free (self->token);

  G_OBJECT_CLASS (dozor_stream_client_parent_class)->finalize (object);
}

static void
dozor_stream_client_class_init (DozorStreamClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_stream_client_finalize;
}

static void
dozor_stream_client_init (DozorStreamClient *self)
{
}

/**
 * dozor_stream_client_new:
 * @conn: the WebSocket, just opened
 * @stream: (nullable): the connection under it
 * @token: the session the client opened it with
 * @since: the last seq the client has; what follows is sent from the store
 * @batch: whether it takes several events per frame
 *
 * Returns: (transfer full): the client
 */
DozorStreamClient *
dozor_stream_client_new (SoupWebsocketConnection *conn,
                         DozorConnStream         *stream,
                         const char              *token,
                         gint64                   since,
                         gboolean                 batch)
{
  DozorStreamClient *self = g_object_new (DOZOR_TYPE_STREAM_CLIENT, NULL);

  self->batch = batch;
  self->conn = g_object_ref (conn);
  self->stream = stream != NULL ? g_object_ref (stream) : NULL;
  self->token = g_strdup (token);
  self->seq = since;
  self->behind = TRUE;
  if (stream != NULL)
    self->written_before = dozor_conn_stream_get_written (stream);
  return self;
}

SoupWebsocketConnection *
dozor_stream_client_get_conn (DozorStreamClient *self)
{
  return self->conn;
}

gboolean
dozor_stream_client_get_batch (DozorStreamClient *self)
{
  return self->batch;
}

/* Events wait for it in the store, not in dozord's queue. */
gboolean
dozor_stream_client_is_behind (DozorStreamClient *self)
{
  return self->behind && dozor_stream_client_is_open (self);
}

gboolean
dozor_stream_client_is_open (DozorStreamClient *self)
{
  return soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* The last event handed over. */
gint64
dozor_stream_client_get_seq (DozorStreamClient *self)
{
  return self->seq;
}

/* Bytes handed over that the socket has not taken. */
static guint64
queued (DozorStreamClient *self)
{
  guint64 written;

  if (self->stream == NULL)
    return 0;
  written = dozor_conn_stream_get_written (self->stream) - self->written_before;
  return self->handed > written ? self->handed - written : 0;
}

/* Bytes that wait for the client: in dozord's queue, or in the kernel's
 * send queue. A client that reads nothing while all that was sent to it
 * fits in the two kernels' buffers (some MB) has stopped as surely as
 * one behind whom dozord queues. */
static guint64
waiting (DozorStreamClient *self)
{
  if (self->stream == NULL)
    return 0;
  return queued (self) + dozor_conn_stream_get_unacked (self->stream);
}

/* An unmasked server frame: its head and the payload. */
static guint64
frame_size (gsize length)
{
  return length + (length < 126 ? 2 : length <= G_MAXUINT16 ? 4 : 10);
}

/* A socket can start closing in the middle of a burst (a failed write
 * closes it); what follows is dropped, and the client resumes by seq. */
static void
hand_length (DozorStreamClient *self,
             const char        *text,
             gsize              length)
{
  g_autoptr(GBytes) bytes = NULL;

  if (!dozor_stream_client_is_open (self))
    return;
  /* Static bytes: libsoup copies them into its frame at once. */
  bytes = g_bytes_new_static (text, length);
  soup_websocket_connection_send_message (self->conn, SOUP_WEBSOCKET_DATA_TEXT, bytes);
  self->handed += frame_size (length);
}

static void
hand (DozorStreamClient *self,
      const char        *text)
{
  hand_length (self, text, strlen (text));
}

/**
 * dozor_stream_message:
 * @type: `heartbeat` or `reset`
 * @seq: the seq it carries
 *
 * Returns: (transfer full): the stream's own message of @type, as of now
 */
char *
dozor_stream_message (const char *type,
                      gint64      seq)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");

  return g_strdup_printf ("{\"type\":\"%s\",\"seq\":%" G_GINT64_FORMAT ",\"time\":\"%s\"}", type, seq, time);
}

static void
send_heartbeat (DozorStreamClient *self,
                gint64             seq)
{
  g_autofree char *json = dozor_stream_message ("heartbeat", seq);

  hand (self, json);
}

/**
 * dozor_stream_client_offer:
 * @event: a committed event
 * @seq: its seq, the next after every event offered before
 *
 * Hands a live event over, unless the client is behind: then it comes
 * later from the store. One the client already has is skipped: on
 * PostgreSQL a board may resume here with a seq that another instance
 * sent it and this one's follower has not read yet.
 */
void
dozor_stream_client_offer (DozorStreamClient *self,
                           const char        *event,
                           gint64             seq)
{
  if (seq <= self->seq)
    return;
  if (self->behind || seq != self->seq + 1)
    {
      self->behind = TRUE;
      return;
    }
  if (queued (self) >= DOZOR_STREAM_SOFT_BOUND)
    {
      self->behind = TRUE;
      return;
    }
  hand (self, event);
  self->seq = seq;
}

/**
 * dozor_stream_client_offer_frame:
 * @frame: committed events, packed, the first the next after every event
 *   offered before
 *
 * The same as dozor_stream_client_offer() for a client that takes several
 * events per frame.
 */
void
dozor_stream_client_offer_frame (DozorStreamClient      *self,
                                 const DozorStreamFrame *frame)
{
  if (frame->first_seq + frame->count - 1 <= self->seq)
    return;
  if (self->behind || frame->first_seq != self->seq + 1 || queued (self) >= DOZOR_STREAM_SOFT_BOUND)
    {
      self->behind = TRUE;
      return;
    }
  hand_length (self, frame->text, frame->length);
  self->seq = frame->first_seq + frame->count - 1;
}

/* A heartbeat tells the client how far the stream has come; a client that
 * is behind hears how far its own events have come, so that it does not
 * take the difference for a gap. */
void
dozor_stream_client_heartbeat (DozorStreamClient *self,
                               gint64             seq)
{
  if (self->greeted)
    send_heartbeat (self, self->behind ? self->seq : seq);
}

/* Hands over what a client that is behind lacks of a page, from the seq
 * after its own: the page's own frames when it starts at the page's
 * start, which is every page but the first after it fell behind. */
static void
hand_page (DozorStreamClient     *self,
           const DozorStreamPage *page)
{
  guint from = (guint) (self->seq + 1 - page->first_seq);

  if (self->batch && from == 0)
    {
      for (guint i = 0; i < page->frames->len; i++)
        {
          const DozorStreamFrame *frame = page->frames->pdata[i];

          hand_length (self, frame->text, frame->length);
        }
    }
  else if (self->batch)
    {
      g_autoptr(GPtrArray) tail = g_ptr_array_new_full (page->count - from, NULL);
      g_autoptr(GPtrArray) frames = NULL;

      for (guint i = from; i < page->count; i++)
        g_ptr_array_add (tail, page->events->pdata[i]);
      frames = dozor_stream_frames_pack (tail, self->seq + 1);
      for (guint i = 0; i < frames->len; i++)
        {
          const DozorStreamFrame *frame = frames->pdata[i];

          hand_length (self, frame->text, frame->length);
        }
    }
  else
    {
      for (guint i = from; i < page->count; i++)
        hand (self, page->events->pdata[i]);
    }
  self->seq = page->first_seq + page->count - 1;
}

/**
 * dozor_stream_client_catch_up:
 * @pages: the store's pages, shared by the clients that are behind
 * @head: the last event the stream has handed over live: the client is
 *   fed up to it, and what comes after reaches it live
 *
 * Feeds a client that is behind from the store while its socket keeps up;
 * once it has every event, it is live again and hears a heartbeat.
 */
void
dozor_stream_client_catch_up (DozorStreamClient *self,
                              DozorStreamPages  *pages,
                              gint64             head)
{
  for (guint step = 0; self->behind && step < 1000 && dozor_stream_client_is_open (self); step++)
    {
      g_autoptr(DozorStreamPage) page = NULL;

      if (self->seq >= head)
        {
          self->behind = FALSE;
          break;
        }
      if (queued (self) >= DOZOR_STREAM_SOFT_BOUND)
        return;

      page = dozor_stream_pages_get (pages, self->seq, head);
      if (page == NULL)
        return;
      hand_page (self, page);
    }

  if (!self->behind && !self->greeted)
    {
      self->greeted = TRUE;
      send_heartbeat (self, self->seq);
    }
}

void
dozor_stream_client_close (DozorStreamClient *self,
                           gushort            code,
                           const char        *reason)
{
  if (dozor_stream_client_is_open (self))
    {
      self->closing_since = g_get_monotonic_time ();
      soup_websocket_connection_close (self->conn, code, reason);
    }
}

/**
 * dozor_stream_client_check:
 * @store: where sessions are
 *
 * Ends the stream of a session that has ended (logged out, revoked,
 * expired, its user removed: also by another process on the same
 * database), and of a client whose socket has stopped taking bytes.
 */
void
dozor_stream_client_check (DozorStreamClient *self,
                           DozorStore        *store)
{
  g_autofree char *user = NULL;
  g_autofree char *role = NULL;
  g_autoptr(GError) error = NULL;
  gint64 expires_at = 0;
  gint64 now = g_get_monotonic_time ();

  /* libsoup waits for its close frame to be written before it gives the
   * peer time to answer: on a socket that takes nothing, never. */
  if (self->closing_since != 0)
    {
      if (soup_websocket_connection_get_state (self->conn) != SOUP_WEBSOCKET_STATE_CLOSED &&
          self->stream != NULL && now - self->closing_since > DOZOR_STREAM_STALL_SECONDS * G_USEC_PER_SEC)
        g_socket_shutdown (dozor_conn_stream_get_socket (self->stream), TRUE, TRUE, NULL);
      return;
    }

  if (!dozor_stream_client_is_open (self))
    return;

  /* A store that cannot answer has not ended the session. */
  if (!dozor_store_authenticate_full (store, self->token, &user, &role, &expires_at, &error))
    {
      if (error == NULL)
        dozor_stream_client_close (self, DOZOR_STREAM_CLOSE_UNAUTHORIZED, "session ended");
      return;
    }

  if (self->stream == NULL)
    return;

  /* What the client's TCP acknowledged tells whether it reads: a zero
   * window lets a probe's worth through now and then, so what counts is
   * how much it took over the whole window. */
  if (waiting (self) == 0 || self->stalled_since == 0 ||
      dozor_conn_stream_get_acked (self->stream) - self->last_acked >= DOZOR_STREAM_STALL_BYTES)
    {
      self->stalled_since = waiting (self) == 0 ? 0 : now;
      self->last_acked = dozor_conn_stream_get_acked (self->stream);
      return;
    }

  if (now - self->stalled_since > DOZOR_STREAM_STALL_SECONDS * G_USEC_PER_SEC)
    dozor_stream_client_close (self, DOZOR_STREAM_CLOSE_TOO_SLOW, "too slow; resume with since");
}
