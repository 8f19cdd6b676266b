/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Repeated calls (docs/api.md, "Repeated calls"): which open or recently
 * closed incidents a new report may be about, a call attached to one of
 * them instead of a duplicate, and the count per incident and per window
 * by which the rules judge a shift. The radius and the window of closed
 * incidents are dozord's settings, kept in the state table.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-field.h"
#include "dozor-geo.h"
#include "dozor-store-private.h"

#define DEFAULT_RADIUS_M 300.0
#define DEFAULT_WINDOW_H 2.0
/* An intake shows a handful; more would hide the likely ones. */
#define MAX_MATCHES 50
#define MAX_BY_INCIDENT 1000

#define CALL_JSON DOZOR_STORE_CALL_JSON

/**
 * dozor_store_create_calls:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Returns: whether the calls' table and the incidents' count are there
 */
gboolean
dozor_store_create_calls (DozorStore  *self,
                          GError     **error)
{
  return dozor_store_ensure_column (self, "incidents", "calls", "INTEGER NOT NULL DEFAULT 0", error) &&
         dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS calls ("
                           "  id TEXT PRIMARY KEY,"
                           "  incident_id TEXT NOT NULL REFERENCES incidents (id),"
                           "  caller_name TEXT NOT NULL, caller_phone TEXT NOT NULL,"
                           "  phone_key TEXT, text TEXT NOT NULL,"
                           "  received_at TEXT NOT NULL, attached_by TEXT NOT NULL, attached_at TEXT NOT NULL);"
                           "CREATE INDEX IF NOT EXISTS calls_by_incident ON calls (incident_id);"
                           /* Counts per shift read a window of calls. */
                           "CREATE INDEX IF NOT EXISTS calls_by_received_at ON calls (received_at);",
                           error);
}

static double
rule (DozorStore *self,
      const char *key,
      double      fallback)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT value FROM state WHERE key = ?1", NULL);

  if (stmt == NULL)
    return fallback;
  dozor_db_bind_text (stmt, 1, key);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return fallback;
  return g_ascii_strtod (dozor_db_column_text (stmt, 0), NULL);
}

/**
 * dozor_store_set_repeat_rules:
 * @self: a #DozorStore, outside a transaction
 * @radius_m: a report this close to an incident may be about it (N)
 * @window_h: hours a closed incident still takes repeated calls (M)
 * @error: return location for a #GError
 *
 * Returns: whether the rules were stored
 */
gboolean
dozor_store_set_repeat_rules (DozorStore  *self,
                              double       radius_m,
                              double       window_h,
                              GError     **error)
{
  char radius[G_ASCII_DTOSTR_BUF_SIZE];
  char window[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *sql = NULL;

  g_ascii_dtostr (radius, sizeof radius, radius_m);
  g_ascii_dtostr (window, sizeof window, window_h);
  sql = g_strdup_printf ("INSERT INTO state VALUES ('repeat_radius_m', '%s'), ('repeat_window_h', '%s')"
                         " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         radius, window);
  return dozor_store_exec (self, sql, error);
}

/* The earliest closing time that still takes calls at @at. */
static char *
window_start (double     window_h,
              GDateTime *at)
{
  g_autoptr(GDateTime) start = g_date_time_add (at, (GTimeSpan) (-window_h * G_TIME_SPAN_HOUR));

  /* Before the year 1: every closing time is after it. */
  if (start == NULL)
    return g_strdup ("");
  return g_date_time_format (start, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static gboolean
get_coordinate (GHashTable  *query,
                const char  *name,
                double       limit,
                double      *value,
                GError     **error)
{
  const char *text = g_hash_table_lookup (query, name);
  char *end = NULL;

  if (text == NULL)
    return dozor_store_set_invalid (error, name, _("is required"));
  /* Decimal degrees only: g_ascii_strtod() would also read hexadecimal. */
  *value = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0' || !isfinite (*value) ||
      text[strspn (text, "0123456789.eE+-")] != '\0')
    return dozor_store_set_invalid (error, name, _("must be a number"));
  if (fabs (*value) > limit)
    {
      g_autofree char *why = g_strdup_printf (_("must be between %g and %g"), -limit, limit);

      return dozor_store_set_invalid (error, name, why);
    }
  return TRUE;
}

typedef struct
{
  char *id;         /* the incident */
  double distance_m; /* NAN without a point */
  gboolean near;
  gboolean phone;
  char *created_at;
} Match;

static void
match_clear (gpointer data)
{
  Match *match = data;

  g_free (match->id);
  g_free (match->created_at);
}

static int
match_compare (gconstpointer a,
               gconstpointer b)
{
  const Match *x = a, *y = b;

  if (x->phone != y->phone)
    return x->phone ? -1 : 1;
  if (!isnan (x->distance_m) && x->distance_m != y->distance_m)
    return x->distance_m < y->distance_m ? -1 : 1;
  return -g_strcmp0 (x->created_at, y->created_at);
}

/* Ids of the candidates with a call of this number attached. */
static GHashTable *
incidents_called_from (DozorStore  *self,
                       const char  *key,
                       GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT DISTINCT incident_id FROM calls WHERE phone_key = ?1",
                                                      error);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, key);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_hash_table_add (ids, g_strdup (dozor_db_column_text (stmt, 0)));
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;
  return g_steal_pointer (&ids);
}

/**
 * dozor_store_find_matches:
 * @self: a #DozorStore
 * @query: (nullable): `lat`, `lon`, `phone`, `at` as the request gave them
 * @error: return location for a #GError
 *
 * The open incidents, and those closed within the window, that lie within
 * the radius of the point or were reported from the same number. A plain
 * scan: the candidates are a few hundred at most.
 *
 * Returns: (transfer full): the answer's JSON, or %NULL with @error set
 */
char *
dozor_store_find_matches (DozorStore  *self,
                          GHashTable  *query,
                          GError     **error)
{
  double radius_m = rule (self, "repeat_radius_m", DEFAULT_RADIUS_M);
  double window_h = rule (self, "repeat_window_h", DEFAULT_WINDOW_H);
  g_autoptr(GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GArray) matches = g_array_new (FALSE, TRUE, sizeof (Match));
  g_autoptr(GHashTable) called = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cutoff = NULL;
  g_autofree char *at_text = NULL;
  const char *phone;
  gboolean has_point;
  double lat = 0, lon = 0;
  char number[G_ASCII_DTOSTR_BUF_SIZE], hours[G_ASCII_DTOSTR_BUF_SIZE];
  int rc;

  g_array_set_clear_func (matches, match_clear);
  if (query == NULL)
    query = empty;

  has_point = g_hash_table_contains (query, "lat") || g_hash_table_contains (query, "lon");
  if (has_point && (!get_coordinate (query, "lat", 90, &lat, error) || !get_coordinate (query, "lon", 180, &lon, error)))
    return NULL;

  phone = g_hash_table_lookup (query, "phone");
  if (phone != NULL)
    {
      const char *refused = dozor_field_check_text (DOZOR_FIELD_NAME, phone);

      if (refused != NULL)
        return dozor_store_set_invalid (error, "phone", refused), NULL;
      if (g_utf8_strlen (phone, -1) > 32)
        return dozor_store_set_invalid (error, "phone", _("is too long")), NULL;
      key = dozor_field_phone_key (phone);
    }
  if (!has_point && phone == NULL)
    return dozor_store_set_invalid (error, "lat", _("a point (lat, lon) or a phone is needed")), NULL;

  /* Kept as a GDateTime: the store's text of a time before the year 1000
   * would not parse back. */
  if (g_hash_table_contains (query, "at"))
    {
      g_autoptr(GDateTime) given = g_date_time_new_from_iso8601 (g_hash_table_lookup (query, "at"), NULL);

      if (given == NULL)
        return dozor_store_set_invalid (error, "at", _("must be an RFC 3339 time")), NULL;
      at = g_date_time_to_utc (given);
    }
  else
    {
      at = g_date_time_new_now_utc ();
    }
  at_text = g_date_time_format_iso8601 (at);
  cutoff = window_start (window_h, at);

  if (key != NULL)
    {
      called = incidents_called_from (self, key, error);
      if (called == NULL)
        return NULL;
    }

  stmt = dozor_store_prepare (self,
                              "SELECT id, lat, lon, caller_phone, created_at FROM incidents"
                              " WHERE status <> 'closed' OR closed_at >= ?1",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, cutoff);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      const char *id = dozor_db_column_text (stmt, 0);
      Match match = { NULL, NAN, FALSE, FALSE, NULL };

      if (has_point)
        {
          match.distance_m = dozor_geo_distance_m (lat, lon, dozor_db_column_double (stmt, 1),
                                                   dozor_db_column_double (stmt, 2));
          match.near = match.distance_m <= radius_m;
        }
      if (key != NULL)
        {
          g_autofree char *own = dozor_field_phone_key (dozor_db_column_text (stmt, 3));

          match.phone = g_strcmp0 (own, key) == 0 || g_hash_table_contains (called, id);
        }
      if (!match.near && !match.phone)
        continue;
      match.created_at = g_strdup (dozor_db_column_text (stmt, 4));
      match.id = g_strdup (id);
      g_array_append_val (matches, match);
    }
  if (rc != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  g_array_sort (matches, match_compare);

  /* Numbers with decimal points whatever dozord's locale (a Russian or
   * Kazakh one writes "2,5", which is no JSON). */
  out = g_string_new (NULL);
  g_string_append_printf (out, "{\"at\":\"%s\",\"radius_m\":%s,\"window_h\":%s,\"matches\":[", at_text,
                          g_ascii_formatd (number, sizeof number, "%.0f", radius_m),
                          g_ascii_formatd (hours, sizeof hours, "%g", window_h));
  for (guint i = 0; i < matches->len && i < MAX_MATCHES; i++)
    {
      const Match *match = &g_array_index (matches, Match, i);
      /* Only the shown few are written out in full. */
      g_autofree char *incident = dozor_store_incident_json (self, match->id);

      if (incident == NULL)
        return dozor_store_set_db_error (self, error), NULL;
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "{\"incident\":%s,\"distance_m\":", incident);
      if (isnan (match->distance_m))
        g_string_append (out, "null");
      else
        g_string_append (out, g_ascii_formatd (number, sizeof number, "%.1f", match->distance_m));
      g_string_append_printf (out, ",\"reasons\":[%s%s%s]}", match->near ? "\"distance\"" : "",
                              match->near && match->phone ? "," : "", match->phone ? "\"phone\"" : "");
    }
  g_string_append (out, "]}");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* NOT_FOUND, or CONFLICT for an incident closed before the window. */
static gboolean
check_takes_calls (DozorStore  *self,
                   const char  *incident_id,
                   GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, "SELECT status, closed_at FROM incidents WHERE id = ?1",
                                                      error);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *cutoff = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, incident_id);
  rc = dozor_db_step (stmt);
  if (rc == DOZOR_DB_DONE)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No incident “%s”"), incident_id);
      return FALSE;
    }
  if (rc != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  if (g_strcmp0 (dozor_db_column_text (stmt, 0), "closed") != 0)
    return TRUE;
  cutoff = window_start (rule (self, "repeat_window_h", DEFAULT_WINDOW_H), now);
  if (g_strcmp0 (dozor_db_column_text (stmt, 1), cutoff) >= 0)
    return TRUE;
  g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                       _("The incident was closed too long ago to take a call: its record is final"));
  return FALSE;
}

static char *
select_json (DozorStore  *self,
             const char  *sql,
             const char  *id,
             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, id);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/**
 * dozor_store_attach_call:
 * @self: a #DozorStore, in a transaction
 * @incident_id: the incident the call is about
 * @input: caller_name?, caller_phone?, text?, received_at?
 * @by: the operator who attaches it
 * @error: return location for a #GError
 *
 * Keeps a repeated call with its incident, counts it there, and writes
 * `call.attached` and `incident.updated`.
 *
 * Returns: (transfer full): `{"call", "incident"}`, or %NULL with @error set
 */
JsonNode *
dozor_store_attach_call (DozorStore  *self,
                         const char  *incident_id,
                         JsonObject  *input,
                         const char  *by,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autoptr(DozorDbStmt) count = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = dozor_store_now ();
  g_autofree char *received_at = NULL;
  g_autofree char *key = NULL;
  g_autofree char *call = NULL;
  g_autofree char *incident = NULL;
  g_autofree char *answer = NULL;
  const char *caller_name, *caller_phone, *text;

  if (!dozor_store_get_text (input, "caller_name", DOZOR_FIELD_TEXT, FALSE, 128, &caller_name, error) ||
      !dozor_store_get_text (input, "caller_phone", DOZOR_FIELD_TEXT, FALSE, 32, &caller_phone, error) ||
      !dozor_store_get_text (input, "text", DOZOR_FIELD_TEXT, FALSE, 2000, &text, error) ||
      !dozor_store_get_time_not_ahead (input, "received_at", &received_at, error) ||
      !check_takes_calls (self, incident_id, error))
    return NULL;

  key = dozor_field_phone_key (caller_phone);
  insert = dozor_store_prepare (self,
                                "INSERT INTO calls (id, incident_id, caller_name, caller_phone, phone_key, text,"
                                " received_at, attached_by, attached_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                                error);
  count = dozor_store_prepare (self, "UPDATE incidents SET calls = calls + 1, version = version + 1 WHERE id = ?1",
                               error);
  if (insert == NULL || count == NULL)
    return NULL;
  dozor_db_bind_text (insert, 1, id);
  dozor_db_bind_text (insert, 2, incident_id);
  dozor_db_bind_text (insert, 3, caller_name != NULL ? caller_name : "");
  dozor_db_bind_text (insert, 4, caller_phone != NULL ? caller_phone : "");
  dozor_db_bind_text (insert, 5, key);
  dozor_db_bind_text (insert, 6, text != NULL ? text : "");
  dozor_db_bind_text (insert, 7, received_at != NULL ? received_at : now);
  dozor_db_bind_text (insert, 8, by);
  dozor_db_bind_text (insert, 9, now);
  dozor_db_bind_text (count, 1, incident_id);
  if (dozor_db_step (insert) != DOZOR_DB_DONE || dozor_db_step (count) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error), NULL;

  call = select_json (self, "SELECT " CALL_JSON " FROM calls WHERE id = ?1", id, error);
  incident = call != NULL ? dozor_store_incident_json (self, incident_id) : NULL;
  if (call == NULL ||
      !dozor_store_append_event (self, "call.attached", "call", call, error) ||
      !dozor_store_append_event (self, "incident.updated", "incident", incident, error))
    return NULL;

  answer = g_strdup_printf ("{\"call\":%s,\"incident\":%s}", call, incident);
  return dozor_store_parse_json (answer, error);
}

/**
 * dozor_store_repeated_calls:
 * @self: a #DozorStore
 * @query: (nullable): `from`, `to` as the request gave them
 * @error: return location for a #GError
 *
 * The calls attached whose `received_at` lies in the window, how many
 * incidents they went to, and the count per incident: a shift's figure.
 *
 * Returns: (transfer full): the answer's JSON, or %NULL with @error set
 */
char *
dozor_store_repeated_calls (DozorStore  *self,
                            GHashTable  *query,
                            GError     **error)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error))
    return NULL;

  stmt = dozor_store_prepare (self,
                              "WITH w AS (SELECT incident_id FROM calls"
                              "   WHERE received_at >= COALESCE(?1, '') AND received_at < COALESCE(?2, '~')),"
                              " g AS (SELECT incident_id, COUNT(*) AS n FROM w GROUP BY incident_id)"
                              " SELECT json_object('from', ?1, 'to', ?2, 'calls', (SELECT COUNT(*) FROM w),"
                              "  'incidents', (SELECT COUNT(*) FROM g),"
                              "  'by_incident', (SELECT json(COALESCE(json_group_array(json(j)), '[]')) FROM"
                              "    (SELECT json_object('incident_id', i.id, 'number', i.number, 'type', i.type,"
                              "       'calls', g.n) AS j FROM g JOIN incidents i ON i.id = g.incident_id"
                              "     ORDER BY g.n DESC, i.created_at LIMIT ?3)))",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from);
  dozor_db_bind_text (stmt, 2, to);
  dozor_db_bind_int64 (stmt, 3, MAX_BY_INCIDENT);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error), NULL;
  return g_strdup (dozor_db_column_text (stmt, 0));
}
