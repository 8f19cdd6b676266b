/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the tests of dozord share: the real binary on an ephemeral loopback
 * port with a fresh database, its users, requests through libsoup and the
 * event stream.
 */
#pragma once

#include <libsoup/soup.h>
#include <json-glib/json-glib.h>
#include <libpq-fe.h>

/* From $DOZORD and $DOZORCTL; set by server_fixture_init (). */
extern const char *dozord_path;
extern const char *dozorctl_path;

typedef struct
{
  char *dir;
  /* dozord's --db: a SQLite file in dir, or a PostgreSQL URI. */
  char *db;
  GSubprocess *process;
  char *url;
  SoupSession *session;
  /* Set before server_start (): more arguments for dozord, and a lower
   * RLIMIT_NOFILE for it (0 keeps the test's own). */
  const char *const *extra_args;
  guint64 nofile;
} Server;

typedef struct
{
  guint status;
  JsonNode *body;
} Answer;

typedef struct
{
  GMainLoop *loop;
  SoupWebsocketConnection *conn;
  GPtrArray *events; /* JsonNode, not heartbeats */
  gboolean reset;
  gboolean heartbeat;
  gboolean closed;
  /* Frames of events (not heartbeats), the most events one held and the
   * longest array of them, in bytes. */
  guint frames;
  guint most_per_frame;
  gsize longest_frame;
  /* stream_wait_seq () waits for an event of this seq. */
  gint64 wait_seq;
  /* When set, each frame's text as it came, for tests of the bytes. */
  GPtrArray *texts;
} Stream;

/* DOZOR_TEST_STORE: unset or "sqlite", a SQLite file per test; "postgres",
 * a database per test in one PostgreSQL the program starts. */
void server_fixture_init (void);
/* Whether the tests' dozord stores in PostgreSQL. */
gboolean server_fixture_on_postgres (void);
typedef struct _PgCluster PgCluster;
PgCluster *server_fixture_get_cluster (void);

void
answer_clear (Answer *answer);

void
add_user (Server     *server,
          const char *name,
          const char *role);

void
server_start_full (Server     *server,
                   const char *retain,
                   const char *scenario_units);

void
server_start (Server     *server,
              const char *retain);

void
server_start_args (Server            *server,
                   const char *const *extra);

void
server_start_another (Server *first,
                      Server *other);

/* Two dozord instances on one PostgreSQL database, each on a port and
 * with a session of its own, as behind a load balancer; db is the test's
 * own connection to that database, to read what they wrote. */
typedef struct
{
  Server a;
  Server b;
  PGconn *db;
} ServerPair;

void
server_pair_setup (ServerPair    *pair,
                   gconstpointer  data);

void
server_pair_teardown (ServerPair    *pair,
                      gconstpointer  data);

void
server_stop (Server  *server,
             int      signal_number);

void
server_setup (Server        *server,
              gconstpointer  data);

void
server_teardown (Server        *server,
                 gconstpointer  data);

SoupMessage *
new_request (Server     *server,
             const char *method,
             const char *path,
             const char *token,
             const char *body);

Answer
finish (SoupMessage *msg,
        GBytes      *bytes);

Answer
request (Server     *server,
         const char *method,
         const char *path,
         const char *token,
         const char *key,
         const char *if_match,
         const char *body);

const char *
member (Answer     *answer,
        const char *name);

char *
login (Server     *server,
       const char *user);

char *
create_unit (Server     *server,
             const char *token,
             const char *call_sign);

char *
create_incident (Server     *server,
                 const char *token);

gint64
snapshot_seq (Server     *server,
              const char *token);

void
stream_open (Server     *server,
             Stream     *stream,
             const char *token,
             gint64      since);

void
stream_open_query (Server     *server,
                   Stream     *stream,
                   const char *token,
                   gint64      since,
                   const char *query);

JsonNode *
stream_frame_parse (GBytes *message);

gboolean
stream_wait_seq (Stream *stream,
                 gint64  seq);

void
stream_close (Stream *stream);

gint64
event_seq (Stream *stream,
           guint   i);

void
assert_gapless (Stream *stream,
                gint64  after);

/* Every event of the journal in the window @query (GET /journal's
 * parameters), following `next`; @pages counts the pages read. */
GPtrArray *
journal_read (Server     *server,
              const char *token,
              const char *query,
              guint      *pages);
void
send_fix (Server     *server,
          const char *token,
          const char *unit_id,
          double      lat,
          double      lon,
          double      speed);

/* On PostgreSQL: the database of @server, stopped, checked with amcheck
 * (the tests check a SQLite file with PRAGMA integrity_check). */
void
assert_postgres_sound (Server *server);

/* Route compliance's tests: a patrol route along a parallel of Almaty,
 * 3.2 km east to west; a time as the store writes it (RFC 3339, UTC,
 * microseconds); a route for a unit's shift; a member holding a time. */
#define FIXTURE_ROUTE_GEOMETRY "{\"type\":\"LineString\",\"coordinates\":[[76.88,43.26],[76.92,43.26]]}"
char *
time_text_us (gint64 seconds);
char *
create_patrol_route (Server     *server,
                     const char *token,
                     const char *unit_id,
                     gint64      shift_start,
                     gint64      shift_end);
void
assert_time_member (JsonObject *object,
                    const char *name,
                    gint64      seconds);

/* Sends a command again with its key until it is answered 201, each
 * answer before 503 "unavailable" (a PostgreSQL outage); how many 503s. */
guint
post_until_created (Server     *server,
                    const char *path,
                    const char *token,
                    const char *key,
                    const char *body,
                    guint       seconds);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)
