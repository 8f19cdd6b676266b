/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * DozorDb on PostgreSQL (issue 19, docs/postgresql.md, "One dialect"):
 * the store's SQL, written in SQLite's dialect, is translated once when a
 * statement is prepared; SQLite's functions the translation does not
 * rewrite exist in the database (migration 2 of dozor-pg-schema.c).
 *
 * Built on DozorPg, which reconnects outside a transaction, keeps a
 * transaction whose connection was lost failed until rolled back, and
 * prepares each statement once per connection.
 *
 * Rows come back as text, all of a statement's rows at once: the store's
 * statements return pages, not tables.
 */
#include "config.h"

#include "dozor-db-private.h"
#include "dozor-pg.h"
#include "dozor-pg-schema.h"

#include <string.h>

/* PostgreSQL's type OIDs (pg_type.dat), stable across versions. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_TEXT 25
#define OID_JSON 114
#define OID_FLOAT8 701

/* What the commit of a write transaction notifies, with the new seq. */
#define EVENTS_CHANNEL "dozor_events"

typedef struct
{
  DozorDb parent;
  DozorPg *pg;
  gboolean read_only;

  /* begin_write's seq, to tell whether a commit wrote events; -1 in a
   * read transaction or none. */
  gint64 begin_seq;
  gint64 changes;
  int error_code;
  char *errmsg;
} PgDb;

typedef struct
{
  DozorDbStmt parent;
  /* In PostgreSQL's dialect, with $1… */
  char *sql;
  int n_params;
  Oid *types;
  char **values;

  PGresult *result;
  /* The row the column calls read; -1 before the first step. */
  int row;
  /* The row's json columns as SQLite writes them, made when read. */
  char **compact;
  int n_compact;
} PgStmt;

static inline PgDb *
pg_db (DozorDb *db)
{
  return (PgDb *) db;
}

/* ---- The dialect ---------------------------------------------------- */

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* After @p, past white space: does the text go on with @word as a whole
 * word (case-insensitive)? Returns where it ends, or NULL. */
static const char *
skip_word (const char *p,
           const char *word)
{
  gsize len = strlen (word);

  while (g_ascii_isspace (*p))
    p++;
  if (g_ascii_strncasecmp (p, word, len) != 0 || is_word_char (p[len]))
    return NULL;
  return p + len;
}

static gboolean
followed_by_paren (const char *p)
{
  while (g_ascii_isspace (*p))
    p++;
  return *p == '(';
}

/* Whether the word at @p, after white space, can only follow a FROM item
 * that has no alias (or there is no word at all). */
static gboolean
needs_alias (const char *p)
{
  static const char *const follow[] = { "WHERE", "ORDER", "GROUP", "LIMIT", "OFFSET", "UNION", "EXCEPT",
                                        "INTERSECT", "WINDOW", "HAVING", "JOIN", "LEFT", "RIGHT", "FULL",
                                        "INNER", "CROSS", "NATURAL", "ON", "USING", "RETURNING", NULL };

  while (g_ascii_isspace (*p))
    p++;
  if (!is_word_char (*p) && *p != '"')
    return TRUE;
  for (guint i = 0; follow[i] != NULL; i++)
    if (skip_word (p, follow[i]) != NULL)
      return TRUE;
  return FALSE;
}

static void
close_insert_or_ignore (GString  *out,
                        gboolean *pending)
{
  if (!*pending)
    return;

  /* Before the white space the statement ends with. */
  while (out->len > 0 && g_ascii_isspace (out->str[out->len - 1]))
    g_string_truncate (out, out->len - 1);
  g_string_append (out, " ON CONFLICT DO NOTHING");
  *pending = FALSE;
}

/**
 * translate:
 * @sql: statements in the store's dialect (SQLite's)
 * @n_params: (out): the highest parameter number
 *
 * `?N` → `$N`, a bare `?` → one more than the highest so far (SQLite's
 * rule); `json_object(` → `json_build_object(`; `INSERT OR IGNORE INTO t …`
 * → `INSERT INTO t … ON CONFLICT DO NOTHING` (before a RETURNING); `LIKE`
 * → `ILIKE`, since SQLite's LIKE ignores ASCII case; `json_group_array(…)`
 * → `COALESCE(json_agg(…), '[]'::json)`; `group_concat(` → `string_agg(`
 * (always with a separator in the store); a subquery in FROM
 * or JOIN without an alias gets one, which PostgreSQL 15 requires.
 * Nothing inside
 * '…' literals, "…" identifiers or comments is touched.
 *
 * Returns: (transfer full): the statements in PostgreSQL's dialect
 */
static char *
translate (const char *sql,
           int        *n_params)
{
  GString *out = g_string_sized_new (strlen (sql) + 32);
  const char *p = sql;
  int highest = 0;
  int depth = 0;
  gboolean ignore_pending = FALSE;
  /* Which open parentheses began a FROM or JOIN item, and which a
   * json_group_array() (to depth 64). */
  guint64 from_item = 0;
  guint64 group_array = 0;
  gboolean after_group_array = FALSE;
  gboolean after_from = FALSE;
  int aliases = 0;

  while (*p != '\0')
    {
      if (*p == '\'' || *p == '"')
        {
          /* A doubled quote stays inside. */
          char quote = *p;
          const char *start = p++;

          while (*p != '\0' && !(*p == quote && p[1] != quote))
            p += *p == quote ? 2 : 1;
          if (*p != '\0')
            p++;
          g_string_append_len (out, start, p - start);
        }
      else if (p[0] == '-' && p[1] == '-')
        {
          const char *end = strchr (p, '\n');

          end = end != NULL ? end : p + strlen (p);
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          end = end != NULL ? end + 2 : p + strlen (p);
          g_string_append_len (out, p, end - p);
          p = end;
        }
      else if (*p == '?')
        {
          int number;

          p++;
          if (g_ascii_isdigit (*p))
            {
              number = 0;
              while (g_ascii_isdigit (*p) && number < 100000)
                number = number * 10 + (*p++ - '0');
            }
          else
            number = highest + 1;
          highest = MAX (highest, number);
          g_string_append_printf (out, "$%d", number);
        }
      else if (is_word_char (*p))
        {
          const char *start = p;
          const char *after;
          gsize len;

          while (is_word_char (*p))
            p++;
          len = p - start;

          if (len == 11 && g_ascii_strncasecmp (start, "json_object", len) == 0 && followed_by_paren (p))
            g_string_append (out, "json_build_object");
          else if (len == 12 && g_ascii_strncasecmp (start, "group_concat", len) == 0 && followed_by_paren (p))
            /* The same rows, order and NULL over none; string_agg()'s
             * state grows in place, where an aggregate written in SQL
             * copies it on every row (5 s for 4,000 rows). */
            g_string_append (out, "string_agg");
          else if (len == 16 && g_ascii_strncasecmp (start, "json_group_array", len) == 0 && followed_by_paren (p))
            {
              /* json_agg() with [] for no rows; its closing parenthesis
               * closes the COALESCE too. */
              g_string_append (out, "COALESCE(json_agg");
              after_group_array = TRUE;
              continue;
            }
          else if (len == 6 && g_ascii_strncasecmp (start, "INSERT", len) == 0 &&
                   (after = skip_word (p, "OR")) != NULL && (after = skip_word (after, "IGNORE")) != NULL)
            {
              g_string_append_len (out, start, len);
              p = after;
              ignore_pending = depth == 0;
            }
          else if (len == 9 && ignore_pending && depth == 0 &&
                   g_ascii_strncasecmp (start, "RETURNING", len) == 0)
            {
              close_insert_or_ignore (out, &ignore_pending);
              g_string_append_c (out, ' ');
              g_string_append_len (out, start, len);
            }
          else if (len == 4 && g_ascii_strncasecmp (start, "LIKE", len) == 0)
            g_string_append (out, "ILIKE");
          else
            g_string_append_len (out, start, len);

          after_from = (len == 4 && (g_ascii_strncasecmp (start, "FROM", len) == 0 ||
                                     g_ascii_strncasecmp (start, "JOIN", len) == 0));
          after_group_array = FALSE;
          continue;
        }
      else
        {
          gboolean aliased = FALSE;
          gboolean closes_group_array = FALSE;

          if (*p == '(')
            {
              if (depth < 64)
                {
                  guint64 bit = G_GUINT64_CONSTANT (1) << depth;

                  from_item = (from_item & ~bit) | (after_from ? bit : 0);
                  group_array = (group_array & ~bit) | (after_group_array ? bit : 0);
                }
              depth++;
            }
          else if (*p == ')' && depth > 0)
            {
              depth--;
              aliased = depth < 64 && (from_item & (G_GUINT64_CONSTANT (1) << depth)) != 0 &&
                        needs_alias (p + 1);
              closes_group_array = depth < 64 && (group_array & (G_GUINT64_CONSTANT (1) << depth)) != 0;
            }
          else if (*p == ';' && depth == 0)
            close_insert_or_ignore (out, &ignore_pending);
          g_string_append_c (out, *p++);
          if (closes_group_array)
            g_string_append (out, ", '[]'::json)");
          if (aliased)
            g_string_append_printf (out, " AS dozor_from_%d", ++aliases);
        }
      if (!g_ascii_isspace (p[-1]))
        after_from = after_group_array = FALSE;
    }

  close_insert_or_ignore (out, &ignore_pending);
  *n_params = highest;
  return g_string_free (out, FALSE);
}

/* ---- Errors --------------------------------------------------------- */

static int
error_code_of (DozorPg      *pg,
               const GError *error)
{
  const char *sqlstate = dozor_pg_get_sqlstate (pg);

  if (error->domain == DOZOR_PG_ERROR &&
      (error->code == DOZOR_PG_ERROR_UNAVAILABLE || error->code == DOZOR_PG_ERROR_CONNECTION_LOST))
    return DOZOR_DB_ERROR_UNAVAILABLE;
  if (error->domain == DOZOR_PG_ERROR && error->code == DOZOR_PG_ERROR_SCHEMA_TOO_NEW)
    return DOZOR_DB_ERROR_SCHEMA_TOO_NEW;
  if (g_str_has_prefix (sqlstate, "08") || g_str_equal (sqlstate, "57P01") ||
      g_str_equal (sqlstate, "57P02") || g_str_equal (sqlstate, "57P03"))
    return DOZOR_DB_ERROR_UNAVAILABLE;
  if (g_str_equal (sqlstate, "40001") || g_str_equal (sqlstate, "40P01") || g_str_equal (sqlstate, "55P03"))
    return DOZOR_DB_ERROR_BUSY;
  /* Class 23 is integrity constraints; P0001 a trigger's RAISE, the
   * PostgreSQL form of SQLite's RAISE(ABORT) in the store's triggers. */
  if (g_str_has_prefix (sqlstate, "23") || g_str_equal (sqlstate, "P0001"))
    return DOZOR_DB_ERROR_CONSTRAINT;
  if (g_str_equal (sqlstate, "53100"))
    return DOZOR_DB_ERROR_FULL;
  return DOZOR_DB_ERROR_FAILED;
}

/* Keeps @local_error as the connection's last error and passes it on. */
static void
take_error (PgDb     *self,
            GError   *local_error,
            GError  **error)
{
  self->error_code = error_code_of (self->pg, local_error);
  g_free (self->errmsg);
  self->errmsg = g_strdup (local_error->message);
  g_set_error_literal (error, DOZOR_DB_ERROR, self->error_code, local_error->message);
  g_error_free (local_error);
}

static void
clear_error (PgDb *self)
{
  self->error_code = DOZOR_DB_ERROR_FAILED;
  g_clear_pointer (&self->errmsg, g_free);
}

static gboolean
pg_set_error (DozorDb  *db,
              GError  **error)
{
  PgDb *self = pg_db (db);

  g_set_error_literal (error, DOZOR_DB_ERROR, self->error_code,
                       self->errmsg != NULL ? self->errmsg : "not an error");
  return FALSE;
}

static const char *
pg_errmsg (DozorDb *db)
{
  return pg_db (db)->errmsg != NULL ? pg_db (db)->errmsg : "not an error";
}

/* ---- The connection -------------------------------------------------- */

static gboolean
pg_exec (DozorDb     *db,
         const char  *sql,
         GError     **error)
{
  PgDb *self = pg_db (db);
  g_autofree char *translated = NULL;
  GError *local_error = NULL;
  int n_params;

  clear_error (self);
  translated = translate (sql, &n_params);
  if (!dozor_pg_exec_script (self->pg, translated, &local_error))
    {
      take_error (self, local_error, error);
      return FALSE;
    }
  return TRUE;
}

/* One statement of the backend's own, with text parameters. */
static PGresult *
query (PgDb               *self,
       const char         *sql,
       int                 n_params,
       const char *const  *params,
       GError            **error)
{
  GError *local_error = NULL;
  PGresult *result;

  clear_error (self);
  result = dozor_pg_query (self->pg, sql, n_params, params, &local_error);
  if (result == NULL)
    take_error (self, local_error, error);
  return result;
}

static gboolean
pg_begin_write (DozorDb  *db,
                gint64   *seq,
                GError  **error)
{
  PgDb *self = pg_db (db);
  g_autoptr(PGresult) result = NULL;
  GError *local_error = NULL;

  clear_error (self);
  if (!dozor_pg_begin (self->pg, &local_error))
    {
      take_error (self, local_error, error);
      return FALSE;
    }

  /* Every write transaction of every instance queues on this one row
   * lock, as SQLite's writers do on the file: the store's read-check-write
   * code stays right with no lock of its own (docs/postgresql.md). */
  result = query (self, "SELECT seq FROM event_counter WHERE id FOR UPDATE", 0, NULL, error);
  if (result == NULL || PQntuples (result) != 1)
    {
      if (result != NULL)
        {
          self->error_code = DOZOR_DB_ERROR_FAILED;
          self->errmsg = g_strdup ("event_counter has no row");
          pg_set_error (db, error);
        }
      dozor_pg_rollback (self->pg);
      return FALSE;
    }

  self->begin_seq = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  *seq = self->begin_seq;
  return TRUE;
}

static gboolean
pg_begin_read (DozorDb  *db,
               GError  **error)
{
  PgDb *self = pg_db (db);
  g_autoptr(PGresult) result = NULL;
  GError *local_error = NULL;

  clear_error (self);
  self->begin_seq = -1;
  if (!dozor_pg_begin (self->pg, &local_error))
    {
      take_error (self, local_error, error);
      return FALSE;
    }

  /* Allowed as the transaction's first statement: one snapshot for all of
   * its reads, as SQLite's read transaction gives. */
  result = query (self, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", 0, NULL, error);
  if (result == NULL)
    {
      dozor_pg_rollback (self->pg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_commit (DozorDb  *db,
           gint64    seq,
           GError  **error)
{
  PgDb *self = pg_db (db);
  GError *local_error = NULL;

  clear_error (self);
  if (self->begin_seq >= 0 && seq >= 0 && seq > self->begin_seq)
    {
      g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, seq);
      const char *const params[] = { text };
      g_autoptr(PGresult) updated = NULL;
      g_autoptr(PGresult) notified = NULL;

      /* The NOTIFY is delivered at COMMIT, in commit order: a listener
       * woken by it reads every event up to seq (LISTEN is only a wake-up). */
      updated = query (self, "UPDATE event_counter SET seq = $1::int8 WHERE id", 1, params, error);
      if (updated != NULL)
        notified = query (self, "SELECT pg_notify('" EVENTS_CHANNEL "', $1::text)", 1, params, error);
      if (updated == NULL || notified == NULL)
        {
          dozor_pg_rollback (self->pg);
          self->begin_seq = -1;
          return FALSE;
        }
    }

  self->begin_seq = -1;
  if (!dozor_pg_commit (self->pg, &local_error))
    {
      take_error (self, local_error, error);
      return FALSE;
    }
  return TRUE;
}

static void
pg_rollback (DozorDb *db)
{
  pg_db (db)->begin_seq = -1;
  dozor_pg_rollback (pg_db (db)->pg);
}

static gboolean
pg_in_transaction (DozorDb *db)
{
  return dozor_pg_in_transaction (pg_db (db)->pg);
}

static gint64
pg_changes (DozorDb *db)
{
  return pg_db (db)->changes;
}

static void
pg_close (DozorDb *db)
{
  PgDb *self = pg_db (db);

  if (dozor_pg_in_transaction (self->pg))
    dozor_pg_rollback (self->pg);
  g_clear_object (&self->pg);
  g_free (self->errmsg);
  g_free (self->parent.target);
  g_free (self);
}

/* ---- Statements ------------------------------------------------------ */

static inline PgStmt *
pg_stmt (DozorDbStmt *stmt)
{
  return (PgStmt *) stmt;
}

static DozorDbStmt *
pg_prepare (DozorDb     *db,
            const char  *sql,
            GError     **error)
{
  PgStmt *stmt = g_new0 (PgStmt, 1);

  /* Prepared on the server at its first step, when the bindings give the
   * parameters' types; a syntax error shows then. */
  stmt->parent.db = db;
  stmt->sql = translate (sql, &stmt->n_params);
  stmt->types = g_new0 (Oid, MAX (stmt->n_params, 1));
  stmt->values = g_new0 (char *, MAX (stmt->n_params, 1));
  stmt->row = -1;
  return &stmt->parent;
}

static void
clear_compact (PgStmt *self)
{
  for (int i = 0; i < self->n_compact; i++)
    g_clear_pointer (&self->compact[i], g_free);
}

/* JSON text without the blanks between its tokens, as SQLite's json()
 * and json_object() write it: PostgreSQL's json_build_object() writes
 * `{"a" : 1, "b" : 2}` and json_agg() `[1, 2]`. Blanks inside strings
 * stay; the text is otherwise kept byte for byte (members in their
 * order, numbers as written). */
static char *
compact_json (const char *text,
              gsize       length)
{
  char *out = g_malloc (length + 1);
  gboolean in_string = FALSE;
  gsize n = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          out[n++] = c;
          if (c == '\\' && i + 1 < length)
            out[n++] = text[++i];
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
          out[n++] = c;
        }
      else if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
        {
          out[n++] = c;
        }
    }
  out[n] = '\0';
  return out;
}

static void
pg_reset (DozorDbStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  g_clear_pointer (&self->result, PQclear);
  clear_compact (self);
  self->row = -1;
}

static void
pg_clear_bindings (DozorDbStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  for (int i = 0; i < self->n_params; i++)
    {
      g_clear_pointer (&self->values[i], g_free);
      self->types[i] = 0;
    }
}

static void
pg_stmt_free (DozorDbStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  pg_reset (stmt);
  pg_clear_bindings (stmt);
  g_free (self->compact);
  g_free (self->values);
  g_free (self->types);
  g_free (self->sql);
  g_free (self);
}

/* A parameter the SQL does not have is ignored, as SQLite does (it
 * answers SQLITE_RANGE, which the store does not check). */
static void
bind (DozorDbStmt *stmt,
      int          index,
      Oid          type,
      char        *value)
{
  PgStmt *self = pg_stmt (stmt);

  if (index < 1 || index > self->n_params)
    {
      g_free (value);
      return;
    }
  g_free (self->values[index - 1]);
  self->values[index - 1] = value;
  self->types[index - 1] = type;
}

static void
pg_bind_text (DozorDbStmt *stmt,
              int          index,
              const char  *value,
              gsize        length)
{
  bind (stmt, index, OID_TEXT, g_strndup (value, length));
}

static void
pg_bind_int64 (DozorDbStmt *stmt,
               int          index,
               gint64       value)
{
  bind (stmt, index, OID_INT8, g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

static void
pg_bind_double (DozorDbStmt *stmt,
                int          index,
                double       value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  bind (stmt, index, OID_FLOAT8, g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value)));
}

static void
pg_bind_null (DozorDbStmt *stmt,
              int          index)
{
  bind (stmt, index, 0, NULL);
}

static int
pg_bind_parameter_count (DozorDbStmt *stmt)
{
  return pg_stmt (stmt)->n_params;
}

static PGresult *
execute (PgStmt  *self,
         PgDb    *db,
         GError **error)
{
  GError *local_error = NULL;
  PGresult *result;

  result = dozor_pg_query_typed (db->pg, self->sql, self->n_params, self->types,
                                 (const char *const *) self->values, &local_error);

  /* 42P18: a NULL whose use does not tell its type either
   * (`json_build_object('k', $1)`): SQLite has no such question; NULL
   * is then a text's NULL. Outside a transaction only: inside, the
   * failed statement has already failed the transaction. */
  if (result == NULL && g_str_equal (dozor_pg_get_sqlstate (db->pg), "42P18") &&
      !dozor_pg_in_transaction (db->pg))
    {
      g_autofree Oid *types = g_memdup2 (self->types, sizeof (Oid) * MAX (self->n_params, 1));

      for (int i = 0; i < self->n_params; i++)
        if (types[i] == 0)
          types[i] = OID_TEXT;
      g_clear_error (&local_error);
      result = dozor_pg_query_typed (db->pg, self->sql, self->n_params, types,
                                     (const char *const *) self->values, &local_error);
    }

  if (result == NULL)
    take_error (db, local_error, error);
  return result;
}

static DozorDbStep
pg_step (DozorDbStmt  *stmt,
         GError      **error)
{
  PgStmt *self = pg_stmt (stmt);
  PgDb *db = pg_db (stmt->db);

  /* After the last row, the next step runs the statement again, as
   * SQLite's step does after SQLITE_DONE. */
  if (self->result == NULL)
    {
      const char *tuples;

      clear_error (db);
      self->result = execute (self, db, error);
      if (self->result == NULL)
        return DOZOR_DB_FAILED;

      tuples = PQcmdTuples (self->result);
      if (*tuples != '\0' && PQresultStatus (self->result) == PGRES_COMMAND_OK)
        db->changes = g_ascii_strtoll (tuples, NULL, 10);
      else if (*tuples != '\0' && PQnfields (self->result) > 0 &&
               !g_str_has_prefix (PQcmdStatus (self->result), "SELECT"))
        /* INSERT … RETURNING and the like. */
        db->changes = g_ascii_strtoll (tuples, NULL, 10);
      self->row = -1;
    }

  clear_compact (self);
  self->row++;
  if (self->row < PQntuples (self->result))
    return DOZOR_DB_ROW;

  g_clear_pointer (&self->result, PQclear);
  self->row = -1;
  return DOZOR_DB_DONE;
}

static gboolean
has_value (PgStmt *self,
           int     column)
{
  return self->result != NULL && self->row >= 0 && self->row < PQntuples (self->result) &&
         column >= 0 && column < PQnfields (self->result) &&
         !PQgetisnull (self->result, self->row, column);
}

static int
pg_column_count (DozorDbStmt *stmt)
{
  PgStmt *self = pg_stmt (stmt);

  return self->result != NULL ? PQnfields (self->result) : 0;
}

static gboolean
pg_column_is_null (DozorDbStmt *stmt,
                   int          column)
{
  return !has_value (pg_stmt (stmt), column);
}

static const char *
pg_column_text (DozorDbStmt *stmt,
                int          column)
{
  PgStmt *self = pg_stmt (stmt);
  const char *text;
  Oid type;

  if (!has_value (self, column))
    return NULL;

  text = PQgetvalue (self->result, self->row, column);
  type = PQftype (self->result, column);
  /* A comparison is a boolean here and 0 or 1 in SQLite, which the store
   * reads as a number or a text. */
  if (type == OID_BOOL)
    return text[0] == 't' ? "1" : "0";
  /* The entities the store builds in SQL reach boards byte for byte:
   * the same bytes whichever store wrote them (docs/postgresql.md). */
  if (type == OID_JSON)
    {
      if (self->n_compact < PQnfields (self->result))
        {
          clear_compact (self);
          self->n_compact = PQnfields (self->result);
          self->compact = g_renew (char *, self->compact, self->n_compact);
          memset (self->compact, 0, sizeof (char *) * self->n_compact);
        }
      if (self->compact[column] == NULL)
        self->compact[column] = compact_json (text, PQgetlength (self->result, self->row, column));
      return self->compact[column];
    }
  return text;
}

static gsize
pg_column_bytes (DozorDbStmt *stmt,
                 int          column)
{
  const char *text = pg_column_text (stmt, column);

  if (text == NULL)
    return 0;
  if (PQftype (pg_stmt (stmt)->result, column) == OID_BOOL)
    return 1;
  if (PQftype (pg_stmt (stmt)->result, column) == OID_JSON)
    return strlen (text);
  return PQgetlength (pg_stmt (stmt)->result, pg_stmt (stmt)->row, column);
}

static gint64
pg_column_int64 (DozorDbStmt *stmt,
                 int          column)
{
  const char *text = pg_column_text (stmt, column);

  /* As SQLite: NULL is 0, and a fraction is cut off. */
  if (text == NULL)
    return 0;
  if (strpbrk (text, ".eE") != NULL)
    return (gint64) g_ascii_strtod (text, NULL);
  return g_ascii_strtoll (text, NULL, 10);
}

static double
pg_column_double (DozorDbStmt *stmt,
                  int          column)
{
  const char *text = pg_column_text (stmt, column);

  return text != NULL ? g_ascii_strtod (text, NULL) : 0.0;
}

static void
pg_set_reconnect_in_background (DozorDb  *db,
                                gboolean  background)
{
  dozor_pg_set_reconnect_in_background (pg_db (db)->pg, background);
}

static const DozorDbBackend pg_backend = {
  .kind = DOZOR_DB_POSTGRES,
  .exec = pg_exec,
  .begin_write = pg_begin_write,
  .begin_read = pg_begin_read,
  .commit = pg_commit,
  .rollback = pg_rollback,
  .in_transaction = pg_in_transaction,
  .changes = pg_changes,
  .errmsg = pg_errmsg,
  .set_error = pg_set_error,
  .close = pg_close,
  .prepare = pg_prepare,
  .stmt_free = pg_stmt_free,
  .bind_text = pg_bind_text,
  .bind_int64 = pg_bind_int64,
  .bind_double = pg_bind_double,
  .bind_null = pg_bind_null,
  .bind_parameter_count = pg_bind_parameter_count,
  .clear_bindings = pg_clear_bindings,
  .step = pg_step,
  .reset = pg_reset,
  .column_count = pg_column_count,
  .column_is_null = pg_column_is_null,
  .column_text = pg_column_text,
  .column_bytes = pg_column_bytes,
  .column_int64 = pg_column_int64,
  .column_double = pg_column_double,
  .set_reconnect_in_background = pg_set_reconnect_in_background,
};

/**
 * dozor_db_pg_open:
 * @target: a `postgresql://` URI or a conninfo string
 * @mode: the store's own connection, which brings the schema up to date,
 *   or a reader's, whose every session is read-only
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
DozorDb *
dozor_db_pg_open (const char       *target,
                  DozorDbOpenMode   mode,
                  GError          **error)
{
  g_autoptr(DozorPg) pg = NULL;
  GError *local_error = NULL;
  PgDb *self;

  /* A setting of the session, so that it holds again after a
   * reconnection; a reader that tried to write would be refused. */
  pg = dozor_pg_new_with_options (target,
                                  mode == DOZOR_DB_OPEN_READ_ONLY ? "-c default_transaction_read_only=on" : NULL,
                                  &local_error);
  if (pg != NULL && mode == DOZOR_DB_OPEN_READ_WRITE)
    {
      guint n_migrations;
      const DozorPgMigration *migrations = dozor_pg_schema_get_migrations (&n_migrations);

      if (!dozor_pg_migrate (pg, migrations, n_migrations, NULL, &local_error))
        g_clear_object (&pg);
    }

  if (pg == NULL)
    {
      /* The message never holds the target: it may hold a password. */
      int code = local_error->domain == DOZOR_PG_ERROR && local_error->code == DOZOR_PG_ERROR_SCHEMA_TOO_NEW
                   ? DOZOR_DB_ERROR_SCHEMA_TOO_NEW
                 : local_error->domain == DOZOR_PG_ERROR && local_error->code == DOZOR_PG_ERROR_FAILED
                   ? DOZOR_DB_ERROR_FAILED
                   : DOZOR_DB_ERROR_UNAVAILABLE;

      g_set_error_literal (error, DOZOR_DB_ERROR, code, local_error->message);
      g_error_free (local_error);
      return NULL;
    }

  self = g_new0 (PgDb, 1);
  self->parent.backend = &pg_backend;
  self->parent.target = g_strdup (target);
  self->pg = g_steal_pointer (&pg);
  self->read_only = mode == DOZOR_DB_OPEN_READ_ONLY;
  self->begin_seq = -1;
  self->error_code = DOZOR_DB_ERROR_FAILED;
  return &self->parent;
}
