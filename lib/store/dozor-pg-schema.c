/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's schema on PostgreSQL, as versioned migrations
 * (dozor_pg_migrate()). A migration once released is never edited: a
 * change is a new one at the end, so that every database that ran version
 * N holds the same tables.
 *
 * So far the part every command stands on (docs/postgresql.md): the event
 * log with its gapless seq, and the answers kept under idempotency keys.
 */
#include "config.h"

#include "dozor-pg-schema.h"

static const char *const version_1[] = {
  /* The event exactly as the stream sends it: json keeps the text as it
   * was written, where jsonb would reorder its members. */
  "CREATE TABLE events ("
  " seq bigint PRIMARY KEY CHECK (seq > 0),"
  " type text NOT NULL,"
  " data json NOT NULL)",
  /* The seq counter: one row, whose row lock, taken by the UPDATE that
   * hands out a commit's seqs, is held until that commit; commits with
   * events therefore happen in seq order (docs/postgresql.md). */
  "CREATE TABLE event_counter ("
  " id boolean PRIMARY KEY DEFAULT true CHECK (id),"
  " seq bigint NOT NULL CHECK (seq >= 0))",
  "INSERT INTO event_counter (id, seq) VALUES (true, 0)",
  /* A repeated idempotency key gets the first answer. The primary key
   * holds across instances: of two commands with one key, the second
   * waits for the first to commit and is then refused. */
  "CREATE TABLE answers ("
  " username text NOT NULL,"
  " key text NOT NULL,"
  " status integer NOT NULL,"
  " body text NOT NULL,"
  " created_at timestamptz NOT NULL DEFAULT now(),"
  " PRIMARY KEY (username, key))",
  NULL
};

/* SQLite's functions that the store's SQL calls, with SQLite's meaning,
 * for what dozor-db-pg.c does not rewrite (docs/postgresql.md, "One
 * dialect"). Arguments come as text where SQLite would take any JSON
 * text, and as json where the store passes json() or json_object(). */
static const char *const version_2[] = {
  "CREATE FUNCTION json(text) RETURNS json LANGUAGE sql IMMUTABLE AS 'SELECT $1::json'",
  "CREATE FUNCTION json(json) RETURNS json LANGUAGE sql IMMUTABLE AS 'SELECT $1'",
  /* Only the '%.Nf' formats the store uses; NULL prints as 0, as in
   * SQLite. Rounding goes by the decimal value, not the binary one: a
   * value exactly half-way may differ from SQLite in the last digit. */
  "CREATE FUNCTION printf(text, float8) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$"
  " DECLARE digits text[] := regexp_match($1, '^%\\.([0-9]+)f$');"
  " BEGIN"
  "  IF digits IS NULL THEN RAISE EXCEPTION 'printf: format % is not supported', $1"
  "   USING ERRCODE = 'feature_not_supported'; END IF;"
  "  RETURN round(COALESCE($2, 0)::numeric, digits[1]::int)::text;"
  " END $$",
  /* json_group_array() is json_agg() by the translator (dozor-db-pg.c).
   * group_concat() with a separator is string_agg()'s own functions, whose
   * state grows in place: an aggregate written in SQL copies its state on
   * every row, which took 5 s for 4,000 rows. */
  "CREATE AGGREGATE group_concat(text, text) ("
  " sfunc = string_agg_transfn, stype = internal, finalfunc = string_agg_finalfn)",
  /* SQLite's total(): a float sum, 0.0 over no rows. */
  "CREATE FUNCTION dozor_total_step(float8, float8) RETURNS float8 LANGUAGE sql IMMUTABLE AS"
  " 'SELECT $1 + COALESCE($2, 0)'",
  "CREATE AGGREGATE total(float8) (sfunc = dozor_total_step, stype = float8, initcond = '0')",
  /* Paths '$', '$.a.b', '$[2].c', '$.a[0]': keys without dots or
   * brackets. A string comes out as its text, anything else as JSON text,
   * null as NULL; true and false as 1 and 0, as SQLite gives them. */
  "CREATE FUNCTION dozor_json_path(text) RETURNS text[] LANGUAGE sql IMMUTABLE AS"
  " $$SELECT CASE WHEN $1 = '$' THEN '{}'::text[] ELSE"
  " string_to_array(ltrim(regexp_replace(substr($1, 2), '\\[([0-9]+)\\]', '.\\1', 'g'), '.'), '.') END$$",
  "CREATE FUNCTION dozor_json_atom(json) RETURNS text LANGUAGE sql IMMUTABLE AS"
  " $$SELECT CASE json_typeof($1) WHEN 'string' THEN $1 #>> '{}' WHEN 'null' THEN NULL"
  " WHEN 'boolean' THEN CASE WHEN $1::text = 'true' THEN '1' ELSE '0' END ELSE $1::text END$$",
  "CREATE FUNCTION dozor_json_type(json) RETURNS text LANGUAGE sql IMMUTABLE AS"
  " $$SELECT CASE json_typeof($1) WHEN 'string' THEN 'text'"
  " WHEN 'number' THEN CASE WHEN $1::text ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END"
  " WHEN 'boolean' THEN $1::text ELSE json_typeof($1) END$$",
  "CREATE FUNCTION json_extract(json, text) RETURNS text LANGUAGE sql IMMUTABLE AS"
  " 'SELECT dozor_json_atom($1 #> dozor_json_path($2))'",
  "CREATE FUNCTION json_extract(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS"
  " 'SELECT json_extract($1::json, $2)'",
  "CREATE FUNCTION json_array_length(text) RETURNS integer LANGUAGE sql IMMUTABLE AS"
  " 'SELECT json_array_length($1::json)'",
  "CREATE FUNCTION json_valid(text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$"
  " BEGIN PERFORM $1::json; RETURN $1 IS NOT NULL;"
  " EXCEPTION WHEN invalid_text_representation THEN RETURN false; END $$",
  "CREATE FUNCTION json_quote(text) RETURNS json LANGUAGE sql IMMUTABLE AS 'SELECT to_json($1)'",
  "CREATE FUNCTION json_quote(float8) RETURNS json LANGUAGE sql IMMUTABLE AS 'SELECT to_json($1)'",
  /* Top-level keys only ('$.key'): the object's text is kept as it is,
   * the member added at its end, as SQLite does. */
  "CREATE FUNCTION json_insert(json, text, anycompatible) RETURNS json LANGUAGE sql IMMUTABLE AS"
  " $$SELECT CASE WHEN $1 -> substr($2, 3) IS NOT NULL THEN $1"
  " WHEN json_typeof($1) <> 'object' THEN $1"
  " ELSE ((CASE WHEN $1::text ~ '^\\s*\\{\\s*\\}\\s*$' THEN '{'"
  "  ELSE regexp_replace($1::text, '\\}\\s*$', '') || ',' END)"
  "  || to_json(substr($2, 3))::text || ':' || COALESCE(to_json($3)::text, 'null') || '}')::json END$$",
  /* SQLite's json_each() over a JSON text: key, value (a string as its
   * text, anything else as JSON text) and type, for arrays and objects. */
  "CREATE FUNCTION json_each(text) RETURNS TABLE (key text, value text, type text)"
  " LANGUAGE sql IMMUTABLE AS $$"
  " SELECT e.key, dozor_json_atom(e.value), dozor_json_type(e.value)"
  " FROM json_each(CASE json_typeof($1::json) WHEN 'object' THEN $1::json ELSE '{}' END) AS e"
  " UNION ALL"
  " SELECT (a.n - 1)::text, dozor_json_atom(a.value), dozor_json_type(a.value)"
  " FROM json_array_elements(CASE json_typeof($1::json) WHEN 'array' THEN $1::json ELSE '[]' END)"
  "  WITH ORDINALITY AS a (value, n)$$",
  "CREATE FUNCTION iif(boolean, anycompatible, anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE AS"
  " 'SELECT CASE WHEN $1 THEN $2 ELSE $3 END'",
  /* Times as the store writes them (ISO 8601, UTC), 'now', or seconds
   * with 'unixepoch'; modifiers '±N unit' and 'unixepoch'. In UTC
   * whatever the session's time zone. */
  "CREATE FUNCTION dozor_sqlite_time(text, text[]) RETURNS timestamptz LANGUAGE plpgsql STABLE"
  " SET timezone = 'UTC' AS $$"
  " DECLARE t timestamptz; m text;"
  " BEGIN"
  "  IF $1 IS NULL THEN RETURN NULL; END IF;"
  "  IF 'unixepoch' = ANY ($2) THEN t := to_timestamp($1::float8);"
  "  ELSIF lower($1) = 'now' THEN t := statement_timestamp();"
  "  ELSE t := $1::timestamptz; END IF;"
  "  FOREACH m IN ARRAY $2 LOOP"
  "   IF m <> 'unixepoch' THEN t := t + m::interval; END IF;"
  "  END LOOP;"
  "  RETURN t;"
  " EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation"
  "  OR invalid_parameter_value THEN RETURN NULL;"
  " END $$",
  "CREATE FUNCTION strftime(text, text, VARIADIC text[] DEFAULT '{}') RETURNS text LANGUAGE plpgsql STABLE"
  " SET timezone = 'UTC' AS $$"
  " DECLARE t timestamptz := dozor_sqlite_time($2, $3); out text := ''; i int := 1; c text;"
  " BEGIN"
  "  IF t IS NULL THEN RETURN NULL; END IF;"
  "  WHILE i <= length($1) LOOP"
  "   c := substr($1, i, 1);"
  "   IF c = '%' AND i < length($1) THEN"
  "    i := i + 1; c := substr($1, i, 1);"
  "    out := out || CASE c WHEN 'Y' THEN to_char(t, 'YYYY') WHEN 'm' THEN to_char(t, 'MM')"
  "     WHEN 'd' THEN to_char(t, 'DD') WHEN 'H' THEN to_char(t, 'HH24') WHEN 'M' THEN to_char(t, 'MI')"
  "     WHEN 'S' THEN to_char(t, 'SS') WHEN 'f' THEN to_char(t, 'SS.MS')"
  "     WHEN 's' THEN floor(extract(epoch FROM t))::bigint::text WHEN 'j' THEN to_char(t, 'DDD')"
  "     WHEN '%' THEN '%' ELSE '%' || c END;"
  "   ELSE out := out || c; END IF;"
  "   i := i + 1;"
  "  END LOOP;"
  "  RETURN out;"
  " END $$",
  "CREATE FUNCTION strftime(text, float8, VARIADIC text[] DEFAULT '{}') RETURNS text LANGUAGE sql STABLE"
  " AS 'SELECT strftime($1, $2::text, VARIADIC $3)'",
  "CREATE FUNCTION julianday(text, VARIADIC text[] DEFAULT '{}') RETURNS float8 LANGUAGE sql STABLE"
  " AS 'SELECT extract(epoch FROM dozor_sqlite_time($1, $2))::float8 / 86400.0 + 2440587.5'",
  NULL
};

static const DozorPgMigration migrations[] = {
  { 1, "event log and idempotent answers", version_1 },
  { 2, "SQLite's functions the store's SQL uses", version_2 },
};

/**
 * dozor_pg_schema_get_migrations:
 * @n_migrations: (out): how many
 *
 * Returns: (array length=n_migrations) (transfer none): every migration
 *   of the store's schema, oldest first
 */
const DozorPgMigration *
dozor_pg_schema_get_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}
