/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The store's schema on PostgreSQL, as versioned migrations
 * (dozor_pg_migrate()). A migration once released is never edited: a
 * change is a new one at the end, so that every database that ran version
 * N holds the same tables.
 *
 * The event log with its gapless seq and the answers kept under
 * idempotency keys (1), SQLite's functions the store's SQL calls (2), and
 * every table of the store (3), the position history partitioned by day
 * (4), the zones' shapes in PostGIS when it is installed (5), as
 * docs/postgresql.md describes.
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
  /* json_group_array() is json_agg() and group_concat() string_agg() by
   * the translator (dozor-db-pg.c). This migration once made group_concat
   * an aggregate over string_agg()'s own functions, whose `internal` state
   * PostgreSQL allows a superuser only: the owner of a centre's database
   * (docs/operations-postgresql.md) could never apply it. A database that
   * has that aggregate keeps it, unused (docs/decisions.md). */
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

/* The store's own tables (dozor-store*.c make them on SQLite), with the
 * same columns in the same order, so that the store's SQL reads both:
 * INTEGER is bigint, REAL double precision, TEXT text; JSON and times stay
 * the text the store writes (RFC 3339, UTC). SQLite's triggers become
 * plpgsql functions whose RAISE is SQLSTATE P0001, a constraint to
 * DozorDb as SQLite's RAISE (ABORT) is. Where the store orders by
 * SQLite's rowid, the table has a column of that name that numbers rows in
 * insertion order, as SQLite's rowid does (docs/decisions.md). */
static const char *const version_3[] = {
  /* Migration 1's log for DozorPgLog becomes the store's: the event as
   * text (what the store writes and reads back, byte for byte), and the
   * answer's time in seconds, which the store's retention compares. */
  "ALTER TABLE events ALTER COLUMN data TYPE text",
  "ALTER TABLE answers ALTER COLUMN created_at DROP DEFAULT",
  "ALTER TABLE answers ALTER COLUMN created_at TYPE bigint USING extract(epoch FROM created_at)::bigint",
  "ALTER TABLE answers ALTER COLUMN created_at SET DEFAULT extract(epoch FROM now())::bigint",
  "ALTER TABLE answers ALTER COLUMN status TYPE bigint",
  "CREATE TABLE users ("
  " name text PRIMARY KEY, role text NOT NULL, password_hash text NOT NULL,"
  " created_at text NOT NULL)",
  "CREATE TABLE sessions ("
  " token_digest text PRIMARY KEY, username text NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
  " expires_at bigint NOT NULL)",
  "CREATE TABLE units ("
  " id text PRIMARY KEY, call_sign text NOT NULL UNIQUE, kind text NOT NULL,"
  " crew text NOT NULL DEFAULT '[]', status text NOT NULL,"
  " lat double precision, lon double precision, fix_time text, speed double precision,"
  " heading double precision, accuracy double precision,"
  " version bigint NOT NULL)",
  /* en_route_at, arrival and calls last: SQLite adds them to older files
   * (dozor-store-arrival.c, dozor-store-calls.c) in that order. */
  "CREATE TABLE incidents ("
  " id text PRIMARY KEY, number text NOT NULL UNIQUE, type text NOT NULL,"
  " priority bigint NOT NULL, status text NOT NULL, lat double precision NOT NULL,"
  " lon double precision NOT NULL,"
  " address text NOT NULL DEFAULT '', caller_name text NOT NULL DEFAULT '',"
  " caller_phone text NOT NULL DEFAULT '', description text NOT NULL DEFAULT '',"
  " created_at text NOT NULL, dispatched_at text, on_scene_at text, closed_at text,"
  " version bigint NOT NULL, en_route_at text, arrival text, calls bigint NOT NULL DEFAULT 0)",
  "CREATE TABLE dispatches ("
  " id text PRIMARY KEY, unit_id text NOT NULL REFERENCES units (id),"
  " incident_id text REFERENCES incidents (id),"
  " status text NOT NULL CHECK (status IN ('active', 'cancelled', 'completed')),"
  " created_by text NOT NULL, created_at text NOT NULL, ended_by text, ended_at text,"
  " plan_id text, post_id text, area_lat double precision, area_lon double precision,"
  " CHECK ((incident_id IS NOT NULL)::int + (plan_id IS NOT NULL)::int + (area_lat IS NOT NULL)::int = 1))",
  "CREATE UNIQUE INDEX one_active_dispatch_per_unit ON dispatches (unit_id) WHERE status = 'active'",
  "CREATE TABLE positions ("
  " unit_id text NOT NULL, time text NOT NULL, lat double precision NOT NULL, lon double precision NOT NULL,"
  " speed double precision, heading double precision, accuracy double precision,"
  " rowid bigint GENERATED ALWAYS AS IDENTITY)",
  "CREATE INDEX positions_by_unit ON positions (unit_id, time)",
  "CREATE INDEX positions_by_time ON positions (time)",
  "CREATE TABLE zones ("
  " id text PRIMARY KEY, kind text NOT NULL, name text NOT NULL,"
  " parent_id text REFERENCES zones (id), geometry text NOT NULL, version bigint NOT NULL,"
  " UNIQUE (parent_id, name))",
  "CREATE UNIQUE INDEX one_district_per_name ON zones (name) WHERE parent_id IS NULL",
  "CREATE TABLE routes ("
  " id text PRIMARY KEY, name text NOT NULL, zone_id text REFERENCES zones (id),"
  " unit_id text REFERENCES units (id), shift_start text, shift_end text,"
  " geometry text NOT NULL, version bigint NOT NULL, compliance text)",
  "CREATE TABLE places ("
  " id text PRIMARY KEY, kind text NOT NULL, name text NOT NULL, category text,"
  " lat double precision NOT NULL, lon double precision NOT NULL, stream_url text, version bigint NOT NULL)",
  "CREATE TABLE state (key text PRIMARY KEY, value text NOT NULL)",
  /* What SQLite's upgrade (dozor-store-readiness.c) makes of a new file's row. */
  "INSERT INTO state VALUES ('readiness', '{\"level\":\"normal\",\"reason\":null,\"set_by\":null,"
  "\"set_at\":null,\"raised_at\":null,\"area\":null}')",
  "CREATE INDEX incidents_by_created_at ON incidents (created_at, id)",
  "CREATE INDEX dispatches_by_incident ON dispatches (incident_id, created_at)",
  "CREATE TABLE login_failures ("
  " kind text NOT NULL CHECK (kind IN ('user', 'address')), key text NOT NULL,"
  " failures bigint NOT NULL, first_at bigint NOT NULL, locked_until bigint NOT NULL,"
  " PRIMARY KEY (kind, key))",
  "CREATE TABLE checks ("
  " id text PRIMARY KEY, incident_id text NOT NULL REFERENCES incidents (id),"
  " procedure_id text NOT NULL, step_id text NOT NULL,"
  " done bigint NOT NULL CHECK (done IN (0, 1)), changed_by text NOT NULL, changed_at text NOT NULL,"
  " version bigint NOT NULL, rowid bigint GENERATED ALWAYS AS IDENTITY,"
  " UNIQUE (incident_id, procedure_id, step_id))",
  "CREATE TABLE calls ("
  " id text PRIMARY KEY, incident_id text NOT NULL REFERENCES incidents (id),"
  " caller_name text NOT NULL, caller_phone text NOT NULL, phone_key text, text text NOT NULL,"
  " received_at text NOT NULL, attached_by text NOT NULL, attached_at text NOT NULL)",
  "CREATE INDEX calls_by_incident ON calls (incident_id)",
  "CREATE INDEX calls_by_received_at ON calls (received_at)",
  "CREATE TABLE deviations ("
  " id text PRIMARY KEY, unit_id text NOT NULL, route_id text NOT NULL,"
  " started_at text NOT NULL, confirmed_at text, ended_at text,"
  " duration_s double precision, reason text, distance_m double precision,"
  " max_distance_m double precision NOT NULL, away_m double precision NOT NULL, stretch text NOT NULL,"
  " UNIQUE (route_id, started_at))",
  "CREATE INDEX deviations_by_unit ON deviations (unit_id, started_at)",
  "CREATE INDEX deviations_in_progress ON deviations (started_at) WHERE ended_at IS NULL",
  "CREATE TABLE reporting_gaps ("
  " unit_id text NOT NULL, route_id text NOT NULL, from_time text NOT NULL,"
  " to_time text NOT NULL, duration_s double precision NOT NULL,"
  " PRIMARY KEY (route_id, from_time))",
  "CREATE INDEX reporting_gaps_by_unit ON reporting_gaps (unit_id, from_time)",
  "CREATE TABLE plans ("
  " id text PRIMARY KEY, name text NOT NULL UNIQUE, description text,"
  " posts text NOT NULL, version bigint NOT NULL,"
  " activated_at text, activated_by text, incident_id text REFERENCES incidents (id),"
  " all_covered_at text)",
  "CREATE TABLE plan_assignments ("
  " plan_id text NOT NULL REFERENCES plans (id), post_id text NOT NULL,"
  " unit_id text NOT NULL REFERENCES units (id), dispatch_id text NOT NULL,"
  " eta_s double precision, arrived_at text, rowid bigint GENERATED ALWAYS AS IDENTITY,"
  " PRIMARY KEY (plan_id, unit_id))",
  "CREATE INDEX plan_assignments_by_unit ON plan_assignments (unit_id)",
  "CREATE TABLE roster ("
  " id text PRIMARY KEY, shift_date text NOT NULL,"
  " start_at text NOT NULL, end_at text NOT NULL,"
  " unit_id text NOT NULL REFERENCES units (id),"
  " crew text NOT NULL DEFAULT '[]', vehicle text, radio text,"
  " weapons text NOT NULL DEFAULT '[]',"
  " route_id text REFERENCES routes (id) ON DELETE SET NULL,"
  " post_name text, post_lat double precision, post_lon double precision,"
  " place_id text REFERENCES places (id) ON DELETE SET NULL,"
  " zone_id text REFERENCES zones (id) ON DELETE SET NULL,"
  " created_at text NOT NULL, created_by text NOT NULL,"
  " drawn_late bigint NOT NULL, version bigint NOT NULL)",
  "CREATE INDEX roster_by_end ON roster (end_at)",
  "CREATE INDEX roster_by_unit ON roster (unit_id, start_at)",
  /* A post's or place's own compliance rules (dozor-store-post-rules.c). */
  "CREATE TABLE post_rules ("
  " entry_id text PRIMARY KEY REFERENCES roster (id) ON DELETE CASCADE,"
  " rules text NOT NULL)",
  "CREATE TABLE roster_flags ("
  " id text PRIMARY KEY, kind text NOT NULL, unit_id text NOT NULL, entry_id text,"
  " since text NOT NULL, cleared_at text)",
  "CREATE INDEX roster_flags_open ON roster_flags (kind) WHERE cleared_at IS NULL",
  "CREATE INDEX roster_flags_by_since ON roster_flags (since)",
  /* The journal: every event but a fix, in the event's transaction. */
  "CREATE TABLE journal ("
  " seq bigint PRIMARY KEY, time text NOT NULL, type text NOT NULL, data text NOT NULL)",
  "CREATE INDEX journal_by_time ON journal (time)",
  "CREATE FUNCTION dozor_events_into_journal() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  INSERT INTO journal (seq, time, type, data)"
  "   VALUES (NEW.seq, json_extract (NEW.data, '$.time'), NEW.type, NEW.data);"
  "  RETURN NULL;"
  " END $$",
  "CREATE TRIGGER events_into_journal AFTER INSERT ON events FOR EACH ROW"
  " WHEN (NEW.type <> 'unit.position') EXECUTE FUNCTION dozor_events_into_journal()",
  "CREATE TABLE audit ("
  " seq bigint PRIMARY KEY, time text NOT NULL,"
  " username text, role text, address text, client text, action text NOT NULL,"
  " entity_type text, entity_id text, status bigint NOT NULL,"
  " before text, after text, prev_hash text NOT NULL, hash text NOT NULL)",
  "CREATE INDEX audit_by_time ON audit (time)",
  "CREATE TABLE audit_anchor ("
  " id bigint PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)",
  /* The audit chain's rules, as SQLite's triggers in dozor-store-audit.c. */
  "CREATE FUNCTION dozor_audit_never_changed() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN RAISE EXCEPTION 'audit records are never changed'; END $$",
  "CREATE TRIGGER audit_never_changed BEFORE UPDATE ON audit FOR EACH ROW"
  " EXECUTE FUNCTION dozor_audit_never_changed()",
  "CREATE FUNCTION dozor_audit_deleted_only_to_anchor() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  IF OLD.seq > COALESCE ((SELECT seq FROM audit_anchor WHERE id = 1), 0) THEN"
  "   RAISE EXCEPTION 'audit records are deleted only by retention';"
  "  END IF;"
  "  RETURN OLD;"
  " END $$",
  "CREATE TRIGGER audit_deleted_only_to_anchor BEFORE DELETE ON audit FOR EACH ROW"
  " EXECUTE FUNCTION dozor_audit_deleted_only_to_anchor()",
  "CREATE FUNCTION dozor_audit_appended_in_order() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  IF NEW.seq IS DISTINCT FROM COALESCE ((SELECT max (seq) FROM audit),"
  "                                        (SELECT seq FROM audit_anchor WHERE id = 1), 0) + 1 THEN"
  "   RAISE EXCEPTION 'audit records are appended in order';"
  "  END IF;"
  "  RETURN NEW;"
  " END $$",
  "CREATE TRIGGER audit_appended_in_order BEFORE INSERT ON audit FOR EACH ROW"
  " EXECUTE FUNCTION dozor_audit_appended_in_order()",
  "CREATE FUNCTION dozor_audit_anchor_set() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  IF NEW.hash IS DISTINCT FROM (SELECT hash FROM audit WHERE seq = NEW.seq) THEN"
  "   RAISE EXCEPTION 'the anchor is a record''s hash';"
  "  END IF;"
  "  RETURN NEW;"
  " END $$",
  "CREATE TRIGGER audit_anchor_set BEFORE INSERT ON audit_anchor FOR EACH ROW"
  " EXECUTE FUNCTION dozor_audit_anchor_set()",
  "CREATE FUNCTION dozor_audit_anchor_forward() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  IF NEW.seq <= OLD.seq OR NEW.hash IS DISTINCT FROM (SELECT hash FROM audit WHERE seq = NEW.seq) THEN"
  "   RAISE EXCEPTION 'the anchor only moves forward, to a record';"
  "  END IF;"
  "  RETURN NEW;"
  " END $$",
  "CREATE TRIGGER audit_anchor_forward BEFORE UPDATE ON audit_anchor FOR EACH ROW"
  " EXECUTE FUNCTION dozor_audit_anchor_forward()",
  "CREATE FUNCTION dozor_audit_anchor_kept() RETURNS trigger LANGUAGE plpgsql AS $$"
  " BEGIN RAISE EXCEPTION 'the anchor is kept'; END $$",
  "CREATE TRIGGER audit_anchor_kept BEFORE DELETE ON audit_anchor FOR EACH ROW"
  " EXECUTE FUNCTION dozor_audit_anchor_kept()",
  "CREATE TABLE handovers ("
  " id text PRIMARY KEY, from_time text NOT NULL, to_time text NOT NULL,"
  " text text NOT NULL, incident_ids text NOT NULL, summary text NOT NULL,"
  " signed_by text NOT NULL, signed_at text NOT NULL,"
  " accepted_by text, accepted_at text, version bigint NOT NULL,"
  " CHECK (accepted_by IS NULL OR accepted_by <> signed_by))",
  "CREATE INDEX handovers_by_signed_at ON handovers (signed_at)",
  "CREATE TABLE messages ("
  " id text PRIMARY KEY, direction text NOT NULL, kind text NOT NULL,"
  " year bigint NOT NULL, number bigint NOT NULL, time text NOT NULL, ref text,"
  " sender text NOT NULL, addressee text NOT NULL, summary text NOT NULL,"
  " action text NOT NULL, registered_by text NOT NULL, registered_at text NOT NULL,"
  " search text NOT NULL DEFAULT '', version bigint NOT NULL,"
  " UNIQUE (direction, year, number))",
  "CREATE INDEX messages_by_time ON messages (time)",
  "CREATE TABLE orientations ("
  " id text PRIMARY KEY, kind text NOT NULL, name text, plate text, plate_key text,"
  " description text NOT NULL, issued_by text NOT NULL, issued_at text NOT NULL,"
  " registered_by text NOT NULL, registered_at text NOT NULL,"
  " cancelled_by text, cancelled_at text, cancel_reason text,"
  " search text NOT NULL DEFAULT '', version bigint NOT NULL)",
  "CREATE INDEX orientations_by_issued_at ON orientations (issued_at)",
  /* SQLite's INTEGER PRIMARY KEY numbers a row the store inserts without id. */
  "CREATE TABLE replay_states ("
  " id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, time text NOT NULL,"
  " seq bigint NOT NULL, data text NOT NULL)",
  "CREATE INDEX replay_states_by_time ON replay_states (time)",
  NULL
};

/* The position history partitioned by day (docs/postgresql.md, "Positions
 * at scale"): retention drops a day's table instead of deleting rows one
 * by one, and a day's fixes are written and read in a table of their own.
 * The time is compared in C collation, byte by byte, so that the RFC 3339
 * text sorts as the times do whatever the database's locale. The rows of
 * the table before are moved over, each into its day, in rowid order. */
static const char *const version_4[] = {
  "ALTER TABLE positions RENAME TO positions_unpartitioned",
  "ALTER INDEX positions_by_unit RENAME TO positions_unpartitioned_by_unit",
  "ALTER INDEX positions_by_time RENAME TO positions_unpartitioned_by_time",
  "CREATE TABLE positions ("
  " unit_id text NOT NULL, time text COLLATE \"C\" NOT NULL,"
  " lat double precision NOT NULL, lon double precision NOT NULL,"
  " speed double precision, heading double precision, accuracy double precision,"
  " rowid bigint GENERATED ALWAYS AS IDENTITY)"
  " PARTITION BY RANGE (time)",
  "CREATE INDEX positions_by_unit ON positions (unit_id, time)",
  "CREATE INDEX positions_by_time ON positions (time)",
  /* The day's table, made if missing: positions_YYYYMMDD holds the times
   * from 'YYYY-MM-DD' up to the next day. Called inside a write
   * transaction, which holds the event counter's row: two instances never
   * make the same day at once. */
  "CREATE FUNCTION dozor_track_day(day date) RETURNS boolean LANGUAGE plpgsql AS $$"
  " DECLARE name text := 'positions_' || to_char(day, 'YYYYMMDD');"
  " BEGIN"
  "  IF to_regclass(quote_ident(name)) IS NOT NULL THEN RETURN false; END IF;"
  "  EXECUTE format('CREATE TABLE %I PARTITION OF positions FOR VALUES FROM (%L) TO (%L)',"
  "                 name, to_char(day, 'YYYY-MM-DD'), to_char(day + 1, 'YYYY-MM-DD'));"
  "  RETURN true;"
  " END $$",
  /* Retention: every day's table whose last moment is before the cutoff
   * (an RFC 3339 time) is dropped whole; in the day that straddles the
   * cutoff, the fixes older than it are deleted, so that no fix outlives
   * the retention period, as on SQLite. Returns how many tables went. */
  "CREATE FUNCTION dozor_track_drop_before(cutoff text) RETURNS integer LANGUAGE plpgsql AS $$"
  " DECLARE part record; dropped integer := 0;"
  " BEGIN"
  "  FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
  "              WHERE i.inhparent = 'positions'::regclass AND c.relname ~ '^positions_[0-9]{8}$'"
  "              ORDER BY c.relname LOOP"
  "   IF to_char(to_date(substr(part.relname, 11), 'YYYYMMDD') + 1, 'YYYY-MM-DD') <= cutoff COLLATE \"C\" THEN"
  "    EXECUTE format('DROP TABLE %I', part.relname);"
  "    dropped := dropped + 1;"
  "   END IF;"
  "  END LOOP;"
  "  DELETE FROM positions WHERE time < cutoff COLLATE \"C\";"
  "  RETURN dropped;"
  " END $$",
  "SELECT dozor_track_day(d::date) FROM (SELECT DISTINCT substr(time, 1, 10) AS d FROM positions_unpartitioned) AS days",
  "INSERT INTO positions OVERRIDING SYSTEM VALUE SELECT * FROM positions_unpartitioned ORDER BY rowid",
  "SELECT setval(pg_get_serial_sequence('positions', 'rowid'), max(rowid)) FROM positions_unpartitioned"
  " HAVING max(rowid) IS NOT NULL",
  "DROP TABLE positions_unpartitioned",
  NULL
};

/* PostGIS where a spatial question belongs in the database: the district
 * that holds a point (docs/postgresql.md, "PostGIS"). CREATE EXTENSION
 * postgis needs a superuser, which dozord's role is not meant to be: the
 * migration only makes dozor_spatial_enable(), which dozord calls at
 * every start and which, once an administrator has created the
 * extension, makes the zones' shapes and keeps them. Without PostGIS it
 * does nothing and dozord judges districts with GEOS, as on SQLite.
 * The shapes are a table of their own: zones keeps SQLite's columns. */
static const char *const version_5[] = {
  "CREATE FUNCTION dozor_spatial_enable() RETURNS boolean LANGUAGE plpgsql AS $$"
  " BEGIN"
  "  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis') THEN RETURN false; END IF;"
  "  IF to_regclass('zone_shapes') IS NOT NULL THEN RETURN true; END IF;"
  /* geometry, not geography: a district's edges are straight lines in
   * longitude and latitude, as GEOS judges them on SQLite. */
  "  EXECUTE 'CREATE TABLE zone_shapes ("
  "   zone_id text PRIMARY KEY REFERENCES zones (id) ON DELETE CASCADE,"
  "   kind text NOT NULL, shape geometry(Geometry, 4326))';"
  "  EXECUTE 'CREATE INDEX zone_shapes_by_shape ON zone_shapes USING gist (shape)';"
  "  EXECUTE 'CREATE FUNCTION dozor_zone_shape() RETURNS trigger LANGUAGE plpgsql AS $f$"
  "   BEGIN"
  "    INSERT INTO zone_shapes VALUES (NEW.id, NEW.kind, ST_SetSRID(ST_GeomFromGeoJSON(NEW.geometry), 4326))"
  "     ON CONFLICT (zone_id) DO UPDATE SET kind = excluded.kind, shape = excluded.shape;"
  "    RETURN NULL;"
  "   END $f$';"
  "  EXECUTE 'CREATE TRIGGER zones_shape AFTER INSERT OR UPDATE OF geometry, kind ON zones"
  "   FOR EACH ROW EXECUTE FUNCTION dozor_zone_shape()';"
  "  EXECUTE 'INSERT INTO zone_shapes SELECT id, kind, ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326) FROM zones';"
  "  RETURN true;"
  " END $$",
  NULL
};

static const DozorPgMigration migrations[] = {
  { 1, "event log and idempotent answers", version_1 },
  { 2, "SQLite's functions the store's SQL uses", version_2 },
  { 3, "the store's tables", version_3 },
  { 4, "the position history partitioned by day", version_4 },
  { 5, "PostGIS shapes of the zones, once the extension is there", version_5 },
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
