/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Route compliance on constructed tracks whose answers are known: a car
 * that keeps to its route, crosses a street, takes a real detour, with
 * and without GPS noise, falls silent, is dispatched; a post; fixes
 * outside the shift or out of order.
 *
 * Tracks are built in metres east and north of a point in Almaty and
 * turned into latitude and longitude with the WGS 84 ellipsoid's radii of
 * curvature there: independent of the monitor's projection, and right to
 * centimetres over the few kilometres used.
 */
#include "config.h"

#include <gio/gio.h>
#include <math.h>

#include "dozor-compliance-monitor.h"

#define LAT0 43.2389
#define LON0 76.9453
#define SECOND G_GINT64_CONSTANT (1000000)
/* 2026-11-22T03:00:00Z, a shift's start as docs/api.md's example has it. */
#define T0 (G_GINT64_CONSTANT (1795316400) * SECOND)
#define SHIFT (12 * 3600 * SECOND)

static void
to_lat_lon (double  east,
            double  north,
            double *lat,
            double *lon)
{
  const double a = 6378137.0, e2 = 0.00669437999014;
  double phi = LAT0 * G_PI / 180, s2 = sin (phi) * sin (phi);
  double n = a / sqrt (1 - e2 * s2);
  double m = a * (1 - e2) / pow (1 - e2 * s2, 1.5);

  *lat = LAT0 + north / m * 180 / G_PI;
  *lon = LON0 + east / (n * cos (phi)) * 180 / G_PI;
}

/* The route: 6 km due north through the reference point. */
static char *
north_route (void)
{
  double lat_s, lon_s, lat_n, lon_n;

  to_lat_lon (0, -3000, &lat_s, &lon_s);
  to_lat_lon (0, 3000, &lat_n, &lon_n);
  return g_strdup_printf ("{\"type\": \"LineString\", \"coordinates\": [[%.9f, %.9f], [%.9f, %.9f]]}",
                          lon_s, lat_s, lon_n, lat_n);
}

typedef struct
{
  DozorComplianceMonitor *monitor;
  GPtrArray *records;
  GRand *rand;
  double noise_m;
  guint n_away;
  guint n_exempt;
  guint n_not_judged;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *route = north_route ();
  g_autoptr(GError) error = NULL;

  f->monitor = dozor_compliance_monitor_new ();
  f->records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
  f->rand = g_rand_new_with_seed (17);
  g_assert_true (dozor_compliance_monitor_set_route (f->monitor, "r1", "u1", route, T0, T0 + SHIFT,
                                                     NULL, f->records, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->records->len, ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_object_unref (f->monitor);
  g_ptr_array_unref (f->records);
  g_rand_free (f->rand);
}

/* One fix of unit u1 at @t seconds into the shift, @east and @north metres
 * from the reference point, with the fixture's noise. */
static DozorComplianceVerdict
fix (Fixture *f,
     double   t,
     double   east,
     double   north)
{
  DozorComplianceVerdict verdict;
  double lat, lon;

  if (f->noise_m > 0)
    {
      east += g_rand_double_range (f->rand, -f->noise_m, f->noise_m);
      north += g_rand_double_range (f->rand, -f->noise_m, f->noise_m);
    }
  to_lat_lon (east, north, &lat, &lon);
  verdict = dozor_compliance_monitor_add_position (f->monitor, "u1", lat, lon,
                                                   T0 + (gint64) (t * SECOND), f->records);
  f->n_away += verdict == DOZOR_COMPLIANCE_AWAY;
  f->n_exempt += verdict == DOZOR_COMPLIANCE_EXEMPT;
  f->n_not_judged += verdict == DOZOR_COMPLIANCE_NOT_JUDGED;
  return verdict;
}

/* Along the route at 10 m/s, a fix every 5 s, from t0 to t1 seconds. */
static void
drive_along (Fixture *f,
             double   t0,
             double   t1)
{
  for (double t = t0; t <= t1; t += 5)
    fix (f, t, 0, -3000 + 10 * fmod (t, 600));
}

static const DozorComplianceRecord *
record (Fixture             *f,
        guint                i,
        DozorComplianceKind  kind)
{
  const DozorComplianceRecord *r;

  g_assert_cmpuint (i, <, f->records->len);
  r = f->records->pdata[i];
  g_assert_cmpint (r->kind, ==, kind);
  g_assert_cmpstr (r->unit_id, ==, "u1");
  return r;
}

static void
assert_seconds (gint64 time,
                double seconds)
{
  g_assert_cmpfloat_with_epsilon ((double) (time - T0) / SECOND, seconds, 1e-6);
}

/* Keeping to the route: every fix near, nothing recorded, nothing counted. */
static void
test_straight (Fixture       *f,
               gconstpointer  data)
{
  DozorComplianceCounts counts;

  drive_along (f, 0, 1195);
  g_assert_cmpuint (f->records->len, ==, 0);
  g_assert_cmpuint (f->n_away + f->n_exempt + f->n_not_judged, ==, 0);
  g_assert_true (dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &counts));
  g_assert_cmpuint (counts.n_deviations, ==, 0);
  g_assert_cmpuint (counts.n_gaps, ==, 0);
}

/* Away for less than the dwell time (a street crossed, a turn taken): no
 * deviation, however far; one fix more and it is one. */
static void
test_brief_crossing (Fixture       *f,
                     gconstpointer  data)
{
  DozorComplianceCounts counts;

  drive_along (f, 0, 95);
  for (double t = 100; t <= 215; t += 5)       /* away 115 s */
    fix (f, t, 300, 0);
  drive_along (f, 220, 400);
  g_assert_cmpuint (f->n_away, ==, 24);
  g_assert_cmpuint (f->records->len, ==, 0);

  for (double t = 405; t <= 525; t += 5)       /* away 120 s: the dwell time */
    fix (f, t, 300, 0);
  drive_along (f, 530, 600);
  g_assert_cmpuint (f->records->len, ==, 2);
  assert_seconds (record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED)->start, 405);
  assert_seconds (record (f, 1, DOZOR_COMPLIANCE_DEVIATION_ENDED)->end, 530);
  dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &counts);
  g_assert_cmpuint (counts.n_deviations, ==, 1);
}

/* The detour: east to 400 m in 50 s, 1,500 m north along the route in
 * 300 s, back west in 50 s. The first fix beyond 150 m is at 320 s
 * (160 m), the last at 680 s (160 m), the first back within it at 685 s
 * (120 m); between them the car drove 240 + 1,500 + 240 m. */
static void
detour (Fixture *f,
        double   t)
{
  if (t < 300)
    fix (f, t, 0, -3000 + 10 * t);
  else if (t < 350)
    fix (f, t, 8 * (t - 300), 0);
  else if (t < 650)
    fix (f, t, 400, 5 * (t - 350));
  else if (t < 700)
    fix (f, t, 400 - 8 * (t - 650), 1500);
  else
    fix (f, t, 0, 1500 + 10 * (t - 700));
}

static void
test_detour (Fixture       *f,
             gconstpointer  data)
{
  const DozorComplianceRecord *started, *ended;
  const DozorCompliancePosition *first, *last;
  DozorComplianceCounts counts;

  for (double t = 0; t <= 800; t += 5)
    detour (f, t);

  g_assert_cmpuint (f->records->len, ==, 2);
  started = record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED);
  g_assert_cmpstr (started->route_id, ==, "r1");
  assert_seconds (started->start, 320);
  assert_seconds (started->time, 440);        /* 120 s after the first fix away */
  g_assert_cmpfloat_with_epsilon (started->distance_m, 400, 0.5);
  g_assert_cmpuint (started->stretch->len, ==, 25);

  ended = record (f, 1, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpint (ended->end_reason, ==, DOZOR_COMPLIANCE_END_RETURNED);
  assert_seconds (ended->start, 320);
  assert_seconds (ended->end, 685);
  g_assert_cmpint (dozor_compliance_record_get_duration (ended), ==, 365 * SECOND);
  g_assert_cmpfloat_with_epsilon (ended->max_distance_m, 400, 0.5);
  g_assert_cmpfloat_with_epsilon (ended->away_m, 1980, 1);
  g_test_message ("farthest %.3f m of 400, driven away %.3f m of 1980", ended->max_distance_m, ended->away_m);
  /* The stretch: every fix away, 320 s to 680 s. */
  g_assert_cmpuint (ended->stretch->len, ==, 73);
  first = &g_array_index (ended->stretch, DozorCompliancePosition, 0);
  last = &g_array_index (ended->stretch, DozorCompliancePosition, 72);
  assert_seconds (first->time, 320);
  g_assert_cmpfloat_with_epsilon (first->distance_m, 160, 0.5);
  assert_seconds (last->time, 680);
  g_assert_cmpfloat_with_epsilon (last->distance_m, 160, 0.5);

  g_assert_true (dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &counts));
  g_assert_cmpuint (counts.n_deviations, ==, 1);
  g_assert_cmpint (counts.deviation_us, ==, 365 * SECOND);
  g_assert_cmpfloat_with_epsilon (counts.away_m, 1980, 1);
  g_assert_cmpfloat_with_epsilon (counts.max_distance_m, 400, 0.5);
}

/* GPS noise of ±20 m on each axis around the route: nothing. */
static void
test_noise (Fixture       *f,
            gconstpointer  data)
{
  f->noise_m = 20;
  drive_along (f, 0, 3595);
  g_assert_cmpuint (f->n_away, ==, 0);
  g_assert_cmpuint (f->records->len, ==, 0);
}

/* The detour with the noise: one deviation, its ends within a fix of the
 * noiseless ones, its farthest point within the noise of 400 m. */
static void
test_noise_detour (Fixture       *f,
                   gconstpointer  data)
{
  const DozorComplianceRecord *ended;

  f->noise_m = 20;
  for (double t = 0; t <= 800; t += 5)
    detour (f, t);

  g_assert_cmpuint (f->records->len, ==, 2);
  record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED);
  ended = record (f, 1, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpfloat_with_epsilon ((double) (ended->start - T0) / SECOND, 320, 5.01);
  g_assert_cmpfloat_with_epsilon ((double) (ended->end - T0) / SECOND, 685, 5.01);
  g_assert_cmpfloat_with_epsilon (ended->max_distance_m, 400, 20.5);
}

/* The shift finds the car 500 m from its route: driving there is not a
 * deviation, for the exemption time (600 s) from its first fix; still
 * away after that, it is judged, its dwell counted from then. A car that
 * reached its route early is judged from that moment. */
static void
test_start_up (Fixture       *f,
               gconstpointer  data)
{
  DozorComplianceMonitor *monitor = f->monitor;
  g_autofree char *route = north_route ();
  double lat, lon;

  for (double t = 0; t < 600; t += 5)
    g_assert_cmpint (fix (f, t, 500, 0), ==, DOZOR_COMPLIANCE_EXEMPT);
  g_assert_cmpuint (f->records->len, ==, 0);
  for (double t = 600; t <= 720; t += 5)
    g_assert_cmpint (fix (f, t, 500, 0), ==, DOZOR_COMPLIANCE_AWAY);
  g_assert_cmpuint (f->records->len, ==, 1);
  assert_seconds (record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED)->start, 600);
  assert_seconds (record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED)->time, 720);

  /* Another unit, on its route after 100 s, then off it again. */
  g_assert_true (dozor_compliance_monitor_set_route (monitor, "r2", "u2", route, T0, T0 + SHIFT, NULL, NULL,
                                                     NULL));
  g_ptr_array_set_size (f->records, 0);
  for (double t = 0; t <= 300; t += 5)
    {
      to_lat_lon (t == 100 ? 0 : 500, 0, &lat, &lon);
      g_assert_cmpint (dozor_compliance_monitor_add_position (monitor, "u2", lat, lon, T0 + (gint64) (t * SECOND),
                                                              f->records),
                       ==, t < 100 ? DOZOR_COMPLIANCE_EXEMPT : t == 100 ? DOZOR_COMPLIANCE_NEAR
                                                              : DOZOR_COMPLIANCE_AWAY);
    }
  g_assert_cmpuint (f->records->len, ==, 1);
  assert_seconds (((DozorComplianceRecord *) f->records->pdata[0])->start, 105);
  assert_seconds (((DozorComplianceRecord *) f->records->pdata[0])->time, 225);
}

/* Listened to from an hour into the shift: the hour before the first fix
 * is no gap, nor a silence running into that hour; a silence between two
 * fixes before it counts whole, and one after it as always. */
static void
test_watched_since (Fixture       *f,
                    gconstpointer  data)
{
  DozorComplianceCounts counts;

  dozor_compliance_monitor_set_watched_since (f->monitor, T0 + 3600 * SECOND);
  drive_along (f, 100, 110);
  drive_along (f, 500, 505);
  g_assert_cmpuint (f->records->len, ==, 1);
  assert_seconds (record (f, 0, DOZOR_COMPLIANCE_REPORTING_GAP)->start, 110);
  assert_seconds (record (f, 0, DOZOR_COMPLIANCE_REPORTING_GAP)->end, 500);

  drive_along (f, 3700, 3705);
  g_assert_cmpuint (f->records->len, ==, 1);
  drive_along (f, 4000, 4005);
  g_assert_cmpuint (f->records->len, ==, 2);
  assert_seconds (record (f, 1, DOZOR_COMPLIANCE_REPORTING_GAP)->start, 3705);
  dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &counts);
  g_assert_cmpuint (counts.n_gaps, ==, 2);
  g_assert_cmpint (counts.gap_us, ==, (390 + 295) * SECOND);
}

/* Silent for 300 s (more than 180): a gap from the last fix to the next;
 * away 100 s before it and 100 s after it is not a deviation of 500 s. */
static void
test_gap (Fixture       *f,
          gconstpointer  data)
{
  const DozorComplianceRecord *gap;
  DozorComplianceCounts counts;

  drive_along (f, 0, 200);
  for (double t = 205; t <= 305; t += 5)
    fix (f, t, 500, 0);
  for (double t = 605; t <= 705; t += 5)
    fix (f, t, 500, 0);
  drive_along (f, 710, 800);

  g_assert_cmpuint (f->records->len, ==, 1);
  gap = record (f, 0, DOZOR_COMPLIANCE_REPORTING_GAP);
  assert_seconds (gap->start, 305);
  assert_seconds (gap->end, 605);
  g_assert_null (gap->stretch);
  dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &counts);
  g_assert_cmpuint (counts.n_gaps, ==, 1);
  g_assert_cmpint (counts.gap_us, ==, 300 * SECOND);
  g_assert_cmpuint (counts.n_deviations, ==, 0);

  /* 180 s exactly is no gap. */
  g_ptr_array_set_size (f->records, 0);
  drive_along (f, 980, 1000);
  g_assert_cmpuint (f->records->len, ==, 0);
}

/* A deviation in progress when the fixes stop ends at its last fix; away
 * again after the gap, the dwell time counts afresh. */
static void
test_gap_in_deviation (Fixture       *f,
                       gconstpointer  data)
{
  const DozorComplianceRecord *ended, *again;

  drive_along (f, 0, 95);
  for (double t = 100; t <= 400; t += 5)
    fix (f, t, 500, 0);
  for (double t = 700; t <= 815; t += 5)
    fix (f, t, 500, 0);
  g_assert_cmpuint (f->records->len, ==, 3);
  record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED);
  record (f, 1, DOZOR_COMPLIANCE_REPORTING_GAP);
  ended = record (f, 2, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpint (ended->end_reason, ==, DOZOR_COMPLIANCE_END_GAP);
  assert_seconds (ended->start, 100);
  assert_seconds (ended->end, 400);

  fix (f, 820, 500, 0);
  g_assert_cmpuint (f->records->len, ==, 4);
  again = record (f, 3, DOZOR_COMPLIANCE_DEVIATION_STARTED);
  assert_seconds (again->start, 700);
}

/* Sent on a dispatch at 300 s, the car drives 1 km off for 20 minutes,
 * and back in 5 (within the 10 minutes after the dispatch): nothing is
 * judged meanwhile, nothing recorded. Still away once those 10 minutes
 * are over, it is judged again. */
static void
test_dispatched (Fixture       *f,
                 gconstpointer  data)
{
  const DozorComplianceRecord *started;

  drive_along (f, 0, 295);
  dozor_compliance_monitor_set_dispatched (f->monitor, "u1", TRUE, T0 + 300 * SECOND, f->records);
  for (double t = 300; t < 1500; t += 5)
    fix (f, t, 1000, 0);
  dozor_compliance_monitor_set_dispatched (f->monitor, "u1", FALSE, T0 + 1500 * SECOND, f->records);
  for (double t = 1500; t < 1800; t += 5)
    fix (f, t, 1000 - (t - 1500) * 10 / 3, 0);
  g_assert_cmpuint (f->n_exempt, ==, 300);
  g_assert_cmpuint (f->n_away, ==, 0);
  drive_along (f, 1800, 2400);
  g_assert_cmpuint (f->records->len, ==, 0);

  /* The next dispatch ends at 2500 s and the car stays 800 m off: exempt
   * until 3100 s, judged from then on, a deviation 120 s later. */
  dozor_compliance_monitor_set_dispatched (f->monitor, "u1", TRUE, T0 + 2405 * SECOND, f->records);
  for (double t = 2405; t < 2500; t += 5)
    fix (f, t, 800, 0);
  dozor_compliance_monitor_set_dispatched (f->monitor, "u1", FALSE, T0 + 2500 * SECOND, f->records);
  for (double t = 2500; t <= 3095; t += 5)
    g_assert_cmpint (fix (f, t, 800, 0), ==, DOZOR_COMPLIANCE_EXEMPT);
  g_assert_cmpint (fix (f, 3100, 800, 0), ==, DOZOR_COMPLIANCE_AWAY);
  for (double t = 3105; t <= 3220; t += 5)
    fix (f, t, 800, 0);
  g_assert_cmpuint (f->records->len, ==, 1);
  started = record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED);
  assert_seconds (started->start, 3100);
  assert_seconds (started->time, 3220);
}

/* A deviation in progress ends when the unit is sent somewhere. */
static void
test_dispatched_while_away (Fixture       *f,
                            gconstpointer  data)
{
  const DozorComplianceRecord *ended;

  drive_along (f, 0, 95);
  for (double t = 100; t <= 300; t += 5)
    fix (f, t, 400, 0);
  dozor_compliance_monitor_set_dispatched (f->monitor, "u1", TRUE, T0 + 302 * SECOND, f->records);
  g_assert_cmpuint (f->records->len, ==, 2);
  ended = record (f, 1, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpint (ended->end_reason, ==, DOZOR_COMPLIANCE_END_DISPATCHED);
  assert_seconds (ended->end, 300);
  g_assert_cmpstr (dozor_compliance_end_to_string (ended->end_reason), ==, "dispatched");
}

/* A post of 50 m radius and a threshold of 100 m: standing within it with
 * noise is nothing; 500 m off is 450 m from the post's edge. */
static void
test_post (void)
{
  g_autoptr(DozorComplianceMonitor) monitor = dozor_compliance_monitor_new ();
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GError) error = NULL;
  DozorComplianceRules rules;
  const DozorComplianceRecord *ended;
  guint n_near = 0;
  double lat, lon;

  dozor_compliance_rules_init (&rules);
  rules.threshold_m = 100;
  g_assert_true (dozor_compliance_monitor_set_post (monitor, "p1", "u1", LAT0, LON0, 50, T0, T0 + SHIFT,
                                                    &rules, records, &error));
  g_assert_no_error (error);
  for (int t = 0; t < 600; t += 5)
    {
      to_lat_lon (g_rand_double_range (rand, -30, 30), g_rand_double_range (rand, -30, 30), &lat, &lon);
      n_near += dozor_compliance_monitor_add_position (monitor, "u1", lat, lon, T0 + t * SECOND, records)
        == DOZOR_COMPLIANCE_NEAR;
    }
  g_assert_cmpuint (n_near, ==, 120);
  /* 140 m from the centre is 90 m from the edge: within the threshold. */
  to_lat_lon (0, 140, &lat, &lon);
  g_assert_cmpint (dozor_compliance_monitor_add_position (monitor, "u1", lat, lon, T0 + 600 * SECOND, records),
                   ==, DOZOR_COMPLIANCE_NEAR);
  for (int t = 605; t <= 905; t += 5)
    {
      to_lat_lon (-500, 0, &lat, &lon);
      dozor_compliance_monitor_add_position (monitor, "u1", lat, lon, T0 + t * SECOND, records);
    }
  to_lat_lon (0, 0, &lat, &lon);
  dozor_compliance_monitor_add_position (monitor, "u1", lat, lon, T0 + 910 * SECOND, records);

  g_assert_cmpuint (records->len, ==, 2);
  ended = records->pdata[1];
  g_assert_cmpint (ended->kind, ==, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpstr (ended->route_id, ==, "p1");
  g_assert_cmpfloat_with_epsilon (ended->max_distance_m, 450, 0.5);
  g_assert_cmpint (dozor_compliance_record_get_duration (ended), ==, 305 * SECOND);
  g_assert_cmpfloat_with_epsilon (ended->away_m, 0, 0.01);
}

/* Before the shift and after it nothing is judged, however far; a
 * deviation still open at the shift's end ends there, and the silence
 * from the last fix to the end is a gap once the clock passes it. */
static void
test_window (Fixture       *f,
             gconstpointer  data)
{
  const DozorComplianceRecord *ended, *gap;
  double lat, lon;

  to_lat_lon (2000, 0, &lat, &lon);
  for (int t = -600; t < 0; t += 5)
    g_assert_cmpint (dozor_compliance_monitor_add_position (f->monitor, "u1", lat, lon, T0 + t * SECOND,
                                                            f->records), ==, DOZOR_COMPLIANCE_NOT_JUDGED);
  g_assert_cmpuint (f->records->len, ==, 0);
  /* Another unit, with no route, is not judged either. */
  g_assert_cmpint (dozor_compliance_monitor_add_position (f->monitor, "u2", lat, lon, T0, f->records),
                   ==, DOZOR_COMPLIANCE_NOT_JUDGED);

  drive_along (f, 0, 300);
  for (double t = 12 * 3600 - 300; t < 12 * 3600; t += 5)
    fix (f, t, 2000, 0);
  g_assert_cmpuint (f->records->len, ==, 2);
  record (f, 0, DOZOR_COMPLIANCE_REPORTING_GAP);
  record (f, 1, DOZOR_COMPLIANCE_DEVIATION_STARTED);

  /* The first fix after the shift closes it, and is not judged. */
  g_assert_cmpint (fix (f, 12 * 3600, 2000, 0), ==, DOZOR_COMPLIANCE_NOT_JUDGED);
  g_assert_cmpuint (f->records->len, ==, 3);
  ended = record (f, 2, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpint (ended->end_reason, ==, DOZOR_COMPLIANCE_END_SHIFT);
  assert_seconds (ended->end, 12 * 3600 - 5);
  fix (f, 12 * 3600 + 600, 2000, 0);
  g_assert_cmpuint (f->records->len, ==, 3);

  /* A second shift, silent after one fix: the clock closes it. */
  g_ptr_array_set_size (f->records, 0);
  {
    g_autofree char *route = north_route ();

    g_assert_true (dozor_compliance_monitor_set_route (f->monitor, "r2", "u1", route, T0 + SHIFT,
                                                       T0 + 2 * SHIFT, NULL, f->records, NULL));
  }
  fix (f, 12 * 3600 + 900, 0, 0);
  dozor_compliance_monitor_advance (f->monitor, T0 + 2 * SHIFT - SECOND, f->records);
  g_assert_cmpuint (f->records->len, ==, 1);
  gap = record (f, 0, DOZOR_COMPLIANCE_REPORTING_GAP);
  g_assert_cmpstr (gap->route_id, ==, "r2");
  assert_seconds (gap->start, 12 * 3600);
  assert_seconds (gap->end, 12 * 3600 + 900);
  dozor_compliance_monitor_advance (f->monitor, T0 + 2 * SHIFT, f->records);
  g_assert_cmpuint (f->records->len, ==, 2);
  gap = record (f, 1, DOZOR_COMPLIANCE_REPORTING_GAP);
  assert_seconds (gap->start, 12 * 3600 + 900);
  assert_seconds (gap->end, 24 * 3600);
  dozor_compliance_monitor_advance (f->monitor, T0 + 3 * SHIFT, f->records);
  g_assert_cmpuint (f->records->len, ==, 2);
}

/* A fix older than the last judged one, or as old, changes nothing: a
 * late fix from far away cannot start or end a deviation. */
static void
test_out_of_order (Fixture       *f,
                   gconstpointer  data)
{
  drive_along (f, 0, 100);
  for (double t = 105; t <= 200; t += 5)
    fix (f, t, 400, 0);
  g_assert_cmpint (fix (f, 150, 0, 0), ==, DOZOR_COMPLIANCE_NOT_JUDGED);
  g_assert_cmpint (fix (f, 200, 0, 0), ==, DOZOR_COMPLIANCE_NOT_JUDGED);
  for (double t = 205; t <= 230; t += 5)
    fix (f, t, 400, 0);
  g_assert_cmpint (fix (f, 10, 3000, 0), ==, DOZOR_COMPLIANCE_NOT_JUDGED);
  g_assert_cmpuint (f->records->len, ==, 1);
  assert_seconds (record (f, 0, DOZOR_COMPLIANCE_DEVIATION_STARTED)->start, 105);
}

/* Counts per shift and per unit: a day with the detour, a night with two
 * shorter ones; the same unit cannot have two routes at once. */
static void
test_counts (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *route = north_route ();
  g_autoptr(GError) error = NULL;
  DozorComplianceCounts day, night, unit;

  for (double t = 0; t <= 800; t += 5)
    detour (f, t);
  g_assert_true (dozor_compliance_monitor_set_route (f->monitor, "r2", "u1", route, T0 + SHIFT,
                                                     T0 + 2 * SHIFT, NULL, f->records, &error));
  g_assert_no_error (error);
  g_assert_false (dozor_compliance_monitor_set_route (f->monitor, "r3", "u1", route, T0 + SHIFT - SECOND,
                                                      T0 + SHIFT + SECOND, NULL, f->records, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_cmpuint (dozor_compliance_monitor_get_n_routes (f->monitor), ==, 2);

  for (int k = 0; k < 2; k++)
    {
      double base = 12 * 3600 + k * 1000;

      for (double t = 0; t < 300; t += 5)
        fix (f, base + t, 0, 0);
      for (double t = 300; t < 600; t += 5)     /* 300 s at 250 m, driving 1 m/s */
        fix (f, base + t, 250, t - 300);
      for (double t = 600; t < 1000; t += 5)
        fix (f, base + t, 0, 0);
    }

  g_assert_true (dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &day));
  g_assert_true (dozor_compliance_monitor_get_shift_counts (f->monitor, "r2", &night));
  g_assert_false (dozor_compliance_monitor_get_shift_counts (f->monitor, "r3", &unit));
  dozor_compliance_monitor_get_unit_counts (f->monitor, "u1", &unit);
  g_assert_cmpuint (day.n_deviations, ==, 1);
  g_assert_cmpuint (night.n_deviations, ==, 2);
  g_assert_cmpint (night.deviation_us, ==, 2 * 300 * SECOND);
  g_assert_cmpfloat_with_epsilon (night.away_m, 2 * 295, 1);
  g_assert_cmpfloat_with_epsilon (night.max_distance_m, 250, 0.5);
  g_assert_cmpuint (unit.n_deviations, ==, 3);
  g_assert_cmpint (unit.deviation_us, ==, (365 + 600) * SECOND);
  g_assert_cmpfloat_with_epsilon (unit.away_m, 1980 + 2 * 295, 2);
  g_assert_cmpfloat_with_epsilon (unit.max_distance_m, 400, 0.5);

  /* A deviation in progress counts up to its last fix. */
  for (double t = 0; t <= 200; t += 5)
    fix (f, 12 * 3600 + 3000 + t, 300, 0);
  dozor_compliance_monitor_get_shift_counts (f->monitor, "r2", &night);
  g_assert_cmpuint (night.n_deviations, ==, 3);
  g_assert_cmpint (night.deviation_us, ==, (600 + 200) * SECOND);
}

/* The route changed in mid-shift: the deviation against the old one ends,
 * the shift keeps its counts. */
static void
test_replace (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *route = north_route ();
  DozorComplianceCounts counts;

  for (double t = 0; t <= 500; t += 5)
    detour (f, t);
  g_assert_true (dozor_compliance_monitor_set_route (f->monitor, "r1", "u1", route, T0, T0 + SHIFT,
                                                     NULL, f->records, NULL));
  g_assert_cmpuint (f->records->len, ==, 2);
  g_assert_cmpint (record (f, 1, DOZOR_COMPLIANCE_DEVIATION_ENDED)->end_reason, ==,
                   DOZOR_COMPLIANCE_END_CHANGED);
  dozor_compliance_monitor_get_shift_counts (f->monitor, "r1", &counts);
  g_assert_cmpuint (counts.n_deviations, ==, 1);
  g_assert_cmpuint (dozor_compliance_monitor_get_n_routes (f->monitor), ==, 1);
  /* An older fix than the last one is still refused. */
  g_assert_cmpint (fix (f, 400, 0, 0), ==, DOZOR_COMPLIANCE_NOT_JUDGED);

  dozor_compliance_monitor_remove (f->monitor, "r1", f->records);
  g_assert_cmpuint (dozor_compliance_monitor_get_n_routes (f->monitor), ==, 0);
  g_assert_cmpint (fix (f, 600, 0, 0), ==, DOZOR_COMPLIANCE_NOT_JUDGED);
}

/* A unit away for 11 hours at 1 fix/s: its stretch is thinned, never
 * longer than the cap and one, first and last fixes kept (the last is not
 * one that the thinning keeps), in order. */
static void
test_long_stretch (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(DozorComplianceRecord) copy = NULL;
  const DozorComplianceRecord *ended;
  const DozorCompliancePosition *p;
  guint n = 40003;

  /* On its route first: the drive to it at the shift's start is not a
   * deviation. */
  fix (f, 0, 0, 0);
  for (guint i = 1; i < n; i++)
    fix (f, i, 300, 0);
  fix (f, n, 0, 0);
  ended = record (f, 1, DOZOR_COMPLIANCE_DEVIATION_ENDED);
  g_assert_cmpuint (ended->stretch->len, <=, DOZOR_COMPLIANCE_STRETCH_MAX + 1);
  g_assert_cmpuint (ended->stretch->len, >, DOZOR_COMPLIANCE_STRETCH_MAX / 4);
  p = (const DozorCompliancePosition *) ended->stretch->data;
  assert_seconds (p[0].time, 1);
  assert_seconds (p[ended->stretch->len - 1].time, n - 1);
  for (guint i = 1; i < ended->stretch->len; i++)
    g_assert_cmpint (p[i].time, >, p[i - 1].time);

  copy = dozor_compliance_record_copy (ended);
  g_assert_cmpuint (copy->stretch->len, ==, ended->stretch->len);
  g_assert_true (copy->stretch != ended->stretch);
  g_assert_cmpmem (copy->stretch->data, copy->stretch->len * sizeof (DozorCompliancePosition),
                   ended->stretch->data, ended->stretch->len * sizeof (DozorCompliancePosition));
}

/* Monitors share nothing: four threads, each with its own, judge the
 * detour at once and each finds exactly the one deviation. */
static gpointer
judge_detours (gpointer data)
{
  guint found = 0;

  for (guint round = 0; round < 20; round++)
    {
      Fixture f = { 0 };

      fixture_set_up (&f, NULL);
      for (double t = 0; t <= 800; t += 5)
        detour (&f, t);
      if (f.records->len == 2
          && dozor_compliance_record_get_duration (f.records->pdata[1]) == 365 * SECOND
          && fabs (((DozorComplianceRecord *) f.records->pdata[1])->max_distance_m - 400) < 0.5)
        found++;
      fixture_tear_down (&f, NULL);
    }
  return GUINT_TO_POINTER (found);
}

static void
test_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("judge", judge_detours, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (GPOINTER_TO_UINT (g_thread_join (threads[i])), ==, 20);
}

/* What is not a route, a post, a shift or a threshold is refused. */
static void
test_refused (void)
{
  g_autoptr(DozorComplianceMonitor) monitor = dozor_compliance_monitor_new ();
  g_autofree char *route = north_route ();
  const char *bad[] = {
    "{\"type\": \"Point\", \"coordinates\": [76.9, 43.2]}",
    "{\"type\": \"LineString\", \"coordinates\": [[76.9, 43.2]]}",
    "{\"type\": \"LineString\", \"coordinates\": [[76.9, 43.2], [76.9, 95]]}",
    "{\"type\": \"LineString\", \"coordinates\": [[76.9, 43.2], [181, 43.2]]}",
    "not json",
  };
  DozorComplianceRules rules;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (dozor_compliance_monitor_set_route (monitor, "r", "u", bad[i], T0, T0 + SHIFT,
                                                          NULL, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (dozor_compliance_monitor_set_route (monitor, "r", "u", route, T0, T0, NULL, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  {
    g_autoptr(GError) error = NULL;

    dozor_compliance_rules_init (&rules);
    rules.threshold_m = NAN;
    g_assert_false (dozor_compliance_monitor_set_route (monitor, "r", "u", route, T0, T0 + 1, &rules, NULL,
                                                        &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (dozor_compliance_monitor_set_post (monitor, "p", "u", LAT0, LON0, -1, T0, T0 + 1, NULL,
                                                       NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  g_assert_cmpuint (dozor_compliance_monitor_get_n_routes (monitor), ==, 0);
  g_assert_cmpint (dozor_compliance_monitor_add_position (monitor, "u", LAT0, LON0, T0, NULL),
                   ==, DOZOR_COMPLIANCE_NOT_JUDGED);
}

static void
add (const char *path,
     void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  add ("/compliance/straight", test_straight);
  add ("/compliance/brief-crossing", test_brief_crossing);
  add ("/compliance/detour", test_detour);
  add ("/compliance/noise", test_noise);
  add ("/compliance/noise-detour", test_noise_detour);
  add ("/compliance/gap", test_gap);
  add ("/compliance/start-up", test_start_up);
  add ("/compliance/watched-since", test_watched_since);
  add ("/compliance/gap-in-deviation", test_gap_in_deviation);
  add ("/compliance/dispatched", test_dispatched);
  add ("/compliance/dispatched-while-away", test_dispatched_while_away);
  g_test_add_func ("/compliance/post", test_post);
  add ("/compliance/window", test_window);
  add ("/compliance/out-of-order", test_out_of_order);
  add ("/compliance/counts", test_counts);
  add ("/compliance/replace", test_replace);
  add ("/compliance/long-stretch", test_long_stretch);
  g_test_add_func ("/compliance/threads", test_threads);
  g_test_add_func ("/compliance/refused", test_refused);
  return g_test_run ();
}
