/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The dispatch backend's state in one SQLite file. Every change runs in a
 * transaction that also appends its events with the next gapless seq, so a
 * crash leaves either the change and its events or neither. Entities leave
 * the store as JSON built by SQLite itself (json_object), the same text for
 * REST answers, snapshots and events.
 *
 * This is the narrow interface a PostgreSQL store could later implement.
 * Not thread-safe: dozord runs it on its main loop.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "dozor-credentials.h"
#include "dozor-db-sqlite.h"
#include "dozor-field.h"
#include "dozor-geo.h"
#include "dozor-geojson.h"
#include "dozor-store.h"
#include "dozor-store-post-rules.h"
#include "dozor-store-private.h"
#include "dozor-store-spatial.h"
#include "dozor-store-track.h"
#include "dozor-store-positions.h"
#include "dozor-post-assignment.h"
#include "dozor-store-shiftbook.h"

#define MAX_TEXT 2000
#define MAX_NAME 64

struct _DozorStore
{
  GObject parent_instance;

  DozorDb *db;
  gint64 seq;
  gboolean in_transaction;
  gint64 seq_at_begin;
  GPtrArray *pending_events; /* char * */
  /* Every change appends events, thousands a second under trackers and
   * the scenario: prepared once, not parsed again each time. */
  DozorDbStmt *append_event;
};

G_DEFINE_FINAL_TYPE (DozorStore, dozor_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (dozor-store-error-quark, dozor_store_error)

static const char *const roles[] = { "wall", "operator", "supervisor", "admin", "tracker", NULL };
static const char *const unit_kinds[] = { "car", "foot", "moto", NULL };
static const char *const unit_statuses[] = {
  "available", "dispatched", "en_route", "on_scene", "busy", "off_duty", NULL
};
static const char *const incident_statuses[] = { "new", "dispatched", "on_scene", "closed", NULL };
static const char *const incident_types[] = {
  "theft", "robbery", "assault", "domestic", "traffic_accident", "public_disorder",
  "missing_person", "fraud", "vandalism", "suspicious", "other", NULL
};
static const char *const zone_kinds[] = { "district", "sector", NULL };
static const char *const place_kinds[] = { "poi", "camera", NULL };

static const char schema[] =
  "CREATE TABLE IF NOT EXISTS users ("
  "  name TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,"
  "  created_at TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS sessions ("
  "  token_digest TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS units ("
  "  id TEXT PRIMARY KEY, call_sign TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
  "  crew TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL,"
  "  lat REAL, lon REAL, fix_time TEXT, speed REAL, heading REAL, accuracy REAL,"
  "  version INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS incidents ("
  "  id TEXT PRIMARY KEY, number TEXT NOT NULL UNIQUE, type TEXT NOT NULL,"
  "  priority INTEGER NOT NULL, status TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,"
  "  address TEXT NOT NULL DEFAULT '', caller_name TEXT NOT NULL DEFAULT '',"
  "  caller_phone TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',"
  "  created_at TEXT NOT NULL, dispatched_at TEXT, on_scene_at TEXT, closed_at TEXT,"
  "  version INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS dispatches ("
  "  id TEXT PRIMARY KEY, unit_id TEXT NOT NULL REFERENCES units (id),"
  "  incident_id TEXT REFERENCES incidents (id),"
  "  status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'completed')),"
  "  created_by TEXT NOT NULL, created_at TEXT NOT NULL, ended_by TEXT, ended_at TEXT,"
  /* A dispatch goes to an incident, to a post of a plan (dozor-store-plans.c)
   * or to a point of the crisis area (dozor-store-area-dispatch.c): one of them. */
  "  plan_id TEXT, post_id TEXT, area_lat REAL, area_lon REAL,"
  "  CHECK ((incident_id IS NOT NULL) + (plan_id IS NOT NULL) + (area_lat IS NOT NULL) = 1));"
  /* The rule that two supervisors can never break: one active dispatch per unit. */
  "CREATE UNIQUE INDEX IF NOT EXISTS one_active_dispatch_per_unit"
  "  ON dispatches (unit_id) WHERE status = 'active';"
  "CREATE TABLE IF NOT EXISTS events ("
  "  seq INTEGER PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS answers ("
  "  username TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL, PRIMARY KEY (username, key));"
  "CREATE TABLE IF NOT EXISTS positions ("
  "  unit_id TEXT NOT NULL, time TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,"
  "  speed REAL, heading REAL, accuracy REAL);"
  "CREATE INDEX IF NOT EXISTS positions_by_unit ON positions (unit_id, time);"
  /* Retention deletes by age alone. */
  "CREATE INDEX IF NOT EXISTS positions_by_time ON positions (time);"
  "CREATE TABLE IF NOT EXISTS zones ("
  "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
  "  parent_id TEXT REFERENCES zones (id), geometry TEXT NOT NULL, version INTEGER NOT NULL,"
  "  UNIQUE (parent_id, name));"
  "CREATE UNIQUE INDEX IF NOT EXISTS one_district_per_name ON zones (name) WHERE parent_id IS NULL;"
  "CREATE TABLE IF NOT EXISTS routes ("
  "  id TEXT PRIMARY KEY, name TEXT NOT NULL, zone_id TEXT REFERENCES zones (id),"
  "  unit_id TEXT REFERENCES units (id), shift_start TEXT, shift_end TEXT,"
  "  geometry TEXT NOT NULL, version INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS places ("
  "  id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, category TEXT,"
  "  lat REAL NOT NULL, lon REAL NOT NULL, stream_url TEXT, version INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  /* History reads (dozor-store-history.c) walk incidents by time and fetch
   * each one's dispatches: without these, a scan of every dispatch for
   * every incident. */
  "CREATE INDEX IF NOT EXISTS incidents_by_created_at ON incidents (created_at, id);"
  "CREATE INDEX IF NOT EXISTS dispatches_by_incident ON dispatches (incident_id, created_at);"
  /* Failed logins per user name and per client address (dozor-store-logins.c):
   * in the file, so that a restart does not lift a lock and dozorctl sees it. */
  "CREATE TABLE IF NOT EXISTS login_failures ("
  "  kind TEXT NOT NULL CHECK (kind IN ('user', 'address')), key TEXT NOT NULL,"
  "  failures INTEGER NOT NULL, first_at INTEGER NOT NULL, locked_until INTEGER NOT NULL,"
  "  PRIMARY KEY (kind, key));"
  "INSERT OR IGNORE INTO state VALUES ('readiness', 'normal');";

/* Entities as the wire contract spells them (docs/api.md); NUMBER and
 * INCIDENT_JSON are in dozor-store-private.h, history reads share them. */
#define DISPATCH_JSON \
  "json_object('id', id, 'unit_id', unit_id, 'incident_id', incident_id, 'plan_id', plan_id," \
  " 'post_id', post_id, 'area_point', CASE WHEN area_lat IS NULL THEN NULL ELSE json_object(" \
  "   'lat', " NUMBER ("area_lat", "%.7f") ", 'lon', " NUMBER ("area_lon", "%.7f") ") END," \
  " 'status', status," \
  " 'created_by', created_by, 'created_at', created_at, 'ended_by', ended_by, 'ended_at', ended_at)"

/* Geometry is kept as normalized GeoJSON text (dozor-geojson.c). */
#define ZONE_JSON \
  "json_object('id', id, 'kind', kind, 'name', name, 'parent_id', parent_id," \
  " 'geometry', json(geometry), 'version', version)"

#define ROUTE_JSON \
  "json_object('id', id, 'name', name, 'zone_id', zone_id, 'unit_id', unit_id," \
  " 'shift_start', shift_start, 'shift_end', shift_end, 'geometry', json(geometry)," \
  " 'compliance', json(COALESCE(compliance, '" DOZOR_STORE_DEFAULT_RULES "')), 'version', version)"

#define PLACE_JSON \
  "json_object('id', id, 'kind', kind, 'name', name, 'category', category," \
  " 'location', json_object('lat', " NUMBER ("lat", "%.7f") ", 'lon', " NUMBER ("lon", "%.7f") ")," \
  " 'stream_url', stream_url, 'version', version)"

static void
dozor_store_finalize (GObject *object)
{
  DozorStore *self = (DozorStore *)object;

  if (self->in_transaction)
    dozor_store_rollback (self);
  g_clear_pointer (&self->append_event, dozor_db_stmt_free);
  g_clear_pointer (&self->db, dozor_db_close);
  g_clear_pointer (&self->pending_events, g_ptr_array_unref);

  G_OBJECT_CLASS (dozor_store_parent_class)->finalize (object);
}

static void
dozor_store_class_init (DozorStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_store_finalize;
}

static void
dozor_store_init (DozorStore *self)
{
  self->pending_events = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
in_list (const char        *value,
         const char *const *list)
{
  return value != NULL && g_strv_contains (list, value);
}

gboolean
dozor_store_role_is_valid (const char *role)
{
  return in_list (role, roles);
}

static gboolean
set_db_error (DozorStore  *self,
              GError     **error)
{
  g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO,
               _("Database error: %s"), dozor_db_errmsg (self->db));
  return FALSE;
}

static DozorDbStmt *
prepare (DozorStore  *self,
         const char  *sql,
         GError     **error)
{
  DozorDbStmt *stmt = dozor_db_prepare (self->db, sql, NULL);

  if (stmt == NULL)
    set_db_error (self, error);

  return stmt;
}

static gboolean
exec (DozorStore  *self,
      const char  *sql,
      GError     **error)
{
  if (!dozor_db_exec (self->db, sql, NULL))
    return set_db_error (self, error);

  return TRUE;
}

static char *
now_rfc3339 (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
}

static gint64
query_int (DozorStore *self,
           const char *sql)
{
  g_autoptr(DozorDbStmt) stmt = prepare (self, sql, NULL);

  if (stmt != NULL && dozor_db_step (stmt) == DOZOR_DB_ROW)
    return dozor_db_column_int64 (stmt, 0);

  return 0;
}

/* Before plans, a dispatch always named an incident, and before the
 * crisis area it named an incident or a post: rebuild the table of an
 * older file once so that a dispatch to a post or to the area fits.
 * SQLite cannot drop a NOT NULL or change a CHECK in place. */
static gboolean
upgrade_dispatches (DozorStore  *self,
                    GError     **error)
{
  g_autofree char *copy = NULL;
  const char *columns;

  if (query_int (self, "SELECT COUNT(*) FROM pragma_table_info('dispatches') WHERE name = 'area_lat'") > 0)
    return TRUE;

  columns = query_int (self, "SELECT COUNT(*) FROM pragma_table_info('dispatches') WHERE name = 'plan_id'") > 0
              ? "id, unit_id, incident_id, plan_id, post_id, status, created_by, created_at, ended_by, ended_at"
              : "id, unit_id, incident_id, status, created_by, created_at, ended_by, ended_at";
  copy = g_strdup_printf ("INSERT INTO dispatches (%s) SELECT %s FROM dispatches_before_area;"
                          " DROP TABLE dispatches_before_area; COMMIT;",
                          columns, columns);
  g_message ("Upgrading the dispatches table for dispatches to posts and to the crisis area");
  if (!exec (self, "BEGIN IMMEDIATE;"
             " ALTER TABLE dispatches RENAME TO dispatches_before_area;"
             " DROP INDEX IF EXISTS one_active_dispatch_per_unit;"
             " DROP INDEX IF EXISTS dispatches_by_incident;",
             error) ||
      !exec (self, schema, error) ||
      !exec (self, copy, error))
    {
      exec (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

/**
 * dozor_store_open:
 * @target: the database file, created with its schema if missing, or a
 *   PostgreSQL database (dozor_db_open())
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
DozorStore *
dozor_store_open (const char  *target,
                  GError     **error)
{
  g_autoptr(DozorStore) self = g_object_new (DOZOR_TYPE_STORE, NULL);
  g_autoptr(GError) local_error = NULL;
  const char *path = target;

  /* The backend waits for a reader's or a checkpoint's lock as the store
   * did (5 s), and says "Cannot open “FILE”: WHY" itself. */
  self->db = dozor_db_open (target, DOZOR_DB_OPEN_READ_WRITE, &local_error);
  if (self->db == NULL)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, local_error->message);
      return NULL;
    }

  /* On PostgreSQL the tables are the migrations dozor_db_open() ran
   * (dozor-pg-schema.c), and the seq is the counter's, which only goes up:
   * retention may have deleted every event. */
  if (dozor_db_get_kind (self->db) == DOZOR_DB_POSTGRES)
    {
      self->seq = query_int (self, "SELECT seq FROM event_counter");
      /* The zones' shapes in PostGIS, if an administrator created the
       * extension (dozor-store-spatial.c). */
      if (!dozor_store_spatial_enable (self->db, &local_error))
        {
          g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, local_error->message);
          return NULL;
        }
      return g_steal_pointer (&self);
    }

  /* FULL: an event the server has announced is on disk, even after a power
   * cut. A page cache of 16 MiB, not SQLite's 2 MiB: with 2 MiB the
   * scenario at 50,000 cars read pages back from the file (pread) for
   * most fixes it stored. More would hold more, but it is memory that a
   * flood of events fills (the slow-reader test bounds dozord's growth). */
  if (!exec (self, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
             " PRAGMA cache_size = -16384;",
             error) ||
      !exec (self, schema, error) ||
      !upgrade_dispatches (self, error) ||
      !dozor_store_upgrade_readiness (self, error) ||
      !dozor_store_create_checklists (self, error) ||
      !dozor_store_create_arrivals (self, error) ||
      !dozor_store_create_calls (self, error) ||
      !dozor_store_create_compliance (self, error) ||
      !dozor_store_create_plans (self, error) ||
      !dozor_store_create_roster (self, error) ||
      !dozor_store_create_post_rules (self, error) ||
      !dozor_store_create_journal (self, error) ||
      !dozor_store_create_audit (self, error) ||
      !dozor_store_create_handovers (self, error) ||
      !dozor_store_create_registers (self, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  self->seq = query_int (self, "SELECT COALESCE(MAX(seq), 0) FROM events");

  return g_steal_pointer (&self);
}

/**
 * dozor_store_set_auto_checkpoint:
 * @self: a #DozorStore
 * @automatic: whether commits checkpoint the write-ahead log themselves
 *   (SQLite's default), or leave it to a #DozorCheckpointer
 */
void
dozor_store_set_auto_checkpoint (DozorStore *self,
                                 gboolean    automatic)
{
  sqlite3 *handle = dozor_db_sqlite_get_handle (self->db);

  /* Only SQLite has a write-ahead log of its own to checkpoint. 1,000
   * pages: SQLite's own default. */
  if (handle != NULL)
    sqlite3_wal_autocheckpoint (handle, automatic ? 1000 : 0);
}

/**
 * dozor_store_set_reconnect_in_background:
 * @self: a #DozorStore
 * @background: whether a lost PostgreSQL connection is made again in a
 *   thread, every call failing at once (%DOZOR_DB_ERROR_UNAVAILABLE, a
 *   503) meanwhile, rather than by the next call, which waits up to
 *   connect_timeout for a server that does not answer
 */
void
dozor_store_set_reconnect_in_background (DozorStore *self,
                                         gboolean    background)
{
  dozor_db_set_reconnect_in_background (self->db, background);
}

/**
 * dozor_store_get_target:
 * @self: a #DozorStore
 *
 * Returns: the database the store was opened on, for readers with their
 *   own connection (dozor_db_open()); may hold a password, never log it
 */
const char *
dozor_store_get_target (DozorStore *self)
{
  return dozor_db_get_target (self->db);
}

/**
 * dozor_store_get_seq:
 * @self: a #DozorStore
 *
 * Returns: the seq of the last committed event, 0 if none
 */
gint64
dozor_store_get_seq (DozorStore *self)
{
  return self->in_transaction ? self->seq_at_begin : self->seq;
}

/**
 * dozor_store_is_shared:
 * @self: a #DozorStore
 *
 * Returns: whether other dozord instances may write to the same database
 *   (PostgreSQL): then only the events table says what was committed
 */
gboolean
dozor_store_is_shared (DozorStore *self)
{
  return dozor_db_get_kind (self->db) == DOZOR_DB_POSTGRES;
}

/**
 * dozor_store_read_seq:
 * @self: a #DozorStore, not in a transaction
 * @error: return location for a #GError
 *
 * Unlike dozor_store_get_seq(), which knows this process's commits, this
 * asks the database, for what any instance committed.
 *
 * Returns: the seq of the last event committed by any instance, or -1 with
 *   @error set
 */
gint64
dozor_store_read_seq (DozorStore  *self,
                      GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (!dozor_store_is_shared (self))
    return dozor_store_get_seq (self);

  stmt = prepare (self, "SELECT seq FROM event_counter", error);
  if (stmt == NULL)
    return -1;
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      set_db_error (self, error);
      return -1;
    }
  return dozor_db_column_int64 (stmt, 0);
}

/**
 * dozor_store_get_oldest_seq:
 * @self: a #DozorStore
 *
 * Returns: the oldest event still kept; a client that has seen less must
 *   take a new snapshot
 */
gint64
dozor_store_get_oldest_seq (DozorStore *self)
{
  gint64 oldest = query_int (self, "SELECT COALESCE(MIN(seq), 0) FROM events");

  return oldest > 0 ? oldest : dozor_store_get_seq (self) + 1;
}

gboolean
dozor_store_begin (DozorStore  *self,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gint64 seq;

  g_return_val_if_fail (!self->in_transaction, FALSE);

  if (!dozor_db_begin_write (self->db, &seq, &local_error))
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("Database error: %s"), local_error->message);
      return FALSE;
    }

  /* On SQLite this is the seq the store counted; on PostgreSQL another
   * dozord may have written events since this one's last transaction. */
  self->seq = seq;
  self->in_transaction = TRUE;
  self->seq_at_begin = seq;
  g_ptr_array_set_size (self->pending_events, 0);
  return TRUE;
}

/**
 * dozor_store_commit:
 * @self: a #DozorStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8): the events the transaction
 *   wrote, as JSON text in seq order, or %NULL with @error set (then
 *   everything was rolled back)
 */
GPtrArray *
dozor_store_commit (DozorStore  *self,
                    GError     **error)
{
  GPtrArray *events;

  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (self->in_transaction, NULL);

  if (!dozor_db_commit (self->db, self->seq > self->seq_at_begin ? self->seq : -1, &local_error))
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("Database error: %s"), local_error->message);
      dozor_store_rollback (self);
      return NULL;
    }

  self->in_transaction = FALSE;
  events = g_steal_pointer (&self->pending_events);
  self->pending_events = g_ptr_array_new_with_free_func (g_free);
  return events;
}

void
dozor_store_rollback (DozorStore *self)
{
  if (!self->in_transaction)
    return;

  dozor_db_rollback (self->db);
  self->in_transaction = FALSE;
  self->seq = self->seq_at_begin;
  g_ptr_array_set_size (self->pending_events, 0);
}

/* An event's text, from SQL expressions of its seq, type, time, member
 * name and entity: the same bytes whether one event is written or many. */
#define EVENT_TEXT(seq, type, time, member, entity) \
  "'{\"seq\":' || " seq " || ',\"type\":' || json_quote(" type ") || ',\"time\":' || json_quote(" time ")" \
  " || ',' || json_quote(" member ") || ':' || json(" entity ") || '}'"

/* Appends an event whose body is the JSON entity @json under @member. */
static gboolean
append_event (DozorStore  *self,
              const char  *type,
              const char  *member,
              const char  *json,
              GError     **error)
{
  DozorDbStmt *stmt;
  g_autofree char *time = now_rfc3339 ();
  gint64 seq = self->seq + 1;
  gboolean ok;

  g_return_val_if_fail (self->in_transaction, FALSE);

  /* An entity that did not read back (see entity_json()) is no event. */
  if (json == NULL)
    {
      g_warning ("A %s event has no %s", type, member);
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("The change was not stored"));
      return FALSE;
    }

  /* The event's text is written out rather than built with
   * json_object(), which PostgreSQL writes as {"seq" : 1, …}: the stream
   * sends this text as it is, and dozord reads it itself (the compliance
   * worker's is_wanted(), the coalescing of positions). json() gives the
   * entity as SQLite writes it; on PostgreSQL it arrives so (dozor-db-pg.c
   * compacts the JSON the store reads). */
  if (self->append_event == NULL)
    self->append_event = prepare (self,
                                  "INSERT INTO events (seq, type, data) VALUES (?1, ?2,"
                                  " " EVENT_TEXT ("?1", "?2", "?3", "?4", "?5") ") RETURNING data",
                                  error);
  stmt = self->append_event;
  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_int64 (stmt, 1, seq);
  dozor_db_bind_text (stmt, 2, type);
  dozor_db_bind_text (stmt, 3, time);
  dozor_db_bind_text (stmt, 4, member);
  dozor_db_bind_text (stmt, 5, json);

  ok = dozor_db_step (stmt) == DOZOR_DB_ROW;
  if (ok)
    g_ptr_array_add (self->pending_events, g_strdup (dozor_db_column_text (stmt, 0)));
  else
    set_db_error (self, error);
  /* The bound texts are the caller's: let go of them now. */
  dozor_db_reset (stmt);
  dozor_db_clear_bindings (stmt);
  if (!ok)
    return FALSE;

  self->seq = seq;
  return TRUE;
}

/* On PostgreSQL, events of one type in one statement: a round trip an
 * event was what bounded the rate of fixes (docs/postgresql.md, "Fixes
 * in a few statements"). The text is built by the same expression as
 * append_event()'s. */
static gboolean
append_events_pg (DozorStore  *self,
                  const char  *type,
                  const char  *member,
                  GPtrArray   *entities,
                  GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) rows = NULL;
  g_autofree char *text = NULL;
  g_autofree char *time = now_rfc3339 ();
  g_autoptr(GPtrArray) texts = g_ptr_array_new_full (entities->len, g_free);
  gint64 first = self->seq + 1;
  guint read = 0;
  int rc;

  json_builder_begin_array (builder);
  for (guint i = 0; i < entities->len; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "seq");
      json_builder_add_int_value (builder, first + i);
      /* The entity's text as a string: it reaches json() byte for byte. */
      json_builder_set_member_name (builder, "entity");
      json_builder_add_string_value (builder, entities->pdata[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  rows = json_builder_get_root (builder);
  json_generator_set_root (generator, rows);
  text = json_generator_to_data (generator, NULL);

  stmt = prepare (self,
                  "INSERT INTO events (seq, type, data) SELECT e.seq, ?2,"
                  " " EVENT_TEXT ("e.seq", "?2", "?3", "?4", "e.entity")
                  " FROM json_to_recordset(CAST(?1 AS json)) AS e (seq int8, entity text) ORDER BY e.seq"
                  " RETURNING seq, data",
                  error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, text);
  dozor_db_bind_text (stmt, 2, type);
  dozor_db_bind_text (stmt, 3, time);
  dozor_db_bind_text (stmt, 4, member);

  g_ptr_array_set_size (texts, entities->len);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      gint64 seq = dozor_db_column_int64 (stmt, 0);

      /* RETURNING promises no order: each text goes to its seq's place. */
      if (seq < first || seq >= first + entities->len || texts->pdata[seq - first] != NULL)
        break;
      texts->pdata[seq - first] = g_strdup (dozor_db_column_text (stmt, 1));
      read++;
    }
  if (rc != DOZOR_DB_DONE || read != entities->len)
    {
      if (rc == DOZOR_DB_ROW)
        dozor_db_reset (stmt);
      if (rc == DOZOR_DB_FAILED)
        return set_db_error (self, error);
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("The change was not stored"));
      return FALSE;
    }

  for (guint i = 0; i < texts->len; i++)
    g_ptr_array_add (self->pending_events, g_steal_pointer (&texts->pdata[i]));
  self->seq = first + entities->len - 1;
  return TRUE;
}

/**
 * dozor_store_append_events:
 * @self: a #DozorStore, inside a write transaction
 * @type: the events' type
 * @member: the name of their entity's member
 * @entities: (element-type utf8): each event's entity, as JSON text read
 *   from the store, in the order of their seqs
 * @error: return location for a #GError
 *
 * The same as dozor_store_append_event() for each entity in turn; on
 * PostgreSQL one statement for all of them.
 *
 * Returns: %TRUE on success
 */
gboolean
dozor_store_append_events (DozorStore  *self,
                           const char  *type,
                           const char  *member,
                           GPtrArray   *entities,
                           GError     **error)
{
  g_return_val_if_fail (self->in_transaction, FALSE);

  if (entities->len == 0)
    return TRUE;
  for (guint i = 0; i < entities->len; i++)
    if (entities->pdata[i] == NULL)
      return append_event (self, type, member, NULL, error);
  if (dozor_db_get_kind (self->db) == DOZOR_DB_POSTGRES)
    return append_events_pg (self, type, member, entities, error);
  for (guint i = 0; i < entities->len; i++)
    if (!append_event (self, type, member, entities->pdata[i], error))
      return FALSE;
  return TRUE;
}

/* One row of JSON text from a query with a single bound id. */
static char *
entity_json (DozorStore *self,
             const char *sql,
             const char *id)
{
  g_autoptr(DozorDbStmt) stmt = prepare (self, sql, NULL);

  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;

  return g_strdup (dozor_db_column_text (stmt, 0));
}

static char *
unit_json (DozorStore *self,
           const char *id)
{
  return entity_json (self, "SELECT " UNIT_JSON " FROM units WHERE id = ?1", id);
}

static char *
incident_json (DozorStore *self,
               const char *id)
{
  return entity_json (self, "SELECT " INCIDENT_JSON " FROM incidents WHERE id = ?1", id);
}

char *
dozor_store_incident_json (DozorStore *self,
                           const char *id)
{
  return incident_json (self, id);
}

static char *
dispatch_json (DozorStore *self,
               const char *id)
{
  return entity_json (self, "SELECT " DISPATCH_JSON " FROM dispatches WHERE id = ?1", id);
}

static JsonNode *
parse_json (const char  *text,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = text != NULL ? json_from_string (text, &local_error) : NULL;

  /* What the database made of stored text must read back: if not, say so
   * rather than fail in silence. */
  if (node == NULL)
    {
      g_warning ("Stored JSON does not read back: %s", local_error != NULL ? local_error->message : "no row");
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("The change was not stored"));
    }
  return node;
}

/* --- Validation of what clients send ----------------------------------- */

static gboolean
invalid (GError     **error,
         const char  *field,
         const char  *why)
{
  g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_INVALID, "%s: %s", field, why);
  return FALSE;
}

/* For the store's other files (dozor-store-private.h). */
DozorDb *
dozor_store_get_db (DozorStore *self)
{
  return self->db;
}

DozorDbStmt *
dozor_store_prepare (DozorStore  *self,
                     const char  *sql,
                     GError     **error)
{
  return prepare (self, sql, error);
}

gboolean
dozor_store_exec (DozorStore  *self,
                  const char  *sql,
                  GError     **error)
{
  return exec (self, sql, error);
}

gboolean
dozor_store_set_db_error (DozorStore  *self,
                          GError     **error)
{
  return set_db_error (self, error);
}

gboolean
dozor_store_set_invalid (GError     **error,
                         const char  *field,
                         const char  *why)
{
  return invalid (error, field, why);
}

char *
dozor_store_now (void)
{
  return now_rfc3339 ();
}

gboolean
dozor_store_append_event (DozorStore  *self,
                          const char  *type,
                          const char  *member,
                          const char  *json,
                          GError     **error)
{
  return append_event (self, type, member, json, error);
}

JsonNode *
dozor_store_parse_json (const char  *text,
                        GError     **error)
{
  return parse_json (text, error);
}

/* A string member: absent is fine unless @required; anything else must be
 * a string of at most @max_chars characters of valid text. */
gboolean
dozor_store_get_text (JsonObject      *object,
                      const char      *field,
                      DozorFieldKind   kind,
                      gboolean         required,
                      guint            max_chars,
                      const char     **value,
                      GError         **error)
{
  JsonNode *node = json_object_get_member (object, field);
  const char *text;
  const char *refused;

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? invalid (error, field, _("is required")) : TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, field, _("must be a string"));

  text = json_node_get_string (node);
  refused = dozor_field_check_text (kind, text);
  if (refused != NULL)
    return invalid (error, field, refused);
  if (g_utf8_strlen (text, -1) > (glong) max_chars)
    return invalid (error, field, _("is too long"));
  if (required)
    {
      const char *p = text;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        return invalid (error, field, _("must not be empty"));
    }

  *value = text;
  return TRUE;
}

static gboolean
get_choice (JsonObject        *object,
            const char        *field,
            gboolean           required,
            const char *const *choices,
            const char       **value,
            GError           **error)
{
  if (!dozor_store_get_text (object, field, DOZOR_FIELD_NAME, required, MAX_NAME, value, error))
    return FALSE;

  if (*value != NULL && !in_list (*value, choices))
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **) choices);
      g_autofree char *why = g_strdup_printf (_("must be one of %s"), allowed);

      return invalid (error, field, why);
    }

  return TRUE;
}

gboolean
dozor_store_get_number (JsonObject *object,
                        const char *field,
                        gboolean    required,
                        double      min,
                        double      max,
                        gboolean   *present,
                        double     *value,
                        GError    **error)
{
  JsonNode *node = json_object_get_member (object, field);
  GType type;

  *present = FALSE;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return required ? invalid (error, field, _("is required")) : TRUE;

  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return invalid (error, field, _("must be a number"));

  *value = json_node_get_double (node);
  if (!isfinite (*value) || *value < min || *value > max)
    {
      g_autofree char *why = g_strdup_printf (_("must be between %g and %g"), min, max);

      return invalid (error, field, why);
    }

  *present = TRUE;
  return TRUE;
}

gboolean
dozor_store_get_location (JsonObject *object,
                          const char *field,
                          double     *lat,
                          double     *lon,
                          GError    **error)
{
  JsonNode *node = json_object_get_member (object, field);
  JsonObject *location;
  gboolean present;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, field, _("must be an object with lat and lon"));

  location = json_node_get_object (node);
  return dozor_store_get_number (location, "lat", TRUE, -90, 90, &present, lat, error) &&
         dozor_store_get_number (location, "lon", TRUE, -180, 180, &present, lon, error);
}

/* Crew: an array of at most 8 names. */
static gboolean
get_crew (JsonObject  *object,
          char       **crew_json,
          GError     **error)
{
  JsonNode *node = json_object_get_member (object, "crew");
  JsonArray *crew;

  *crew_json = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (error, "crew", _("must be an array of names"));

  crew = json_node_get_array (node);
  if (json_array_get_length (crew) > 8)
    return invalid (error, "crew", _("has more than 8 members"));

  for (guint i = 0; i < json_array_get_length (crew); i++)
    {
      JsonNode *member = json_array_get_element (crew, i);
      g_autofree char *field = g_strdup_printf ("crew[%u]", i);
      const char *refused;

      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING ||
          g_utf8_strlen (json_node_get_string (member), -1) > MAX_NAME)
        return invalid (error, "crew", _("must hold names of at most 64 characters"));
      refused = dozor_field_check_text (DOZOR_FIELD_NAME, json_node_get_string (member));
      if (refused != NULL)
        return invalid (error, field, refused);
    }

  *crew_json = json_to_string (node, FALSE);
  return TRUE;
}

/* --- Users and sessions -------------------------------------------------- */

gboolean
dozor_store_add_user (DozorStore  *self,
                      const char  *name,
                      const char  *role,
                      const char  *password,
                      GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *now = now_rfc3339 ();

  if (name == NULL || *name == '\0' || strlen (name) > MAX_NAME || !g_utf8_validate (name, -1, NULL))
    return invalid (error, "name", _("must be 1 to 64 characters of text"));
  if (!dozor_store_role_is_valid (role))
    return invalid (error, "role", _("must be wall, operator, supervisor, admin or tracker"));

  hash = dozor_password_hash (password, error);
  if (hash == NULL)
    return FALSE;

  stmt = prepare (self,
                  "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)"
                  " ON CONFLICT (name) DO UPDATE SET role = ?2, password_hash = ?3",
                  error);
  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_text (stmt, 1, name);
  dozor_db_bind_text (stmt, 2, role);
  dozor_db_bind_text (stmt, 3, hash);
  dozor_db_bind_text (stmt, 4, now);

  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return set_db_error (self, error);

  return TRUE;
}

/**
 * dozor_store_authenticate:
 * @self: a #DozorStore
 * @token: a bearer token
 * @name: (out) (optional): the user
 * @role: (out) (optional): the user's role
 * @expires_at: (out) (optional): when the token expires, Unix seconds
 *
 * Returns: %TRUE if the token is valid and not expired
 */
gboolean
dozor_store_authenticate (DozorStore  *self,
                          const char  *token,
                          char       **name,
                          char       **role,
                          gint64      *expires_at)
{
  return dozor_store_authenticate_full (self, token, name, role, expires_at, NULL);
}

/**
 * dozor_store_authenticate_full:
 * @self: a #DozorStore
 * @token: a bearer token
 * @name: (out) (optional): the user's name
 * @role: (out) (optional): the user's role
 * @expires_at: (out) (optional): when the token expires, Unix seconds
 * @error: return location for a #GError
 *
 * The same as dozor_store_authenticate(), but tells a token that is not
 * valid (%FALSE, @error unset) from a database that cannot answer (%FALSE,
 * @error set): a board told "unauthorized" logs in again, one told
 * "unavailable" waits.
 *
 * Returns: %TRUE if the token is valid and not expired
 */
gboolean
dozor_store_authenticate_full (DozorStore  *self,
                               const char  *token,
                               char       **name,
                               char       **role,
                               gint64      *expires_at,
                               GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *digest = NULL;
  DozorDbStep step;

  if (token == NULL || strlen (token) != 64)
    return FALSE;

  digest = dozor_token_digest (token);
  stmt = prepare (self,
                  "SELECT users.name, users.role, sessions.expires_at"
                  " FROM sessions JOIN users ON users.name = sessions.username"
                  " WHERE token_digest = ?1 AND expires_at >= CAST(strftime('%s', 'now') AS INTEGER)",
                  error);
  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_text (stmt, 1, digest);
  step = dozor_db_step (stmt);
  if (step == DOZOR_DB_FAILED)
    set_db_error (self, error);
  if (step != DOZOR_DB_ROW)
    return FALSE;

  if (name != NULL)
    *name = g_strdup (dozor_db_column_text (stmt, 0));
  if (role != NULL)
    *role = g_strdup (dozor_db_column_text (stmt, 1));
  if (expires_at != NULL)
    *expires_at = dozor_db_column_int64 (stmt, 2);
  return TRUE;
}

/**
 * dozor_store_end_session:
 * @self: a #DozorStore
 * @token: a bearer token
 * @error: return location for a #GError
 *
 * Ends the session of @token alone (a board logging out), leaving the
 * user's other sessions as they are.
 *
 * Returns: whether a session was ended; %FALSE with @error unset when the
 *   token was not a live one
 */
gboolean
dozor_store_end_session (DozorStore  *self,
                         const char  *token,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *digest = NULL;

  if (token == NULL || strlen (token) != 64)
    return FALSE;

  digest = dozor_token_digest (token);
  stmt = prepare (self, "DELETE FROM sessions WHERE token_digest = ?1", error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, digest);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    {
      set_db_error (self, error);
      return FALSE;
    }
  return dozor_db_changes (self->db) > 0;
}

/**
 * dozor_store_list_users:
 * @self: a #DozorStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `[{"name", "role", "created_at", "sessions"}]`
 *   as JSON text, sessions counting the tokens not yet expired
 */
char *
dozor_store_list_users (DozorStore  *self,
                        GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    prepare (self,
             "SELECT json_group_array(json_object('name', name, 'role', role, 'created_at', created_at,"
             " 'sessions', (SELECT count(*) FROM sessions WHERE username = users.name"
             "   AND expires_at >= CAST(strftime('%s', 'now') AS INTEGER))))"
             " FROM (SELECT * FROM users ORDER BY name) AS users",
             error);

  if (stmt == NULL)
    return NULL;
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      set_db_error (self, error);
      return NULL;
    }
  return g_strdup (dozor_db_column_text (stmt, 0));
}

static gboolean
user_exists (DozorStore  *self,
             const char  *name,
             GError     **error)
{
  g_autofree char *found = entity_json (self, "SELECT name FROM users WHERE name = ?1", name);

  if (found == NULL)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("There is no user “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

/**
 * dozor_store_revoke_sessions:
 * @self: a #DozorStore
 * @name: a user
 * @error: return location for a #GError
 *
 * Ends every session of @name at once: a board logged in as that user gets
 * 401 on its next request and must log in again.
 *
 * Returns: how many tokens were revoked, or -1 with @error set
 */
int
dozor_store_revoke_sessions (DozorStore  *self,
                             const char  *name,
                             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (!user_exists (self, name, error))
    return -1;

  stmt = prepare (self, "DELETE FROM sessions WHERE username = ?1", error);
  if (stmt == NULL)
    return -1;
  dozor_db_bind_text (stmt, 1, name);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    {
      set_db_error (self, error);
      return -1;
    }
  return dozor_db_changes (self->db);
}

/**
 * dozor_store_remove_user:
 * @self: a #DozorStore
 * @name: a user
 * @error: return location for a #GError
 *
 * Removes @name and its sessions. What the user did stays in the record
 * (dispatches name who made them).
 *
 * Returns: whether the user was removed
 */
gboolean
dozor_store_remove_user (DozorStore  *self,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (dozor_store_revoke_sessions (self, name, error) < 0)
    return FALSE;

  stmt = prepare (self, "DELETE FROM users WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  dozor_db_bind_text (stmt, 1, name);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return set_db_error (self, error);
  return TRUE;
}

/* --- Idempotent answers -------------------------------------------------- */

gboolean
dozor_store_find_answer (DozorStore  *self,
                         const char  *user,
                         const char  *key,
                         guint       *status,
                         char       **body)
{
  g_autoptr(DozorDbStmt) stmt =
    prepare (self, "SELECT status, body FROM answers WHERE username = ?1 AND key = ?2", NULL);

  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_text (stmt, 1, user);
  dozor_db_bind_text (stmt, 2, key);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return FALSE;

  *status = (guint) dozor_db_column_int64 (stmt, 0);
  *body = g_strdup (dozor_db_column_text (stmt, 1));
  return TRUE;
}

gboolean
dozor_store_keep_answer (DozorStore  *self,
                         const char  *user,
                         const char  *key,
                         guint        status,
                         const char  *body,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    prepare (self, "INSERT OR IGNORE INTO answers VALUES (?1, ?2, ?3, ?4, CAST(strftime('%s', 'now') AS INTEGER))", error);

  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_text (stmt, 1, user);
  dozor_db_bind_text (stmt, 2, key);
  dozor_db_bind_int64 (stmt, 3, (int) status);
  dozor_db_bind_text (stmt, 4, body);

  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    return set_db_error (self, error);

  return TRUE;
}

/* --- Reading --------------------------------------------------------------- */

static gboolean
append_rows (DozorStore  *self,
             GString     *out,
             const char  *sql,
             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = prepare (self, sql, error);
  gboolean first = TRUE;
  int rc;

  if (stmt == NULL)
    return FALSE;

  g_string_append_c (out, '[');
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      if (!first)
        g_string_append_c (out, ',');
      g_string_append (out, dozor_db_column_text (stmt, 0));
      first = FALSE;
    }
  g_string_append_c (out, ']');

  return rc == DOZOR_DB_DONE || set_db_error (self, error);
}

/**
 * dozor_store_snapshot:
 * @self: a #DozorStore
 * @error: return location for a #GError
 *
 * The rows are joined as text, not through json(): SQLite's JSON functions
 * would print every coordinate again with 17 digits.
 *
 * Returns: (transfer full): the whole situation with `as_of_seq`, as JSON text
 */
char *
dozor_store_snapshot (DozorStore  *self,
                      GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(DozorDbStmt) head = NULL;
  gboolean ok;

  /* One read transaction, so the lists agree with each other and with as_of_seq. */
  if (!dozor_db_begin_read (self->db, NULL))
    {
      set_db_error (self, error);
      return NULL;
    }

  head = prepare (self, "SELECT json_object('as_of_seq', (SELECT COALESCE(MAX(seq), 0) FROM events),"
                        " 'readiness', " DOZOR_STORE_READINESS_JSON ")",
                  error);
  ok = head != NULL && dozor_db_step (head) == DOZOR_DB_ROW;
  if (ok)
    {
      const char *text = dozor_db_column_text (head, 0);

      /* {"as_of_seq":…,"readiness":{…}} without its closing brace. */
      g_string_append_len (out, text, strlen (text) - 1);
      g_string_append (out, ",\"units\":");
      ok = append_rows (self, out, "SELECT " UNIT_JSON " FROM units ORDER BY call_sign", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"incidents\":");
      ok = append_rows (self, out, "SELECT " INCIDENT_JSON " FROM incidents WHERE status <> 'closed'"
                                   " ORDER BY created_at", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"dispatches\":");
      ok = append_rows (self, out, "SELECT " DISPATCH_JSON " FROM dispatches WHERE status = 'active'"
                                   " ORDER BY created_at", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"zones\":");
      ok = append_rows (self, out, "SELECT " ZONE_JSON " FROM zones ORDER BY kind, name", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"routes\":");
      ok = append_rows (self, out, "SELECT " ROUTE_JSON " FROM routes ORDER BY name", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"places\":");
      ok = append_rows (self, out, "SELECT " PLACE_JSON " FROM places ORDER BY kind, name", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"checklists\":");
      ok = append_rows (self, out, "SELECT " DOZOR_STORE_CHECK_JSON " FROM checks WHERE incident_id IN"
                                   " (SELECT id FROM incidents WHERE status <> 'closed')"
                                   " ORDER BY incident_id, procedure_id, rowid", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"deviations\":");
      ok = append_rows (self, out, "SELECT " DOZOR_STORE_DEVIATION_JSON " FROM deviations WHERE ended_at IS NULL"
                                   " ORDER BY started_at", error);
    }
  if (ok)
    {
      g_string_append (out, ",\"plans\":");
      ok = dozor_store_append_plans (self, out, error);
    }
  if (ok)
    ok = dozor_store_append_roster (self, out, error);
  if (!ok && head != NULL && error != NULL && *error == NULL)
    set_db_error (self, error);

  /* It wrote nothing: no seq to note. */
  dozor_db_commit (self->db, -1, NULL);
  if (!ok)
    return NULL;

  g_string_append_c (out, '}');
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * dozor_store_events_since:
 * @self: a #DozorStore
 * @since: the last seq the client has
 * @limit: the most to return
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type utf8): events after @since, in order
 */
GPtrArray *
dozor_store_events_since (DozorStore  *self,
                          gint64       since,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    prepare (self, "SELECT data FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2", error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  dozor_db_bind_int64 (stmt, 1, since);
  dozor_db_bind_int64 (stmt, 2, limit);
  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    g_ptr_array_add (events, g_strdup (dozor_db_column_text (stmt, 0)));

  if (rc != DOZOR_DB_DONE)
    {
      set_db_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&events);
}

/**
 * dozor_store_prune_events:
 * @self: a #DozorStore
 * @keep: how many of the newest events to keep
 * @error: return location for a #GError
 *
 * Returns: how many were deleted
 */
guint
dozor_store_prune_events (DozorStore  *self,
                          gint64       keep,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = prepare (self, "DELETE FROM events WHERE seq <= ?1", error);

  if (stmt == NULL)
    return 0;

  dozor_db_bind_int64 (stmt, 1, dozor_store_get_seq (self) - keep);
  if (dozor_db_step (stmt) != DOZOR_DB_DONE)
    {
      set_db_error (self, error);
      return 0;
    }

  return (guint) dozor_db_changes (self->db);
}

static gboolean check_version (DozorStore *self, const char *table, const char *id,
                               gint64 expected, GError **error);

/* --- Commands ---------------------------------------------------------- */

static gboolean
step_done (DozorStore    *self,
           DozorDbStmt  *stmt,
           GError       **error)
{
  g_autoptr(GError) db_error = NULL;

  if (dozor_db_step_full (stmt, &db_error) == DOZOR_DB_DONE)
    return TRUE;

  /* The database names tables and columns: that is for the log. Callers
   * that know which rule it was say so in their own words. */
  if (g_error_matches (db_error, DOZOR_DB_ERROR, DOZOR_DB_ERROR_CONSTRAINT))
    {
      g_message ("A change was refused by the database: %s", dozor_db_errmsg (self->db));
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The change contradicts the current state"));
      return FALSE;
    }

  return set_db_error (self, error);
}


/* Appends the event for a changed entity, given as its JSON (taken). */
static JsonNode *
finish_change (DozorStore  *self,
               char        *json,
               const char  *type,
               const char  *member,
               GError     **error)
{
  g_autofree char *owned = json;

  if (owned == NULL)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_IO, _("The change was not stored"));
      return NULL;
    }
  if (!append_event (self, type, member, owned, error))
    return NULL;

  return parse_json (owned, error);
}

void
dozor_active_dispatch_free (DozorActiveDispatch *dispatch)
{
  g_free (dispatch->dispatch_id);
  g_free (dispatch->unit_id);
  g_free (dispatch->incident_id);
  g_free (dispatch);
}

/**
 * dozor_store_list_active_dispatches:
 * @self: a #DozorStore
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type DozorActiveDispatch): every unit
 *   sent somewhere now, with the scene: an incident, or a post of a plan
 *   (then incident_id is %NULL)
 */
GPtrArray *
dozor_store_list_active_dispatches (DozorStore  *self,
                                    GError     **error)
{
  g_autoptr(DozorDbStmt) stmt =
    prepare (self, "SELECT d.id, d.unit_id, d.incident_id, i.lat, i.lon FROM dispatches d"
                   " JOIN incidents i ON i.id = d.incident_id WHERE d.status = 'active'"
                   /* A dispatch to a post of a plan: the post's place. */
                   " UNION ALL SELECT d.id, d.unit_id, NULL, CAST (json_extract (p.value, '$.location.lat') AS REAL),"
                   " CAST (json_extract (p.value, '$.location.lon') AS REAL) FROM dispatches d JOIN plans pl ON pl.id = d.plan_id,"
                   " json_each (pl.posts) p WHERE d.status = 'active' AND json_extract (p.value, '$.id') = d.post_id"
                   /* A dispatch to the crisis area: its point. */
                   " UNION ALL SELECT id, unit_id, NULL, area_lat, area_lon FROM dispatches"
                   " WHERE status = 'active' AND area_lat IS NOT NULL",
             error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_active_dispatch_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  while ((rc = dozor_db_step (stmt)) == DOZOR_DB_ROW)
    {
      DozorActiveDispatch *dispatch = g_new0 (DozorActiveDispatch, 1);

      dispatch->dispatch_id = g_strdup (dozor_db_column_text (stmt, 0));
      dispatch->unit_id = g_strdup (dozor_db_column_text (stmt, 1));
      dispatch->incident_id = g_strdup (dozor_db_column_text (stmt, 2));
      dispatch->lat = dozor_db_column_double (stmt, 3);
      dispatch->lon = dozor_db_column_double (stmt, 4);
      g_ptr_array_add (list, dispatch);
    }

  if (rc != DOZOR_DB_DONE)
    {
      set_db_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&list);
}

/**
 * dozor_store_find_unit:
 * @self: a #DozorStore
 * @call_sign: a call sign
 *
 * Returns: (transfer full) (nullable): the id of the unit with that call sign
 */
char *
dozor_store_find_unit (DozorStore *self,
                       const char *call_sign)
{
  return entity_json (self, "SELECT id FROM units WHERE call_sign = ?1", call_sign);
}

/* The only rule of the units table a change can break. */
static void
call_sign_taken (const char  *call_sign,
                 GError     **error)
{
  if (g_error_matches (*error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT))
    {
      g_clear_error (error);
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                   _("A unit with the call sign “%s” exists already"), call_sign);
    }
}

JsonNode *
dozor_store_create_unit (DozorStore  *self,
                         JsonObject  *input,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *crew = NULL;
  const char *call_sign, *kind, *status;

  if (!dozor_store_get_text (input, "call_sign", DOZOR_FIELD_NAME, TRUE, MAX_NAME, &call_sign, error) ||
      !get_choice (input, "kind", TRUE, unit_kinds, &kind, error) ||
      !get_choice (input, "status", FALSE, unit_statuses, &status, error) ||
      !get_crew (input, &crew, error))
    return NULL;

  stmt = prepare (self, "INSERT INTO units (id, call_sign, kind, crew, status, version)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, 1)", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, call_sign);
  dozor_db_bind_text (stmt, 3, kind);
  dozor_db_bind_text (stmt, 4, crew != NULL ? crew : "[]");
  dozor_db_bind_text (stmt, 5, status != NULL ? status : "available");

  if (!step_done (self, stmt, error))
    {
      call_sign_taken (call_sign, error);
      return NULL;
    }

  return finish_change (self, unit_json (self, id), "unit.created", "unit", error);
}

static void
set_not_found (const char  *table,
               const char  *id,
               GError     **error)
{
  GQuark domain = DOZOR_STORE_ERROR;
  int code = DOZOR_STORE_ERROR_NOT_FOUND;

  if (g_str_equal (table, "units"))
    g_set_error (error, domain, code, _("No unit “%s”"), id);
  else if (g_str_equal (table, "incidents"))
    g_set_error (error, domain, code, _("No incident “%s”"), id);
  else if (g_str_equal (table, "zones"))
    g_set_error (error, domain, code, _("No zone “%s”"), id);
  else if (g_str_equal (table, "places"))
    g_set_error (error, domain, code, _("No place “%s”"), id);
  else
    g_set_error (error, domain, code, _("No patrol route “%s”"), id);
}

static void
set_stale (const char  *table,
           long long    version,
           long long    expected,
           GError     **error)
{
  GQuark domain = DOZOR_STORE_ERROR;
  int code = DOZOR_STORE_ERROR_STALE;

  if (g_str_equal (table, "units"))
    g_set_error (error, domain, code, _("The unit has changed meanwhile: it is at version %lld, not %lld"),
                 version, expected);
  else if (g_str_equal (table, "incidents"))
    g_set_error (error, domain, code, _("The incident has changed meanwhile: it is at version %lld, not %lld"),
                 version, expected);
  else if (g_str_equal (table, "zones"))
    g_set_error (error, domain, code, _("The zone has changed meanwhile: it is at version %lld, not %lld"),
                 version, expected);
  else if (g_str_equal (table, "places"))
    g_set_error (error, domain, code, _("The place has changed meanwhile: it is at version %lld, not %lld"),
                 version, expected);
  else
    g_set_error (error, domain, code, _("The patrol route has changed meanwhile: it is at version %lld, not %lld"),
                 version, expected);
}

/* Checks the version the client saw; NOT_FOUND or STALE otherwise. */
static gboolean
check_version (DozorStore  *self,
               const char  *table,
               const char  *id,
               gint64       expected,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT version FROM %s WHERE id = ?1", table);
  g_autoptr(DozorDbStmt) stmt = prepare (self, sql, error);
  gint64 version;

  if (stmt == NULL)
    return FALSE;

  dozor_db_bind_text (stmt, 1, id);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    {
      set_not_found (table, id, error);
      return FALSE;
    }

  version = dozor_db_column_int64 (stmt, 0);
  if (expected >= 0 && version != expected)
    {
      set_stale (table, version, expected, error);
      return FALSE;
    }

  return TRUE;
}

JsonNode *
dozor_store_update_unit (DozorStore  *self,
                         const char  *id,
                         gint64       expected_version,
                         JsonObject  *changes,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *crew = NULL;
  const char *status, *call_sign;

  if (!get_choice (changes, "status", FALSE, unit_statuses, &status, error) ||
      !dozor_store_get_text (changes, "call_sign", DOZOR_FIELD_NAME, FALSE, MAX_NAME, &call_sign, error) ||
      !get_crew (changes, &crew, error) ||
      !check_version (self, "units", id, expected_version, error))
    return NULL;

  stmt = prepare (self, "UPDATE units SET status = COALESCE(?2, status), crew = COALESCE(?3, crew),"
                        " call_sign = COALESCE(?4, call_sign), version = version + 1 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, status);
  dozor_db_bind_text (stmt, 3, crew);
  dozor_db_bind_text (stmt, 4, call_sign);
  if (!step_done (self, stmt, error))
    {
      if (call_sign != NULL)
        call_sign_taken (call_sign, error);
      return NULL;
    }

  if (g_strcmp0 (status, "en_route") == 0 && !dozor_store_note_en_route (self, id, error))
    return NULL;

  return finish_change (self, unit_json (self, id), "unit.updated", "unit", error);
}


JsonNode *
dozor_store_create_incident (DozorStore  *self,
                             JsonObject  *input,
                             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  g_autofree char *created = now_rfc3339 ();
  g_autofree char *number = NULL;
  const char *type, *address, *caller_name, *caller_phone, *description;
  double lat, lon, priority = 3;
  gboolean present;

  if (!get_choice (input, "type", TRUE, incident_types, &type, error) ||
      !dozor_store_get_number (input, "priority", FALSE, 1, 4, &present, &priority, error) ||
      !dozor_store_get_location (input, "location", &lat, &lon, error) ||
      !dozor_store_get_text (input, "address", DOZOR_FIELD_TEXT, FALSE, 256, &address, error) ||
      !dozor_store_get_text (input, "caller_name", DOZOR_FIELD_TEXT, FALSE, 128, &caller_name, error) ||
      !dozor_store_get_text (input, "caller_phone", DOZOR_FIELD_TEXT, FALSE, 32, &caller_phone, error) ||
      !dozor_store_get_text (input, "description", DOZOR_FIELD_TEXT, FALSE, MAX_TEXT, &description, error))
    return NULL;

  if (priority != floor (priority))
    {
      invalid (error, "priority", _("must be a whole number from 1 (most urgent) to 4"));
      return NULL;
    }

  /* Numbers as a duty log writes them: the day, then the count that day. */
  {
    g_autoptr(DozorDbStmt) count = prepare (self, "SELECT COUNT(*) FROM incidents WHERE number LIKE ?1 || '-%'",
                                             error);

    if (count == NULL)
      return NULL;
    dozor_db_bind_text (count, 1, day);
    dozor_db_step (count);
    number = g_strdup_printf ("%s-%04" G_GINT64_FORMAT, day, (gint64) dozor_db_column_int64 (count, 0) + 1);
  }

  stmt = prepare (self,
                  "INSERT INTO incidents (id, number, type, priority, status, lat, lon, address,"
                  " caller_name, caller_phone, description, created_at, version)"
                  " VALUES (?1, ?2, ?3, ?4, 'new', ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1)",
                  error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, number);
  dozor_db_bind_text (stmt, 3, type);
  dozor_db_bind_int64 (stmt, 4, (int) priority);
  dozor_db_bind_double (stmt, 5, lat);
  dozor_db_bind_double (stmt, 6, lon);
  dozor_db_bind_text (stmt, 7, address != NULL ? address : "");
  dozor_db_bind_text (stmt, 8, caller_name != NULL ? caller_name : "");
  dozor_db_bind_text (stmt, 9, caller_phone != NULL ? caller_phone : "");
  dozor_db_bind_text (stmt, 10, description != NULL ? description : "");
  dozor_db_bind_text (stmt, 11, created);

  if (!step_done (self, stmt, error))
    return NULL;

  return finish_change (self, incident_json (self, id), "incident.created", "incident", error);
}

/* Ends every active dispatch of an incident (or of one dispatch id) and
 * frees their units, with events. */
static gboolean
end_dispatches (DozorStore  *self,
                const char  *where,
                const char  *id,
                const char  *new_status,
                const char  *by,
                GError     **error)
{
  g_autofree char *select_sql = g_strdup_printf ("SELECT id, unit_id FROM dispatches WHERE status = 'active' AND %s = ?1",
                                                 where);
  g_autoptr(DozorDbStmt) select = prepare (self, select_sql, error);
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) units = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *now = now_rfc3339 ();

  if (select == NULL)
    return FALSE;

  dozor_db_bind_text (select, 1, id);
  while (dozor_db_step (select) == DOZOR_DB_ROW)
    {
      g_ptr_array_add (ended, g_strdup (dozor_db_column_text (select, 0)));
      g_ptr_array_add (units, g_strdup (dozor_db_column_text (select, 1)));
    }

  for (guint i = 0; i < ended->len; i++)
    {
      g_autoptr(DozorDbStmt) end = prepare (self, "UPDATE dispatches SET status = ?2, ended_by = ?3, ended_at = ?4"
                                                   " WHERE id = ?1", error);
      g_autoptr(DozorDbStmt) free_unit = prepare (self, "UPDATE units SET status = 'available', version = version + 1"
                                                         " WHERE id = ?1", error);
      g_autofree char *dispatch = NULL;
      g_autofree char *unit = NULL;

      if (end == NULL || free_unit == NULL)
        return FALSE;

      dozor_db_bind_text (end, 1, ended->pdata[i]);
      dozor_db_bind_text (end, 2, new_status);
      dozor_db_bind_text (end, 3, by);
      dozor_db_bind_text (end, 4, now);
      dozor_db_bind_text (free_unit, 1, units->pdata[i]);
      if (!step_done (self, end, error) || !step_done (self, free_unit, error))
        return FALSE;

      dispatch = dispatch_json (self, ended->pdata[i]);
      unit = unit_json (self, units->pdata[i]);
      if (!append_event (self, "dispatch.ended", "dispatch", dispatch, error) ||
          !append_event (self, "unit.updated", "unit", unit, error))
        return FALSE;
    }

  return TRUE;
}

/* For the store's own files: entities as the API shows them, and ending
 * the active dispatches whose @column (`id`, `unit_id`, `plan_id`) is @id. */
char *
dozor_store_unit_json (DozorStore *self,
                       const char *id)
{
  return unit_json (self, id);
}

char *
dozor_store_dispatch_json (DozorStore *self,
                           const char *id)
{
  return dispatch_json (self, id);
}

/* An entity of the API by its kind (`unit`, `incident`, `dispatch`,
 * `zone`, `route`, `place`), as the answers spell it; NULL if there is no
 * such kind or entity. The audit trail reads what a change touches with it. */
char *
dozor_store_entity_json (DozorStore *self,
                         const char *kind,
                         const char *id)
{
  static const struct { const char *kind; const char *sql; } kinds[] = {
    { "unit", "SELECT " UNIT_JSON " FROM units WHERE id = ?1" },
    { "incident", "SELECT " INCIDENT_JSON " FROM incidents WHERE id = ?1" },
    { "dispatch", "SELECT " DISPATCH_JSON " FROM dispatches WHERE id = ?1" },
    { "zone", "SELECT " ZONE_JSON " FROM zones WHERE id = ?1" },
    { "route", "SELECT " ROUTE_JSON " FROM routes WHERE id = ?1" },
    { "place", "SELECT " PLACE_JSON " FROM places WHERE id = ?1" },
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (g_strcmp0 (kind, kinds[k].kind) == 0)
      return entity_json (self, kinds[k].sql, id);
  return NULL;
}

char *
dozor_store_active_dispatch_json (DozorStore *self,
                                  const char *unit_id)
{
  return entity_json (self, "SELECT " DISPATCH_JSON " FROM dispatches WHERE unit_id = ?1 AND status = 'active'",
                      unit_id);
}

/* Whether @unit_id may be dispatched: not when it has an active dispatch,
 * nor when the unique index of active dispatches has just @refused one.
 * If not, the loser learns whose dispatch holds the unit (409 unit_busy
 * with it in @current), with @error set.
 *
 * Asked before the insert too, in the command's write transaction (no
 * other writer runs meanwhile, on either store): after a failed statement
 * a PostgreSQL transaction answers no more queries, so the loser could not
 * be told who has the unit afterwards. */
gboolean
dozor_store_unit_free (DozorStore  *self,
                       const char  *unit_id,
                       gboolean     refused,
                       JsonNode   **current,
                       GError     **error)
{
  g_autofree char *active = dozor_store_active_dispatch_json (self, unit_id);

  if (active == NULL && !refused)
    return TRUE;
  /* Refused, but ended meanwhile (in this transaction it cannot be): a
   * plain conflict. */
  if (current != NULL && active != NULL)
    *current = json_from_string (active, NULL);
  g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT, _("The unit is already dispatched"));
  return FALSE;
}

gboolean
dozor_store_end_dispatches (DozorStore  *self,
                            const char  *column,
                            const char  *id,
                            const char  *new_status,
                            const char  *by,
                            GError     **error)
{
  g_return_val_if_fail (g_str_equal (column, "id") || g_str_equal (column, "unit_id") ||
                        g_str_equal (column, "plan_id") || g_str_equal (column, "area"), FALSE);
  /* "area" with @id "area": every dispatch to the crisis area. */
  if (g_str_equal (column, "area"))
    column = "IIF(area_lat IS NULL, NULL, 'area')";
  return end_dispatches (self, column, id, new_status, by, error);
}

gboolean
dozor_store_get_unit_kind (JsonObject  *object,
                           const char  *field,
                           const char **value,
                           GError     **error)
{
  return get_choice (object, field, FALSE, unit_kinds, value, error);
}

JsonNode *
dozor_store_update_incident (DozorStore  *self,
                             const char  *id,
                             gint64       expected_version,
                             JsonObject  *changes,
                             const char  *by,
                             GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *now = now_rfc3339 ();
  g_autofree char *on_scene_at = NULL;
  const char *status, *address, *description;
  double priority = 0;
  gboolean has_priority;

  if (!get_choice (changes, "status", FALSE, incident_statuses, &status, error) ||
      !dozor_store_get_number (changes, "priority", FALSE, 1, 4, &has_priority, &priority, error) ||
      !dozor_store_get_text (changes, "address", DOZOR_FIELD_TEXT, FALSE, 256, &address, error) ||
      !dozor_store_get_text (changes, "description", DOZOR_FIELD_TEXT, FALSE, MAX_TEXT, &description, error) ||
      !dozor_store_get_arrival_change (changes, &on_scene_at, error) ||
      !check_version (self, "incidents", id, expected_version, error))
    return NULL;

  stmt = prepare (self,
                  "UPDATE incidents SET status = COALESCE(?2, status), priority = COALESCE(?3, priority),"
                  " address = COALESCE(?4, address), description = COALESCE(?5, description),"
                  " on_scene_at = CASE WHEN ?2 = 'on_scene' AND on_scene_at IS NULL THEN ?6 ELSE on_scene_at END,"
                  " closed_at = CASE WHEN ?2 = 'closed' AND closed_at IS NULL THEN ?6 ELSE closed_at END,"
                  " version = version + 1 WHERE id = ?1",
                  error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, status);
  if (has_priority)
    dozor_db_bind_int64 (stmt, 3, (int) priority);
  dozor_db_bind_text (stmt, 4, address);
  dozor_db_bind_text (stmt, 5, description);
  dozor_db_bind_text (stmt, 6, now);
  if (!step_done (self, stmt, error))
    return NULL;

  /* Who decided the arrival: the user's on_scene, or a correction. */
  if ((on_scene_at != NULL || g_strcmp0 (status, "on_scene") == 0) &&
      !dozor_store_set_arrival (self, id, on_scene_at, by != NULL ? by : "system", error))
    return NULL;

  /* A closed incident releases the units still sent to it. */
  if (g_strcmp0 (status, "closed") == 0 &&
      !end_dispatches (self, "incident_id", id, "completed", "system", error))
    return NULL;

  return finish_change (self, incident_json (self, id), "incident.updated", "incident", error);
}

/**
 * dozor_store_dispatch:
 * @self: a #DozorStore
 * @unit_id: the unit
 * @incident_id: the incident
 * @by: the supervisor
 * @current: (out) (optional): on conflict, the unit's active dispatch
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the dispatch, or %NULL with @error set
 */
JsonNode *
dozor_store_dispatch (DozorStore  *self,
                      const char  *unit_id,
                      const char  *incident_id,
                      const char  *by,
                      JsonNode   **current,
                      GError     **error)
{
  g_autoptr(DozorDbStmt) insert = NULL;
  g_autoptr(DozorDbStmt) unit_update = NULL;
  g_autoptr(DozorDbStmt) incident_update = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *now = now_rfc3339 ();
  g_autofree char *dispatch = NULL;
  g_autofree char *unit = NULL;
  g_autofree char *incident = NULL;
  g_autofree char *incident_status = entity_json (self, "SELECT status FROM incidents WHERE id = ?1", incident_id);

  if (!check_version (self, "units", unit_id, -1, error) ||
      !check_version (self, "incidents", incident_id, -1, error))
    return NULL;

  if (g_strcmp0 (incident_status, "closed") == 0)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The incident is closed"));
      return NULL;
    }

  if (!dozor_store_unit_free (self, unit_id, FALSE, current, error))
    return NULL;
  insert = prepare (self, "INSERT INTO dispatches (id, unit_id, incident_id, status, created_by, created_at)"
                          " VALUES (?1, ?2, ?3, 'active', ?4, ?5)", error);
  if (insert == NULL)
    return NULL;

  dozor_db_bind_text (insert, 1, id);
  dozor_db_bind_text (insert, 2, unit_id);
  dozor_db_bind_text (insert, 3, incident_id);
  dozor_db_bind_text (insert, 4, by);
  dozor_db_bind_text (insert, 5, now);

  if (!step_done (self, insert, error))
    {
      /* The unique index said no: tell the loser who has the unit, where. */
      if (g_error_matches (*error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT))
        {
          g_clear_error (error);
          dozor_store_unit_free (self, unit_id, TRUE, current, error);
        }
      return NULL;
    }

  unit_update = prepare (self, "UPDATE units SET status = 'dispatched', version = version + 1 WHERE id = ?1", error);
  incident_update = prepare (self, "UPDATE incidents SET status = CASE WHEN status = 'new' THEN 'dispatched' ELSE status END,"
                                   " dispatched_at = COALESCE(dispatched_at, ?2), version = version + 1 WHERE id = ?1",
                             error);
  if (unit_update == NULL || incident_update == NULL)
    return NULL;

  dozor_db_bind_text (unit_update, 1, unit_id);
  dozor_db_bind_text (incident_update, 1, incident_id);
  dozor_db_bind_text (incident_update, 2, now);
  if (!step_done (self, unit_update, error) || !step_done (self, incident_update, error))
    return NULL;

  dispatch = dispatch_json (self, id);
  unit = unit_json (self, unit_id);
  incident = incident_json (self, incident_id);
  if (!append_event (self, "dispatch.created", "dispatch", dispatch, error) ||
      !append_event (self, "unit.updated", "unit", unit, error) ||
      !append_event (self, "incident.updated", "incident", incident, error))
    return NULL;

  return parse_json (dispatch, error);
}

JsonNode *
dozor_store_end_dispatch (DozorStore  *self,
                          const char  *dispatch_id,
                          const char  *by,
                          GError     **error)
{
  g_autofree char *before = dispatch_json (self, dispatch_id);
  g_autofree char *after = NULL;

  if (before == NULL)
    {
      g_set_error (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_NOT_FOUND, _("No dispatch “%s”"), dispatch_id);
      return NULL;
    }

  if (!end_dispatches (self, "id", dispatch_id, "cancelled", by, error))
    return NULL;

  after = dispatch_json (self, dispatch_id);
  if (g_strcmp0 (before, after) == 0)
    {
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("The dispatch has already ended"));
      return NULL;
    }

  return parse_json (after, error);
}

/**
 * dozor_store_add_positions:
 * @self: a #DozorStore
 * @positions: objects with unit_id, lat, lon, time and optional speed,
 *   heading, accuracy
 * @error: return location for a #GError
 *
 * Validates the whole batch first: one bad position refuses the batch, so
 * a tracker never has to guess which half was taken.
 *
 * Returns: how many were stored
 */
guint
dozor_store_add_positions (DozorStore  *self,
                           JsonArray   *positions,
                           GError     **error)
{
  g_autoptr(DozorDbStmt) update = NULL;
  g_autoptr(DozorTrackBatch) track = dozor_track_batch_new ();
  g_autoptr(DozorDbStmt) known = NULL;
  g_autoptr(GHashTable) on_posts = NULL;
  g_autoptr(DozorPositionRun) run = NULL;
  guint n = json_array_get_length (positions);

  update = prepare (self, "UPDATE units SET lat = ?2, lon = ?3, fix_time = ?4, speed = ?5, heading = ?6,"
                          " accuracy = ?7 WHERE id = ?1 AND (fix_time IS NULL OR fix_time <= ?4)"
                          " RETURNING " UNIT_JSON, error);
  known = prepare (self, "SELECT 1 FROM units WHERE id = ?1", error);
  if (update == NULL || known == NULL)
    return 0;
  /* Units sent to a post: only their fixes are checked for arrival. */
  on_posts = dozor_store_units_on_posts (self, error);
  if (on_posts == NULL || !dozor_store_units_to_area (self, on_posts, error))
    return 0;
  /* On PostgreSQL the batch is written in a few statements
   * (dozor-store-positions.c), on SQLite fix by fix. */
  if (dozor_db_get_kind (self->db) == DOZOR_DB_POSTGRES &&
      (run = dozor_position_run_load (self, positions, error)) == NULL)
    return 0;

  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        JsonNode *node = json_array_get_element (positions, i);
        JsonObject *position;
        const char *unit_id, *time;
        double lat, lon, speed = 0, heading = 0, accuracy = 0;
        gboolean has_speed, has_heading, has_accuracy, present;
        g_autoptr(GDateTime) parsed = NULL;
        int rc;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          {
            invalid (error, "positions", _("must hold objects"));
            return 0;
          }
        position = json_node_get_object (node);

        if (!dozor_store_get_text (position, "unit_id", DOZOR_FIELD_NAME, TRUE, MAX_NAME, &unit_id, error) ||
            !dozor_store_get_text (position, "time", DOZOR_FIELD_NAME, TRUE, 64, &time, error) ||
            !dozor_store_get_number (position, "lat", TRUE, -90, 90, &present, &lat, error) ||
            !dozor_store_get_number (position, "lon", TRUE, -180, 180, &present, &lon, error) ||
            !dozor_store_get_number (position, "speed", FALSE, 0, 200, &has_speed, &speed, error) ||
            !dozor_store_get_number (position, "heading", FALSE, 0, 360, &has_heading, &heading, error) ||
            !dozor_store_get_number (position, "accuracy", FALSE, 0, 100000, &has_accuracy, &accuracy, error))
          return 0;

        parsed = g_date_time_new_from_iso8601 (time, NULL);
        if (parsed == NULL)
          {
            invalid (error, "time", _("must be an RFC 3339 time"));
            return 0;
          }

        if (pass == 0)
          {
            gboolean found;

            if (run != NULL)
              {
                found = dozor_position_run_knows (run, unit_id);
              }
            else
              {
                dozor_db_bind_text (known, 1, unit_id);
                found = dozor_db_step (known) == DOZOR_DB_ROW;
                dozor_db_reset (known);
              }
            if (!found)
              {
                invalid (error, "unit_id", _("names no known unit"));
                return 0;
              }
            continue;
          }

        {
          g_autoptr(GDateTime) utc = g_date_time_to_utc (parsed);
          g_autofree char *normal = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S.%fZ");
          /* What may be an arrival changes the unit between two of its
           * positions: that fix goes alone, after those before it. */
          gboolean may_arrive = (has_speed && speed < DOZOR_POST_ARRIVAL_SPEED_M_S) ||
                                g_hash_table_contains (on_posts, unit_id);

          if (run != NULL && !may_arrive)
            {
              dozor_position_run_take (run, unit_id, normal, lat, lon, has_speed ? &speed : NULL,
                                       has_heading ? &heading : NULL, has_accuracy ? &accuracy : NULL);
              dozor_track_batch_add (track, unit_id, normal, lat, lon, has_speed ? &speed : NULL,
                                     has_heading ? &heading : NULL, has_accuracy ? &accuracy : NULL);
              continue;
            }
          if (run != NULL && !dozor_position_run_flush (run, self, error))
            return 0;

          dozor_db_bind_text (update, 1, unit_id);
          dozor_db_bind_double (update, 2, lat);
          dozor_db_bind_double (update, 3, lon);
          dozor_db_bind_text (update, 4, normal);
          if (has_speed) dozor_db_bind_double (update, 5, speed); else dozor_db_bind_null (update, 5);
          if (has_heading) dozor_db_bind_double (update, 6, heading); else dozor_db_bind_null (update, 6);
          if (has_accuracy) dozor_db_bind_double (update, 7, accuracy); else dozor_db_bind_null (update, 7);

          /* A fix older than the one the unit has is history, not news. */
          rc = dozor_db_step (update);
          if (rc == DOZOR_DB_ROW)
            {
              g_autofree char *unit = g_strdup (dozor_db_column_text (update, 0));

              dozor_db_reset (update);
              if (run != NULL)
                dozor_position_run_note (run, unit_id, normal);
              if (!append_event (self, "unit.position", "unit", unit, error) ||
                  (has_speed && !dozor_store_check_scene_arrival (self, unit_id, lat, lon, speed, normal, error)))
                return 0;
              if (g_hash_table_contains (on_posts, unit_id) &&
                  (!dozor_store_check_arrival (self, unit_id, lat, lon, has_speed ? speed : NAN, normal, error) ||
                   !dozor_store_check_area_arrival (self, unit_id, lat, lon, has_speed ? speed : NAN, normal, error)))
                return 0;
            }
          else if (rc == DOZOR_DB_DONE)
            {
              dozor_db_reset (update);
            }
          else
            {
              /* Not silently dropped: the batch fails with the reason. */
              set_db_error (self, error);
              return 0;
            }

          dozor_track_batch_add (track, unit_id, normal, lat, lon, has_speed ? &speed : NULL,
                                 has_heading ? &heading : NULL, has_accuracy ? &accuracy : NULL);
        }
      }

  if (run != NULL && !dozor_position_run_flush (run, self, error))
    return 0;
  /* The history of the whole batch in one statement (dozor-store-track.c). */
  if (!dozor_store_insert_track (self, track, error))
    return 0;
  return n;
}

/* --- Zones and patrol routes ---------------------------------------------- */

static char *
zone_json (DozorStore *self,
           const char *id)
{
  return entity_json (self, "SELECT " ZONE_JSON " FROM zones WHERE id = ?1", id);
}

static char *
route_json (DozorStore *self,
            const char *id)
{
  return entity_json (self, "SELECT " ROUTE_JSON " FROM routes WHERE id = ?1", id);
}


/* An optional geometry member; @required or not, a present one must be valid. */
static gboolean
get_geometry (JsonObject         *object,
              DozorGeometryKind   kind,
              gboolean            required,
              char              **geometry,
              GError            **error)
{
  JsonNode *node = json_object_get_member (object, "geometry");
  g_autoptr(GError) local_error = NULL;

  *geometry = NULL;
  if (node == NULL)
    return required ? invalid (error, "geometry", _("is required")) : TRUE;

  *geometry = dozor_geojson_normalize (node, kind, &local_error);
  if (*geometry == NULL)
    return invalid (error, "geometry",
                   local_error != NULL ? local_error->message : _("must be a GeoJSON geometry object"));

  return TRUE;
}

/* An optional reference to another entity; JSON null clears it. */
static gboolean
get_reference (DozorStore  *self,
               JsonObject  *object,
               const char  *field,
               const char  *table,
               gboolean    *present,
               const char **id,
               GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  *present = node != NULL;
  *id = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!dozor_store_get_text (object, field, DOZOR_FIELD_NAME, TRUE, MAX_NAME, id, error))
    return FALSE;

  if (!check_version (self, table, *id, -1, error))
    {
      g_prefix_error (error, "%s: ", field);
      if (error != NULL && *error != NULL)
        (*error)->code = DOZOR_STORE_ERROR_INVALID;
      return FALSE;
    }

  return TRUE;
}

static void
bind_optional (DozorDbStmt *stmt,
               int           index,
               gboolean      present,
               const char   *text)
{
  /* Absent: ?N stays unbound (NULL) and the flag ?N+1 keeps the old value. */
  dozor_db_bind_int64 (stmt, index + 1, present);
  if (text != NULL)
    dozor_db_bind_text (stmt, index, text);
}

static void
name_taken (GError **error)
{
  if (g_error_matches (*error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT))
    {
      g_clear_error (error);
      g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT,
                           _("Another zone in the same district has this name"));
    }
}

/**
 * dozor_store_create_zone:
 * @self: a #DozorStore
 * @input: kind (district or sector), name, parent_id (a sector's district)
 *   and geometry (GeoJSON Polygon or MultiPolygon)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the zone, or %NULL with @error set
 */
JsonNode *
dozor_store_create_zone (DozorStore  *self,
                         JsonObject  *input,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *geometry = NULL;
  const char *kind, *name, *parent_id;
  gboolean has_parent;

  if (!get_choice (input, "kind", TRUE, zone_kinds, &kind, error) ||
      !dozor_store_get_text (input, "name", DOZOR_FIELD_NAME, TRUE, 128, &name, error) ||
      !get_reference (self, input, "parent_id", "zones", &has_parent, &parent_id, error) ||
      !get_geometry (input, DOZOR_GEOMETRY_AREA, TRUE, &geometry, error))
    return NULL;

  if (g_str_equal (kind, "sector") != (parent_id != NULL))
    {
      invalid (error, "parent_id", _("a sector needs its district, a district has none"));
      return NULL;
    }

  stmt = prepare (self, "INSERT INTO zones (id, kind, name, parent_id, geometry, version)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, 1)", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, kind);
  dozor_db_bind_text (stmt, 3, name);
  dozor_db_bind_text (stmt, 4, parent_id);
  dozor_db_bind_text (stmt, 5, geometry);
  if (!step_done (self, stmt, error))
    {
      name_taken (error);
      return NULL;
    }

  return finish_change (self, zone_json (self, id), "zone.created", "zone", error);
}

JsonNode *
dozor_store_update_zone (DozorStore  *self,
                         const char  *id,
                         gint64       expected_version,
                         JsonObject  *changes,
                         GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *geometry = NULL;
  const char *name;

  if (!dozor_store_get_text (changes, "name", DOZOR_FIELD_NAME, FALSE, 128, &name, error) ||
      !get_geometry (changes, DOZOR_GEOMETRY_AREA, FALSE, &geometry, error) ||
      !check_version (self, "zones", id, expected_version, error))
    return NULL;

  stmt = prepare (self, "UPDATE zones SET name = COALESCE(?2, name), geometry = COALESCE(?3, geometry),"
                        " version = version + 1 WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, name);
  dozor_db_bind_text (stmt, 3, geometry);
  if (!step_done (self, stmt, error))
    {
      name_taken (error);
      return NULL;
    }

  return finish_change (self, zone_json (self, id), "zone.updated", "zone", error);
}

/* Deletes a zone, route or place row; the event carries it as it was. */
static JsonNode *
delete_entity (DozorStore  *self,
               const char  *table,
               const char  *id,
               gint64       expected_version,
               char        *before,
               const char  *event_type,
               const char  *member,
               const char  *in_use,
               GError     **error)
{
  g_autofree char *owned = before;
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE id = ?1", table);
  g_autoptr(DozorDbStmt) stmt = NULL;

  if (!check_version (self, table, id, expected_version, error) ||
      !dozor_store_release_roster (self, table, id, error))
    return NULL;

  stmt = prepare (self, sql, error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  if (!step_done (self, stmt, error))
    {
      if (in_use != NULL && g_error_matches (*error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT))
        {
          g_clear_error (error);
          g_set_error_literal (error, DOZOR_STORE_ERROR, DOZOR_STORE_ERROR_CONFLICT, in_use);
        }
      return NULL;
    }

  return finish_change (self, g_steal_pointer (&owned), event_type, member, error);
}

JsonNode *
dozor_store_delete_zone (DozorStore  *self,
                         const char  *id,
                         gint64       expected_version,
                         GError     **error)
{
  return delete_entity (self, "zones", id, expected_version, zone_json (self, id), "zone.deleted", "zone",
                        _("Sectors or patrol routes still lie in this zone"), error);
}

/* A shift window is both ends or neither, the end after the start. */
static gboolean
get_shift (JsonObject  *object,
           gboolean    *present,
           char       **start,
           char       **end,
           GError     **error)
{
  const char *start_text, *end_text;
  g_autoptr(GDateTime) start_time = NULL;
  g_autoptr(GDateTime) end_time = NULL;

  *present = json_object_has_member (object, "shift_start") || json_object_has_member (object, "shift_end");
  *start = *end = NULL;
  if (!dozor_store_get_text (object, "shift_start", DOZOR_FIELD_NAME, FALSE, 64, &start_text, error) ||
      !dozor_store_get_text (object, "shift_end", DOZOR_FIELD_NAME, FALSE, 64, &end_text, error))
    return FALSE;

  if ((start_text == NULL) != (end_text == NULL))
    return invalid (error, "shift_end", _("a shift needs both its start and its end"));
  if (start_text == NULL)
    return TRUE;

  start_time = g_date_time_new_from_iso8601 (start_text, NULL);
  end_time = g_date_time_new_from_iso8601 (end_text, NULL);
  if (start_time == NULL || end_time == NULL)
    return invalid (error, start_time == NULL ? "shift_start" : "shift_end", _("must be an RFC 3339 time"));
  if (g_date_time_compare (end_time, start_time) <= 0)
    return invalid (error, "shift_end", _("must come after the shift's start"));

  {
    g_autoptr(GDateTime) start_utc = g_date_time_to_utc (start_time);
    g_autoptr(GDateTime) end_utc = g_date_time_to_utc (end_time);

    *start = g_date_time_format (start_utc, "%Y-%m-%dT%H:%M:%SZ");
    *end = g_date_time_format (end_utc, "%Y-%m-%dT%H:%M:%SZ");
  }
  return TRUE;
}

/**
 * dozor_store_create_route:
 * @self: a #DozorStore
 * @input: name, geometry (GeoJSON LineString), and optional zone_id,
 *   unit_id, shift_start and shift_end
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the patrol route, or %NULL with @error set
 */
JsonNode *
dozor_store_create_route (DozorStore  *self,
                          JsonObject  *input,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *geometry = NULL;
  g_autofree char *shift_start = NULL;
  g_autofree char *shift_end = NULL;
  g_autofree char *rules = NULL;
  const char *name, *zone_id, *unit_id;
  gboolean present;

  if (!dozor_store_get_text (input, "name", DOZOR_FIELD_NAME, TRUE, 128, &name, error) ||
      !get_reference (self, input, "zone_id", "zones", &present, &zone_id, error) ||
      !get_reference (self, input, "unit_id", "units", &present, &unit_id, error) ||
      !get_shift (input, &present, &shift_start, &shift_end, error) ||
      !get_geometry (input, DOZOR_GEOMETRY_LINE, TRUE, &geometry, error) ||
      !dozor_store_get_route_rules (input, NULL, &rules, error))
    return NULL;

  stmt = prepare (self, "INSERT INTO routes (id, name, zone_id, unit_id, shift_start, shift_end, geometry, version,"
                        " compliance) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8)", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, name);
  dozor_db_bind_text (stmt, 3, zone_id);
  dozor_db_bind_text (stmt, 4, unit_id);
  dozor_db_bind_text (stmt, 5, shift_start);
  dozor_db_bind_text (stmt, 6, shift_end);
  dozor_db_bind_text (stmt, 7, geometry);
  dozor_db_bind_text (stmt, 8, rules);
  if (!step_done (self, stmt, error))
    return NULL;

  return finish_change (self, route_json (self, id), "route.created", "route", error);
}

JsonNode *
dozor_store_update_route (DozorStore  *self,
                          const char  *id,
                          gint64       expected_version,
                          JsonObject  *changes,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *geometry = NULL;
  g_autofree char *shift_start = NULL;
  g_autofree char *shift_end = NULL;
  g_autofree char *rules = NULL;
  g_autofree char *current_rules = NULL;
  const char *name, *zone_id, *unit_id;
  gboolean has_zone, has_unit, has_shift;

  if (!dozor_store_get_text (changes, "name", DOZOR_FIELD_NAME, FALSE, 128, &name, error) ||
      !get_reference (self, changes, "zone_id", "zones", &has_zone, &zone_id, error) ||
      !get_reference (self, changes, "unit_id", "units", &has_unit, &unit_id, error) ||
      !get_shift (changes, &has_shift, &shift_start, &shift_end, error) ||
      !get_geometry (changes, DOZOR_GEOMETRY_LINE, FALSE, &geometry, error) ||
      !check_version (self, "routes", id, expected_version, error))
    return NULL;

  /* Rules not given keep what the route has. */
  current_rules = entity_json (self, "SELECT compliance FROM routes WHERE id = ?1", id);
  if (!dozor_store_get_route_rules (changes, current_rules, &rules, error))
    return NULL;

  stmt = prepare (self, "UPDATE routes SET name = COALESCE(?2, name), geometry = COALESCE(?3, geometry),"
                        " compliance = COALESCE(?11, compliance),"
                        " zone_id = CASE WHEN ?5 <> 0 THEN ?4 ELSE zone_id END,"
                        " unit_id = CASE WHEN ?7 <> 0 THEN ?6 ELSE unit_id END,"
                        " shift_start = CASE WHEN ?9 <> 0 THEN ?8 ELSE shift_start END,"
                        " shift_end = CASE WHEN ?9 <> 0 THEN ?10 ELSE shift_end END,"
                        " version = version + 1 WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, name);
  dozor_db_bind_text (stmt, 3, geometry);
  bind_optional (stmt, 4, has_zone, zone_id);
  bind_optional (stmt, 6, has_unit, unit_id);
  bind_optional (stmt, 8, has_shift, shift_start);
  dozor_db_bind_text (stmt, 10, shift_end);
  dozor_db_bind_text (stmt, 11, rules);
  if (!step_done (self, stmt, error))
    return NULL;

  return finish_change (self, route_json (self, id), "route.updated", "route", error);
}

JsonNode *
dozor_store_delete_route (DozorStore  *self,
                          const char  *id,
                          gint64       expected_version,
                          GError     **error)
{
  return delete_entity (self, "routes", id, expected_version, route_json (self, id), "route.deleted", "route",
                        NULL, error);
}

/**
 * dozor_store_find_zone:
 * @self: a #DozorStore
 * @parent_id: (nullable): the district, or %NULL for a district itself
 * @name: the zone's name
 *
 * Returns: (transfer full) (nullable): the zone's id
 */
char *
dozor_store_find_zone (DozorStore *self,
                       const char *parent_id,
                       const char *name)
{
  g_autoptr(DozorDbStmt) stmt =
    prepare (self, "SELECT id FROM zones WHERE parent_id IS NOT DISTINCT FROM ?1 AND name = ?2", NULL);

  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, parent_id);
  dozor_db_bind_text (stmt, 2, name);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;

  return g_strdup (dozor_db_column_text (stmt, 0));
}

/* --- Places: points of interest and cameras ----------------------------- */

#define MAX_STREAM_URL 2048
#define MAX_CATEGORY 64

static char *
place_json (DozorStore *self,
            const char *id)
{
  return entity_json (self, "SELECT " PLACE_JSON " FROM places WHERE id = ?1", id);
}

/* What a camera's URL may be is dozor_field_check_stream_url()'s rule. */
static gboolean
get_stream_url (JsonObject  *object,
                gboolean    *present,
                const char **url,
                GError     **error)
{
  const char *refused;

  *present = json_object_get_member (object, "stream_url") != NULL;
  if (!dozor_store_get_text (object, "stream_url", DOZOR_FIELD_NAME, FALSE, MAX_STREAM_URL, url, error))
    return FALSE;
  if (*url == NULL)
    return TRUE;

  refused = dozor_field_check_stream_url (*url);
  return refused == NULL || invalid (error, "stream_url", refused);
}

/**
 * dozor_store_create_place:
 * @self: a #DozorStore
 * @input: kind (poi or camera), name, location, category?, stream_url?
 *   (cameras only)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the place, or %NULL with @error set
 */
JsonNode *
dozor_store_create_place (DozorStore  *self,
                          JsonObject  *input,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *id = g_uuid_string_random ();
  const char *kind, *name, *category, *stream_url;
  gboolean has_stream;
  double lat, lon;

  if (!get_choice (input, "kind", TRUE, place_kinds, &kind, error) ||
      !dozor_store_get_text (input, "name", DOZOR_FIELD_NAME, TRUE, 128, &name, error) ||
      !dozor_store_get_text (input, "category", DOZOR_FIELD_NAME, FALSE, MAX_CATEGORY, &category, error) ||
      !dozor_store_get_location (input, "location", &lat, &lon, error) ||
      !get_stream_url (input, &has_stream, &stream_url, error))
    return NULL;
  if (stream_url != NULL && !g_str_equal (kind, "camera"))
    return invalid (error, "stream_url", _("only cameras have one")), NULL;

  stmt = prepare (self, "INSERT INTO places (id, kind, name, category, lat, lon, stream_url, version)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, kind);
  dozor_db_bind_text (stmt, 3, name);
  dozor_db_bind_text (stmt, 4, category);
  dozor_db_bind_double (stmt, 5, lat);
  dozor_db_bind_double (stmt, 6, lon);
  dozor_db_bind_text (stmt, 7, stream_url);
  if (!step_done (self, stmt, error))
    return NULL;

  return finish_change (self, place_json (self, id), "place.created", "place", error);
}

/**
 * dozor_store_update_place:
 * @self: a #DozorStore
 * @id: the place
 * @expected_version: the version the change is based on
 * @changes: name?, category?, location?, stream_url? (null clears it)
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the place, or %NULL with @error set
 */
JsonNode *
dozor_store_update_place (DozorStore  *self,
                          const char  *id,
                          gint64       expected_version,
                          JsonObject  *changes,
                          GError     **error)
{
  g_autoptr(DozorDbStmt) stmt = NULL;
  g_autofree char *kind = entity_json (self, "SELECT kind FROM places WHERE id = ?1", id);
  const char *name, *category, *stream_url;
  gboolean has_category, has_stream, has_location = json_object_has_member (changes, "location");
  double lat = 0, lon = 0;

  has_category = json_object_has_member (changes, "category");
  if (!dozor_store_get_text (changes, "name", DOZOR_FIELD_NAME, FALSE, 128, &name, error) ||
      !dozor_store_get_text (changes, "category", DOZOR_FIELD_NAME, FALSE, MAX_CATEGORY, &category, error) ||
      (has_location && !dozor_store_get_location (changes, "location", &lat, &lon, error)) ||
      !get_stream_url (changes, &has_stream, &stream_url, error) ||
      !check_version (self, "places", id, expected_version, error))
    return NULL;
  if (stream_url != NULL && g_strcmp0 (kind, "camera") != 0)
    return invalid (error, "stream_url", _("only cameras have one")), NULL;

  stmt = prepare (self, "UPDATE places SET name = COALESCE(?2, name),"
                        " category = CASE WHEN ?4 <> 0 THEN ?3 ELSE category END,"
                        " stream_url = CASE WHEN ?6 <> 0 THEN ?5 ELSE stream_url END,"
                        " lat = CASE WHEN ?9 <> 0 THEN ?7 ELSE lat END, lon = CASE WHEN ?9 <> 0 THEN ?8 ELSE lon END,"
                        " version = version + 1 WHERE id = ?1", error);
  if (stmt == NULL)
    return NULL;

  dozor_db_bind_text (stmt, 1, id);
  dozor_db_bind_text (stmt, 2, name);
  bind_optional (stmt, 3, has_category, category);
  bind_optional (stmt, 5, has_stream, stream_url);
  dozor_db_bind_double (stmt, 7, lat);
  dozor_db_bind_double (stmt, 8, lon);
  dozor_db_bind_int64 (stmt, 9, has_location);
  if (!step_done (self, stmt, error))
    return NULL;

  return finish_change (self, place_json (self, id), "place.updated", "place", error);
}

JsonNode *
dozor_store_delete_place (DozorStore  *self,
                          const char  *id,
                          gint64       expected_version,
                          GError     **error)
{
  return delete_entity (self, "places", id, expected_version, place_json (self, id), "place.deleted", "place",
                        NULL, error);
}

/* The id in the first row of @stmt, if it is the only row. */
static char *
only_id (DozorDbStmt *stmt,
         gboolean     *ambiguous)
{
  g_autofree char *id = NULL;

  *ambiguous = FALSE;
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return NULL;
  id = g_strdup (dozor_db_column_text (stmt, 0));
  if (dozor_db_step (stmt) == DOZOR_DB_ROW)
    {
      *ambiguous = TRUE;
      return NULL;
    }
  return g_steal_pointer (&id);
}

/**
 * dozor_store_find_place:
 * @self: a #DozorStore
 * @kind: poi or camera
 * @name: the place's name
 * @ambiguous: (out): set when more than one place of @kind has that name
 *
 * Names of places need not be unique (a city has many pharmacies).
 *
 * Returns: (transfer full) (nullable): the id of the one place of that kind
 *   and name
 */
char *
dozor_store_find_place (DozorStore *self,
                        const char *kind,
                        const char *name,
                        gboolean   *ambiguous)
{
  g_autoptr(DozorDbStmt) stmt = prepare (self, "SELECT id FROM places WHERE kind = ?1 AND name = ?2 LIMIT 2", NULL);

  *ambiguous = FALSE;
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, kind);
  dozor_db_bind_text (stmt, 2, name);
  return only_id (stmt, ambiguous);
}

/**
 * dozor_store_find_zone_by_name:
 * @self: a #DozorStore
 * @name: a zone's name, district or sector
 * @ambiguous: (out): set when more than one zone has that name
 *
 * Returns: (transfer full) (nullable): the id of the one zone of that name
 */
char *
dozor_store_find_zone_by_name (DozorStore *self,
                               const char *name,
                               gboolean   *ambiguous)
{
  g_autoptr(DozorDbStmt) stmt = prepare (self, "SELECT id FROM zones WHERE name = ?1 LIMIT 2", NULL);

  *ambiguous = FALSE;
  if (stmt == NULL)
    return NULL;
  dozor_db_bind_text (stmt, 1, name);
  return only_id (stmt, ambiguous);
}

/**
 * dozor_store_get_version:
 * @self: a #DozorStore
 * @table: "units", "incidents", "zones", "routes" or "places"
 * @id: the entity
 *
 * Returns: its version, or -1 when there is no such entity
 */
gint64
dozor_store_get_version (DozorStore *self,
                         const char *table,
                         const char *id)
{
  static const char *const tables[] = { "units", "incidents", "zones", "routes", "places", NULL };
  g_autofree char *sql = NULL;
  g_autoptr(DozorDbStmt) stmt = NULL;

  g_return_val_if_fail (g_strv_contains (tables, table), -1);

  sql = g_strdup_printf ("SELECT version FROM %s WHERE id = ?1", table);
  stmt = prepare (self, sql, NULL);
  if (stmt == NULL)
    return -1;
  dozor_db_bind_text (stmt, 1, id);
  if (dozor_db_step (stmt) != DOZOR_DB_ROW)
    return -1;
  return dozor_db_column_int64 (stmt, 0);
}

/**
 * dozor_store_find_route:
 * @self: a #DozorStore
 * @name: the patrol route's name
 *
 * Returns: (transfer full) (nullable): the id of a route of that name
 */
char *
dozor_store_find_route (DozorStore *self,
                        const char *name)
{
  return entity_json (self, "SELECT id FROM routes WHERE name = ?1 ORDER BY id LIMIT 1", name);
}
