/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorDb on SQLite and on PostgreSQL give the store the same answers
 * (issue 19, docs/postgresql.md, "One dialect"): the same statements, in
 * the store's dialect, run on a temporary SQLite file and on a throwaway
 * PostgreSQL (pg-fixture.c), and the rows are compared. JSON is compared
 * as values (PostgreSQL's json text has other spacing), numbers as
 * numbers; what printf() formats must be equal as text.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dozor-db.h"
#include "dozor-pg.h"
#include "pg-fixture.h"

static PgCluster *cluster;
static char *pg_target;
static char *sqlite_path;

typedef struct
{
  char kind;                    /* 't'ext, 'i'nt, 'd'ouble, 'n'ull; 0 ends */
  const char *text;
  gint64 i;
  double d;
} Bind;

#define T(x) { 't', (x), 0, 0 }
#define I(x) { 'i', NULL, (x), 0 }
#define D(x) { 'd', NULL, 0, (x) }
#define N { 'n', NULL, 0, 0 }

static DozorDb *
open_db (const char      *target,
         DozorDbOpenMode  mode)
{
  g_autoptr(GError) error = NULL;
  DozorDb *db = dozor_db_open (target, mode, &error);

  g_assert_no_error (error);
  g_assert_nonnull (db);
  return db;
}

static void
exec_ok (DozorDb    *db,
         const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static void
bind_all (DozorDbStmt *stmt,
          const Bind  *binds)
{
  for (int i = 0; binds != NULL && binds[i].kind != 0; i++)
    switch (binds[i].kind)
      {
      case 't': dozor_db_bind_text (stmt, i + 1, binds[i].text); break;
      case 'i': dozor_db_bind_int64 (stmt, i + 1, binds[i].i); break;
      case 'd': dozor_db_bind_double (stmt, i + 1, binds[i].d); break;
      default: dozor_db_bind_null (stmt, i + 1); break;
      }
}

/* Every row, each as its columns' texts ("\x01" for NULL), "|"-joined. */
static GPtrArray *
rows_of (DozorDb    *db,
         const char *sql,
         const Bind *binds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (db, sql, &error);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  DozorDbStep step;
  int guard = 0;

  g_assert_no_error (error);
  bind_all (stmt, binds);
  while ((step = dozor_db_step_full (stmt, &error)) == DOZOR_DB_ROW && guard++ < 1000)
    {
      int n = dozor_db_column_count (stmt);
      char **row = g_new0 (char *, n + 1);

      for (int c = 0; c < n; c++)
        row[c] = g_strdup (dozor_db_column_is_null (stmt, c) ? "\x01" : dozor_db_column_text (stmt, c));
      g_ptr_array_add (rows, row);
    }
  if (error != NULL)
    g_test_message ("%s: %s", sql, error->message);
  g_assert_no_error (error);
  g_assert_cmpint (step, ==, DOZOR_DB_DONE);
  return rows;
}

static gboolean
as_number (const char *text,
           double     *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return *end == '\0';
}

static JsonNode *
as_json (const char *text)
{
  if (*text != '{' && *text != '[' && *text != '"')
    return NULL;
  return json_from_string (text, NULL);
}

static gboolean
same_value (const char *a,
            const char *b)
{
  double x, y;
  g_autoptr(JsonNode) ja = NULL;
  g_autoptr(JsonNode) jb = NULL;

  if (g_str_equal (a, b))
    return TRUE;
  if (as_number (a, &x) && as_number (b, &y))
    return fabs (x - y) <= 1e-9 * MAX (1.0, fabs (x));
  ja = as_json (a);
  jb = as_json (b);
  return ja != NULL && jb != NULL && json_node_equal (ja, jb);
}

static char *
joined (char **row)
{
  g_autofree char *text = g_strjoinv ("|", row);

  return g_strdelimit (g_steal_pointer (&text), "\x01", '~');
}

/* The same rows from both; @expect, if given, is SQLite's first row
 * ("~" for NULL), so that both agreeing on a wrong answer fails too. */
static void
compare (DozorDb    *sqlite,
         DozorDb    *pg,
         const char *sql,
         const Bind *binds,
         const char *expect)
{
  g_autoptr(GPtrArray) a = rows_of (sqlite, sql, binds);
  g_autoptr(GPtrArray) b = rows_of (pg, sql, binds);

  g_test_message ("%s", sql);
  g_assert_cmpuint (a->len, ==, b->len);
  if (expect != NULL)
    {
      g_autofree char *first = NULL;

      g_assert_cmpuint (a->len, >, 0);
      first = joined (a->pdata[0]);
      g_assert_cmpstr (first, ==, expect);
    }
  for (guint r = 0; r < a->len; r++)
    {
      char **ra = a->pdata[r], **rb = b->pdata[r];

      g_assert_cmpuint (g_strv_length (ra), ==, g_strv_length (rb));
      for (guint c = 0; ra[c] != NULL; c++)
        if (!same_value (ra[c], rb[c]))
          g_error ("%s: row %u column %u: SQLite %s, PostgreSQL %s", sql, r, c, ra[c], rb[c]);
    }
}

static void
setup_both (DozorDb **sqlite,
            DozorDb **pg)
{
  *sqlite = open_db (sqlite_path, DOZOR_DB_OPEN_READ_WRITE);
  *pg = open_db (pg_target, DOZOR_DB_OPEN_READ_WRITE);

  for (int i = 0; i < 2; i++)
    {
      DozorDb *db = i == 0 ? *sqlite : *pg;

      /* Written once, valid on both. */
      exec_ok (db, "DROP TABLE IF EXISTS items;"
                   "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL UNIQUE, n integer);"
                   "INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
    }
  /* PostgreSQL's event log comes with its schema (migration 1). */
  exec_ok (*sqlite, "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                    " data TEXT NOT NULL)");
}

static void
test_parameters (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;

  setup_both (&sqlite, &pg);

  compare (sqlite, pg, "SELECT ?1 + ?2, ?, ?1", (Bind[]) { I (2), I (3), I (5), { 0 } }, "5|5|2");
  /* A '?' or a json_object( inside a literal, an identifier or a comment
   * stays as it is, and does not count as a parameter. */
  compare (sqlite, pg,
           "SELECT 'a?b' AS \"c?\", 'json_object(1)', 'it''s ?', 'INSERT OR IGNORE' -- ? json_object(\n"
           " /* ?1 json_object( */ , ?, \"c?\" FROM (SELECT 1 AS \"c?\") AS x",
           (Bind[]) { T ("x"), { 0 } }, "a?b|json_object(1)|it's ?|INSERT OR IGNORE|x|1");
  /* A subquery in FROM or JOIN without an alias, which PostgreSQL 15
   * refuses, gets one; one with an alias keeps it. */
  compare (sqlite, pg, "SELECT count(*), sum(n) FROM (SELECT n FROM items WHERE n > ?1)",
           (Bind[]) { I (15), { 0 } }, "2|50");
  compare (sqlite, pg, "SELECT (SELECT count(*) FROM (SELECT 1 UNION ALL SELECT 2)), s.n"
                       " FROM (SELECT n FROM items) AS s JOIN (SELECT 20 AS k) ON k = s.n",
           NULL, "2|20");
  compare (sqlite, pg, "SELECT ?1 IS NULL, ?2 IS NULL", (Bind[]) { N, T ("t"), { 0 } }, "1|0");

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (pg, "SELECT ?3, 'x?', ?", &error);

    g_assert_no_error (error);
    g_assert_cmpint (dozor_db_bind_parameter_count (stmt), ==, 4);
  }
}

static void
test_json (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;
  const char *doc = "{\"a\":{\"b\":\"x\"},\"list\":[{\"time\":\"t1\"},{\"time\":\"t2\"}],\"n\":5,"
                    "\"obj\":{\"k\":[1,2]},\"yes\":true}";

  setup_both (&sqlite, &pg);

  /* Typed parameters: a text, an integer, a float and a NULL each keep
   * their JSON type. */
  compare (sqlite, pg, "SELECT json_object('id', ?1, 'n', ?2, 'x', ?3, 'none', ?4, 'sub', json_object ('a', 1))",
           (Bind[]) { T ("u1"), I (7), D (2.5), N, { 0 } },
           "{\"id\":\"u1\",\"n\":7,\"x\":2.5,\"none\":null,\"sub\":{\"a\":1}}");
  compare (sqlite, pg, "SELECT printf('%.1f', ?1), printf('%.7f', ?2), printf('%.1f', ?3),"
                       " json_object('s', json(printf('%.1f', ?1)))",
           (Bind[]) { D (12.34), D (43.2380123456), N, { 0 } }, "12.3|43.2380123|0.0|{\"s\":12.3}");
  compare (sqlite, pg, "SELECT json(?1)", (Bind[]) { T ("{\"a\": [1, 2]}"), { 0 } }, NULL);
  compare (sqlite, pg,
           "SELECT json_extract(?1, '$.a.b'), json_extract(?1, '$.list[1].time'), json_extract(?1, '$.n'),"
           " json_extract(?1, '$.missing'), json_extract(?1, '$.obj'), json_extract(?1, '$.yes'),"
           " json_array_length(json_extract(?1, '$.list')), json_extract(?2, '$[1]')",
           (Bind[]) { T (doc), T ("[\"p\",\"q\"]"), { 0 } }, "x|t2|5|~|{\"k\":[1,2]}|1|2|q");
  compare (sqlite, pg, "SELECT json_valid(?1), json_valid(?2), json_quote(?3),"
                       " json_insert(json(?1), '$.d', json('[1]')), json_insert(json(?1), '$.a', 9)",
           (Bind[]) { T ("{\"a\":1}"), T ("{x"), T ("he said \"hi\""), { 0 } },
           "1|0|\"he said \\\"hi\\\"\"|{\"a\":1,\"d\":[1]}|{\"a\":1}");
  compare (sqlite, pg, "SELECT key, value, type FROM json_each(?1)",
           (Bind[]) { T ("[\"x\",2,2.5,true,null,{\"a\":1}]"), { 0 } }, "0|x|text");
  compare (sqlite, pg, "SELECT p.key, json_extract(p.value, '$.id') FROM json_each(?1) p",
           (Bind[]) { T ("{\"one\":{\"id\":1},\"two\":{\"id\":2}}"), { 0 } }, "one|1");
  compare (sqlite, pg, "SELECT (SELECT group_concat(value, ';') FROM json_each(?1))",
           (Bind[]) { T ("[\"AK\",\"PM\"]"), { 0 } }, "AK;PM");
}

static void
test_aggregates (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;

  setup_both (&sqlite, &pg);

  compare (sqlite, pg, "SELECT json_group_array(n) FROM (SELECT n FROM items WHERE n > ?1 ORDER BY n) AS s",
           (Bind[]) { I (15), { 0 } }, "[20,30]");
  /* No rows: [] where json_agg() gives NULL. */
  compare (sqlite, pg, "SELECT json_group_array(name) FROM items WHERE n > 100", NULL, "[]");
  compare (sqlite, pg, "SELECT json_group_array(json_object('id', id, 'name', name))"
                       " FROM (SELECT * FROM items ORDER BY id) AS s", NULL,
           "[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"},{\"id\":3,\"name\":\"c\"}]");
  compare (sqlite, pg, "SELECT group_concat(name, ';'), group_concat(name, ',') FROM (SELECT name FROM items ORDER BY id) AS s",
           NULL, "a;b;c|a,b,c");
  compare (sqlite, pg, "SELECT total(n), total(n * 0.5) FROM items", NULL, "60.0|30.0");
  compare (sqlite, pg, "SELECT total(n) FROM items WHERE n > 100", NULL, "0.0");

  /* ORDER BY inside the call: SQLite 3.44 has it, Debian 12's 3.40 not;
   * on PostgreSQL the aggregate keeps it. */
  {
    g_autoptr(GPtrArray) rows = rows_of (pg, "SELECT json_group_array(n ORDER BY n DESC) FROM items", NULL);

    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_true (same_value (((char **) rows->pdata[0])[0], "[30,20,10]"));
  }
}

static void
test_times_and_scalars (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  setup_both (&sqlite, &pg);

  compare (sqlite, pg, "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?1, '+36 hours'),"
                       " strftime('%Y-%m-%dT%H:%M:%SZ', ?1, '-12 hours'),"
                       " strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch'), strftime('%s', ?1),"
                       " julianday(?1), printf('%.1f', (julianday(?3) - julianday(?1)) * 86400.0)",
           (Bind[]) { T ("2026-03-01T10:20:30Z"), I (1700000000), T ("2026-03-01T10:21:00.250Z"), { 0 } },
           "2026-03-02T22:20:30Z|2026-02-28T22:20:30Z|2023-11-14T22:13:20Z|1772360430|2461100.93090278|30.3");
  /* 'now' is the clock's: within a generous bound of this process's. */
  {
    const char *sql = "SELECT CAST(strftime('%s', 'now') AS INTEGER) - ?1,"
                      " strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-12 hours') < strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";

    for (int i = 0; i < 2; i++)
      {
        g_autoptr(GPtrArray) rows = rows_of (i == 0 ? sqlite : pg, sql, (Bind[]) { I (now), { 0 } });
        char **row = rows->pdata[0];

        g_assert_cmpint (ABS (g_ascii_strtoll (row[0], NULL, 10)), <=, 60);
        g_assert_cmpstr (row[1], ==, "1");
      }
  }

  compare (sqlite, pg, "SELECT iif(?1 IS NULL, NULL, 'area'), iif(?2 IS NULL, NULL, 'area'), substr(?3, 1, 4),"
                       " ?3 LIKE 'abc%', 'ABC' LIKE 'abd', n > 15, 'x' || n FROM items ORDER BY id",
           (Bind[]) { N, I (1), T ("ABCdef"), { 0 } }, "~|area|ABCd|1|0|0|x10");

  /* Booleans read as numbers, fractions cut, as SQLite does. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (pg, "SELECT n > 15, 2.75::float8, '12' FROM items WHERE id = ?1",
                                                   &error);

    dozor_db_bind_int64 (stmt, 1, 2);
    g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_ROW);
    g_assert_cmpint (dozor_db_column_int64 (stmt, 0), ==, 1);
    g_assert_cmpint (dozor_db_column_int64 (stmt, 1), ==, 2);
    g_assert_cmpfloat (dozor_db_column_double (stmt, 1), ==, 2.75);
    g_assert_cmpint (dozor_db_column_int64 (stmt, 2), ==, 12);
    g_assert_cmpuint (dozor_db_column_bytes (stmt, 2), ==, 2);
    g_assert_cmpint (dozor_db_step (stmt), ==, DOZOR_DB_DONE);
  }
}

static gint64
run_changes (DozorDb     *db,
             const char  *sql,
             const Bind  *binds,
             DozorDbStep  expect,
             int          expect_code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (db, sql, &error);
  DozorDbStep step;

  g_assert_no_error (error);
  bind_all (stmt, binds);
  step = dozor_db_step_full (stmt, &error);
  g_assert_cmpint (step, ==, expect);
  if (expect == DOZOR_DB_FAILED)
    {
      g_assert_error (error, DOZOR_DB_ERROR, expect_code);
      return -1;
    }
  g_assert_no_error (error);
  while (step == DOZOR_DB_ROW)
    step = dozor_db_step (stmt);
  return dozor_db_changes (db);
}

static void
test_writes (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;

  setup_both (&sqlite, &pg);

  for (int i = 0; i < 2; i++)
    {
      DozorDb *db = i == 0 ? sqlite : pg;

      /* INSERT OR IGNORE: a row already there is skipped, not an error. */
      g_assert_cmpint (run_changes (db, "INSERT OR IGNORE INTO items (id, name, n) VALUES (?1, ?2, ?3)",
                                    (Bind[]) { I (4), T ("a"), I (40), { 0 } }, DOZOR_DB_DONE, 0), ==, 0);
      g_assert_cmpint (run_changes (db, "insert or ignore into items (id, name, n) values (?, ?, ?)",
                                    (Bind[]) { I (4), T ("d"), I (40), { 0 } }, DOZOR_DB_DONE, 0), ==, 1);
      g_assert_cmpint (run_changes (db, "INSERT OR IGNORE INTO items (id, name, n) VALUES (?1, ?2, ?3) RETURNING id",
                                    (Bind[]) { I (5), T ("e"), I (50), { 0 } }, DOZOR_DB_ROW, 0), ==, 1);
      g_assert_cmpint (run_changes (db, "UPDATE items SET n = n + 1 WHERE n >= ?1",
                                    (Bind[]) { I (30), { 0 } }, DOZOR_DB_DONE, 0), ==, 3);
      /* The same code for a unique violation on both. */
      run_changes (db, "INSERT INTO items (id, name, n) VALUES (?1, ?2, ?3)",
                   (Bind[]) { I (6), T ("a"), I (60), { 0 } }, DOZOR_DB_FAILED, DOZOR_DB_ERROR_CONSTRAINT);
      /* A script, INSERT OR IGNORE in each of its statements. */
      exec_ok (db, "INSERT OR IGNORE INTO items VALUES (9, 'z', 90); INSERT OR IGNORE INTO items VALUES (9, 'z', 90);");
    }

  compare (sqlite, pg, "SELECT id, name, n FROM items ORDER BY id", NULL, "1|a|10");
  compare (sqlite, pg, "SELECT count(*), sum(n) FROM items", NULL, "6|243");
}

static void
test_read_only (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;

  setup_both (&sqlite, &pg);

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(DozorDb) reader = open_db (i == 0 ? sqlite_path : pg_target, DOZOR_DB_OPEN_READ_ONLY);
      g_autoptr(GPtrArray) rows = rows_of (reader, "SELECT count(*) FROM items", NULL);

      g_assert_cmpstr (((char **) rows->pdata[0])[0], ==, "3");
      run_changes (reader, "DELETE FROM items", NULL, DOZOR_DB_FAILED, DOZOR_DB_ERROR_FAILED);
      g_clear_pointer (&rows, g_ptr_array_unref);
      rows = rows_of (i == 0 ? sqlite : pg, "SELECT count(*) FROM items", NULL);
      g_assert_cmpstr (((char **) rows->pdata[0])[0], ==, "3");
    }
}

/* ---- Write transactions one after the other ---- */

typedef struct
{
  const char *target;
  gint64 seq;
  gint started;
} Second;

static gpointer
second_writer (gpointer data)
{
  Second *second = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorDb) db = open_db (second->target, DOZOR_DB_OPEN_READ_WRITE);

  g_atomic_int_set (&second->started, 1);
  g_assert_true (dozor_db_begin_write (db, &second->seq, &error));
  g_assert_no_error (error);
  dozor_db_rollback (db);
  return NULL;
}

static void
insert_event (DozorDb *db,
              gint64   seq)
{
  /* With its time, as every event of the store: on PostgreSQL the store's
   * journal trigger (migration 3) copies it. */
  g_assert_cmpint (run_changes (db, "INSERT INTO events (seq, type, data)"
                                    " VALUES (?1, 'test', json_object('n', ?1, 'time', '2026-01-01T00:00:00Z'))",
                                (Bind[]) { I (seq), { 0 } }, DOZOR_DB_DONE, 0), ==, 1);
}

static int
waiting_locks (DozorDb *db)
{
  g_autoptr(GPtrArray) rows = rows_of (db, "SELECT count(*) FROM pg_locks WHERE NOT granted", NULL);

  return atoi (((char **) rows->pdata[0])[0]);
}

static void
test_writers_serialised (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;

  setup_both (&sqlite, &pg);

  for (int i = 0; i < 2; i++)
    {
      DozorDb *db = i == 0 ? sqlite : pg;
      Second second = { i == 0 ? sqlite_path : pg_target, -1, 0 };
      g_autoptr(GError) error = NULL;
      GThread *thread;
      gint64 seq;

      g_assert_true (dozor_db_begin_write (db, &seq, &error));
      g_assert_no_error (error);
      thread = g_thread_new ("second-writer", second_writer, &second);

      /* On PostgreSQL, until the second one is seen waiting for the
       * counter's row lock; on SQLite it waits in its busy handler. */
      for (int tries = 0; tries < 1000 && !g_atomic_int_get (&second.started); tries++)
        g_usleep (10000);
      if (i == 1)
        for (int tries = 0; tries < 1000 && waiting_locks (db) == 0; tries++)
          g_usleep (10000);
      if (i == 1)
        g_assert_cmpint (waiting_locks (db), ==, 1);
      else
        g_usleep (200000);

      insert_event (db, seq + 1);
      g_assert_true (dozor_db_commit (db, seq + 1, &error));
      g_assert_no_error (error);
      g_thread_join (thread);

      /* It waited, and then saw the first one's event. */
      g_assert_cmpint (second.seq, ==, seq + 1);
    }
}

static void
test_notify (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) listener = NULL;
  gint64 seq, again;

  setup_both (&sqlite, &pg);
  listener = dozor_pg_new (pg_target, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_pg_exec (listener, "LISTEN dozor_events", 0, NULL, &error));

  /* A transaction without events notifies nobody. */
  g_assert_true (dozor_db_begin_write (pg, &seq, &error));
  g_assert_true (dozor_db_commit (pg, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dozor_pg_wait_notification (listener, 300, &error), ==, 0);

  g_assert_true (dozor_db_begin_write (pg, &seq, &error));
  insert_event (pg, seq + 1);
  g_assert_true (dozor_db_commit (pg, seq + 1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (dozor_pg_wait_notification (listener, 10000, &error), ==, 1);
  g_assert_no_error (error);

  /* The counter moved with the commit. */
  g_assert_true (dozor_db_begin_write (pg, &again, &error));
  g_assert_cmpint (again, ==, seq + 1);
  dozor_db_rollback (pg);
}

static void
terminate (DozorDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorPg) admin = dozor_pg_new (pg_target, &error);
  g_autoptr(GPtrArray) rows = rows_of (db, "SELECT pg_backend_pid()", NULL);
  const char *const params[] = { ((char **) rows->pdata[0])[0] };
  g_autoptr(PGresult) result = NULL;

  g_assert_no_error (error);
  result = dozor_pg_query (admin, "SELECT pg_terminate_backend($1::integer, 10000)", 1, params, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (PQgetvalue (result, 0, 0), ==, "t");
}

static void
test_connection_lost (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;
  g_autoptr(GError) error = NULL;

  setup_both (&sqlite, &pg);

  /* Outside a transaction: the call that finds it gone says so, the
   * next one connects again. */
  terminate (pg);
  run_changes (pg, "SELECT 1", NULL, DOZOR_DB_FAILED, DOZOR_DB_ERROR_UNAVAILABLE);
  g_assert_cmpint (run_changes (pg, "UPDATE items SET n = 0 WHERE id = ?1", (Bind[]) { I (1), { 0 } },
                                DOZOR_DB_DONE, 0), ==, 1);

  /* Inside one: failed until rolled back, never half of it on a new
   * connection. */
  g_assert_true (dozor_db_begin_read (pg, &error));
  g_assert_no_error (error);
  terminate (pg);
  run_changes (pg, "SELECT 1", NULL, DOZOR_DB_FAILED, DOZOR_DB_ERROR_UNAVAILABLE);
  run_changes (pg, "SELECT 1", NULL, DOZOR_DB_FAILED, DOZOR_DB_ERROR_UNAVAILABLE);
  g_assert_true (dozor_db_in_transaction (pg));
  dozor_db_rollback (pg);
  g_assert_false (dozor_db_in_transaction (pg));
  compare (sqlite, pg, "SELECT count(*) FROM items", NULL, "3");
}

/* The codes the store acts on, from PostgreSQL's SQLSTATEs. */
static void
test_error_codes (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;
  g_autoptr(DozorDb) other = NULL;
  g_autoptr(GError) error = NULL;
  gint64 seq;

  setup_both (&sqlite, &pg);

  /* A statement neither understands: FAILED on both, at prepare on
   * SQLite, at the first step on PostgreSQL. */
  for (int i = 0; i < 2; i++)
    {
      g_autoptr(DozorDbStmt) stmt = dozor_db_prepare (i == 0 ? sqlite : pg, "SELEC 1", &error);

      if (stmt != NULL)
        g_assert_cmpint (dozor_db_step_full (stmt, &error), ==, DOZOR_DB_FAILED);
      g_assert_error (error, DOZOR_DB_ERROR, DOZOR_DB_ERROR_FAILED);
      g_clear_error (&error);
    }

  /* A trigger's refusal (RAISE, P0001) is a constraint. */
  g_assert_false (dozor_db_exec (pg, "DO $$ BEGIN RAISE EXCEPTION 'refused by a trigger'; END $$", &error));
  g_assert_error (error, DOZOR_DB_ERROR, DOZOR_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* A writer that gives up waiting for the counter's lock (55P03): BUSY,
   * the whole transaction may be tried again. */
  other = open_db (pg_target, DOZOR_DB_OPEN_READ_WRITE);
  exec_ok (other, "SET lock_timeout = '100ms'");
  g_assert_true (dozor_db_begin_write (pg, &seq, &error));
  g_assert_no_error (error);
  g_assert_false (dozor_db_begin_write (other, &seq, &error));
  g_assert_error (error, DOZOR_DB_ERROR, DOZOR_DB_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_false (dozor_db_in_transaction (other));
  dozor_db_rollback (pg);
  g_assert_true (dozor_db_begin_write (other, &seq, &error));
  g_assert_no_error (error);
  dozor_db_rollback (other);
}

static gint64
prepared_count (DozorDb *pg)
{
  g_autoptr(GPtrArray) rows =
    rows_of (pg, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT $1 + 1 AS dozor_prepared_once'",
             NULL);

  return g_ascii_strtoll (((char **) rows->pdata[0])[0], NULL, 10);
}

/* Prepared on the server once per connection and types, and again on a
 * new connection. */
static void
test_prepared_once (void)
{
  g_autoptr(DozorDb) sqlite = NULL;
  g_autoptr(DozorDb) pg = NULL;

  setup_both (&sqlite, &pg);

  g_assert_cmpint (prepared_count (pg), ==, 0);
  for (int i = 0; i < 3; i++)
    compare (sqlite, pg, "SELECT ? + 1 AS dozor_prepared_once", (Bind[]) { I (i), { 0 } }, i == 0 ? "1" : NULL);
  g_assert_cmpint (prepared_count (pg), ==, 1);
  /* Another type is another statement to the server. */
  compare (sqlite, pg, "SELECT ? + 1 AS dozor_prepared_once", (Bind[]) { D (0.5), { 0 } }, "1.5");
  g_assert_cmpint (prepared_count (pg), ==, 2);

  terminate (pg);
  run_changes (pg, "SELECT 1", NULL, DOZOR_DB_FAILED, DOZOR_DB_ERROR_UNAVAILABLE);
  g_assert_cmpint (prepared_count (pg), ==, 0);
  compare (sqlite, pg, "SELECT ? + 1 AS dozor_prepared_once", (Bind[]) { I (41), { 0 } }, "42");
  g_assert_cmpint (prepared_count (pg), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  cluster = pg_cluster_start_or_bail_out ();
  pg_target = pg_cluster_new_database (cluster, "db", NULL);
  /* In the cluster's directory, which its guardian removes even when an
   * assertion aborts this program. */
  sqlite_path = g_build_filename (pg_cluster_get_dir (cluster), "store.db", NULL);

  g_test_add_func ("/db/parameters", test_parameters);
  g_test_add_func ("/db/json", test_json);
  g_test_add_func ("/db/aggregates", test_aggregates);
  g_test_add_func ("/db/times-and-scalars", test_times_and_scalars);
  g_test_add_func ("/db/writes", test_writes);
  g_test_add_func ("/db/read-only", test_read_only);
  g_test_add_func ("/db/writers-serialised", test_writers_serialised);
  g_test_add_func ("/db/notify", test_notify);
  g_test_add_func ("/db/connection-lost", test_connection_lost);
  g_test_add_func ("/db/prepared-once", test_prepared_once);
  g_test_add_func ("/db/error-codes", test_error_codes);

  status = pg_cluster_run_tests (cluster);
  g_free (sqlite_path);
  g_free (pg_target);
  return status;
}
