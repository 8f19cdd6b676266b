/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Replay of the whole situation (docs/api.md, "Replay"): the state at a
 * moment and the events after it, from what dozord keeps anyway.
 *
 * The journal holds every event but the positions, for as long as
 * documents need it; the track holds the fixes. What neither holds is the
 * state at the journal's start, so the store archives the snapshot (the
 * text of GET /snapshot) now and then: the state at a moment is the newest
 * archive before it, the journal's events applied up to the moment and
 * each unit's last fix from the track. It is applied by the situation
 * model the board uses (DozorSituation), so that the server's first state
 * and the board's later ones come from the same code.
 *
 * Reads run in dozord's workers on their own read-only connection, in one
 * read transaction, like the history reads (dozor-store-history.c).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-situation.h"
#include "dozor-store-private.h"
#include "dozor-store-replay.h"

/* What a client is told when a replay cannot be read (the details go to
 * the log), the words the history reads use. */
#define READ_FAILURE _("The history could not be read")

#define CURSOR_SEPARATOR '~'
/* An archived snapshot is our own text; the cap only bounds a broken file. */
#define MAX_ARCHIVE_BYTES (512 * 1024 * 1024)

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS replay_states ("
  "  id INTEGER PRIMARY KEY, time TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS replay_states_by_time ON replay_states (time);";

static char *
format_time (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/**
 * dozor_store_replay_archive:
 * @self: a #DozorStore
 * @keep_days: how long the journal is kept (0: for ever); older states are
 *   dropped but the newest of them, which the oldest events kept start from
 * @error: return location for a #GError
 *
 * Archives the state as GET /snapshot shows it now, and thins the older
 * archives: all of the last %DOZOR_STORE_REPLAY_DENSE_HOURS, before that
 * the first of each day (a replay then applies at most a day of journal).
 *
 * Returns: %FALSE with @error set if the store could not be written
 */
gboolean
dozor_store_replay_archive (DozorStore  *self,
                            guint        keep_days,
                            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) dense = g_date_time_add_hours (now, -DOZOR_STORE_REPLAY_DENSE_HOURS);
  g_autoptr(GDateTime) cutoff = g_date_time_add_days (now, -(gint) MIN (keep_days, 100000));
  g_autofree char *now_text = format_time (now), *dense_text = format_time (dense);
  g_autofree char *cutoff_text = format_time (cutoff);
  g_autofree char *snapshot = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autoptr(DozorDbStmt) thin = NULL;
  g_autoptr(DozorDbStmt) drop = NULL;

  /* On PostgreSQL the table is a migration's (dozor-pg-schema.c). */
  if (dozor_db_get_kind (dozor_store_get_db (self)) == DOZOR_DB_SQLITE && !dozor_store_exec (self, schema, error))
    return FALSE;
  snapshot = dozor_store_snapshot (self, error);
  if (snapshot == NULL)
    return FALSE;

  insert = dozor_store_prepare (self, "INSERT INTO replay_states (time, seq, data)"
                                      " VALUES (?1, CAST(json_extract(?2, '$.as_of_seq') AS INTEGER), ?2)", error);
  thin = dozor_store_prepare (self, "DELETE FROM replay_states WHERE time < ?1 AND id NOT IN"
                                    " (SELECT min(id) FROM replay_states WHERE time < ?1"
                                    "  GROUP BY substr(time, 1, 10))", error);
  drop = dozor_store_prepare (self, "DELETE FROM replay_states WHERE time < ?1 AND"
                                    " time < (SELECT max(time) FROM replay_states WHERE time < ?1)", error);
  if (insert == NULL || thin == NULL || drop == NULL)
    return FALSE;

  dozor_db_bind_text (insert, 1, now_text);
  dozor_db_bind_text (insert, 2, snapshot);
  dozor_db_bind_text (thin, 1, dense_text);
  dozor_db_bind_text (drop, 1, cutoff_text);
  if (dozor_db_step (insert) != DOZOR_DB_DONE || dozor_db_step (thin) != DOZOR_DB_DONE ||
      (keep_days > 0 && dozor_db_step (drop) != DOZOR_DB_DONE))
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

/* --- Reading, in any thread ------------------------------------------------ */

/* A required bound, as stored times are written: UTC text, compared as text. */
static gboolean
parse_bound (const char  *text,
             const char  *field,
             GDateTime  **time,
             char       **utc_text,
             GError     **error)
{
  g_autoptr(GDateTime) parsed = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  if (text == NULL)
    return dozor_store_set_invalid (error, field, _("is required"));
  if (parsed == NULL)
    return dozor_store_set_invalid (error, field, _("must be an RFC 3339 time"));
  *time = g_date_time_to_utc (parsed);
  *utc_text = format_time (*time);
  return TRUE;
}

/* "TIME~jSEQ" (a journal event) or "TIME~pROWID" (a fix), as `next` gave it. */
static gboolean
parse_cursor (const char  *after,
              char       **time,
              char        *kind,
              gint64      *key,
              GError     **error)
{
  const char *separator = after != NULL ? strchr (after, CURSOR_SEPARATOR) : NULL;
  guint64 value = 0;

  if (after == NULL)
    return TRUE;
  if (separator == NULL || separator == after || (separator[1] != 'j' && separator[1] != 'p') ||
      !g_ascii_string_to_unsigned (separator + 2, 10, 0, G_MAXINT64, &value, NULL) ||
      !g_utf8_validate (after, separator - after, NULL) ||
      memchr (after, CURSOR_SEPARATOR, separator - after) != NULL)
    return dozor_store_set_invalid (error, "after", _("must be the “next” of the page before"));

  *time = g_strndup (after, separator - after);
  *kind = separator[1];
  *key = (gint64) value;
  return TRUE;
}

/* Applies each row's first column, an event's text, to @situation. */
static gboolean
apply_rows (DozorDb         *db,
            DozorDbStmt    *stmt,
            DozorSituation  *situation,
            GError         **error)
{
  int rc;

  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      const char *text = dozor_db_column_text (stmt, 0);
      g_autoptr(JsonNode) event = dozor_json_parse (text, dozor_db_column_bytes (stmt, 0), MAX_ARCHIVE_BYTES,
                                                    &local_error);

      /* Written by dozord itself: one it cannot read is a fault to log,
       * not a reason to refuse the rest of the replay. */
      if (event == NULL)
        g_warning ("A journal event of the replay is not JSON: %s", local_error->message);
      else
        dozor_situation_apply_replayed (situation, event);
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_reader_failed (db, READ_FAILURE, error);
  return TRUE;
}

/* The state at @from: the newest archive at or before it, the journal's
 * events up to it, each unit's last fix at or before it. */
static char *
state_at (DozorDb     *db,
          const char  *from,
          GError     **error)
{
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorDbStmt) archive = NULL;
  g_autoptr(DozorDbStmt) journal = NULL;
  g_autoptr(DozorDbStmt) fix = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GError) local_error = NULL;
  GPtrArray *units;
  int rc;

  if ((archive = dozor_db_prepare (db, "SELECT data FROM replay_states WHERE time <= ?1 ORDER BY time DESC LIMIT 1", NULL)) == NULL)
    {
      /* An older file that never archived a state has no such table. */
      dozor_store_set_invalid (error, "from", _("is before the oldest state kept"));
      return NULL;
    }
  dozor_db_bind_text (archive, 1, from);
  rc = dozor_db_step (archive);
  if (rc == DOZOR_DB_DONE)
    {
      dozor_store_set_invalid (error, "from", _("is before the oldest state kept"));
      return NULL;
    }
  if (rc != DOZOR_DB_ROW)
    {
      dozor_store_reader_failed (db, READ_FAILURE, error);
      return NULL;
    }

  snapshot = dozor_json_parse (dozor_db_column_text (archive, 0), dozor_db_column_bytes (archive, 0),
                               MAX_ARCHIVE_BYTES, &local_error);
  if (snapshot == NULL || !dozor_situation_load_snapshot (situation, snapshot, &local_error))
    {
      g_warning ("An archived state is not a snapshot: %s", local_error->message);
      dozor_store_reader_failed (db, READ_FAILURE, error);
      return NULL;
    }

  if ((journal = dozor_db_prepare (db, "SELECT data FROM journal WHERE seq > ?1 AND time <= ?2 ORDER BY seq", NULL)) == NULL ||
      (fix = dozor_db_prepare (db,
                          "SELECT json_object('type', 'unit.position', 'time', time,"
                          "  'unit', json_object('id', unit_id, 'position', " POSITION_JSON "))"
                          " FROM positions WHERE unit_id = ?1 AND time <= ?2 ORDER BY time DESC LIMIT 1", NULL)) == NULL)
    {
      dozor_store_reader_failed (db, READ_FAILURE, error);
      return NULL;
    }

  dozor_db_bind_int64 (journal, 1, dozor_situation_get_seq (situation));
  dozor_db_bind_text (journal, 2, from);
  if (!apply_rows (db, journal, situation, error))
    return NULL;

  /* The units the state holds, each by the (unit_id, time) index. */
  units = dozor_situation_get_units (situation);
  for (guint i = 0; i < units->len; i++)
    {
      DozorUnit *unit = units->pdata[i];

      dozor_db_reset (fix);
      dozor_db_bind_text (fix, 1, unit->id);
      dozor_db_bind_text (fix, 2, from);
      if (!apply_rows (db, fix, situation, error))
        return NULL;
    }

  state = dozor_situation_to_snapshot (situation);
  return dozor_json_to_string (state);
}

typedef struct
{
  char *data;
  char *time;
  gint64 key;
  char kind;
} Row;

static void
row_clear (gpointer data)
{
  Row *row = data;

  g_free (row->data);
  g_free (row->time);
}

/* At most @limit rows of @stmt: (data, time, key), in order. */
static gboolean
read_rows (DozorDb  *db,
           DozorDbStmt *stmt,
           char      kind,
           GArray   *rows,
           GError  **error)
{
  int rc;

  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      Row row = { g_strdup (dozor_db_column_text (stmt, 0)),
                  g_strdup (dozor_db_column_text (stmt, 1)),
                  dozor_db_column_int64 (stmt, 2), kind };

      g_array_append_val (rows, row);
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_reader_failed (db, READ_FAILURE, error);
  return TRUE;
}

/* Journal events before fixes of the same time, each by its own key. */
static int
compare_rows (const Row *a,
              const Row *b)
{
  int by_time = strcmp (a->time, b->time);

  if (by_time != 0)
    return by_time;
  if (a->kind != b->kind)
    return a->kind == 'j' ? -1 : 1;
  return a->key < b->key ? -1 : a->key > b->key;
}

/* The events in (@from, @to] after the cursor: journal and track, each read
 * by its time index, merged here. */
static gboolean
append_events (DozorDb     *db,
               const char  *from,
               const char  *to,
               const char  *after_time,
               char         after_kind,
               gint64       after_key,
               guint        limit,
               GString     *out,
               char       **next,
               GError     **error)
{
  g_autoptr(DozorDbStmt) journal = NULL;
  g_autoptr(DozorDbStmt) track = NULL;
  g_autoptr(GArray) events = g_array_new (FALSE, FALSE, sizeof (Row));
  g_autoptr(GArray) fixes = g_array_new (FALSE, FALSE, sizeof (Row));
  guint e = 0, f = 0, n = 0;

  g_array_set_clear_func (events, row_clear);
  g_array_set_clear_func (fixes, row_clear);

  if ((journal = dozor_db_prepare (db,
                          "SELECT data, time, seq FROM journal"
                          " WHERE time > ?1 AND time <= ?2 AND time >= COALESCE(?3, '')"
                          "   AND (?3 IS NULL OR time > ?3 OR (time = ?3 AND ?4 = 'j' AND seq > ?5))"
                          " ORDER BY time, seq LIMIT ?6", NULL)) == NULL ||
      (track = dozor_db_prepare (db,
                          "SELECT json_object('type', 'unit.position', 'time', time,"
                          "  'unit', json_object('id', unit_id, 'position', " POSITION_JSON ")), time, rowid"
                          " FROM positions"
                          " WHERE time > ?1 AND time <= ?2 AND time >= COALESCE(?3, '')"
                          "   AND (?3 IS NULL OR time > ?3 OR (time = ?3 AND (?4 = 'j' OR rowid > ?5)))"
                          " ORDER BY time, rowid LIMIT ?6", NULL)) == NULL)
    return dozor_store_reader_failed (db, READ_FAILURE, error);

  for (guint s = 0; s < 2; s++)
    {
      DozorDbStmt *stmt = s == 0 ? journal : track;
      char kind[2] = { after_kind, '\0' };

      dozor_db_bind_text (stmt, 1, from);
      dozor_db_bind_text (stmt, 2, to);
      dozor_db_bind_text (stmt, 3, after_time);
      dozor_db_bind_text (stmt, 4, kind);
      dozor_db_bind_int64 (stmt, 5, after_key);
      dozor_db_bind_int64 (stmt, 6, (gint64) limit + 1);
      if (!read_rows (db, stmt, s == 0 ? 'j' : 'p', s == 0 ? events : fixes, error))
        return FALSE;
    }

  g_string_append (out, "\"events\":[");
  while (n < limit && (e < events->len || f < fixes->len))
    {
      Row *row;

      if (f == fixes->len ||
          (e < events->len && compare_rows (&g_array_index (events, Row, e), &g_array_index (fixes, Row, f)) < 0))
        row = &g_array_index (events, Row, e++);
      else
        row = &g_array_index (fixes, Row, f++);

      if (n++ > 0)
        g_string_append_c (out, ',');
      g_string_append (out, row->data);
      g_free (*next);
      *next = g_strdup_printf ("%s%c%c%" G_GINT64_FORMAT, row->time, CURSOR_SEPARATOR, row->kind, row->key);
    }
  g_string_append_c (out, ']');

  /* Every row of both reads sent: this was the last page. */
  if (e == events->len && f == fixes->len)
    g_clear_pointer (next, g_free);
  return TRUE;
}

/**
 * dozor_store_replay_read:
 * @db_path: the store's file
 * @from: RFC 3339: the moment the replay starts at
 * @to: RFC 3339: the moment it ends at, after @from, at most
 *   %DOZOR_STORE_REPLAY_MAX_HOURS later
 * @after: (nullable): the `next` of the page before
 * @limit: the most events in this page
 * @error: return location for a #GError
 *
 * One page of a replay (docs/api.md, "Replay"): the first (no @after)
 * with the state at @from, each with the events in (@from, @to] in time
 * order. Safe in any thread.
 *
 * Returns: (transfer full): the page as JSON text, or %NULL with @error set
 */
char *
dozor_store_replay_read (const char  *db_path,
                         const char  *from,
                         const char  *to,
                         const char  *after,
                         guint        limit,
                         GError     **error)
{
  g_autoptr(GDateTime) from_time = NULL, to_time = NULL;
  g_autofree char *from_utc = NULL, *to_utc = NULL, *after_time = NULL, *state = NULL, *next = NULL;
  g_autoptr(GString) out = NULL;
  char after_kind = 'j';
  gint64 after_key = 0;
  DozorDb *db = NULL;
  gboolean ok;

  if (!parse_bound (from, "from", &from_time, &from_utc, error) ||
      !parse_bound (to, "to", &to_time, &to_utc, error) ||
      !parse_cursor (after, &after_time, &after_kind, &after_key, error))
    return NULL;
  if (g_date_time_compare (to_time, from_time) <= 0)
    {
      dozor_store_set_invalid (error, "to", _("must be after from"));
      return NULL;
    }
  if (g_date_time_difference (to_time, from_time) > DOZOR_STORE_REPLAY_MAX_HOURS * G_TIME_SPAN_HOUR)
    {
      g_autofree char *why = g_strdup_printf (_("must be at most %d hours after from"),
                                              DOZOR_STORE_REPLAY_MAX_HOURS);

      dozor_store_set_invalid (error, "to", why);
      return NULL;
    }

  db = dozor_store_reader_open (db_path, READ_FAILURE, error);
  if (db == NULL)
    return NULL;

  /* One read transaction: the state and the page agree with each other. */
  ok = dozor_db_begin_read (db, NULL) || dozor_store_reader_failed (db, READ_FAILURE, error);
  out = g_string_new ("{\"from\":\"");
  g_string_append_printf (out, "%s\",\"to\":\"%s\",", from_utc, to_utc);
  if (ok && after == NULL)
    {
      state = state_at (db, from_utc, error);
      ok = state != NULL;
      if (ok)
        g_string_append_printf (out, "\"state\":%s,", state);
    }
  if (ok)
    ok = append_events (db, from_utc, to_utc, after_time, after_kind, after_key, limit, out, &next, error);
  /* It wrote nothing: no seq to note. */
  dozor_db_commit (db, -1, NULL);
  dozor_db_close (db);
  if (!ok)
    return NULL;

  g_string_append (out, ",\"next\":");
  if (next == NULL)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "\"%s\"", next);
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}
