/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl migrate-store (issue 19): a room's SQLite store, made by a real
 * dozord, moved into PostgreSQL; then dozord on PostgreSQL must show a
 * board the same room, go on with the next seq, and let the same users
 * in. And the refusals: files that are not a store or come from a newer
 * Dozor, a target holding data or out of reach, a dozord still serving
 * the file.
 */
#include "config.h"

#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "pg-fixture.h"
#include "server-fixture.h"

static PgCluster *cluster;

typedef struct
{
  int status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static Run
dozorctl (const char *first,
          ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) ctl = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };
  va_list ap;

  g_ptr_array_add (args, (gpointer) dozorctl_path);
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  ctl = g_subprocess_newv ((const char *const *) args->pdata,
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (ctl, NULL, NULL, &run.out, &run.err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (ctl));
  run.status = g_subprocess_get_exit_status (ctl);
  return run;
}

static char *
new_database (void)
{
  g_autofree char *name = NULL;
  g_autofree char *conninfo = pg_cluster_new_database (cluster, "room_", &name);

  return pg_cluster_uri (cluster, name);
}

/* The file and its write-ahead log, as they are on disk. */
static char *
file_digest (const char *path)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (name, &contents, &length, NULL))
        g_checksum_update (sum, (const guchar *) contents, length);
      g_checksum_update (sum, (const guchar *) "|", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
open_session (Server *server)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  server->session = soup_session_new_with_options ("proxy-resolver", direct, NULL);
}

static JsonNode *
get_snapshot (Server     *server,
              const char *token)
{
  Answer answer = request (server, "GET", "/api/v1/snapshot", token, NULL, NULL, NULL);

  g_assert_cmpuint (answer.status, ==, 200);
  return answer.body;
}

/* The snapshot as a board receives it, byte for byte. */
static GBytes *
snapshot_bytes (Server     *server,
                const char *token)
{
  g_autoptr(SoupMessage) msg = new_request (server, "GET", "/api/v1/snapshot", token, NULL);
  g_autoptr(GError) error = NULL;
  GBytes *bytes = soup_session_send_and_read (server->session, msg, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return bytes;
}

static void
assert_same_bytes (GBytes *expected,
                   GBytes *actual)
{
  gsize n_expected, n_actual, at = 0;
  const char *a = g_bytes_get_data (expected, &n_expected);
  const char *b = g_bytes_get_data (actual, &n_actual);

  while (at < n_expected && at < n_actual && a[at] == b[at])
    at++;
  if (at < n_expected || at < n_actual)
    {
      gsize from = at > 80 ? at - 80 : 0;

      g_test_message ("the snapshots' bytes differ at byte %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT
                      ":\n SQLite:     …%.160s\n PostgreSQL: …%.160s",
                      at, n_expected, n_actual, a + from, b + from);
      g_test_fail ();
    }
}

static char *
time_text (gint64 offset_s)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_seconds (now, (double) offset_s);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

/* The room's work: an incident, a unit sent to it, a roster entry, a
 * checklist step ticked; each request also leaves an audit record. */
static void
do_work (Server     *server,
         const char *sup)
{
  g_autofree char *unit = create_unit (server, sup, "Көшпелі-1");
  g_autofree char *incident = create_incident (server, sup);
  g_autofree char *from = time_text (-3600);
  g_autofree char *to = time_text (7200);
  g_autofree char *shift_date = g_strndup (from, 10);
  g_autofree char *dispatch = g_strdup_printf ("{\"unit_id\":\"%s\",\"incident_id\":\"%s\"}", unit, incident);
  g_autofree char *roster = g_strdup_printf ("{\"shift_date\":\"%s\",\"from\":\"%s\",\"to\":\"%s\",\"unit_id\":\"%s\","
                                             "\"post\":{\"name\":\"Пост 1\",\"location\":{\"lat\":43.26,\"lon\":76.9}}}",
                                             shift_date, from, to, unit);
  g_autofree char *checklist = g_strdup_printf ("/api/v1/incidents/%s/checklist", incident);
  g_autofree char *key1 = g_uuid_string_random ();
  g_autofree char *key2 = g_uuid_string_random ();
  g_auto(Answer) sent = request (server, "POST", "/api/v1/dispatches", sup, key1, NULL, dispatch);
  g_auto(Answer) entry = request (server, "POST", "/api/v1/roster", sup, key2, NULL, roster);
  g_auto(Answer) tick = request (server, "PUT", checklist, sup, NULL, NULL,
                                 "{\"procedure_id\":\"robbery-in-progress\",\"step_id\":\"ask\",\"done\":true}");

  g_assert_cmpuint (sent.status, ==, 201);
  g_assert_cmpuint (entry.status, ==, 201);
  g_assert_cmpuint (tick.status, ==, 200);
}

/* dozord's own checks (the roster's flags, once a second) raise what a
 * restart finds due; the room is at rest once three seconds pass without
 * an event. Returns the snapshot then. */
static JsonNode *
quiet_snapshot (Server     *server,
                const char *token)
{
  for (guint round = 0; round < 10; round++)
    {
      g_autoptr(JsonNode) snapshot = get_snapshot (server, token);
      gint64 seq = json_object_get_int_member (json_node_get_object (snapshot), "as_of_seq");

      g_usleep (3 * G_USEC_PER_SEC);
      if (snapshot_seq (server, token) == seq)
        return g_steal_pointer (&snapshot);
    }
  g_assert_not_reached ();
}

/* Each member of the snapshots equal as JSON values (numbers by value,
 * members in any order), named when not. */
static void
assert_same_snapshot (JsonNode *expected,
                      JsonNode *actual)
{
  JsonObject *a = json_node_get_object (expected);
  JsonObject *b = json_node_get_object (actual);
  g_autoptr(GList) names = json_object_get_members (a);

  g_assert_cmpuint (json_object_get_size (a), ==, json_object_get_size (b));
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *x = json_object_get_member (a, l->data);
      JsonNode *y = json_object_get_member (b, l->data);

      if (y == NULL || !json_node_equal (x, y))
        {
          g_autofree char *left = json_to_string (x, FALSE);
          g_autofree char *right = y != NULL ? json_to_string (y, FALSE) : g_strdup ("(missing)");

          g_test_message ("snapshot member “%s” differs:\n SQLite:     %.2000s\n PostgreSQL: %.2000s",
                          (const char *) l->data, left, right);
          g_test_fail ();
        }
    }
}

static void
test_room (void)
{
  static const char *const no_compliance[] = { "--no-compliance", NULL };
  Server lite = { 0 };
  Server pg = { 0 };
  g_autofree char *target = new_database ();
  g_autofree char *sup = NULL;
  g_autofree char *before = NULL;
  g_autofree char *seq_text = NULL;
  g_autoptr(JsonNode) expected = NULL;
  g_autoptr(JsonNode) actual = NULL;
  g_autoptr(GBytes) expected_bytes = NULL;
  gint64 last;

  /* A room on SQLite: the Almaty scenario for some seconds, and a
   * supervisor's work. */
  server_setup (&lite, NULL);
  server_stop (&lite, SIGTERM);
  server_start_full (&lite, NULL, "30");
  sup = login (&lite, "sup");
  do_work (&lite, sup);
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_cmpint (snapshot_seq (&lite, sup), >, 30);

  /* Events written after the copy would be left behind. */
  {
    g_auto(Run) run = dozorctl ("migrate-store", lite.db, target, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "stop dozord first"));
  }

  /* The room at rest, as a board sees it. Routes are no longer judged:
   * the cars stopped reporting when the scenario did. */
  server_stop (&lite, SIGTERM);
  lite.extra_args = no_compliance;
  server_start (&lite, NULL);
  g_clear_pointer (&sup, g_free);
  sup = login (&lite, "sup");
  expected = quiet_snapshot (&lite, sup);
  expected_bytes = snapshot_bytes (&lite, sup);
  last = json_object_get_int_member (json_node_get_object (expected), "as_of_seq");
  server_stop (&lite, SIGTERM);
  {
    g_auto(Run) run = dozorctl ("--db", lite.db, "audit", "verify", NULL);

    g_assert_cmpint (run.status, ==, 0);
  }

  before = file_digest (lite.db);
  {
    g_auto(Run) run = dozorctl ("migrate-store", lite.db, target, NULL);

    g_test_message ("%s%s", run.out, run.err);
    g_assert_cmpint (run.status, ==, 0);
    seq_text = g_strdup_printf ("seq %" G_GINT64_FORMAT "\n", last);
    g_assert_true (g_str_has_suffix (run.out, seq_text));
  }
  /* Only read. */
  {
    g_autofree char *after = file_digest (lite.db);

    g_assert_cmpstr (after, ==, before);
  }

  /* dozord on PostgreSQL: the same users, the same room, the next seq. */
  pg.dir = g_dir_make_tmp ("dozord-test-XXXXXX", NULL);
  pg.db = g_strdup (target);
  pg.extra_args = no_compliance;
  server_start (&pg, NULL);
  open_session (&pg);
  g_clear_pointer (&sup, g_free);
  sup = login (&pg, "sup");
  {
    g_autofree char *op = login (&pg, "op");
  }
  actual = get_snapshot (&pg, sup);
  assert_same_snapshot (expected, actual);
  /* And the same bytes, whichever store built them. */
  {
    g_autoptr(GBytes) actual_bytes = snapshot_bytes (&pg, sup);

    assert_same_bytes (expected_bytes, actual_bytes);
  }
  {
    Stream stream;
    g_autofree char *incident = NULL;

    stream_open (&pg, &stream, sup, last);
    for (guint i = 0; i < stream.events->len; i++)
      {
        g_autofree char *text = json_to_string (g_ptr_array_index (stream.events, i), FALSE);

        g_test_message ("after the copy: %.300s", text);
      }
    g_assert_false (stream.reset);
    g_assert_cmpuint (stream.events->len, ==, 0);
    incident = create_incident (&pg, sup);
    g_assert_true (stream_wait_seq (&stream, last + 1));
    g_assert_cmpint (event_seq (&stream, 0), ==, last + 1);
    stream_close (&stream);
  }
  server_stop (&pg, SIGTERM);

  /* The audit chain carried over, and goes on. */
  {
    g_auto(Run) run = dozorctl ("--db", target, "audit", "verify", NULL);

    g_test_message ("%s%s", run.out, run.err);
    g_assert_cmpint (run.status, ==, 0);
  }
  /* A second migration into it is refused: the room is not overwritten. */
  {
    g_auto(Run) run = dozorctl ("migrate-store", lite.db, target, NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "already holds data"));
  }

  server_teardown (&pg, NULL);
  server_teardown (&lite, NULL);
}


/* A copy of @store, changed by @sql. */
static char *
changed_copy (const char *store,
              const char *name,
              const char *sql)
{
  g_autofree char *dir = g_path_get_dirname (store);
  char *copy = g_build_filename (dir, name, NULL);
  g_auto(Run) run = dozorctl ("--db", store, "backup", copy, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (run.status, ==, 0);
  g_assert_cmpint (sqlite3_open (copy, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return copy;
}

static void
assert_refused (const char *file,
                const char *target,
                int         status,
                const char *says)
{
  g_auto(Run) run = dozorctl ("migrate-store", file, target, NULL);

  g_test_message ("%s%s", run.out, run.err);
  g_assert_cmpint (run.status, ==, status);
  g_assert_nonnull (strstr (run.err, says));
}

static void
test_refusals (void)
{
  Server lite = { 0 };
  g_autofree char *target = new_database ();
  g_autofree char *newer = NULL;
  g_autofree char *newer_table = NULL;
  g_autofree char *older = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *text = NULL;

  /* A store as dozord leaves it, with the fixture's users. */
  server_setup (&lite, NULL);
  server_stop (&lite, SIGTERM);
  newer = changed_copy (lite.db, "newer.sqlite", "ALTER TABLE units ADD COLUMN altitude REAL");
  newer_table = changed_copy (lite.db, "newer-table.sqlite", "CREATE TABLE drones (id TEXT PRIMARY KEY)");
  older = changed_copy (lite.db, "older.sqlite", "DROP TABLE replay_states");
  foreign = changed_copy (lite.db, "foreign.sqlite", "DROP TABLE events");
  text = g_build_filename (lite.dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text, "not a database at all, but long enough to have a header\n", -1, NULL));

  assert_refused (text, target, 1, "is not a Dozor store");
  assert_refused (foreign, target, 1, "is not a Dozor store: it has no table “events”");
  assert_refused (newer, target, 1, "newer Dozor: its table “units” has a column “altitude”");
  assert_refused (newer_table, target, 1, "newer Dozor: its table “drones”");
  assert_refused (older, target, 1, "older Dozor: it has no table “replay_states”");
  assert_refused (lite.db, "no-such-dir/dozord.sqlite", 2, "not a PostgreSQL URI");
  {
    g_auto(Run) run = dozorctl ("migrate-store", lite.db, "postgresql://sup:s3cret-pw@127.0.0.1:1/dozor", NULL);

    g_assert_cmpint (run.status, ==, 1);
    g_assert_nonnull (strstr (run.err, "Could not connect to PostgreSQL"));
    g_assert_null (strstr (run.err, "s3cret-pw"));
    g_assert_null (strstr (run.out, "s3cret-pw"));
  }

  /* The refusals left the target empty: the store still goes in, and its
   * users are there. */
  {
    g_auto(Run) run = dozorctl ("migrate-store", lite.db, target, NULL);

    g_test_message ("%s%s", run.out, run.err);
    g_assert_cmpint (run.status, ==, 0);
  }
  {
    g_auto(Run) run = dozorctl ("--db", target, "user", "list", NULL);

    g_assert_cmpint (run.status, ==, 0);
    g_assert_nonnull (strstr (run.out, "sup2"));
    g_assert_nonnull (strstr (run.out, "tracker"));
  }

  server_teardown (&lite, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  server_fixture_init ();
  /* The source is SQLite, whatever DOZOR_TEST_STORE says; the target is
   * a database of this program's own cluster. */
  g_assert_false (server_fixture_on_postgres ());
  cluster = pg_cluster_start_or_bail_out ();

  g_test_add_func ("/migrate-store/room", test_room);
  g_test_add_func ("/migrate-store/refusals", test_refusals);
  return pg_cluster_run_tests (cluster);
}
