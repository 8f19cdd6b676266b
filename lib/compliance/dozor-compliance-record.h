/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * DozorComplianceKind:
 * @DOZOR_COMPLIANCE_DEVIATION_STARTED: a unit has been away from its route
 *   or post for the dwell time
 * @DOZOR_COMPLIANCE_DEVIATION_ENDED: the deviation is over (see
 *   #DozorComplianceEnd for why)
 * @DOZOR_COMPLIANCE_REPORTING_GAP: no fix came for longer than the gap time
 *
 * What a #DozorComplianceRecord tells.
 */
typedef enum
{
  DOZOR_COMPLIANCE_DEVIATION_STARTED,
  DOZOR_COMPLIANCE_DEVIATION_ENDED,
  DOZOR_COMPLIANCE_REPORTING_GAP,
} DozorComplianceKind;

/**
 * DozorComplianceEnd:
 * @DOZOR_COMPLIANCE_END_NONE: not an ended deviation
 * @DOZOR_COMPLIANCE_END_RETURNED: a fix within the threshold came
 * @DOZOR_COMPLIANCE_END_GAP: the fixes stopped for longer than the gap time;
 *   where the unit went meanwhile is not known, so the deviation ends at the
 *   last fix that showed it away
 * @DOZOR_COMPLIANCE_END_DISPATCHED: the unit was sent on a dispatch
 * @DOZOR_COMPLIANCE_END_SHIFT: the shift ended
 * @DOZOR_COMPLIANCE_END_CHANGED: the route or post was changed or removed
 *
 * Why a deviation ended. Except for a return, it ends at the last fix that
 * showed the unit away: a deviation covers only what the fixes show.
 */
typedef enum
{
  DOZOR_COMPLIANCE_END_NONE,
  DOZOR_COMPLIANCE_END_RETURNED,
  DOZOR_COMPLIANCE_END_GAP,
  DOZOR_COMPLIANCE_END_DISPATCHED,
  DOZOR_COMPLIANCE_END_SHIFT,
  DOZOR_COMPLIANCE_END_CHANGED,
} DozorComplianceEnd;

/**
 * DozorCompliancePosition:
 * @lat: latitude, WGS 84
 * @lon: longitude, WGS 84
 * @time: the fix's time, microseconds since the Unix epoch
 * @distance_m: its distance from the route or post, metres
 *
 * One fix of the stretch a unit took while away.
 */
typedef struct
{
  double lat;
  double lon;
  gint64 time;
  double distance_m;
} DozorCompliancePosition;

/**
 * DozorComplianceRecord:
 * @kind: what happened
 * @unit_id: the unit
 * @route_id: its route or post
 * @time: the time of the fix (or of the clock) that made this record,
 *   microseconds since the Unix epoch
 * @start: a deviation: the first fix away; a gap: the last fix before it
 *   (or the shift's start, if the unit had not reported yet)
 * @end: an ended deviation: the fix back within the threshold or, if it
 *   was cut short, the last fix away; a gap: the first fix after it (or the
 *   shift's end); 0 for a started deviation
 * @distance_m: a started deviation: the distance of the fix that made it
 *   one; otherwise 0
 * @max_distance_m: a deviation: the farthest its fixes were from the route
 *   or post so far
 * @away_m: a deviation: the way driven while away, metres along its fixes
 *   (the "distance away" that the counts add up)
 * @end_reason: why an ended deviation ended
 * @stretch: (element-type DozorCompliancePosition) (nullable): a deviation:
 *   its fixes, oldest first (thinned to every 2nd, 4th … fix past
 *   %DOZOR_COMPLIANCE_STRETCH_MAX, always with the first and last); %NULL
 *   for a gap
 *
 * One deviation or reporting gap, as the server will publish it and the
 * board will draw it.
 */
typedef struct
{
  DozorComplianceKind kind;
  char *unit_id;
  char *route_id;
  gint64 time;
  gint64 start;
  gint64 end;
  double distance_m;
  double max_distance_m;
  double away_m;
  DozorComplianceEnd end_reason;
  GArray *stretch;
} DozorComplianceRecord;

/* dozord judges a roster entry's post under this prefix and the entry's
 * id, in the same key space as route ids (a uuid never starts so): the
 * store tells a post's records by it (docs/api.md, "Route compliance"). */
#define DOZOR_COMPLIANCE_POST_PREFIX "post:"

/* A day of 5-second fixes: more is thinned, so that a unit that never comes
 * back cannot grow its record without bound. */
#define DOZOR_COMPLIANCE_STRETCH_MAX 17280

#define DOZOR_TYPE_COMPLIANCE_RECORD (dozor_compliance_record_get_type ())

GType                  dozor_compliance_record_get_type (void) G_GNUC_CONST;
DozorComplianceRecord *dozor_compliance_record_new      (DozorComplianceKind          kind,
                                                         const char                  *unit_id,
                                                         const char                  *route_id);
DozorComplianceRecord *dozor_compliance_record_copy     (const DozorComplianceRecord *record);
void                   dozor_compliance_record_free     (DozorComplianceRecord       *record);
gint64                 dozor_compliance_record_get_duration (const DozorComplianceRecord *record);
const char            *dozor_compliance_end_to_string   (DozorComplianceEnd           reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DozorComplianceRecord, dozor_compliance_record_free)

G_END_DECLS
