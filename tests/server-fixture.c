/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <libpq-fe.h>

#include "pg-fixture.h"
#include "server-fixture.h"

const char *dozord_path;
const char *dozorctl_path;

/* With DOZOR_TEST_STORE=postgres, one PostgreSQL for the whole program
 * (starting one takes seconds), a fresh database in it for each test. */
static PgCluster *cluster;
static guint n_databases;


void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, json_node_unref);
}


void
add_user (Server     *server,
          const char *name,
          const char *role)
{
  g_autofree char *password_file = g_build_filename (server->dir, "password", NULL);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (password_file, "correct horse battery\n", -1, NULL));
  ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, dozorctl_path, "--db", server->db,
                          "user", "add", name, "--role", role, "--password-file", password_file, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (ctl, NULL, &error));
  g_assert_no_error (error);
}

/* In the child between fork and exec. dozord ends with the test, even
 * one that aborts. With a descriptor limit, both limits are set, so that
 * dozord cannot raise itself past the test's choice. */
static void
child_setup (gpointer user_data)
{
  const guint64 *nofile = user_data;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (*nofile > 0)
    {
      struct rlimit limit = { (rlim_t) *nofile, (rlim_t) *nofile };

      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

/* dozord with the server's extra_args, then the call's own. */
static void
start_with (Server            *server,
            const char        *retain,
            const char        *scenario_units,
            const char *const *extra)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) dozord_path);
  g_ptr_array_add (args, (gpointer) "--db");
  g_ptr_array_add (args, server->db);
  g_ptr_array_add (args, (gpointer) "--listen");
  g_ptr_array_add (args, (gpointer) "127.0.0.1:0");
  g_ptr_array_add (args, (gpointer) "--retain-events");
  g_ptr_array_add (args, (gpointer) (retain != NULL ? retain : "100000"));
  if (scenario_units != NULL)
    {
      g_ptr_array_add (args, (gpointer) "--scenario=almaty");
      g_ptr_array_add (args, (gpointer) "--seed=3");
      g_ptr_array_add (args, (gpointer) "--units");
      g_ptr_array_add (args, (gpointer) scenario_units);
      /* One report a second, so that the test sees several. */
      g_ptr_array_add (args, (gpointer) "--incidents-per-hour=3600");
    }
  for (guint i = 0; server->extra_args != NULL && server->extra_args[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) server->extra_args[i]);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);

  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);

    g_subprocess_launcher_set_child_setup (launcher, child_setup, &server->nofile, NULL);
    server->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) args->pdata, &error);
  }
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:") ||
                 g_str_has_prefix (line, "listening on https://127.0.0.1:"));
  g_free (server->url);
  server->url = g_strdup (line + strlen ("listening on "));
}

void
server_start_full (Server     *server,
                   const char *retain,
                   const char *scenario_units)
{
  start_with (server, retain, scenario_units, NULL);
}

/* dozord with options of the test's own, such as --login-lock. */
void
server_start_args (Server            *server,
                   const char *const *extra)
{
  start_with (server, NULL, NULL, extra);
}

void
server_start (Server     *server,
              const char *retain)
{
  server_start_full (server, retain, NULL);
}

void
server_stop (Server  *server,
             int      signal_number)
{
  g_subprocess_send_signal (server->process, signal_number);
  g_subprocess_wait (server->process, NULL, NULL);
  g_clear_object (&server->process);
}

void
server_setup (Server        *server,
              gconstpointer  data)
{
  server->dir = g_dir_make_tmp ("dozord-test-XXXXXX", NULL);
  if (cluster != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_strdup_printf ("dozor_test_%u", ++n_databases);
      g_autofree char *conninfo = pg_cluster_create_database (cluster, name, &error);

      g_assert_no_error (error);
      /* dozord and dozorctl take it as an operator would write it. */
      server->db = pg_cluster_uri (cluster, name);
    }
  else
    {
      server->db = g_build_filename (server->dir, "dozord.sqlite", NULL);
    }
  add_user (server, "sup", "supervisor");
  add_user (server, "sup2", "supervisor");
  add_user (server, "op", "operator");
  add_user (server, "wall", "wall");
  add_user (server, "tracker", "tracker");
  server_start (server, data);
  {
    /* Loopback only: no proxy lookup through the desktop's settings. */
    g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

    server->session = soup_session_new_with_options ("max-conns", 32, "max-conns-per-host", 32,
                                                     "proxy-resolver", direct, NULL);
  }
}

void
server_teardown (Server        *server,
                 gconstpointer  data)
{
  if (server->process != NULL)
    server_stop (server, SIGTERM);
  g_clear_object (&server->session);
  g_free (server->url);
  g_free (server->db);
  g_free (server->dir);
}

SoupMessage *
new_request (Server     *server,
             const char *method,
             const char *path,
             const char *token,
             const char *body)
{
  g_autofree char *uri = g_strconcat (server->url, path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);

  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  return msg;
}

Answer
finish (SoupMessage *msg,
        GBytes      *bytes)
{
  Answer answer = { soup_message_get_status (msg), NULL };
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

  /* GBytes are not NUL-terminated; the parser wants a string. */
  if (length > 0)
    {
      g_autofree char *text = g_strndup (data, length);

      answer.body = json_from_string (text, NULL);
    }
  return answer;
}

Answer
request (Server     *server,
         const char *method,
         const char *path,
         const char *token,
         const char *key,
         const char *if_match,
         const char *body)
{
  g_autoptr(SoupMessage) msg = new_request (server, method, path, token, body);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
  if (if_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", if_match);

  bytes = soup_session_send_and_read (server->session, msg, NULL, &error);
  g_assert_no_error (error);
  return finish (msg, bytes);
}

const char *
member (Answer     *answer,
        const char *name)
{
  g_assert_nonnull (answer->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer->body));
  return json_object_get_string_member_with_default (json_node_get_object (answer->body), name, NULL);
}

char *
login (Server     *server,
       const char *user)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"correct horse battery\"}", user);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/session", NULL, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 200);
  return g_strdup (member (&answer, "token"));
}

char *
create_unit (Server     *server,
             const char *token,
             const char *call_sign)
{
  g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"%s\",\"kind\":\"car\"}", call_sign);
  g_autofree char *key = g_uuid_string_random ();
  g_auto(Answer) answer = request (server, "POST", "/api/v1/units", token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (member (&answer, "id"));
}

char *
create_incident (Server     *server,
                 const char *token)
{
  g_autofree char *key = g_uuid_string_random ();
  g_auto(Answer) answer = request (server, "POST", "/api/v1/incidents", token, key, NULL,
                                   "{\"type\":\"robbery\",\"priority\":1,"
                                   "\"location\":{\"lat\":43.2389,\"lon\":76.9453},\"address\":\"Republic Square\"}");

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (member (&answer, "id"));
}

gint64
snapshot_seq (Server     *server,
              const char *token)
{
  g_auto(Answer) answer = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);

  g_assert_cmpuint (answer.status, ==, 200);
  return json_object_get_int_member (json_node_get_object (answer.body), "as_of_seq");
}



/* One event, or the stream's own message. */
static void
stream_take (Stream   *stream,
             JsonNode *node)
{
  const char *kind;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  kind = json_object_get_string_member (json_node_get_object (node), "type");
  if (g_str_equal (kind, "heartbeat"))
    {
      stream->heartbeat = TRUE;
      json_node_unref (node);
      g_main_loop_quit (stream->loop);
      return;
    }
  if (g_str_equal (kind, "reset"))
    stream->reset = TRUE;

  if (stream->wait_seq > 0 && json_object_get_int_member_with_default (json_node_get_object (node), "seq", 0) >= stream->wait_seq)
    g_main_loop_quit (stream->loop);
  g_ptr_array_add (stream->events, node);
}

/* A frame of the stream, parsed: it must be JSON. */
JsonNode *
stream_frame_parse (GBytes *message)
{
  gsize length;
  const char *data = g_bytes_get_data (message, &length);
  g_autofree char *text = g_strndup (data, length);
  JsonNode *node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  return node;
}

/* A frame holds an object, or with batch=1 maybe an array of events. */
static void
stream_message_cb (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *message,
                   Stream                  *stream)
{
  gsize length = g_bytes_get_size (message);
  g_autoptr(JsonNode) node = stream_frame_parse (message);

  if (stream->texts != NULL)
    g_ptr_array_add (stream->texts, g_strndup (g_bytes_get_data (message, NULL), length));

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *events = json_node_get_array (node);

      g_assert_cmpuint (json_array_get_length (events), >, 0);
      stream->frames++;
      stream->most_per_frame = MAX (stream->most_per_frame, json_array_get_length (events));
      stream->longest_frame = MAX (stream->longest_frame, length);
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonNode *event = json_array_dup_element (events, i);

          g_assert_true (JSON_NODE_HOLDS_OBJECT (event));
          g_assert_true (json_object_has_member (json_node_get_object (event), "seq"));
          stream_take (stream, event);
        }
      return;
    }

  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  if (json_object_has_member (json_node_get_object (node), "seq") &&
      !g_str_equal (json_object_get_string_member (json_node_get_object (node), "type"), "heartbeat") &&
      !g_str_equal (json_object_get_string_member (json_node_get_object (node), "type"), "reset"))
    {
      stream->frames++;
      stream->most_per_frame = MAX (stream->most_per_frame, 1);
    }
  stream_take (stream, g_steal_pointer (&node));
}

static void
stream_closed_cb (SoupWebsocketConnection *conn,
                  Stream                  *stream)
{
  stream->closed = TRUE;
  g_main_loop_quit (stream->loop);
}

static void
stream_connected_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Stream *stream = user_data;
  g_autoptr(GError) error = NULL;

  stream->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  g_signal_connect (stream->conn, "message", G_CALLBACK (stream_message_cb), stream);
  g_signal_connect (stream->conn, "closed", G_CALLBACK (stream_closed_cb), stream);
}

/* Connects with ?since= and collects events until the first heartbeat, which
 * the server sends once the backlog is out. */
void
stream_open (Server     *server,
             Stream     *stream,
             const char *token,
             gint64      since)
{
  stream_open_query (server, stream, token, since, NULL);
}

/* The same with more of the query (`batch=1`). */
void
stream_open_query (Server     *server,
                   Stream     *stream,
                   const char *token,
                   gint64      since,
                   const char *query)
{
  g_autofree char *uri = g_strdup_printf ("%s/api/v1/stream?since=%" G_GINT64_FORMAT "&token=%s%s%s",
                                          g_str_has_prefix (server->url, "http") ? server->url : "", since, token,
                                          query != NULL ? "&" : "", query != NULL ? query : "");
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);

  memset (stream, 0, sizeof *stream);
  stream->loop = g_main_loop_new (NULL, FALSE);
  stream->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  soup_session_websocket_connect_async (server->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        stream_connected_cb, stream);
  g_main_loop_run (stream->loop);
}

static gboolean
stream_give_up_cb (gpointer user_data)
{
  Stream *stream = user_data;

  g_main_loop_quit (stream->loop);
  return G_SOURCE_REMOVE;
}

/* Runs the stream until an event of @seq or later has arrived, the stream
 * closed, or a generous 60 s passed. Returns: whether it arrived. */
gboolean
stream_wait_seq (Stream *stream,
                 gint64  seq)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  stream->wait_seq = seq;
  for (guint turn = 0; turn < 1000 && !stream->closed && g_get_monotonic_time () < deadline; turn++)
    {
      g_autoptr(GSource) give_up = NULL;

      if (stream->events->len > 0 && event_seq (stream, stream->events->len - 1) >= seq)
        break;
      give_up = g_timeout_source_new_seconds (1);
      g_source_set_callback (give_up, stream_give_up_cb, stream, NULL);
      g_source_attach (give_up, NULL);
      g_main_loop_run (stream->loop);
      g_source_destroy (give_up);
    }
  stream->wait_seq = 0;
  return stream->events->len > 0 && event_seq (stream, stream->events->len - 1) >= seq;
}

void
stream_close (Stream *stream)
{
  /* The Stream lives on the test's stack: nothing may call back into it. */
  if (stream->conn != NULL)
    g_signal_handlers_disconnect_by_data (stream->conn, stream);
  if (stream->conn != NULL && soup_websocket_connection_get_state (stream->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (stream->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&stream->conn);
  g_clear_pointer (&stream->events, g_ptr_array_unref);
  g_clear_pointer (&stream->texts, g_ptr_array_unref);
  g_clear_pointer (&stream->loop, g_main_loop_unref);
}

gint64
event_seq (Stream *stream,
           guint   i)
{
  return json_object_get_int_member (json_node_get_object (stream->events->pdata[i]), "seq");
}

void
assert_gapless (Stream *stream,
                gint64  after)
{
  for (guint i = 0; i < stream->events->len; i++)
    g_assert_cmpint (event_seq (stream, i), ==, after + 1 + i);
}

static void
stop_cluster (void)
{
  g_clear_pointer (&cluster, pg_cluster_stop);
}

void
server_fixture_init (void)
{
  const char *store = g_getenv ("DOZOR_TEST_STORE");

  dozord_path = g_getenv ("DOZORD");
  dozorctl_path = g_getenv ("DOZORCTL");
  g_assert_nonnull (dozord_path);
  g_assert_nonnull (dozorctl_path);

  if (store != NULL && g_str_equal (store, "postgres"))
    {
      g_autoptr(GError) error = NULL;

      /* Stopped at exit; an aborted test's cluster is stopped by its
       * guardian when the pipe closes (pg-fixture.c). */
      cluster = pg_cluster_start (FALSE, &error);
      g_assert_no_error (error);
      atexit (stop_cluster);
    }
  else
    {
      g_assert_true (store == NULL || *store == '\0' || g_str_equal (store, "sqlite"));
    }
}

gboolean
server_fixture_on_postgres (void)
{
  return cluster != NULL;
}

/* The program's PostgreSQL, NULL on SQLite: for tests that stop it, or
 * look into it. */
PgCluster *
server_fixture_get_cluster (void)
{
  return cluster;
}

/* Another dozord on @first's database, on a port of its own, with a
 * session of its own: several instances behind a load balancer. */
void
server_start_another (Server *first,
                      Server *other)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  other->dir = g_dir_make_tmp ("dozord-test-XXXXXX", NULL);
  other->db = g_strdup (first->db);
  other->extra_args = first->extra_args;
  start_with (other, NULL, NULL, NULL);
  other->session = soup_session_new_with_options ("max-conns", 32, "max-conns-per-host", 32,
                                                  "proxy-resolver", direct, NULL);
}

void
server_pair_setup (ServerPair    *pair,
                   gconstpointer  data)
{
  g_assert_true (server_fixture_on_postgres ());
  server_setup (&pair->a, data);
  server_start_another (&pair->a, &pair->b);
  pair->db = PQconnectdb (pair->a.db);
  g_assert_cmpint (PQstatus (pair->db), ==, CONNECTION_OK);
}

void
server_pair_teardown (ServerPair    *pair,
                      gconstpointer  data)
{
  g_clear_pointer (&pair->db, PQfinish);
  server_teardown (&pair->b, data);
  server_teardown (&pair->a, data);
}

/* Every event of the journal in the window @query, following `next`. */
GPtrArray *
journal_read (Server     *server,
              const char *token,
              const char *query,
              guint      *pages)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *next = NULL;

  *pages = 0;
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *escaped = next != NULL ? g_uri_escape_string (next, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/journal?%s%s%s", query,
                                               escaped != NULL ? "&after=" : "", escaped != NULL ? escaped : "");
      g_auto(Answer) page = request (server, "GET", path, token, NULL, NULL, NULL);
      JsonObject *object;
      JsonArray *array;

      g_assert_cmpuint (page.status, ==, 200);
      object = json_node_get_object (page.body);
      array = json_object_get_array_member (object, "events");
      for (guint e = 0; e < json_array_get_length (array); e++)
        g_ptr_array_add (events, json_node_copy (json_array_get_element (array, e)));
      (*pages)++;
      g_clear_pointer (&next, g_free);
      if (json_node_is_null (json_object_get_member (object, "next")))
        return events;
      next = g_strdup (json_object_get_string_member (object, "next"));
    }
  g_assert_not_reached ();
}

/* One fix of @unit_id taken now, as a tracker sends it. */
void
send_fix (Server     *server,
          const char *token,
          const char *unit_id,
          double      lat,
          double      lon,
          double      speed)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);
  g_autofree char *body = g_strdup_printf ("{\"positions\":[{\"unit_id\":\"%s\",\"lat\":%.7f,\"lon\":%.7f,"
                                           "\"time\":\"%s\",\"speed\":%.1f}]}",
                                           unit_id, lat, lon, time, speed);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/positions", token, NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 202);
}

/* PostgreSQL's counterpart of SQLite's integrity_check for a test's
 * database: amcheck (PostgreSQL's own contrib module) over every B-tree
 * index of the store, each checked against its table's rows too. */
void
assert_postgres_sound (Server *server)
{
  PGconn *conn;
  PGresult *result;

  g_assert_true (server_fixture_on_postgres ());
  conn = PQconnectdb (server->db);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, "CREATE EXTENSION IF NOT EXISTS amcheck");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  result = PQexec (conn, "SELECT count(bt_index_check(c.oid, true)) FROM pg_index i"
                         " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam"
                         " WHERE a.amname = 'btree' AND c.relnamespace = current_schema()::regnamespace"
                         /* Not the position history's partitioned indexes, which hold
                          * nothing themselves: each day's table's own are checked. */
                         " AND c.relkind = 'i'");
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("amcheck: %s", PQresultErrorMessage (result));
  /* Every table of the store has its primary key's index at least. */
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10), >, 20);
  PQclear (result);
  PQfinish (conn);
}


/* A time as the store writes it: RFC 3339, UTC, microseconds. */
char *
time_text_us (gint64 seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* POST /routes: FIXTURE_ROUTE_GEOMETRY for @unit_id's shift. */
char *
create_patrol_route (Server     *server,
                     const char *token,
                     const char *unit_id,
                     gint64      shift_start,
                     gint64      shift_end)
{
  g_autofree char *start = time_text_us (shift_start);
  g_autofree char *end = time_text_us (shift_end);
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *body = g_strdup_printf ("{\"name\":\"Маршрут %s\",\"unit_id\":\"%s\",\"shift_start\":\"%s\","
                                           "\"shift_end\":\"%s\",\"geometry\":" FIXTURE_ROUTE_GEOMETRY "}",
                                           unit_id, unit_id, start, end);
  g_auto(Answer) answer = request (server, "POST", "/api/v1/routes", token, key, NULL, body);

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (member (&answer, "id"));
}

void
assert_time_member (JsonObject *object,
                    const char *name,
                    gint64      seconds)
{
  g_autofree char *want = time_text_us (seconds);

  g_assert_cmpstr (json_object_get_string_member (object, name), ==, want);
}

/* A command that PostgreSQL's absence refused, sent again with its key
 * until it is done: every answer before must be 503 "unavailable", all
 * within @seconds. Returns how many 503s came first. */
guint
post_until_created (Server     *server,
                    const char *path,
                    const char *token,
                    const char *key,
                    const char *body,
                    guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint refused = 0;

  for (;;)
    {
      g_auto(Answer) answer = request (server, "POST", path, token, key, NULL, body);

      if (answer.status == 201)
        return refused;
      g_assert_cmpuint (answer.status, ==, 503);
      g_assert_cmpstr (member (&answer, "code"), ==, "unavailable");
      refused++;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 20);
    }
}
