/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The event log on a real PostgreSQL (issue 19): a throwaway cluster
 * started by the test (tests/pg-fixture.c), several writer processes of
 * this program against one reader, idempotency keys held by the database,
 * a killed backend, versioned migrations.
 */
#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "dozor-pg.h"
#include "dozor-pg-log.h"
#include "dozor-pg-schema.h"
#include "pg-fixture.h"

static PgCluster *cluster;
static const char *program;

/* Each writer commits TRANSACTIONS transactions of 1–3 events; the second
 * also fails every tenth, after it took its seqs. */
#define TRANSACTIONS 150

static guint
events_in (guint transaction)
{
  return 1 + transaction % 3;
}

static gboolean
fails (guint writer,
       guint transaction)
{
  return writer == 2 && transaction % 10 == 9;
}

static DozorPg *
connect_migrated (const char *info)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (info, &error);
  const DozorPgMigration *migrations;
  guint n;

  g_assert_no_error (error);
  migrations = dozor_pg_schema_get_migrations (&n);
  g_assert_true (dozor_pg_migrate (pg, migrations, n, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&pg);
}

static gint64
query_int (DozorPg    *pg,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = dozor_pg_query (pg, sql, 0, NULL, &error);

  g_assert_no_error (error);
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/* --- A writer process: `test-pg-log --writer CONNINFO N METHOD` ---------- */

static int
writer_main (const char *info,
             guint       writer,
             const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (info, &error);
  g_autoptr(DozorPgLog) log = NULL;

  if (pg == NULL)
    {
      g_printerr ("writer %u: %s\n", writer, error->message);
      return 1;
    }
  log = dozor_pg_log_new (pg);
  dozor_pg_log_set_seq_method (log, g_str_equal (method, "advisory") ? DOZOR_PG_SEQ_ADVISORY : DOZOR_PG_SEQ_COUNTER);

  for (guint t = 0; t < TRANSACTIONS; t++)
    {
      g_autoptr(GPtrArray) committed = NULL;

      if (!dozor_pg_log_begin (log, &error))
        {
          g_printerr ("writer %u: %s\n", writer, error->message);
          return 1;
        }
      for (guint e = 0; e < events_in (t); e++)
        {
          g_autofree char *note = g_strdup_printf ("{\"writer\":%u,\"transaction\":%u,\"event\":%u}", writer, t, e);

          dozor_pg_log_append (log, "test.event", "note", note);
        }
      /* Not JSON: the INSERT fails after the seqs were taken. */
      if (fails (writer, t))
        dozor_pg_log_append (log, "test.event", "note", "{");

      committed = dozor_pg_log_commit (log, &error);
      if ((committed != NULL) == fails (writer, t))
        {
          g_printerr ("writer %u, transaction %u: %s\n", writer, t,
                      error != NULL ? error->message : "committed although it should have failed");
          return 1;
        }
      g_clear_error (&error);
    }

  return 0;
}

/* --- Tests ------------------------------------------------------------- */

static void
test_connect (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", &name);
  g_autofree char *uri = NULL;
  g_autoptr(DozorPg) by_info = NULL;
  g_autoptr(DozorPg) by_uri = NULL;
  g_autoptr(DozorPg) nowhere = NULL;
  g_autoptr(DozorPg) not_pg = NULL;

  g_assert_true (dozor_pg_is_target ("postgresql://dozor@db.example/dozor"));
  g_assert_true (dozor_pg_is_target ("postgres://db.example/dozor"));
  g_assert_true (dozor_pg_is_target ("host=db.example dbname=dozor"));
  g_assert_false (dozor_pg_is_target ("dozord.sqlite"));
  g_assert_false (dozor_pg_is_target ("/var/lib/dozor/dozord.sqlite"));
  g_assert_false (dozor_pg_is_target ("./a=b.sqlite"));

  by_info = dozor_pg_new (info, &error);
  g_assert_no_error (error);
  uri = pg_cluster_uri (cluster, name);
  by_uri = dozor_pg_new (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (by_uri, "SELECT 41 + 1"), ==, 42);

  not_pg = dozor_pg_new ("dozord.sqlite", &error);
  g_assert_null (not_pg);
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_INVALID_TARGET);
  g_clear_error (&error);

  nowhere = dozor_pg_new ("host=/nonexistent port=5432 user=dozor dbname=x", &error);
  g_assert_null (nowhere);
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNAVAILABLE);
  g_test_message ("unreachable: %s", error->message);
}

static gpointer
migrate_in_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (data, &error);
  const DozorPgMigration *migrations;
  guint n;
  guint applied = 0;

  g_assert_no_error (error);
  migrations = dozor_pg_schema_get_migrations (&n);
  g_assert_true (dozor_pg_migrate (pg, migrations, n, &applied, &error));
  g_assert_no_error (error);
  return GUINT_TO_POINTER (applied);
}

static void
test_migrate_twice (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", NULL);
  g_autofree char *info2 = pg_cluster_new_database (cluster, "t", NULL);
  g_autoptr(DozorPg) pg = dozor_pg_new (info, &error);
  g_autoptr(DozorPg) check = NULL;
  const DozorPgMigration *migrations;
  guint n;
  guint applied = 99;
  GThread *threads[2];
  guint total = 0;

  g_assert_no_error (error);
  migrations = dozor_pg_schema_get_migrations (&n);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpint (dozor_pg_schema_version (pg, &error), ==, 0);

  g_assert_true (dozor_pg_migrate (pg, migrations, n, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, n);
  g_assert_true (dozor_pg_migrate (pg, migrations, n, &applied, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (applied, ==, 0);

  g_assert_cmpint (query_int (pg, "SELECT count(*) FROM schema_migrations"), ==, n);
  g_assert_cmpint (query_int (pg, "SELECT count(DISTINCT version) FROM schema_migrations"), ==, n);
  g_assert_cmpint (dozor_pg_schema_version (pg, &error), ==, migrations[n - 1].version);
  /* The counter row was inserted once, not once per run. */
  g_assert_cmpint (query_int (pg, "SELECT count(*) FROM event_counter"), ==, 1);

  /* Two instances starting at once on an empty database. */
  threads[0] = g_thread_new ("migrate-a", migrate_in_thread, info2);
  threads[1] = g_thread_new ("migrate-b", migrate_in_thread, info2);
  for (guint i = 0; i < 2; i++)
    total += GPOINTER_TO_UINT (g_thread_join (threads[i]));
  g_assert_cmpuint (total, ==, n);
  check = dozor_pg_new (info2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (check, "SELECT count(*) FROM schema_migrations"), ==, n);
}

static void
test_migrate_newer (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", NULL);
  g_autoptr(DozorPg) pg = connect_migrated (info);
  const DozorPgMigration *migrations;
  guint n;
  guint applied = 99;
  g_autofree char *newer = NULL;
  g_autofree char *known = NULL;

  migrations = dozor_pg_schema_get_migrations (&n);
  newer = g_strdup_printf ("%d", migrations[n - 1].version + 1);
  {
    const char *const params[] = { newer };

    g_assert_true (dozor_pg_exec (pg, "INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')",
                                  1, params, &error));
    g_assert_no_error (error);
  }

  g_assert_false (dozor_pg_migrate (pg, migrations, n, &applied, &error));
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_SCHEMA_TOO_NEW);
  g_test_message ("refused: %s", error->message);
  known = g_strdup_printf ("%d", migrations[n - 1].version);
  g_assert_nonnull (strstr (error->message, newer));
  g_assert_nonnull (strstr (error->message, known));
  g_assert_cmpuint (applied, ==, 0);
  g_clear_error (&error);
  g_assert_cmpint (query_int (pg, "SELECT count(*) FROM schema_migrations"), ==, n + 1);
}

typedef struct
{
  guint writer;
  guint transaction;
  guint event;
} Note;

static GSubprocess *
spawn_writer (const char *info,
              guint       writer,
              const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *number = g_strdup_printf ("%u", writer);
  /* Its standard output is not TAP: keep it off ours. */
  GSubprocess *process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                           program, "--writer", info, number, method, NULL);

  g_assert_no_error (error);
  return process;
}

static void
parse_note (const char *data,
            gint64      seq,
            Note       *note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_from_string (data, &error);
  JsonObject *event;
  JsonObject *body;

  g_assert_no_error (error);
  event = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (event, "seq"), ==, seq);
  g_assert_cmpstr (json_object_get_string_member (event, "type"), ==, "test.event");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (event, "time"), "Z"));
  body = json_object_get_object_member (event, "note");
  note->writer = (guint) json_object_get_int_member (body, "writer");
  note->transaction = (guint) json_object_get_int_member (body, "transaction");
  note->event = (guint) json_object_get_int_member (body, "event");
}

/* Two writer processes and this reader, which follows through
 * LISTEN/NOTIFY and reads the table: every seq once, gapless, ascending,
 * each read starting right after the last seq it had; each writer's
 * transactions whole and in its order; nothing of a failed transaction. */
static void
check_concurrent (const char *method)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", NULL);
  g_autoptr(DozorPg) pg = connect_migrated (info);
  g_autoptr(DozorPgLog) reader = dozor_pg_log_new (pg);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GSubprocess) writer1 = NULL;
  g_autoptr(GSubprocess) writer2 = NULL;
  guint expected = 0;
  guint reads = 0;
  guint wakeups = 0;
  gint64 last = 0;
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  Note previous[3] = { { 0 } };
  gboolean started[3] = { FALSE };

  for (guint w = 1; w <= 2; w++)
    for (guint t = 0; t < TRANSACTIONS; t++)
      if (!fails (w, t))
        expected += events_in (t);

  g_assert_true (dozor_pg_log_listen (reader, &error));
  g_assert_no_error (error);
  writer1 = spawn_writer (info, 1, method);
  writer2 = spawn_writer (info, 2, method);

  while ((guint) last < expected && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GPtrArray) events = NULL;
      int woken = dozor_pg_log_wait (reader, 200, &error);

      g_assert_no_error (error);
      wakeups += woken > 0;
      events = dozor_pg_log_read_since (reader, last, 1000, &error);
      g_assert_no_error (error);
      if (events->len > 0)
        reads++;

      for (guint i = 0; i < events->len; i++)
        {
          DozorPgEvent *event = g_ptr_array_index (events, i);
          Note note;
          g_autofree char *key = NULL;

          /* Gapless and ascending: a seq never shows before every lower one. */
          g_assert_cmpint (event->seq, ==, last + 1);
          last = event->seq;
          parse_note (event->data, event->seq, &note);
          g_assert_true (note.writer == 1 || note.writer == 2);
          g_assert_false (fails (note.writer, note.transaction));
          key = g_strdup_printf ("%u/%u/%u", note.writer, note.transaction, note.event);
          g_assert_true (g_hash_table_add (seen, g_steal_pointer (&key)));

          /* A transaction's events are consecutive, and a writer's
           * transactions come in the order it committed them. */
          if (note.event > 0)
            {
              g_assert_cmpuint (note.transaction, ==, previous[note.writer].transaction);
              g_assert_cmpuint (note.event, ==, previous[note.writer].event + 1);
            }
          else if (started[note.writer])
            {
              g_assert_cmpuint (previous[note.writer].event + 1, ==, events_in (previous[note.writer].transaction));
              g_assert_cmpuint (note.transaction, >, previous[note.writer].transaction);
            }
          previous[note.writer] = note;
          started[note.writer] = TRUE;
        }
    }

  g_assert_true (g_subprocess_wait_check (writer1, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (writer2, NULL, &error));
  g_assert_no_error (error);

  /* Nothing more after the last expected event: the failed transactions
   * left neither events nor holes. */
  {
    g_autoptr(GPtrArray) rest = dozor_pg_log_read_since (reader, last, 10, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (rest->len, ==, 0);
  }
  g_assert_cmpuint (g_hash_table_size (seen), ==, expected);
  g_assert_cmpint (last, ==, expected);
  g_assert_cmpint (dozor_pg_log_get_seq (reader, &error), ==, expected);
  g_assert_cmpuint (wakeups, >, 0);
  g_test_message ("%s: %u events from 2 writers, read in %u reads after %u wake-ups",
                  method, expected, reads, wakeups);
}

static void
test_concurrent_counter (void)
{
  check_concurrent ("counter");
}

static void
test_concurrent_advisory (void)
{
  check_concurrent ("advisory");
}

typedef struct
{
  const char *info;
  gboolean refused;
} Rival;

static gpointer
rival_keeps_answer (gpointer data)
{
  Rival *rival = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (rival->info, &error);
  g_autoptr(DozorPgLog) log = NULL;

  g_assert_no_error (error);
  log = dozor_pg_log_new (pg);
  g_assert_true (dozor_pg_log_begin (log, &error));
  g_assert_no_error (error);
  /* application_name tells the test this backend waits. */
  g_assert_true (dozor_pg_exec (pg, "SET application_name = 'rival'", 0, NULL, &error));
  g_assert_no_error (error);
  rival->refused = !dozor_pg_log_keep_answer (log, "sup", "key-2", 201, "{\"rival\":true}", &error);
  if (rival->refused)
    g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNIQUE_VIOLATION);
  dozor_pg_log_rollback (log);
  return NULL;
}

/* Idempotency keys on two connections, as on two instances: the second
 * use of a key is refused by the database, also while the first is not
 * yet committed. */
static void
test_idempotency (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", NULL);
  g_autoptr(DozorPg) pg_a = connect_migrated (info);
  g_autoptr(DozorPg) pg_b = dozor_pg_new (info, &error);
  g_autoptr(DozorPg) watch = dozor_pg_new (info, &error);
  g_autoptr(DozorPgLog) a = dozor_pg_log_new (pg_a);
  g_autoptr(DozorPgLog) b = dozor_pg_log_new (pg_b);
  g_autoptr(GPtrArray) committed = NULL;
  g_autofree char *body = NULL;
  guint status = 0;
  Rival rival = { info, FALSE };
  GThread *thread;
  gint64 deadline;

  g_assert_true (dozor_pg_log_begin (a, &error));
  g_assert_true (dozor_pg_log_keep_answer (a, "sup", "key-1", 201, "{\"id\":\"a\"}", &error));
  dozor_pg_log_append (a, "incident.created", "incident", "{\"id\":\"a\"}");
  committed = dozor_pg_log_commit (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (committed->len, ==, 1);

  g_assert_true (dozor_pg_log_begin (b, &error));
  dozor_pg_log_append (b, "incident.created", "incident", "{\"id\":\"b\"}");
  g_assert_false (dozor_pg_log_keep_answer (b, "sup", "key-1", 201, "{\"id\":\"b\"}", &error));
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNIQUE_VIOLATION);
  g_assert_nonnull (strstr (error->message, "23505"));
  g_clear_error (&error);
  dozor_pg_log_rollback (b);
  g_assert_true (dozor_pg_log_find_answer (b, "sup", "key-1", &status, &body, &error));
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (body, ==, "{\"id\":\"a\"}");
  g_assert_cmpint (dozor_pg_log_get_seq (b, &error), ==, 1);

  /* Keys are per user. */
  g_assert_true (dozor_pg_log_begin (b, &error));
  g_assert_true (dozor_pg_log_keep_answer (b, "sup2", "key-1", 201, "{}", &error));
  g_assert_no_error (error);
  dozor_pg_log_rollback (b);

  /* A holds key-2 uncommitted; the rival waits on the unique index until
   * A commits, then is refused. */
  g_assert_true (dozor_pg_log_begin (a, &error));
  g_assert_true (dozor_pg_log_keep_answer (a, "sup", "key-2", 201, "{\"id\":\"a2\"}", &error));
  thread = g_thread_new ("rival", rival_keeps_answer, &rival);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (query_int (watch, "SELECT count(*) FROM pg_stat_activity"
                           " WHERE application_name = 'rival' AND wait_event_type = 'Lock'") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 50);
    }
  g_clear_pointer (&committed, g_ptr_array_unref);
  committed = dozor_pg_log_commit (a, &error);
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_true (rival.refused);
}

typedef struct
{
  const char *info;
  GPtrArray *committed;
} Later;

static gpointer
commit_later (gpointer data)
{
  Later *later = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) pg = dozor_pg_new (later->info, &error);
  g_autoptr(DozorPgLog) log = NULL;

  g_assert_no_error (error);
  log = dozor_pg_log_new (pg);
  g_assert_true (dozor_pg_exec (pg, "SET application_name = 'later'", 0, NULL, &error));
  g_assert_true (dozor_pg_log_begin (log, &error));
  dozor_pg_log_append (log, "test.event", "note", "{\"who\":\"later\"}");
  later->committed = dozor_pg_log_commit (log, &error);
  g_assert_no_error (error);
  return NULL;
}

/* The counter's rule, step by step: while one transaction holds the
 * counter, another's commit waits, so nothing it writes can be seen
 * before the first commits, and its seq is the next one. */
static void
test_commit_order (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", NULL);
  g_autoptr(DozorPg) pg = connect_migrated (info);
  g_autoptr(DozorPg) watch = dozor_pg_new (info, &error);
  g_autoptr(DozorPgLog) first = dozor_pg_log_new (pg);
  g_autoptr(DozorPgLog) reader = dozor_pg_log_new (watch);
  g_autoptr(GPtrArray) committed = NULL;
  g_autoptr(GPtrArray) events = NULL;
  Later later = { info, NULL };
  GThread *thread;
  gint64 deadline;

  g_assert_true (dozor_pg_log_begin (first, &error));
  dozor_pg_log_append (first, "test.event", "note", "{\"who\":\"first\"}");
  /* What the commit's UPDATE takes, taken early to hold it open. */
  g_assert_true (dozor_pg_exec (pg, "SELECT seq FROM event_counter FOR UPDATE", 0, NULL, &error));
  g_assert_no_error (error);

  thread = g_thread_new ("later", commit_later, &later);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (query_int (watch, "SELECT count(*) FROM pg_stat_activity"
                           " WHERE application_name = 'later' AND wait_event_type = 'Lock'") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 50);
    }
  /* The later commit waits: nothing of it is visible. */
  g_assert_cmpint (dozor_pg_log_get_seq (reader, &error), ==, 0);

  committed = dozor_pg_log_commit (first, &error);
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (committed, 0), "{\"seq\":1,"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (later.committed, 0), "{\"seq\":2,"));
  g_ptr_array_unref (later.committed);

  events = dozor_pg_log_read_since (reader, 0, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_nonnull (strstr (((DozorPgEvent *) g_ptr_array_index (events, 0))->data, "first"));
  g_assert_nonnull (strstr (((DozorPgEvent *) g_ptr_array_index (events, 1))->data, "later"));
}

static void
terminate (DozorPg *admin,
           DozorPg *victim)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("%d", dozor_pg_get_backend_pid (victim));
  const char *const params[] = { pid };
  g_autoptr(PGresult) result =
    dozor_pg_query (admin, "SELECT pg_terminate_backend($1::integer, 10000)", 1, params, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");
}

static void
commit_one (DozorPgLog *log,
            const char *note,
            gint64      seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) committed = NULL;
  g_autofree char *prefix = g_strdup_printf ("{\"seq\":%" G_GINT64_FORMAT ",", seq);

  g_assert_true (dozor_pg_log_begin (log, &error));
  g_assert_no_error (error);
  dozor_pg_log_append (log, "test.event", "note", note);
  committed = dozor_pg_log_commit (log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (committed->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (committed, 0), prefix));
}

/* pg_terminate_backend() under a writer and a reader: a clear "connection
 * lost", then the next call connects again by itself; a transaction lost
 * half-way leaves nothing, and the reader listens again. */
static void
test_connection_lost (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *info = pg_cluster_new_database (cluster, "t", NULL);
  g_autoptr(DozorPg) admin = connect_migrated (info);
  g_autoptr(DozorPg) pg_w = dozor_pg_new (info, &error);
  g_autoptr(DozorPg) pg_r = dozor_pg_new (info, &error);
  g_autoptr(DozorPgLog) writer = dozor_pg_log_new (pg_w);
  g_autoptr(DozorPgLog) reader = dozor_pg_log_new (pg_r);
  g_autoptr(GPtrArray) events = NULL;
  int old_pid;
  int woken = 0;
  gint64 deadline;

  commit_one (writer, "{\"n\":1}", 1);

  /* Between transactions. */
  old_pid = dozor_pg_get_backend_pid (pg_w);
  terminate (admin, pg_w);
  g_assert_false (dozor_pg_log_begin (writer, &error));
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST);
  g_test_message ("between transactions: %s", error->message);
  g_assert_nonnull (strstr (error->message, "lost"));
  g_clear_error (&error);
  commit_one (writer, "{\"n\":2}", 2);
  g_assert_cmpint (dozor_pg_get_backend_pid (pg_w), !=, old_pid);

  /* Inside a transaction: every call fails until it is rolled back. */
  g_assert_true (dozor_pg_log_begin (writer, &error));
  g_assert_true (dozor_pg_exec (pg_w, "SELECT 1", 0, NULL, &error));
  dozor_pg_log_append (writer, "test.event", "note", "{\"n\":\"lost\"}");
  terminate (admin, pg_w);
  g_assert_false (dozor_pg_exec (pg_w, "SELECT 1", 0, NULL, &error));
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST);
  g_clear_error (&error);
  g_assert_false (dozor_pg_exec (pg_w, "SELECT 1", 0, NULL, &error));
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST);
  g_test_message ("inside a transaction: %s", error->message);
  g_clear_error (&error);
  g_assert_null (dozor_pg_log_commit (writer, &error));
  g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST);
  g_clear_error (&error);
  commit_one (writer, "{\"n\":3}", 3);

  /* The reader: its backend killed while it listens. */
  g_assert_true (dozor_pg_log_listen (reader, &error));
  terminate (admin, pg_r);
  commit_one (writer, "{\"n\":4}", 4);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (woken <= 0 && g_get_monotonic_time () < deadline)
    {
      woken = dozor_pg_log_wait (reader, 500, &error);
      if (woken < 0)
        {
          g_assert_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST);
          g_clear_error (&error);
        }
    }
  g_assert_cmpint (woken, >, 0);
  events = dozor_pg_log_read_since (reader, 3, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 1);
  g_assert_cmpint (((DozorPgEvent *) g_ptr_array_index (events, 0))->seq, ==, 4);

  /* Listening again: the next commit wakes it. */
  commit_one (writer, "{\"n\":5}", 5);
  g_assert_cmpint (dozor_pg_log_wait (reader, 20000, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpint (dozor_pg_log_get_seq (reader, &error), ==, 5);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 5 && g_str_equal (argv[1], "--writer"))
    return writer_main (argv[2], (guint) atoi (argv[3]), argv[4]);

  program = argv[0];
  g_test_init (&argc, &argv, NULL);

  cluster = pg_cluster_start_or_bail_out ();

  g_test_add_func ("/pg/connect", test_connect);
  g_test_add_func ("/pg/migrate/twice", test_migrate_twice);
  g_test_add_func ("/pg/migrate/newer", test_migrate_newer);
  g_test_add_func ("/pg/log/concurrent/counter", test_concurrent_counter);
  g_test_add_func ("/pg/log/concurrent/advisory", test_concurrent_advisory);
  g_test_add_func ("/pg/log/commit-order", test_commit_order);
  g_test_add_func ("/pg/log/idempotency", test_idempotency);
  g_test_add_func ("/pg/log/connection-lost", test_connection_lost);

  return pg_cluster_run_tests (cluster);
}
