/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The board's link to dozord (docs/api.md): log in, load the snapshot, then
 * follow the stream from the snapshot's as_of_seq, applying events to a
 * DozorSituation strictly in order. Whatever goes wrong — a dropped socket,
 * a silent one (no heartbeat for 15 s), a gap in the seqs, a restarted
 * server — ends in the same place: drop the link and resume from the last
 * applied seq after a capped, jittered backoff; a reset (the server no
 * longer has our seq) loads a new snapshot first. So no event is lost or
 * applied twice, whatever the network does.
 *
 * The snapshot can be megabytes: it is parsed in a worker thread. So are
 * the stream's frames (DozorStreamDecoder): at thousands of positions a
 * second the main thread only applies them, a run of fixes at a time.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-stream-decoder.h"
#include "dozor-sync-client.h"

/* A snapshot of 5,000 units and the city's zones is a few MiB. */
#define MAX_SNAPSHOT_BYTES (64 * 1024 * 1024)
/* Events are small; a zone's geometry is the largest, under the 1 MiB
 * request cap. libsoup's default (128 KiB) would close the socket on one;
 * 0 would mean no limit at all. */
#define MAX_EVENT_BYTES (2 * 1024 * 1024)

struct _DozorSyncClient
{
  GObject parent_instance;

  SoupSession *session;
  char *base_url;
  DozorSituation *situation;
  char *username;
  char *password;
  char *token;
  char *role;       /* NULL until the server said, at login or for a kept token */
  char *last_error;
  DozorSyncState state;
  gboolean running;
  gboolean have_snapshot;

  GCancellable *cancellable;
  SoupWebsocketConnection *conn;
  DozorStreamDecoder *decoder;
  guint retry_id;
  guint watchdog_id;
  guint attempts;
  gboolean database_down; /* the last stream was closed with 4503 */
  gint64 last_heard; /* monotonic µs: the last frame, shown as "last news" */
  /* Monotonic µs: when the stream was opened, which the watchdog counts
   * from too. Not news: while the database fails over every stream is
   * opened and closed with 4503 every 1–2 s, and the board would say
   * "last news 0 s ago" throughout. */
  gint64 opened_at;
  GRand *rand;

  DozorOutbox *outbox;
  gboolean sending;
  gboolean read_only; /* a replay is on screen: no command is made */
  guint command_retry_id;
};

G_DEFINE_FINAL_TYPE (DozorSyncClient, dozor_sync_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  COMMAND_ANSWERED,
  OUTBOX_CHANGED,
  LOGGED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A command the server could not take now (down, overloaded) is tried
 * again this much later while the link is up. */
#define COMMAND_RETRY_SECONDS 2

static void connect_step (DozorSyncClient *self);
static void flush_outbox (DozorSyncClient *self);

static void
drop_stream (DozorSyncClient *self)
{
  /* Frames of this link still being read would come after the resume's. */
  if (self->decoder != NULL)
    dozor_stream_decoder_reset (self->decoder);
  if (self->conn == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->conn);
}

static void
dozor_sync_client_dispose (GObject *object)
{
  DozorSyncClient *self = (DozorSyncClient *)object;

  dozor_sync_client_stop (self);
  g_clear_object (&self->session);
  g_clear_object (&self->situation);
  g_clear_object (&self->outbox);
  g_clear_object (&self->decoder);

  G_OBJECT_CLASS (dozor_sync_client_parent_class)->dispose (object);
}

static void
dozor_sync_client_finalize (GObject *object)
{
  DozorSyncClient *self = (DozorSyncClient *)object;

  g_free (self->base_url);
  g_free (self->username);
  g_free (self->password);
  g_free (self->token);
  g_free (self->role);
  g_free (self->last_error);
  g_rand_free (self->rand);

  G_OBJECT_CLASS (dozor_sync_client_parent_class)->finalize (object);
}

static void
dozor_sync_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  DozorSyncClient *self = DOZOR_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_uint (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dozor_sync_client_class_init (DozorSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dozor_sync_client_dispose;
  object_class->finalize = dozor_sync_client_finalize;
  object_class->get_property = dozor_sync_client_get_property;

  /* A #DozorSyncState. */
  properties[PROP_STATE] = g_param_spec_uint ("state", NULL, NULL, DOZOR_SYNC_OFFLINE, DOZOR_SYNC_RECONNECTING,
                                              DOZOR_SYNC_OFFLINE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * DozorSyncClient::command-answered:
   * @client: the client
   * @key: the command's idempotency key, as dozor_sync_client_send() gave it
   * @status: the HTTP status of the answer
   * @summary: what the user asked for, in words
   * @answer: (nullable): the answer's JSON
   *
   * The server took or refused a command. Emitted before the command leaves
   * the outbox: if the board dies in between, the command is sent again
   * and the server answers the same, so it still happens once.
   */
  signals[COMMAND_ANSWERED] = g_signal_new ("command-answered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL, G_TYPE_NONE, 4,
                                            G_TYPE_STRING, G_TYPE_UINT, G_TYPE_STRING, JSON_TYPE_NODE);

  /**
   * DozorSyncClient::outbox-changed:
   * @client: the client
   *
   * A command joined or left the outbox.
   */
  signals[OUTBOX_CHANGED] = g_signal_new ("outbox-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * DozorSyncClient::logged-in:
   * @client: the client
   * @token: the new bearer token
   * @expires_at: when it ends, Unix seconds
   *
   * The password was taken and the server gave a new token, which a desk
   * board may keep (dozor_keyring_keep_login_async()).
   */
  signals[LOGGED_IN] = g_signal_new ("logged-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT64);
}

static void
dozor_sync_client_init (DozorSyncClient *self)
{
  self->rand = g_rand_new ();
}

/**
 * dozor_sync_client_new:
 * @backend_url: where dozord answers, such as http://127.0.0.1:8470
 * @situation: the situation to keep up to date
 *
 * Returns: (transfer full): a client; set credentials, then start it
 */
DozorSyncClient *
dozor_sync_client_new (const char     *backend_url,
                       DozorSituation *situation)
{
  DozorSyncClient *self = g_object_new (DOZOR_TYPE_SYNC_CLIENT, NULL);

  self->base_url = g_strdup (backend_url);
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->situation = g_object_ref (situation);
  self->session = soup_session_new_with_options ("timeout", 30, "idle-timeout", 60,
                                                 "user-agent", "dozor/" PACKAGE_VERSION " ", NULL);
  return self;
}

void
dozor_sync_client_set_credentials (DozorSyncClient *self,
                                   const char      *username,
                                   const char      *password)
{
  g_free (self->username);
  self->username = g_strdup (username);
  g_free (self->password);
  self->password = g_strdup (password);
  g_clear_pointer (&self->token, g_free);
}

/**
 * dozor_sync_client_set_saved_login:
 * @self: a #DozorSyncClient
 * @username: whose token it is
 * @token: a bearer token kept from an earlier login
 *
 * Starts with @token instead of a password. The client asks the server
 * whose it is first; when the token has ended, the client goes offline with
 * an error and needs dozor_sync_client_set_credentials().
 */
void
dozor_sync_client_set_saved_login (DozorSyncClient *self,
                                   const char      *username,
                                   const char      *token)
{
  g_free (self->username);
  self->username = g_strdup (username);
  g_clear_pointer (&self->password, g_free);
  g_free (self->token);
  self->token = g_strdup (token);
  g_clear_pointer (&self->role, g_free);
}

static void
set_state (DozorSyncClient *self,
           DozorSyncState   state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_debug ("Link state: %s", (const char *[]) { "offline", "connecting", "live", "reconnecting" }[state]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);

  /* What was made while the link was down goes out now, in order. */
  if (state == DOZOR_SYNC_LIVE)
    flush_outbox (self);
}

static void
set_error (DozorSyncClient *self,
           const char      *message)
{
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_debug ("Sync: %s", message);
}

static gboolean
retry_cb (gpointer user_data)
{
  DozorSyncClient *self = user_data;

  self->retry_id = 0;
  connect_step (self);
  return G_SOURCE_REMOVE;
}

/* Tries again after 0.5 s, 1 s, 2 s … up to 30 s, each delay shortened by
 * up to half at random, so that twenty boards do not knock at once after a
 * server restart. While the server says its database is failing over
 * (4503, or 503 to the stream's upgrade), up to 2 s: Patroni promotes a standby in 5–30 s, and a board
 * at 30 s stayed not live up to 22 s after the new primary took writes
 * (docs/operations-postgresql.md). Refusing a board costs the server one
 * handshake, not a database call. */
static void
schedule_retry (DozorSyncClient *self,
                gboolean         at_once)
{
  guint cap = self->database_down ? DOZOR_SYNC_DATABASE_RETRY_MS : DOZOR_SYNC_MAX_RETRY_MS;
  guint delay;

  drop_stream (self);
  if (!self->running || self->retry_id != 0)
    return;

  delay = at_once ? 0 : MIN (cap, (guint) DOZOR_SYNC_FIRST_RETRY_MS << MIN (self->attempts, 16));
  delay -= (guint) g_rand_int_range (self->rand, 0, (gint32) delay / 2 + 1);
  self->attempts++;
  set_state (self, DOZOR_SYNC_RECONNECTING);
  self->retry_id = g_timeout_add (delay, retry_cb, self);
}

static SoupMessage *
api_message (DozorSyncClient *self,
             const char      *method,
             const char      *path)
{
  g_autofree char *url = g_strconcat (self->base_url, "/api/v1/", path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (msg != NULL && self->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  return msg;
}

/* --- Stream ---------------------------------------------------------------- */

/* An event, applied; FALSE once the stream has to start again. */
static gboolean
apply_event (DozorSyncClient *self,
             JsonNode        *node)
{
  if (dozor_situation_apply_event (self->situation, node) == DOZOR_APPLY_GAP)
    {
      set_error (self, _("Events went missing; catching up"));
      schedule_retry (self, TRUE);
      return FALSE;
    }
  return TRUE;
}

/* One frame's items, read by the decoder's worker, in order. Changes are
 * told once for the frame. */
static void
frame_decoded_cb (GPtrArray *items,
                  gpointer   user_data)
{
  DozorSyncClient *self = user_data;
  gboolean go_on = TRUE;

  dozor_situation_hold_changes (self->situation);
  for (guint i = 0; i < items->len && go_on; i++)
    {
      DozorStreamItem *item = items->pdata[i];

      switch (item->kind)
        {
        case DOZOR_STREAM_FIXES:
          if (dozor_situation_apply_fixes (self->situation, (DozorUnitFix *) item->fixes->data, item->fixes->len,
                                           item->first_seq, item->last_seq) == DOZOR_APPLY_GAP)
            {
              set_error (self, _("Events went missing; catching up"));
              schedule_retry (self, TRUE);
              go_on = FALSE;
            }
          break;

        case DOZOR_STREAM_EVENT:
          go_on = apply_event (self, item->event);
          break;

        case DOZOR_STREAM_HEARTBEAT:
          set_state (self, DOZOR_SYNC_LIVE);
          self->attempts = 0;
          self->database_down = FALSE;
          /* Events come before the heartbeat that counts them: a higher seq
           * here means some never arrived. */
          if (item->first_seq > dozor_situation_get_seq (self->situation))
            {
              set_error (self, _("Events went missing; catching up"));
              schedule_retry (self, TRUE);
              go_on = FALSE;
            }
          break;

        case DOZOR_STREAM_RESET:
          self->have_snapshot = FALSE;
          schedule_retry (self, TRUE);
          go_on = FALSE;
          break;

        case DOZOR_STREAM_BAD_FRAME:
          set_error (self, item->error != NULL ? item->error : _("The server sent something that is not an event"));
          break;

        case DOZOR_STREAM_BAD_EVENT:
          set_error (self, _("The server sent something that is not an event"));
          schedule_retry (self, TRUE);
          go_on = FALSE;
          break;
        }
    }
  dozor_situation_release_changes (self->situation);
}

static void
message_cb (SoupWebsocketConnection *conn,
            gint                     data_type,
            GBytes                  *message,
            DozorSyncClient         *self)
{
  self->last_heard = g_get_monotonic_time ();
  /* The stream is opened with batch=1: a frame may hold an array of
   * events in seq order. */
  dozor_stream_decoder_push (self->decoder, message);
}

static void
closed_cb (SoupWebsocketConnection *conn,
           DozorSyncClient         *self)
{
  /* 4401: the token expired or the server forgot it; log in again. */
  if (soup_websocket_connection_get_close_code (conn) == 4401)
    g_clear_pointer (&self->token, g_free);
  self->database_down = soup_websocket_connection_get_close_code (conn) == 4503;

  set_error (self, _("The connection to the server was closed"));
  schedule_retry (self, FALSE);
}

static void
stream_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  DozorSyncClient *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

          /* A 503 to the upgrade is dozord's refusal, or a balancer's with
           * no instance whose store answers: a database failing over, as a
           * 4503 is. No server to say anything: the usual backoff. */
          self->database_down = msg != NULL && soup_message_get_status (msg) == SOUP_STATUS_SERVICE_UNAVAILABLE;
          set_error (self, error->message);
          schedule_retry (self, FALSE);
        }
      return;
    }

  self->conn = conn;
  self->opened_at = g_get_monotonic_time ();
  if (self->decoder == NULL)
    self->decoder = dozor_stream_decoder_new (MAX_EVENT_BYTES, frame_decoded_cb, self);
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_EVENT_BYTES);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), self);
}

static void
open_stream (DozorSyncClient *self)
{
  /* Several events per frame: at thousands a second, a frame each costs
   * more than the events (docs/api.md). */
  g_autofree char *path = g_strdup_printf ("stream?since=%" G_GINT64_FORMAT "&batch=1",
                                           dozor_situation_get_seq (self->situation));
  g_autoptr(SoupMessage) msg = api_message (self, "GET", path);

  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, stream_connected_cb, self);
}

/* A silent socket may be dead without closing: after three missed
 * heartbeats, drop it and resume. */
static gboolean
watchdog_cb (gpointer user_data)
{
  DozorSyncClient *self = user_data;

  if (self->conn != NULL &&
      g_get_monotonic_time () - MAX (self->last_heard, self->opened_at) > DOZOR_SYNC_DEAD_AFTER_SECONDS * G_USEC_PER_SEC)
    {
      set_error (self, _("No word from the server for 15 seconds"));
      schedule_retry (self, FALSE);
    }
  return G_SOURCE_CONTINUE;
}

/* --- Commands -------------------------------------------------------------- */

static gboolean
command_retry_cb (gpointer user_data)
{
  DozorSyncClient *self = user_data;

  self->command_retry_id = 0;
  flush_outbox (self);
  return G_SOURCE_REMOVE;
}

static void
retry_commands_later (DozorSyncClient *self)
{
  if (self->command_retry_id == 0)
    self->command_retry_id = g_timeout_add_seconds (COMMAND_RETRY_SECONDS, command_retry_cb, self);
}

typedef struct
{
  DozorSyncClient *self;
  DozorOutboxEntry *entry;
} Sending;

static void
sending_free (Sending *sending)
{
  g_object_unref (sending->self);
  dozor_outbox_entry_free (sending->entry);
  g_free (sending);
}

static void
command_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Sending *sending = user_data;
  DozorSyncClient *self = sending->self;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonNode) answer = NULL;
  guint status = msg != NULL ? soup_message_get_status (msg) : 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      sending_free (sending);
      return;
    }
  self->sending = FALSE;

  /* Not answered, or not by the application: the command stays and goes
   * again with the same key. */
  if (bytes == NULL || status >= 500 || status == 429 || status == SOUP_STATUS_REQUEST_TIMEOUT)
    {
      g_debug ("Command “%s” not taken yet: %s", sending->entry->summary,
               error != NULL ? error->message : soup_message_get_reason_phrase (msg));
      retry_commands_later (self);
      sending_free (sending);
      return;
    }
  if (status == SOUP_STATUS_UNAUTHORIZED)
    {
      /* The token expired: log in again; the command waits. */
      g_clear_pointer (&self->token, g_free);
      schedule_retry (self, TRUE);
      sending_free (sending);
      return;
    }

  {
    gsize length;
    const char *data = g_bytes_get_data (bytes, &length);

    answer = dozor_json_parse (data, length, MAX_EVENT_BYTES, NULL);
  }

  g_debug ("Command “%s” answered %u", sending->entry->summary, status);
  g_signal_emit (self, signals[COMMAND_ANSWERED], 0, sending->entry->key, status, sending->entry->summary, answer);

  if (!dozor_outbox_remove (self->outbox, sending->entry->id, &error))
    {
      /* It would be sent again, and answered the same: harmless, but say so. */
      set_error (self, error->message);
    }
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  sending_free (sending);
  flush_outbox (self);
}

/* One command at a time, oldest first: a dispatch made offline must not
 * overtake the incident it was made for. */
static void
flush_outbox (DozorSyncClient *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  DozorOutboxEntry *entry;
  Sending *sending;

  if (self->outbox == NULL || self->sending || !self->running || self->token == NULL ||
      self->state != DOZOR_SYNC_LIVE || self->command_retry_id != 0)
    return;

  entry = dozor_outbox_peek (self->outbox, &error);
  if (entry == NULL)
    {
      if (error != NULL)
        set_error (self, error->message);
      return;
    }

  msg = api_message (self, entry->method, entry->path);
  if (msg == NULL || !dozor_outbox_mark_attempt (self->outbox, entry->id, &error))
    {
      /* Another board on this file sent it already. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        {
          dozor_outbox_entry_free (entry);
          g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
          flush_outbox (self);
          return;
        }
      if (error != NULL)
        set_error (self, error->message);
      dozor_outbox_entry_free (entry);
      retry_commands_later (self);
      return;
    }

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", entry->key);
  if (entry->if_match >= 0)
    {
      g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, entry->if_match);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", version);
    }
  if (entry->body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (entry->body, strlen (entry->body));

      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  self->sending = TRUE;
  sending = g_new0 (Sending, 1);
  sending->self = g_object_ref (self);
  sending->entry = entry;
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    command_sent_cb, sending);
}

/**
 * dozor_sync_client_set_outbox:
 * @self: a #DozorSyncClient
 * @outbox: where commands wait until the server has answered them
 *
 * Commands already in it (made before the board was closed or killed) go
 * out as soon as the link is live.
 */
void
dozor_sync_client_set_outbox (DozorSyncClient *self,
                              DozorOutbox     *outbox)
{
  g_set_object (&self->outbox, outbox);
  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  flush_outbox (self);
}

/**
 * dozor_sync_client_get_outbox:
 * @self: a #DozorSyncClient
 *
 * Returns: (transfer none) (nullable): the outbox
 */
DozorOutbox *
dozor_sync_client_get_outbox (DozorSyncClient *self)
{
  return self->outbox;
}

/**
 * dozor_sync_client_send:
 * @self: a #DozorSyncClient
 * @method: POST, PATCH, PUT or DELETE
 * @path: below /api/v1/, such as `dispatches`
 * @body: (nullable): the JSON body
 * @if_match: the version the change is based on, or -1
 * @summary: what the user asked for, in words, for messages
 * @error: return location for a #GError
 *
 * Writes the command to the outbox and sends it when the link allows,
 * with an idempotency key so that sending it again after a lost answer or
 * a crash never applies it twice. The answer comes as
 * #DozorSyncClient::command-answered.
 *
 * Returns: (transfer full) (nullable): the command's key, or %NULL if it
 *   could not be saved (then it was not made)
 */
char *
dozor_sync_client_send (DozorSyncClient *self,
                        const char      *method,
                        const char      *path,
                        JsonNode        *body,
                        gint64           if_match,
                        const char      *summary,
                        GError         **error)
{
  g_autofree char *text = body != NULL ? json_to_string (body, FALSE) : NULL;
  g_autoptr(DozorOutboxEntry) entry = NULL;

  if (self->outbox == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("This board has nowhere to keep commands, so it cannot make any"));
      return NULL;
    }
  if (self->read_only)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("A replay is read-only: go back to live to act"));
      return NULL;
    }

  entry = dozor_outbox_add (self->outbox, method, path, text, if_match, summary, error);
  if (entry == NULL)
    return NULL;

  g_signal_emit (self, signals[OUTBOX_CHANGED], 0);
  flush_outbox (self);
  return g_strdup (entry->key);
}

/**
 * dozor_sync_client_set_read_only:
 * @self: a #DozorSyncClient
 * @read_only: whether dozor_sync_client_send() refuses every command
 *
 * While a replay is on screen nothing the user does may reach the
 * backend, whatever a pane forgot to disable. Commands kept earlier are
 * still sent; the stream goes on.
 */
void
dozor_sync_client_set_read_only (DozorSyncClient *self,
                                 gboolean         read_only)
{
  g_return_if_fail (DOZOR_IS_SYNC_CLIENT (self));

  self->read_only = read_only;
}

/* --- Snapshot -------------------------------------------------------------- */

static void
parse_in_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GBytes *bytes = task_data;
  GError *error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);
  JsonNode *node = dozor_json_parse (data, length, MAX_SNAPSHOT_BYTES, &error);

  if (node == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
snapshot_parsed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  DozorSyncClient *self = DOZOR_SYNC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (snapshot == NULL || !dozor_situation_load_snapshot (self->situation, snapshot, &error))
    {
      set_error (self, error->message);
      schedule_retry (self, FALSE);
      return;
    }

  self->have_snapshot = TRUE;
  open_stream (self);
}

/* Common ending of a REST call: the body, or NULL after arranging what to
 * do about the failure. */
static GBytes *
finish_call (DozorSyncClient *self,
             SoupSession     *session,
             GAsyncResult    *result,
             SoupMessage     *msg)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = soup_session_send_and_read_finish (session, result, &error);
  guint status;

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_error (self, error->message);
          schedule_retry (self, FALSE);
        }
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (status == SOUP_STATUS_OK)
    return bytes;

  g_bytes_unref (bytes);
  if (status == SOUP_STATUS_UNAUTHORIZED && self->token != NULL)
    {
      /* The token expired: log in again at once. */
      g_clear_pointer (&self->token, g_free);
      schedule_retry (self, TRUE);
    }
  else if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      /* Trying again will not make a wrong password right. */
      set_error (self, _("The server refused the user name or password"));
      drop_stream (self);
      set_state (self, DOZOR_SYNC_OFFLINE);
    }
  else
    {
      g_autofree char *message = g_strdup_printf (_("The server answered %u %s"), status,
                                                  soup_message_get_reason_phrase (msg));

      set_error (self, message);
      schedule_retry (self, FALSE);
    }
  return NULL;
}

static void
snapshot_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DozorSyncClient *self = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = finish_call (self, SOUP_SESSION (source), result, msg);
  g_autoptr(GTask) task = NULL;

  if (bytes == NULL)
    return;

  task = g_task_new (self, self->cancellable, snapshot_parsed_cb, NULL);
  g_task_set_task_data (task, g_bytes_ref (bytes), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, parse_in_thread);
}

/* --- Login ----------------------------------------------------------------- */

/* The answer to POST or GET /session, or NULL when the call failed
 * (finish_call() saw to it) or the answer is not one (tried again later). */
static JsonObject *
session_answer (DozorSyncClient  *self,
                GObject          *source,
                GAsyncResult     *result,
                JsonNode        **root)
{
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = finish_call (self, SOUP_SESSION (source), result, msg);
  g_autoptr(JsonNode) answer = NULL;
  gsize length;
  const char *data;

  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  answer = dozor_json_parse (data, length, 64 * 1024, NULL);
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      json_object_get_string_member_with_default (json_node_get_object (answer), "role", NULL) == NULL)
    {
      set_error (self, _("The server's answer to the login is not one this board understands"));
      schedule_retry (self, FALSE);
      return NULL;
    }
  *root = g_steal_pointer (&answer);
  return json_node_get_object (*root);
}

static void
login_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  DozorSyncClient *self = user_data;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer = session_answer (self, source, result, &root);
  const char *token = answer != NULL ? json_object_get_string_member_with_default (answer, "token", NULL) : NULL;
  g_autoptr(GDateTime) expires_at = NULL;

  if (answer == NULL)
    return;
  if (token == NULL)
    {
      set_error (self, _("The server's answer to the login is not one this board understands"));
      schedule_retry (self, FALSE);
      return;
    }

  self->token = g_strdup (token);
  g_free (self->role);
  self->role = g_strdup (json_object_get_string_member (answer, "role"));
  g_debug ("Role: %s", self->role);
  expires_at = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (answer, "expires_at", ""),
                                             NULL);
  if (expires_at != NULL)
    g_signal_emit (self, signals[LOGGED_IN], 0, token, g_date_time_to_unix (expires_at));
  connect_step (self);
}

/* A kept token: the server says whose it is and with what role. */
static void
session_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  DozorSyncClient *self = user_data;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *answer = session_answer (self, source, result, &root);

  if (answer == NULL)
    return;
  /* The outbox and the copy are this user's: another's token is no use. */
  if (g_strcmp0 (json_object_get_string_member_with_default (answer, "username", NULL), self->username) != 0)
    g_clear_pointer (&self->token, g_free);
  else
    {
      self->role = g_strdup (json_object_get_string_member (answer, "role"));
      g_debug ("Role: %s", self->role);
    }
  connect_step (self);
}

static void
login (DozorSyncClient *self)
{
  g_autoptr(SoupMessage) msg = api_message (self, "POST", "session");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (msg == NULL)
    {
      set_error (self, _("The backend address is not a valid URL"));
      set_state (self, DOZOR_SYNC_OFFLINE);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, self->username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, self->password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  bytes = g_bytes_new (text, strlen (text));

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable, login_cb, self);
}

/* The next thing the link needs: a token, a snapshot, or the stream. */
static void
connect_step (DozorSyncClient *self)
{
  if (!self->running)
    return;

  if (self->state != DOZOR_SYNC_RECONNECTING)
    set_state (self, DOZOR_SYNC_CONNECTING);

  if (self->token == NULL && self->password == NULL)
    {
      set_error (self, _("The saved login has ended: log in again"));
      drop_stream (self);
      set_state (self, DOZOR_SYNC_OFFLINE);
    }
  else if (self->token == NULL)
    login (self);
  else if (self->role == NULL)
    {
      g_autoptr(SoupMessage) msg = api_message (self, "GET", "session");

      if (msg == NULL)
        {
          set_error (self, _("The backend address is not a valid URL"));
          set_state (self, DOZOR_SYNC_OFFLINE);
          return;
        }
      soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                        session_cb, self);
    }
  else if (!self->have_snapshot)
    {
      g_autoptr(SoupMessage) msg = api_message (self, "GET", "snapshot");

      soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                        snapshot_cb, self);
    }
  else
    {
      open_stream (self);
    }
}

/**
 * dozor_sync_client_start:
 * @self: a #DozorSyncClient
 *
 * Logs in and keeps the situation live until stopped.
 */
void
dozor_sync_client_start (DozorSyncClient *self)
{
  g_return_if_fail (self->username != NULL && (self->password != NULL || self->token != NULL));

  if (self->running)
    return;

  self->running = TRUE;
  self->attempts = 0;
  self->cancellable = g_cancellable_new ();
  self->watchdog_id = g_timeout_add_seconds (1, watchdog_cb, self);
  connect_step (self);
}

void
dozor_sync_client_stop (DozorSyncClient *self)
{
  self->running = FALSE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  g_clear_handle_id (&self->command_retry_id, g_source_remove);
  self->sending = FALSE;
  drop_stream (self);
  set_state (self, DOZOR_SYNC_OFFLINE);
}

static void
logged_out_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = bytes != NULL ? soup_message_get_status (msg) : 0;

  /* 401: the token had ended already, which is what was asked. */
  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (status != SOUP_STATUS_OK && status != SOUP_STATUS_UNAUTHORIZED)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("The server answered %u %s"), status,
                             soup_message_get_reason_phrase (msg));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * dozor_sync_client_log_out_async:
 * @self: a #DozorSyncClient
 *
 * Stops the link and ends the session on the server, so that the token is
 * no use to anyone any more. The client needs new credentials to start
 * again.
 */
void
dozor_sync_client_log_out_async (DozorSyncClient     *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;

  dozor_sync_client_stop (self);
  g_clear_pointer (&self->password, g_free);
  if (self->token == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  msg = api_message (self, "DELETE", "session");
  g_clear_pointer (&self->token, g_free);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, logged_out_cb,
                                    g_steal_pointer (&task));
}

/**
 * dozor_sync_client_log_out_finish:
 *
 * Returns: whether the server ended the session; when not (it could not be
 *   reached), the token still ends by itself when it expires
 */
gboolean
dozor_sync_client_log_out_finish (DozorSyncClient  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

DozorSyncState
dozor_sync_client_get_state (DozorSyncClient *self)
{
  return self->state;
}

/**
 * dozor_sync_client_get_last_error:
 * @self: a #DozorSyncClient
 *
 * Returns: (nullable): why the link last failed, for the user
 */
const char *
dozor_sync_client_get_last_error (DozorSyncClient *self)
{
  return self->last_error;
}

/**
 * dozor_sync_client_get_username:
 * @self: a #DozorSyncClient
 *
 * Returns: (nullable): the user the board logs in as, such as the officer
 *   a handover names
 */
const char *
dozor_sync_client_get_username (DozorSyncClient *self)
{
  g_return_val_if_fail (DOZOR_IS_SYNC_CLIENT (self), NULL);

  return self->username;
}

/**
 * dozor_sync_client_get_role:
 * @self: a #DozorSyncClient
 *
 * Returns: (nullable): the role the server gave at login
 */
const char *
dozor_sync_client_get_role (DozorSyncClient *self)
{
  return self->role;
}

/**
 * dozor_sync_client_get_last_heard:
 * @self: a #DozorSyncClient
 *
 * Returns: the monotonic time (µs) of the last message from the stream, 0
 *   if none yet
 */
gint64
dozor_sync_client_get_last_heard (DozorSyncClient *self)
{
  return self->last_heard;
}

/**
 * dozor_read_credentials:
 * @path: a file: the user name on the first line, the password on the second
 * @username: (out): the user name
 * @password: (out): the password
 * @error: return location for a #GError
 *
 * The file must be readable by its owner only, as ssh insists for keys.
 *
 * Returns: %TRUE if both were read
 */
gboolean
dozor_read_credentials (const char  *path,
                        char       **username,
                        char       **password,
                        GError     **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GStatBuf buf;
  gsize length;

  if (g_stat (path, &buf) == 0 && (buf.st_mode & 077) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_PERM,
                   _("The credentials file “%s” can be read by others; make it private (chmod 600)"), path);
      return FALSE;
    }

  if (!g_file_get_contents (path, &text, &length, error))
    return FALSE;

  lines = g_strsplit (text, "\n", 3);
  if (g_strv_length (lines) >= 2)
    {
      g_strchomp (lines[0]);
      g_strchomp (lines[1]);
    }
  if (length > 4096 || g_strv_length (lines) < 2 || !g_utf8_validate (text, (gssize) length, NULL) ||
      *lines[0] == '\0' || *lines[1] == '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("The credentials file “%s” must hold the user name on its first line and the password on its second"),
                   path);
      return FALSE;
    }

  *username = g_strdup (lines[0]);
  *password = g_strdup (lines[1]);
  return TRUE;
}

/* --- Commands that wait for their answer --------------------------------- */

/* What came back for a POST or a GET, for parsing in a worker. */
typedef struct
{
  GBytes *bytes;
  guint status;
  char *reason;
} Answer;

static void
answer_free (gpointer data)
{
  Answer *answer = data;

  g_bytes_unref (answer->bytes);
  g_free (answer->reason);
  g_free (answer);
}

/* An answer may be a page of a thousand incidents: parsed off the main
 * thread, which only draws. */
static void
parse_answer_in_thread (GTask        *task,
                        gpointer      source,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Answer *answer = task_data;
  g_autoptr(JsonNode) node = NULL;
  const char *message = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (answer->bytes, &length);

  node = length > 0 ? dozor_json_parse (data, length, MAX_EVENT_BYTES, NULL) : NULL;
  if (answer->status >= 200 && answer->status < 300 && node != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
      return;
    }

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    message = json_object_get_string_member_with_default (json_node_get_object (node), "message", NULL);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, _("The server answered %u: %s"), answer->status,
                           message != NULL ? message : answer->reason);
}

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  Answer *answer;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  answer = g_new0 (Answer, 1);
  answer->bytes = g_steal_pointer (&bytes);
  answer->status = msg != NULL ? soup_message_get_status (msg) : 0;
  answer->reason = g_strdup (msg != NULL ? soup_message_get_reason_phrase (msg) : NULL);
  g_task_set_task_data (task, answer, answer_free);
  g_task_run_in_thread (task, parse_answer_in_thread);
}

/**
 * dozor_sync_client_post_async:
 * @self: a #DozorSyncClient
 * @path: under /api/v1/, such as "imports"
 * @body: the JSON body
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * A command the user waits for (a GIS import): too large for the outbox,
 * and not worth making while offline, so it is sent once, now, with an
 * idempotency key of its own, and its answer or failure goes back to the
 * user.
 */
void
dozor_sync_client_post_async (DozorSyncClient     *self,
                              const char          *path,
                              GBytes              *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *key = g_uuid_string_random ();

  g_return_if_fail (DOZOR_IS_SYNC_CLIENT (self));

  if (self->token == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The board is not logged in to the server"));
      return;
    }

  msg = api_message (self, "POST", path);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, answered_cb,
                                    g_steal_pointer (&task));
}

/**
 * dozor_sync_client_get_async:
 * @self: a #DozorSyncClient
 * @path: under /api/v1/, with its query, such as "incidents?from=…"
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer; finish with
 *   dozor_sync_client_post_finish()
 * @user_data: for @callback
 *
 * A read of something the snapshot does not hold (the day's closed
 * incidents), sent once, now, as the link's user.
 */
void
dozor_sync_client_get_async (DozorSyncClient     *self,
                             const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(SoupMessage) msg = NULL;

  g_return_if_fail (DOZOR_IS_SYNC_CLIENT (self));

  if (self->token == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               _("The board is not logged in to the server"));
      return;
    }

  msg = api_message (self, "GET", path);
  if (msg == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s", path);
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable, answered_cb,
                                    g_steal_pointer (&task));
}

/**
 * dozor_sync_client_post_finish:
 * @self: a #DozorSyncClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError with the server's message
 *
 * Returns: (transfer full): the answer, or %NULL with @error set
 */
JsonNode *
dozor_sync_client_post_finish (DozorSyncClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
