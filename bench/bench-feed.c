/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The feeder and the stream clients of the stream benchmarks
 * (bench-feed.h).
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "bench-feed.h"
#include "bench-proc.h"

char *
bench_post_json (SoupSession *session,
                 const char  *url,
                 const char  *path,
                 const char  *token,
                 const char  *key,
                 const char  *body,
                 guint       *status)
{
  g_autofree char *uri = g_strconcat (url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", uri);
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) answer = NULL;
  gsize length;
  const char *data;

  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  soup_message_set_request_body_from_bytes (msg, "application/json", request);

  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  *status = soup_message_get_status (msg);
  data = answer != NULL ? g_bytes_get_data (answer, &length) : NULL;
  return data != NULL ? g_strndup (data, length) : g_strdup ("");
}

char *
bench_string_member (const char *json,
                     const char *name)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node), name, NULL));
}

/* The bench's users all have the password bench_add_user() gave them. */
char *
bench_login (SoupSession *session,
             const char  *url,
             const char  *user,
             const char  *key)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"bench password\"}", user);
  g_autofree char *answer = NULL;
  guint status;

  answer = bench_post_json (session, url, "/api/v1/session", NULL, key, body, &status);
  if (status != 200)
    g_error ("login %s: %u %s", user, status, answer);
  return bench_string_member (answer, "token");
}

/* GET /api/v1/health's seq: the last event the store committed. */
gint64
bench_health_seq (SoupSession *session,
                  const char  *url)
{
  g_autofree char *uri = g_strconcat (url, "/api/v1/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, NULL);
  g_autofree char *text = answer != NULL ? g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer)) : NULL;
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (soup_message_get_status (msg) != 200 || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    g_error ("health of %s: no answer", url);
  return json_object_get_int_member (json_node_get_object (node), "seq");
}

static void
post_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  BenchFeeder *feeder = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (soup_message_get_status (msg) != 202)
    {
      feeder->failed++;
      feeder->failed_status = soup_message_get_status (msg);
    }
  if (--feeder->pending == 0 && feeder->batches_left == 0)
    g_main_loop_quit (feeder->loop);
}

static gboolean
feed_cb (gpointer user_data)
{
  BenchFeeder *feeder = user_data;
  guint instance = feeder->next_url++ % feeder->n_urls;
  GString *body = g_string_new ("{\"positions\":[");
  g_autofree char *uri = g_strconcat (feeder->urls[instance], "/api/v1/positions", NULL);
  g_autofree char *header = g_strconcat ("Bearer ", feeder->tracker, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  SoupMessage *msg;
  GBytes *bytes;

  for (guint i = 0; i < feeder->per_batch; i++)
    {
      const char *unit = feeder->units->pdata[feeder->next_unit++ % feeder->units->len];

      g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"time\":\"%s\","
                              "\"speed\":11.1,\"heading\":%u}",
                              i ? "," : "", unit, 43.2 + g_random_double () * 0.1,
                              76.85 + g_random_double () * 0.15, time, g_random_int_range (0, 360));
    }
  g_string_append (body, "]}");

  msg = soup_message_new ("POST", uri);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
  bytes = g_string_free_to_bytes (body);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  g_bytes_unref (bytes);

  feeder->pending++;
  feeder->posted[instance] += feeder->per_batch;
  soup_session_send_and_read_async (feeder->session, msg, G_PRIORITY_DEFAULT, NULL, post_done_cb, feeder);
  g_object_unref (msg);
  return --feeder->batches_left == 0 ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/**
 * bench_feeder_thread:
 * @feeder: a #BenchFeeder, its first fields set
 *
 * A thread's function: posts @feeder's batches at
 * %BENCH_BATCHES_PER_SECOND, waits for every answer, then quits
 * @feeder's done loop on the main context.
 */
gpointer
bench_feeder_thread (gpointer user_data)
{
  BenchFeeder *feeder = user_data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(GSource) timer = g_timeout_source_new (1000 / BENCH_BATCHES_PER_SECOND);

  g_assert (feeder->n_urls > 0 && feeder->n_urls <= BENCH_MAX_INSTANCES);
  g_main_context_push_thread_default (context);
  feeder->session = soup_session_new_with_options ("max-conns", 64, "max-conns-per-host", 64,
                                                   "proxy-resolver", direct, NULL);
  feeder->loop = g_main_loop_new (context, FALSE);
  g_source_set_callback (timer, feed_cb, feeder, NULL);
  g_source_attach (timer, context);
  g_main_loop_run (feeder->loop);
  g_clear_object (&feeder->session);
  g_clear_pointer (&feeder->loop, g_main_loop_unref);
  g_main_context_pop_thread_default (context);

  /* Tell the clients' loop that the feeding is over. */
  g_main_context_invoke (NULL, quit_cb, feeder->done);
  return NULL;
}

/* The value after `"name"` and its colon, spaces allowed (PostgreSQL's
 * json text has `"name" : value`), or NULL. */
static const char *
value_of (const char *from,
          const char *end,
          const char *name)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);
  const char *at = strstr (from, quoted);

  if (at == NULL || at >= end)
    return NULL;
  at += strlen (quoted);
  while (*at == ' ')
    at++;
  if (*at != ':')
    return NULL;
  at++;
  while (*at == ' ')
    at++;
  return at < end ? at : NULL;
}

/* Where the next event starts: an object whose first member is "seq"
 * (events are written so; a heartbeat or a reset starts with its type). */
static const char *
next_event (const char *from)
{
  for (const char *at = strstr (from, "\"seq\""); at != NULL; at = strstr (at + 1, "\"seq\""))
    {
      const char *before = at;

      while (before > from && before[-1] == ' ')
        before--;
      if (before > from && before[-1] == '{')
        return before - 1;
    }
  return NULL;
}

/* Events are found by their text, not parsed: the bench measures dozord,
 * not json-glib. The fix time is the send time in microseconds, encoded
 * in the position's time. */
static void
take_event (BenchClient *client,
            const char  *event,
            const char  *end,
            gint64       now)
{
  const char *seq = value_of (event, end, "seq");
  const char *type = value_of (event, end, "type");
  const char *position, *time;
  gint64 sent;
  double latency;

  if (seq != NULL)
    {
      gint64 number = g_ascii_strtoll (seq, NULL, 10);

      if (number != client->last_seq + 1)
        client->out_of_order++;
      client->last_seq = number;
    }
  if (type == NULL)
    return;
  if (g_str_has_prefix (type, "\"coalesced\""))
    {
      client->coalesced++;
      return;
    }
  if (!g_str_has_prefix (type, "\"unit.position\""))
    return;
  position = value_of (type, end, "position");
  time = position != NULL ? value_of (position, end, "time") : NULL;
  if (time == NULL || *time != '"' || time + 1 + 27 > end || (sent = bench_fix_time_us (time + 1)) < 0)
    return;
  latency = (now - sent) / 1000.0;
  g_array_append_val (client->streams->latencies_ms, latency);
  client->positions++;
}

static void
message_cb (SoupWebsocketConnection *conn,
            int                      type,
            GBytes                  *message,
            BenchClient             *client)
{
  gint64 now = g_get_real_time ();
  gsize length;
  /* libsoup ends every text message with a NUL it does not count. */
  const char *data = g_bytes_get_data (message, &length);
  const char *end = data + length;
  const char *event = next_event (data);

  client->frames++;
  while (event != NULL)
    {
      const char *next = next_event (event + 1);

      take_event (client, event, next != NULL ? next : end, now);
      event = next;
    }
}

static void
closed_cb (SoupWebsocketConnection *conn,
           BenchClient             *client)
{
  client->closed = TRUE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  BenchClient *client = user_data;
  BenchStreams *streams = client->streams;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    g_error ("stream: %s", error->message);
  client->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, streams->max_payload);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), client);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), client);
  if (--streams->pending_connects == 0)
    g_main_loop_quit (streams->loop);
}

/* @n_clients clients, none connected yet; frames up to @max_payload bytes. */
void
bench_streams_init (BenchStreams *streams,
                    SoupSession  *session,
                    GMainLoop    *loop,
                    guint         n_clients,
                    gsize         max_payload)
{
  streams->session = session;
  streams->loop = loop;
  streams->latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));
  streams->max_payload = max_payload;
  streams->clients = g_new0 (BenchClient, n_clients);
  streams->n_clients = n_clients;
  streams->pending_connects = n_clients;
  for (guint i = 0; i < n_clients; i++)
    streams->clients[i].streams = streams;
}

/* Opens client @client's stream at @uri; the loop quits once every client
 * has connected. */
void
bench_streams_connect (BenchStreams *streams,
                       guint         client,
                       const char   *uri)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  soup_session_websocket_connect_async (streams->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, connected_cb,
                                        &streams->clients[client]);
}

void
bench_streams_clear (BenchStreams *streams)
{
  for (guint c = 0; c < streams->n_clients; c++)
    g_clear_object (&streams->clients[c].conn);
  g_clear_pointer (&streams->clients, g_free);
  g_clear_pointer (&streams->latencies_ms, g_array_unref);
}
