/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "dozor-crisis-area.h"
#include "dozor-geometry.h"

G_BEGIN_DECLS

/* dozor-snapshot-writer.h, which needs DozorUnit from here. */
typedef struct _DozorSnapshotWriter DozorSnapshotWriter;

/* A fix older than this is not current: twelve missed 5-second reports.
 * The map greys it, the lists say so, and it is never suggested. */
#define DOZOR_UNIT_STALE_SECONDS 60

/* How many available units a selected incident suggests. */
#define DOZOR_SITUATION_NEAREST 5

/* Fixes a deviation's stretch grows to on the board, beyond the server's
 * 500: an hour and a half of 5-second reports. */
#define DOZOR_DEVIATION_STRETCH_MAX 1000

/* Earlier fixes kept per unit for its trail: 40 s of 5-second reports. */
#define DOZOR_UNIT_TRAIL_LENGTH 8

/**
 * DozorUnit:
 * @id: the unit's id, a #GRefString: a reader may keep it with
 *   g_ref_string_acquire(), as the map's worker does
 * @call_sign: its call sign, a #GRefString as @id
 * @status: available, dispatched, en_route, on_scene, busy, off_duty
 * @has_fix: whether it has reported a position yet
 * @lat: last fix
 * @lon: last fix
 * @heading: degrees from north, or NAN
 * @speed: m/s, or NAN
 * @fix_time: when the fix was taken, Unix microseconds
 * @version: the entity's version
 * @trail: earlier fixes, latitude then longitude, newest first
 * @trail_length: how many of @trail hold a fix
 * @index: its place in dozor_situation_get_units(), for as long as the
 *   situation is not cleared
 *
 * What the board keeps of a unit, flat, for drawing thousands per frame.
 */
typedef struct
{
  char *id;
  char *call_sign;
  char *status;
  gboolean has_fix;
  double lat;
  double lon;
  double heading;
  double speed;
  gint64 fix_time;
  gint64 version;
  double trail[DOZOR_UNIT_TRAIL_LENGTH][2];
  guint trail_length;
  guint index;
} DozorUnit;

/**
 * DozorUnitFix:
 * @id: the unit's id
 * @call_sign: its call sign
 * @status: its status
 * @has_fix: whether a valid position came with it
 * @lat: latitude
 * @lon: longitude
 * @heading: degrees from north, or NAN
 * @speed: m/s, or NAN
 * @fix_time: when the fix was taken, Unix microseconds
 * @time: the same as the server wrote it
 * @version: the entity's version
 * @seq: the seq of the event it came in, 0 if none
 *
 * A unit as one event or snapshot entry tells it, read once; the strings
 * belong to the JSON it was read from.
 */
typedef struct
{
  const char *id;
  const char *call_sign;
  const char *status;
  gboolean has_fix;
  double lat;
  double lon;
  double heading;
  double speed;
  gint64 fix_time;
  const char *time;
  gint64 version;
  gint64 seq;
} DozorUnitFix;

gboolean dozor_unit_fix_read (JsonObject   *unit,
                              DozorUnitFix *fix);
void     dozor_unit_fix_set_values (DozorUnitFix *fix,
                                    double        version,
                                    gboolean      has_position,
                                    const char   *time,
                                    double        lat,
                                    double        lon,
                                    double        heading,
                                    double        speed);

/**
 * DozorApplyResult:
 * @DOZOR_APPLY_APPLIED: the event was the next one and is applied
 * @DOZOR_APPLY_DUPLICATE: seen already (seq not above the situation's); ignored
 * @DOZOR_APPLY_GAP: events are missing before it; not applied, resume
 * @DOZOR_APPLY_INVALID: not an event this board understands; skipped
 */
typedef enum
{
  DOZOR_APPLY_APPLIED,
  DOZOR_APPLY_DUPLICATE,
  DOZOR_APPLY_GAP,
  DOZOR_APPLY_INVALID,
} DozorApplyResult;

/**
 * DozorSituationChange:
 * @DOZOR_SITUATION_UNITS: units moved or changed
 * @DOZOR_SITUATION_INCIDENTS: incidents or dispatches changed
 * @DOZOR_SITUATION_AREAS: zones or patrol routes changed
 * @DOZOR_SITUATION_READINESS: the degree of readiness changed
 * @DOZOR_SITUATION_PLANS: special operating plans or their posts' states changed
 * @DOZOR_SITUATION_ROSTER: duty roster entries or their flags changed, or
 *   a route deviation in progress (started, ended, its stretch grew)
 * @DOZOR_SITUATION_UNIT_STATES: a unit changed more than its position: a
 *   new unit, its status or call sign, a fix gained or lost, or a fix after
 *   a silence long enough to have made it stale. Told together with
 *   @DOZOR_SITUATION_UNITS, which alone means only that units moved
 */
typedef enum
{
  DOZOR_SITUATION_UNITS = 1 << 0,
  DOZOR_SITUATION_INCIDENTS = 1 << 1,
  DOZOR_SITUATION_AREAS = 1 << 2,
  DOZOR_SITUATION_READINESS = 1 << 3,
  DOZOR_SITUATION_PLANS = 1 << 4,
  DOZOR_SITUATION_ROSTER = 1 << 5,
  DOZOR_SITUATION_UNIT_STATES = 1 << 6,
} DozorSituationChange;

#define DOZOR_SITUATION_ALL (DOZOR_SITUATION_UNITS | DOZOR_SITUATION_INCIDENTS | \
                             DOZOR_SITUATION_AREAS | DOZOR_SITUATION_READINESS | \
                             DOZOR_SITUATION_PLANS | DOZOR_SITUATION_ROSTER | \
                             DOZOR_SITUATION_UNIT_STATES)

#define DOZOR_TYPE_SITUATION (dozor_situation_get_type ())
G_DECLARE_FINAL_TYPE (DozorSituation, dozor_situation, DOZOR, SITUATION, GObject)

DozorSituation  *dozor_situation_new             (void);
gboolean         dozor_situation_load_snapshot   (DozorSituation *self,
                                                  JsonNode       *snapshot,
                                                  GError        **error);
DozorApplyResult dozor_situation_apply_event     (DozorSituation *self,
                                                  JsonNode       *event);
DozorApplyResult dozor_situation_apply_replayed  (DozorSituation *self,
                                                  JsonNode       *event);
DozorApplyResult dozor_situation_apply_fixes     (DozorSituation     *self,
                                                  const DozorUnitFix *fixes,
                                                  guint               n_fixes,
                                                  gint64              first_seq,
                                                  gint64              last_seq);
void             dozor_situation_hold_changes    (DozorSituation *self);
void             dozor_situation_release_changes (DozorSituation *self);
gint64           dozor_situation_get_seq         (DozorSituation *self);
const char      *dozor_situation_get_readiness   (DozorSituation *self);
JsonObject      *dozor_situation_get_readiness_object (DozorSituation *self);
DozorCrisisArea *dozor_situation_get_crisis_area (DozorSituation *self);
GPtrArray       *dozor_situation_get_units       (DozorSituation *self);
DozorUnit       *dozor_situation_get_unit        (DozorSituation *self,
                                                  const char     *id);
GList           *dozor_situation_get_entities    (DozorSituation *self,
                                                  const char     *kind);
gboolean         dozor_situation_iter_entities   (DozorSituation *self,
                                                  const char     *kind,
                                                  GHashTableIter *iter);
JsonObject      *dozor_situation_get_check       (DozorSituation *self,
                                                  const char     *incident_id,
                                                  const char     *procedure_id,
                                                  const char     *step_id);
JsonObject      *dozor_situation_get_unit_dispatch (DozorSituation *self,
                                                    const char     *unit_id);
gboolean         dozor_incident_get_location     (JsonObject     *incident,
                                                  double         *lat,
                                                  double         *lon);
guint            dozor_situation_get_n_entities  (DozorSituation *self,
                                                  const char     *kind);
guint            dozor_situation_find_nearest    (DozorSituation *self,
                                                  double          lat,
                                                  double          lon,
                                                  gint64          now,
                                                  const char    **unit_ids,
                                                  double         *distances_m);
GListModel      *dozor_situation_get_unit_model  (DozorSituation *self);
GListModel      *dozor_situation_get_incident_model (DozorSituation *self);
JsonObject      *dozor_situation_get_entity      (DozorSituation *self,
                                                  const char     *kind,
                                                  const char     *id);
DozorGeometry   *dozor_situation_get_geometry    (DozorSituation *self,
                                                  const char     *kind,
                                                  const char     *id);
JsonNode        *dozor_situation_to_snapshot     (DozorSituation *self);
DozorSnapshotWriter *dozor_situation_to_snapshot_writer (DozorSituation *self);

void             dozor_situation_set_clock       (DozorSituation *self,
                                                  gint64          now);
gint64           dozor_situation_get_now         (DozorSituation *self);

const char      *dozor_situation_get_incident_number (DozorSituation *self,
                                                     const char     *incident_id);

guint64          dozor_situation_get_unit_serial (DozorSituation *self);
gboolean         dozor_situation_get_changed_units (DozorSituation *self,
                                                    guint64         since,
                                                    const guint   **indices,
                                                    guint          *n_indices);

G_END_DECLS
