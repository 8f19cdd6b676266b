/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord while PostgreSQL hangs instead of refusing (issue 19;
 * docs/postgresql.md, "Connecting again off the main loop"). The
 * postmaster is stopped with SIGSTOP: a new connection is taken by the
 * kernel and never answered, as with a host that drops packets or a
 * failover in progress. The store's own connection is then ended under
 * dozord, so that dozord must connect again, while its log follower keeps
 * reading on the session it has. Meanwhile dozord must go on serving:
 * GET /health answers 503 "unreachable" at once, a command and a
 * snapshot are answered 503 "unavailable" at once, and the board's
 * stream gets its heartbeats. When PostgreSQL answers again the command
 * sent again with its key is done, once, and the stream has every event
 * without a gap.
 *
 * Nothing is asserted while the postmaster is stopped: what is seen is
 * kept and checked after SIGCONT, so that a failure never leaves the
 * cluster stopped.
 */
#include "config.h"

#include <libpq-fe.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "pg-fixture.h"
#include "server-fixture.h"

/* How long PostgreSQL hangs: more than libpq's connect_timeout (10 s),
 * the longest one attempt to connect waits. */
#define HANG_MS 12000
/* GET /health is asked this often meanwhile. */
#define PROBE_MS 400
/* An answer within this is an answer at once on this loaded machine;
 * before, one waited for the whole connect_timeout. */
#define ANSWER_BOUND_MS 2000
/* Heartbeats come every 5 s (docs/api.md); a gap over this one means the
 * loop that sends them was held. */
#define HEARTBEAT_GAP_BOUND_MS 8000
/* How long answers still outstanding when the hang ends are waited for. */
#define LATE_ANSWER_MS 15000
/* Generous bounds for what a loaded machine takes outside the hang. */
#define SETTLE_SECONDS 60

static const char incident_body[] =
  "{\"type\":\"theft\",\"priority\":3,\"location\":{\"lat\":43.24,\"lon\":76.94},\"address\":\"Абая 1\"}";

static const char *const no_compliance[] = { "--no-compliance", NULL };

/* Route compliance off: its worker's own connection would be one more
 * to tell apart from the store's. */
static void
setup (Server        *server,
       gconstpointer  data)
{
  server->extra_args = no_compliance;
  server_setup (server, data);
}

/* One value of the first row, or NULL: nothing here may assert while
 * the postmaster is stopped. */
static char *
db_text (PGconn     *db,
         const char *sql)
{
  PGresult *result = PQexec (db, sql);
  char *value = NULL;

  if (PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0 && !PQgetisnull (result, 0, 0))
    value = g_strdup (PQgetvalue (result, 0, 0));
  PQclear (result);
  return value;
}

static gint64
db_int (PGconn     *db,
        const char *sql)
{
  g_autofree char *text = db_text (db, sql);

  return text != NULL ? g_ascii_strtoll (text, NULL, 10) : -1;
}

/* The postmaster of @cluster, from the first line of its pid file. */
static GPid
postmaster_pid (PgCluster *cluster)
{
  g_autofree char *path = g_build_filename (pg_cluster_get_dir (cluster), "data", "postmaster.pid", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return (GPid) atoi (text);
}

/* Waits until @server says that it judges: its log follower then holds
 * the judge's advisory lock, which tells its session from the store's. */
static void
wait_judge (Server *server)
{
  gint64 deadline = g_get_monotonic_time () + SETTLE_SECONDS * G_USEC_PER_SEC;

  for (;;)
    {
      g_auto(Answer) answer = request (server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);

      g_assert_cmpuint (answer.status, ==, 200);
      if (json_object_get_boolean_member (json_node_get_object (answer.body), "judge"))
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 10);
    }
}

/* A request sent during the hang, and what came back. */
typedef struct
{
  struct _Window *window;
  SoupMessage *msg;
  const char *what;
  gint64 sent;
  gint64 answered; /* 0: no answer */
  guint status;
  char *code;  /* "code" of an error body */
  char *store; /* "store" of a health body */
} Probe;

typedef struct _Window
{
  Server *server;
  const char *token;
  GMainLoop *loop;
  GCancellable *cancellable;
  GPtrArray *probes;  /* Probe */
  GArray *heartbeats; /* gint64, monotonic */
  guint outstanding;
  gboolean over;
} Window;

static void
probe_free (gpointer data)
{
  Probe *probe = data;

  g_clear_object (&probe->msg);
  g_free (probe->code);
  g_free (probe->store);
  g_free (probe);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Probe *probe = user_data;
  Window *window = probe->window;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  window->outstanding--;
  if (bytes != NULL)
    {
      g_auto(Answer) answer = finish (probe->msg, bytes);

      probe->answered = g_get_monotonic_time ();
      probe->status = answer.status;
      if (answer.body != NULL && JSON_NODE_HOLDS_OBJECT (answer.body))
        {
          probe->code = g_strdup (member (&answer, "code"));
          probe->store = g_strdup (member (&answer, "store"));
        }
    }
  if (window->over && window->outstanding == 0)
    g_main_loop_quit (window->loop);
}

static void
send_probe (Window     *window,
            const char *what,
            const char *method,
            const char *path,
            const char *key,
            const char *body)
{
  Probe *probe = g_new0 (Probe, 1);

  probe->window = window;
  probe->what = what;
  probe->msg = new_request (window->server, method, path, g_str_equal (what, "health") ? NULL : window->token, body);
  if (key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (probe->msg), "Idempotency-Key", key);
  probe->sent = g_get_monotonic_time ();
  g_ptr_array_add (window->probes, probe);
  window->outstanding++;
  soup_session_send_and_read_async (window->server->session, probe->msg, G_PRIORITY_DEFAULT, window->cancellable,
                                    probe_done_cb, probe);
}

static gboolean
probe_cb (gpointer user_data)
{
  Window *window = user_data;

  if (window->over)
    return G_SOURCE_REMOVE;
  send_probe (window, "health", "GET", "/api/v1/health", NULL, NULL);
  /* The command and the snapshot once, after the first probe found the
   * store's connection lost and dozord began to connect again. */
  if (window->probes->len == 2)
    {
      send_probe (window, "command", "POST", "/api/v1/incidents", "during-hang", incident_body);
      send_probe (window, "snapshot", "GET", "/api/v1/snapshot", NULL, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
hang_over_cb (gpointer user_data)
{
  Window *window = user_data;

  window->over = TRUE;
  if (window->outstanding == 0)
    g_main_loop_quit (window->loop);
  return G_SOURCE_REMOVE;
}

/* Answers still missing are given up: each probe ends cancelled, and
 * the last one ends the loop. */
static gboolean
give_up_cb (gpointer user_data)
{
  g_cancellable_cancel (((Window *) user_data)->cancellable);
  return G_SOURCE_REMOVE;
}

static void
heartbeat_cb (SoupWebsocketConnection *conn,
              int                      type,
              GBytes                  *message,
              Window                  *window)
{
  g_autoptr(JsonNode) node = stream_frame_parse (message);

  if (JSON_NODE_HOLDS_OBJECT (node) &&
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node), "type", ""),
                 "heartbeat") == 0)
    {
      gint64 now = g_get_monotonic_time ();

      g_array_append_val (window->heartbeats, now);
    }
}

static void
test_postmaster_hangs (Server        *server,
                       gconstpointer  data)
{
  PgCluster *cluster = server_fixture_get_cluster ();
  g_autofree char *token = login (server, "sup");
  PGconn *db = PQconnectdb (server->db);
  GPid postmaster = postmaster_pid (cluster);
  g_autofree char *store_pids = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func (probe_free);
  g_autoptr(GArray) heartbeats = g_array_new (FALSE, FALSE, sizeof (gint64));
  Window window = { server, token, loop, cancellable, probes, heartbeats, 0, FALSE };
  gint64 start, hang_at, resumed_at, done_at, healthy_at, last;
  gint64 slowest = 0, longest_gap = 0, previous;
  guint n_health = 0, n_answered = 0, refused;
  gint64 n_store, gone = -1;
  gulong handler;
  Stream stream;

  g_assert_cmpint (PQstatus (db), ==, CONNECTION_OK);
  wait_judge (server);
  start = snapshot_seq (server, token);
  stream_open (server, &stream, token, start);
  g_free (create_incident (server, token));
  g_assert_true (stream_wait_seq (&stream, start + 1));

  /* dozord's sessions on this database but the follower's, the one that
   * holds the judge's advisory lock: the store's connection. */
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                               " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                   ==, 1);
  {
    static const char store_sessions[] =
      "FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
      " AND application_name = 'dozor' AND pid <> pg_backend_pid()"
      " AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)";
    g_autofree char *list = g_strconcat ("SELECT array_agg(pid)::text ", store_sessions, NULL);
    g_autofree char *count = g_strconcat ("SELECT count(*) ", store_sessions, NULL);

    store_pids = db_text (db, list);
    n_store = db_int (db, count);
    g_assert_nonnull (store_pids);
    g_assert_cmpint (n_store, >=, 1);
  }

  /* From here until SIGCONT nothing asserts. */
  handler = g_signal_connect (stream.conn, "message", G_CALLBACK (heartbeat_cb), &window);
  hang_at = g_get_monotonic_time ();
  g_assert_cmpint (kill (postmaster, SIGSTOP), ==, 0);
  {
    g_autofree char *terminate = g_strdup_printf ("SELECT count(pg_terminate_backend(pid))"
                                                  " FROM unnest('%s'::int[]) AS pid", store_pids);
    g_autofree char *alive = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY ('%s'::int[])",
                                              store_pids);

    db_int (db, terminate);
    for (guint i = 0; i < 500 && (gone = db_int (db, alive)) > 0; i++)
      g_usleep (G_USEC_PER_SEC / 100);
  }

  {
    g_autoptr(GSource) probe = g_timeout_source_new (PROBE_MS);
    g_autoptr(GSource) over = g_timeout_source_new (HANG_MS - MIN (HANG_MS, (g_get_monotonic_time () - hang_at) / 1000));
    g_autoptr(GSource) give_up = g_timeout_source_new (HANG_MS + LATE_ANSWER_MS);

    probe_cb (&window);
    g_source_set_callback (probe, probe_cb, &window, NULL);
    g_source_set_callback (over, hang_over_cb, &window, NULL);
    g_source_set_callback (give_up, give_up_cb, &window, NULL);
    g_source_attach (probe, NULL);
    g_source_attach (over, NULL);
    g_source_attach (give_up, NULL);
    g_main_loop_run (loop);
    g_source_destroy (probe);
    g_source_destroy (over);
    g_source_destroy (give_up);
  }
  resumed_at = g_get_monotonic_time ();
  g_assert_cmpint (kill (postmaster, SIGCONT), ==, 0);

  /* Every probe's callback ran before the window's memory goes. */
  g_cancellable_cancel (cancellable);
  while (window.outstanding > 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (stream.conn, handler);

  /* What the hang showed, then what it must have shown. */
  previous = hang_at;
  for (guint i = 0; i < heartbeats->len; i++)
    {
      longest_gap = MAX (longest_gap, g_array_index (heartbeats, gint64, i) - previous);
      previous = g_array_index (heartbeats, gint64, i);
    }
  longest_gap = MAX (longest_gap, resumed_at - previous);
  for (guint i = 0; i < probes->len; i++)
    {
      Probe *probe = probes->pdata[i];

      slowest = MAX (slowest, (probe->answered != 0 ? probe->answered : resumed_at) - probe->sent);
      n_health += g_str_equal (probe->what, "health");
      n_answered += probe->answered != 0;
    }
  g_test_message ("PostgreSQL hung for %.1f s (the store's session %s ended): %u requests, %u answered, the"
                  " slowest after %.0f ms; %u heartbeats, the longest gap %.0f ms", (resumed_at - hang_at) / 1e6,
                  store_pids, probes->len, n_answered, slowest / 1000.0, heartbeats->len, longest_gap / 1000.0);

  g_assert_cmpint (gone, ==, 0);
  g_assert_cmpuint (n_health, >=, HANG_MS / PROBE_MS / 2);
  for (guint i = 0; i < probes->len; i++)
    {
      Probe *probe = probes->pdata[i];

      if (probe->answered == 0 || probe->answered - probe->sent > ANSWER_BOUND_MS * 1000)
        g_test_message ("%s sent %.1f s into the hang: %s after %.0f ms", probe->what,
                        (probe->sent - hang_at) / 1e6, probe->answered == 0 ? "no answer" : "answered",
                        ((probe->answered != 0 ? probe->answered : resumed_at) - probe->sent) / 1000.0);
      g_assert_cmpint (probe->answered, >, 0);
      g_assert_cmpint (probe->answered - probe->sent, <, ANSWER_BOUND_MS * 1000);
      g_assert_cmpuint (probe->status, ==, 503);
      if (g_str_equal (probe->what, "health"))
        g_assert_cmpstr (probe->store, ==, "unreachable");
      else
        g_assert_cmpstr (probe->code, ==, "unavailable");
    }
  g_assert_false (stream.closed);
  g_assert_cmpuint (heartbeats->len, >=, 2);
  g_assert_cmpint (longest_gap, <, HEARTBEAT_GAP_BOUND_MS * 1000);

  /* PostgreSQL answers again: the command refused during the hang goes
   * again with its key and is done, once. */
  refused = post_until_created (server, "/api/v1/incidents", token, "during-hang", incident_body, SETTLE_SECONDS);
  done_at = g_get_monotonic_time ();
  for (;;)
    {
      g_auto(Answer) answer = request (server, "GET", "/api/v1/health", NULL, NULL, NULL, NULL);

      if (answer.status == 200)
        break;
      g_assert_cmpuint (answer.status, ==, 503);
      g_assert_cmpint (g_get_monotonic_time () - resumed_at, <, SETTLE_SECONDS * G_USEC_PER_SEC);
      g_usleep (G_USEC_PER_SEC / 20);
    }
  healthy_at = g_get_monotonic_time ();
  g_assert_cmpuint (post_until_created (server, "/api/v1/incidents", token, "during-hang", incident_body, SETTLE_SECONDS),
                   ==, 0);
  g_free (create_incident (server, token));

  g_assert_cmpint (db_int (db, "SELECT count(*) FROM incidents"), ==, 3);
  last = db_int (db, "SELECT max(seq) FROM events");
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM events"), ==, last);
  g_assert_true (stream_wait_seq (&stream, last));
  g_assert_false (stream.closed);
  g_assert_cmpint (stream.events->len, ==, last - start);
  assert_gapless (&stream, start);
  g_test_message ("After SIGCONT: the command done %.0f ms later (%u answers 503 first), /health 200 after"
                  " %.0f ms; the stream went on to seq %" G_GINT64_FORMAT " without a gap",
                  (done_at - resumed_at) / 1000.0, refused, (healthy_at - resumed_at) / 1000.0, last);

  stream_close (&stream);
  PQfinish (db);
}

/* The store's own session stops answering with a statement in flight (its
 * backend stopped with SIGSTOP: the kernel still acknowledges, so only a
 * bound on the wait helps, as with a host that drops packets after the
 * connection was made). The command is answered 503 "unavailable" within
 * the store's bound on an answer (10 s), not never; dozord connects
 * again and serves while that backend is still stopped; the command sent
 * again with its key is done once, also after the backend wakes. */
static void
test_store_session_hangs (Server        *server,
                          gconstpointer  data)
{
  g_autofree char *token = login (server, "sup");
  PGconn *db = PQconnectdb (server->db);
  g_autofree char *store_pids = NULL;
  g_auto(GStrv) pids = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) probes = g_ptr_array_new_with_free_func (probe_free);
  g_autoptr(GArray) heartbeats = g_array_new (FALSE, FALSE, sizeof (gint64));
  Window window = { server, token, loop, cancellable, probes, heartbeats, 0, TRUE };
  Probe *hung;
  gint64 stopped_at, served_at = 0, gone = -1;
  guint served_status = 0;

  g_assert_cmpint (PQstatus (db), ==, CONNECTION_OK);
  wait_judge (server);
  g_free (create_incident (server, token));
  store_pids = db_text (db, "SELECT string_agg(pid::text, ',') FROM pg_stat_activity"
                            " WHERE datname = current_database() AND backend_type = 'client backend'"
                            " AND application_name = 'dozor' AND pid <> pg_backend_pid()"
                            " AND pid NOT IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)");
  g_assert_nonnull (store_pids);
  pids = g_strsplit (store_pids, ",", -1);

  /* From here until SIGCONT nothing asserts. */
  stopped_at = g_get_monotonic_time ();
  for (guint i = 0; pids[i] != NULL; i++)
    kill ((GPid) atoi (pids[i]), SIGSTOP);
  {
    g_autoptr(GSource) give_up = g_timeout_source_new (HANG_MS + LATE_ANSWER_MS);

    send_probe (&window, "command", "POST", "/api/v1/incidents", "while-stopped", incident_body);
    g_source_set_callback (give_up, give_up_cb, &window, NULL);
    g_source_attach (give_up, NULL);
    g_main_loop_run (loop);
    g_source_destroy (give_up);
  }
  hung = probes->pdata[0];
  /* Served again, on a new session, while the old one is still stopped. */
  if (hung->answered != 0)
    while (g_get_monotonic_time () - stopped_at < (gint64) (HANG_MS + LATE_ANSWER_MS) * 1000)
      {
        g_auto(Answer) answer = request (server, "POST", "/api/v1/incidents", token, "while-stopped", NULL,
                                         incident_body);

        served_status = answer.status;
        if (served_status != 503)
          {
            served_at = g_get_monotonic_time ();
            break;
          }
        g_usleep (G_USEC_PER_SEC / 20);
      }
  for (guint i = 0; pids[i] != NULL; i++)
    kill ((GPid) atoi (pids[i]), SIGCONT);

  g_test_message ("The store's session %s stopped: the command answered %u after %.0f ms; served again (%u) after"
                  " %.0f ms", store_pids, hung->status, hung->answered != 0 ? (hung->answered - hung->sent) / 1000.0 : -1.0,
                  served_status, served_at != 0 ? (served_at - stopped_at) / 1000.0 : -1.0);
  g_assert_cmpint (hung->answered, >, 0);
  g_assert_cmpint (hung->answered - hung->sent, <, HANG_MS * 1000);
  g_assert_cmpuint (hung->status, ==, 503);
  g_assert_cmpstr (hung->code, ==, "unavailable");
  g_assert_cmpuint (served_status, ==, 201);

  /* The stopped backend wakes, finds its client gone and ends; whatever
   * it still ran made no second incident. */
  {
    g_autofree char *alive = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE pid IN (%s)", store_pids);

    for (guint i = 0; i < 500 && (gone = db_int (db, alive)) > 0; i++)
      g_usleep (G_USEC_PER_SEC / 100);
  }
  g_assert_cmpint (gone, ==, 0);
  g_assert_cmpuint (post_until_created (server, "/api/v1/incidents", token, "while-stopped", incident_body, SETTLE_SECONDS),
                   ==, 0);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM incidents"), ==, 2);
  PQfinish (db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  server_fixture_init ();
  g_assert_true (server_fixture_on_postgres ());

  g_test_add ("/pg-connect/postmaster-hangs", Server, NULL, setup, test_postmaster_hangs, server_teardown);
  g_test_add ("/pg-connect/store-session-hangs", Server, NULL, setup, test_store_session_hangs, server_teardown);

  return g_test_run ();
}
