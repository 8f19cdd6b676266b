/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord when PostgreSQL goes away under it (issue 19, item 6): its
 * backends terminated, or the whole server stopped for seconds and
 * started again on the same directory. Meanwhile requests are answered
 * 503 and boards are told to come back; then dozord recovers by itself,
 * and a board that resumes with since= misses nothing.
 */
#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "pg-fixture.h"
#include "server-fixture.h"

/* A generous bound for recovering; what it took is printed. */
#define RECOVERY_SECONDS 60

static gint64
db_int (PGconn     *db,
        const char *sql)
{
  PGresult *result = PQexec (db, sql);
  gint64 value;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  PQclear (result);
  return value;
}

static const char incident_body[] =
  "{\"type\":\"theft\",\"priority\":3,\"location\":{\"lat\":43.24,\"lon\":76.94},\"address\":\"Абая 1\"}";

static void
test_backends_terminated (Server        *server,
                          gconstpointer  data)
{
  g_autofree char *token = login (server, "sup");
  PGconn *db = PQconnectdb (server->db);
  gint64 start = snapshot_seq (server, token);
  g_autofree char *killed = NULL;
  gint64 killed_at;
  gint64 back_at;
  guint refused;
  gint64 last;
  Stream stream;
  PGresult *result;

  g_assert_cmpint (PQstatus (db), ==, CONNECTION_OK);
  stream_open (server, &stream, token, start);
  g_free (create_incident (server, token));
  /* The log follower opens its connection on its own thread, under load
   * after dozord already answers: its event on the stream shows that it
   * is there to be terminated too. */
  g_assert_true (stream_wait_seq (&stream, start + 1));

  /* Every connection dozord has: the store's and the log follower's. */
  result = PQexec (db, "SELECT array_agg(pid)::text, count(*) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  killed = g_strdup (PQgetvalue (result, 0, 0));
  g_assert_cmpint (g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10), >=, 2);
  PQclear (result);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT count(pg_terminate_backend(pid)) FROM unnest('%s'::int[]) AS pid",
                                            killed);
    g_autofree char *gone = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY ('%s'::int[])",
                                             killed);

    killed_at = g_get_monotonic_time ();
    g_assert_cmpint (db_int (db, sql), >=, 2);
    for (guint i = 0; i < 1000 && db_int (db, gone) > 0; i++)
      g_usleep (G_USEC_PER_SEC / 100);
    g_assert_cmpint (db_int (db, gone), ==, 0);
  }

  /* The next commands: 503 while the store's connection is found lost,
   * then done, each once. */
  refused = post_until_created (server, "/api/v1/incidents", token, "after-kill", incident_body, RECOVERY_SECONDS);
  back_at = g_get_monotonic_time ();
  g_free (create_incident (server, token));
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM incidents"), ==, 3);

  /* The stream was not ended for it (a failing store is no ended
   * session), and its events go on from the log without a gap. */
  last = db_int (db, "SELECT max(seq) FROM events");
  g_assert_true (stream_wait_seq (&stream, last));
  g_assert_false (stream.closed);
  g_assert_cmpint (stream.events->len, ==, last - start);
  assert_gapless (&stream, start);
  g_test_message ("%s backends terminated; %u answers 503, then done %.0f ms after the kill; the stream went on"
                  " to seq %" G_GINT64_FORMAT " without a gap", killed, refused, (back_at - killed_at) / 1000.0, last);

  stream_close (&stream);
  PQfinish (db);
}

/* Runs the stream until it closes, within a bound. */
static gboolean
stream_wait_closed (Stream *stream)
{
  /* No event has that seq: it runs until the close, or 60 s. */
  stream_wait_seq (stream, G_MAXINT64);
  return stream->closed;
}

static void
test_postgres_stopped (Server        *server,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PgCluster *cluster = server_fixture_get_cluster ();
  g_autofree char *token = login (server, "sup");
  gint64 start = snapshot_seq (server, token);
  gint64 stopped_at, closed_at, started_at, done_at, live_at;
  gint64 seen;
  gint64 last;
  guint refused;
  Stream stream, refused_stream, resumed;
  PGconn *db;

  stream_open (server, &stream, token, start);
  g_free (create_incident (server, token));
  g_assert_true (stream_wait_seq (&stream, start + 1));

  stopped_at = g_get_monotonic_time ();
  g_assert_true (pg_cluster_pause (cluster, &error));
  g_assert_no_error (error);

  /* The board is told, rather than left on a silent stream. */
  g_assert_true (stream_wait_closed (&stream));
  closed_at = g_get_monotonic_time ();
  g_assert_cmpint (soup_websocket_connection_get_close_code (stream.conn), ==, 4503);
  seen = event_seq (&stream, stream.events->len - 1);

  /* Meanwhile: requests 503 (not 401: the board keeps its session), and a
   * stream is refused with the same 4503. */
  {
    g_auto(Answer) answer = request (server, "POST", "/api/v1/incidents", token, "while-down", NULL, incident_body);
    g_auto(Answer) snapshot = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);

    g_assert_cmpuint (answer.status, ==, 503);
    g_assert_cmpstr (member (&answer, "code"), ==, "unavailable");
    g_assert_cmpuint (snapshot.status, ==, 503);
  }
  stream_open (server, &refused_stream, token, seen);
  g_assert_true (stream_wait_closed (&refused_stream));
  g_assert_cmpint (soup_websocket_connection_get_close_code (refused_stream.conn), ==, 4503);
  stream_close (&refused_stream);

  /* A few seconds down, then up again on the same directory. */
  g_usleep (3 * G_USEC_PER_SEC - MIN (3 * G_USEC_PER_SEC, g_get_monotonic_time () - stopped_at));
  started_at = g_get_monotonic_time ();
  g_assert_true (pg_cluster_resume (cluster, &error));
  g_assert_no_error (error);

  /* The command sent while down goes again with its key, and is done. */
  refused = post_until_created (server, "/api/v1/incidents", token, "while-down", incident_body, RECOVERY_SECONDS);
  done_at = g_get_monotonic_time ();

  /* The board comes back with since= and gets what it missed. */
  for (guint attempt = 0; ; attempt++)
    {
      g_assert_cmpuint (attempt, <, RECOVERY_SECONDS * 5);
      stream_open (server, &resumed, token, seen);
      if (!resumed.closed)
        break;
      g_assert_cmpint (soup_websocket_connection_get_close_code (resumed.conn), ==, 4503);
      stream_close (&resumed);
      g_usleep (G_USEC_PER_SEC / 5);
    }
  live_at = g_get_monotonic_time ();
  g_free (create_incident (server, token));

  db = PQconnectdb (server->db);
  g_assert_cmpint (PQstatus (db), ==, CONNECTION_OK);
  last = db_int (db, "SELECT max(seq) FROM events");
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM events"), ==, last);
  g_assert_cmpint (db_int (db, "SELECT count(*) FROM incidents"), ==, 3);
  g_assert_true (stream_wait_seq (&resumed, last));
  g_assert_cmpint (resumed.events->len, ==, last - seen);
  assert_gapless (&resumed, seen);
  PQfinish (db);

  g_test_message ("PostgreSQL stopped: the stream closed (4503) %.0f ms later; down %.1f s; after the start, the"
                  " command was done %.0f ms later (%u answers 503 in all), and the stream was live again"
                  " %.0f ms later, with seqs %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " and no gap",
                  (closed_at - stopped_at) / 1000.0, (started_at - stopped_at) / 1e6, (done_at - started_at) / 1000.0,
                  refused, (live_at - started_at) / 1000.0, seen + 1, last);

  stream_close (&resumed);
  stream_close (&stream);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  server_fixture_init ();
  g_assert_true (server_fixture_on_postgres ());

  g_test_add ("/pg-outage/backends-terminated", Server, NULL, server_setup, test_backends_terminated,
              server_teardown);
  g_test_add ("/pg-outage/postgres-stopped", Server, NULL, server_setup, test_postgres_stopped, server_teardown);

  return g_test_run ();
}
