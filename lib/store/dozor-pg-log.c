/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The event log on PostgreSQL: the source of truth that every dozord
 * instance writes to and every instance's boards read from.
 *
 * A command's events are kept in memory until it commits; then, as the
 * last statements of its transaction, the commit takes its seqs, writes
 * the events and NOTIFYs. Taking the seqs last keeps the lock that orders
 * commits (the counter row's) held for the shortest time: a few
 * statements, not the whole command. Whoever holds it commits before the
 * next one can take a seq, so commit order is seq order and a reader that
 * sees seq N sees every seq below it. A transaction that rolls back,
 * after taking its seqs or before, gives them back with it: no gap.
 *
 * NOTIFY is only a wake-up (it can be missed: a reader that reconnects
 * listens again and reads what it missed from the table). Readers read
 * `seq > last ORDER BY seq` and nothing else.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "dozor-pg-log.h"
#include "dozor-pg-schema.h"

/* The advisory lock key of DOZOR_PG_SEQ_ADVISORY ("dozorseq"). */
#define SEQ_LOCK "7237128455802283377"

#define TIME_SQL "to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

typedef struct
{
  char *type;
  char *member;
  char *entity;
} Pending;

struct _DozorPgLog
{
  GObject parent_instance;

  DozorPg *pg;
  DozorPgSeqMethod method;
  GArray *pending; /* Pending */
  /* The connection generation LISTEN was issued on; 0 when not listening. */
  guint listening;
};

G_DEFINE_FINAL_TYPE (DozorPgLog, dozor_pg_log, G_TYPE_OBJECT)

void
dozor_pg_event_free (DozorPgEvent *event)
{
  g_free (event->data);
  g_free (event);
}

static void
pending_clear (gpointer data)
{
  Pending *pending = data;

  g_free (pending->type);
  g_free (pending->member);
  g_free (pending->entity);
}

static void
dozor_pg_log_finalize (GObject *object)
{
  DozorPgLog *self = (DozorPgLog *)object;

  g_clear_object (&self->pg);
  g_clear_pointer (&self->pending, g_array_unref);

  G_OBJECT_CLASS (dozor_pg_log_parent_class)->finalize (object);
}

static void
dozor_pg_log_class_init (DozorPgLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_pg_log_finalize;
}

static void
dozor_pg_log_init (DozorPgLog *self)
{
  self->pending = g_array_new (FALSE, TRUE, sizeof (Pending));
  g_array_set_clear_func (self->pending, pending_clear);
}

/**
 * dozor_pg_log_new:
 * @pg: a connection whose schema is migrated
 *
 * Returns: (transfer full): the event log over @pg; commands run their own
 *   statements on the same connection, in the log's transaction
 */
DozorPgLog *
dozor_pg_log_new (DozorPg *pg)
{
  DozorPgLog *self = g_object_new (DOZOR_TYPE_PG_LOG, NULL);

  self->pg = g_object_ref (pg);
  return self;
}

/**
 * dozor_pg_log_get_connection:
 * @self: a #DozorPgLog
 *
 * Returns: (transfer none): the connection the log's transactions run on
 */
DozorPg *
dozor_pg_log_get_connection (DozorPgLog *self)
{
  g_return_val_if_fail (DOZOR_IS_PG_LOG (self), NULL);

  return self->pg;
}

void
dozor_pg_log_set_seq_method (DozorPgLog       *self,
                             DozorPgSeqMethod  method)
{
  g_return_if_fail (DOZOR_IS_PG_LOG (self));

  self->method = method;
}

gboolean
dozor_pg_log_begin (DozorPgLog  *self,
                    GError     **error)
{
  g_return_val_if_fail (DOZOR_IS_PG_LOG (self), FALSE);

  g_array_set_size (self->pending, 0);
  return dozor_pg_begin (self->pg, error);
}

static gboolean
is_name (const char *text)
{
  if (text == NULL || *text == '\0')
    return FALSE;
  for (const char *c = text; *c != '\0'; c++)
    if (!g_ascii_islower (*c) && *c != '.' && *c != '_')
      return FALSE;
  return TRUE;
}

/**
 * dozor_pg_log_append:
 * @self: a #DozorPgLog in a transaction
 * @type: the event's type (`unit.updated`)
 * @member: the member that holds the entity (`unit`)
 * @entity_json: the entity as JSON text
 *
 * Queues an event; dozor_pg_log_commit() gives it its seq and writes it.
 */
void
dozor_pg_log_append (DozorPgLog *self,
                     const char *type,
                     const char *member,
                     const char *entity_json)
{
  Pending pending;

  g_return_if_fail (DOZOR_IS_PG_LOG (self));
  g_return_if_fail (dozor_pg_in_transaction (self->pg));
  /* The program's own words, never text from outside. */
  g_return_if_fail (is_name (type));
  g_return_if_fail (is_name (member));
  g_return_if_fail (entity_json != NULL);

  pending.type = g_strdup (type);
  pending.member = g_strdup (member);
  pending.entity = g_strdup (entity_json);
  g_array_append_val (self->pending, pending);
}

/**
 * dozor_pg_log_keep_answer:
 * @self: a #DozorPgLog in a transaction
 * @user: who sent the command
 * @key: its idempotency key
 * @status: the HTTP status answered
 * @body: the body answered
 * @error: return location for a #GError
 *
 * Keeps the answer in the command's transaction. A key this user already
 * used, in any instance, is refused by the database
 * (%DOZOR_PG_ERROR_UNIQUE_VIOLATION), after the transaction that used it
 * first has committed; the command is then rolled back and the first
 * answer read with dozor_pg_log_find_answer().
 *
 * Returns: whether the answer was kept
 */
gboolean
dozor_pg_log_keep_answer (DozorPgLog  *self,
                          const char  *user,
                          const char  *key,
                          guint        status,
                          const char  *body,
                          GError     **error)
{
  g_autofree char *status_text = g_strdup_printf ("%u", status);
  const char *const params[] = { user, key, status_text, body };

  g_return_val_if_fail (DOZOR_IS_PG_LOG (self), FALSE);

  return dozor_pg_exec (self->pg, "INSERT INTO answers (username, key, status, body) VALUES ($1, $2, $3, $4)",
                        4, params, error);
}

/**
 * dozor_pg_log_find_answer:
 * @self: a #DozorPgLog
 * @user: who sent the command
 * @key: its idempotency key
 * @status: (out): the first answer's status
 * @body: (out) (transfer full): the first answer's body
 * @error: return location for a #GError
 *
 * Returns: whether an answer is kept; %FALSE with @error unset when none is
 */
gboolean
dozor_pg_log_find_answer (DozorPgLog  *self,
                          const char  *user,
                          const char  *key,
                          guint       *status,
                          char       **body,
                          GError     **error)
{
  const char *const params[] = { user, key };
  g_autoptr(PGresult) result =
    dozor_pg_query (self->pg, "SELECT status, body FROM answers WHERE username = $1 AND key = $2",
                    2, params, error);

  if (result == NULL || PQntuples (result) == 0)
    return FALSE;

  *status = (guint) atoi (PQgetvalue (result, 0, 0));
  *body = g_strdup (PQgetvalue (result, 0, 1));
  return TRUE;
}

/* A PostgreSQL array literal of texts: {"a","b"}, each quoted. */
static void
append_array_item (GString    *array,
                   const char *text)
{
  g_string_append_c (array, array->len > 1 ? ',' : '{');
  g_string_append_c (array, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '"' || *c == '\\')
        g_string_append_c (array, '\\');
      g_string_append_c (array, *c);
    }
  g_string_append_c (array, '"');
}

/* The seqs a commit takes: "first" is the seq before its first event, and
 * "time" the time its events carry, from the database's clock, one for
 * every instance. $1 is the number of events. */
#define BASE_COUNTER \
  "WITH base AS (UPDATE event_counter SET seq = seq + $1::bigint" \
  " RETURNING seq - $1::bigint AS first, " TIME_SQL " AS time)"
/* Read in a statement of its own after the lock was granted: READ
 * COMMITTED takes a snapshot per statement, and this one must see the
 * commit of whoever held the lock before. */
#define BASE_ADVISORY \
  "WITH base AS (SELECT COALESCE(max(seq), 0) AS first, " TIME_SQL " AS time" \
  " FROM events WHERE $1::bigint > 0)"

/* The events, written as the stream sends them ({"seq":…,"type":…,"time":…,
 * "member":{…}}, as the SQLite store writes them), returned as written,
 * and the wake-up, delivered at commit: one statement, then COMMIT, while
 * the lock is held. $2, $3, $4 are the types, members and entities. */
#define WRITE_EVENTS \
  ", written AS (" \
  " INSERT INTO events (seq, type, data)" \
  " SELECT base.first + e.i, e.t," \
  "  ('{\"seq\":' || (base.first + e.i) || ',\"type\":' || to_json (e.t) || ',\"time\":\"' || base.time || '\",'" \
  "   || to_json (e.m) || ':' || e.d || '}')::json" \
  " FROM base, unnest ($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS e (t, m, d, i)" \
  " RETURNING seq, data)" \
  " SELECT written.data, pg_notify ('" DOZOR_PG_EVENTS_CHANNEL "', (base.first + $1::bigint)::text)" \
  " FROM written, base ORDER BY written.seq"

static gboolean
write_events (DozorPgLog  *self,
              GPtrArray   *texts,
              GError     **error)
{
  g_autoptr(GString) types = g_string_new (NULL);
  g_autoptr(GString) members = g_string_new (NULL);
  g_autoptr(GString) entities = g_string_new (NULL);
  g_autofree char *count = g_strdup_printf ("%u", self->pending->len);
  const char *params[4];
  g_autoptr(PGresult) result = NULL;

  for (guint i = 0; i < self->pending->len; i++)
    {
      Pending *pending = &g_array_index (self->pending, Pending, i);

      append_array_item (types, pending->type);
      append_array_item (members, pending->member);
      append_array_item (entities, pending->entity);
    }
  g_string_append_c (types, '}');
  g_string_append_c (members, '}');
  g_string_append_c (entities, '}');
  params[0] = count;
  params[1] = types->str;
  params[2] = members->str;
  params[3] = entities->str;

  if (self->method == DOZOR_PG_SEQ_COUNTER)
    result = dozor_pg_query (self->pg, BASE_COUNTER WRITE_EVENTS, 4, (const char *const *) params, error);
  else if (dozor_pg_exec (self->pg, "SELECT pg_advisory_xact_lock(" SEQ_LOCK ")", 0, NULL, error))
    result = dozor_pg_query (self->pg, BASE_ADVISORY WRITE_EVENTS, 4, (const char *const *) params, error);

  if (result == NULL)
    return FALSE;
  if ((guint) PQntuples (result) != self->pending->len)
    {
      g_set_error_literal (error, DOZOR_PG_ERROR, DOZOR_PG_ERROR_FAILED, "event_counter has no row");
      return FALSE;
    }

  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (texts, g_strdup (PQgetvalue (result, i, 0)));
  return TRUE;
}

/**
 * dozor_pg_log_commit:
 * @self: a #DozorPgLog in a transaction
 * @error: return location for a #GError
 *
 * Gives the queued events their seqs, writes them, wakes the readers and
 * commits.
 *
 * Returns: (transfer full) (element-type utf8): the events committed, as
 *   JSON text in seq order, or %NULL with @error set (then nothing was
 *   committed, unless the connection was lost during COMMIT itself)
 */
GPtrArray *
dozor_pg_log_commit (DozorPgLog  *self,
                     GError     **error)
{
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (DOZOR_IS_PG_LOG (self), NULL);

  if ((self->pending->len > 0 && !write_events (self, texts, error)) ||
      !dozor_pg_commit (self->pg, error))
    {
      dozor_pg_log_rollback (self);
      return NULL;
    }

  g_array_set_size (self->pending, 0);
  return g_steal_pointer (&texts);
}

void
dozor_pg_log_rollback (DozorPgLog *self)
{
  g_return_if_fail (DOZOR_IS_PG_LOG (self));

  g_array_set_size (self->pending, 0);
  dozor_pg_rollback (self->pg);
}

/**
 * dozor_pg_log_get_seq:
 * @self: a #DozorPgLog
 * @error: return location for a #GError
 *
 * Returns: the last seq committed, 0 if none, -1 with @error set
 */
gint64
dozor_pg_log_get_seq (DozorPgLog  *self,
                      GError     **error)
{
  g_autoptr(PGresult) result =
    dozor_pg_query (self->pg, "SELECT COALESCE(max(seq), 0) FROM events", 0, NULL, error);

  if (result == NULL)
    return -1;

  return g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
}

/**
 * dozor_pg_log_listen:
 * @self: a #DozorPgLog, not in a transaction
 * @error: return location for a #GError
 *
 * Asks for a wake-up after each commit of events, from any instance; kept
 * over reconnections by dozor_pg_log_wait().
 *
 * Returns: whether the connection listens
 */
gboolean
dozor_pg_log_listen (DozorPgLog  *self,
                     GError     **error)
{
  g_return_val_if_fail (DOZOR_IS_PG_LOG (self), FALSE);

  if (!dozor_pg_exec (self->pg, "LISTEN " DOZOR_PG_EVENTS_CHANNEL, 0, NULL, error))
    return FALSE;

  self->listening = dozor_pg_get_generation (self->pg);
  return TRUE;
}

/**
 * dozor_pg_log_wait:
 * @self: a #DozorPgLog that listens
 * @timeout_ms: how long to wait at most
 * @error: return location for a #GError
 *
 * Waits for a commit of events. A reader reads from the table after every
 * return, notified or not: a notification may have been lost with a
 * connection, and after a reconnection (LISTEN is issued again) every
 * commit since is only in the table.
 *
 * Returns: how many wake-ups came (0 when the time ran out), -1 with
 *   @error set
 */
int
dozor_pg_log_wait (DozorPgLog  *self,
                   int          timeout_ms,
                   GError     **error)
{
  g_return_val_if_fail (DOZOR_IS_PG_LOG (self), -1);
  g_return_val_if_fail (self->listening != 0, -1);

  if (!dozor_pg_ensure_connected (self->pg, error))
    return -1;
  if (self->listening != dozor_pg_get_generation (self->pg))
    {
      if (!dozor_pg_log_listen (self, error))
        return -1;
      /* What was committed while no one listened: read it now. */
      return 1;
    }

  return dozor_pg_wait_notification (self->pg, timeout_ms, error);
}

/**
 * dozor_pg_log_read_since:
 * @self: a #DozorPgLog
 * @since: the last seq the reader has
 * @limit: at most this many
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DozorPgEvent): the events after
 *   @since in seq order, or %NULL with @error set
 */
GPtrArray *
dozor_pg_log_read_since (DozorPgLog  *self,
                         gint64       since,
                         guint        limit,
                         GError     **error)
{
  g_autofree char *since_text = g_strdup_printf ("%" G_GINT64_FORMAT, since);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit);
  const char *const params[] = { since_text, limit_text };
  g_autoptr(PGresult) result =
    dozor_pg_query (self->pg, "SELECT seq, data FROM events WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint",
                    2, params, error);
  GPtrArray *events;

  if (result == NULL)
    return NULL;

  events = g_ptr_array_new_full (PQntuples (result), (GDestroyNotify) dozor_pg_event_free);
  for (int i = 0; i < PQntuples (result); i++)
    {
      DozorPgEvent *event = g_new0 (DozorPgEvent, 1);

      event->seq = g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10);
      event->data = g_strdup (PQgetvalue (result, i, 1));
      g_ptr_array_add (events, event);
    }

  return events;
}
