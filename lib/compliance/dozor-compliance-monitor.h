/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "dozor-compliance-record.h"

G_BEGIN_DECLS

/* The defaults (docs/decisions.md, "Route compliance"). */
#define DOZOR_COMPLIANCE_THRESHOLD_M 150.0
#define DOZOR_COMPLIANCE_DWELL_S 120
#define DOZOR_COMPLIANCE_GAP_S 180
#define DOZOR_COMPLIANCE_EXEMPT_AFTER_S 600

/**
 * DozorComplianceRules:
 * @threshold_m: farther than this from the route or post is away, metres
 * @dwell_s: away for at least this long is a deviation, seconds; shorter
 *   is a street crossed or a turn taken
 * @gap_s: no fix for longer than this is a reporting gap, seconds
 * @exempt_after_s: after a dispatch ends, the unit is not judged for this
 *   long (it is driving back), seconds; nor, until it first reaches its
 *   route or post, for this long from its first fix of the shift
 *
 * How one route or post is judged.
 */
typedef struct
{
  double threshold_m;
  guint dwell_s;
  guint gap_s;
  guint exempt_after_s;
} DozorComplianceRules;

/**
 * DozorComplianceVerdict:
 * @DOZOR_COMPLIANCE_NOT_JUDGED: no route or post of the unit's shift covers
 *   the fix's time, or the fix is invalid, or not newer than the last
 *   judged one of that shift
 * @DOZOR_COMPLIANCE_EXEMPT: on a dispatch, or within the time after one, or
 *   driving to the route or post it has not yet reached in the shift
 * @DOZOR_COMPLIANCE_NEAR: within the threshold
 * @DOZOR_COMPLIANCE_AWAY: farther than the threshold (a deviation or not
 *   yet one)
 *
 * What became of one fix.
 */
typedef enum
{
  DOZOR_COMPLIANCE_NOT_JUDGED,
  DOZOR_COMPLIANCE_EXEMPT,
  DOZOR_COMPLIANCE_NEAR,
  DOZOR_COMPLIANCE_AWAY,
} DozorComplianceVerdict;

/**
 * DozorComplianceCounts:
 * @n_deviations: deviations started, the one in progress included
 * @deviation_us: their total duration, microseconds (one in progress up to
 *   its last fix)
 * @away_m: their total distance away: metres driven while away, along the
 *   fixes (not the distance from the route)
 * @max_distance_m: the farthest any fix was from the route or post during
 *   a deviation
 * @n_gaps: reporting gaps
 * @gap_us: their total duration, microseconds
 *
 * A unit's record for one shift, or for all its shifts the monitor holds.
 */
typedef struct
{
  guint n_deviations;
  gint64 deviation_us;
  double away_m;
  double max_distance_m;
  guint n_gaps;
  gint64 gap_us;
} DozorComplianceCounts;

#define DOZOR_TYPE_COMPLIANCE_MONITOR (dozor_compliance_monitor_get_type ())
G_DECLARE_FINAL_TYPE (DozorComplianceMonitor, dozor_compliance_monitor, DOZOR, COMPLIANCE_MONITOR, GObject)

void                    dozor_compliance_rules_init             (DozorComplianceRules   *rules);

DozorComplianceMonitor *dozor_compliance_monitor_new            (void);
gboolean                dozor_compliance_monitor_set_route      (DozorComplianceMonitor *self,
                                                                 const char             *route_id,
                                                                 const char             *unit_id,
                                                                 const char             *geometry,
                                                                 gint64                  shift_start,
                                                                 gint64                  shift_end,
                                                                 const DozorComplianceRules *rules,
                                                                 GPtrArray              *records,
                                                                 GError                **error);
gboolean                dozor_compliance_monitor_set_post       (DozorComplianceMonitor *self,
                                                                 const char             *post_id,
                                                                 const char             *unit_id,
                                                                 double                  lat,
                                                                 double                  lon,
                                                                 double                  radius_m,
                                                                 gint64                  shift_start,
                                                                 gint64                  shift_end,
                                                                 const DozorComplianceRules *rules,
                                                                 GPtrArray              *records,
                                                                 GError                **error);
void                    dozor_compliance_monitor_remove         (DozorComplianceMonitor *self,
                                                                 const char             *route_id,
                                                                 GPtrArray              *records);
void                    dozor_compliance_monitor_set_watched_since (DozorComplianceMonitor *self,
                                                                    gint64                  since);
guint                   dozor_compliance_monitor_get_n_routes   (DozorComplianceMonitor *self);
DozorComplianceVerdict  dozor_compliance_monitor_add_position   (DozorComplianceMonitor *self,
                                                                 const char             *unit_id,
                                                                 double                  lat,
                                                                 double                  lon,
                                                                 gint64                  time,
                                                                 GPtrArray              *records);
void                    dozor_compliance_monitor_set_dispatched (DozorComplianceMonitor *self,
                                                                 const char             *unit_id,
                                                                 gboolean                dispatched,
                                                                 gint64                  time,
                                                                 GPtrArray              *records);
void                    dozor_compliance_monitor_advance        (DozorComplianceMonitor *self,
                                                                 gint64                  now,
                                                                 GPtrArray              *records);
gboolean                dozor_compliance_monitor_get_shift_counts (DozorComplianceMonitor *self,
                                                                   const char             *route_id,
                                                                   DozorComplianceCounts  *counts);
void                    dozor_compliance_monitor_get_unit_counts (DozorComplianceMonitor *self,
                                                                  const char             *unit_id,
                                                                  DozorComplianceCounts  *counts);

G_END_DECLS
