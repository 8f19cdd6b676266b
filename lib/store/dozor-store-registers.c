/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The duty officer's registers (docs/api.md, "Registers"): incoming and
 * outgoing messages (telegram, phone message, fax), numbered per direction
 * and year, and orientations (wanted persons and vehicles) until they are
 * cancelled. A register holds thousands of rows a year, so a search scans
 * a case-folded copy of each row's text: no index to keep in step, and
 * Kazakh and Russian letters fold as GLib folds them (SQLite's own
 * lower() and LIKE fold ASCII only).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "dozor-store-private.h"
#include "dozor-store-shiftbook.h"

#define MAX_LISTED 10000
#define DEFAULT_LISTED 1000
#define MAX_MATCHES 50
/* At most this many words of a query are looked for. */
#define MAX_WORDS 16

static const char *const directions[] = { "in", "out", NULL };
static const char *const message_kinds[] = { "telegram", "phone", "fax", NULL };
static const char *const orientation_kinds[] = { "person", "vehicle", NULL };

#define MESSAGE_JSON \
  "json_object('id', id, 'direction', direction, 'kind', kind, 'number', number, 'year', year," \
  " 'time', time, 'ref', ref, 'sender', sender, 'addressee', addressee, 'summary', summary," \
  " 'action', action, 'registered_by', registered_by, 'registered_at', registered_at, 'version', version)"

#define ORIENTATION_JSON \
  "json_object('id', id, 'kind', kind, 'name', name, 'plate', plate, 'description', description," \
  " 'issued_by', issued_by, 'issued_at', issued_at, 'registered_by', registered_by," \
  " 'registered_at', registered_at, 'active', json(CASE WHEN cancelled_at IS NULL THEN 'true' ELSE 'false' END)," \
  " 'cancellation', CASE WHEN cancelled_at IS NULL THEN NULL ELSE" \
  "   json_object('by', cancelled_by, 'at', cancelled_at, 'reason', cancel_reason) END, 'version', version)"

/* What a row's search text is made of, per table. */
#define MESSAGE_TEXT \
  "SELECT number || '/' || year || ' ' || COALESCE(ref, '') || ' ' || sender || ' ' || addressee || ' '" \
  " || summary || ' ' || action FROM messages WHERE id = ?1"
#define ORIENTATION_TEXT \
  "SELECT COALESCE(name, '') || ' ' || COALESCE(plate, '') || ' ' || COALESCE(plate_key, '') || ' '" \
  " || description || ' ' || issued_by FROM orientations WHERE id = ?1"

/**
 * dozor_store_create_registers:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Returns: whether the registers' tables are there
 */
gboolean
dozor_store_create_registers (DozorStore  *self,
                              GError     **error)
{
  return dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS messages ("
                           "  id TEXT PRIMARY KEY, direction TEXT NOT NULL, kind TEXT NOT NULL,"
                           "  year INTEGER NOT NULL, number INTEGER NOT NULL, time TEXT NOT NULL, ref TEXT,"
                           "  sender TEXT NOT NULL, addressee TEXT NOT NULL, summary TEXT NOT NULL,"
                           "  action TEXT NOT NULL, registered_by TEXT NOT NULL, registered_at TEXT NOT NULL,"
                           "  search TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL,"
                           /* A register's numbers: one per direction and year, never twice. */
                           "  UNIQUE (direction, year, number));"
                           "CREATE INDEX IF NOT EXISTS messages_by_time ON messages (time);"
                           "CREATE TABLE IF NOT EXISTS orientations ("
                           "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, plate TEXT, plate_key TEXT,"
                           "  description TEXT NOT NULL, issued_by TEXT NOT NULL, issued_at TEXT NOT NULL,"
                           "  registered_by TEXT NOT NULL, registered_at TEXT NOT NULL,"
                           "  cancelled_by TEXT, cancelled_at TEXT, cancel_reason TEXT,"
                           "  search TEXT NOT NULL DEFAULT '', version INTEGER NOT NULL);"
                           "CREATE INDEX IF NOT EXISTS orientations_by_issued_at ON orientations (issued_at);",
                           error);
}

/* Text as searches compare it: compatibility forms joined (NFKC), case folded. */
static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);

  return normal != NULL ? g_utf8_casefold (normal, -1) : g_strdup ("");
}

/* A plate as it is compared: letters and digits only, case folded, and
 * the Cyrillic letters that look like the Latin ones of a Kazakh plate
 * read as those (an operator types "А" for "A" and cannot see it). */
static char *
plate_key (const char *plate)
{
  static const char cyrillic[] = "авекмнорстух";
  static const char latin[] = "abekmhopctyx";
  g_autofree char *folded = fold (plate);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *look_alike;

      if (!g_unichar_isalnum (c))
        continue;
      look_alike = g_utf8_strchr (cyrillic, -1, c);
      if (look_alike != NULL)
        g_string_append_c (out, latin[g_utf8_pointer_to_offset (cyrillic, look_alike)]);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* Rewrites the row's search text from what @text_sql selects. */
static gboolean
refresh_search (DozorStore  *self,
                const char  *table,
                const char  *text_sql,
                const char  *id,
                GError     **error)
{
  g_autofree char *text = dozor_store_query_text (self, text_sql, id, NULL, error);
  g_autofree char *folded = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(DozorDbStmt) update = NULL;

  if (text == NULL)
    return FALSE;
  folded = fold (text);
  sql = g_strdup_printf ("UPDATE %s SET search = ?2 WHERE id = ?1", table);
  update = dozor_store_prepare (self, sql, error);
  if (update == NULL)
    return FALSE;
  dozor_db_bind_text (update, 1, id);
  dozor_db_bind_text (update, 2, folded);
  if (dozor_db_step (update) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

/* @value, if not %NULL, is one of @choices; else 422 naming @field. */
static gboolean
check_choice (const char        *field,
              const char        *value,
              const char *const *choices,
              GError           **error)
{
  g_autofree char *list = NULL;
  g_autofree char *why = NULL;

  if (value == NULL || g_strv_contains (choices, value))
    return TRUE;
  list = g_strjoinv (", ", (char **) choices);
  why = g_strdup_printf (_("must be one of %s"), list);
  return dozor_store_set_invalid (error, field, why);
}

static gboolean
get_choice (JsonObject        *input,
            const char        *field,
            const char *const *choices,
            const char       **value,
            GError           **error)
{
  return dozor_store_get_text (input, field, DOZOR_FIELD_NAME, TRUE, 64, value, error) &&
         check_choice (field, *value, choices, error);
}

/* A query's parameter that must be one of @choices, if given. */
static gboolean
get_query_choice (GHashTable        *query,
                  const char        *name,
                  const char *const *choices,
                  const char       **value,
                  GError           **error)
{
  *value = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  return check_choice (name, *value, choices, error);
}

static gboolean
bind_and_run (DozorStore          *self,
              DozorDbStmt        *stmt,
              const char *const   *values,
              guint                n_values,
              GError             **error)
{
  for (guint i = 0; i < n_values; i++)
    dozor_db_bind_text (stmt, i + 1, values[i]);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  return TRUE;
}

/**
 * dozor_store_create_message:
 * @self: a #DozorStore, in a transaction
 * @input: direction, kind, sender, addressee, summary, time?, ref?, action?
 * @by: who registers it
 * @error: return location for a #GError
 *
 * Registers the message under the next number of its direction and of
 * the year of its time (UTC), and writes `message.created`.
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
JsonNode *
dozor_store_create_message (DozorStore  *self,
                            JsonObject  *input,
                            const char  *by,
                            GError     **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autofree char *time = NULL;
  g_autofree char *year = NULL;
  g_autofree char *number = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  const char *direction, *kind, *ref, *sender, *addressee, *summary, *action;

  if (!get_choice (input, "direction", directions, &direction, error) ||
      !get_choice (input, "kind", message_kinds, &kind, error) ||
      !dozor_store_get_time_not_ahead (input, "time", &time, error) ||
      !dozor_store_get_text (input, "ref", DOZOR_FIELD_NAME, FALSE, 64, &ref, error) ||
      !dozor_store_get_text (input, "sender", DOZOR_FIELD_TEXT, TRUE, 256, &sender, error) ||
      !dozor_store_get_text (input, "addressee", DOZOR_FIELD_TEXT, TRUE, 256, &addressee, error) ||
      !dozor_store_get_text (input, "summary", DOZOR_FIELD_TEXT, TRUE, 2000, &summary, error) ||
      !dozor_store_get_text (input, "action", DOZOR_FIELD_TEXT, FALSE, 2000, &action, error))
    return NULL;
  if (time == NULL)
    time = g_strdup (now);
  year = g_strndup (time, 4);

  /* In the command's transaction: nobody else takes the number meanwhile.
   * The year and number go as text: cast, since PostgreSQL compares and
   * stores a text with an integer column only so. */
  number = dozor_store_query_text (self,
                                   "SELECT COALESCE(MAX(number), 0) + 1 FROM messages WHERE direction = ?1"
                                   " AND year = CAST(?2 AS INTEGER)",
                                   direction, year, error);
  insert = number != NULL ? dozor_store_prepare (self,
                                                 "INSERT INTO messages (id, direction, kind, year, number, time, ref,"
                                                 " sender, addressee, summary, action, registered_by, registered_at,"
                                                 " version) VALUES (?1, ?2, ?3, CAST(?4 AS INTEGER), CAST(?5 AS INTEGER), ?6,"
                                                 " ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1)",
                                                 error)
                          : NULL;
  if (insert == NULL ||
      !bind_and_run (self, insert,
                     (const char *[]) { id, direction, kind, year, number, time, ref, sender, addressee, summary,
                                        action != NULL ? action : "", by, now },
                     13, error) ||
      !refresh_search (self, "messages", MESSAGE_TEXT, id, error))
    return NULL;
  return dozor_store_announce (self, "SELECT " MESSAGE_JSON " FROM messages WHERE id = ?1", id, "message.created", "message",
                   error);
}

/* NOT_FOUND or STALE for the row @id of @table at @version (-1: any). */
static gboolean
check_version (DozorStore  *self,
               const char  *table,
               const char  *id,
               gint64       version,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT version FROM %s WHERE id = ?1", table);
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, error);
  gboolean message = g_str_equal (table, "messages");
  int rc;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND,
                   message ? _("No message “%s”") : _("No orientation “%s”"), id);
      return FALSE;
    }
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  if (version >= 0 && version != dozor_db_column_int64 (stmt, 0))
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_STALE,
                   message ? _("The message has changed meanwhile: it is at version %lld, not %lld")
                           : _("The orientation has changed meanwhile: it is at version %lld, not %lld"),
                   (long long) dozor_db_column_int64 (stmt, 0), (long long) version);
      return FALSE;
    }
  return TRUE;
}

/**
 * dozor_store_update_message:
 * @self: a #DozorStore, in a transaction
 * @id: the message
 * @version: the version the client based the change on
 * @changes: ref?, sender?, addressee?, summary?, action?
 * @error: return location for a #GError
 *
 * What was done is often written later than the message: the register
 * row takes it, with `message.updated`. Number, direction, kind and time
 * stay as registered.
 *
 * Returns: (transfer full): the message, or %NULL with @error set
 */
JsonNode *
dozor_store_update_message (DozorStore  *self,
                            const char  *id,
                            gint64       version,
                            JsonObject  *changes,
                            GError     **error)
{
  g_autoptr(DozorDbStmt) update = NULL;
  const char *ref, *sender, *addressee, *summary, *action;

  if (!dozor_store_get_text (changes, "ref", DOZOR_FIELD_NAME, FALSE, 64, &ref, error) ||
      !dozor_store_get_text (changes, "sender", DOZOR_FIELD_TEXT, FALSE, 256, &sender, error) ||
      !dozor_store_get_text (changes, "addressee", DOZOR_FIELD_TEXT, FALSE, 256, &addressee, error) ||
      !dozor_store_get_text (changes, "summary", DOZOR_FIELD_TEXT, FALSE, 2000, &summary, error) ||
      !dozor_store_get_text (changes, "action", DOZOR_FIELD_TEXT, FALSE, 2000, &action, error) ||
      !check_version (self, "messages", id, version, error))
    return NULL;
  if ((sender != NULL && *sender == '\0') || (addressee != NULL && *addressee == '\0') ||
      (summary != NULL && *summary == '\0'))
    return dozor_store_set_invalid (error, sender != NULL && *sender == '\0' ? "sender"
                                           : addressee != NULL && *addressee == '\0' ? "addressee" : "summary",
                                    _("must not be empty")), NULL;

  update = dozor_store_prepare (self,
                                "UPDATE messages SET ref = COALESCE(?2, ref), sender = COALESCE(?3, sender),"
                                " addressee = COALESCE(?4, addressee), summary = COALESCE(?5, summary),"
                                " action = COALESCE(?6, action), version = version + 1 WHERE id = ?1",
                                error);
  if (update == NULL ||
      !bind_and_run (self, update, (const char *[]) { id, ref, sender, addressee, summary, action }, 6, error) ||
      !refresh_search (self, "messages", MESSAGE_TEXT, id, error))
    return NULL;
  return dozor_store_announce (self, "SELECT " MESSAGE_JSON " FROM messages WHERE id = ?1", id, "message.updated", "message",
                   error);
}

/* The words of `q`, folded; every one must be in a row's search text. */
static char **
query_words (GHashTable *query)
{
  const char *q = query != NULL ? g_hash_table_lookup (query, "q") : NULL;
  g_autofree char *folded = NULL;
  g_auto(GStrv) words = NULL;
  GPtrArray *kept = g_ptr_array_new ();

  if (q != NULL)
    {
      folded = fold (q);
      words = g_strsplit_set (folded, " \t\r\n", -1);
      for (guint i = 0; words[i] != NULL && kept->len < MAX_WORDS; i++)
        if (*words[i] != '\0')
          g_ptr_array_add (kept, g_strdup (words[i]));
    }
  g_ptr_array_add (kept, NULL);
  return (char **) g_ptr_array_free (kept, FALSE);
}

/* Runs @stmt (JSON in column 0, search text in 1) and keeps the rows
 * holding every word, at most @limit: `{"@member": […], "truncated": b}`. */
static char *
collect (DozorStore    *self,
         DozorDbStmt  *stmt,
         const char    *member,
         char         **words,
         guint          limit,
         GError       **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  guint kept = 0;
  gboolean truncated = FALSE;
  int rc;

  g_string_append_printf (out, "{\"%s\":[", member);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      const char *search = dozor_db_column_text (stmt, 1);
      gboolean all = TRUE;

      for (guint i = 0; words[i] != NULL && all; i++)
        all = strstr (search, words[i]) != NULL;
      if (!all)
        continue;
      if (kept == limit)
        {
          truncated = TRUE;
          break;
        }
      if (kept++ > 0)
        g_string_append_c (out, ',');
      g_string_append (out, dozor_db_column_text (stmt, 0));
    }
  if (rc != DOZOR_DB_DONE && rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  g_string_append_printf (out, "],\"truncated\":%s}", truncated ? "true" : "false");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * dozor_store_list_messages:
 * @self: a #DozorStore
 * @query: (nullable): `q`, `from`, `to`, `direction`, `kind`, `limit`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the messages of the window holding every word
 *   of `q`, by time, or %NULL with @error set
 */
char *
dozor_store_list_messages (DozorStore  *self,
                           GHashTable  *query,
                           GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_auto(GStrv) words = query_words (query);
  g_autoptr(DozorDbStmt) stmt = NULL;
  const char *direction, *kind;
  guint limit;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error) ||
      !get_query_choice (query, "direction", directions, &direction, error) ||
      !get_query_choice (query, "kind", message_kinds, &kind, error) ||
      !dozor_store_get_limit (query, DEFAULT_LISTED, MAX_LISTED, &limit, error))
    return NULL;
  stmt = dozor_store_prepare (self,
                              "SELECT " MESSAGE_JSON ", search FROM messages"
                              " WHERE time >= COALESCE(?1, '') AND time < COALESCE(?2, '~')"
                              " AND direction = COALESCE(?3, direction) AND kind = COALESCE(?4, kind)"
                              " ORDER BY time, direction, number",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  dozor_db_bind_text (stmt, 3, direction);
  dozor_db_bind_text (stmt, 4, kind);
  return collect (self, stmt, "messages", words, limit, error);
}

/**
 * dozor_store_create_orientation:
 * @self: a #DozorStore, in a transaction
 * @input: kind, description, issued_by, name?, plate?, issued_at?
 * @by: who registers it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the orientation, active, or %NULL with @error set
 */
JsonNode *
dozor_store_create_orientation (DozorStore  *self,
                                JsonObject  *input,
                                const char  *by,
                                GError     **error)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autofree char *issued_at = NULL;
  g_autofree char *key = NULL;
  g_autoptr(DozorDbStmt) insert = NULL;
  const char *kind, *name, *plate, *description, *issued_by;

  if (!get_choice (input, "kind", orientation_kinds, &kind, error) ||
      !dozor_store_get_text (input, "name", DOZOR_FIELD_NAME, FALSE, 128, &name, error) ||
      !dozor_store_get_text (input, "plate", DOZOR_FIELD_NAME, FALSE, 32, &plate, error) ||
      !dozor_store_get_text (input, "description", DOZOR_FIELD_TEXT, TRUE, 2000, &description, error) ||
      !dozor_store_get_text (input, "issued_by", DOZOR_FIELD_TEXT, TRUE, 256, &issued_by, error) ||
      !dozor_store_get_time_not_ahead (input, "issued_at", &issued_at, error))
    return NULL;
  if (plate != NULL && g_str_equal (kind, "person"))
    return dozor_store_set_invalid (error, "plate", _("only a vehicle has a plate")), NULL;
  if (plate != NULL)
    {
      key = plate_key (plate);
      if (*key == '\0')
        return dozor_store_set_invalid (error, "plate", _("must hold letters or digits")), NULL;
    }
  if (name != NULL && *name == '\0')
    name = NULL;

  insert = dozor_store_prepare (self,
                                "INSERT INTO orientations (id, kind, name, plate, plate_key, description, issued_by,"
                                " issued_at, registered_by, registered_at, version)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1)",
                                error);
  if (insert == NULL ||
      !bind_and_run (self, insert,
                     (const char *[]) { id, kind, name, plate, key, description, issued_by,
                                        issued_at != NULL ? issued_at : now, by, now },
                     10, error) ||
      !refresh_search (self, "orientations", ORIENTATION_TEXT, id, error))
    return NULL;
  return dozor_store_announce (self, "SELECT " ORIENTATION_JSON " FROM orientations WHERE id = ?1", id, "orientation.created",
                   "orientation", error);
}

/**
 * dozor_store_cancel_orientation:
 * @self: a #DozorStore, in a transaction
 * @id: the orientation
 * @version: the version the client saw, or -1
 * @input: reason
 * @by: who cancels it
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the orientation, cancelled, or %NULL with @error set
 */
JsonNode *
dozor_store_cancel_orientation (DozorStore  *self,
                                const char  *id,
                                gint64       version,
                                JsonObject  *input,
                                const char  *by,
                                GError     **error)
{
  g_autofree char *now = dozor_store_now ();
  g_autofree char *cancelled_by = NULL;
  g_autoptr(DozorDbStmt) update = NULL;
  const char *reason;

  if (!dozor_store_get_text (input, "reason", DOZOR_FIELD_TEXT, TRUE, 500, &reason, error) ||
      !check_version (self, "orientations", id, version, error))
    return NULL;
  cancelled_by = dozor_store_query_text (self, "SELECT COALESCE(cancelled_by, '') FROM orientations WHERE id = ?1",
                                         id, NULL, error);
  if (cancelled_by == NULL)
    return NULL;
  if (*cancelled_by != '\0')
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                   _("The orientation was cancelled already by %s"), cancelled_by);
      return NULL;
    }

  update = dozor_store_prepare (self,
                                "UPDATE orientations SET cancelled_by = ?2, cancelled_at = ?3, cancel_reason = ?4,"
                                " version = version + 1 WHERE id = ?1",
                                error);
  if (update == NULL || !bind_and_run (self, update, (const char *[]) { id, by, now, reason }, 4, error))
    return NULL;
  return dozor_store_announce (self, "SELECT " ORIENTATION_JSON " FROM orientations WHERE id = ?1", id, "orientation.cancelled",
                   "orientation", error);
}

/* `active`: absent, 0 (all) or 1 (only those not cancelled). */
static gboolean
get_active (GHashTable  *query,
            gboolean    *only_active,
            GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "active") : NULL;

  *only_active = g_strcmp0 (text, "1") == 0;
  if (text != NULL && !g_str_equal (text, "0") && !g_str_equal (text, "1"))
    return dozor_store_set_invalid (error, "active", _("must be 0 or 1"));
  return TRUE;
}

/**
 * dozor_store_list_orientations:
 * @self: a #DozorStore
 * @query: (nullable): `q`, `active`, `from`, `to`, `kind`, `limit`
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the orientations issued in the window holding
 *   every word of `q`, by time, or %NULL with @error set
 */
char *
dozor_store_list_orientations (DozorStore  *self,
                               GHashTable  *query,
                               GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_auto(GStrv) words = query_words (query);
  g_autoptr(DozorDbStmt) stmt = NULL;
  const char *kind;
  gboolean only_active;
  guint limit;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error) ||
      !get_query_choice (query, "kind", orientation_kinds, &kind, error) ||
      !get_active (query, &only_active, error) ||
      !dozor_store_get_limit (query, DEFAULT_LISTED, MAX_LISTED, &limit, error))
    return NULL;
  stmt = dozor_store_prepare (self,
                              "SELECT " ORIENTATION_JSON ", search FROM orientations"
                              " WHERE issued_at >= COALESCE(?1, '') AND issued_at < COALESCE(?2, '~')"
                              " AND kind = COALESCE(?3, kind) AND (?4 = 0 OR cancelled_at IS NULL)"
                              " ORDER BY issued_at, id",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  dozor_db_bind_text (stmt, 3, kind);
  dozor_db_bind_int64 (stmt, 4, only_active);
  return collect (self, stmt, "orientations", words, limit, error);
}

/* Whether @word is one of the words of @folded_text (split at anything
 * but a letter or digit). */
static gboolean
has_word (char *const *text_words,
          const char  *word)
{
  for (guint i = 0; text_words[i] != NULL; i++)
    if (g_str_equal (text_words[i], word))
      return TRUE;
  return FALSE;
}

static char **
split_words (const char *folded_text)
{
  GPtrArray *words = g_ptr_array_new ();
  GString *word = g_string_new (NULL);

  for (const char *p = folded_text;; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (word, c);
          continue;
        }
      if (word->len > 0)
        g_ptr_array_add (words, g_strdup (word->str));
      g_string_truncate (word, 0);
      if (c == 0)
        break;
    }
  g_string_free (word, TRUE);
  g_ptr_array_add (words, NULL);
  return (char **) g_ptr_array_free (words, FALSE);
}

/**
 * dozor_store_match_orientations:
 * @self: a #DozorStore
 * @query: `text`, what the operator typed
 * @error: return location for a #GError
 *
 * The active orientations the text may be about: a vehicle whose plate
 * appears in it (letters and digits only, see plate_key()), a person
 * whose surname (the name's first word: the duty log writes surnames
 * first) is one of its words.
 *
 * Returns: (transfer full): `{"matches": [{"orientation", "reasons"}]}`,
 *   or %NULL with @error set
 */
char *
dozor_store_match_orientations (DozorStore  *self,
                                GHashTable  *query,
                                GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, "text") : NULL;
  const char *refused;
  g_autofree char *folded = NULL;
  g_autofree char *text_key = NULL;
  g_auto(GStrv) text_words = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GString) out = g_string_new ("{\"matches\":[");
  guint kept = 0;
  int rc;

  if (text == NULL)
    return dozor_store_set_invalid (error, "text", _("is required")), NULL;
  refused = dozor_field_check_text (DOZOR_FIELD_TEXT, text);
  if (refused != NULL)
    return dozor_store_set_invalid (error, "text", refused), NULL;
  if (g_utf8_strlen (text, -1) > 2000)
    return dozor_store_set_invalid (error, "text", _("is too long")), NULL;

  folded = fold (text);
  text_key = plate_key (text);
  text_words = split_words (folded);
  stmt = dozor_store_prepare (self,
                              "SELECT " ORIENTATION_JSON ", plate_key, name FROM orientations"
                              " WHERE cancelled_at IS NULL ORDER BY issued_at DESC, id",
                              error);
  if (stmt == NULL)
    return NULL;
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW && kept < MAX_MATCHES)
    {
      const char *key = dozor_db_column_text (stmt, 1);
      const char *name = dozor_db_column_text (stmt, 2);
      /* A plate of a few characters would be found in any long text. */
      gboolean by_plate = key != NULL && strlen (key) >= 4 && strstr (text_key, key) != NULL;
      gboolean by_name = FALSE;

      if (name != NULL)
        {
          g_autofree char *folded_name = fold (name);
          g_auto(GStrv) name_words = split_words (folded_name);

          by_name = name_words[0] != NULL && g_utf8_strlen (name_words[0], -1) >= 2 &&
                    has_word (text_words, name_words[0]);
        }
      if (!by_plate && !by_name)
        continue;
      if (kept++ > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"orientation\":%s,\"reasons\":[%s%s%s]}",
                              dozor_db_column_text (stmt, 0), by_plate ? "\"plate\"" : "",
                              by_plate && by_name ? "," : "", by_name ? "\"name\"" : "");
    }
  if (rc != DOZOR_DB_DONE && rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The audit trail's before and after of a message or an orientation. */
const char *
dozor_store_registers_entity_sql (const char *kind)
{
  if (g_strcmp0 (kind, "message") == 0)
    return "SELECT " MESSAGE_JSON " FROM messages WHERE id = ?1";
  if (g_strcmp0 (kind, "orientation") == 0)
    return "SELECT " ORIENTATION_JSON " FROM orientations WHERE id = ?1";
  return NULL;
}
