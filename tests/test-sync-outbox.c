/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Outbox durability end to end: a real board process (this program run
 * again with --child) is killed with SIGKILL at the two moments that
 * matter, and a restarted board on the same outbox file talks to a real
 * dozord on loopback. Whatever the moment, the command is applied once:
 *
 *  - killed between enqueue and send: the restarted board sends it;
 *  - killed after the server applied it but before the board removed it:
 *    the restarted board sends it again with the same Idempotency-Key and
 *    dozord answers with its first answer, changing nothing;
 *  - the world moved on while the board was dead: the replay is refused
 *    (409 unit_busy), and the refusal reaches the board as an answer.
 *
 * A crash has to be a separate process: only then are the SQLite
 * connection, the socket and every buffer really lost.
 *
 * With DOZOR_TEST_STORE=postgres dozord stores in a fresh database of a
 * PostgreSQL the program starts (the test sync-outbox-pg); the board's
 * outbox is its own SQLite file either way.
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dozor-outbox.h"
#include "pg-fixture.h"
#include "dozor-situation.h"
#include "dozor-sync-client.h"

#define CHILD_ARG "--child"
#define PASSWORD "correct horse battery"

/* The board gives up after this; the kernel ends it after ALARM_SECONDS
 * even if its main loop is stuck, so the parent never waits for ever. */
#define WATCHDOG_SECONDS 20
#define ALARM_SECONDS 30

static char *self_exe;
static const char *dozord_path;
static const char *dozorctl_path;
/* With DOZOR_TEST_STORE=postgres: one cluster, a database per test. */
static PgCluster *cluster;

/* --- The board: the child process ------------------------------------------ */

typedef struct
{
  GMainLoop *loop;
  DozorSyncClient *client;
  const char *mode;
  const char *unit;
  const char *incident;
  gboolean sent;
  guint answered;
} Board;

/* One line per fact, tab-separated, flushed at once: the process may be
 * killed on the next line, and stdio would lose what it still buffers. */
G_GNUC_PRINTF (1, 2)
static void
say (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static gboolean
board_watchdog_cb (gpointer user_data)
{
  Board *board = user_data;
  DozorOutbox *outbox = dozor_sync_client_get_outbox (board->client);

  g_printerr ("board (%s): not done after %d s: link state %u, %u answered, %u in the outbox; last error: %s\n",
              board->mode, WATCHDOG_SECONDS, dozor_sync_client_get_state (board->client), board->answered,
              outbox != NULL ? dozor_outbox_count (outbox) : 0, dozor_sync_client_get_last_error (board->client));
  exit (3);
}

static void
board_send_dispatch (Board *board)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *summary = g_strdup_printf ("Dispatch %s to %s", board->unit, board->incident);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "unit_id");
  json_builder_add_string_value (builder, board->unit);
  json_builder_set_member_name (builder, "incident_id");
  json_builder_add_string_value (builder, board->incident);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  key = dozor_sync_client_send (board->client, "POST", "dispatches", body, -1, summary, &error);
  if (key == NULL)
    {
      g_printerr ("board (%s): the command was not saved: %s\n", board->mode, error->message);
      exit (4);
    }
  board->sent = TRUE;
  say ("key\t%s", key);
}

static void
board_state_cb (DozorSyncClient *client,
                GParamSpec      *pspec,
                Board           *board)
{
  /* Offline for real: the board has tried the backend and failed once,
   * as it would with the network down. */
  if (g_str_equal (board->mode, "enqueue-offline") && !board->sent &&
      dozor_sync_client_get_state (client) == DOZOR_SYNC_RECONNECTING)
    {
      board_send_dispatch (board);
      /* Between enqueue and send: the command is only on disk. */
      raise (SIGKILL);
    }
}

static void
board_answered_cb (DozorSyncClient *client,
                   const char      *key,
                   guint            status,
                   const char      *summary,
                   JsonNode        *answer,
                   Board           *board)
{
  g_autofree char *text = answer != NULL ? json_to_string (answer, FALSE) : g_strdup ("null");

  board->answered++;
  say ("answered\t%s\t%u\t%s", key, status, text);

  /* The server has applied it and answered, but the entry is still in the
   * outbox: the client removes it only after this handler returns. */
  if (g_str_equal (board->mode, "send-and-die"))
    raise (SIGKILL);
}

static void
board_outbox_changed_cb (DozorSyncClient *client,
                         Board           *board)
{
  if (board->answered > 0 && dozor_outbox_count (dozor_sync_client_get_outbox (client)) == 0)
    g_main_loop_quit (board->loop);
}

/* argv: self --child MODE URL OUTBOX USER [UNIT INCIDENT] */
static int
board_main (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorOutbox) outbox = NULL;
  g_autoptr(DozorSyncClient) client = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Board board = { 0 };

  alarm (ALARM_SECONDS);

  if (argc < 6 || (!g_str_equal (argv[2], "flush") && argc < 8))
    {
      g_printerr ("usage: %s " CHILD_ARG " MODE URL OUTBOX USER [UNIT INCIDENT]\n", argv[0]);
      return 2;
    }
  board.mode = argv[2];
  board.unit = argc >= 8 ? argv[6] : NULL;
  board.incident = argc >= 8 ? argv[7] : NULL;
  board.loop = loop;

  outbox = dozor_outbox_open (argv[4], &error);
  if (outbox == NULL)
    {
      g_printerr ("board (%s): %s\n", board.mode, error->message);
      return 4;
    }

  /* What the restarted board finds, before it does anything with it. */
  if (g_str_equal (board.mode, "flush"))
    {
      g_autoptr(GPtrArray) entries = dozor_outbox_list (outbox, &error);

      if (entries == NULL)
        {
          g_printerr ("board (%s): %s\n", board.mode, error->message);
          return 4;
        }
      for (guint i = 0; i < entries->len; i++)
        {
          DozorOutboxEntry *entry = entries->pdata[i];

          say ("pending\t%s\t%u\t%s\t%s", entry->key, entry->attempts, entry->method, entry->path);
        }
      /* No answer could ever come: say so now rather than at the watchdog. */
      if (entries->len == 0)
        {
          g_printerr ("board (%s): the outbox is empty, nothing to send\n", board.mode);
          return 5;
        }
    }

  client = dozor_sync_client_new (argv[3], situation);
  board.client = client;
  dozor_sync_client_set_credentials (client, argv[5], PASSWORD);
  g_signal_connect (client, "notify::state", G_CALLBACK (board_state_cb), &board);
  g_signal_connect (client, "command-answered", G_CALLBACK (board_answered_cb), &board);
  g_signal_connect (client, "outbox-changed", G_CALLBACK (board_outbox_changed_cb), &board);
  dozor_sync_client_set_outbox (client, outbox);
  g_timeout_add_seconds (WATCHDOG_SECONDS, board_watchdog_cb, &board);
  dozor_sync_client_start (client);

  /* Made while the link is still coming up: it waits in the outbox until
   * the stream is live, as a command made at startup would. */
  if (g_str_equal (board.mode, "send-and-die"))
    board_send_dispatch (&board);

  g_main_loop_run (loop);

  /* Only "flush" gets here: something was answered and the outbox is empty. */
  dozor_sync_client_stop (client);
  say ("remaining\t%u", dozor_outbox_count (outbox));
  return 0;
}

/* --- The parent: running boards -------------------------------------------- */

typedef struct
{
  gboolean exited;
  int exit_status;
  int term_sig;
  GPtrArray *lines; /* GStrv, one per line the board said */
} Child;

static void
child_clear (Child *child)
{
  g_clear_pointer (&child->lines, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Child, child_clear)

static Child
run_board (const char *mode,
           const char *url,
           const char *outbox,
           const char *user,
           const char *unit,
           const char *incident)
{
  const char *argv[] = { self_exe, CHILD_ARG, mode, url, outbox, user, unit, incident, NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  Child child = { 0 };

  /* stderr is inherited, so that what a board says goes to the test log. */
  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  child.exited = g_subprocess_get_if_exited (process);
  child.exit_status = child.exited ? g_subprocess_get_exit_status (process) : -1;
  child.term_sig = g_subprocess_get_if_signaled (process) ? g_subprocess_get_term_sig (process) : 0;
  child.lines = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_test_message ("board %s: exit %d, signal %d, said:\n%s", mode, child.exit_status, child.term_sig, out);

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (*lines[i] != '\0')
      g_ptr_array_add (child.lines, g_strsplit (lines[i], "\t", -1));

  return child;
}

/* The lines of one kind, in the order said. */
static GPtrArray *
child_lines (Child      *child,
             const char *kind)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < child->lines->len; i++)
    {
      char **fields = child->lines->pdata[i];

      if (g_str_equal (fields[0], kind))
        g_ptr_array_add (found, fields);
    }
  return found;
}

/* The one line of a kind, which must be there exactly once. */
static char **
child_line (Child      *child,
            const char *kind)
{
  g_autoptr(GPtrArray) found = child_lines (child, kind);

  if (found->len != 1)
    g_test_message ("the board said “%s” %u times, not once", kind, found->len);
  g_assert_cmpuint (found->len, ==, 1);
  return found->pdata[0];
}

static void
assert_killed (Child *child)
{
  g_assert_false (child->exited);
  g_assert_cmpint (child->term_sig, ==, SIGKILL);
}

/* The restarted board answered exactly one command, and only exited once
 * the outbox was empty. */
static JsonObject *
assert_flushed (Child      *child,
                const char *key,
                guint       status,
                JsonNode  **answer)
{
  char **answered;

  g_assert_true (child->exited);
  g_assert_cmpint (child->exit_status, ==, 0);

  answered = child_line (child, "answered");
  g_assert_cmpstr (answered[1], ==, key);
  g_assert_cmpuint (g_ascii_strtoull (answered[2], NULL, 10), ==, status);
  g_assert_cmpstr (child_line (child, "remaining")[1], ==, "0");

  *answer = json_from_string (answered[3], NULL);
  g_assert_nonnull (*answer);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (*answer));
  return json_node_get_object (*answer);
}

/* --- The parent: dozord ----------------------------------------------------- */

typedef struct
{
  char *dir;
  char *db;
  char *outbox;
  GSubprocess *server;
  char *url;
  SoupSession *session;
  GSocket *nowhere;
} Fixture;

typedef struct
{
  guint status;
  JsonNode *body;
} Answer;

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

static void
add_user (Fixture    *fixture,
          const char *name)
{
  g_autofree char *password_file = g_build_filename (fixture->dir, "password", NULL);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (password_file, PASSWORD "\n", -1, NULL));
  ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, dozorctl_path, "--db", fixture->db,
                          "user", "add", name, "--role", "supervisor", "--password-file", password_file, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (ctl, NULL, &error));
  g_assert_no_error (error);
}

/* A failed assertion aborts this program before any teardown: dozord
 * must not outlive it, holding the test's output open until meson's
 * timeout. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr(GSubprocessLauncher) launcher = NULL;

  /* The test's own data folder: new for every test, removed after it passes. */
  fixture->dir = g_build_filename (g_get_user_data_dir (), "sync-outbox", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->dir, 0700), ==, 0);
  if (cluster != NULL)
    {
      g_autofree char *name = NULL;
      g_autofree char *conninfo = pg_cluster_new_database (cluster, "sync_outbox_", &name);

      fixture->db = pg_cluster_uri (cluster, name);
    }
  else
    {
      fixture->db = g_build_filename (fixture->dir, "dozord.sqlite", NULL);
    }
  fixture->outbox = g_build_filename (fixture->dir, "outbox.sqlite", NULL);

  add_user (fixture, "sup");
  add_user (fixture, "sup2");

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->server = g_subprocess_launcher_spawn (launcher, &error, dozord_path, "--db", fixture->db,
                                                 "--listen", "127.0.0.1:0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  fixture->url = g_strdup (line + strlen ("listening on "));

  fixture->session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_subprocess_send_signal (fixture->server, SIGTERM);
  g_subprocess_wait (fixture->server, NULL, NULL);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->nowhere);
  g_free (fixture->url);
  g_free (fixture->outbox);
  g_free (fixture->db);
  g_free (fixture->dir);
}

static Answer
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *token,
         const char *key,
         const char *body)
{
  g_autofree char *uri = g_strconcat (fixture->url, "/api/v1/", path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  Answer answer = { 0 };

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes_out = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes_out);
    }

  bytes = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  answer.status = soup_message_get_status (msg);
  if (g_bytes_get_size (bytes) > 0)
    {
      /* GBytes are not NUL-terminated; the parser wants a string. */
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      answer.body = json_from_string (text, NULL);
      g_assert_nonnull (answer.body);
    }
  return answer;
}

/* Creating and dispatching need a key; a fresh one makes a new command. */
static Answer
post (Fixture    *fixture,
      const char *path,
      const char *token,
      const char *body)
{
  g_autofree char *key = g_uuid_string_random ();

  return request (fixture, "POST", path, token, key, body);
}

static JsonObject *
object (Answer *answer)
{
  g_assert_nonnull (answer->body);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (answer->body));
  return json_node_get_object (answer->body);
}

static char *
login (Fixture    *fixture,
       const char *user)
{
  g_autofree char *body = g_strdup_printf ("{\"username\":\"%s\",\"password\":\"" PASSWORD "\"}", user);
  g_auto(Answer) answer = request (fixture, "POST", "session", NULL, NULL, body);

  g_assert_cmpuint (answer.status, ==, 200);
  return g_strdup (json_object_get_string_member (object (&answer), "token"));
}

static char *
create_unit (Fixture    *fixture,
             const char *token,
             const char *call_sign)
{
  g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"%s\",\"kind\":\"car\"}", call_sign);
  g_auto(Answer) answer = post (fixture, "units", token, body);

  g_assert_cmpuint (answer.status, ==, 201);
  /* assert_applied_once() counts on this. */
  g_assert_cmpint (json_object_get_int_member (object (&answer), "version"), ==, 1);
  return g_strdup (json_object_get_string_member (object (&answer), "id"));
}

static char *
create_incident (Fixture    *fixture,
                 const char *token)
{
  g_auto(Answer) answer = post (fixture, "incidents", token,
                                "{\"type\":\"robbery\",\"priority\":1,"
                                "\"location\":{\"lat\":43.2389,\"lon\":76.9453}}");

  g_assert_cmpuint (answer.status, ==, 201);
  return g_strdup (json_object_get_string_member (object (&answer), "id"));
}

/* A port on loopback where nothing listens. The socket stays bound, without
 * listening, until the test ends: a connection to it is refused, and no
 * other program (another test's dozord) can take the port meanwhile. */
static char *
offline_url (Fixture *fixture)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (fixture->nowhere);
  fixture->nowhere = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (fixture->nowhere, any, FALSE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (fixture->nowhere, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

/* --- The parent: the event log ---------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  SoupWebsocketConnection *conn;
  GPtrArray *events;
  gboolean heartbeat;
  gboolean timed_out;
} Stream;

static void
stream_message_cb (SoupWebsocketConnection *conn,
                   int                      type,
                   GBytes                  *message,
                   Stream                  *stream)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  JsonNode *node = json_from_string (text, NULL);

  g_assert_nonnull (node);
  if (g_str_equal (json_object_get_string_member (json_node_get_object (node), "type"), "heartbeat"))
    {
      stream->heartbeat = TRUE;
      json_node_unref (node);
      g_main_loop_quit (stream->loop);
      return;
    }
  g_ptr_array_add (stream->events, node);
}

static void
stream_closed_cb (SoupWebsocketConnection *conn,
                  Stream                  *stream)
{
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

static gboolean
stream_timeout_cb (gpointer user_data)
{
  Stream *stream = user_data;

  stream->timed_out = TRUE;
  g_main_loop_quit (stream->loop);
  return G_SOURCE_REMOVE;
}

/* Every dispatch.created event in the server's whole log that sends @unit.
 *
 * This is the proof of "applied once": dozord writes the event in the same
 * transaction as the dispatch, with gapless seqs, and replays the whole
 * log from since=0 before its first heartbeat. A command applied twice
 * would show two events here even if the second dispatch had since ended;
 * the snapshot alone shows only what is active now. */
static GPtrArray *
dispatches_created (Fixture    *fixture,
                    const char *token,
                    const char *unit)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/stream?since=0&token=%s", fixture->url, token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  Stream stream = { loop, NULL, NULL, FALSE, FALSE };
  guint timeout_id;
  gint64 seq = 0;

  stream.events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  soup_session_websocket_connect_async (fixture->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        stream_connected_cb, &stream);
  timeout_id = g_timeout_add_seconds (10, stream_timeout_cb, &stream);
  g_main_loop_run (loop);
  if (!stream.timed_out)
    g_source_remove (timeout_id);

  g_assert_false (stream.timed_out);
  g_assert_true (stream.heartbeat);
  g_signal_handlers_disconnect_by_data (stream.conn, &stream);
  soup_websocket_connection_close (stream.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&stream.conn);

  for (guint i = 0; i < stream.events->len; i++)
    {
      JsonObject *event = json_node_get_object (stream.events->pdata[i]);
      JsonObject *dispatch;

      /* The whole log, with no gap: nothing was missed in the count. */
      g_assert_cmpint (json_object_get_int_member (event, "seq"), ==, ++seq);

      if (!g_str_equal (json_object_get_string_member (event, "type"), "dispatch.created"))
        continue;
      dispatch = json_object_get_object_member (event, "dispatch");
      if (g_str_equal (json_object_get_string_member (dispatch, "unit_id"), unit))
        g_ptr_array_add (found, json_node_ref (json_object_get_member (event, "dispatch")));
    }
  g_ptr_array_unref (stream.events);
  return found;
}

static JsonObject *
find_by_id (JsonObject *snapshot,
            const char *list,
            const char *id)
{
  JsonArray *array = json_object_get_array_member (snapshot, list);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *item = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return item;
    }
  return NULL;
}

/* dozord holds exactly one dispatch of @unit, ever: @dispatch_id, to
 * @incident, made by @created_by, still active; and the unit changed
 * exactly once since it was created. */
static void
assert_applied_once (Fixture    *fixture,
                     const char *token,
                     const char *unit,
                     const char *incident,
                     const char *dispatch_id,
                     const char *created_by)
{
  g_autoptr(GPtrArray) created = dispatches_created (fixture, token, unit);
  g_auto(Answer) snapshot = request (fixture, "GET", "snapshot", token, NULL, NULL);
  JsonArray *dispatches;
  JsonObject *active = NULL, *event, *unit_now, *incident_now;
  guint active_for_unit = 0;

  g_assert_cmpuint (created->len, ==, 1);
  event = json_node_get_object (created->pdata[0]);
  g_assert_cmpstr (json_object_get_string_member (event, "id"), ==, dispatch_id);
  g_assert_cmpstr (json_object_get_string_member (event, "incident_id"), ==, incident);
  g_assert_cmpstr (json_object_get_string_member (event, "created_by"), ==, created_by);

  g_assert_cmpuint (snapshot.status, ==, 200);
  dispatches = json_object_get_array_member (object (&snapshot), "dispatches");
  for (guint i = 0; i < json_array_get_length (dispatches); i++)
    {
      JsonObject *dispatch = json_array_get_object_element (dispatches, i);

      if (g_str_equal (json_object_get_string_member (dispatch, "unit_id"), unit))
        {
          active = dispatch;
          active_for_unit++;
        }
    }
  g_assert_cmpuint (active_for_unit, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (active, "id"), ==, dispatch_id);
  g_assert_cmpstr (json_object_get_string_member (active, "incident_id"), ==, incident);
  g_assert_cmpstr (json_object_get_string_member (active, "status"), ==, "active");

  /* Created at version 1; each applied dispatch adds one, and a refused
   * one rolls back. */
  unit_now = find_by_id (object (&snapshot), "units", unit);
  g_assert_nonnull (unit_now);
  g_assert_cmpstr (json_object_get_string_member (unit_now, "status"), ==, "dispatched");
  g_assert_cmpint (json_object_get_int_member (unit_now, "version"), ==, 2);

  incident_now = find_by_id (object (&snapshot), "incidents", incident);
  g_assert_nonnull (incident_now);
  g_assert_cmpstr (json_object_get_string_member (incident_now, "status"), ==, "dispatched");
}

/* --- Tests ------------------------------------------------------------------ */

static void
test_killed_before_send (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *sup = login (fixture, "sup");
  g_autofree char *unit = create_unit (fixture, sup, "Беркут-12");
  g_autofree char *incident = create_incident (fixture, sup);
  g_autofree char *nowhere = offline_url (fixture);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *key = NULL;
  JsonObject *dispatch;
  char **pending;

  /* The board makes the command offline and is killed. */
  {
    g_auto(Child) board = run_board ("enqueue-offline", nowhere, fixture->outbox, "sup", unit, incident);

    assert_killed (&board);
    key = g_strdup (child_line (&board, "key")[1]);
  }

  /* Nothing has reached the server yet. */
  before = dispatches_created (fixture, sup, unit);
  g_assert_cmpuint (before->len, ==, 0);

  /* Restarted, the board finds it in the file, never tried, and sends it. */
  {
    g_auto(Child) board = run_board ("flush", fixture->url, fixture->outbox, "sup", NULL, NULL);

    pending = child_line (&board, "pending");
    g_assert_cmpstr (pending[1], ==, key);
    g_assert_cmpstr (pending[2], ==, "0");
    g_assert_cmpstr (pending[3], ==, "POST");
    g_assert_cmpstr (pending[4], ==, "dispatches");

    dispatch = assert_flushed (&board, key, 201, &answer);
  }
  g_assert_cmpstr (json_object_get_string_member (dispatch, "unit_id"), ==, unit);
  g_assert_cmpstr (json_object_get_string_member (dispatch, "incident_id"), ==, incident);

  assert_applied_once (fixture, sup, unit, incident, json_object_get_string_member (dispatch, "id"), "sup");
}

static void
test_killed_after_apply (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *sup = login (fixture, "sup");
  g_autofree char *unit = create_unit (fixture, sup, "Кобра-3");
  g_autofree char *incident = create_incident (fixture, sup);
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *key = NULL;
  g_autofree char *first_text = NULL;
  char **answered, **pending;

  /* The server applies it and answers; the board dies in the handler,
   * before it takes the command out of the outbox. */
  {
    g_auto(Child) board = run_board ("send-and-die", fixture->url, fixture->outbox, "sup", unit, incident);

    assert_killed (&board);
    key = g_strdup (child_line (&board, "key")[1]);
    answered = child_line (&board, "answered");
    g_assert_cmpstr (answered[1], ==, key);
    g_assert_cmpstr (answered[2], ==, "201");
    first_text = g_strdup (answered[3]);
    first = json_from_string (first_text, NULL);
    g_assert_nonnull (first);
  }

  /* Restarted, it finds the command still there, tried at least once, and
   * sends it again with the same key: dozord answers as it did the first
   * time, from its idempotency store, and changes nothing. */
  {
    g_auto(Child) board = run_board ("flush", fixture->url, fixture->outbox, "sup", NULL, NULL);

    pending = child_line (&board, "pending");
    g_assert_cmpstr (pending[1], ==, key);
    g_assert_cmpuint (g_ascii_strtoull (pending[2], NULL, 10), >=, 1);

    assert_flushed (&board, key, 201, &again);
    /* The same answer, byte for byte: not a new dispatch, and not 409. */
    g_assert_cmpstr (child_line (&board, "answered")[3], ==, first_text);
  }
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (again), "id"), ==,
                   json_object_get_string_member (json_node_get_object (first), "id"));

  assert_applied_once (fixture, sup, unit, incident,
                       json_object_get_string_member (json_node_get_object (first), "id"), "sup");
}

static void
test_conflict_on_replay (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *sup = login (fixture, "sup");
  g_autofree char *sup2 = login (fixture, "sup2");
  g_autofree char *unit = create_unit (fixture, sup, "Барыс-01");
  g_autofree char *incident_a = create_incident (fixture, sup);
  g_autofree char *incident_b = create_incident (fixture, sup);
  g_autofree char *nowhere = offline_url (fixture);
  g_autofree char *key = NULL;
  g_autofree char *other_id = NULL;
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *refusal, *current;

  {
    g_auto(Child) board = run_board ("enqueue-offline", nowhere, fixture->outbox, "sup", unit, incident_a);

    assert_killed (&board);
    key = g_strdup (child_line (&board, "key")[1]);
  }

  /* Meanwhile another supervisor sends the unit elsewhere. */
  {
    g_autofree char *body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident_b);
    g_auto(Answer) dispatched = post (fixture, "dispatches", sup2, body);

    g_assert_cmpuint (dispatched.status, ==, 201);
    other_id = g_strdup (json_object_get_string_member (object (&dispatched), "id"));
  }

  /* The replay is refused, and the refusal is an answer: it reaches
   * command-answered, naming who has the unit, and leaves the outbox. */
  {
    g_auto(Child) board = run_board ("flush", fixture->url, fixture->outbox, "sup", NULL, NULL);

    g_assert_cmpstr (child_line (&board, "pending")[1], ==, key);
    refusal = assert_flushed (&board, key, 409, &answer);
  }
  g_assert_cmpstr (json_object_get_string_member (refusal, "code"), ==, "unit_busy");
  current = json_object_get_object_member (refusal, "current");
  g_assert_nonnull (current);
  g_assert_cmpstr (json_object_get_string_member (current, "id"), ==, other_id);
  g_assert_cmpstr (json_object_get_string_member (current, "created_by"), ==, "sup2");
  g_assert_cmpstr (json_object_get_string_member (current, "incident_id"), ==, incident_b);

  /* Only the other supervisor's dispatch ever happened. */
  assert_applied_once (fixture, sup, unit, incident_b, other_id, "sup2");
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 3 && g_str_equal (argv[1], CHILD_ARG))
    return board_main (argc, argv);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_canonicalize_filename (argv[0], NULL);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  dozord_path = g_getenv ("DOZORD");
  dozorctl_path = g_getenv ("DOZORCTL");
  /* meson test sets them (tests/meson.build). */
  g_assert_nonnull (dozord_path);
  g_assert_nonnull (dozorctl_path);
  if (g_strcmp0 (g_getenv ("DOZOR_TEST_STORE"), "postgres") == 0)
    cluster = pg_cluster_start_or_bail_out ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync-outbox/killed-before-send", test_killed_before_send);
  ADD ("/sync-outbox/killed-after-apply", test_killed_after_apply);
  ADD ("/sync-outbox/conflict-on-replay", test_conflict_on_replay);
#undef ADD

  /* On SQLite there is no cluster to stop. */
  return pg_cluster_run_tests (cluster);
}
