/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * History reads for reports, GIS export and the wall: incidents with their
 * dispatches, and units' tracks, a page at a time. They may be long, so
 * dozord runs them in worker threads; each call opens its own read-only
 * connection (the store's own is not thread-safe). The database is in WAL
 * mode, so a reader neither waits for dozord's writes nor holds them up,
 * and sees one committed state for the whole page.
 *
 * Pages follow a cursor of the last row's sort key (time, then a tie
 * breaker), not an offset: the index range of a page starts at the cursor
 * (the later of the window's start and the cursor's time), so a page costs
 * the same wherever it is, and incidents registered meanwhile neither
 * shift nor repeat what follows.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-store-history.h"
#include "dozor-store-private.h"

/* Cursors are "TIME~KEY": both parts never hold a tilde. */
#define CURSOR_SEPARATOR '~'

/**
 * dozor_store_reader_failed:
 * @db: (nullable): the reader's connection
 * @failure: what the client is told, such as "The history could not be read"
 * @error: return location for a #GError
 *
 * What SQLite said stays in the log; a client learns only that reading
 * failed (%DOZOR_STORE_ERROR_IO, 503).
 *
 * Returns: %FALSE
 */
gboolean
dozor_store_reader_failed (DozorDb     *db,
                           const char  *failure,
                           GError     **error)
{
  g_warning ("%s: %s", failure, db != NULL ? dozor_db_errmsg (db) : "no connection");
  g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, failure);
  return FALSE;
}

/**
 * dozor_store_reader_open:
 * @db_path: the store's target (dozor_store_get_target())
 * @failure: what the client is told if it cannot be opened
 * @error: return location for a #GError
 *
 * A read-only connection of a worker thread's own (the store's is not
 * thread-safe), giving way to dozord's writers for a while.
 *
 * Returns: (transfer full) (nullable): the connection; close it
 */
DozorDb *
dozor_store_reader_open (const char  *db_path,
                         const char  *failure,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  DozorDb *db = dozor_db_open (db_path, DOZOR_DB_OPEN_READ_ONLY, &local_error);

  if (db == NULL)
    {
      g_warning ("%s: %s", failure, local_error->message);
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, failure);
      return NULL;
    }
  return db;
}

static gboolean
read_failed (DozorDb     *db,
             GError     **error)
{
  return dozor_store_reader_failed (db, _("The history could not be read"), error);
}

static DozorDb *
open_reader (const char  *db_path,
             GError     **error)
{
  return dozor_store_reader_open (db_path, _("The history could not be read"), error);
}

/* Both ends optional; stored times are UTC text, compared as text. */
static gboolean
parse_window (const char  *from,
              const char  *to,
              char       **from_utc,
              char       **to_utc,
              GError     **error)
{
  for (guint i = 0; i < 2; i++)
    {
      const char *text = i == 0 ? from : to;
      g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
      g_autoptr(GDateTime) utc = NULL;

      if (text == NULL)
        continue;
      if (time == NULL)
        return dozor_store_set_invalid (error, i == 0 ? "from" : "to", _("must be an RFC 3339 time"));
      utc = g_date_time_to_utc (time);
      *(i == 0 ? from_utc : to_utc) = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
    }
  return TRUE;
}

/* "TIME~KEY" as `next` gave it; NULL @after is the first page. */
static gboolean
parse_cursor (const char  *after,
              char       **time,
              char       **key,
              GError     **error)
{
  const char *separator = after != NULL ? strchr (after, CURSOR_SEPARATOR) : NULL;

  if (after == NULL)
    return TRUE;
  if (separator == NULL || separator == after || separator[1] == '\0' ||
      strchr (separator + 1, CURSOR_SEPARATOR) != NULL || !g_utf8_validate (after, -1, NULL))
    return dozor_store_set_invalid (error, "after", _("must be the “next” of the page before"));

  *time = g_strndup (after, separator - after);
  *key = g_strdup (separator + 1);
  return TRUE;
}

/* Runs @stmt, whose rows are (json, time, key), into "[…]" and the cursor
 * of the last row if there are more than @limit. */
static gboolean
append_page (DozorDb       *db,
             DozorDbStmt  *stmt,
             guint          limit,
             GString       *out,
             char         **next,
             GError       **error)
{
  guint n = 0;
  int rc;

  g_string_append_c (out, '[');
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      if (n == limit)
        {
          /* One row more than the page: there is a next one, which starts
           * after the last row sent. */
          break;
        }
      if (n > 0)
        g_string_append_c (out, ',');
      g_string_append (out, dozor_db_column_text (stmt, 0));
      g_free (*next);
      *next = g_strdup_printf ("%s%c%s", dozor_db_column_text (stmt, 1), CURSOR_SEPARATOR,
                               dozor_db_column_text (stmt, 2));
      n++;
    }
  if (rc != DOZOR_DB_ROW && rc != DOZOR_DB_DONE)
    return read_failed (db, error);
  if (rc == DOZOR_DB_DONE)
    g_clear_pointer (next, g_free);
  g_string_append_c (out, ']');
  return TRUE;
}

/* The answer, its page closed with `next`. */
static char *
finish_answer (GString    *out,
               const char *next)
{
  g_string_append (out, ",\"next\":");
  /* The cursor holds only time and id characters, nothing to escape. */
  if (next == NULL)
    g_string_append (out, "null");
  else
    g_string_append_printf (out, "\"%s\"", next);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/**
 * dozor_store_history_incidents:
 * @db_path: the store's file
 * @from: (nullable): RFC 3339: incidents registered at or after it
 * @to: (nullable): RFC 3339: incidents registered at or before it
 * @after: (nullable): the `next` of the page before
 * @limit: the most incidents in this page
 * @error: return location for a #GError
 *
 * Every incident of the window whatever its status, oldest first, each with
 * `dispatches`: every unit sent to it, with its call sign. Safe in any
 * thread.
 *
 * Returns: (transfer full): `{"incidents": [...], "next": CURSOR|null}`,
 *   or %NULL with @error set
 */
char *
dozor_store_history_incidents (const char  *db_path,
                               const char  *from,
                               const char  *to,
                               const char  *after,
                               guint        limit,
                               GError     **error)
{
  g_autofree char *from_utc = NULL, *to_utc = NULL, *after_time = NULL, *after_id = NULL, *next = NULL;
  g_autoptr(GString) out = NULL;
  DozorDbStmt *stmt = NULL;
  DozorDb *db;
  gboolean ok;

  if (!parse_window (from, to, &from_utc, &to_utc, error) ||
      !parse_cursor (after, &after_time, &after_id, error))
    return NULL;

  db = open_reader (db_path, error);
  if (db == NULL)
    return NULL;

  /* One pass: the page of incidents by the (created_at, id) index, then
   * their dispatches by the (incident_id, created_at) index, grouped.
   * CROSS JOIN keeps that order: left to itself, SQLite scans every
   * dispatch ever made and probes the page for each (EXPLAIN QUERY PLAN),
   * a cost that grows with the whole history, not with the page. */
  if ((stmt = dozor_db_prepare (db,
                          "WITH page AS (SELECT * FROM incidents"
                          "  WHERE created_at >= CASE WHEN COALESCE(?1, '') > COALESCE(?3, '') THEN COALESCE(?1, '') ELSE COALESCE(?3, '') END"
                          "    AND created_at <= COALESCE(?2, '9999')"
                          "    AND (?3 IS NULL OR created_at > ?3 OR (created_at = ?3 AND id > ?4))"
                          "  ORDER BY created_at, id LIMIT ?5),"
                          " sent AS (SELECT incident_id, json_group_array(json(dispatch)) AS list FROM"
                          "   (SELECT d.incident_id, json_object('unit_id', d.unit_id, 'call_sign', u.call_sign,"
                          "      'status', d.status, 'created_by', d.created_by, 'created_at', d.created_at,"
                          "      'ended_by', d.ended_by, 'ended_at', d.ended_at) AS dispatch"
                          "    FROM page CROSS JOIN dispatches d JOIN units u ON u.id = d.unit_id"
                          "    WHERE d.incident_id = page.id ORDER BY d.incident_id, d.created_at)"
                          "   GROUP BY incident_id),"
                          " ticked AS (SELECT incident_id, json_group_array(json(step)) AS list FROM"
                          "   (SELECT incident_id, " DOZOR_STORE_CHECK_JSON " AS step FROM checks"
                          "    WHERE incident_id IN (SELECT id FROM page) ORDER BY incident_id, procedure_id, rowid)"
                          "   GROUP BY incident_id)"
                          " SELECT json_insert(json_insert(" INCIDENT_JSON ", '$.dispatches', json(COALESCE(sent.list, '[]'))),"
                          "   '$.checklist', json(COALESCE(ticked.list, '[]'))),"
                          "  created_at, id FROM page LEFT JOIN sent ON sent.incident_id = page.id"
                          "  LEFT JOIN ticked ON ticked.incident_id = page.id"
                          " ORDER BY created_at, id", NULL)) == NULL)
    {
      read_failed (db, error);
      dozor_db_close (db);
      return NULL;
    }

  dozor_db_bind_text (stmt, 1, from_utc);
  dozor_db_bind_text (stmt, 2, to_utc);
  dozor_db_bind_text (stmt, 3, after_time);
  dozor_db_bind_text (stmt, 4, after_id);
  dozor_db_bind_int64 (stmt, 5, (gint64) limit + 1);

  out = g_string_new ("{\"incidents\":");
  ok = append_page (db, stmt, limit, out, &next, error);
  dozor_db_stmt_free (stmt);
  dozor_db_close (db);
  if (!ok)
    return NULL;

  return finish_answer (g_steal_pointer (&out), next);
}

/**
 * dozor_store_history_track:
 * @db_path: the store's file
 * @unit_id: the unit
 * @from: (nullable): RFC 3339 time of the first fix wanted
 * @to: (nullable): RFC 3339 time of the last fix wanted
 * @after: (nullable): the `next` of the page before
 * @limit: the most fixes in this page
 * @error: return location for a #GError
 *
 * Every fix of the unit in the window, oldest first. Safe in any thread.
 *
 * Returns: (transfer full): `{"unit_id": …, "positions": [{lat, lon, time,
 *   speed, heading, accuracy}, …], "next": CURSOR|null}`, or %NULL with
 *   @error set
 */
char *
dozor_store_history_track (const char  *db_path,
                           const char  *unit_id,
                           const char  *from,
                           const char  *to,
                           const char  *after,
                           guint        limit,
                           GError     **error)
{
  g_autofree char *from_utc = NULL, *to_utc = NULL, *after_time = NULL, *after_row = NULL, *next = NULL;
  g_autoptr(GString) out = NULL;
  DozorDbStmt *unit = NULL;
  DozorDbStmt *stmt = NULL;
  DozorDb *db;
  gboolean ok = FALSE;
  guint64 row = 0;

  if (!parse_window (from, to, &from_utc, &to_utc, error) ||
      !parse_cursor (after, &after_time, &after_row, error))
    return NULL;
  if (after_row != NULL && !g_ascii_string_to_unsigned (after_row, 10, 1, G_MAXINT64, &row, NULL))
    {
      dozor_store_set_invalid (error, "after", _("must be the “next” of the page before"));
      return NULL;
    }

  db = open_reader (db_path, error);
  if (db == NULL)
    return NULL;

  /* The unit's id as JSON text, and whether there is such a unit at all. */
  if ((unit = dozor_db_prepare (db, "SELECT json_quote(id) FROM units WHERE id = ?1", NULL)) == NULL ||
      (stmt = dozor_db_prepare (db,
                          "SELECT " POSITION_JSON ", time, rowid FROM positions"
                          " WHERE unit_id = ?1 AND time >= CASE WHEN COALESCE(?2, '') > COALESCE(?4, '') THEN COALESCE(?2, '') ELSE COALESCE(?4, '') END"
                          "   AND time <= COALESCE(?3, '9999')"
                          "   AND (?4 IS NULL OR time > ?4 OR (time = ?4 AND rowid > ?5))"
                          " ORDER BY time, rowid LIMIT ?6", NULL)) == NULL)
    {
      read_failed (db, error);
      goto out;
    }

  dozor_db_bind_text (unit, 1, unit_id);
  if (dozor_db_step (unit) != DOZOR_DB_ROW)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("There is no such unit"));
      goto out;
    }

  out = g_string_new ("{\"unit_id\":");
  g_string_append (out, dozor_db_column_text (unit, 0));
  g_string_append (out, ",\"positions\":");

  dozor_db_bind_text (stmt, 1, unit_id);
  dozor_db_bind_text (stmt, 2, from_utc);
  dozor_db_bind_text (stmt, 3, to_utc);
  dozor_db_bind_text (stmt, 4, after_time);
  dozor_db_bind_int64 (stmt, 5, (gint64) row);
  dozor_db_bind_int64 (stmt, 6, (gint64) limit + 1);
  ok = append_page (db, stmt, limit, out, &next, error);

out:
  dozor_db_stmt_free (unit);
  dozor_db_stmt_free (stmt);
  dozor_db_close (db);
  if (!ok)
    return NULL;

  return finish_answer (g_steal_pointer (&out), next);
}

/**
 * dozor_store_history_journal:
 * @db_path: the store's file
 * @from: (nullable): RFC 3339: events at or after it
 * @to: (nullable): RFC 3339: events at or before it
 * @after: (nullable): the `next` of the page before
 * @limit: the most events in this page
 * @error: return location for a #GError
 *
 * The journal's events of the window (every event but `unit.position`,
 * dozor-store-journal.c) exactly as the stream sent them, in the order of
 * their seq, which is the order they were applied in: a wall clock set
 * back must not reorder a replay. Safe in any thread.
 *
 * Returns: (transfer full): `{"events": [...], "next": CURSOR|null}`,
 *   or %NULL with @error set
 */
char *
dozor_store_history_journal (const char  *db_path,
                             const char  *from,
                             const char  *to,
                             const char  *after,
                             guint        limit,
                             GError     **error)
{
  g_autofree char *from_utc = NULL, *to_utc = NULL, *after_time = NULL, *after_seq = NULL, *next = NULL;
  g_autoptr(GString) out = NULL;
  DozorDbStmt *stmt = NULL;
  DozorDb *db;
  gboolean ok;
  guint64 seq = 0;

  if (!parse_window (from, to, &from_utc, &to_utc, error) ||
      !parse_cursor (after, &after_time, &after_seq, error))
    return NULL;
  if (after_seq != NULL && !g_ascii_string_to_unsigned (after_seq, 10, 1, G_MAXINT64, &seq, NULL))
    {
      dozor_store_set_invalid (error, "after", _("must be the “next” of the page before"));
      return NULL;
    }

  db = open_reader (db_path, error);
  if (db == NULL)
    return NULL;

  /* The window's first and last seq through the time index, then a range
   * of the primary key: a page costs the same in a year's journal as in a
   * day's. */
  if ((stmt = dozor_db_prepare (db,
                          "SELECT data, time, seq FROM journal"
                          " WHERE seq >= COALESCE ((SELECT seq FROM journal WHERE time >= COALESCE (?1, '')"
                          "                         ORDER BY time, seq LIMIT 1),"
                          "                        (SELECT MAX(seq) + 1 FROM journal), 1)"
                          "   AND seq <= COALESCE ((SELECT seq FROM journal WHERE time <= COALESCE (?2, '9999')"
                          "                         ORDER BY time DESC, seq DESC LIMIT 1), 0)"
                          "   AND seq > ?3"
                          " ORDER BY seq LIMIT ?4", NULL)) == NULL)
    {
      ok = read_failed (db, error);
      goto out;
    }

  dozor_db_bind_text (stmt, 1, from_utc);
  dozor_db_bind_text (stmt, 2, to_utc);
  dozor_db_bind_int64 (stmt, 3, (gint64) seq);
  dozor_db_bind_int64 (stmt, 4, (gint64) limit + 1);
  out = g_string_new ("{\"events\":");
  ok = append_page (db, stmt, limit, out, &next, error);

out:
  dozor_db_stmt_free (stmt);
  dozor_db_close (db);
  if (!ok)
    return NULL;

  return finish_answer (g_steal_pointer (&out), next);
}
