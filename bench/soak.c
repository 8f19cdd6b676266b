/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The soak: a real dozord on loopback under faults for as long as asked,
 * then a reckoning. See docs/soak.md for how to run it and read it.
 *
 *   meson devenv -C build bench/soak [--faults N] [--minutes M] [--seed S] [--short]
 *
 * Every client talks to dozord through a relay (soak-proxy.c) that freezes,
 * resets and drops answers; dozord itself is killed with SIGKILL and
 * restarted on the same database, and stopped with SIGSTOP for a while.
 * Meanwhile eight supervisors register incidents, race for a shared pool
 * of units and close what they opened, retrying every command with the
 * same Idempotency-Key until it is answered; a tracker posts positions;
 * stream clients follow the events; and a board process (this program run
 * again with --board) sends through its outbox and is killed mid-send.
 *
 * At the end every client's state must hash to the server's snapshot, the
 * event log must be gapless, no unit may ever have held two active
 * dispatches, and every command must have been applied at most once, and
 * exactly once when it was answered as applied. The exit status says
 * whether all of that held; time never fails it.
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dozor-outbox.h"
#include "dozor-situation.h"
#include "dozor-sync-client.h"
#include "soak-proxy.h"

#define PASSWORD "correct horse battery"
#define BOARD_ARG "--board"
#define N_SUPERVISORS 8
#define N_OBSERVERS 3
/* Fewer units than supervisors want: they race, and some lose. */
#define N_UNITS 12
/* A supervisor that has heard nothing for this long gives up on the answer
 * and sends the command again, with the same key. */
#define GIVE_UP_SECONDS 2
/* A command unanswered after this many attempts fails the soak. */
#define MAX_ATTEMPTS 400
/* What a dead link is to the stream clients (docs/api.md). */
#define DEAD_AFTER_SECONDS 15
/* The board process is ended by the kernel after this, whatever it does. */
#define BOARD_ALARM_SECONDS 60
/* Bounds on the end of the run: the work in flight finishes, clients catch up. */
#define DRAIN_SECONDS 300
#define CATCH_UP_SECONDS 120

typedef enum
{
  FAULT_KILL,
  FAULT_STOP,
  FAULT_RESET,
  FAULT_STALL,
  FAULT_DROP,
  FAULT_OUTBOX,
  N_FAULTS,
} FaultKind;

static const char *const fault_names[N_FAULTS] = {
  "kill -9 + restart", "SIGSTOP/SIGCONT", "sockets reset", "sockets frozen",
  "answers dropped", "board killed mid-send",
};

typedef struct _Soak Soak;

/* One command as the soak made it: sent and retried under one key. */
typedef struct
{
  char *kind;      /* "incident", "dispatch", "close" */
  char *method;
  char *path;
  char *body;
  char *key;       /* NULL for a PATCH, which If-Match guards instead */
  gint64 if_match;
  char *tag;       /* an incident's description, unique in the run */
  char *unit;      /* dispatches */
  char *incident;  /* dispatches and closes */
  guint attempts;
  guint status;    /* the answer that ended it, 0 while none */
  char *answer_id; /* the id the answer named */
} Command;

static void
command_free (Command *command)
{
  g_free (command->kind);
  g_free (command->method);
  g_free (command->path);
  g_free (command->body);
  g_free (command->key);
  g_free (command->tag);
  g_free (command->unit);
  g_free (command->incident);
  g_free (command->answer_id);
  g_free (command);
}

/* What the board process was asked to send, and what it reported. */
typedef struct
{
  char *tag;
  char *key;
  guint status;
} BoardCommand;

static void
board_command_free (BoardCommand *command)
{
  g_free (command->tag);
  g_free (command->key);
  g_free (command);
}

typedef enum
{
  SUP_INCIDENT,
  SUP_DISPATCH,
  SUP_CLOSE,
  SUP_DONE,
} SupervisorPhase;

typedef struct
{
  Soak *soak;
  char *user;
  char *token;
  SoupSession *session;
  SupervisorPhase phase;
  Command *command;      /* in flight; owned by soak->commands */
  guint cycle;
  char *incident;
  gint64 incident_version;
  GPtrArray *tried_units;
} Supervisor;

typedef struct
{
  Soak *soak;
  char *user;
  char *token;
  SoupSession *session;
  DozorSituation *situation;
  SoupWebsocketConnection *conn;
  gboolean have_snapshot;
  gboolean busy;         /* a login, snapshot or connect is under way */
  guint retry_id;
  gint64 last_heard;
  guint64 applied;
  guint64 lost;          /* seqs skipped on the wire */
  guint64 duplicated;    /* seqs seen again on the wire */
  guint64 heartbeat_gaps;
  guint64 invalid;
  guint reconnects;
  guint resets;
} Observer;

struct _Soak
{
  const char *dozord;
  const char *dozorctl;
  char *self_exe;
  char *dir;
  char *db;
  char *outbox;
  char *log;
  guint16 port;
  char *direct_url;
  char *proxy_url;
  SoupSession *direct;
  char *token; /* the soak's own supervisor, for setup and the reckoning */

  GSubprocess *server;
  GDataInputStream *server_out; /* kept open: dozord must not get SIGPIPE */
  gboolean server_up;
  guint start_attempts;
  guint restarts;
  SoakProxy *proxy;
  GRand *rand;

  guint max_faults;
  gint64 deadline; /* monotonic µs, 0 for none */
  gint64 started;
  guint faults[N_FAULTS];
  guint reset_connections;
  gboolean stopping;

  GPtrArray *units;
  Supervisor supervisors[N_SUPERVISORS];
  Observer observers[N_OBSERVERS];
  DozorSituation *board_situation;
  DozorSyncClient *board_client;

  char *tracker_token;
  SoupSession *tracker_session;
  gboolean tracker_busy;
  guint tracker_id;
  guint64 positions_accepted;
  guint tracker_batches;
  guint tracker_failed;

  GPtrArray *commands;       /* Command* */
  GPtrArray *board_commands; /* BoardCommand* */
  guint board_serial;
  gboolean outbox_done;
  guint flush_runs;
  guint give_ups;
  guint retries;
  guint unanswered;
  GPtrArray *anomalies;      /* char*: what went wrong, in words */
};

static void
anomaly (Soak       *soak,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
anomaly (Soak       *soak,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (soak->anomalies, g_strdup_vprintf (format, args));
  va_end (args);
}

static guint
total_faults (Soak *soak)
{
  guint total = 0;

  for (guint i = 0; i < N_FAULTS; i++)
    total += soak->faults[i];
  return total;
}

static guint
random_ms (Soak  *soak,
           guint  low,
           guint  high)
{
  return (guint) g_rand_int_range (soak->rand, (gint32) low, (gint32) high + 1);
}

/* --- HTTP ------------------------------------------------------------------- */

typedef void (*AnswerFunc) (gpointer  owner,
                            guint     status,
                            JsonNode *body);

typedef struct
{
  SoupMessage *msg;
  GCancellable *cancellable;
  guint give_up_id;
  gboolean gave_up;
  Soak *soak;
  AnswerFunc done;
  gpointer owner;
} Call;

static SoupMessage *
api_message (const char *base,
             const char *method,
             const char *path,
             const char *token,
             const char *key,
             gint64      if_match,
             const char *body)
{
  g_autofree char *uri = g_strconcat (base, "/api/v1/", path, NULL);
  SoupMessage *msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (if_match >= 0)
    {
      g_autofree char *version = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", if_match);

      soup_message_headers_replace (headers, "If-Match", version);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return msg;
}

static gboolean
call_give_up_cb (gpointer user_data)
{
  Call *call = user_data;

  call->give_up_id = 0;
  call->gave_up = TRUE;
  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static void
call_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Call *call = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  g_autoptr(JsonNode) body = NULL;
  guint status = 0;

  g_clear_handle_id (&call->give_up_id, g_source_remove);
  if (call->gave_up)
    call->soak->give_ups++;
  if (bytes != NULL)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

      status = soup_message_get_status (call->msg);
      body = json_from_string (text, NULL);
    }
  call->done (call->owner, status, body);
  g_object_unref (call->msg);
  g_object_unref (call->cancellable);
  g_free (call);
}

/* Sends one request; @done gets the status (0 when no answer came: the
 * connection failed, or nothing arrived within @give_up_seconds) and the
 * body if it was JSON. */
static void
call_start (Soak        *soak,
            SoupSession *session,
            const char  *method,
            const char  *path,
            const char  *token,
            const char  *key,
            gint64       if_match,
            const char  *body,
            AnswerFunc   done,
            gpointer     owner)
{
  Call *call = g_new0 (Call, 1);

  call->soak = soak;
  call->msg = api_message (soak->proxy_url, method, path, token, key, if_match, body);
  call->cancellable = g_cancellable_new ();
  call->done = done;
  call->owner = owner;
  call->give_up_id = g_timeout_add_seconds (GIVE_UP_SECONDS, call_give_up_cb, call);
  soup_session_send_and_read_async (session, call->msg, G_PRIORITY_DEFAULT, call->cancellable, call_done_cb, call);
}

/* A request straight to dozord, bypassing the relay: for setup and the
 * reckoning only, when no fault is under way. */
static JsonNode *
request_direct (Soak       *soak,
                const char *method,
                const char *path,
                const char *token,
                const char *key,
                const char *body,
                guint      *status)
{
  g_autoptr(SoupMessage) msg = api_message (soak->direct_url, method, path, token, key, -1, body);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read (soak->direct, msg, NULL, &error);
  g_autofree char *text = NULL;

  if (bytes == NULL)
    {
      *status = 0;
      return NULL;
    }
  *status = soup_message_get_status (msg);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  return json_from_string (text, NULL);
}

static char *
login_body (const char *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, PASSWORD);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static const char *
member_string (JsonNode   *node,
               const char *member)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (node), member, NULL);
}

static SoupSession *
new_session (void)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  /* Its own connections: a fault on one client's socket is its alone. */
  return soup_session_new_with_options ("proxy-resolver", direct, "max-conns-per-host", 2, NULL);
}

/* --- dozord ----------------------------------------------------------------- */

typedef void (*ReadyFunc) (Soak *soak);

static ReadyFunc server_ready_func;

static void server_spawn (Soak *soak);

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
server_spawn_cb (gpointer user_data)
{
  server_spawn (user_data);
  return G_SOURCE_REMOVE;
}

static void
server_line_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Soak *soak = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                                     NULL, NULL);

  if (line != NULL && g_str_has_prefix (line, "listening on "))
    {
      soak->server_up = TRUE;
      soak->start_attempts = 0;
      server_ready_func (soak);
      return;
    }

  /* It did not come up (the port not yet free, say): try again shortly. */
  if (++soak->start_attempts > 100)
    {
      g_printerr ("soak: dozord does not start; see %s\n", soak->log);
      exit (2);
    }
  g_subprocess_wait (soak->server, NULL, NULL);
  g_timeout_add (200, server_spawn_cb, soak);
}

static void
server_spawn (Soak *soak)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", soak->port);
  int log_fd = open (soak->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  if (log_fd >= 0)
    g_subprocess_launcher_take_stderr_fd (launcher, log_fd);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_clear_object (&soak->server);
  g_clear_object (&soak->server_out);
  /* Every event kept: the reckoning reads the whole log from seq 1. */
  soak->server = g_subprocess_launcher_spawn (launcher, &error, soak->dozord, "--db", soak->db,
                                              "--listen", listen, "--retain-events", "1000000000", NULL);
  if (soak->server == NULL)
    {
      g_printerr ("soak: %s\n", error->message);
      exit (2);
    }
  soak->server_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (soak->server));
  g_data_input_stream_read_line_async (soak->server_out, G_PRIORITY_DEFAULT, NULL, server_line_cb, soak);
}

static void
server_start (Soak      *soak,
              ReadyFunc  ready)
{
  server_ready_func = ready;
  server_spawn (soak);
}

/* --- Supervisors ------------------------------------------------------------ */

static void supervisor_cycle (Supervisor *sup);
static void supervisor_send (Supervisor *sup);

static Command *
command_new (Soak       *soak,
             const char *kind,
             const char *method,
             const char *path,
             const char *body,
             gboolean    keyed,
             gint64      if_match)
{
  Command *command = g_new0 (Command, 1);

  command->kind = g_strdup (kind);
  command->method = g_strdup (method);
  command->path = g_strdup (path);
  command->body = g_strdup (body);
  command->key = keyed ? g_uuid_string_random () : NULL;
  command->if_match = if_match;
  g_ptr_array_add (soak->commands, command);
  return command;
}

static gboolean
supervisor_cycle_cb (gpointer user_data)
{
  supervisor_cycle (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
supervisor_send_cb (gpointer user_data)
{
  supervisor_send (user_data);
  return G_SOURCE_REMOVE;
}

static void
supervisor_next_cycle (Supervisor *sup)
{
  sup->command = NULL;
  g_clear_pointer (&sup->incident, g_free);
  g_ptr_array_set_size (sup->tried_units, 0);
  g_timeout_add (random_ms (sup->soak, 20, 200), supervisor_cycle_cb, sup);
}

static void
supervisor_dispatch (Supervisor *sup)
{
  Soak *soak = sup->soak;
  g_autofree char *body = NULL;
  const char *unit = NULL;

  /* A unit this incident has not asked for yet: one command per pair, so
   * the log tells how often each command was applied. */
  for (guint tries = 0; tries < 64 && unit == NULL; tries++)
    {
      const char *candidate = soak->units->pdata[g_rand_int_range (soak->rand, 0, (gint32) soak->units->len)];

      if (!g_ptr_array_find_with_equal_func (sup->tried_units, candidate, g_str_equal, NULL))
        unit = candidate;
    }
  g_assert (unit != NULL);
  g_ptr_array_add (sup->tried_units, (gpointer) unit);

  body = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, sup->incident);
  sup->phase = SUP_DISPATCH;
  sup->command = command_new (soak, "dispatch", "POST", "dispatches", body, TRUE, -1);
  sup->command->unit = g_strdup (unit);
  sup->command->incident = g_strdup (sup->incident);
  supervisor_send (sup);
}

static void
supervisor_close (Supervisor *sup)
{
  g_autofree char *path = g_strconcat ("incidents/", sup->incident, NULL);

  sup->phase = SUP_CLOSE;
  sup->command = command_new (sup->soak, "close", "PATCH", path, "{\"status\":\"closed\"}", FALSE,
                              sup->incident_version);
  sup->command->incident = g_strdup (sup->incident);
  supervisor_send (sup);
}

static gboolean
supervisor_close_cb (gpointer user_data)
{
  supervisor_close (user_data);
  return G_SOURCE_REMOVE;
}

/* The command has its answer: the next step of the cycle. */
static void
supervisor_answered (Supervisor *sup,
                     JsonNode   *body)
{
  Soak *soak = sup->soak;
  Command *command = sup->command;

  switch (sup->phase)
    {
    case SUP_INCIDENT:
      if (command->status != 201 || command->answer_id == NULL)
        {
          anomaly (soak, "%s: POST /incidents answered %u", sup->user, command->status);
          supervisor_next_cycle (sup);
          return;
        }
      sup->incident = g_strdup (command->answer_id);
      sup->incident_version = 1;
      supervisor_dispatch (sup);
      return;

    case SUP_DISPATCH:
      if (command->status == 201)
        {
          /* The first dispatch moves the incident to "dispatched". */
          sup->incident_version = 2;
          g_timeout_add (random_ms (soak, 50, 400), supervisor_close_cb, sup);
          return;
        }
      if (command->status != 409 || g_strcmp0 (member_string (body, "code"), "unit_busy") != 0)
        anomaly (soak, "%s: POST /dispatches answered %u %s", sup->user, command->status,
                 member_string (body, "code"));
      if (sup->tried_units->len < 3)
        supervisor_dispatch (sup);
      else
        supervisor_close (sup);
      return;

    case SUP_CLOSE:
      /* 412 or 409 after a retry: the first attempt was applied and its
       * answer lost; the reckoning checks the incident is closed. */
      if (command->status != 200 && !(command->attempts > 1 && (command->status == 412 || command->status == 409)))
        anomaly (soak, "%s: PATCH %s answered %u %s", sup->user, command->path, command->status,
                 member_string (body, "code"));
      supervisor_next_cycle (sup);
      return;

    case SUP_DONE:
    default:
      g_assert_not_reached ();
    }
}

static void
supervisor_login_cb (gpointer  owner,
                     guint     status,
                     JsonNode *body)
{
  Supervisor *sup = owner;
  const char *token = member_string (body, "token");

  if (status == 200 && token != NULL)
    {
      g_free (sup->token);
      sup->token = g_strdup (token);
      supervisor_send (sup);
      return;
    }
  if (status != 0 && status < 500)
    anomaly (sup->soak, "%s: login answered %u", sup->user, status);
  g_timeout_add (random_ms (sup->soak, 100, 400), supervisor_send_cb, sup);
}

static void
supervisor_command_cb (gpointer  owner,
                       guint     status,
                       JsonNode *body)
{
  Supervisor *sup = owner;
  Soak *soak = sup->soak;
  Command *command = sup->command;

  /* No answer, or dozord could not write: the same command again, under
   * the same key. */
  if (status == 0 || status >= 500)
    {
      if (command->attempts >= MAX_ATTEMPTS)
        {
          soak->unanswered++;
          anomaly (soak, "%s: %s %s unanswered after %u attempts", sup->user, command->method, command->path,
                   command->attempts);
          supervisor_next_cycle (sup);
          return;
        }
      soak->retries++;
      g_timeout_add (random_ms (soak, 50, 300), supervisor_send_cb, sup);
      return;
    }
  if (status == 401)
    {
      g_clear_pointer (&sup->token, g_free);
      supervisor_send (sup);
      return;
    }

  command->status = status;
  g_free (command->answer_id);
  command->answer_id = g_strdup (member_string (body, "id"));
  supervisor_answered (sup, body);
}

static void
supervisor_send (Supervisor *sup)
{
  Soak *soak = sup->soak;
  Command *command = sup->command;

  if (sup->token == NULL)
    {
      g_autofree char *body = login_body (sup->user);

      call_start (soak, sup->session, "POST", "session", NULL, NULL, -1, body, supervisor_login_cb, sup);
      return;
    }
  command->attempts++;
  call_start (soak, sup->session, command->method, command->path, sup->token, command->key, command->if_match,
              command->body, supervisor_command_cb, sup);
}

static void
supervisor_cycle (Supervisor *sup)
{
  Soak *soak = sup->soak;
  g_autofree char *body = NULL;
  g_autofree char *tag = NULL;

  if (soak->stopping)
    {
      sup->phase = SUP_DONE;
      return;
    }

  sup->cycle++;
  tag = g_strdup_printf ("soak %s #%u", sup->user, sup->cycle);
  body = g_strdup_printf ("{\"type\":\"theft\",\"priority\":%d,\"location\":{\"lat\":%.5f,\"lon\":%.5f},"
                          "\"description\":\"%s\"}",
                          g_rand_int_range (soak->rand, 1, 5), 43.2 + g_rand_double (soak->rand) * 0.1,
                          76.85 + g_rand_double (soak->rand) * 0.15, tag);
  sup->phase = SUP_INCIDENT;
  sup->command = command_new (soak, "incident", "POST", "incidents", body, TRUE, -1);
  sup->command->tag = g_steal_pointer (&tag);
  supervisor_send (sup);
}

/* --- Stream clients --------------------------------------------------------- */

static void observer_connect (Observer *obs);

static gboolean
observer_retry_cb (gpointer user_data)
{
  Observer *obs = user_data;

  obs->retry_id = 0;
  observer_connect (obs);
  return G_SOURCE_REMOVE;
}

static void
observer_retry (Observer *obs)
{
  obs->busy = FALSE;
  if (obs->retry_id == 0)
    obs->retry_id = g_timeout_add (random_ms (obs->soak, 100, 400), observer_retry_cb, obs);
}

static void
observer_drop (Observer *obs)
{
  if (obs->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (obs->conn, obs);
  if (soup_websocket_connection_get_state (obs->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (obs->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&obs->conn);
  obs->reconnects++;
  observer_retry (obs);
}

static void
observer_message_cb (SoupWebsocketConnection *conn,
                     int                      type,
                     GBytes                  *message,
                     Observer                *obs)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  JsonObject *object;
  const char *kind;
  gint64 seq, have;

  obs->last_heard = g_get_monotonic_time ();
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      obs->invalid++;
      return;
    }
  object = json_node_get_object (node);
  kind = json_object_get_string_member_with_default (object, "type", "");
  seq = json_object_get_int_member_with_default (object, "seq", -1);
  have = dozor_situation_get_seq (obs->situation);

  if (g_str_equal (kind, "heartbeat"))
    {
      /* Events come before the heartbeat that counts them. */
      if (seq > have)
        {
          obs->heartbeat_gaps++;
          observer_drop (obs);
        }
      return;
    }
  if (g_str_equal (kind, "reset"))
    {
      obs->resets++;
      obs->have_snapshot = FALSE;
      observer_drop (obs);
      return;
    }

  if (seq <= have)
    {
      obs->duplicated++;
      return;
    }
  if (seq > have + 1)
    {
      obs->lost += (guint64) (seq - have - 1);
      observer_drop (obs);
      return;
    }
  if (dozor_situation_apply_event (obs->situation, node) != DOZOR_APPLY_APPLIED)
    obs->invalid++;
  else
    obs->applied++;
}

static void
observer_closed_cb (SoupWebsocketConnection *conn,
                    Observer                *obs)
{
  /* 4401: the session ended; log in again. */
  if (soup_websocket_connection_get_close_code (conn) == 4401)
    g_clear_pointer (&obs->token, g_free);
  observer_drop (obs);
}

static void
observer_stream_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Observer *obs = user_data;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);

  obs->busy = FALSE;
  if (conn == NULL)
    {
      obs->reconnects++;
      observer_retry (obs);
      return;
    }
  obs->conn = conn;
  obs->last_heard = g_get_monotonic_time ();
  soup_websocket_connection_set_max_incoming_payload_size (conn, 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (observer_message_cb), obs);
  g_signal_connect (conn, "closed", G_CALLBACK (observer_closed_cb), obs);
}

static void
observer_snapshot_cb (gpointer  owner,
                      guint     status,
                      JsonNode *body)
{
  Observer *obs = owner;
  g_autoptr(GError) error = NULL;

  if (status == 401)
    g_clear_pointer (&obs->token, g_free);
  if (status != 200 || body == NULL)
    {
      observer_retry (obs);
      return;
    }
  if (!dozor_situation_load_snapshot (obs->situation, body, &error))
    {
      anomaly (obs->soak, "%s: the snapshot does not load: %s", obs->user, error->message);
      observer_retry (obs);
      return;
    }
  obs->have_snapshot = TRUE;
  obs->busy = FALSE;
  observer_connect (obs);
}

static void
observer_login_cb (gpointer  owner,
                   guint     status,
                   JsonNode *body)
{
  Observer *obs = owner;

  if (status == 200 && member_string (body, "token") != NULL)
    {
      obs->token = g_strdup (member_string (body, "token"));
      obs->busy = FALSE;
      observer_connect (obs);
      return;
    }
  observer_retry (obs);
}

static void
observer_connect (Observer *obs)
{
  Soak *soak = obs->soak;
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  if (obs->busy || obs->conn != NULL)
    return;
  obs->busy = TRUE;
  if (obs->token == NULL)
    {
      g_autofree char *body = login_body (obs->user);

      call_start (soak, obs->session, "POST", "session", NULL, NULL, -1, body, observer_login_cb, obs);
      return;
    }
  if (!obs->have_snapshot)
    {
      call_start (soak, obs->session, "GET", "snapshot", obs->token, NULL, -1, NULL, observer_snapshot_cb, obs);
      return;
    }
  url = g_strdup_printf ("%s/api/v1/stream?since=%" G_GINT64_FORMAT "&token=%s", soak->proxy_url,
                         dozor_situation_get_seq (obs->situation), obs->token);
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (obs->session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        observer_stream_cb, obs);
}

/* A socket that went silent without closing is dead after 15 s. */
static gboolean
observers_watchdog_cb (gpointer user_data)
{
  Soak *soak = user_data;

  for (guint i = 0; i < N_OBSERVERS; i++)
    {
      Observer *obs = &soak->observers[i];

      if (obs->conn != NULL && g_get_monotonic_time () - obs->last_heard > DEAD_AFTER_SECONDS * G_USEC_PER_SEC)
        observer_drop (obs);
    }
  return G_SOURCE_CONTINUE;
}

/* --- The tracker ------------------------------------------------------------ */

static void tracker_post (Soak *soak);

static void
tracker_login_cb (gpointer  owner,
                  guint     status,
                  JsonNode *body)
{
  Soak *soak = owner;

  soak->tracker_busy = FALSE;
  if (status == 200 && member_string (body, "token") != NULL)
    soak->tracker_token = g_strdup (member_string (body, "token"));
}

static void
tracker_posted_cb (gpointer  owner,
                   guint     status,
                   JsonNode *body)
{
  Soak *soak = owner;

  soak->tracker_busy = FALSE;
  if (status == 401)
    g_clear_pointer (&soak->tracker_token, g_free);
  if (status == 202 && body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    soak->positions_accepted += (guint64) json_object_get_int_member_with_default (json_node_get_object (body),
                                                                                   "accepted", 0);
  else
    soak->tracker_failed++;
}

/* Positions are lost with the sockets they travel on, as a tracker's are:
 * no retry, the next batch is newer anyway. They are the bulk of events. */
static void
tracker_post (Soak *soak)
{
  g_autoptr(GString) body = g_string_new ("{\"positions\":[");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = g_date_time_format_iso8601 (now);

  if (soak->tracker_busy)
    return;
  soak->tracker_busy = TRUE;
  if (soak->tracker_token == NULL)
    {
      g_autofree char *login = login_body ("tracker");

      call_start (soak, soak->tracker_session, "POST", "session", NULL, NULL, -1, login, tracker_login_cb, soak);
      return;
    }
  for (guint i = 0; i < soak->units->len; i++)
    g_string_append_printf (body, "%s{\"unit_id\":\"%s\",\"lat\":%.6f,\"lon\":%.6f,\"time\":\"%s\",\"speed\":%.1f}",
                            i > 0 ? "," : "", (char *) soak->units->pdata[i],
                            43.2 + g_rand_double (soak->rand) * 0.1, 76.85 + g_rand_double (soak->rand) * 0.15,
                            time, g_rand_double (soak->rand) * 15);
  g_string_append (body, "]}");
  soak->tracker_batches++;
  call_start (soak, soak->tracker_session, "POST", "positions", soak->tracker_token, NULL, -1, body->str,
              tracker_posted_cb, soak);
}

static gboolean
tracker_cb (gpointer user_data)
{
  tracker_post (user_data);
  return G_SOURCE_CONTINUE;
}

/* --- The board process, killed mid-send -------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  gboolean self_kill;
  guint answered;
} Board;

/* One line per fact, flushed at once: the next line may be a SIGKILL. */
static void
board_say (const char *format,
           ...) G_GNUC_PRINTF (1, 2);

static void
board_say (const char *format,
           ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static void
board_answered_cb (DozorSyncClient *client,
                   const char      *key,
                   guint            status,
                   const char      *summary,
                   JsonNode        *answer,
                   Board           *board)
{
  board->answered++;
  board_say ("answered\t%s\t%u\t%s", key, status, summary);
  /* Applied and answered, but still in the outbox: the restarted board
   * sends it again. */
  if (board->self_kill)
    raise (SIGKILL);
}

static void
board_outbox_changed_cb (DozorSyncClient *client,
                         Board           *board)
{
  if (board->answered > 0 && dozor_outbox_count (dozor_sync_client_get_outbox (client)) == 0)
    g_main_loop_quit (board->loop);
}

/* argv: self --board send URL OUTBOX TAG SELF_KILL | self --board flush URL OUTBOX */
static int
board_main (int    argc,
            char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorOutbox) outbox = NULL;
  g_autoptr(DozorSyncClient) client = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gboolean send = argc >= 7 && g_str_equal (argv[2], "send");
  Board board = { loop, send && g_str_equal (argv[6], "1"), 0 };

  alarm (BOARD_ALARM_SECONDS);
  if (argc < 5)
    return 2;
  outbox = dozor_outbox_open (argv[4], &error);
  if (outbox == NULL)
    {
      g_printerr ("soak board: %s\n", error->message);
      return 4;
    }
  if (!send && dozor_outbox_count (outbox) == 0)
    return 0;

  client = dozor_sync_client_new (argv[3], situation);
  dozor_sync_client_set_credentials (client, "board", PASSWORD);
  g_signal_connect (client, "command-answered", G_CALLBACK (board_answered_cb), &board);
  g_signal_connect (client, "outbox-changed", G_CALLBACK (board_outbox_changed_cb), &board);
  dozor_sync_client_set_outbox (client, outbox);
  dozor_sync_client_start (client);

  if (send)
    {
      g_autofree char *body = g_strdup_printf ("{\"type\":\"fraud\",\"location\":{\"lat\":43.25,\"lon\":76.95},"
                                               "\"description\":\"%s\"}", argv[5]);
      g_autoptr(JsonNode) node = json_from_string (body, NULL);
      g_autofree char *key = dozor_sync_client_send (client, "POST", "incidents", node, -1, argv[5], &error);

      if (key == NULL)
        {
          g_printerr ("soak board: the command was not saved: %s\n", error->message);
          return 4;
        }
      board_say ("key\t%s\t%s", key, argv[5]);
    }

  g_main_loop_run (loop);
  dozor_sync_client_stop (client);
  return 0;
}

static void outbox_cycle (Soak *soak);
static void outbox_flush (Soak *soak);

typedef struct
{
  Soak *soak;
  GSubprocess *process;
  guint kill_id;
  gboolean flush;
} BoardRun;

static BoardCommand *
board_command_for (Soak       *soak,
                   const char *tag)
{
  for (guint i = 0; i < soak->board_commands->len; i++)
    {
      BoardCommand *command = soak->board_commands->pdata[i];

      if (g_str_equal (command->tag, tag))
        return command;
    }
  return NULL;
}

static gboolean
outbox_cycle_cb (gpointer user_data)
{
  outbox_cycle (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
board_kill_cb (gpointer user_data)
{
  BoardRun *run = user_data;

  run->kill_id = 0;
  g_subprocess_send_signal (run->process, SIGKILL);
  return G_SOURCE_REMOVE;
}

static void
board_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BoardRun *run = user_data;
  Soak *soak = run->soak;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean flushed;

  g_subprocess_communicate_utf8_finish (run->process, result, &out, NULL, NULL);
  g_clear_handle_id (&run->kill_id, g_source_remove);

  lines = g_strsplit (out != NULL ? out : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      BoardCommand *command;

      if (g_strv_length (fields) == 3 && g_str_equal (fields[0], "key") &&
          (command = board_command_for (soak, fields[2])) != NULL)
        command->key = g_strdup (fields[1]);
      else if (g_strv_length (fields) == 4 && g_str_equal (fields[0], "answered") &&
               (command = board_command_for (soak, fields[3])) != NULL)
        command->status = (guint) g_ascii_strtoull (fields[2], NULL, 10);
    }

  if (g_subprocess_get_if_signaled (run->process) && g_subprocess_get_term_sig (run->process) == SIGKILL &&
      !run->flush)
    soak->faults[FAULT_OUTBOX]++;
  flushed = run->flush && g_subprocess_get_if_exited (run->process) &&
            g_subprocess_get_exit_status (run->process) == 0;

  g_object_unref (run->process);
  g_free (run);

  /* Whatever happened to the sender, a board starts again on its outbox
   * until it is empty, as a restarted board would. */
  if (!flushed)
    outbox_flush (soak);
  else if (soak->stopping)
    soak->outbox_done = TRUE;
  else
    g_timeout_add (random_ms (soak, 100, 600), outbox_cycle_cb, soak);
}

static void
board_run (Soak        *soak,
           const char **argv,
           guint        kill_after_ms)
{
  g_autoptr(GError) error = NULL;
  BoardRun *run = g_new0 (BoardRun, 1);

  run->soak = soak;
  run->flush = g_str_equal (argv[2], "flush");
  run->process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (run->process == NULL)
    {
      g_printerr ("soak: %s\n", error->message);
      exit (2);
    }
  if (kill_after_ms > 0)
    run->kill_id = g_timeout_add (kill_after_ms, board_kill_cb, run);
  g_subprocess_communicate_utf8_async (run->process, NULL, NULL, board_done_cb, run);
}

static void
outbox_flush (Soak *soak)
{
  const char *argv[] = { soak->self_exe, BOARD_ARG, "flush", soak->proxy_url, soak->outbox, NULL };

  if (++soak->flush_runs > 100000)
    exit (2);
  board_run (soak, argv, 0);
}

static void
outbox_cycle (Soak *soak)
{
  g_autofree char *tag = g_strdup_printf ("soak board #%u", ++soak->board_serial);
  const char *self_kill = g_rand_int_range (soak->rand, 0, 4) == 0 ? "1" : "0";
  const char *argv[] = { soak->self_exe, BOARD_ARG, "send", soak->proxy_url, soak->outbox, tag, self_kill, NULL };
  BoardCommand *command = g_new0 (BoardCommand, 1);

  if (soak->stopping)
    {
      soak->outbox_done = TRUE;
      return;
    }
  command->tag = g_strdup (tag);
  g_ptr_array_add (soak->board_commands, command);
  /* From before its login to after its answer: sometimes before the
   * send, sometimes while it is on the wire, sometimes after. */
  board_run (soak, argv, random_ms (soak, 100, 2500));
}

/* --- Faults ----------------------------------------------------------------- */

static void inject_later (Soak *soak);

static void
server_killed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Soak *soak = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  soak->restarts++;
  server_start (soak, inject_later);
}

/* The end of a fault that lasts: dozord runs again, the wire moves again. */
static gboolean
fault_over_cb (gpointer user_data)
{
  Soak *soak = user_data;

  g_subprocess_send_signal (soak->server, SIGCONT);
  soak_proxy_set_frozen (soak->proxy, FALSE);
  inject_later (soak);
  return G_SOURCE_REMOVE;
}

static gboolean
inject_cb (gpointer user_data)
{
  Soak *soak = user_data;
  /* Weights: cheap faults more often, so that a run of 1,000 stays short. */
  static const guint weights[] = { [FAULT_KILL] = 3, [FAULT_STOP] = 3, [FAULT_RESET] = 4, [FAULT_STALL] = 3,
                                   [FAULT_DROP] = 5 };
  guint pick, sum = 0;
  FaultKind kind = FAULT_KILL;

  soak->faults[FAULT_DROP] += soak_proxy_take_drops (soak->proxy);
  if (total_faults (soak) >= soak->max_faults ||
      (soak->deadline > 0 && g_get_monotonic_time () >= soak->deadline))
    {
      soak->stopping = TRUE;
      soak_proxy_disarm_drops (soak->proxy);
      return G_SOURCE_REMOVE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    sum += weights[i];
  pick = (guint) g_rand_int_range (soak->rand, 0, (gint32) sum);
  for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
    {
      if (pick < weights[i])
        {
          kind = i;
          break;
        }
      pick -= weights[i];
    }

  switch (kind)
    {
    case FAULT_KILL:
      soak->faults[FAULT_KILL]++;
      soak->server_up = FALSE;
      g_subprocess_send_signal (soak->server, SIGKILL);
      g_subprocess_wait_async (soak->server, NULL, server_killed_cb, soak);
      break;
    case FAULT_STOP:
      soak->faults[FAULT_STOP]++;
      g_subprocess_send_signal (soak->server, SIGSTOP);
      g_timeout_add (random_ms (soak, 200, 2500), fault_over_cb, soak);
      break;
    case FAULT_RESET:
      soak->faults[FAULT_RESET]++;
      soak->reset_connections += soak_proxy_reset_all (soak->proxy);
      inject_later (soak);
      break;
    case FAULT_STALL:
      soak->faults[FAULT_STALL]++;
      soak_proxy_set_frozen (soak->proxy, TRUE);
      g_timeout_add (random_ms (soak, 200, 2500), fault_over_cb, soak);
      break;
    case FAULT_DROP:
      /* Counted when an answer is really dropped. */
      soak_proxy_arm_drop (soak->proxy);
      inject_later (soak);
      break;
    case FAULT_OUTBOX:
    case N_FAULTS:
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
inject_later (Soak *soak)
{
  g_timeout_add (random_ms (soak, 100, 600), inject_cb, soak);
}

/* --- The reckoning ----------------------------------------------------------- */

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* What a board must agree on with the server: each unit with its call sign,
 * status, version and fix; each open incident with its status, priority and
 * version; each active dispatch; the readiness. Order does not count. */
static char *
situation_hash (DozorSituation *situation)
{
  g_autoptr(JsonNode) node = dozor_situation_to_snapshot (situation);
  JsonObject *snapshot = json_node_get_object (node);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *array;

  g_ptr_array_add (lines, g_strdup_printf ("r %s", dozor_situation_get_readiness (situation)));
  array = json_object_get_array_member (snapshot, "units");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *unit = json_array_get_object_element (array, i);
      JsonObject *position = json_object_get_object_member (unit, "position");

      g_ptr_array_add (lines, g_strdup_printf ("u %s %s %s %" G_GINT64_FORMAT " %.7f %.7f %s",
                                               json_object_get_string_member (unit, "id"),
                                               json_object_get_string_member (unit, "call_sign"),
                                               json_object_get_string_member (unit, "status"),
                                               json_object_get_int_member (unit, "version"),
                                               position != NULL ? json_object_get_double_member (position, "lat") : 0,
                                               position != NULL ? json_object_get_double_member (position, "lon") : 0,
                                               position != NULL ? json_object_get_string_member (position, "time") : "-"));
    }
  array = json_object_get_array_member (snapshot, "incidents");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *incident = json_array_get_object_element (array, i);

      g_ptr_array_add (lines, g_strdup_printf ("i %s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                                               json_object_get_string_member (incident, "id"),
                                               json_object_get_string_member (incident, "status"),
                                               json_object_get_int_member (incident, "priority"),
                                               json_object_get_int_member (incident, "version")));
    }
  array = json_object_get_array_member (snapshot, "dispatches");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *dispatch = json_array_get_object_element (array, i);

      g_ptr_array_add (lines, g_strdup_printf ("d %s %s %s %s", json_object_get_string_member (dispatch, "id"),
                                               json_object_get_string_member (dispatch, "unit_id"),
                                               json_object_get_string_member (dispatch, "incident_id"),
                                               json_object_get_string_member (dispatch, "status")));
    }
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (char *) lines->pdata[i]);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text->str, (gssize) text->len);
}

/* Runs the main loop until @done says so or @seconds pass. */
static gboolean
wait_for (Soak      *soak,
          gboolean (*done) (Soak *soak),
          guint      seconds)
{
  gint64 until = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!done (soak) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  return done (soak);
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
all_drained (Soak *soak)
{
  for (guint i = 0; i < N_SUPERVISORS; i++)
    if (soak->supervisors[i].phase != SUP_DONE)
      return FALSE;
  return soak->outbox_done && soak->server_up && !soak->tracker_busy;
}

static gint64 server_seq;

static gboolean
all_caught_up (Soak *soak)
{
  for (guint i = 0; i < N_OBSERVERS; i++)
    if (dozor_situation_get_seq (soak->observers[i].situation) < server_seq)
      return FALSE;
  return dozor_situation_get_seq (soak->board_situation) >= server_seq;
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *events;
  gboolean done;
  SoupWebsocketConnection *conn;
} LogRead;

static void
log_message_cb (SoupWebsocketConnection *conn,
                int                      type,
                GBytes                  *message,
                LogRead                 *read)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (message, NULL), g_bytes_get_size (message));
  JsonNode *node = json_from_string (text, NULL);
  const char *kind = member_string (node, "type");

  if (g_strcmp0 (kind, "heartbeat") == 0 || g_strcmp0 (kind, "reset") == 0)
    {
      read->done = g_strcmp0 (kind, "heartbeat") == 0;
      json_node_unref (node);
      g_main_loop_quit (read->loop);
      return;
    }
  if (node != NULL)
    g_ptr_array_add (read->events, node);
}

static void
log_closed_cb (SoupWebsocketConnection *conn,
               LogRead                 *read)
{
  g_main_loop_quit (read->loop);
}

static void
log_connected_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  LogRead *read = user_data;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);

  if (conn == NULL)
    {
      g_main_loop_quit (read->loop);
      return;
    }
  soup_websocket_connection_set_max_incoming_payload_size (conn, 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (log_message_cb), read);
  g_signal_connect (conn, "closed", G_CALLBACK (log_closed_cb), read);
  read->conn = conn;
}

static gboolean
log_timeout_cb (gpointer user_data)
{
  g_main_loop_quit (((LogRead *) user_data)->loop);
  return G_SOURCE_REMOVE;
}

/* The server's whole event log, from seq 1, straight from dozord. */
static GPtrArray *
read_log (Soak *soak)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/stream?since=0&token=%s", soak->direct_url, soak->token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  LogRead read = { loop, g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref), FALSE, NULL };
  guint timeout_id;

  soup_session_websocket_connect_async (soak->direct, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        log_connected_cb, &read);
  timeout_id = g_timeout_add_seconds (CATCH_UP_SECONDS, log_timeout_cb, &read);
  g_main_loop_run (loop);
  g_source_remove (timeout_id);
  if (read.conn != NULL)
    {
      g_signal_handlers_disconnect_by_data (read.conn, &read);
      soup_websocket_connection_close (read.conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&read.conn);
    }
  if (!read.done)
    anomaly (soak, "the event log could not be read whole");
  return read.events;
}

typedef struct
{
  guint64 events;
  guint64 gaps;
  guint double_dispatches;
  GHashTable *created_per_pair;  /* "incident unit" → count of dispatch.created */
  GHashTable *dispatch_of_pair;  /* "incident unit" → dispatch id */
  GHashTable *incidents_per_tag; /* description → count of incident.created */
} Log;

static void
log_clear (Log *log)
{
  g_clear_pointer (&log->created_per_pair, g_hash_table_unref);
  g_clear_pointer (&log->dispatch_of_pair, g_hash_table_unref);
  g_clear_pointer (&log->incidents_per_tag, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Log, log_clear)

static void
count (GHashTable *table,
       const char *key)
{
  g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (table, key)) + 1));
}

static guint
counted (GHashTable *table,
         const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, key));
}

/* Replays the log: seqs gapless from 1, and no dispatch.created for a unit
 * that still has an active dispatch. */
static void
analyse_log (Soak      *soak,
             GPtrArray *events,
             Log       *log)
{
  g_autoptr(GHashTable) active = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  log->created_per_pair = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  log->dispatch_of_pair = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  log->incidents_per_tag = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = json_node_get_object (events->pdata[i]);
      const char *type = json_object_get_string_member_with_default (event, "type", "");

      log->events++;
      if (json_object_get_int_member_with_default (event, "seq", -1) != (gint64) i + 1)
        log->gaps++;

      if (g_str_equal (type, "dispatch.created") || g_str_equal (type, "dispatch.ended"))
        {
          JsonObject *dispatch = json_object_get_object_member (event, "dispatch");
          const char *id = json_object_get_string_member (dispatch, "id");
          const char *unit = json_object_get_string_member (dispatch, "unit_id");
          g_autofree char *pair = g_strdup_printf ("%s %s", json_object_get_string_member (dispatch, "incident_id"),
                                                   unit);

          if (g_str_equal (type, "dispatch.ended"))
            {
              if (g_strcmp0 (g_hash_table_lookup (active, unit), id) == 0)
                g_hash_table_remove (active, unit);
              continue;
            }
          if (g_hash_table_contains (active, unit))
            log->double_dispatches++;
          g_hash_table_insert (active, g_strdup (unit), g_strdup (id));
          count (log->created_per_pair, pair);
          g_hash_table_insert (log->dispatch_of_pair, g_strdup (pair), g_strdup (id));
        }
      else if (g_str_equal (type, "incident.created"))
        {
          JsonObject *incident = json_object_get_object_member (event, "incident");
          const char *description = json_object_get_string_member_with_default (incident, "description", "");

          if (g_str_has_prefix (description, "soak "))
            count (log->incidents_per_tag, description);
        }
    }
}

static void
setup_user (Soak       *soak,
            const char *name,
            const char *role)
{
  g_autofree char *password_file = g_build_filename (soak->dir, "password", NULL);
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;

  ctl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, soak->dozorctl, "--db", soak->db,
                          "user", "add", name, "--role", role, "--password-file", password_file, NULL);
  if (ctl == NULL || !g_subprocess_wait_check (ctl, NULL, &error))
    {
      g_printerr ("soak: dozorctl user add %s: %s\n", name, error->message);
      exit (2);
    }
}

static void
server_first_ready (Soak *soak)
{
}

static gboolean
server_is_up (Soak *soak)
{
  return soak->server_up;
}

static void
setup (Soak *soak)
{
  g_autofree char *password_file = NULL;
  g_autofree char *login = login_body ("soak");
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  soak->dir = g_dir_make_tmp ("dozor-soak-XXXXXX", &error);
  if (soak->dir == NULL)
    {
      g_printerr ("soak: %s\n", error->message);
      exit (2);
    }
  soak->db = g_build_filename (soak->dir, "dozord.sqlite", NULL);
  soak->outbox = g_build_filename (soak->dir, "outbox.sqlite", NULL);
  soak->log = g_build_filename (soak->dir, "dozord.log", NULL);
  password_file = g_build_filename (soak->dir, "password", NULL);
  g_file_set_contents (password_file, PASSWORD "\n", -1, NULL);

  setup_user (soak, "soak", "supervisor");
  setup_user (soak, "board", "supervisor");
  setup_user (soak, "tracker", "tracker");
  for (guint i = 0; i < N_SUPERVISORS; i++)
    {
      g_autofree char *name = g_strdup_printf ("sup%u", i + 1);

      setup_user (soak, name, "supervisor");
    }
  for (guint i = 0; i <= N_OBSERVERS; i++)
    {
      g_autofree char *name = g_strdup_printf ("wall%u", i + 1);

      setup_user (soak, name, "wall");
    }

  /* dozord keeps one port across restarts, so that clients find it again:
   * a free one, let go just before dozord takes it. */
  probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  if (probe == NULL || !g_socket_bind (probe, any, TRUE, &error) ||
      (bound = g_socket_get_local_address (probe, &error)) == NULL)
    {
      g_printerr ("soak: %s\n", error->message);
      exit (2);
    }
  soak->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (probe, NULL);
  soak->direct_url = g_strdup_printf ("http://127.0.0.1:%u", soak->port);
  soak->direct = new_session ();

  server_start (soak, server_first_ready);
  if (!wait_for (soak, server_is_up, 30))
    {
      g_printerr ("soak: dozord did not start; see %s\n", soak->log);
      exit (2);
    }

  session = request_direct (soak, "POST", "session", NULL, NULL, login, &status);
  if (status != 200 || member_string (session, "token") == NULL)
    {
      g_printerr ("soak: login answered %u\n", status);
      exit (2);
    }
  soak->token = g_strdup (member_string (session, "token"));

  for (guint i = 0; i < N_UNITS; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"call_sign\":\"Сокол-%02u\",\"kind\":\"car\"}", i + 1);
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr(JsonNode) unit = request_direct (soak, "POST", "units", soak->token, key, body, &status);

      if (status != 201 || member_string (unit, "id") == NULL)
        {
          g_printerr ("soak: POST /units answered %u\n", status);
          exit (2);
        }
      g_ptr_array_add (soak->units, g_strdup (member_string (unit, "id")));
    }

  soak->proxy = soak_proxy_new (soak->port, &error);
  if (soak->proxy == NULL)
    {
      g_printerr ("soak: %s\n", error->message);
      exit (2);
    }
  soak->proxy_url = g_strdup_printf ("http://127.0.0.1:%u", soak_proxy_get_port (soak->proxy));
}

static void
start_clients (Soak *soak)
{
  for (guint i = 0; i < N_OBSERVERS; i++)
    {
      Observer *obs = &soak->observers[i];

      obs->soak = soak;
      obs->user = g_strdup_printf ("wall%u", i + 1);
      obs->session = new_session ();
      obs->situation = dozor_situation_new ();
      observer_connect (obs);
    }
  g_timeout_add_seconds (1, observers_watchdog_cb, soak);

  /* The board's own sync client, as the wall runs it. */
  soak->board_situation = dozor_situation_new ();
  soak->board_client = dozor_sync_client_new (soak->proxy_url, soak->board_situation);
  dozor_sync_client_set_credentials (soak->board_client, "wall4", PASSWORD);
  dozor_sync_client_start (soak->board_client);

  for (guint i = 0; i < N_SUPERVISORS; i++)
    {
      Supervisor *sup = &soak->supervisors[i];

      sup->soak = soak;
      sup->user = g_strdup_printf ("sup%u", i + 1);
      sup->session = new_session ();
      sup->tried_units = g_ptr_array_new ();
      supervisor_cycle (sup);
    }

  soak->tracker_session = new_session ();
  soak->tracker_id = g_timeout_add (500, tracker_cb, soak);

  outbox_cycle (soak);
}

/* The run's folder holds files only. */
static void
remove_files (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

/* --- main ------------------------------------------------------------------- */

static gboolean
is_stopping (Soak *soak)
{
  return soak->stopping;
}

int
main (int   argc,
      char *argv[])
{
  gint faults = 1000;
  double minutes = 0;
  gint seed = 0;
  gboolean quick = FALSE;
  GOptionEntry entries[] = {
    { "faults", 0, 0, G_OPTION_ARG_INT, &faults, "Stop after N faults (default 1000)", "N" },
    { "minutes", 0, 0, G_OPTION_ARG_DOUBLE, &minutes, "Stop after M minutes of faults, whichever comes first", "M" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the random choices (default: from the clock)", "S" },
    { "short", 0, 0, G_OPTION_ARG_NONE, &quick, "A quick check: 40 s of faults (--faults 1000 --minutes 0.67)", NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— dozord under faults, then a reckoning");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_auto(Log) log = { 0 };
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(DozorSituation) server_situation = dozor_situation_new ();
  g_autofree char *server_hash = NULL;
  Soak soak_data = { 0 };
  Soak *soak = &soak_data;
  guint status, matching = 0, clients = 0, failures = 0;
  guint64 applied = 0, lost = 0, duplicated = 0, heartbeat_gaps = 0, invalid = 0;
  guint reconnects = 0;
  guint sent[3] = { 0 }, attempts[3] = { 0 }, applied_commands[3] = { 0 }, refused = 0, twice = 0, missing = 0;
  guint board_sent = 0, board_applied = 0, board_twice = 0, board_missing = 0;
  guint open_left = 0;
  double elapsed;

  if (argc >= 3 && g_str_equal (argv[1], BOARD_ARG))
    return board_main (argc, argv);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("soak: %s\n", error->message);
      return 2;
    }
  if (quick)
    minutes = 40.0 / 60;
  if (faults < 1 || minutes < 0)
    {
      g_printerr ("soak: --faults takes 1 or more, --minutes 0 or more\n");
      return 2;
    }

  soak->dozord = g_getenv ("DOZORD");
  soak->dozorctl = g_getenv ("DOZORCTL");
  if (soak->dozord == NULL || soak->dozorctl == NULL)
    {
      g_printerr ("soak: set DOZORD and DOZORCTL (meson devenv -C build does)\n");
      return 2;
    }
  soak->self_exe = g_file_read_link ("/proc/self/exe", NULL);
  soak->rand = seed != 0 ? g_rand_new_with_seed ((guint32) seed) : g_rand_new ();
  soak->max_faults = (guint) faults;
  soak->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  soak->board_commands = g_ptr_array_new_with_free_func ((GDestroyNotify) board_command_free);
  soak->units = g_ptr_array_new_with_free_func (g_free);
  soak->anomalies = g_ptr_array_new_with_free_func (g_free);
  /* A board killed mid-send must not take us with it through a pipe. */
  signal (SIGPIPE, SIG_IGN);

  setup (soak);
  g_print ("soak: dozord on %s, clients through %s, files in %s\n", soak->direct_url, soak->proxy_url, soak->dir);
  if (minutes > 0)
    g_print ("soak: until %u faults or %.2f minutes of them\n", soak->max_faults, minutes);
  else
    g_print ("soak: until %u faults\n", soak->max_faults);

  soak->started = g_get_monotonic_time ();
  if (minutes > 0)
    soak->deadline = soak->started + (gint64) (minutes * 60 * G_USEC_PER_SEC);
  g_timeout_add (100, tick_cb, NULL);
  start_clients (soak);
  inject_later (soak);

  while (!is_stopping (soak))
    g_main_context_iteration (NULL, TRUE);
  elapsed = (double) (g_get_monotonic_time () - soak->started) / G_USEC_PER_SEC;

  /* The work in flight finishes, with dozord up and the wire whole. */
  g_source_remove (soak->tracker_id);
  if (!wait_for (soak, all_drained, DRAIN_SECONDS))
    anomaly (soak, "the clients did not finish their work within %d s", DRAIN_SECONDS);
  soak->faults[FAULT_DROP] += soak_proxy_take_drops (soak->proxy);

  health = request_direct (soak, "GET", "health", NULL, NULL, NULL, &status);
  server_seq = health != NULL ? json_object_get_int_member_with_default (json_node_get_object (health), "seq", -1) : -1;
  if (!wait_for (soak, all_caught_up, CATCH_UP_SECONDS))
    anomaly (soak, "not every client caught up with seq %" G_GINT64_FORMAT " within %d s", server_seq,
             CATCH_UP_SECONDS);

  snapshot = request_direct (soak, "GET", "snapshot", soak->token, NULL, NULL, &status);
  if (status != 200 || !dozor_situation_load_snapshot (server_situation, snapshot, &error))
    {
      g_printerr ("soak: the server's snapshot: %u %s\n", status, error != NULL ? error->message : "");
      return 2;
    }
  server_hash = situation_hash (server_situation);

  for (guint i = 0; i <= N_OBSERVERS; i++)
    {
      DozorSituation *situation = i < N_OBSERVERS ? soak->observers[i].situation : soak->board_situation;
      g_autofree char *hash = situation_hash (situation);

      clients++;
      if (g_str_equal (hash, server_hash) && dozor_situation_get_seq (situation) == server_seq)
        matching++;
      else
        anomaly (soak, "client %u at seq %" G_GINT64_FORMAT " has state %.16s, the server %.16s", i,
                 dozor_situation_get_seq (situation), hash, server_hash);
      if (i < N_OBSERVERS)
        {
          Observer *obs = &soak->observers[i];

          applied += obs->applied;
          lost += obs->lost;
          duplicated += obs->duplicated;
          heartbeat_gaps += obs->heartbeat_gaps;
          invalid += obs->invalid;
          reconnects += obs->reconnects;
        }
    }

  events = read_log (soak);
  analyse_log (soak, events, &log);
  if ((gint64) events->len != server_seq)
    anomaly (soak, "the log holds %u events, the server's seq is %" G_GINT64_FORMAT, events->len, server_seq);

  /* Every command: applied at most once, exactly once when answered as
   * applied, never when refused. */
  for (guint i = 0; i < soak->commands->len; i++)
    {
      Command *command = soak->commands->pdata[i];
      guint k = g_str_equal (command->kind, "incident") ? 0 : g_str_equal (command->kind, "dispatch") ? 1 : 2;
      guint times = 0;

      sent[k]++;
      attempts[k] += command->attempts;
      if (k == 0)
        times = counted (log.incidents_per_tag, command->tag);
      else if (k == 1)
        {
          g_autofree char *pair = g_strdup_printf ("%s %s", command->incident, command->unit);

          times = counted (log.created_per_pair, pair);
          if (times == 1 && command->status == 201 &&
              g_strcmp0 (g_hash_table_lookup (log.dispatch_of_pair, pair), command->answer_id) != 0)
            anomaly (soak, "the answer to dispatch %s names another dispatch than the log", command->key);
          if (command->status == 409)
            refused++;
        }
      else
        {
          times = command->status == 200 || command->status == 412 || command->status == 409 ? 1 : 0;
          if (dozor_situation_get_entity (server_situation, "incident", command->incident) != NULL)
            {
              open_left++;
              anomaly (soak, "incident %s is still open after its close was answered %u", command->incident,
                       command->status);
            }
        }
      applied_commands[k] += times > 0;
      if (times > 1)
        twice++;
      if ((command->status == 201 && times != 1) || (command->status == 409 && k == 1 && times != 0))
        {
          missing++;
          anomaly (soak, "%s %s answered %u, applied %u times", command->method, command->path, command->status,
                   times);
        }
    }
  for (guint i = 0; i < soak->board_commands->len; i++)
    {
      BoardCommand *command = soak->board_commands->pdata[i];
      guint times = counted (log.incidents_per_tag, command->tag);

      board_sent += command->key != NULL || command->status != 0 || times > 0;
      board_applied += times > 0;
      if (times > 1)
        board_twice++;
      if (command->status == 201 && times != 1)
        {
          board_missing++;
          anomaly (soak, "the board's %s was answered 201 and applied %u times", command->tag, times);
        }
    }

  g_print ("\n");
  g_print ("ran %.0f s of faults, %u faults in all, seed %d\n", elapsed, total_faults (soak), seed);
  for (guint i = 0; i < N_FAULTS; i++)
    g_print ("  %-22s %u\n", fault_names[i], soak->faults[i]);
  g_print ("  (%u connections reset; dozord restarted %u times)\n", soak->reset_connections, soak->restarts);
  g_print ("events: %" G_GUINT64_FORMAT " in the server's log (%" G_GUINT64_FORMAT " gaps), "
           "%" G_GUINT64_FORMAT " applied by %u stream clients\n",
           log.events, log.gaps, applied, N_OBSERVERS);
  g_print ("  lost %" G_GUINT64_FORMAT ", duplicated %" G_GUINT64_FORMAT ", heartbeat ahead %" G_GUINT64_FORMAT
           ", not applicable %" G_GUINT64_FORMAT ", reconnects %u\n",
           lost, duplicated, heartbeat_gaps, invalid, reconnects);
  g_print ("state: %u of %u clients (%u stream clients + the board's sync client) match the server at seq %"
           G_GINT64_FORMAT " (%.16s)\n", matching, clients, N_OBSERVERS, server_seq, server_hash);
  g_print ("commands (8 supervisors): sent / HTTP attempts / applied\n");
  g_print ("  POST /incidents        %u / %u / %u\n", sent[0], attempts[0], applied_commands[0]);
  g_print ("  POST /dispatches       %u / %u / %u (%u refused unit_busy)\n", sent[1], attempts[1],
           applied_commands[1], refused);
  g_print ("  PATCH /incidents close %u / %u / %u\n", sent[2], attempts[2], applied_commands[2]);
  g_print ("  gave up on an answer %u times, retried %u times, %u never answered\n", soak->give_ups, soak->retries,
           soak->unanswered);
  g_print ("  applied twice %u, answered as applied but not applied %u\n", twice, missing);
  g_print ("double dispatches: %u (a unit with two active dispatches, over the whole log)\n",
           log.double_dispatches);
  g_print ("board outbox: %u commands enqueued, %u applied, %u applied twice, %u lost; %u board restarts\n",
           board_sent, board_applied, board_twice, board_missing, soak->flush_runs);
  g_print ("tracker: %u batches, %" G_GUINT64_FORMAT " positions accepted, %u batches without an answer\n",
           soak->tracker_batches, soak->positions_accepted, soak->tracker_failed);

  failures = (guint) (lost + duplicated + invalid) + log.gaps + log.double_dispatches + twice + missing +
             board_twice + board_missing + open_left + soak->unanswered + (clients - matching) +
             soak->anomalies->len;
  for (guint i = 0; i < soak->anomalies->len; i++)
    g_print ("anomaly: %s\n", (char *) soak->anomalies->pdata[i]);
  g_print ("%s\n", failures == 0 ? "PASS: every invariant held" : "FAIL: see above");

  dozor_sync_client_stop (soak->board_client);
  g_subprocess_send_signal (soak->server, SIGTERM);
  g_subprocess_wait (soak->server, NULL, NULL);
  if (failures == 0)
    remove_files (soak->dir);
  else
    g_print ("files kept in %s\n", soak->dir);
  return failures == 0 ? 0 : 1;
}
