/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the store's own files (dozor-store-*.c) share beyond the public
 * interface: the connection and its helpers, on the thread that owns the
 * store, and the JSON of entities.
 */
#pragma once

#include "dozor-field.h"
#include "dozor-db.h"
#include "dozor-store.h"

G_BEGIN_DECLS

/* SQLite prints a REAL with 17 digits; a fix needs 7 decimals (1 cm). */
#define NUMBER(column, format) \
  "CASE WHEN " column " IS NULL THEN NULL ELSE json(printf('" format "', " column ")) END"

/* A unit, from the columns of `units` (or a row of the same names). */
#define UNIT_JSON \
  "json_object('id', id, 'call_sign', call_sign, 'kind', kind, 'crew', json(crew)," \
  " 'status', status, 'position', CASE WHEN lat IS NULL THEN NULL ELSE json_object(" \
  "   'lat', " NUMBER ("lat", "%.7f") ", 'lon', " NUMBER ("lon", "%.7f") ", 'time', fix_time," \
  "   'speed', " NUMBER ("speed", "%.2f") ", 'heading', " NUMBER ("heading", "%.1f") "," \
  "   'accuracy', " NUMBER ("accuracy", "%.1f") ") END," \
  " 'version', version)"

#define INCIDENT_JSON \
  "json_object('id', id, 'number', number, 'type', type, 'priority', priority," \
  " 'status', status, 'location', json_object('lat', " NUMBER ("lat", "%.7f") ", 'lon', " NUMBER ("lon", "%.7f") ")," \
  " 'address', address," \
  " 'caller_name', caller_name, 'caller_phone', caller_phone, 'description', description," \
  " 'created_at', created_at, 'dispatched_at', dispatched_at, 'en_route_at', en_route_at," \
  " 'on_scene_at', on_scene_at, 'arrival', json(arrival), 'closed_at', closed_at, 'calls', calls," \
  " 'version', version)"

/* A fix of a unit's track. */
#define POSITION_JSON \
  "json_object('lat', " NUMBER ("lat", "%.7f") ", 'lon', " NUMBER ("lon", "%.7f") "," \
  " 'time', time, 'speed', " NUMBER ("speed", "%.2f") ", 'heading', " NUMBER ("heading", "%.1f") "," \
  " 'accuracy', " NUMBER ("accuracy", "%.1f") ")"


DozorDb      *dozor_store_get_db       (DozorStore   *self);
DozorDbStmt *dozor_store_prepare      (DozorStore   *self,
                                        const char   *sql,
                                        GError      **error);
gboolean      dozor_store_exec         (DozorStore   *self,
                                        const char   *sql,
                                        GError      **error);
gboolean      dozor_store_set_db_error (DozorStore   *self,
                                        GError      **error);
/* "FIELD: WHY" as DOZOR_STORE_ERROR_INVALID (422 invalid_field); any thread. */
gboolean      dozor_store_set_invalid  (GError      **error,
                                        const char   *field,
                                        const char   *why);
char         *dozor_store_now          (void);
/* Inside a transaction: the event with the next seq, @json under @member. */
gboolean      dozor_store_append_event (DozorStore   *self,
                                        const char   *type,
                                        const char   *member,
                                        const char   *json,
                                        GError      **error);
gboolean      dozor_store_append_events (DozorStore  *self,
                                         const char  *type,
                                         const char  *member,
                                         GPtrArray   *entities,
                                         GError     **error);
JsonNode     *dozor_store_parse_json   (const char   *text,
                                        GError      **error);
/* A string member by the rules of docs/api.md, "Text fields". */
gboolean      dozor_store_get_text     (JsonObject     *object,
                                        const char     *field,
                                        DozorFieldKind  kind,
                                        gboolean        required,
                                        guint           max_chars,
                                        const char    **value,
                                        GError        **error);

/* dozor-store-readiness.c: the readiness row as the snapshot shows it,
 * and what an older file held turned into it. */
#define DOZOR_STORE_READINESS_JSON "json((SELECT value FROM state WHERE key = 'readiness'))"
gboolean      dozor_store_upgrade_readiness (DozorStore  *self,
                                             GError     **error);

/* dozor-store-checklist.c: a checklist step as the API shows it, the
 * table made at open. */
#define DOZOR_STORE_CHECK_JSON \
  "json_object('id', id, 'incident_id', incident_id, 'procedure_id', procedure_id, 'step_id', step_id," \
  " 'done', json(CASE WHEN done <> 0 THEN 'true' ELSE 'false' END), 'by', changed_by, 'at', changed_at," \
  " 'version', version)"
gboolean      dozor_store_create_checklists (DozorStore  *self,
                                             GError     **error);

/* dozor-store.c, for the files of areas that touch units and dispatches. */
char         *dozor_store_unit_json     (DozorStore   *self,
                                         const char   *id);
char         *dozor_store_dispatch_json (DozorStore   *self,
                                         const char   *id);
char         *dozor_store_active_dispatch_json (DozorStore *self,
                                                const char *unit_id);
gboolean      dozor_store_unit_free     (DozorStore   *self,
                                         const char   *unit_id,
                                         gboolean      refused,
                                         JsonNode    **current,
                                         GError      **error);
gboolean      dozor_store_end_dispatches (DozorStore  *self,
                                          const char  *column,
                                          const char  *id,
                                          const char  *new_status,
                                          const char  *by,
                                          GError     **error);
gboolean      dozor_store_get_number    (JsonObject   *object,
                                         const char   *field,
                                         gboolean      required,
                                         double        min,
                                         double        max,
                                         gboolean     *present,
                                         double       *value,
                                         GError      **error);
gboolean      dozor_store_get_location  (JsonObject   *object,
                                         const char   *field,
                                         double       *lat,
                                         double       *lon,
                                         GError      **error);
gboolean      dozor_store_get_unit_kind (JsonObject   *object,
                                         const char   *field,
                                         const char  **value,
                                         GError      **error);

char         *dozor_store_entity_json   (DozorStore   *self,
                                         const char   *kind,
                                         const char   *id);

/* dozor-store-plans.c: the tables, the plans in the snapshot, and arrival
 * at a post when a fix is stored. */
gboolean      dozor_store_create_plans  (DozorStore   *self,
                                         GError      **error);
gboolean      dozor_store_append_plans  (DozorStore   *self,
                                         GString      *out,
                                         GError      **error);
GHashTable   *dozor_store_units_on_posts (DozorStore  *self,
                                          GError     **error);
gboolean      dozor_store_check_arrival (DozorStore   *self,
                                         const char   *unit_id,
                                         double        lat,
                                         double        lon,
                                         double        speed,
                                         const char   *time,
                                         GError      **error);

/* dozor-store-area-dispatch.c: arrival at the crisis area, and the end of
 * its dispatches with the episode. */
gboolean      dozor_store_units_to_area (DozorStore   *self,
                                         GHashTable   *units,
                                         GError      **error);
gboolean      dozor_store_check_area_arrival (DozorStore  *self,
                                              const char  *unit_id,
                                              double       lat,
                                              double       lon,
                                              double       speed,
                                              const char  *time,
                                              GError     **error);
gboolean      dozor_store_end_area_dispatches (DozorStore  *self,
                                               const char  *by,
                                               GError     **error);

/* Incidents as events and answers spell them, for the store's other files. */
char         *dozor_store_incident_json (DozorStore  *self,
                                         const char  *id);

/* dozor-store-arrival.c: an incident's timings past the dispatch. */
gboolean      dozor_store_ensure_column (DozorStore  *self,
                                         const char  *table,
                                         const char  *column,
                                         const char  *declaration,
                                         GError     **error);
gboolean      dozor_store_create_arrivals (DozorStore  *self,
                                           GError     **error);
gboolean      dozor_store_check_scene_arrival (DozorStore  *self,
                                               const char  *unit_id,
                                               double       lat,
                                               double       lon,
                                               double       speed,
                                               const char  *time,
                                               GError     **error);
gboolean      dozor_store_note_en_route (DozorStore  *self,
                                         const char  *unit_id,
                                         GError     **error);
gboolean      dozor_store_get_time_not_ahead (JsonObject  *object,
                                              const char  *field,
                                              char       **value,
                                              GError     **error);
gboolean      dozor_store_get_arrival_change (JsonObject  *changes,
                                              char       **on_scene_at,
                                              GError     **error);
gboolean      dozor_store_set_arrival   (DozorStore  *self,
                                         const char  *incident_id,
                                         const char  *on_scene_at,
                                         const char  *by,
                                         GError     **error);

/* dozor-store-compliance.c: routes' rules, deviations and gaps. */
#define DOZOR_STORE_DEFAULT_RULES "{\"threshold_m\":150.0,\"dwell_s\":120,\"gap_s\":180,\"exempt_after_s\":600}"
/* Records against a roster entry's post are kept under "post:" and the
 * entry's id (DOZOR_COMPLIANCE_POST_PREFIX): shown as its `roster_id`,
 * with no `route_id`. */
#define DOZOR_STORE_COMPLIANCE_TARGET_JSON(column) \
  "'route_id', CASE WHEN " column " LIKE 'post:%' THEN NULL ELSE " column " END," \
  " 'roster_id', CASE WHEN " column " LIKE 'post:%' THEN substr(" column ", 6) END"
#define DOZOR_STORE_DEVIATION_JSON \
  "json_object('id', id, 'unit_id', unit_id, " DOZOR_STORE_COMPLIANCE_TARGET_JSON ("route_id") \
  ", 'started_at', started_at," \
  " 'confirmed_at', confirmed_at, 'ended_at', ended_at, 'duration_s', " NUMBER ("duration_s", "%.1f") "," \
  " 'reason', reason, 'distance_m', " NUMBER ("distance_m", "%.1f") "," \
  " 'max_distance_m', " NUMBER ("max_distance_m", "%.1f") ", 'away_m', " NUMBER ("away_m", "%.1f") "," \
  " 'stretch', json(stretch))"
gboolean      dozor_store_create_compliance (DozorStore  *self,
                                             GError     **error);
gboolean      dozor_store_get_time_bound    (GHashTable  *query,
                                             const char  *name,
                                             char       **value,
                                             GError     **error);
gboolean      dozor_store_get_route_rules   (JsonObject  *object,
                                             const char  *current,
                                             char       **rules_json,
                                             GError     **error);

/* dozor-store-history.c: a worker's read-only connection, and a failure
 * to read told without SQLite's words (any thread). */
DozorDb      *dozor_store_reader_open   (const char  *db_path,
                                         const char  *failure,
                                         GError     **error);
gboolean      dozor_store_reader_failed (DozorDb     *db,
                                         const char  *failure,
                                         GError     **error);

/* dozor-store-calls.c: repeated calls attached to incidents, the
 * incidents' `calls` column. */
gboolean      dozor_store_create_journal (DozorStore *self,
                                          GError    **error);
#define DOZOR_STORE_CALL_JSON \
  "json_object('id', id, 'incident_id', incident_id, 'caller_name', caller_name," \
  " 'caller_phone', caller_phone, 'text', text, 'received_at', received_at," \
  " 'attached_by', attached_by, 'attached_at', attached_at)"
gboolean      dozor_store_create_calls  (DozorStore  *self,
                                         GError     **error);

/* dozor-store-roster.c: the roster's tables, and its part of the snapshot. */
gboolean      dozor_store_create_roster (DozorStore  *self,
                                         GError     **error);
gboolean      dozor_store_append_roster (DozorStore  *self,
                                         GString     *out,
                                         GError     **error);
gboolean      dozor_store_release_roster (DozorStore  *self,
                                          const char  *table,
                                          const char  *id,
                                          GError     **error);

/* dozor-store-plans.c: a plan as the API shows it, NULL if there is none. */
char         *dozor_store_plan_json     (DozorStore  *self,
                                         const char  *id);

/* dozor-store-audit.c: the audit trail's tables and guards. */
gboolean      dozor_store_create_audit  (DozorStore  *self,
                                         GError     **error);

/* The query of one entity of an area as the API shows it, its id bound as
 * ?1, for the audit trail's before and after; NULL for another kind. */
const char   *dozor_store_registers_entity_sql (const char *kind);
const char   *dozor_store_handovers_entity_sql (const char *kind);
const char   *dozor_store_roster_entity_sql    (const char *kind);

G_END_DECLS
