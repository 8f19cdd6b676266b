/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The boards' side of a database failover (issue 19, item 5): run by
 * bench/failover-patroni.sh, which starts Patroni, etcd, HAProxy and two
 * dozords, against the balancer in front of the dozords.
 *
 *   bench-failover --url URL --users NAME --round NAME --fault COMMAND
 *                  [--clients 6] [--units 20] [--before 8] [--after 15] [--old-backoff]
 *
 * Logs in as sup-NAME, gps-NAME and wall-NAME (password "bench password"),
 * registers the units, and connects the stream clients through URL with
 * batch=1. Each client is a board's stream: it resumes with since= its
 * last seq after the board's own backoff (0.5 s doubling to 30 s, or to
 * 2 s while streams are closed with 4503 or their upgrade answered 503, up to half less at random;
 * --old-backoff: 30 s then too), and is live from the first heartbeat of a stream
 * to its close, as the board's pill shows it. A writer thread posts, one
 * at a time as one board's outbox does, a batch of fixes every 100 ms and
 * every 500 ms an incident and a dispatch of a random unit (some busy:
 * 409), cancelling the oldest dispatch when eight are active. Every
 * command carries an Idempotency-Key; a 502, 503, 504 or no answer is sent
 * again with the same key after 0.5 s until it gets another answer.
 *
 * After BEFORE seconds COMMAND runs (/bin/sh -c) and its lines are printed
 * with the time since it started; AFTER seconds after it ended the writer
 * stops, the clients are given until they hold the last seq, and the
 * figures are printed. Exit status 1 when a client lost a seq or had one
 * twice, a unit had two active dispatches, or an incident key made two
 * incidents: faults, never times.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct _Run Run;

typedef struct
{
  Run *run;
  guint number;
  SoupWebsocketConnection *conn;
  gint64 first_seq;             /* the first seq expected: since + 1 */
  gint64 last_seq;
  guint64 received;
  guint64 lost;
  guint64 twice;
  guint resets;
  guint heartbeat_gaps;
  guint attempts;
  guint retry_id;
  gboolean database_down;       /* the last stream was closed with 4503 */
  gboolean live;
  gint64 down_since;            /* monotonic µs; 0 while live */
  GArray *outages_s;            /* double */
  GString *closes;              /* why each stream ended */
} Client;

typedef struct
{
  guint64 commands;
  guint64 positions;
  guint64 incidents;
  guint64 dispatched;
  guint64 busy;
  guint64 cancelled;
  guint64 unavailable;          /* 503 answers */
  guint64 gateway;              /* 502 or 504, the balancer's */
  guint64 no_answer;
  guint64 resent;
  guint64 commands_resent;
  guint64 failed;               /* another status than expected */
  double longest_s;
  gint64 first_failure;         /* monotonic µs, 0: none */
  gint64 last_failure;
  GHashTable *incident_ids;     /* id → key */
  char *last_failure_text;
} Writes;

struct _Run
{
  char *url;
  char *round;
  SoupSession *session;
  GMainLoop *loop;
  char *supervisor;
  char *tracker;
  char *wall;
  GPtrArray *units;
  Client *clients;
  guint n_clients;
  gboolean stopping;
  gint fault_start_set;
  gint64 fault_start;           /* monotonic µs */
  volatile gint stop_writer;
  Writes writes;
  /* From client 0's events: who is on an active dispatch now. */
  GHashTable *active_by_unit;   /* unit id → dispatch id */
  GHashTable *incidents_seen;   /* incident.created ids */
  guint64 dispatch_created;
  guint64 dispatch_ended;
  guint64 double_dispatch;
  guint64 incident_twice;
};

static double
since_fault (Run *run)
{
  return g_atomic_int_get (&run->fault_start_set) ? (g_get_monotonic_time () - run->fault_start) / 1e6 : 0;
}

static char *
string_member (const char *json,
               const char *name)
{
  g_autoptr(JsonNode) node = json != NULL ? json_from_string (json, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (node), name, NULL));
}

/* One request, no retry: the status (0 when no answer) and the body. */
static char *
request (SoupSession *session,
         const char  *method,
         const char  *url,
         const char  *token,
         const char  *key,
         const char  *body,
         guint       *status)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  *status = answer != NULL ? soup_message_get_status (msg) : 0;
  if (answer == NULL)
    return g_strdup (error->message);
  return g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
}

/* A command as a board's outbox sends it: again with the same key until
 * an answer that is not the database's or the balancer's unavailability. */
static char *
command (Run         *run,
         SoupSession *session,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         guint       *status)
{
  static guint keys;
  Writes *writes = &run->writes;
  g_autofree char *key = g_strdup_printf ("%s-%u", run->round, ++keys);
  g_autofree char *url = g_strconcat (run->url, path, NULL);
  gint64 start = g_get_monotonic_time ();
  gboolean again = FALSE;
  char *answer;

  writes->commands++;
  for (;;)
    {
      answer = request (session, method, url, token, key, body, status);
      if (*status != 0 && *status != 502 && *status != 503 && *status != 504)
        break;
      if (*status == 503)
        writes->unavailable++;
      else if (*status == 0)
        writes->no_answer++;
      else
        writes->gateway++;
      if (writes->first_failure == 0)
        writes->first_failure = g_get_monotonic_time ();
      writes->last_failure = g_get_monotonic_time ();
      g_free (writes->last_failure_text);
      writes->last_failure_text = g_strdup_printf ("%u %.200s", *status, answer);
      g_free (answer);
      writes->resent++;
      again = TRUE;
      g_usleep (G_USEC_PER_SEC / 2);
    }
  writes->commands_resent += again;
  writes->longest_s = MAX (writes->longest_s, (g_get_monotonic_time () - start) / 1e6);
  return answer;
}

static gpointer
writer_thread (gpointer data)
{
  Run *run = data;
  Writes *writes = &run->writes;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GQueue) active = g_queue_new ();
  guint tick = 0;

  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("proxy-resolver", direct, "timeout", 30, NULL);
  while (!g_atomic_int_get (&run->stop_writer))
    {
      gint64 next = g_get_monotonic_time () + G_USEC_PER_SEC / 10;
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *time = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
      GString *body = g_string_new ("{\"positions\":[");
      g_autofree char *positions = NULL;
      g_autofree char *answer = NULL;
      guint status;

      for (guint i = 0; i < 5; i++)
        g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"time\":\"%s\"}", i ? "," : "",
                                (char *) run->units->pdata[g_random_int_range (0, run->units->len)],
                                43.2 + g_random_double () * 0.1, 76.85 + g_random_double () * 0.15, time);
      g_string_append (body, "]}");
      positions = g_string_free (body, FALSE);
      answer = command (run, session, "POST", "/api/v1/positions", run->tracker, positions, &status);
      if (status == 202)
        writes->positions += 5;
      else
        writes->failed++;

      if (++tick % 5 == 0)
        {
          g_autofree char *incident = g_strdup_printf ("{\"type\":\"theft\",\"location\":{\"lat\":%.6f,\"lon\":%.6f}}",
                                                       43.2 + g_random_double () * 0.1,
                                                       76.85 + g_random_double () * 0.15);
          g_autofree char *created = command (run, session, "POST", "/api/v1/incidents", run->supervisor, incident,
                                              &status);
          g_autofree char *incident_id = string_member (created, "id");

          if (status != 201 || incident_id == NULL)
            {
              writes->failed++;
            }
          else
            {
              g_autofree char *dispatch = NULL;
              g_autofree char *dispatched = NULL;
              g_autofree char *dispatch_id = NULL;

              writes->incidents++;
              g_hash_table_add (writes->incident_ids, g_strdup (incident_id));
              dispatch = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}",
                                          (char *) run->units->pdata[g_random_int_range (0, run->units->len)],
                                          incident_id);
              dispatched = command (run, session, "POST", "/api/v1/dispatches", run->supervisor, dispatch, &status);
              if (status == 201 && (dispatch_id = string_member (dispatched, "id")) != NULL)
                {
                  writes->dispatched++;
                  g_queue_push_tail (active, g_steal_pointer (&dispatch_id));
                }
              else if (status == 409)
                writes->busy++;
              else
                writes->failed++;
            }
          if (g_queue_get_length (active) > 8)
            {
              g_autofree char *id = g_queue_pop_head (active);
              g_autofree char *path = g_strconcat ("/api/v1/dispatches/", id, NULL);
              g_autofree char *ended = command (run, session, "DELETE", path, run->supervisor, NULL, &status);

              if (status == 200)
                writes->cancelled++;
              else
                writes->failed++;
            }
        }
      if (next > g_get_monotonic_time ())
        g_usleep (next - g_get_monotonic_time ());
    }
  g_queue_free_full (g_steal_pointer (&active), g_free);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void client_connect (Client *client);

static gboolean
retry_cb (gpointer data)
{
  Client *client = data;

  client->retry_id = 0;
  client_connect (client);
  return G_SOURCE_REMOVE;
}

/* The board's schedule_retry() (dozor-sync-client.c): 0.5 s doubling to
 * 30 s, or to 2 s after a 4503 or a 503 to the upgrade, up to half less at random; --old-backoff:
 * 30 s after a 4503 too, as the board did before. */
static gboolean old_backoff;

static void
client_retry (Client *client)
{
  guint cap = client->database_down && !old_backoff ? 2000 : 30000;
  guint delay = MIN (cap, 500u << MIN (client->attempts, 16));

  if (client->run->stopping || client->retry_id != 0)
    return;
  delay -= g_random_int_range (0, delay / 2 + 1);
  client->attempts++;
  client->retry_id = g_timeout_add (delay, retry_cb, client);
}

static void
client_down (Client     *client,
             const char *why)
{
  if (client->down_since == 0)
    {
      client->down_since = g_get_monotonic_time ();
      g_string_append_printf (client->closes, "%s%s at %+.2f s", client->closes->len ? ", " : "", why,
                              since_fault (client->run));
    }
  client->live = FALSE;
}

static void
drop_stream (Client *client)
{
  if (client->conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (client->conn, client);
      if (soup_websocket_connection_get_state (client->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (client->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&client->conn);
    }
}

/* What client 0 reads of the events: every client receives the same. */
static void
follow_event (Run        *run,
              const char *type,
              JsonObject *event)
{
  if (g_strcmp0 (type, "incident.created") == 0 && json_object_has_member (event, "incident"))
    {
      const char *id = json_object_get_string_member (json_object_get_object_member (event, "incident"), "id");

      if (!g_hash_table_add (run->incidents_seen, g_strdup (id)))
        run->incident_twice++;
    }
  else if ((g_strcmp0 (type, "dispatch.created") == 0 || g_strcmp0 (type, "dispatch.ended") == 0)
           && json_object_has_member (event, "dispatch"))
    {
      JsonObject *dispatch = json_object_get_object_member (event, "dispatch");
      const char *unit = json_object_get_string_member_with_default (dispatch, "unit_id", "");
      const char *id = json_object_get_string_member_with_default (dispatch, "id", "");

      if (type[9] == 'c')
        {
          run->dispatch_created++;
          if (g_hash_table_contains (run->active_by_unit, unit))
            run->double_dispatch++;
          g_hash_table_insert (run->active_by_unit, g_strdup (unit), g_strdup (id));
        }
      else
        {
          run->dispatch_ended++;
          if (g_strcmp0 (g_hash_table_lookup (run->active_by_unit, unit), id) == 0)
            g_hash_table_remove (run->active_by_unit, unit);
        }
    }
}

static void
take_object (Client     *client,
             JsonObject *object)
{
  const char *type = json_object_get_string_member_with_default (object, "type", "");
  gint64 seq = json_object_get_int_member_with_default (object, "seq", -1);

  if (strcmp (type, "heartbeat") == 0)
    {
      if (!client->live)
        {
          client->live = TRUE;
          client->attempts = 0;
          client->database_down = FALSE;
          if (client->down_since != 0)
            {
              double outage = (g_get_monotonic_time () - client->down_since) / 1e6;

              g_array_append_val (client->outages_s, outage);
              g_string_append_printf (client->closes, ", live at %+.2f s", since_fault (client->run));
              client->down_since = 0;
            }
        }
      if (seq > client->last_seq)
        {
          /* The board reconnects: a heartbeat beyond the last event. */
          client->heartbeat_gaps++;
          client_down (client, "heartbeat gap");
          drop_stream (client);
          client_retry (client);
        }
      return;
    }
  if (strcmp (type, "reset") == 0)
    {
      client->resets++;
      return;
    }
  if (seq <= client->last_seq)
    {
      client->twice++;
      return;
    }
  if (seq > client->last_seq + 1)
    client->lost += seq - client->last_seq - 1;
  client->last_seq = seq;
  client->received++;
  if (client->number == 0)
    follow_event (client->run, type, object);
}

static void
message_cb (SoupWebsocketConnection *conn,
            int                      kind,
            GBytes                  *message,
            Client                  *client)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, g_bytes_get_data (message, NULL), g_bytes_get_size (message), NULL))
    return;
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      take_object (client, json_node_get_object (root));
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *events = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (events) && client->conn == conn; i++)
        take_object (client, json_array_get_object_element (events, i));
    }
}

static void
closed_cb (SoupWebsocketConnection *conn,
           Client                  *client)
{
  g_autofree char *why = g_strdup_printf ("closed %u", soup_websocket_connection_get_close_code (conn));

  client->database_down = soup_websocket_connection_get_close_code (conn) == 4503;
  client_down (client, why);
  drop_stream (client);
  client_retry (client);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Client *client = data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  if (conn == NULL)
    {
      g_autofree char *why = g_strdup_printf ("refused (%s)", error->message);
      SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

      /* As the board: a 503 to the upgrade (dozord's, or the balancer's
       * with no instance whose store answers) is a database failing over. */
      client->database_down = msg != NULL && soup_message_get_status (msg) == SOUP_STATUS_SERVICE_UNAVAILABLE;
      client_down (client, why);
      client_retry (client);
      return;
    }
  client->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 4 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (message_cb), client);
  g_signal_connect (conn, "closed", G_CALLBACK (closed_cb), client);
}

static void
client_connect (Client *client)
{
  Run *run = client->run;
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%" G_GINT64_FORMAT "&batch=1&token=%s", run->url,
                                          client->last_seq, run->wall);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  soup_session_websocket_connect_async (run->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL, connected_cb,
                                        client);
}

static gint64
health_seq (Run *run)
{
  g_autofree char *url = g_strconcat (run->url, "/api/v1/health", NULL);
  guint status;
  g_autofree char *answer = request (run->session, "GET", url, NULL, NULL, NULL, &status);
  g_autoptr(JsonNode) node = status == 200 ? json_from_string (answer, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return -1;
  return json_object_get_int_member_with_default (json_node_get_object (node), "seq", -1);
}

static char *
login (Run        *run,
       const char *user)
{
  g_autofree char *url = g_strconcat (run->url, "/api/v1/session", NULL);
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"bench password\"}", user);
  guint status;
  g_autofree char *answer = request (run->session, "POST", url, NULL, NULL, body, &status);

  if (status != 200)
    g_error ("login %s: %u %s", user, status, answer);
  return string_member (answer, "token");
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
wait_seconds (Run    *run,
              double  seconds)
{
  g_timeout_add ((guint) (seconds * 1000), quit_cb, run->loop);
  g_main_loop_run (run->loop);
}

typedef struct
{
  Run *run;
  GDataInputStream *out;
  gboolean done;
} Fault;

static void
fault_line_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  Fault *fault = data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (fault->out, result, NULL, NULL);

  if (line == NULL)
    {
      fault->done = TRUE;
      g_main_loop_quit (fault->run->loop);
      return;
    }
  printf ("fault %+7.2f s: %s\n", since_fault (fault->run), line);
  fflush (stdout);
  g_data_input_stream_read_line_async (fault->out, G_PRIORITY_DEFAULT, NULL, fault_line_cb, fault);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *users = NULL;
  g_autofree char *round = NULL;
  g_autofree char *fault_command = NULL;
  int n_clients = 6, n_units = 20;
  double before = 8, after = 15;
  GOptionEntry entries[] = {
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "the balancer in front of the dozords", "URL" },
    { "users", 0, 0, G_OPTION_ARG_STRING, &users, "sup-NAME, gps-NAME and wall-NAME log in", "NAME" },
    { "round", 0, 0, G_OPTION_ARG_STRING, &round, "names the units and keys", "NAME" },
    { "fault", 0, 0, G_OPTION_ARG_STRING, &fault_command, "run by /bin/sh -c", "COMMAND" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &n_clients, "stream clients", "N" },
    { "units", 0, 0, G_OPTION_ARG_INT, &n_units, "units", "N" },
    { "before", 0, 0, G_OPTION_ARG_DOUBLE, &before, "seconds before the fault", "S" },
    { "after", 0, 0, G_OPTION_ARG_DOUBLE, &after, "seconds after the fault's command ended", "S" },
    { "old-backoff", 0, 0, G_OPTION_ARG_NONE, &old_backoff, "after 4503 as after any close (the board before)", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("- a failover as the boards see it");
  g_autoptr(GError) error = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(GSubprocess) fault_process = NULL;
  g_autofree char *sup = NULL;
  g_autofree char *gps = NULL;
  g_autofree char *wall = NULL;
  Run run = { 0 };
  Fault fault = { 0 };
  GThread *writer;
  gint64 start_seq, final_seq, deadline;
  guint64 lost = 0, twice = 0, resets = 0;
  gboolean behind;
  double load[3] = { 0 };
  FILE *loadavg;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || url == NULL || users == NULL || round == NULL
      || fault_command == NULL || n_clients < 1 || n_units < 2)
    {
      g_printerr ("bench-failover: %s\n", error != NULL ? error->message : "--url, --users, --round and --fault are needed");
      return 2;
    }

  run.url = url;
  run.round = round;
  run.session = soup_session_new_with_options ("proxy-resolver", direct, "timeout", 30, NULL);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.units = g_ptr_array_new_with_free_func (g_free);
  run.writes.incident_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.active_by_unit = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.incidents_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sup = g_strconcat ("sup-", users, NULL);
  gps = g_strconcat ("gps-", users, NULL);
  wall = g_strconcat ("wall-", users, NULL);
  run.supervisor = login (&run, sup);
  run.tracker = login (&run, gps);
  run.wall = login (&run, wall);
  for (int i = 0; i < n_units; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"%s-%02d\",\"kind\":\"car\"}", round, i);
      guint status;
      g_autofree char *answer = command (&run, run.session, "POST", "/api/v1/units", run.supervisor, body, &status);

      if (status != 201)
        g_error ("create unit: %u %s", status, answer);
      g_ptr_array_add (run.units, string_member (answer, "id"));
    }
  memset (&run.writes, 0, G_STRUCT_OFFSET (Writes, incident_ids));

  start_seq = health_seq (&run);
  run.n_clients = n_clients;
  run.clients = g_new0 (Client, n_clients);
  for (int i = 0; i < n_clients; i++)
    {
      Client *client = &run.clients[i];

      client->run = &run;
      client->number = i;
      client->first_seq = start_seq + 1;
      client->last_seq = start_seq;
      client->outages_s = g_array_new (FALSE, FALSE, sizeof (double));
      client->closes = g_string_new (NULL);
      client->down_since = g_get_monotonic_time ();
      client_connect (client);
    }
  wait_seconds (&run, 1);
  for (int i = 0; i < n_clients; i++)
    {
      /* The first connection is not an outage. */
      g_array_set_size (run.clients[i].outages_s, 0);
      g_string_truncate (run.clients[i].closes, 0);
    }

  writer = g_thread_new ("writer", writer_thread, &run);
  wait_seconds (&run, before);

  if ((loadavg = fopen ("/proc/loadavg", "r")) != NULL)
    {
      if (fscanf (loadavg, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
        load[0] = load[1] = load[2] = 0;
      fclose (loadavg);
    }
  run.fault_start = g_get_monotonic_time ();
  g_atomic_int_set (&run.fault_start_set, 1);
  fault_process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "/bin/sh", "-c", fault_command, NULL);
  if (fault_process == NULL)
    g_error ("fault: %s", error->message);
  fault.run = &run;
  fault.out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fault_process));
  g_data_input_stream_read_line_async (fault.out, G_PRIORITY_DEFAULT, NULL, fault_line_cb, &fault);
  while (!fault.done)
    g_main_loop_run (run.loop);
  g_subprocess_wait (fault_process, NULL, NULL);
  g_clear_object (&fault.out);
  wait_seconds (&run, after);

  g_atomic_int_set (&run.stop_writer, 1);
  g_thread_join (writer);
  final_seq = health_seq (&run);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  do
    {
      wait_seconds (&run, 0.2);
      behind = FALSE;
      for (int i = 0; i < n_clients; i++)
        behind |= run.clients[i].last_seq < final_seq;
    }
  while (behind && g_get_monotonic_time () < deadline);
  run.stopping = TRUE;

  printf ("load average at the fault: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
  printf ("writes: %" G_GUINT64_FORMAT " commands (%" G_GUINT64_FORMAT " fixes, %" G_GUINT64_FORMAT " incidents, %"
          G_GUINT64_FORMAT " dispatched, %" G_GUINT64_FORMAT " unit_busy, %" G_GUINT64_FORMAT " cancelled, %"
          G_GUINT64_FORMAT " other answers)\n",
          run.writes.commands, run.writes.positions, run.writes.incidents, run.writes.dispatched, run.writes.busy,
          run.writes.cancelled, run.writes.failed);
  printf ("  answered 503: %" G_GUINT64_FORMAT ", balancer 502/504: %" G_GUINT64_FORMAT ", no answer: %"
          G_GUINT64_FORMAT "; sent again with their key: %" G_GUINT64_FORMAT " times, %" G_GUINT64_FORMAT
          " commands; longest command, first try to answer: %.2f s\n",
          run.writes.unavailable, run.writes.gateway, run.writes.no_answer, run.writes.resent,
          run.writes.commands_resent, run.writes.longest_s);
  if (run.writes.first_failure != 0)
    printf ("  first refused at %+.2f s, last at %+.2f s after the fault (last: %s)\n",
            (run.writes.first_failure - run.fault_start) / 1e6, (run.writes.last_failure - run.fault_start) / 1e6,
            run.writes.last_failure_text);
  printf ("stream: from seq %" G_GINT64_FORMAT "; GET /health after the writes: seq %" G_GINT64_FORMAT "\n",
          start_seq + 1, final_seq);
  for (int i = 0; i < n_clients; i++)
    {
      Client *client = &run.clients[i];
      double total = 0;

      for (guint o = 0; o < client->outages_s->len; o++)
        total += g_array_index (client->outages_s, double, o);
      printf ("  client %d: %" G_GUINT64_FORMAT " events, seqs %" G_GINT64_FORMAT "–%" G_GINT64_FORMAT
              ", lost %" G_GUINT64_FORMAT ", twice %" G_GUINT64_FORMAT ", resets %u, heartbeat gaps %u;"
              " not live %u time(s), %.2f s in all%s%s%s\n",
              i, client->received, client->first_seq, client->last_seq, client->lost, client->twice,
              client->resets, client->heartbeat_gaps, client->outages_s->len, total,
              client->closes->len ? " (" : "", client->closes->str, client->closes->len ? ")" : "");
      /* A client still short of the last seq lost the rest. */
      lost += client->lost + (client->last_seq < final_seq ? final_seq - client->last_seq : 0);
      twice += client->twice;
      resets += client->resets;
    }
  printf ("incidents: %u keys answered 201, %u incident.created events, %" G_GUINT64_FORMAT " made twice\n",
          g_hash_table_size (run.writes.incident_ids), g_hash_table_size (run.incidents_seen), run.incident_twice);
  printf ("dispatches: %" G_GUINT64_FORMAT " dispatch.created, %" G_GUINT64_FORMAT
          " dispatch.ended; a unit dispatched while on an active dispatch: %" G_GUINT64_FORMAT "\n",
          run.dispatch_created, run.dispatch_ended, run.double_dispatch);
  printf ("verdict: %s (lost %" G_GUINT64_FORMAT ", twice %" G_GUINT64_FORMAT ", resets %" G_GUINT64_FORMAT ")\n",
          lost == 0 && twice == 0 && resets == 0 && run.double_dispatch == 0 && run.incident_twice == 0
            && g_hash_table_size (run.writes.incident_ids) == g_hash_table_size (run.incidents_seen)
            ? "nothing lost, nothing twice" : "FAULT",
          lost, twice, resets);
  return lost == 0 && twice == 0 && run.double_dispatch == 0 && run.incident_twice == 0
         && g_hash_table_size (run.writes.incident_ids) == g_hash_table_size (run.incidents_seen) ? 0 : 1;
}
