/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dozor-road-graph.h"
#include "dozor-situation.h"

G_BEGIN_DECLS

#define DOZOR_COVERAGE_ERROR (dozor_coverage_error_quark ())

/**
 * DozorCoverageError:
 * @DOZOR_COVERAGE_ERROR_ZONE: a zone's geometry is not a polygon
 */
typedef enum
{
  DOZOR_COVERAGE_ERROR_ZONE,
} DozorCoverageError;

/* How many available units a zone needs unless told otherwise. */
#define DOZOR_COVERAGE_DEFAULT_MINIMUM 1

/**
 * DozorCoverageMoveUp:
 * @zone: the zone short of units
 * @unit: the unit to move there
 * @time_s: its road time to the zone's point
 *
 * One suggestion: move @unit to cover @zone.
 */
typedef struct
{
  guint zone;
  guint unit;
  double time_s;
} DozorCoverageMoveUp;

#define DOZOR_TYPE_COVERAGE (dozor_coverage_get_type ())
G_DECLARE_FINAL_TYPE (DozorCoverage, dozor_coverage, DOZOR, COVERAGE, GObject)

GQuark         dozor_coverage_error_quark        (void);

DozorCoverage *dozor_coverage_new                (void);
guint          dozor_coverage_add_zone           (DozorCoverage  *self,
                                                  const char     *id,
                                                  const char     *kind,
                                                  const char     *name,
                                                  const char     *geojson,
                                                  guint           minimum,
                                                  GError        **error);
guint          dozor_coverage_add_unit           (DozorCoverage  *self,
                                                  const char     *id,
                                                  double          lat,
                                                  double          lon);
guint          dozor_coverage_add_situation      (DozorCoverage  *self,
                                                  DozorSituation *situation,
                                                  gint64          now);
guint          dozor_coverage_get_n_zones        (DozorCoverage  *self);
guint          dozor_coverage_get_n_units        (DozorCoverage  *self);
guint          dozor_coverage_find_zone          (DozorCoverage  *self,
                                                  const char     *id);
guint          dozor_coverage_find_unit          (DozorCoverage  *self,
                                                  const char     *id);
const char    *dozor_coverage_get_zone_id        (DozorCoverage  *self,
                                                  guint           zone);
const char    *dozor_coverage_get_zone_name      (DozorCoverage  *self,
                                                  guint           zone);
const char    *dozor_coverage_get_unit_id        (DozorCoverage  *self,
                                                  guint           unit);
void           dozor_coverage_set_minimum        (DozorCoverage  *self,
                                                  guint           zone,
                                                  guint           minimum);
guint          dozor_coverage_get_minimum        (DozorCoverage  *self,
                                                  guint           zone);
void           dozor_coverage_get_zone_point     (DozorCoverage  *self,
                                                  guint           zone,
                                                  double         *lat,
                                                  double         *lon);
void           dozor_coverage_compute            (DozorCoverage  *self);
guint          dozor_coverage_get_count          (DozorCoverage  *self,
                                                  guint           zone);
gboolean       dozor_coverage_is_flagged         (DozorCoverage  *self,
                                                  guint           zone);
GArray        *dozor_coverage_get_flagged        (DozorCoverage  *self);
GArray        *dozor_coverage_would_leave_short  (DozorCoverage  *self,
                                                  guint           unit);
GArray        *dozor_coverage_suggest_move_ups   (DozorCoverage  *self,
                                                  DozorRoadGraph *graph,
                                                  GCancellable   *cancellable,
                                                  GError        **error);

G_END_DECLS
