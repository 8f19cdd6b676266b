/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozorctl migrate-store: a room's store moved from its SQLite file into an
 * empty PostgreSQL database, events and seq included (issue 19,
 * docs/postgresql.md, "Moving a room to PostgreSQL").
 *
 * The SQLite file is only read, in one read transaction: one consistent
 * moment of the room, whatever else reads it. Everything is written to
 * PostgreSQL in one transaction, checked (rows of every table, the last
 * seq) before it commits: the target ends either empty or with the whole
 * room, never half of it.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dozor-db.h"
#include "dozor-pg-schema.h"
#include "dozor-pg.h"
#include "dozor-sqlite.h"
#include "dozorctl.h"

/* Rows a multi-row INSERT carries: few round trips, and well below
 * PostgreSQL's 65,535 parameters for the widest table (about 20 columns). */
#define ROWS_PER_INSERT 500

/* Tables whose rows point at rows of the same table: the parents are
 * copied first, as the foreign key asks. */
static const struct
{
  const char *table;
  const char *parent;
  const char *key;
} self_references[] = {
  { "zones", "parent_id", "id" },
};

typedef struct
{
  const char *path;
  sqlite3 *lite;
  DozorPg *pg;
  /* The target's tables, oldest first: a table is made after the tables
   * its foreign keys name, so this order fills parents first. */
  GPtrArray *tables;
  guint64 rows;
} Migration;

const char *
dozorctl_migrate_store_usage (void)
{
  return _("Moving a room to PostgreSQL (no --db):\n"
           "  migrate-store SQLITE-FILE POSTGRES-TARGET   copy a stopped dozord's SQLite store, events and seq\n"
           "                                              included, into an empty PostgreSQL database\n");
}

static char *
quote_identifier (const char *name)
{
  g_autoptr(GString) quoted = g_string_new ("\"");

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (quoted, '"');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

/* The file's last error, in SQLite's words after the file's name. */
static gboolean
lite_fail (Migration  *m,
           GError    **error)
{
  dozor_sqlite_set_error (error, m->lite, sqlite3_extended_errcode (m->lite));
  g_prefix_error (error, "%s: ", m->path);
  return FALSE;
}

static gboolean
lite_int (Migration  *m,
          const char *sql,
          gint64     *value,
          GError    **error)
{
  if (dozor_sqlite_query_int (m->lite, sql, value, error))
    return TRUE;
  g_prefix_error (error, "%s: ", m->path);
  return FALSE;
}

/* NULL if the file has no such table. */
static GHashTable *
lite_columns (Migration  *m,
              const char *table)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GHashTable) columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (sqlite3_prepare_v2 (m->lite, "SELECT name FROM pragma_table_info(?1)", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  return g_hash_table_size (columns) > 0 ? g_steal_pointer (&columns) : NULL;
}

static gboolean
lite_has_table (Migration  *m,
                const char *table)
{
  g_autoptr(GHashTable) columns = lite_columns (m, table);

  return columns != NULL;
}

static gint64
pg_int (PGresult *result)
{
  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

static gboolean
list_target_tables (Migration  *m,
                    GError    **error)
{
  g_autoptr(PGresult) result = NULL;

  /* Partitions are filled through their parent. schema_migrations is the
   * target's own. */
  result = dozor_pg_query (m->pg,
                           "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
                           " AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> 'schema_migrations'"
                           " ORDER BY oid",
                           0, NULL, error);
  if (result == NULL)
    return FALSE;
  m->tables = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (m->tables, g_strdup (PQgetvalue (result, i, 0)));
  return TRUE;
}

/* The store's tables only, and no table of a newer Dozor that this
 * program could not carry over. */
static gboolean
check_source_tables (Migration  *m,
                     GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  static const char *const required[] = { "events", "users", "units", "incidents" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!lite_has_table (m, required[i]))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("%s is not a Dozor store: it has no table “%s”"),
                     m->path, required[i]);
        return FALSE;
      }

  if (sqlite3_prepare_v2 (m->lite,
                          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                          " ORDER BY name",
                          -1, &stmt, NULL) != SQLITE_OK)
    return lite_fail (m, error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 0);

      if (!g_ptr_array_find_with_equal_func (m->tables, name, g_str_equal, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("%s was written by a newer Dozor: its table “%s” is unknown to this dozorctl; "
                         "use the dozorctl of that version"),
                       m->path, name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Migration 3 leaves the readiness row in `state` and the counter at 0:
 * anything more is a room's data, which is never overwritten. */
static gboolean
check_target_empty (Migration  *m,
                    GError    **error)
{
  for (guint i = 0; i < m->tables->len; i++)
    {
      const char *table = g_ptr_array_index (m->tables, i);
      g_autofree char *quoted = quote_identifier (table);
      g_autofree char *sql = NULL;
      g_autoptr(PGresult) result = NULL;

      if (g_str_equal (table, "event_counter"))
        sql = g_strdup ("SELECT count(*) FROM event_counter WHERE seq <> 0");
      else if (g_str_equal (table, "state"))
        sql = g_strdup ("SELECT count(*) FROM state WHERE key <> 'readiness'");
      else
        sql = g_strdup_printf ("SELECT count(*) FROM (SELECT 1 FROM %s LIMIT 1) AS t", quoted);
      result = dozor_pg_query (m->pg, sql, 0, NULL, error);
      if (result == NULL)
        return FALSE;
      if (pg_int (result) > 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                       _("the PostgreSQL database already holds data (table “%s” has rows): "
                         "migrate-store only fills an empty database"),
                       table);
          return FALSE;
        }
    }
  return dozor_pg_exec (m->pg, "DELETE FROM state", 0, NULL, error);
}

/* The triggers are the store's rules for new rows: the journal's copy of
 * each event, and an audit chain appended in order from its anchor. The
 * copy brings the journal as it is, and the chain after retention has cut
 * its beginning, so they are off until the copy is done, inside the
 * transaction: a failure leaves them as they were. */
static gboolean
set_triggers (Migration  *m,
              gboolean    enabled,
              GError    **error)
{
  for (guint i = 0; i < m->tables->len; i++)
    {
      g_autofree char *quoted = quote_identifier (g_ptr_array_index (m->tables, i));
      g_autofree char *sql = g_strdup_printf ("ALTER TABLE %s %s TRIGGER USER", quoted,
                                              enabled ? "ENABLE" : "DISABLE");

      if (!dozor_pg_exec (m->pg, sql, 0, NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* One multi-row INSERT of @n_rows rows, the values as text for
 * PostgreSQL to read as each column's type. */
static gboolean
insert_rows (Migration  *m,
             const char *table,
             GPtrArray  *columns,
             GPtrArray  *values,
             guint       n_rows,
             GError    **error)
{
  g_autofree char *quoted = quote_identifier (table);
  g_autoptr(GString) sql = g_string_new (NULL);
  guint n = 1;

  g_string_append_printf (sql, "INSERT INTO %s (", quoted);
  for (guint c = 0; c < columns->len; c++)
    {
      g_autofree char *column = quote_identifier (g_ptr_array_index (columns, c));

      g_string_append_printf (sql, "%s%s", c > 0 ? ", " : "", column);
    }
  /* The identity columns (rowid, replay_states' id) keep SQLite's numbers,
   * so that the order the store reads by stays the same. */
  g_string_append (sql, ") OVERRIDING SYSTEM VALUE VALUES ");
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r > 0 ? ", (" : "(");
      for (guint c = 0; c < columns->len; c++)
        g_string_append_printf (sql, "%s$%u", c > 0 ? ", " : "", n++);
      g_string_append_c (sql, ')');
    }

  return dozor_pg_exec (m->pg, sql->str, (int) values->len, (const char *const *) values->pdata, error);
}

/* A SQLite value as the text PostgreSQL reads; NULL for NULL. */
static gboolean
value_text (Migration    *m,
            sqlite3_stmt *stmt,
            int           column,
            char        **text,
            GError      **error)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  switch (sqlite3_column_type (stmt, column))
    {
    case SQLITE_NULL:
      *text = NULL;
      return TRUE;
    case SQLITE_INTEGER:
      *text = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, column));
      return TRUE;
    case SQLITE_FLOAT:
      /* The shortest text that reads back as the same double. */
      *text = g_strdup (g_ascii_dtostr (number, sizeof number, sqlite3_column_double (stmt, column)));
      return TRUE;
    case SQLITE_TEXT:
      *text = g_strndup ((const char *) sqlite3_column_text (stmt, column), sqlite3_column_bytes (stmt, column));
      return TRUE;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s holds binary data, which a Dozor store never writes"), m->path);
      return FALSE;
    }
}

/* The columns to copy, the target's, in its order; each must be in the
 * file. A target's identity column named rowid takes SQLite's rowid. */
static gboolean
match_columns (Migration  *m,
               const char *table,
               GPtrArray  *columns,
               GString    *select,
               GError    **error)
{
  g_autoptr(GHashTable) source = lite_columns (m, table);
  g_autoptr(PGresult) result = NULL;
  const char *params[] = { table };
  GHashTableIter iter;
  gpointer name;

  result = dozor_pg_query (m->pg,
                           "SELECT a.attname, a.attidentity <> '' FROM pg_attribute a"
                           " WHERE a.attrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass"
                           " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                           1, params, error);
  if (result == NULL)
    return FALSE;
  if (source == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s is a store of an older Dozor: it has no table “%s”. Start this version's dozord on it once, "
                     "which brings it up to date, then migrate it"),
                   m->path, table);
      return FALSE;
    }

  for (int i = 0; i < PQntuples (result); i++)
    {
      const char *column = PQgetvalue (result, i, 0);
      gboolean identity = g_str_equal (PQgetvalue (result, i, 1), "t");
      g_autofree char *quoted = quote_identifier (column);

      if (!g_hash_table_remove (source, column) && !(identity && g_str_equal (column, "rowid")))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _("%s is a store of an older Dozor: its table “%s” has no column “%s”. Start this version's "
                         "dozord on it once, which brings it up to date, then migrate it"),
                       m->path, table, column);
          return FALSE;
        }
      g_ptr_array_add (columns, g_strdup (column));
      g_string_append_printf (select, "%s%s.%s", i > 0 ? ", " : "", "t", quoted);
    }

  g_hash_table_iter_init (&iter, source);
  if (g_hash_table_iter_next (&iter, &name, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("%s was written by a newer Dozor: its table “%s” has a column “%s” unknown to this dozorctl; "
                     "use the dozorctl of that version"),
                   m->path, table, (const char *) name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
copy_rows (Migration    *m,
           const char   *table,
           GPtrArray    *columns,
           sqlite3_stmt *stmt,
           GError      **error)
{
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  guint n_rows = 0;
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (guint c = 0; c < columns->len; c++)
        {
          char *text;

          if (!value_text (m, stmt, (int) c, &text, error))
            return FALSE;
          g_ptr_array_add (values, text);
        }
      if (++n_rows == ROWS_PER_INSERT)
        {
          if (!insert_rows (m, table, columns, values, n_rows, error))
            return FALSE;
          g_ptr_array_set_size (values, 0);
          m->rows += n_rows;
          n_rows = 0;
        }
    }
  if (rc != SQLITE_DONE)
    return lite_fail (m, error);
  if (n_rows > 0 && !insert_rows (m, table, columns, values, n_rows, error))
    return FALSE;
  m->rows += n_rows;
  return TRUE;
}

/* The next row the store adds without a number continues after the
 * copied ones. */
static gboolean
set_identities (Migration  *m,
                const char *table,
                GPtrArray  *columns,
                GError    **error)
{
  g_autofree char *quoted = quote_identifier (table);

  for (guint c = 0; c < columns->len; c++)
    {
      g_autofree char *column = quote_identifier (g_ptr_array_index (columns, c));
      g_autofree char *sql = g_strdup_printf ("SELECT setval(pg_get_serial_sequence($1, $2), m) FROM"
                                              " (SELECT max(%s) AS m FROM %s) AS t WHERE m IS NOT NULL",
                                              column, quoted);
      const char *params[] = { quoted, g_ptr_array_index (columns, c) };
      g_autoptr(PGresult) sequence = NULL;
      g_autoptr(PGresult) result = NULL;

      sequence = dozor_pg_query (m->pg, "SELECT pg_get_serial_sequence($1, $2) IS NOT NULL", 2, params, error);
      if (sequence == NULL)
        return FALSE;
      if (!g_str_equal (PQgetvalue (sequence, 0, 0), "t"))
        continue;
      result = dozor_pg_query (m->pg, sql, 2, params, error);
      if (result == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
copy_table (Migration  *m,
            const char *table,
            GError    **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) select = g_string_new ("SELECT ");
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *quoted = quote_identifier (table);
  gboolean ordered = FALSE;

  if (!match_columns (m, table, columns, select, error))
    return FALSE;

  g_string_append_printf (select, " FROM %s AS t", quoted);
  for (guint i = 0; i < G_N_ELEMENTS (self_references) && !ordered; i++)
    if (g_str_equal (table, self_references[i].table))
      {
        /* Each row after its parent: by depth in the tree, then as stored. */
        g_autofree char *parent = quote_identifier (self_references[i].parent);
        g_autofree char *key = quote_identifier (self_references[i].key);
        g_autofree char *head = g_strdup_printf ("WITH RECURSIVE depth (k, n) AS (SELECT %s, 0 FROM %s WHERE %s IS NULL"
                                                 " UNION ALL SELECT c.%s, d.n + 1 FROM %s AS c JOIN depth AS d"
                                                 " ON c.%s = d.k) ",
                                                 key, quoted, parent, key, quoted, parent);

        g_string_prepend (select, head);
        g_string_append_printf (select, " JOIN depth ON depth.k = t.%s ORDER BY depth.n, t.rowid", key);
        ordered = TRUE;
      }
  if (!ordered)
    g_string_append (select, " ORDER BY t.rowid");

  if (sqlite3_prepare_v2 (m->lite, select->str, -1, &stmt, NULL) != SQLITE_OK)
    return lite_fail (m, error);
  if (!copy_rows (m, table, columns, stmt, error))
    {
      g_prefix_error (error, _("table “%s”: "), table);
      return FALSE;
    }
  return set_identities (m, table, columns, error);
}

/* Every table's rows and the last seq, in the file and in the target,
 * before anything is committed. */
static gboolean
compare (Migration  *m,
         gint64      last_seq,
         GError    **error)
{
  g_autoptr(PGresult) counter = NULL;
  gint64 target_seq;

  for (guint i = 0; i < m->tables->len; i++)
    {
      const char *table = g_ptr_array_index (m->tables, i);
      g_autofree char *quoted = quote_identifier (table);
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", quoted);
      g_autoptr(PGresult) result = NULL;
      gint64 source_rows;

      if (g_str_equal (table, "event_counter"))
        continue;
      if (!lite_int (m, sql, &source_rows, error))
        return FALSE;
      result = dozor_pg_query (m->pg, sql, 0, NULL, error);
      if (result == NULL)
        return FALSE;
      if (pg_int (result) != source_rows)
        {
          g_autofree char *in_file = g_strdup_printf ("%" G_GINT64_FORMAT, source_rows);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("table “%s” has %s rows in the SQLite file but %s in PostgreSQL"),
                       table, in_file, PQgetvalue (result, 0, 0));
          return FALSE;
        }
    }

  counter = dozor_pg_query (m->pg, "SELECT (SELECT seq FROM event_counter), (SELECT COALESCE(max(seq), 0) FROM events)",
                            0, NULL, error);
  if (counter == NULL)
    return FALSE;
  target_seq = pg_int (counter);
  if (target_seq != last_seq || g_ascii_strtoll (PQgetvalue (counter, 0, 1), NULL, 10) != last_seq)
    {
      g_autofree char *in_file = g_strdup_printf ("%" G_GINT64_FORMAT, last_seq);
      /* The counter's seq, or the newest event's when the counter is right. */
      const char *in_target = PQgetvalue (counter, 0, target_seq != last_seq ? 0 : 1);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("the last seq is %s in the SQLite file but %s in PostgreSQL"), in_file, in_target);
      return FALSE;
    }
  return TRUE;
}

/* The position history is one table a day on PostgreSQL (migration 4),
 * with no default partition: each day the file's fixes fall on needs its
 * table before the copy, made as dozord makes them. */
static gboolean
make_track_days (Migration  *m,
                 GError    **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  if (!lite_has_table (m, "positions"))
    return TRUE;
  if (sqlite3_prepare_v2 (m->lite, "SELECT DISTINCT substr(time, 1, 10) FROM positions", -1, &stmt, NULL) != SQLITE_OK)
    return lite_fail (m, error);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *params[1] = { (const char *) sqlite3_column_text (stmt, 0) };

      if (params[0] == NULL)
        continue;
      if (!dozor_pg_exec (m->pg, "SELECT dozor_track_day(CAST($1 AS date))", 1, params, error))
        {
          g_prefix_error (error, _("table “%s”: "), "positions");
          return FALSE;
        }
    }
  return rc == SQLITE_DONE ? TRUE : lite_fail (m, error);
}

static gboolean
copy_all (Migration  *m,
          gint64     *last_seq,
          GError    **error)
{
  g_autofree char *seq_text = NULL;
  const char *params[1];

  if (!lite_int (m, "SELECT COALESCE(max(seq), 0) FROM events", last_seq, error))
    return FALSE;

  /* The counter's row first, as every writer of the store takes it: a
   * dozord started on the target meanwhile waits for the whole room. */
  if (!dozor_pg_exec (m->pg, "SELECT seq FROM event_counter FOR UPDATE", 0, NULL, error) ||
      !check_target_empty (m, error) ||
      !make_track_days (m, error) ||
      !set_triggers (m, FALSE, error))
    return FALSE;

  for (guint i = 0; i < m->tables->len; i++)
    {
      const char *table = g_ptr_array_index (m->tables, i);

      /* The counter is not a table of the file: it is the last seq. */
      if (!g_str_equal (table, "event_counter") && !copy_table (m, table, error))
        return FALSE;
    }

  seq_text = g_strdup_printf ("%" G_GINT64_FORMAT, *last_seq);
  params[0] = seq_text;
  return dozor_pg_exec (m->pg, "UPDATE event_counter SET seq = $1", 1, params, error) &&
         set_triggers (m, TRUE, error) &&
         compare (m, *last_seq, error);
}

static gboolean
migrate (Migration  *m,
         const char *target,
         gint64     *last_seq,
         GError    **error)
{
  g_autoptr(GError) lock_error = NULL;
  guint n_migrations;
  const DozorPgMigration *migrations = dozor_pg_schema_get_migrations (&n_migrations);
  int lock;
  gboolean ok;

  if (!dozor_sqlite_check_file (m->path, FALSE, error))
    {
      g_prefix_error (error, _("%s is not a Dozor store: "), m->path);
      return FALSE;
    }
  /* A dozord still serving the file would write events after the copy. A
   * lock file that cannot be made (a read-only directory) says nothing. */
  lock = dozor_sqlite_lock_owner (m->path, &lock_error);
  if (lock < 0 && g_error_matches (lock_error, G_IO_ERROR, G_IO_ERROR_BUSY))
    {
      g_propagate_error (error, g_steal_pointer (&lock_error));
      g_prefix_error (error, _("stop dozord first: "));
      return FALSE;
    }
  if (lock >= 0)
    close (lock);

  if (!dozor_sqlite_open (m->path, DOZOR_SQLITE_OPEN_READ_ONLY, 5000, &m->lite, error))
    {
      g_prefix_error (error, "%s: ", m->path);
      return FALSE;
    }

  /* libpq's reasons never hold the target's password. */
  m->pg = dozor_pg_new (target, error);
  if (m->pg == NULL || !dozor_pg_migrate (m->pg, migrations, n_migrations, NULL, error) ||
      !list_target_tables (m, error))
    return FALSE;

  if (!dozor_sqlite_exec (m->lite, "BEGIN", error))
    return FALSE;
  ok = check_source_tables (m, error) && dozor_pg_begin (m->pg, error);
  if (ok)
    {
      ok = copy_all (m, last_seq, error) && dozor_pg_commit (m->pg, error);
      if (!ok && dozor_pg_in_transaction (m->pg))
        dozor_pg_rollback (m->pg);
    }
  dozor_sqlite_exec (m->lite, "COMMIT", NULL);
  return ok;
}

int
dozorctl_migrate_store (int    argc,
                        char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("SQLITE-FILE POSTGRES-TARGET"));
  g_autoptr(GError) error = NULL;
  Migration m = { 0 };
  gint64 last_seq = 0;
  gboolean ok;

  g_option_context_set_summary (context,
                                _("Copy a room's SQLite store, events and seq included, into an empty PostgreSQL "
                                  "database given by a postgresql:// URI or a conninfo. The SQLite file is only read. "
                                  "Stop dozord first."));
  if (!dozorctl_parse_options (context, "migrate-store", &argc, &argv))
    return DOZORCTL_EXIT_BAD_USAGE;
  if (argc != 3)
    {
      g_printerr (_("Usage: dozorctl migrate-store SQLITE-FILE POSTGRES-TARGET\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }
  /* The target is never echoed: it may hold a password. */
  if (!dozor_db_target_is_postgres (argv[2]))
    {
      g_printerr (_("dozorctl migrate-store: the target is not a PostgreSQL URI (postgresql://…) or conninfo\n"));
      return DOZORCTL_EXIT_BAD_USAGE;
    }

  m.path = argv[1];
  ok = migrate (&m, argv[2], &last_seq, &error);
  if (m.lite != NULL)
    sqlite3_close (m.lite);
  g_clear_object (&m.pg);
  g_clear_pointer (&m.tables, g_ptr_array_unref);

  if (!ok)
    {
      g_printerr (_("dozorctl migrate-store: nothing was copied: %s\n"), error->message);
      return EXIT_FAILURE;
    }
  {
    g_autofree char *rows = g_strdup_printf ("%" G_GUINT64_FORMAT, m.rows);
    g_autofree char *seq = g_strdup_printf ("%" G_GINT64_FORMAT, last_seq);

    g_print (_("Copied %s rows from %s into PostgreSQL; the last event is seq %s\n"), rows, m.path, seq);
  }
  return EXIT_SUCCESS;
}
