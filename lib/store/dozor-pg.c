/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One connection to PostgreSQL through libpq, for the store on a database
 * server (issue 19; docs/postgresql.md).
 *
 * Values only ever travel as parameters: every statement goes through the
 * extended protocol (PQprepare/PQexecParams), which also refuses two
 * statements in one string, so no text from outside can become SQL.
 * Statements used again and again are prepared once per connection.
 *
 * Errors become GErrors whose code tells a caller what it can do: a lost
 * connection (answer 503, the next call connects again by itself), a
 * serialization failure (try the transaction again), a unique violation
 * (the row exists: an idempotency key seen before, a unit already sent).
 * A connection lost inside a transaction keeps failing every call until
 * the caller rolls back: reconnecting silently there would run the rest
 * of the command outside its transaction.
 *
 * Not thread-safe: one DozorPg per thread.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "dozor-pg.h"
#include "dozor-pg-connector.h"

/* The key of the session advisory lock that lets one process at a time
 * migrate the schema ("dozormig" in ASCII). */
#define MIGRATION_LOCK "7237128455802283879"

/* A target that names no timeout of its own waits this long for a
 * server: libpq's default is to wait for ever. */
#define CONNECT_TIMEOUT "10"

/* For an owner that must not wait (dozord's main loop, reconnecting in
 * the background): how long a statement waits for the server's answer
 * before its connection is given up as lost. A server that stops
 * answering on an established connection (a host that drops packets, a
 * hung backend) would otherwise hold the caller until the kernel's TCP
 * timeouts, or for ever when the kernel still acknowledges. The store's
 * statements take milliseconds; reports and history read in workers on
 * connections of their own, without this bound. */
#define ANSWER_TIMEOUT_MS 10000

/* A target that names none of its own notices a peer gone silent: data
 * unacknowledged for 10 s ends the connection (tcp_user_timeout), and an
 * idle one (a reader waiting for notifications) is probed after 10 s, 3
 * times 5 s apart. libpq's defaults are the kernel's: about 15 minutes of
 * retransmissions, and no probes at all. Ignored on a Unix socket. */
#define TCP_USER_TIMEOUT "10000"
#define KEEPALIVES_IDLE "10"
#define KEEPALIVES_INTERVAL "5"
#define KEEPALIVES_COUNT "3"

struct _DozorPg
{
  GObject parent_instance;

  char *target;
  PGconn *conn;
  /* SQL text → name of the statement prepared on this connection. */
  GHashTable *prepared;
  guint next_statement;
  /* Counts connections made: a reader re-issues LISTEN when it changes. */
  guint generation;
  /* The server said the session ended, whatever PQstatus still says. */
  gboolean broken;

  gboolean in_transaction;
  /* The transaction can only be rolled back: a statement in it failed, or
   * the connection was lost under it. */
  gboolean transaction_failed;
  gboolean transaction_lost;

  /* Server settings given at connection, after "-c jit=off"; NULL for none. */
  char *options;
  /* "primary" where the target asks for "read-write" and the options make
   * every session read-only; NULL to keep the target's. */
  char *session_attrs;
  /* The SQLSTATE of the last error the server sent, "" for none. */
  char sqlstate[6];
  /* Ends a wait for notifications early (a reader told to stop). */
  GCancellable *cancellable;
  /* Makes the connection again in a thread, for an owner that must not
   * wait (dozor_pg_set_reconnect_in_background()); NULL: the call that
   * finds it lost connects again itself. */
  DozorPgConnector *connector;
};

G_DEFINE_FINAL_TYPE (DozorPg, dozor_pg, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-pg-error-quark, dozor_pg_error)

static void
dozor_pg_finalize (GObject *object)
{
  DozorPg *self = (DozorPg *)object;

  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->prepared, g_hash_table_unref);
  g_clear_pointer (&self->target, g_free);
  g_clear_pointer (&self->options, g_free);
  g_clear_pointer (&self->session_attrs, g_free);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->connector, dozor_pg_connector_free);

  G_OBJECT_CLASS (dozor_pg_parent_class)->finalize (object);
}

static void
dozor_pg_class_init (DozorPgClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_pg_finalize;
}

static void
dozor_pg_init (DozorPg *self)
{
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * dozor_pg_is_target:
 * @target: what `--db` was given
 *
 * Returns: whether @target names a PostgreSQL database: a `postgresql://`
 *   or `postgres://` URI, or a conninfo string (`host=… dbname=…`). A
 *   SQLite file whose name reads as a conninfo must be given with a
 *   directory (`./dbname=x`).
 */
gboolean
dozor_pg_is_target (const char *target)
{
  PQconninfoOption *options;
  char *message = NULL;

  if (target == NULL)
    return FALSE;
  if (g_str_has_prefix (target, "postgresql://") || g_str_has_prefix (target, "postgres://"))
    return TRUE;
  if (strchr (target, '=') == NULL)
    return FALSE;

  options = PQconninfoParse (target, &message);
  PQfreemem (message);
  if (options == NULL)
    return FALSE;
  PQconninfoFree (options);
  return TRUE;
}

/* Whether the target's target_session_attrs is "read-write". */
static gboolean
target_asks_read_write (const char *target)
{
  PQconninfoOption *options = PQconninfoParse (target, NULL);
  gboolean read_write = FALSE;

  for (PQconninfoOption *option = options; option != NULL && option->keyword != NULL; option++)
    if (g_str_equal (option->keyword, "target_session_attrs"))
      read_write = g_strcmp0 (option->val, "read-write") == 0;
  PQconninfoFree (options);
  return read_write;
}

/* libpq's messages end with a newline, sometimes two lines. */
static char *
tidy (const char *message)
{
  char *text = g_strdup (message != NULL && *message != '\0' ? message : "?");

  char *out = text;

  /* One line, single spaces: it goes into logs and 503 answers. */
  g_strdelimit (text, "\n\t", ' ');
  for (const char *in = text; *in != '\0'; in++)
    if (*in != ' ' || (out > text && out[-1] != ' '))
      *out++ = *in;
  *out = '\0';
  return g_strchomp (text);
}

static gboolean
connection_is_gone (const char *sqlstate)
{
  /* Class 08 is connection exceptions; 57P01–57P03 are the server ending
   * the session (pg_terminate_backend, shutdown, crash recovery). */
  return sqlstate != NULL &&
         (g_str_has_prefix (sqlstate, "08") || g_str_equal (sqlstate, "57P01") ||
          g_str_equal (sqlstate, "57P02") || g_str_equal (sqlstate, "57P03"));
}

static void
lose_connection (DozorPg *self)
{
  /* Statements prepared on the old connection do not exist on the next. */
  g_hash_table_remove_all (self->prepared);
  self->broken = TRUE;
  if (self->in_transaction)
    self->transaction_lost = TRUE;
  /* At once rather than at the next call: when PostgreSQL answers, the
   * connection is ready before the next request comes. */
  if (self->connector != NULL)
    dozor_pg_connector_start (self->connector);
}

/* Turns a failed result (or none) into a GError. */
static void
set_error (DozorPg     *self,
           PGresult    *result,
           GError     **error)
{
  const char *sqlstate = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  g_autofree char *text = tidy (primary != NULL ? primary : PQerrorMessage (self->conn));
  g_autofree char *detail = NULL;

  g_strlcpy (self->sqlstate, sqlstate != NULL ? sqlstate : "", sizeof self->sqlstate);
  detail = sqlstate != NULL ? g_strdup_printf ("%s (SQLSTATE %s)", text, sqlstate)
                                             : g_steal_pointer (&text);

  if (PQstatus (self->conn) != CONNECTION_OK || connection_is_gone (sqlstate))
    {
      lose_connection (self);
      g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST,
                   _("Connection to PostgreSQL lost: %s"), detail);
      return;
    }

  if (self->in_transaction)
    self->transaction_failed = TRUE;

  if (g_strcmp0 (sqlstate, "40001") == 0 || g_strcmp0 (sqlstate, "40P01") == 0)
    g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_SERIALIZATION, detail);
  else if (g_strcmp0 (sqlstate, "23505") == 0)
    g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNIQUE_VIOLATION, detail);
  else
    g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_FAILED, detail);
}

/* libpq prints the server's notices and asynchronous messages on standard
 * error by default; they are the caller's business, through its errors. */
static void
notice (void       *data,
        const char *message)
{
  g_debug ("PostgreSQL: %s", message);
}

/* Before "dbname", which the target expands into: its own settings win.
 * After it, "target_session_attrs" overrides the target's own. */
static const char *const connection_keywords[] = { "connect_timeout", "tcp_user_timeout", "keepalives_idle",
                                                   "keepalives_interval", "keepalives_count", "client_encoding",
                                                   "application_name", "options", "dbname",
                                                   "target_session_attrs", NULL };

/* The values of connection_keywords; @options from session_options(). */
static void
connection_values (DozorPg     *self,
                   const char  *options,
                   const char **values)
{
  values[0] = CONNECT_TIMEOUT;
  values[1] = TCP_USER_TIMEOUT;
  values[2] = KEEPALIVES_IDLE;
  values[3] = KEEPALIVES_INTERVAL;
  values[4] = KEEPALIVES_COUNT;
  values[5] = "UTF8";
  values[6] = "dozor";
  values[7] = options;
  values[8] = self->target;
  values[9] = self->session_attrs;
  values[10] = NULL;
}

/* No JIT: the store's statements are short, and compiling the plan of
 * the event log's one-statement commit took PostgreSQL 15 about 100 ms
 * of CPU on every execution (perf showed libLLVM), which dropped the log
 * from hundreds of commits a second to a few. */
static char *
session_options (DozorPg *self)
{
  return g_strconcat ("-c jit=off", self->options != NULL ? " " : "", self->options, NULL);
}

/* Makes @conn this object's connection, or says why it is none. */
static gboolean
adopt (DozorPg  *self,
       PGconn   *conn,
       GError  **error)
{
  g_clear_pointer (&self->conn, PQfinish);
  g_hash_table_remove_all (self->prepared);
  self->conn = conn;
  self->broken = FALSE;
  self->sqlstate[0] = '\0';
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *text = tidy (PQerrorMessage (self->conn));

      g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNAVAILABLE,
                   _("Could not connect to PostgreSQL: %s"), text);
      return FALSE;
    }

  PQsetNoticeProcessor (self->conn, notice, NULL);
  self->generation++;
  return TRUE;
}

static gboolean
connect_now (DozorPg  *self,
             GError  **error)
{
  g_autofree char *options = session_options (self);
  const char *values[G_N_ELEMENTS (connection_keywords)];

  connection_values (self, options, values);
  return adopt (self, PQconnectdbParams (connection_keywords, values, 1), error);
}

/* The connection the connector made meanwhile, or at once an error: the
 * owner (dozord's main loop) answers 503 rather than waiting. */
static gboolean
take_made_connection (DozorPg  *self,
                      GError  **error)
{
  g_autofree char *failure = NULL;
  PGconn *made = dozor_pg_connector_take (self->connector, &failure);

  if (made != NULL)
    return adopt (self, made, error);

  dozor_pg_connector_start (self->connector);
  if (failure != NULL)
    {
      g_autofree char *text = tidy (failure);

      g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNAVAILABLE,
                   _("Could not connect to PostgreSQL: %s"), text);
    }
  else
    g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_UNAVAILABLE,
                         _("Connecting to PostgreSQL again: no connection yet"));
  return FALSE;
}

/**
 * dozor_pg_new:
 * @target: a `postgresql://` URI or a conninfo string
 * @error: return location for a #GError
 *
 * Connects at once, so that a wrong address is said at start.
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
DozorPg *
dozor_pg_new (const char  *target,
              GError     **error)
{
  return dozor_pg_new_with_options (target, NULL, error);
}

/**
 * dozor_pg_new_with_options:
 * @target: a `postgresql://` URI or a conninfo string
 * @options: (nullable): server settings for every session of this
 *   connection, as `-c name=value …`: they hold again after a reconnection,
 *   where a SET would be lost
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the connection, or %NULL with @error set
 */
DozorPg *
dozor_pg_new_with_options (const char  *target,
                           const char  *options,
                           GError     **error)
{
  g_autoptr(DozorPg) self = NULL;

  if (!dozor_pg_is_target (target))
    {
      g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_INVALID_TARGET,
                   _("Not a PostgreSQL connection URI or conninfo: %s"), target != NULL ? target : "");
      return NULL;
    }

  self = g_object_new (DOZOR_TYPE_PG, NULL);
  self->target = g_strdup (target);
  self->options = g_strdup (options);
  /* A reader of a multi-host target (docs/operations-postgresql.md)
   * wants the primary as a writer does, but libpq's read-write check
   * asks the session whether it may write, and a reader's says no on
   * every host: "primary" picks the same server by its role. */
  if (options != NULL && strstr (options, "default_transaction_read_only=on") != NULL &&
      target_asks_read_write (target))
    self->session_attrs = g_strdup ("primary");
  if (!connect_now (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

static gboolean
refuse_in_failed_transaction (DozorPg  *self,
                              GError  **error)
{
  if (self->transaction_lost)
    {
      g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST,
                           _("The connection to PostgreSQL was lost in this transaction: roll it back"));
      return TRUE;
    }

  return FALSE;
}

/**
 * dozor_pg_ensure_connected:
 * @self: a #DozorPg
 * @error: return location for a #GError
 *
 * Connects again if the connection was lost, outside a transaction only.
 * Every call does this first; a reader waiting for notifications calls it
 * before it waits.
 *
 * Returns: whether there is a connection
 */
gboolean
dozor_pg_ensure_connected (DozorPg  *self,
                           GError  **error)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), FALSE);

  if (refuse_in_failed_transaction (self, error))
    return FALSE;
  if (PQstatus (self->conn) == CONNECTION_OK && !self->broken)
    return TRUE;
  if (self->connector != NULL)
    return take_made_connection (self, error);

  return connect_now (self, error);
}

/**
 * dozor_pg_set_reconnect_in_background:
 * @self: a #DozorPg
 * @background: whether a lost connection is made again in a thread
 *
 * For an owner that must never wait for PostgreSQL (dozord's main loop).
 * When the connection is lost, a thread tries to make it again until it
 * can; meanwhile every call fails at once with
 * %DOZOR_PG_ERROR_UNAVAILABLE, and the first call after it succeeded
 * takes the new connection. Without it, the call that finds the
 * connection lost connects again itself, waiting up to connect_timeout.
 */
void
dozor_pg_set_reconnect_in_background (DozorPg  *self,
                                      gboolean  background)
{
  g_return_if_fail (DOZOR_IS_PG (self));

  if (background && self->connector == NULL)
    {
      g_autofree char *options = session_options (self);
      const char *values[G_N_ELEMENTS (connection_keywords)];

      connection_values (self, options, values);
      self->connector = dozor_pg_connector_new (connection_keywords, values);
      if (self->broken || PQstatus (self->conn) != CONNECTION_OK)
        dozor_pg_connector_start (self->connector);
    }
  else if (!background)
    g_clear_pointer (&self->connector, dozor_pg_connector_free);
}

/**
 * dozor_pg_get_backend_pid:
 * @self: a #DozorPg
 *
 * Returns: the server process of this connection (for pg_terminate_backend)
 */
int
dozor_pg_get_backend_pid (DozorPg *self)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), 0);

  return PQbackendPID (self->conn);
}

/**
 * dozor_pg_get_generation:
 * @self: a #DozorPg
 *
 * Returns: how many connections were made so far: a session setting
 *   (LISTEN) must be made again when it changes
 */
guint
dozor_pg_get_generation (DozorPg *self)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), 0);

  return self->generation;
}

/* The key of a prepared statement: its SQL, and the types it was
 * prepared with, since one SQL text bound once with a text and once with
 * a number is two statements to the server. */
static char *
prepared_key (const char *sql,
              int         n_params,
              const Oid  *types)
{
  GString *key = g_string_new (NULL);

  for (int i = 0; types != NULL && i < n_params; i++)
    g_string_append_printf (key, "%u,", types[i]);
  g_string_append_c (key, '|');
  g_string_append (key, sql);
  return g_string_free (key, FALSE);
}

/* Takes the answer to what was just sent (@sent: whether libpq sent it)
 * into @answer, as PQexec() gives it: the last result, or the first
 * error; NULL if the connection failed. For an owner that reconnects in
 * the background it waits at most ANSWER_TIMEOUT_MS, then drops the
 * connection (made again in a thread by lose_connection()) and returns
 * FALSE with @error set. */
static gboolean
await_answer (DozorPg    *self,
              gboolean    sent,
              PGresult  **answer,
              GError    **error)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ANSWER_TIMEOUT_MS * 1000;
  PGresult *result;

  *answer = NULL;
  while (sent)
    {
      while (self->connector != NULL && PQisBusy (self->conn))
        {
          struct pollfd pfd = { PQsocket (self->conn), POLLIN, 0 };
          gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
          int ready = left > 0 ? poll (&pfd, 1, (int) MIN (left, G_MAXINT)) : 0;

          if (ready == 0)
            {
              g_clear_pointer (answer, PQclear);
              /* Closed now: the statement may still run when the server
               * wakes, but nothing more of this session is read, and a
               * transaction it was in is rolled back with it. */
              g_clear_pointer (&self->conn, PQfinish);
              lose_connection (self);
              g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST,
                           _("Connection to PostgreSQL lost: no answer within %d s"), ANSWER_TIMEOUT_MS / 1000);
              return FALSE;
            }
          if ((ready < 0 && errno != EINTR) || (ready > 0 && !PQconsumeInput (self->conn)))
            break; /* PQgetResult() reports the connection's failure */
        }

      result = PQgetResult (self->conn);
      if (result == NULL)
        break;
      if (*answer != NULL && PQresultStatus (*answer) == PGRES_FATAL_ERROR)
        PQclear (result);
      else
        {
          PQclear (*answer);
          *answer = result;
        }
      if (PQstatus (self->conn) == CONNECTION_BAD)
        break;
    }
  return TRUE;
}

static PGresult *
run_typed (DozorPg           *self,
           const char        *sql,
           int                n_params,
           const Oid         *types,
           const char *const *params,
           gboolean           keep_prepared,
           GError           **error)
{
  g_autoptr(PGresult) result = NULL;
  const char *name;
  ExecStatusType status;

  if (!dozor_pg_ensure_connected (self, error))
    return NULL;

  self->sqlstate[0] = '\0';
  if (!keep_prepared)
    {
      if (!await_answer (self, PQsendQueryParams (self->conn, sql, n_params, types, params, NULL, NULL, 0),
                         &result, error))
        return NULL;
    }
  else
    {
      g_autofree char *key = prepared_key (sql, n_params, types);

      name = g_hash_table_lookup (self->prepared, key);
      if (name == NULL)
        {
          g_autofree char *new_name = g_strdup_printf ("dozor_%u", self->next_statement++);
          g_autoptr(PGresult) prepared = NULL;

          if (!await_answer (self, PQsendPrepare (self->conn, new_name, sql, n_params, types), &prepared, error))
            return NULL;
          if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
            {
              set_error (self, prepared, error);
              return NULL;
            }
          name = new_name;
          g_hash_table_insert (self->prepared, g_steal_pointer (&key), g_steal_pointer (&new_name));
        }
      if (!await_answer (self, PQsendQueryPrepared (self->conn, name, n_params, params, NULL, NULL, 0), &result,
                         error))
        return NULL;
    }

  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      set_error (self, result, error);
      return NULL;
    }

  return g_steal_pointer (&result);
}

static PGresult *
run (DozorPg           *self,
     const char        *sql,
     int                n_params,
     const char *const *params,
     gboolean           keep_prepared,
     GError           **error)
{
  return run_typed (self, sql, n_params, NULL, params, keep_prepared, error);
}

/**
 * dozor_pg_query_typed:
 * @self: a #DozorPg
 * @sql: one statement with `$1`…; prepared once per connection and types
 * @n_params: how many values
 * @types: (array length=n_params) (nullable): each value's type OID, 0 to
 *   let the server infer it
 * @params: (array length=n_params) (nullable): the values as text
 * @error: return location for a #GError
 *
 * As dozor_pg_query(), with the values' types said, so that a value whose
 * use does not tell its type (`json_build_object('id', $1)`) has one.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
PGresult *
dozor_pg_query_typed (DozorPg           *self,
                      const char        *sql,
                      int                n_params,
                      const Oid         *types,
                      const char *const *params,
                      GError           **error)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), NULL);

  return run_typed (self, sql, n_params, types, params, TRUE, error);
}

/**
 * dozor_pg_exec_script:
 * @self: a #DozorPg
 * @sql: statements without parameters, separated by ';'
 * @error: return location for a #GError
 *
 * Through the simple protocol, the only one that takes several
 * statements: for the program's own SQL (schema, settings), never for
 * text from outside.
 *
 * Returns: whether every statement ran
 */
gboolean
dozor_pg_exec_script (DozorPg     *self,
                      const char  *sql,
                      GError     **error)
{
  g_autoptr(PGresult) result = NULL;
  ExecStatusType status;

  g_return_val_if_fail (DOZOR_IS_PG (self), FALSE);

  if (!dozor_pg_ensure_connected (self, error))
    return FALSE;

  self->sqlstate[0] = '\0';
  if (!await_answer (self, PQsendQuery (self->conn, sql), &result, error))
    return FALSE;
  status = PQresultStatus (result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
    {
      set_error (self, result, error);
      return FALSE;
    }

  return TRUE;
}

/**
 * dozor_pg_get_sqlstate:
 * @self: a #DozorPg
 *
 * Returns: the SQLSTATE of the last error the server sent in the last
 *   call, "" when it sent none (the connection was lost, or no error)
 */
const char *
dozor_pg_get_sqlstate (DozorPg *self)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), "");

  return self->sqlstate;
}

/**
 * dozor_pg_query:
 * @self: a #DozorPg
 * @sql: one statement with `$1`… for its values; prepared once per connection
 * @n_params: how many values
 * @params: (array length=n_params) (nullable): the values as text, %NULL for SQL NULL
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the result, with rows or none, or %NULL with
 *   @error set
 */
PGresult *
dozor_pg_query (DozorPg           *self,
                const char        *sql,
                int                n_params,
                const char *const *params,
                GError           **error)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), NULL);

  return run (self, sql, n_params, params, TRUE, error);
}

/**
 * dozor_pg_exec:
 * @self: a #DozorPg
 * @sql: one statement, as for dozor_pg_query()
 * @n_params: how many values
 * @params: (array length=n_params) (nullable): the values
 * @error: return location for a #GError
 *
 * Returns: whether the statement ran; its rows are dropped
 */
gboolean
dozor_pg_exec (DozorPg           *self,
               const char        *sql,
               int                n_params,
               const char *const *params,
               GError           **error)
{
  g_autoptr(PGresult) result = dozor_pg_query (self, sql, n_params, params, error);

  return result != NULL;
}

gboolean
dozor_pg_begin (DozorPg  *self,
                GError  **error)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!dozor_pg_exec (self, "BEGIN", 0, NULL, error))
    return FALSE;

  self->in_transaction = TRUE;
  self->transaction_failed = FALSE;
  self->transaction_lost = FALSE;
  return TRUE;
}

/**
 * dozor_pg_commit:
 * @self: a #DozorPg
 * @error: return location for a #GError
 *
 * A connection lost during COMMIT leaves unknown whether it was committed:
 * a command that must not run twice carries an idempotency key.
 *
 * Returns: whether the transaction was committed; if not, it was rolled back
 */
gboolean
dozor_pg_commit (DozorPg  *self,
                 GError  **error)
{
  g_autoptr(PGresult) result = NULL;

  g_return_val_if_fail (DOZOR_IS_PG (self), FALSE);
  g_return_val_if_fail (self->in_transaction, FALSE);

  /* PostgreSQL answers COMMIT of a failed transaction with a ROLLBACK and
   * no error: a caller that went on after a failure must hear of it. */
  if (self->transaction_failed)
    {
      dozor_pg_rollback (self);
      g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_FAILED,
                           _("A statement of the transaction had failed: it was rolled back"));
      return FALSE;
    }

  result = dozor_pg_query (self, "COMMIT", 0, NULL, error);
  if (result == NULL)
    {
      dozor_pg_rollback (self);
      return FALSE;
    }
  if (g_strcmp0 (PQcmdStatus (result), "COMMIT") != 0)
    {
      dozor_pg_rollback (self);
      g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_FAILED,
                           _("A statement of the transaction had failed: it was rolled back"));
      return FALSE;
    }

  self->in_transaction = FALSE;
  return TRUE;
}

/**
 * dozor_pg_rollback:
 * @self: a #DozorPg
 *
 * Ends the transaction, whatever state it is in; harmless outside one.
 */
void
dozor_pg_rollback (DozorPg *self)
{
  g_return_if_fail (DOZOR_IS_PG (self));

  if (self->in_transaction && !self->transaction_lost && PQstatus (self->conn) == CONNECTION_OK)
    {
      g_autoptr(PGresult) result = PQexecParams (self->conn, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0);

      if (PQstatus (self->conn) != CONNECTION_OK)
        lose_connection (self);
    }

  self->in_transaction = FALSE;
  self->transaction_failed = FALSE;
  self->transaction_lost = FALSE;
}

gboolean
dozor_pg_in_transaction (DozorPg *self)
{
  g_return_val_if_fail (DOZOR_IS_PG (self), FALSE);

  return self->in_transaction;
}

/**
 * dozor_pg_set_cancellable:
 * @self: a #DozorPg
 * @cancellable: (nullable): cancelled to end dozor_pg_wait_notification()
 *   at once, from another thread
 */
void
dozor_pg_set_cancellable (DozorPg      *self,
                          GCancellable *cancellable)
{
  g_return_if_fail (DOZOR_IS_PG (self));

  g_set_object (&self->cancellable, cancellable);
}

/**
 * dozor_pg_wait_notification:
 * @self: a #DozorPg that has LISTENed
 * @timeout_ms: how long to wait at most
 * @error: return location for a #GError
 *
 * Waits for NOTIFY on any channel this connection listens to, and takes
 * every notification that came.
 *
 * Returns: how many came (0 when the time ran out), or -1 with @error set
 *   (%G_IO_ERROR_CANCELLED when the cancellable of
 *   dozor_pg_set_cancellable() was cancelled)
 */
int
dozor_pg_wait_notification (DozorPg  *self,
                            int       timeout_ms,
                            GError  **error)
{
  struct pollfd pfd[2] = { { 0 } };
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int count = 0;
  int n_fds;
  GPollFD cancel_fd;

  g_return_val_if_fail (DOZOR_IS_PG (self), -1);
  g_return_val_if_fail (!self->in_transaction, -1);

  if (!dozor_pg_ensure_connected (self, error))
    return -1;

  for (;;)
    {
      PGnotify *notify;
      gint64 left;
      int ready;
      int saved;

      if (!PQconsumeInput (self->conn))
        {
          g_autofree char *text = tidy (PQerrorMessage (self->conn));

          lose_connection (self);
          g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST,
                       _("Connection to PostgreSQL lost: %s"), text);
          return -1;
        }
      while ((notify = PQnotifies (self->conn)) != NULL)
        {
          count++;
          PQfreemem (notify);
        }
      if (count > 0)
        return count;

      left = (deadline - g_get_monotonic_time ()) / 1000;
      if (left <= 0)
        return 0;

      if (g_cancellable_set_error_if_cancelled (self->cancellable, error))
        return -1;
      pfd[0].fd = PQsocket (self->conn);
      pfd[0].events = POLLIN;
      n_fds = 1;
      if (self->cancellable != NULL && g_cancellable_make_pollfd (self->cancellable, &cancel_fd))
        {
          pfd[1].fd = cancel_fd.fd;
          pfd[1].events = POLLIN;
          n_fds = 2;
        }
      ready = poll (pfd, n_fds, (int) MIN (left, G_MAXINT));
      saved = errno;
      if (n_fds == 2)
        g_cancellable_release_fd (self->cancellable);
      if (ready < 0 && saved != EINTR)
        {
          g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_CONNECTION_LOST,
                       _("Connection to PostgreSQL lost: %s"), g_strerror (saved));
          return -1;
        }
    }
}

/**
 * dozor_pg_schema_version:
 * @self: a #DozorPg
 * @error: return location for a #GError
 *
 * Returns: the newest migration applied, 0 for an empty database, or -1
 *   with @error set
 */
int
dozor_pg_schema_version (DozorPg  *self,
                         GError  **error)
{
  g_autoptr(PGresult) exists = NULL;
  g_autoptr(PGresult) result = NULL;

  exists = run (self, "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL, FALSE, error);
  if (exists == NULL)
    return -1;
  if (g_strcmp0 (PQgetvalue (exists, 0, 0), "t") != 0)
    return 0;

  result = run (self, "SELECT COALESCE(max(version), 0) FROM schema_migrations", 0, NULL, FALSE, error);
  if (result == NULL)
    return -1;

  return atoi (PQgetvalue (result, 0, 0));
}

static gboolean
apply (DozorPg                *self,
       const DozorPgMigration *migration,
       GError                **error)
{
  g_autofree char *version = g_strdup_printf ("%d", migration->version);
  const char *const params[] = { version, migration->name };

  if (!dozor_pg_begin (self, error))
    return FALSE;

  for (guint i = 0; migration->statements[i] != NULL; i++)
    {
      g_autoptr(PGresult) result = run (self, migration->statements[i], 0, NULL, FALSE, error);

      if (result == NULL)
        {
          g_prefix_error (error, "migration %d (%s): ", migration->version, migration->name);
          dozor_pg_rollback (self);
          return FALSE;
        }
    }

  /* The primary key refuses the same version twice, should two programs
   * not share the lock below. */
  {
    g_autoptr(PGresult) result = run (self, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                      2, params, FALSE, error);

    if (result == NULL)
      {
        dozor_pg_rollback (self);
        return FALSE;
      }
  }

  return dozor_pg_commit (self, error);
}

static gboolean
migrate_locked (DozorPg                *self,
                const DozorPgMigration *migrations,
                guint                   n_migrations,
                guint                  *applied,
                GError                **error)
{
  int current;
  int known = n_migrations > 0 ? migrations[n_migrations - 1].version : 0;
  g_autoptr(PGresult) created =
    run (self, "CREATE TABLE IF NOT EXISTS schema_migrations ("
               " version integer PRIMARY KEY, name text NOT NULL,"
               " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL, FALSE, error);

  if (created == NULL)
    return FALSE;

  current = dozor_pg_schema_version (self, error);
  if (current < 0)
    return FALSE;
  if (current > known)
    {
      g_set_error (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_SCHEMA_TOO_NEW,
                   _("The database's schema is at version %d, newer than version %d that this program knows: "
                     "use a newer program"),
                   current, known);
      return FALSE;
    }

  for (guint i = 0; i < n_migrations; i++)
    {
      if (migrations[i].version <= current)
        continue;
      if (!apply (self, &migrations[i], error))
        return FALSE;
      if (applied != NULL)
        (*applied)++;
    }

  return TRUE;
}

/**
 * dozor_pg_migrate:
 * @self: a #DozorPg
 * @migrations: (array length=n_migrations): every migration the program
 *   knows, versions 1, 2, 3… in order
 * @n_migrations: how many
 * @applied: (out) (optional): how many this call applied
 * @error: return location for a #GError
 *
 * Brings the schema up to date: each migration not yet in
 * `schema_migrations` runs in a transaction of its own, with its row
 * there. One process at a time (a session advisory lock), so that several
 * instances starting together apply each migration once. A schema newer
 * than @migrations is refused (%DOZOR_PG_ERROR_SCHEMA_TOO_NEW) and left
 * untouched.
 *
 * Returns: whether the schema is now the newest @migrations knows
 */
gboolean
dozor_pg_migrate (DozorPg                *self,
                  const DozorPgMigration *migrations,
                  guint                   n_migrations,
                  guint                  *applied,
                  GError                **error)
{
  g_autoptr(PGresult) locked = NULL;
  g_autoptr(PGresult) unlocked = NULL;
  gboolean ok;

  g_return_val_if_fail (DOZOR_IS_PG (self), FALSE);
  g_return_val_if_fail (!self->in_transaction, FALSE);
  for (guint i = 0; i < n_migrations; i++)
    g_return_val_if_fail (migrations[i].version == (int) i + 1, FALSE);

  if (applied != NULL)
    *applied = 0;

  locked = run (self, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")", 0, NULL, FALSE, error);
  if (locked == NULL)
    return FALSE;

  ok = migrate_locked (self, migrations, n_migrations, applied, error);

  /* A lost connection took the lock with it. */
  if (PQstatus (self->conn) == CONNECTION_OK)
    unlocked = PQexecParams (self->conn, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")",
                             0, NULL, NULL, NULL, NULL, 0);
  return ok;
}
