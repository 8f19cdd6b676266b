/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's side of route compliance (docs/api.md, "Route compliance"):
 * each route's rules, and what dozord's compliance worker found —
 * deviations and reporting gaps — kept as rows for reads and the snapshot
 * and announced as events. A record the worker makes again (it replays the
 * shift's track after a restart) finds its row and writes nothing.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-compliance-monitor.h"
#include "dozor-store-private.h"

/* So that an event stays far under a stream frame's 64 KiB. */
#define STRETCH_MAX_IN_EVENT 500
/* A unit's deviations and gaps in one read. */
#define READ_MAX 1000

#define DEVIATION_JSON DOZOR_STORE_DEVIATION_JSON

/* A deviation's duration; one in progress counts up to its last fix, the
 * last of its stretch. */
#define DURATION_SO_FAR \
  "COALESCE(duration_s, (julianday(json_extract(stretch, '$[' || (json_array_length(stretch) - 1) || '].time'))" \
  " - julianday(started_at)) * 86400)"

#define GAP_JSON \
  "json_object('unit_id', unit_id, " DOZOR_STORE_COMPLIANCE_TARGET_JSON ("route_id") \
  ", 'from', from_time, 'to', to_time," \
  " 'duration_s', " NUMBER ("duration_s", "%.1f") ")"

/**
 * dozor_store_create_compliance:
 * @self: a #DozorStore, while it is being opened
 * @error: return location for a #GError
 *
 * Makes the tables, and the routes' column of rules, where a database does
 * not have them yet.
 *
 * Returns: whether they are there
 */
gboolean
dozor_store_create_compliance (DozorStore  *self,
                               GError     **error)
{
  return dozor_store_ensure_column (self, "routes", "compliance", "TEXT", error) &&
         dozor_store_exec (self,
                           "CREATE TABLE IF NOT EXISTS deviations ("
                           "  id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, route_id TEXT NOT NULL,"
                           "  started_at TEXT NOT NULL, confirmed_at TEXT, ended_at TEXT,"
                           "  duration_s REAL, reason TEXT, distance_m REAL, max_distance_m REAL NOT NULL,"
                           "  away_m REAL NOT NULL, stretch TEXT NOT NULL,"
                           "  UNIQUE (route_id, started_at));"
                           "CREATE INDEX IF NOT EXISTS deviations_by_unit ON deviations (unit_id, started_at);"
                           "CREATE INDEX IF NOT EXISTS deviations_in_progress ON deviations (started_at)"
                           "  WHERE ended_at IS NULL;"
                           "CREATE TABLE IF NOT EXISTS reporting_gaps ("
                           "  unit_id TEXT NOT NULL, route_id TEXT NOT NULL, from_time TEXT NOT NULL,"
                           "  to_time TEXT NOT NULL, duration_s REAL NOT NULL,"
                           "  PRIMARY KEY (route_id, from_time));"
                           "CREATE INDEX IF NOT EXISTS reporting_gaps_by_unit ON reporting_gaps (unit_id, from_time);",
                           error);
}

/**
 * dozor_store_get_route_rules:
 * @object: a route's members as a client sent them
 * @current: (nullable): the route's rules as stored, JSON text; %NULL for
 *   the defaults
 * @rules_json: (out) (transfer full): the rules to store, all four members,
 *   or %NULL when @object has no `compliance`
 * @error: return location for a #GError
 *
 * Returns: whether `compliance`, if present, is valid
 */
gboolean
dozor_store_get_route_rules (JsonObject  *object,
                             const char  *current,
                             char       **rules_json,
                             GError     **error)
{
  static const struct
  {
    const char *name;
    double max;
  } members[] = {
    { "threshold_m", 10000 }, { "dwell_s", 86400 }, { "gap_s", 86400 }, { "exempt_after_s", 86400 },
  };
  JsonNode *node = json_object_get_member (object, "compliance");
  g_autoptr(JsonNode) stored = NULL;
  JsonObject *given, *base = NULL;
  double values[G_N_ELEMENTS (members)] = {
    DOZOR_COMPLIANCE_THRESHOLD_M, DOZOR_COMPLIANCE_DWELL_S, DOZOR_COMPLIANCE_GAP_S, DOZOR_COMPLIANCE_EXEMPT_AFTER_S,
  };

  *rules_json = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return dozor_store_set_invalid (error, "compliance", _("must be an object"));
  given = json_node_get_object (node);

  if (current != NULL)
    stored = json_from_string (current, NULL);
  if (stored != NULL && JSON_NODE_HOLDS_OBJECT (stored))
    base = json_node_get_object (stored);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *value = json_object_get_member (given, members[i].name);
      g_autofree char *field = g_strconcat ("compliance.", members[i].name, NULL);

      if (value == NULL)
        {
          if (base != NULL && json_object_has_member (base, members[i].name))
            values[i] = json_object_get_double_member (base, members[i].name);
          continue;
        }
      if (!JSON_NODE_HOLDS_VALUE (value) ||
          (json_node_get_value_type (value) != G_TYPE_INT64 && json_node_get_value_type (value) != G_TYPE_DOUBLE))
        return dozor_store_set_invalid (error, field, _("must be a number"));
      values[i] = json_node_get_double (value);
      if (!isfinite (values[i]) || values[i] < 0 || values[i] > members[i].max)
        {
          g_autofree char *why = g_strdup_printf (_("must be between %g and %g"), 0.0, members[i].max);

          return dozor_store_set_invalid (error, field, why);
        }
      /* Times are whole seconds, as the monitor counts them. */
      if (i > 0 && values[i] != floor (values[i]))
        return dozor_store_set_invalid (error, field, _("must be a whole number of seconds"));
    }

  {
    char threshold[G_ASCII_DTOSTR_BUF_SIZE];

    *rules_json = g_strdup_printf ("{\"threshold_m\":%s,\"dwell_s\":%.0f,\"gap_s\":%.0f,\"exempt_after_s\":%.0f}",
                                   g_ascii_formatd (threshold, sizeof threshold, "%.1f", values[0]),
                                   values[1], values[2], values[3]);
  }
  return TRUE;
}

static char *
format_time (gint64 us)
{
  g_autoptr(GDateTime) second = g_date_time_new_from_unix_utc (us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) time = g_date_time_add (second, us % G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S.%fZ");
}

/* The stretch as the event has it: at most STRETCH_MAX_IN_EVENT fixes,
 * evenly spread, the first and the last always. */
static char *
stretch_json (GArray *stretch)
{
  g_autoptr(GString) out = g_string_new ("[");
  guint n = stretch != NULL ? stretch->len : 0;
  guint kept = MIN (n, STRETCH_MAX_IN_EVENT);

  for (guint k = 0; k < kept; k++)
    {
      guint i = kept > 1 ? (guint) ((guint64) k * (n - 1) / (kept - 1)) : 0;
      const DozorCompliancePosition *p = &g_array_index (stretch, DozorCompliancePosition, i);
      g_autofree char *time = format_time (p->time);
      char lat[G_ASCII_DTOSTR_BUF_SIZE], lon[G_ASCII_DTOSTR_BUF_SIZE], distance[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (out, "%s{\"lat\":%s,\"lon\":%s,\"time\":\"%s\",\"distance_m\":%s}",
                              k > 0 ? "," : "",
                              g_ascii_formatd (lat, sizeof lat, "%.7f", p->lat),
                              g_ascii_formatd (lon, sizeof lon, "%.7f", p->lon), time,
                              g_ascii_formatd (distance, sizeof distance, "%.1f", p->distance_m));
    }
  g_string_append_c (out, ']');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
row_json (DozorStore  *self,
          const char  *sql,
          const char  *key1,
          const char  *key2,
          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, error);

  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, key1);
  dozor_db_bind_text (stmt, 2, key2);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  return g_strdup (dozor_db_column_text (stmt, 0));
}

/* Runs @stmt to its end; whether it changed a row goes to @changed. */
static gboolean
run (DozorStore    *self,
     DozorDbStmt  *stmt,
     gboolean      *changed,
     GError       **error)
{
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return dozor_store_set_db_error (self, error);
  *changed = dozor_db_changes (dozor_store_get_db (self)) > 0;
  return TRUE;
}

static gboolean
add_deviation (DozorStore                  *self,
               const DozorComplianceRecord *record,
               GError                     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *started_at = format_time (record->start);
  g_autofree char *at = format_time (record->kind == DOZOR_COMPLIANCE_DEVIATION_STARTED ? record->time : record->end);
  g_autofree char *stretch = stretch_json (record->stretch);
  g_autofree char *json = NULL;
  gboolean ended = record->kind == DOZOR_COMPLIANCE_DEVIATION_ENDED;
  gboolean changed = FALSE;

  /* A deviation is one row from its start: the end completes it. The
   * upsert's condition names the table: PostgreSQL finds ended_at
   * ambiguous beside excluded.ended_at. */
  if (!ended)
    stmt = dozor_store_prepare (self,
                                "INSERT OR IGNORE INTO deviations (id, unit_id, route_id, started_at, confirmed_at,"
                                " distance_m, max_distance_m, away_m, stretch)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", error);
  else
    stmt = dozor_store_prepare (self,
                                "INSERT INTO deviations (id, unit_id, route_id, started_at, ended_at, duration_s,"
                                " reason, max_distance_m, away_m, stretch)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?10, ?11, ?7, ?8, ?9)"
                                " ON CONFLICT (route_id, started_at) DO UPDATE SET ended_at = ?5, duration_s = ?10,"
                                "  reason = ?11, max_distance_m = ?7, away_m = ?8, stretch = ?9"
                                "  WHERE deviations.ended_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, record->unit_id);
  dozor_db_bind_text (stmt, 3, record->route_id);
  dozor_db_bind_text (stmt, 4, started_at);
  dozor_db_bind_text (stmt, 5, at);
  dozor_db_bind_double (stmt, 6, record->distance_m);
  dozor_db_bind_double (stmt, 7, record->max_distance_m);
  dozor_db_bind_double (stmt, 8, record->away_m);
  dozor_db_bind_text (stmt, 9, stretch);
  if (ended)
    {
      dozor_db_bind_double (stmt, 10, (double) dozor_compliance_record_get_duration (record) / G_USEC_PER_SEC);
      dozor_db_bind_text (stmt, 11, dozor_compliance_end_to_string (record->end_reason));
    }
  if (!run (self, stmt, &changed, error))
    return FALSE;
  if (!changed)
    return TRUE;

  json = row_json (self, "SELECT " DEVIATION_JSON " FROM deviations WHERE route_id = ?1 AND started_at = ?2",
                   record->route_id, started_at, error);
  return json != NULL &&
         dozor_store_append_event (self, ended ? "deviation.ended" : "deviation.started", "deviation", json, error);
}

static gboolean
add_gap (DozorStore                  *self,
         const DozorComplianceRecord *record,
         GError                     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self,
                                                      "INSERT OR IGNORE INTO reporting_gaps"
                                                      " VALUES (?1, ?2, ?3, ?4, ?5)", error);
  g_autofree char *from = format_time (record->start);
  g_autofree char *to = format_time (record->end);
  g_autofree char *json = NULL;
  gboolean changed = FALSE;

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, record->unit_id);
  dozor_db_bind_text (stmt, 2, record->route_id);
  dozor_db_bind_text (stmt, 3, from);
  dozor_db_bind_text (stmt, 4, to);
  dozor_db_bind_double (stmt, 5, (double) (record->end - record->start) / G_USEC_PER_SEC);
  if (!run (self, stmt, &changed, error))
    return FALSE;
  if (!changed)
    return TRUE;

  json = row_json (self, "SELECT " GAP_JSON " FROM reporting_gaps WHERE route_id = ?1 AND from_time = ?2",
                   record->route_id, from, error);
  return json != NULL && dozor_store_append_event (self, "reporting.gap", "gap", json, error);
}

/**
 * dozor_store_add_compliance_record:
 * @self: a #DozorStore, inside a transaction
 * @record: what the compliance monitor found
 * @error: return location for a #GError
 *
 * Keeps a deviation or reporting gap and writes its event, unless the same
 * one is kept already (then nothing changes).
 *
 * Returns: whether it is kept
 */
gboolean
dozor_store_add_compliance_record (DozorStore                  *self,
                                   const DozorComplianceRecord *record,
                                   GError                     **error)
{
  if (record->kind == DOZOR_COMPLIANCE_REPORTING_GAP)
    return add_gap (self, record, error);
  return add_deviation (self, record, error);
}

/**
 * dozor_store_get_time_bound:
 * @query: (nullable): a request's query
 * @name: the parameter, `from` or `to`
 * @value: (out) (transfer full) (nullable): the time as the store writes
 *   times (RFC 3339 UTC), or %NULL when the parameter is absent
 * @error: return location for a #GError
 *
 * Returns: %FALSE with @error set (422 naming @name) for a malformed time
 */
gboolean
dozor_store_get_time_bound (GHashTable  *query,
                            const char  *name,
                            char       **value,
                            GError     **error)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GDateTime) utc = NULL;

  *value = NULL;
  if (text == NULL)
    return TRUE;
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return dozor_store_set_invalid (error, name, _("must be an RFC 3339 time"));
  utc = g_date_time_to_utc (time);
  *value = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
  return TRUE;
}

static gboolean
append_list (DozorStore  *self,
             GString     *out,
             const char  *sql,
             const char  *unit_id,
             const char  *from,
             const char  *to,
             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = dozor_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, unit_id);
  dozor_db_bind_text (stmt, 2, from != NULL ? from : "");
  dozor_db_bind_text (stmt, 3, to != NULL ? to : "~");
  dozor_db_bind_int64 (stmt, 4, READ_MAX);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return dozor_store_set_db_error (self, error);
  g_string_append (out, dozor_db_column_text (stmt, 0));
  return TRUE;
}

/**
 * dozor_store_unit_deviations:
 * @self: a #DozorStore
 * @unit_id: a unit
 * @query: (nullable) (element-type utf8 utf8): `from` and `to`, RFC 3339
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the unit's deviations, gaps and counts per
 *   route in the window as JSON text (docs/api.md, "Deviations"), or %NULL
 *   with @error set
 */
char *
dozor_store_unit_deviations (DozorStore  *self,
                             const char  *unit_id,
                             GHashTable  *query,
                             GError     **error)
{
  g_autoptr(GString) out = g_string_new ("{\"unit_id\":");
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *quoted = NULL;
  g_autoptr(JsonNode) id = json_node_new (JSON_NODE_VALUE);

  if (!dozor_store_get_time_bound (query, "from", &from, error) ||
      !dozor_store_get_time_bound (query, "to", &to, error))
    return NULL;
  if (dozor_store_get_version (self, "units", unit_id) < 0)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No unit “%s”"), unit_id);
      return NULL;
    }

  json_node_set_string (id, unit_id);
  quoted = json_to_string (id, FALSE);
  g_string_append (out, quoted);
  g_string_append (out, ",\"deviations\":");
  if (!append_list (self, out,
                    "SELECT COALESCE(json_group_array(json(j)), '[]') FROM (SELECT " DEVIATION_JSON " AS j"
                    " FROM deviations WHERE unit_id = ?1 AND started_at >= ?2 AND started_at < ?3"
                    " ORDER BY started_at LIMIT ?4)", unit_id, from, to, error))
    return NULL;
  g_string_append (out, ",\"gaps\":");
  if (!append_list (self, out,
                    "SELECT COALESCE(json_group_array(json(j)), '[]') FROM (SELECT " GAP_JSON " AS j"
                    " FROM reporting_gaps WHERE unit_id = ?1 AND from_time >= ?2 AND from_time < ?3"
                    " ORDER BY from_time LIMIT ?4)", unit_id, from, to, error))
    return NULL;
  g_string_append (out, ",\"counts\":");
  /* A deviation in progress counts up to its last fix: its stretch's last. */
  if (!append_list (self, out,
                    "WITH d AS (SELECT route_id, COUNT(*) AS n,"
                    "   SUM(" DURATION_SO_FAR ") AS s,"
                    "   SUM(away_m) AS away, MAX(max_distance_m) AS far FROM deviations"
                    "   WHERE unit_id = ?1 AND started_at >= ?2 AND started_at < ?3 GROUP BY route_id),"
                    " g AS (SELECT route_id, COUNT(*) AS n, SUM(duration_s) AS s FROM reporting_gaps"
                    "   WHERE unit_id = ?1 AND from_time >= ?2 AND from_time < ?3 GROUP BY route_id),"
                    " r AS (SELECT route_id FROM d UNION SELECT route_id FROM g)"
                    " SELECT COALESCE(json_group_array(json_object(" DOZOR_STORE_COMPLIANCE_TARGET_JSON ("r.route_id") ","
                    "   'deviations', COALESCE(d.n, 0), 'deviation_s', json(printf('%.1f', COALESCE(d.s, 0))),"
                    "   'away_m', json(printf('%.1f', COALESCE(d.away, 0))),"
                    "   'max_distance_m', json(printf('%.1f', COALESCE(d.far, 0))),"
                    "   'gaps', COALESCE(g.n, 0), 'gap_s', json(printf('%.1f', COALESCE(g.s, 0))))), '[]')"
                    " FROM r LEFT JOIN d USING (route_id) LEFT JOIN g USING (route_id) WHERE ?4 > 0",
                    unit_id, from, to, error))
    return NULL;
  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * dozor_store_deviation_stats:
 * @self: a #DozorStore
 * @query: (nullable) (element-type utf8 utf8): `from` and `to`, RFC 3339
 * @error: return location for a #GError
 *
 * Returns: (transfer full): every unit's deviations and reporting gaps that
 *   began in the window, summed and by unit (docs/api.md, "Deviations per
 *   shift"), as JSON text, or %NULL with @error set (422 for a bad bound)
 */
char *
dozor_store_deviation_stats (DozorStore  *self,
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
                              "WITH d AS (SELECT unit_id, COUNT(*) AS n, SUM(" DURATION_SO_FAR ") AS s,"
                              "   SUM(away_m) AS away, MAX(max_distance_m) AS far FROM deviations"
                              "   WHERE started_at >= ?1 AND started_at < ?2 GROUP BY unit_id),"
                              " g AS (SELECT unit_id, COUNT(*) AS n, SUM(duration_s) AS s FROM reporting_gaps"
                              "   WHERE from_time >= ?1 AND from_time < ?2 GROUP BY unit_id),"
                              " r AS (SELECT unit_id FROM d UNION SELECT unit_id FROM g)"
                              " SELECT json_object('from', ?3, 'to', ?4,"
                              "  'deviations', (SELECT COALESCE(SUM(n), 0) FROM d),"
                              "  'deviation_s', json(printf('%.1f', (SELECT COALESCE(SUM(s), 0) FROM d))),"
                              "  'away_m', json(printf('%.1f', (SELECT COALESCE(SUM(away), 0) FROM d))),"
                              "  'gaps', (SELECT COALESCE(SUM(n), 0) FROM g),"
                              "  'gap_s', json(printf('%.1f', (SELECT COALESCE(SUM(s), 0) FROM g))),"
                              "  'by_unit', (SELECT COALESCE(json_group_array(json(j)), '[]') FROM"
                              "   (SELECT json_object('unit_id', r.unit_id, 'call_sign', u.call_sign,"
                              "     'deviations', COALESCE(d.n, 0), 'deviation_s', json(printf('%.1f', COALESCE(d.s, 0))),"
                              "     'away_m', json(printf('%.1f', COALESCE(d.away, 0))),"
                              "     'max_distance_m', json(printf('%.1f', COALESCE(d.far, 0))),"
                              "     'gaps', COALESCE(g.n, 0), 'gap_s', json(printf('%.1f', COALESCE(g.s, 0)))) AS j"
                              "    FROM r LEFT JOIN d USING (unit_id) LEFT JOIN g USING (unit_id)"
                              "    LEFT JOIN units u ON u.id = r.unit_id ORDER BY u.call_sign, r.unit_id)))",
                              error);
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, from != NULL ? from : "");
  dozor_db_bind_text (stmt, 2, to != NULL ? to : "~");
  dozor_db_bind_text (stmt, 3, from);
  dozor_db_bind_text (stmt, 4, to);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      dozor_store_set_db_error (self, error);
      return NULL;
    }
  return g_strdup (dozor_db_column_text (stmt, 0));
}
