/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route compliance (issue 17, item 2): is each unit where its patrol route
 * or post says, during its shift? Fixes come one by one; the monitor keeps,
 * per route, only the deviation in progress and the shift's counts.
 *
 * Geometry is GEOS's: each route is projected once into a local azimuthal
 * equidistant plane (OSR), made a GEOS geometry and prepared, so that the
 * distance of a fix is one projection of one point and one indexed
 * distance query (a prepared line keeps an STRtree of its segments),
 * whatever the route's length.
 *
 * The name: "route" already means an HTTP route in dozord
 * (dozor-route-table), and a unit may be assigned a post instead of a
 * route; what is monitored is compliance with either.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <geos_c.h>
#include <math.h>
#include <string.h>

#include "dozor-compliance-monitor.h"
#include "dozor-gdal.h"
#include "dozor-geo.h"

/* docs/api.md, "Patrol route": a route holds 2 to 50,000 positions. */
#define ROUTE_MAX_POSITIONS 50000
/* A post larger than a district is a mistake, not a post. */
#define POST_MAX_RADIUS_M 10000.0
/* Routes share a plane when their centres fall in one cell of this many
 * degrees: making a transformation takes about 2 ms (PROJ looks it up),
 * and 5,000 routes would take 10 s; no route is then more than ~20 km plus
 * its own size from its plane's centre. */
#define PLANE_CELL_DEG 0.25

typedef struct
{
  GPtrArray *assignments;  /* (element-type Assignment), owned by routes */
  gboolean dispatched;
  gboolean dispatch_ended;
  gint64 dispatch_end;
} Unit;

typedef struct
{
  char *id;
  char *unit_id;
  DozorComplianceRules rules;
  gint64 start;
  gint64 end;
  double radius_m;         /* a post's; 0 for a route */
  OGRCoordinateTransformationH to_local;  /* owned by planes */
  GEOSGeometry *geometry;
  const GEOSPreparedGeometry *prepared;

  gboolean has_fix;
  gint64 last_fix;         /* the last fix taken in the shift; its start before one */
  gboolean finished;

  /* The drive to the route at the start of the shift (or after the
   * assignment changed): until the unit first comes within the threshold,
   * and for at most the exemption time from its first fix, it is not yet
   * on its route, not away from it. */
  gboolean approaching;
  gint64 approach_end;
  gboolean reached;

  /* Away from the route: a deviation once confirmed, else only maybe one. */
  gboolean away;
  gboolean confirmed;
  gint64 away_since;
  DozorCompliancePosition last_away;
  double last_x, last_y;
  double away_m;
  double max_distance_m;
  GArray *stretch;
  guint stride;
  guint skipped;

  DozorComplianceCounts counts; /* gaps and ended deviations */
} Assignment;

struct _DozorComplianceMonitor
{
  GObject parent_instance;

  GEOSContextHandle_t geos;
  char *geos_problem;
  OGRSpatialReferenceH wgs84;
  GHashTable *planes;      /* cell (gint64) → OGRCoordinateTransformationH */
  GHashTable *routes;      /* id → Assignment */
  GHashTable *units;       /* id → Unit */
  gint64 watched_since;    /* silence running into this time is not counted before it */
};

G_DEFINE_FINAL_TYPE (DozorComplianceMonitor, dozor_compliance_monitor, G_TYPE_OBJECT)

static void
unit_free (Unit *unit)
{
  g_ptr_array_unref (unit->assignments);
  g_free (unit);
}

static void
assignment_free (DozorComplianceMonitor *self,
                 Assignment             *a)
{
  g_free (a->id);
  g_free (a->unit_id);
  if (a->prepared != NULL)
    GEOSPreparedGeom_destroy_r (self->geos, a->prepared);
  if (a->geometry != NULL)
    GEOSGeom_destroy_r (self->geos, a->geometry);
  g_clear_pointer (&a->stretch, g_array_unref);
  g_free (a);
}

/* GEOS reports through a handler of the context: this monitor's own, so
 * that nothing is printed and nothing is shared between threads. */
static void
geos_error (const char *message,
            void       *data)
{
  DozorComplianceMonitor *self = data;

  g_free (self->geos_problem);
  self->geos_problem = g_strdup (message);
}

static void
dozor_compliance_monitor_finalize (GObject *object)
{
  DozorComplianceMonitor *self = DOZOR_COMPLIANCE_MONITOR (object);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->routes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    assignment_free (self, value);
  g_hash_table_unref (self->routes);
  g_hash_table_unref (self->units);
  g_hash_table_unref (self->planes);
  g_clear_pointer (&self->wgs84, OSRRelease);
  GEOS_finish_r (self->geos);
  g_free (self->geos_problem);

  G_OBJECT_CLASS (dozor_compliance_monitor_parent_class)->finalize (object);
}

static void
dozor_compliance_monitor_class_init (DozorComplianceMonitorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dozor_compliance_monitor_finalize;
}

static void
dozor_compliance_monitor_init (DozorComplianceMonitor *self)
{
  self->geos = GEOS_init_r ();
  GEOSContext_setErrorMessageHandler_r (self->geos, geos_error, self);
  self->planes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) OCTDestroyCoordinateTransformation);
  self->routes = g_hash_table_new (g_str_hash, g_str_equal);
  self->units = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) unit_free);
}

/**
 * dozor_compliance_rules_init:
 * @rules: (out caller-allocates): rules to fill
 *
 * The defaults: away beyond 150 m for 120 s, a gap after 180 s without a
 * fix, 600 s to drive back after a dispatch.
 */
void
dozor_compliance_rules_init (DozorComplianceRules *rules)
{
  rules->threshold_m = DOZOR_COMPLIANCE_THRESHOLD_M;
  rules->dwell_s = DOZOR_COMPLIANCE_DWELL_S;
  rules->gap_s = DOZOR_COMPLIANCE_GAP_S;
  rules->exempt_after_s = DOZOR_COMPLIANCE_EXEMPT_AFTER_S;
}

/**
 * DozorComplianceMonitor:
 *
 * Judges units against their patrol routes and posts, one fix at a time.
 *
 * Each route or post belongs to one unit and one shift (a time window);
 * a unit's shifts must not overlap. A fix is judged against the route or
 * post whose shift holds its time; other fixes are not judged. A fix not
 * newer than the last one taken for that shift is ignored: fixes that come
 * out of order (a tracker's buffer emptied late) do not rewrite what was
 * already decided.
 *
 * A unit farther than the threshold is away; away for the dwell time
 * (measured from its first fix away) it is deviating, and a
 * %DOZOR_COMPLIANCE_DEVIATION_STARTED record says so. The first fix back
 * within the threshold ends the deviation. A reporting gap (two fixes, or
 * the shift's start or end and a fix, farther apart than the gap time) is
 * recorded on its own and ends a deviation in progress at its last fix:
 * no deviation is ever made up of time without fixes, and after a gap the
 * dwell time counts again from the first fix away. A unit on a dispatch,
 * and for the exemption time after it, is not judged; a deviation in
 * progress ends when the dispatch starts. A unit is not judged away
 * before it has first come to its route or post either, for at most the
 * exemption time from its first fix of the shift (or of a changed
 * assignment): the drive there is not a deviation.
 *
 * Times are microseconds since the Unix epoch. Records go to the
 * `records` array each call takes (of #DozorComplianceRecord, which the
 * caller frees; %NULL drops them, the counts are kept either way).
 *
 * The monitor has no lock and no global state: use each one from one
 * thread at a time (create it in the worker that feeds it); monitors in
 * different threads are independent.
 */

/**
 * dozor_compliance_monitor_new:
 *
 * Returns: (transfer full): a monitor with no routes
 */
DozorComplianceMonitor *
dozor_compliance_monitor_new (void)
{
  return g_object_new (DOZOR_TYPE_COMPLIANCE_MONITOR, NULL);
}

static void
emit (GPtrArray             *records,
      DozorComplianceRecord *record)
{
  if (records != NULL)
    g_ptr_array_add (records, record);
  else
    dozor_compliance_record_free (record);
}

static void
run_reset (Assignment *a)
{
  a->away = FALSE;
  a->confirmed = FALSE;
  a->away_m = 0;
  a->max_distance_m = 0;
  g_clear_pointer (&a->stretch, g_array_unref);
}

/* Every fix while away, until there are too many: then every other one is
 * dropped and only every 2nd (4th …) fix is kept from then on. */
static void
run_keep (Assignment                    *a,
          const DozorCompliancePosition *position)
{
  a->last_away = *position;
  if (a->stretch == NULL)
    {
      a->stretch = g_array_new (FALSE, FALSE, sizeof (DozorCompliancePosition));
      a->stride = 1;
      a->skipped = 0;
    }
  else if (++a->skipped < a->stride)
    {
      return;
    }

  a->skipped = 0;
  if (a->stretch->len >= DOZOR_COMPLIANCE_STRETCH_MAX)
    {
      DozorCompliancePosition *kept = (DozorCompliancePosition *) a->stretch->data;
      guint n = 0;

      for (guint i = 0; i < a->stretch->len; i += 2)
        kept[n++] = kept[i];
      g_array_set_size (a->stretch, n);
      a->stride *= 2;
    }
  g_array_append_val (a->stretch, *position);
}

/* The stretch with its last fix, which thinning may have skipped. */
static GArray *
stretch_finish (Assignment *a,
                gboolean    steal)
{
  GArray *stretch;
  const DozorCompliancePosition *last;

  if (steal)
    {
      stretch = g_steal_pointer (&a->stretch);
    }
  else
    {
      stretch = g_array_sized_new (FALSE, FALSE, sizeof (DozorCompliancePosition), a->stretch->len + 1);
      g_array_append_vals (stretch, a->stretch->data, a->stretch->len);
    }

  last = &g_array_index (stretch, DozorCompliancePosition, stretch->len - 1);
  if (last->time != a->last_away.time)
    g_array_append_val (stretch, a->last_away);
  return stretch;
}

static DozorComplianceRecord *
deviation_record (Assignment          *a,
                  DozorComplianceKind  kind,
                  gint64               time)
{
  DozorComplianceRecord *record = dozor_compliance_record_new (kind, a->unit_id, a->id);

  record->time = time;
  record->start = a->away_since;
  record->max_distance_m = a->max_distance_m;
  record->away_m = a->away_m;
  return record;
}

/* Ends what is away: a deviation is recorded and counted, a mere excursion
 * forgotten. @end is the fix back, or the last fix away when cut short. */
static void
run_end (Assignment         *a,
         DozorComplianceEnd  reason,
         gint64              end,
         gint64              time,
         GPtrArray          *records)
{
  if (a->away && a->confirmed)
    {
      DozorComplianceRecord *record = deviation_record (a, DOZOR_COMPLIANCE_DEVIATION_ENDED, time);

      record->end = end;
      record->end_reason = reason;
      record->stretch = stretch_finish (a, TRUE);
      a->counts.deviation_us += end - a->away_since;
      a->counts.away_m += a->away_m;
      a->counts.max_distance_m = MAX (a->counts.max_distance_m, a->max_distance_m);
      emit (records, record);
    }
  run_reset (a);
}

static void
run_cut (Assignment         *a,
         DozorComplianceEnd  reason,
         gint64              time,
         GPtrArray          *records)
{
  run_end (a, reason, a->last_away.time, time, records);
}

/* No fix between a->last_fix and @next for longer than the gap time.
 * A silence that runs into @watched_since (when whoever feeds the monitor
 * began to listen), or that comes before the shift's first fix, counts
 * only from then: before it nobody could hear the unit. One between two
 * fixes that both came before it is proven by them (a tracker's buffer, a
 * track read back) and counts whole. A deviation never spans a silence,
 * counted or not. */
static void
check_gap (Assignment *a,
           gint64      next,
           gint64      time,
           gint64      watched_since,
           GPtrArray  *records)
{
  DozorComplianceRecord *record;
  gint64 gap_us = (gint64) a->rules.gap_s * G_USEC_PER_SEC;
  gint64 from = a->last_fix;

  if (next - a->last_fix <= gap_us)
    return;

  /* Before the shift's first fix there is no fix to prove the silence:
   * only what was heard while listening counts. */
  if (!a->has_fix || (from < watched_since && watched_since <= next))
    from = MAX (from, watched_since);
  if (next - from > gap_us)
    {
      record = dozor_compliance_record_new (DOZOR_COMPLIANCE_REPORTING_GAP, a->unit_id, a->id);
      record->time = time;
      record->start = from;
      record->end = next;
      a->counts.n_gaps++;
      a->counts.gap_us += next - from;
      emit (records, record);
    }
  run_cut (a, DOZOR_COMPLIANCE_END_GAP, time, records);
}

/* The shift is over: what was open is closed, a silent end is a gap. */
static void
finish (Assignment *a,
        gint64      time,
        gint64      watched_since,
        GPtrArray  *records)
{
  if (a->finished)
    return;

  check_gap (a, a->end, time, watched_since, records);
  run_cut (a, DOZOR_COMPLIANCE_END_SHIFT, time, records);
  a->finished = TRUE;
}

static gboolean
distance_of (DozorComplianceMonitor *self,
             Assignment             *a,
             double                  lat,
             double                  lon,
             double                 *x,
             double                 *y,
             double                 *distance_m)
{
  GEOSGeometry *point;
  gboolean done;

  *x = lon;
  *y = lat;
  if (!OCTTransform (a->to_local, 1, x, y, NULL))
    return FALSE;

  point = GEOSGeom_createPointFromXY_r (self->geos, *x, *y);
  done = point != NULL && GEOSPreparedDistance_r (self->geos, a->prepared, point, distance_m) == 1;
  if (point != NULL)
    GEOSGeom_destroy_r (self->geos, point);
  /* A post is a disc: inside it is distance 0. */
  *distance_m = MAX (0, *distance_m - a->radius_m);
  return done;
}

static gboolean
is_exempt (Unit       *unit,
           Assignment *a,
           gint64      time)
{
  return unit->dispatched
    || (unit->dispatch_ended && time < unit->dispatch_end + (gint64) a->rules.exempt_after_s * G_USEC_PER_SEC);
}

/**
 * dozor_compliance_monitor_add_position:
 * @self: a monitor
 * @unit_id: the unit that reported
 * @lat: latitude, WGS 84
 * @lon: longitude, WGS 84
 * @time: the fix's time, microseconds since the Unix epoch
 * @records: (element-type DozorComplianceRecord) (nullable): where what
 *   the fix decided goes: a gap before it, a deviation ended or started,
 *   and any shift of the unit's that it shows to be over
 *
 * Judges one fix.
 *
 * Returns: what became of the fix
 */
DozorComplianceVerdict
dozor_compliance_monitor_add_position (DozorComplianceMonitor *self,
                                       const char             *unit_id,
                                       double                  lat,
                                       double                  lon,
                                       gint64                  time,
                                       GPtrArray              *records)
{
  Unit *unit;
  Assignment *a = NULL;
  DozorCompliancePosition position = { lat, lon, time, 0 };
  double x, y;

  g_return_val_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self), DOZOR_COMPLIANCE_NOT_JUDGED);
  g_return_val_if_fail (unit_id != NULL, DOZOR_COMPLIANCE_NOT_JUDGED);

  unit = g_hash_table_lookup (self->units, unit_id);
  if (unit == NULL || !dozor_geo_is_valid_lat_lon (lat, lon))
    return DOZOR_COMPLIANCE_NOT_JUDGED;

  for (guint i = 0; i < unit->assignments->len; i++)
    {
      Assignment *each = unit->assignments->pdata[i];

      if (each->end <= time)
        finish (each, time, self->watched_since, records);
      else if (each->start <= time)
        a = each;
    }
  if (a == NULL || (a->has_fix && time <= a->last_fix))
    return DOZOR_COMPLIANCE_NOT_JUDGED;

  check_gap (a, time, time, self->watched_since, records);
  a->has_fix = TRUE;
  a->last_fix = time;
  if (!a->approaching)
    {
      a->approaching = TRUE;
      a->approach_end = time + (gint64) a->rules.exempt_after_s * G_USEC_PER_SEC;
    }

  if (is_exempt (unit, a, time))
    {
      run_cut (a, DOZOR_COMPLIANCE_END_DISPATCHED, time, records);
      return DOZOR_COMPLIANCE_EXEMPT;
    }

  if (!distance_of (self, a, lat, lon, &x, &y, &position.distance_m))
    return DOZOR_COMPLIANCE_NOT_JUDGED;

  /* Not yet on its route is not away from it: the crew is driving there
   * from wherever the shift found it. */
  if (!a->reached)
    {
      if (position.distance_m > a->rules.threshold_m && time < a->approach_end)
        return DOZOR_COMPLIANCE_EXEMPT;
      a->reached = TRUE;
    }

  if (position.distance_m <= a->rules.threshold_m)
    {
      run_end (a, DOZOR_COMPLIANCE_END_RETURNED, time, time, records);
      return DOZOR_COMPLIANCE_NEAR;
    }

  if (!a->away)
    {
      a->away = TRUE;
      a->away_since = time;
    }
  else
    {
      /* The way driven, in the plane where the distances are measured. */
      a->away_m += hypot (x - a->last_x, y - a->last_y);
    }
  a->last_x = x;
  a->last_y = y;
  a->max_distance_m = MAX (a->max_distance_m, position.distance_m);
  run_keep (a, &position);

  if (!a->confirmed && time - a->away_since >= (gint64) a->rules.dwell_s * G_USEC_PER_SEC)
    {
      DozorComplianceRecord *record = deviation_record (a, DOZOR_COMPLIANCE_DEVIATION_STARTED, time);

      a->confirmed = TRUE;
      a->counts.n_deviations++;
      record->distance_m = position.distance_m;
      record->stretch = stretch_finish (a, FALSE);
      emit (records, record);
    }
  return DOZOR_COMPLIANCE_AWAY;
}

static Unit *
ensure_unit (DozorComplianceMonitor *self,
             const char             *unit_id)
{
  Unit *unit = g_hash_table_lookup (self->units, unit_id);

  if (unit == NULL)
    {
      unit = g_new0 (Unit, 1);
      unit->assignments = g_ptr_array_new ();
      g_hash_table_insert (self->units, g_strdup (unit_id), unit);
    }
  return unit;
}

/**
 * dozor_compliance_monitor_set_dispatched:
 * @self: a monitor
 * @unit_id: a unit
 * @dispatched: whether it is now on a dispatch
 * @time: when that changed, microseconds since the Unix epoch
 * @records: (element-type DozorComplianceRecord) (nullable): where a
 *   deviation that the dispatch ends goes
 *
 * A unit on a dispatch is where the room sent it: it is not judged, and
 * not for the exemption time after the dispatch ends either. The state
 * applies to the fixes that come after this call.
 */
void
dozor_compliance_monitor_set_dispatched (DozorComplianceMonitor *self,
                                         const char             *unit_id,
                                         gboolean                dispatched,
                                         gint64                  time,
                                         GPtrArray              *records)
{
  Unit *unit;

  g_return_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self));
  g_return_if_fail (unit_id != NULL);

  unit = ensure_unit (self, unit_id);
  if (dispatched && !unit->dispatched)
    {
      for (guint i = 0; i < unit->assignments->len; i++)
        run_cut (unit->assignments->pdata[i], DOZOR_COMPLIANCE_END_DISPATCHED, time, records);
    }
  else if (!dispatched && unit->dispatched)
    {
      unit->dispatch_ended = TRUE;
      unit->dispatch_end = time;
    }
  unit->dispatched = dispatched != FALSE;
}

/**
 * dozor_compliance_monitor_advance:
 * @self: a monitor
 * @now: the time, microseconds since the Unix epoch
 * @records: (element-type DozorComplianceRecord) (nullable): where the
 *   records of the shifts that ended go
 *
 * Closes the shifts that ended by @now: a deviation still in progress
 * ends with %DOZOR_COMPLIANCE_END_SHIFT, and a unit silent since its last
 * fix (or all shift) gets its gap. Without it, a shift is closed by the
 * unit's first fix after it.
 */
void
dozor_compliance_monitor_advance (DozorComplianceMonitor *self,
                                  gint64                  now,
                                  GPtrArray              *records)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self));

  g_hash_table_iter_init (&iter, self->routes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Assignment *a = value;

      if (a->end <= now)
        finish (a, now, self->watched_since, records);
    }
}

static void
detach (DozorComplianceMonitor *self,
        Assignment             *a)
{
  Unit *unit = g_hash_table_lookup (self->units, a->unit_id);

  g_hash_table_remove (self->routes, a->id);
  g_ptr_array_remove_fast (unit->assignments, a);
}

/**
 * dozor_compliance_monitor_remove:
 * @self: a monitor
 * @route_id: a route or post
 * @records: (element-type DozorComplianceRecord) (nullable): where a
 *   deviation in progress goes, ended with %DOZOR_COMPLIANCE_END_CHANGED
 *
 * Stops judging against a route or post; its counts go with it. Nothing
 * happens if the monitor does not hold it.
 */
void
dozor_compliance_monitor_remove (DozorComplianceMonitor *self,
                                 const char             *route_id,
                                 GPtrArray              *records)
{
  Assignment *a;

  g_return_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self));
  g_return_if_fail (route_id != NULL);

  a = g_hash_table_lookup (self->routes, route_id);
  if (a == NULL)
    return;

  run_cut (a, DOZOR_COMPLIANCE_END_CHANGED, a->last_fix, records);
  detach (self, a);
  assignment_free (self, a);
}

/**
 * dozor_compliance_monitor_set_watched_since:
 * @self: a monitor
 * @since: when the caller began to listen to the units, microseconds
 *   since the Unix epoch; 0 (the default) for always
 *
 * A silence that runs into @since is counted as a reporting gap only from
 * @since: before it the unit could not be heard (dozord was not running),
 * so the time from a shift's start or a last fix before it is not the
 * crew's. The same holds for the time from a shift's start to its first
 * fix, wherever that fix lies. A silence between two fixes that both came
 * before @since is shown by them (a tracker's buffer, or a track read back
 * after a restart) and is counted whole.
 */
void
dozor_compliance_monitor_set_watched_since (DozorComplianceMonitor *self,
                                            gint64                  since)
{
  g_return_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self));

  self->watched_since = since;
}

/**
 * dozor_compliance_monitor_get_n_routes:
 * @self: a monitor
 *
 * Returns: how many routes and posts it holds
 */
guint
dozor_compliance_monitor_get_n_routes (DozorComplianceMonitor *self)
{
  g_return_val_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self), 0);

  return g_hash_table_size (self->routes);
}

/* An azimuthal equidistant plane centred on the cell of the route's
 * centre. Distances from a plane's centre are true geodesic ones; across
 * the plane the scale is off by about (r/R)²/6 at r from the centre: at
 * 30 km, 4 parts per million, under a millimetre at a threshold of 150 m. */
static gboolean
find_plane (DozorComplianceMonitor  *self,
            Assignment              *a,
            double                   lat,
            double                   lon,
            GError                 **error)
{
  g_auto(OGRSpatialReferenceH) local = NULL;
  gint64 row = (gint64) floor (lat / PLANE_CELL_DEG), column = (gint64) floor (lon / PLANE_CELL_DEG);
  gint64 cell = row * 4096 + column;
  gboolean made;

  a->to_local = g_hash_table_lookup (self->planes, &cell);
  if (a->to_local != NULL)
    return TRUE;

  if (self->wgs84 == NULL)
    self->wgs84 = dozor_gdal_new_wgs84 ();

  local = OSRNewSpatialReference (NULL);
  CPLPushErrorHandler (CPLQuietErrorHandler);
  made = self->wgs84 != NULL
    && OSRSetWellKnownGeogCS (local, "WGS84") == OGRERR_NONE
    && OSRSetAE (local, (row + 0.5) * PLANE_CELL_DEG, (column + 0.5) * PLANE_CELL_DEG, 0, 0) == OGRERR_NONE;
  if (made)
    {
      OSRSetAxisMappingStrategy (local, OAMS_TRADITIONAL_GIS_ORDER);
      a->to_local = OCTNewCoordinateTransformation (self->wgs84, local);
    }
  if (a->to_local == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("Distances around the route cannot be measured: %s"),
                 CPLGetLastErrorMsg ()[0] != '\0' ? CPLGetLastErrorMsg () : _("no PROJ database"));
  else
    g_hash_table_insert (self->planes, g_memdup2 (&cell, sizeof cell), a->to_local);
  CPLPopErrorHandler ();
  return a->to_local != NULL;
}

static gboolean
prepare (DozorComplianceMonitor  *self,
         Assignment              *a,
         GEOSGeometry            *geometry,
         GError                 **error)
{
  a->geometry = geometry;
  a->prepared = geometry != NULL ? GEOSPrepare_r (self->geos, geometry) : NULL;
  if (a->prepared == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Distances around the route cannot be measured: %s"),
                   self->geos_problem != NULL ? self->geos_problem : "GEOS");
      return FALSE;
    }
  return TRUE;
}

static Assignment *
assignment_new (const char                 *route_id,
                const char                 *unit_id,
                gint64                      shift_start,
                gint64                      shift_end,
                const DozorComplianceRules *rules,
                GError                    **error)
{
  Assignment *a;

  if (shift_end <= shift_start)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A shift must end after it starts"));
      return NULL;
    }
  if (rules != NULL && !(isfinite (rules->threshold_m) && rules->threshold_m >= 0))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The threshold of a route must be a distance of 0 metres or more"));
      return NULL;
    }

  a = g_new0 (Assignment, 1);
  a->id = g_strdup (route_id);
  a->unit_id = g_strdup (unit_id);
  a->start = shift_start;
  a->end = shift_end;
  a->last_fix = shift_start;
  if (rules != NULL)
    a->rules = *rules;
  else
    dozor_compliance_rules_init (&a->rules);
  return a;
}

/* Takes @a in: replaces a route of the same id (a deviation in progress
 * against the old one ends; the same unit's same shift keeps its counts),
 * unless the unit has another route or post in part of the shift. */
static gboolean
attach (DozorComplianceMonitor  *self,
        Assignment              *a,
        GPtrArray               *records,
        GError                 **error)
{
  Assignment *old = g_hash_table_lookup (self->routes, a->id);
  Unit *unit = g_hash_table_lookup (self->units, a->unit_id);

  for (guint i = 0; unit != NULL && i < unit->assignments->len; i++)
    {
      Assignment *other = unit->assignments->pdata[i];

      if (other != old && other->start < a->end && a->start < other->end)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("The unit already has a route or post for part of this shift"));
          assignment_free (self, a);
          return FALSE;
        }
    }

  if (old != NULL)
    {
      run_cut (old, DOZOR_COMPLIANCE_END_CHANGED, old->last_fix, records);
      if (g_str_equal (old->unit_id, a->unit_id) && old->start == a->start)
        {
          a->counts = old->counts;
          a->has_fix = old->has_fix;
          a->last_fix = old->last_fix;
        }
      detach (self, old);
      assignment_free (self, old);
    }

  g_ptr_array_add (ensure_unit (self, a->unit_id)->assignments, a);
  g_hash_table_insert (self->routes, a->id, a);
  return TRUE;
}

static void
route_refused (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("A patrol route must be a GeoJSON LineString of 2 to 50,000 valid positions"));
}

/**
 * dozor_compliance_monitor_set_route:
 * @self: a monitor
 * @route_id: the route's id
 * @unit_id: the unit assigned to it
 * @geometry: the route, GeoJSON LineString text in WGS 84 as docs/api.md's
 *   "Patrol route" has it
 * @shift_start: the shift's start, microseconds since the Unix epoch
 * @shift_end: its end (not included)
 * @rules: (nullable): how to judge; %NULL for the defaults
 * @records: (element-type DozorComplianceRecord) (nullable): where a
 *   deviation against the route it replaces goes
 * @error: why the route is refused
 *
 * Adds a patrol route, or replaces the one of the same id. The route is
 * projected and prepared here, once.
 *
 * Returns: whether the route is now judged
 */
gboolean
dozor_compliance_monitor_set_route (DozorComplianceMonitor      *self,
                                    const char                  *route_id,
                                    const char                  *unit_id,
                                    const char                  *geometry,
                                    gint64                       shift_start,
                                    gint64                       shift_end,
                                    const DozorComplianceRules  *rules,
                                    GPtrArray                   *records,
                                    GError                     **error)
{
  g_auto(OGRGeometryH) line = NULL;
  g_autofree double *xs = NULL;
  g_autofree double *ys = NULL;
  OGREnvelope envelope;
  GEOSCoordSequence *sequence;
  Assignment *a;
  int n;

  g_return_val_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self), FALSE);
  g_return_val_if_fail (route_id != NULL && unit_id != NULL && geometry != NULL, FALSE);

  CPLPushErrorHandler (CPLQuietErrorHandler);
  line = OGR_G_CreateGeometryFromJson (geometry);
  CPLPopErrorHandler ();
  n = line != NULL && wkbFlatten (OGR_G_GetGeometryType (line)) == wkbLineString
    ? OGR_G_GetPointCount (line) : 0;
  if (n < 2 || n > ROUTE_MAX_POSITIONS)
    {
      route_refused (error);
      return FALSE;
    }

  xs = g_new (double, n);
  ys = g_new (double, n);
  OGR_G_GetPoints (line, xs, sizeof (double), ys, sizeof (double), NULL, 0);
  for (int i = 0; i < n; i++)
    {
      if (!dozor_geo_is_valid_lat_lon (ys[i], xs[i]))
        {
          route_refused (error);
          return FALSE;
        }
    }

  a = assignment_new (route_id, unit_id, shift_start, shift_end, rules, error);
  if (a == NULL)
    return FALSE;

  OGR_G_GetEnvelope (line, &envelope);
  if (!find_plane (self, a, (envelope.MinY + envelope.MaxY) / 2, (envelope.MinX + envelope.MaxX) / 2, error)
      || !OCTTransform (a->to_local, n, xs, ys, NULL))
    {
      if (error != NULL && *error == NULL)
        route_refused (error);
      assignment_free (self, a);
      return FALSE;
    }

  sequence = GEOSCoordSeq_copyFromArrays_r (self->geos, xs, ys, NULL, NULL, n);
  if (!prepare (self, a, sequence != NULL ? GEOSGeom_createLineString_r (self->geos, sequence) : NULL, error))
    {
      assignment_free (self, a);
      return FALSE;
    }

  return attach (self, a, records, error);
}

/**
 * dozor_compliance_monitor_set_post:
 * @self: a monitor
 * @post_id: the post's id
 * @unit_id: the unit assigned to it
 * @lat: the post's centre, WGS 84
 * @lon: the post's centre, WGS 84
 * @radius_m: its radius, 0 to 10,000 metres: within it the distance is 0,
 *   beyond it the distance to its edge is judged against the threshold
 * @shift_start: the shift's start, microseconds since the Unix epoch
 * @shift_end: its end (not included)
 * @rules: (nullable): how to judge; %NULL for the defaults
 * @records: (element-type DozorComplianceRecord) (nullable): where a
 *   deviation against the post it replaces goes
 * @error: why the post is refused
 *
 * Adds a post (a place to stay), or replaces the one of the same id.
 *
 * Returns: whether the post is now judged
 */
gboolean
dozor_compliance_monitor_set_post (DozorComplianceMonitor      *self,
                                   const char                  *post_id,
                                   const char                  *unit_id,
                                   double                       lat,
                                   double                       lon,
                                   double                       radius_m,
                                   gint64                       shift_start,
                                   gint64                       shift_end,
                                   const DozorComplianceRules  *rules,
                                   GPtrArray                   *records,
                                   GError                     **error)
{
  Assignment *a;
  double x, y;

  g_return_val_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self), FALSE);
  g_return_val_if_fail (post_id != NULL && unit_id != NULL, FALSE);

  if (!dozor_geo_is_valid_lat_lon (lat, lon) || !(radius_m >= 0 && radius_m <= POST_MAX_RADIUS_M))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A post must be a valid position with a radius of 0 to 10,000 metres"));
      return FALSE;
    }

  a = assignment_new (post_id, unit_id, shift_start, shift_end, rules, error);
  if (a == NULL)
    return FALSE;

  a->radius_m = radius_m;
  x = lon;
  y = lat;
  if (!find_plane (self, a, lat, lon, error)
      || !OCTTransform (a->to_local, 1, &x, &y, NULL)
      || !prepare (self, a, GEOSGeom_createPointFromXY_r (self->geos, x, y), error))
    {
      assignment_free (self, a);
      return FALSE;
    }

  return attach (self, a, records, error);
}

static void
add_counts (DozorComplianceCounts *sum,
            Assignment            *a)
{
  sum->n_deviations += a->counts.n_deviations;
  sum->deviation_us += a->counts.deviation_us;
  sum->away_m += a->counts.away_m;
  sum->max_distance_m = MAX (sum->max_distance_m, a->counts.max_distance_m);
  sum->n_gaps += a->counts.n_gaps;
  sum->gap_us += a->counts.gap_us;
  if (a->away && a->confirmed)
    {
      sum->deviation_us += a->last_away.time - a->away_since;
      sum->away_m += a->away_m;
      sum->max_distance_m = MAX (sum->max_distance_m, a->max_distance_m);
    }
}

/**
 * dozor_compliance_monitor_get_shift_counts:
 * @self: a monitor
 * @route_id: a route or post (one unit's shift)
 * @counts: (out caller-allocates): its deviations and gaps so far
 *
 * Returns: whether the monitor holds that route or post
 */
gboolean
dozor_compliance_monitor_get_shift_counts (DozorComplianceMonitor *self,
                                           const char             *route_id,
                                           DozorComplianceCounts  *counts)
{
  Assignment *a;

  g_return_val_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self), FALSE);
  g_return_val_if_fail (route_id != NULL && counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);
  a = g_hash_table_lookup (self->routes, route_id);
  if (a == NULL)
    return FALSE;

  add_counts (counts, a);
  return TRUE;
}

/**
 * dozor_compliance_monitor_get_unit_counts:
 * @self: a monitor
 * @unit_id: a unit
 * @counts: (out caller-allocates): its deviations and gaps over all the
 *   shifts the monitor holds for it
 */
void
dozor_compliance_monitor_get_unit_counts (DozorComplianceMonitor *self,
                                          const char             *unit_id,
                                          DozorComplianceCounts  *counts)
{
  Unit *unit;

  g_return_if_fail (DOZOR_IS_COMPLIANCE_MONITOR (self));
  g_return_if_fail (unit_id != NULL && counts != NULL);

  memset (counts, 0, sizeof *counts);
  unit = g_hash_table_lookup (self->units, unit_id);
  for (guint i = 0; unit != NULL && i < unit->assignments->len; i++)
    add_counts (counts, unit->assignments->pdata[i]);
}
