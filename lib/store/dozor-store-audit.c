/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The audit trail (docs/api.md, "Audit trail"; docs/decisions.md, "The
 * audit trail"): who did what, when and from where, one record per login,
 * write, readiness change and report, each chained to the one before by a
 * SHA-256 hash over a canonical text of it.
 *
 * The table is only ever appended to. Retention is the one way records
 * leave it, from the oldest end, and it first moves the anchor to the last
 * record it deletes, so that the chain that is left still starts from a
 * known hash. Triggers refuse anything else; they stop a mistake in code,
 * not someone who owns the file (see docs/decisions.md).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-json.h"
#include "dozor-store-private.h"

/* The hash before the first record: 64 zeros. */
#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define DEFAULT_PAGE 500
#define MAX_PAGE 1000

#define AUDIT_COLUMNS \
  "seq, time, username, role, address, client, action, entity_type, entity_id, status, before, after," \
  " prev_hash, hash"

#define AUDIT_JSON \
  "json_object('seq', seq, 'time', time, 'username', username, 'role', role, 'address', address," \
  " 'client', client, 'action', action, 'entity_type', entity_type, 'entity_id', entity_id," \
  " 'status', status, 'before', before, 'after', after, 'prev_hash', prev_hash, 'hash', hash)"

/* A record as stored: what the request told, and what the store adds. */
typedef struct
{
  gint64 seq;
  const char *time;
  DozorAuditEntry entry;
  const char *prev_hash;
} Record;

/**
 * dozor_store_create_audit:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Returns: whether the audit table, its anchor and their guards are there
 */
gboolean
dozor_store_create_audit (DozorStore  *self,
                          GError     **error)
{
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS audit ("
                           "  seq INTEGER PRIMARY KEY, time TEXT NOT NULL,"
                           "  username TEXT, role TEXT, address TEXT, client TEXT, action TEXT NOT NULL,"
                           "  entity_type TEXT, entity_id TEXT, status INTEGER NOT NULL,"
                           "  before TEXT, after TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
                           "CREATE INDEX IF NOT EXISTS audit_by_time ON audit (time);"
                           /* The last record retention deleted: where the chain now starts. */
                           "CREATE TABLE IF NOT EXISTS audit_anchor ("
                           "  id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, hash TEXT NOT NULL);"
                           "CREATE TRIGGER IF NOT EXISTS audit_never_changed BEFORE UPDATE ON audit"
                           " BEGIN SELECT RAISE (ABORT, 'audit records are never changed'); END;"
                           "CREATE TRIGGER IF NOT EXISTS audit_deleted_only_to_anchor BEFORE DELETE ON audit"
                           " WHEN OLD.seq > COALESCE ((SELECT seq FROM audit_anchor WHERE id = 1), 0)"
                           " BEGIN SELECT RAISE (ABORT, 'audit records are deleted only by retention'); END;"
                           "CREATE TRIGGER IF NOT EXISTS audit_appended_in_order BEFORE INSERT ON audit"
                           " WHEN NEW.seq IS NOT COALESCE ((SELECT MAX (seq) FROM audit),"
                           "                               (SELECT seq FROM audit_anchor WHERE id = 1), 0) + 1"
                           " BEGIN SELECT RAISE (ABORT, 'audit records are appended in order'); END;"
                           "CREATE TRIGGER IF NOT EXISTS audit_anchor_set BEFORE INSERT ON audit_anchor"
                           " WHEN NEW.hash IS NOT (SELECT hash FROM audit WHERE seq = NEW.seq)"
                           " BEGIN SELECT RAISE (ABORT, 'the anchor is a record''s hash'); END;"
                           "CREATE TRIGGER IF NOT EXISTS audit_anchor_forward BEFORE UPDATE ON audit_anchor"
                           " WHEN NEW.seq <= OLD.seq OR NEW.hash IS NOT (SELECT hash FROM audit WHERE seq = NEW.seq)"
                           " BEGIN SELECT RAISE (ABORT, 'the anchor only moves forward, to a record'); END;"
                           "CREATE TRIGGER IF NOT EXISTS audit_anchor_kept BEFORE DELETE ON audit_anchor"
                           " BEGIN SELECT RAISE (ABORT, 'the anchor is kept'); END;",
                           error);
}

/* docs/api.md, "Audit trail": the text whose SHA-256 is the record's hash. */
static char *
record_hash (const Record *record)
{
  const DozorAuditEntry *entry = &record->entry;
  const struct { const char *name; const char *value; } texts[] = {
    { "time", record->time }, { "username", entry->username }, { "role", entry->role },
    { "address", entry->address }, { "client", entry->client }, { "action", entry->action },
    { "entity_type", entry->entity_type }, { "entity_id", entry->entity_id },
  }, documents[] = {
    { "before", entry->before }, { "after", entry->after }, { "prev_hash", record->prev_hash },
  };
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, "{\"seq\":%" G_GINT64_FORMAT, record->seq);
  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    {
      g_string_append_printf (text, ",\"%s\":", texts[t].name);
      dozor_json_append_string (text, texts[t].value);
    }
  g_string_append_printf (text, ",\"status\":%u", entry->status);
  for (guint d = 0; d < G_N_ELEMENTS (documents); d++)
    {
      g_string_append_printf (text, ",\"%s\":", documents[d].name);
      dozor_json_append_string (text, documents[d].value);
    }
  g_string_append_c (text, '}');

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text->str, text->len);
}

static void
read_record (DozorDbStmt *stmt,
             Record       *record)
{
  record->seq = dozor_db_column_int64 (stmt, 0);
  record->time = dozor_db_column_text (stmt, 1);
  record->entry.username = dozor_db_column_text (stmt, 2);
  record->entry.role = dozor_db_column_text (stmt, 3);
  record->entry.address = dozor_db_column_text (stmt, 4);
  record->entry.client = dozor_db_column_text (stmt, 5);
  record->entry.action = dozor_db_column_text (stmt, 6);
  record->entry.entity_type = dozor_db_column_text (stmt, 7);
  record->entry.entity_id = dozor_db_column_text (stmt, 8);
  record->entry.status = (guint) dozor_db_column_int64 (stmt, 9);
  record->entry.before = dozor_db_column_text (stmt, 10);
  record->entry.after = dozor_db_column_text (stmt, 11);
  record->prev_hash = dozor_db_column_text (stmt, 12);
}

/* The anchor retention left, or seq 0 and the genesis hash. */
static gboolean
read_anchor (DozorStore  *self,
             gint64      *seq,
             char       **hash,
             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT seq, hash FROM audit_anchor WHERE id = 1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_ROW)
    {
      *seq = dozor_db_column_int64 (stmt, 0);
      *hash = g_strdup (dozor_db_column_text (stmt, 1));
      return TRUE;
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  *seq = 0;
  *hash = g_strdup (GENESIS);
  return TRUE;
}

/* Text as it may be kept: valid UTF-8, whatever a client sent. */
static char *
valid_text (const char *text)
{
  return text != NULL ? g_utf8_make_valid (text, -1) : NULL;
}

/**
 * dozor_store_audit_append:
 * @self: a #DozorStore inside a transaction: the record commits or rolls
 *   back with the change it records
 * @entry: what happened
 * @error: return location for a #GError
 *
 * Appends the next record of the chain.
 *
 * Returns: whether the record was written
 */
gboolean
dozor_store_audit_append (DozorStore             *self,
                          const DozorAuditEntry  *entry,
                          GError                **error)
{
  g_autoptr(DozorDbStmt) last = dozor_store_prepare (self, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                                                      error);
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autofree char *prev_hash = NULL;
  g_autofree char *time = dozor_store_now ();
  g_autofree char *hash = NULL;
  g_autofree char *username = valid_text (entry->username);
  g_autofree char *role = valid_text (entry->role);
  g_autofree char *address = valid_text (entry->address);
  g_autofree char *client = valid_text (entry->client);
  g_autofree char *action = valid_text (entry->action);
  g_autofree char *entity_type = valid_text (entry->entity_type);
  g_autofree char *entity_id = valid_text (entry->entity_id);
  g_autofree char *before = valid_text (entry->before);
  g_autofree char *after = valid_text (entry->after);
  Record record = { 0, time, { username, role, address, client, action, entity_type, entity_id,
                               entry->status, before, after }, NULL };
  int rc;

  if (last == NULL)
    return FALSE;
  rc = dozor_db_step (last);
  if (rc == DOZOR_DB_ROW)
    {
      record.seq = dozor_db_column_int64 (last, 0) + 1;
      prev_hash = g_strdup (dozor_db_column_text (last, 1));
    }
  else if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  else if (!read_anchor (self, &record.seq, &prev_hash, error))
    return FALSE;
  else
    record.seq++;

  record.prev_hash = prev_hash;
  hash = record_hash (&record);

  insert = dozor_store_prepare (self, "INSERT INTO audit (" AUDIT_COLUMNS ") VALUES"
                                " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                                error);
  if (insert == NULL)
    return FALSE;
  dozor_db_bind_int64 (insert, 1, record.seq);
  dozor_db_bind_text (insert, 2, record.time);
  dozor_db_bind_text (insert, 3, username);
  dozor_db_bind_text (insert, 4, role);
  dozor_db_bind_text (insert, 5, address);
  dozor_db_bind_text (insert, 6, client);
  dozor_db_bind_text (insert, 7, action);
  dozor_db_bind_text (insert, 8, entity_type);
  dozor_db_bind_text (insert, 9, entity_id);
  dozor_db_bind_int64 (insert, 10, entry->status);
  dozor_db_bind_text (insert, 11, before);
  dozor_db_bind_text (insert, 12, after);
  dozor_db_bind_text (insert, 13, record.prev_hash);
  dozor_db_bind_text (insert, 14, hash);
  if (dozor_db_step (insert) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

/**
 * dozor_store_audit_entity:
 * @self: a #DozorStore
 * @entity_type: `unit`, `incident`, `dispatch`, `zone`, `route`, `place`,
 *   `plan`, `readiness`, `checklist` (an incident's steps), `message`,
 *   `orientation`, `handover` or `roster` (an entry)
 * @entity_id: (nullable): its id; none for `readiness`
 *
 * Returns: (transfer full) (nullable): the entity as the API shows it now,
 *   as JSON text, or %NULL when there is none
 */
char *
dozor_store_audit_entity (DozorStore *self,
                          const char *entity_type,
                          const char *entity_id)
{
  const char *sql = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (g_strcmp0 (entity_type, "readiness") == 0)
    sql = "SELECT " DOZOR_STORE_READINESS_JSON;
  else if (entity_id == NULL)
    return NULL;
  else if (g_strcmp0 (entity_type, "plan") == 0)
    return dozor_store_plan_json (self, entity_id);
  else if (g_strcmp0 (entity_type, "checklist") == 0)
    sql = "SELECT COALESCE (json_group_array (json (" DOZOR_STORE_CHECK_JSON ")), '[]')"
          " FROM (SELECT * FROM checks WHERE incident_id = ?1 ORDER BY rowid)";
  /* The shift's records are changed too (a message's "what was done", an
   * orientation cancelled, a handover accepted): each area knows its own. */
  else if ((sql = dozor_store_registers_entity_sql (entity_type)) == NULL &&
           (sql = dozor_store_handovers_entity_sql (entity_type)) == NULL &&
           (sql = dozor_store_roster_entity_sql (entity_type)) == NULL)
    return dozor_store_entity_json (self, entity_type, entity_id);

  stmt = dozor_store_prepare (self, sql, NULL);
  if (stmt == NULL)
    return NULL;
  if (entity_id != NULL && dozor_db_bind_parameter_count (stmt) > 0)
    dozor_db_bind_text (stmt, 1, entity_id);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

static gboolean
get_count (GHashTable  *query,
           const char  *name,
           gint64       min,
           gint64       max,
           gint64      *value,
           GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  guint64 number;

  if (text == NULL)
    return TRUE;
  if (!g_ascii_string_to_unsigned (text, 10, (guint64) min, (guint64) max, &number, NULL))
    {
      g_autofree char *low = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *high = g_strdup_printf ("%" G_GINT64_FORMAT, max);
      g_autofree char *why = g_strdup_printf (_("must be a whole number from %s to %s"), low, high);

      return dozor_store_set_invalid (error, name, why);
    }
  *value = (gint64) number;
  return TRUE;
}

static void
append_anchor (GString *out,
               gint64   seq,
               const char *hash)
{
  if (seq == 0)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"hash\":", seq);
  dozor_json_append_string (out, hash);
  g_string_append_c (out, '}');
}

/**
 * dozor_store_audit_page:
 * @self: a #DozorStore
 * @query: (nullable): `from`, `to` (RFC 3339), `after` (a record number)
 *   and `limit` of `GET /audit`
 * @error: return location for a #GError; 422 for a malformed parameter
 *
 * Returns: (transfer full): the page as JSON text, or %NULL with @error set
 */
char *
dozor_store_audit_page (DozorStore  *self,
                        GHashTable  *query,
                        GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *anchor_hash = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GString) out = g_string_new ("{\"records\":[");
  gint64 after = 0, limit = DEFAULT_PAGE, anchor_seq = 0, last = 0, count = 0;
  int rc;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error) ||
      !get_count (query, "after", 0, G_MAXINT64, &after, error) ||
      !get_count (query, "limit", 1, MAX_PAGE, &limit, error) ||
      !read_anchor (self, &anchor_seq, &anchor_hash, error))
    return NULL;

  stmt = dozor_store_prepare (self,
                              "SELECT " AUDIT_JSON ", seq FROM audit WHERE seq > ?1"
                              " AND (CAST(?2 AS TEXT) IS NULL OR time >= ?2) AND (CAST(?3 AS TEXT) IS NULL OR time < ?3)"
                              " ORDER BY seq LIMIT ?4",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_int64 (stmt, 1, after);
  dozor_db_bind_text (stmt, 2, from);
  dozor_db_bind_text (stmt, 3, to);
  dozor_db_bind_int64 (stmt, 4, limit);

  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      if (count++ > 0)
        g_string_append_c (out, ',');
      g_string_append (out, dozor_db_column_text (stmt, 0));
      last = dozor_db_column_int64 (stmt, 1);
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  /* A full page may have more after it; the next one says. */
  g_string_append (out, "],\"next\":");
  if (count == limit)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, last);
  else
    g_string_append (out, "null");
  g_string_append (out, ",\"anchor\":");
  append_anchor (out, anchor_seq, anchor_hash);
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * dozor_store_prune_audit:
 * @self: a #DozorStore, not inside a transaction
 * @before: an RFC 3339 UTC time: records older than it are deleted, from
 *   the oldest up to the first that is not
 * @error: return location for a #GError
 *
 * Moves the anchor to the last record deleted, in the same transaction,
 * so that the records left still verify from it.
 *
 * Returns: how many records were deleted
 */
guint
dozor_store_prune_audit (DozorStore  *self,
                         const char  *before,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) last = NULL;
  g_autoptr(DozorDbStmt) anchor = NULL;
  g_autoptr(DozorDbStmt) prune = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *anchor_hash = NULL;
  gint64 anchor_seq, seq;
  guint deleted;

  if (!dozor_store_begin (self, error))
    return 0;

  /* Times only grow with seq as long as the clock does: stop at the first
   * record that is young enough, whatever follows it. */
  last = dozor_store_prepare (self,
                              "SELECT seq, hash FROM audit WHERE seq = COALESCE ("
                              " (SELECT MIN (seq) FROM audit WHERE time >= ?1) - 1, (SELECT MAX (seq) FROM audit))",
                              error);
  if (last == NULL || !read_anchor (self, &anchor_seq, &anchor_hash, error))
    goto failed;
  dozor_db_bind_text (last, 1, before);
  if (dozor_db_step (last) != DOZOR_DB_ROW || (seq = dozor_db_column_int64 (last, 0)) <= anchor_seq)
    {
      dozor_store_rollback (self);
      return 0;
    }

  anchor = dozor_store_prepare (self,
                                "INSERT INTO audit_anchor (id, seq, hash) VALUES (1, ?1, ?2)"
                                " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                                error);
  prune = dozor_store_prepare (self, "DELETE FROM audit WHERE seq <= ?1", error);
  if (anchor == NULL || prune == NULL)
    goto failed;
  dozor_db_bind_int64 (anchor, 1, seq);
  dozor_db_bind_text (anchor, 2, dozor_db_column_text (last, 1));
  dozor_db_bind_int64 (prune, 1, seq);
  if (dozor_db_step (anchor) != DOZOR_DB_DONE || dozor_db_step (prune) != DOZOR_DB_DONE)
    {
      dozor_store_set_db_error (self, error);
      goto failed;
    }
  deleted = (guint) dozor_db_changes (dozor_store_get_db (self));

  events = dozor_store_commit (self, error);
  return events != NULL ? deleted : 0;

failed:
  dozor_store_rollback (self);
  return 0;
}

/* The record whose stored hash is @hash, 0 if none. Read only once a
 * link is broken, to tell a reordering from a loss. */
static gint64
find_hash (DozorStore *self,
           const char *hash)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT seq FROM audit WHERE hash = ?1 LIMIT 1", NULL);

  if (stmt == NULL || hash == NULL)
    return 0;
  dozor_db_bind_text (stmt, 1, hash);
  return dozor_db_step (stmt) == DOZOR_DB_ROW ? dozor_db_column_int64 (stmt, 0) : 0;
}

/**
 * dozor_store_audit_verify:
 * @self: a #DozorStore
 * @first_broken: (out): the number of the first record that does not
 *   verify (for %DOZOR_AUDIT_MISSING, the number that is missing)
 * @n_checked: (out): how many records verified before it, or in all
 * @last: (out): the number of the last record that verified (the anchor's,
 *   or 0, if none)
 * @head: (out) (optional) (transfer full): the hash of the last record that
 *   verified (the anchor's, or the genesis hash, if none)
 * @error: return location for a #GError
 *
 * Walks the chain from the anchor in record order, recomputing each hash.
 *
 * Returns: %DOZOR_AUDIT_INTACT or what is wrong with @first_broken;
 *   %DOZOR_AUDIT_INTACT with @error set when the file could not be read
 */
DozorAuditFault
dozor_store_audit_verify (DozorStore  *self,
                          gint64      *first_broken,
                          gint64      *n_checked,
                          gint64      *last,
                          char       **head,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *prev = NULL;
  gint64 expected;
  DozorAuditFault fault = DOZOR_AUDIT_INTACT;
  int rc;

  *first_broken = 0;
  *n_checked = 0;
  *last = 0;
  if (!read_anchor (self, &expected, &prev, error))
    return DOZOR_AUDIT_INTACT;
  expected++;

  stmt = dozor_store_prepare (self, "SELECT " AUDIT_COLUMNS " FROM audit ORDER BY seq", error);
  if (stmt == NULL)
    return DOZOR_AUDIT_INTACT;

  while (fault == DOZOR_AUDIT_INTACT && (rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      Record record;
      g_autofree char *hash = NULL;
      const char *stored = dozor_db_column_text (stmt, 13);
      gboolean content_ok, link_ok;

      read_record (stmt, &record);
      if (record.seq != expected)
        {
          /* A number left out: the record that had it was deleted. */
          *first_broken = expected;
          fault = DOZOR_AUDIT_MISSING;
          break;
        }

      hash = record_hash (&record);
      content_ok = g_strcmp0 (hash, stored) == 0;
      link_ok = g_strcmp0 (record.prev_hash, prev) == 0;
      if (content_ok && link_ok)
        {
          g_free (prev);
          prev = g_strdup (stored);
          expected++;
          (*n_checked)++;
          continue;
        }

      *first_broken = record.seq;
      if (!link_ok)
        {
          gint64 predecessor = find_hash (self, record.prev_hash);

          if (predecessor != 0 && predecessor != record.seq)
            /* Its predecessor is elsewhere in the table: moved. */
            fault = DOZOR_AUDIT_OUT_OF_ORDER;
          else if (content_ok)
            {
              /* Whole, but what it follows is not what it was chained to:
               * the record before it was changed and its hash made anew. */
              *first_broken = record.seq - 1;
              fault = DOZOR_AUDIT_MODIFIED;
            }
          else
            /* Neither its text nor its predecessor: the numbers were closed
             * up over a deleted record. */
            fault = DOZOR_AUDIT_MISSING;
        }
      else
        fault = DOZOR_AUDIT_MODIFIED;
    }

  if (fault == DOZOR_AUDIT_INTACT && rc != DOZOR_DB_DONE)
    dozor_store_set_db_error (self, error);
  *last = expected - 1;
  if (head != NULL)
    *head = g_steal_pointer (&prev);
  return fault;
}

/**
 * dozor_store_audit_hash:
 * @self: a #DozorStore
 * @seq: a record number
 *
 * Returns: (transfer full) (nullable): the hash stored for record @seq,
 *   the anchor's when @seq is the anchor, %NULL when there is no such
 *   record (any more, or yet)
 */
char *
dozor_store_audit_hash (DozorStore *self,
                        gint64      seq)
{
  g_autoptr(DozorDbStmt) stmt =
    dozor_store_prepare (self,
                         "SELECT hash FROM audit WHERE seq = ?1"
                         " UNION ALL SELECT hash FROM audit_anchor WHERE seq = ?1 LIMIT 1",
                         NULL);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_int64 (stmt, 1, seq);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/* RFC 4180: a field with a comma, quote or line break is quoted, its
 * quotes doubled. NULL is an empty field. */
static void
append_csv (GString    *out,
            const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      g_string_append (out, text);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static void
append_csv_record (GString      *out,
                   DozorDbStmt *stmt)
{
  for (int column = 0; column < 14; column++)
    {
      if (column > 0)
        g_string_append_c (out, ',');
      append_csv (out, dozor_db_column_text (stmt, column));
    }
  g_string_append (out, "\r\n");
}

/**
 * dozor_store_audit_export:
 * @self: a #DozorStore
 * @from: (nullable): RFC 3339 UTC: records from this time on
 * @to: (nullable): RFC 3339 UTC: records before this time
 * @format: JSON (`{"from", "to", "anchor", "records": […]}`, records as
 *   `GET /audit` has them) or CSV (a header line, then one line a record)
 * @out: where to write
 * @n_records: (out) (optional): how many records were written
 * @error: return location for a #GError
 *
 * Returns: whether the window was written whole
 */
gboolean
dozor_store_audit_export (DozorStore        *self,
                          const char        *from,
                          const char        *to,
                          DozorAuditFormat   format,
                          GOutputStream     *out,
                          guint             *n_records,
                          GError           **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *anchor_hash = NULL;
  gboolean csv = format == DOZOR_AUDIT_FORMAT_CSV;
  gint64 anchor_seq = 0;
  guint count = 0;
  int rc;

  if (!read_anchor (self, &anchor_seq, &anchor_hash, error))
    return FALSE;
  stmt = dozor_store_prepare (self,
                              "SELECT " AUDIT_COLUMNS ", " AUDIT_JSON " FROM audit"
                              " WHERE (CAST(?1 AS TEXT) IS NULL OR time >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR time < ?2) ORDER BY seq",
                              error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);

  if (csv)
    {
      g_string_append (text, "seq,time,username,role,address,client,action,entity_type,entity_id,status,"
                             "before,after,prev_hash,hash\r\n");
    }
  else
    {
      g_string_append (text, "{\"from\":");
      dozor_json_append_string (text, from);
      g_string_append (text, ",\"to\":");
      dozor_json_append_string (text, to);
      g_string_append (text, ",\"anchor\":");
      append_anchor (text, anchor_seq, anchor_hash);
      g_string_append (text, ",\"records\":[");
    }

  /* Written a record at a time: a year of records need not fit in memory. */
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      if (csv)
        append_csv_record (text, stmt);
      else
        {
          g_string_append (text, count > 0 ? ",\n" : "\n");
          g_string_append (text, dozor_db_column_text (stmt, 14));
        }
      count++;
      if (text->len > 64 * 1024)
        {
          if (!g_output_stream_write_all (out, text->str, text->len, NULL, NULL, error))
            return FALSE;
          g_string_truncate (text, 0);
        }
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  if (!csv)
    g_string_append (text, "\n]}\n");
  if (!g_output_stream_write_all (out, text->str, text->len, NULL, NULL, error))
    return FALSE;
  if (n_records != NULL)
    *n_records = count;
  return TRUE;
}
