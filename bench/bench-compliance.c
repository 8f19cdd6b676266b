/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What route compliance costs per position (issue 17, item 2): the Almaty
 * scenario's patrol routes (districts cut into sectors, each a loop on the
 * road graph), N cars each on its route, an hour of 5-second fixes from
 * the simulator (GPS noise included). Some cars leave their route for ten
 * minutes without being sent (detours: deviations), some are dispatched
 * for a quarter of an hour (exempt). Prints figures; never fails on time.
 *
 *   bench-compliance [UNITS …]        (default 200 5000)
 *
 * Only the monitor's calls are timed: the routes' set-up once, then every
 * fix; the simulator's driving is not.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dozor-compliance-monitor.h"
#include "dozor-patrol-plan.h"
#include "dozor-road-graph.h"
#include "dozor-simulator.h"
#include "dozor-street-map.h"

#define SEED 17
#define TICK_S 5
#define HOUR_TICKS (3600 / TICK_S)
/* Cars first drive from where the simulator puts them to their loop, up
 * to 20 km across the city and not always straight there: three hours, in
 * steps of half a minute, before the shift is judged. */
#define WARM_UP_S 10800
#define WARM_UP_STEP_S 30
#define DETOUR_S 600
#define DISPATCH_S 900
#define SECOND G_GINT64_CONSTANT (1000000)

/* The machine is shared: the CPU time of the judging, besides the wall
 * time, is what another process cannot inflate. */
static gint64
cpu_time_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* Resident memory, kB: the monitor's share is the growth around its calls. */
static gint64
rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmRSS:");
  return line != NULL ? g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10) : 0;
}

typedef enum
{
  PLAIN,
  DETOUR,
  DISPATCH,
} Plan;

typedef struct
{
  Plan plan;
  guint from_tick;
  guint away_run;       /* fixes away in a row, now */
  guint longest_away;   /* the longest such run */
  gboolean deviated;
} UnitPlan;

static void
run (DozorPatrolPlan *patrol,
     DozorRoadGraph  *graph,
     guint            n_units)
{
  g_autoptr(DozorComplianceMonitor) monitor = dozor_compliance_monitor_new ();
  g_autoptr(DozorSimulator) simulator = dozor_simulator_new (graph, SEED, n_units);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) dozor_compliance_record_free);
  g_autoptr(GPtrArray) loops = g_ptr_array_new ();
  g_autoptr(GPtrArray) unit_ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  g_autofree UnitPlan *plans = g_new0 (UnitPlan, n_units);
  g_autofree double *lats = g_new (double, n_units);
  g_autofree double *lons = g_new (double, n_units);
  GPtrArray *sectors = dozor_patrol_plan_get_sectors (patrol);
  gint64 shift_start = G_GINT64_CONSTANT (1795316400) * SECOND;
  gint64 begin, cpu_begin, setup_us, setup_cpu_us, judge_us = 0, judge_cpu_us = 0;
  gint64 rss_before, rss_set_up, rss_grown = 0;
  double speed, heading;
  guint n_planned[DISPATCH + 1] = { 0 }, n_deviated[DISPATCH + 1] = { 0 };
  guint n_started = 0, n_ended = 0, n_gaps = 0;
  guint verdicts[DOZOR_COMPLIANCE_AWAY + 1] = { 0 };
  guint n_never_away = 0, n_briefly_away = 0;
  guint64 n_positions = 0;

  for (guint s = 0; s < sectors->len; s++)
    {
      const DozorPlanSector *sector = sectors->pdata[s];

      if (sector->route != NULL)
        g_ptr_array_add (loops, (gpointer) sector);
    }

  /* One route per car, the loops shared out in turn; each car drives its own. */
  rss_before = rss_kb ();
  begin = g_get_monotonic_time ();
  cpu_begin = cpu_time_us ();
  for (guint i = 0; i < n_units; i++)
    {
      const DozorPlanSector *sector = loops->pdata[i % loops->len];
      g_autofree char *route_id = g_strdup_printf ("route-%u", i);
      g_autoptr(GError) error = NULL;

      g_ptr_array_add (unit_ids, g_strdup_printf ("unit-%u", i));
      if (!dozor_compliance_monitor_set_route (monitor, route_id, unit_ids->pdata[i], sector->route,
                                               shift_start, shift_start + 12 * 3600 * SECOND, NULL, NULL, &error))
        g_error ("route %u: %s", i, error->message);
    }
  setup_us = g_get_monotonic_time () - begin;
  setup_cpu_us = cpu_time_us () - cpu_begin;
  rss_set_up = rss_kb ();

  for (guint i = 0; i < n_units; i++)
    {
      const DozorPlanSector *sector = loops->pdata[i % loops->len];
      double roll = g_rand_double (rand);

      dozor_simulator_set_patrol (simulator, i, sector->waypoints);
      plans[i].plan = roll < 0.1 ? DETOUR : roll < 0.15 ? DISPATCH : PLAIN;
      plans[i].from_tick = g_rand_int_range (rand, 60, HOUR_TICKS - DISPATCH_S / TICK_S);
      n_planned[plans[i].plan]++;
    }
  for (guint t = 0; t < WARM_UP_S / WARM_UP_STEP_S; t++)
    dozor_simulator_step (simulator, WARM_UP_STEP_S);

  for (guint tick = 0; tick < HOUR_TICKS; tick++)
    {
      gint64 now = shift_start + (gint64) tick * TICK_S * SECOND, rss_tick;

      for (guint i = 0; i < n_units; i++)
        {
          UnitPlan *p = &plans[i];
          guint length = (p->plan == DETOUR ? DETOUR_S : DISPATCH_S) / TICK_S;

          if (p->plan == PLAIN)
            continue;
          if (tick == p->from_tick)
            {
              double lat, lon, angle = g_rand_double_range (rand, 0, 2 * G_PI);

              /* About a kilometre away, on whatever road is nearest. */
              dozor_simulator_get_fix (simulator, i, &lat, &lon, &speed, &heading);
              dozor_simulator_send_to (simulator, i, lat + 0.009 * sin (angle), lon + 0.012 * cos (angle));
              if (p->plan == DISPATCH)
                dozor_compliance_monitor_set_dispatched (monitor, unit_ids->pdata[i], TRUE, now, records);
            }
          else if (tick == p->from_tick + length)
            {
              dozor_simulator_release (simulator, i);
              if (p->plan == DISPATCH)
                dozor_compliance_monitor_set_dispatched (monitor, unit_ids->pdata[i], FALSE, now, records);
            }
        }

      dozor_simulator_step (simulator, TICK_S);
      for (guint i = 0; i < n_units; i++)
        dozor_simulator_get_fix (simulator, i, &lats[i], &lons[i], &speed, &heading);

      rss_tick = rss_kb ();
      begin = g_get_monotonic_time ();
      cpu_begin = cpu_time_us ();
      for (guint i = 0; i < n_units; i++)
        {
          DozorComplianceVerdict verdict = dozor_compliance_monitor_add_position (monitor, unit_ids->pdata[i],
                                                                                  lats[i], lons[i], now, records);

          verdicts[verdict]++;
          plans[i].away_run = verdict == DOZOR_COMPLIANCE_AWAY ? plans[i].away_run + 1 : 0;
          plans[i].longest_away = MAX (plans[i].longest_away, plans[i].away_run);
        }
      judge_us += g_get_monotonic_time () - begin;
      judge_cpu_us += cpu_time_us () - cpu_begin;
      rss_grown += rss_kb () - rss_tick;
      n_positions += n_units;

      for (guint r = 0; r < records->len; r++)
        {
          const DozorComplianceRecord *record = records->pdata[r];

          if (record->kind == DOZOR_COMPLIANCE_DEVIATION_STARTED)
            {
              UnitPlan *p = &plans[strtoul (record->unit_id + strlen ("unit-"), NULL, 10)];

              n_started++;
              p->deviated = TRUE;
            }
          n_ended += record->kind == DOZOR_COMPLIANCE_DEVIATION_ENDED;
          n_gaps += record->kind == DOZOR_COMPLIANCE_REPORTING_GAP;
        }
      g_ptr_array_set_size (records, 0);
    }

  /* A detour that made no deviation: was the car ever away, and how long? */
  for (guint i = 0; i < n_units; i++)
    {
      n_deviated[plans[i].plan] += plans[i].deviated;
      if (plans[i].plan != DETOUR || plans[i].deviated)
        continue;
      if (plans[i].longest_away == 0)
        n_never_away++;
      else
        n_briefly_away++;
    }

  g_print ("%u units on %u loops, %" G_GUINT64_FORMAT " positions (an hour, every %d s)\n",
           n_units, loops->len, n_positions, TICK_S);
  g_print ("  set-up: %.1f ms for the routes, %.1f us each (CPU %.1f us): parsed, projected, prepared\n",
           setup_us / 1000.0, (double) setup_us / n_units, (double) setup_cpu_us / n_units);
  g_print ("  judging: %.3f s in all (CPU %.3f s), %.2f us per position (CPU %.2f us)\n",
           judge_us / 1e6, judge_cpu_us / 1e6, (double) judge_us / n_positions,
           (double) judge_cpu_us / n_positions);
  g_print ("  memory: %.1f MB after the set-up, %.1f MB more while judging (%.1f kB per route)\n",
           (rss_set_up - rss_before) / 1024.0, rss_grown / 1024.0,
           (double) (rss_set_up - rss_before + rss_grown) / n_units);
  g_print ("  fixes near %u, away %u, exempt %u, not judged %u\n",
           verdicts[DOZOR_COMPLIANCE_NEAR], verdicts[DOZOR_COMPLIANCE_AWAY],
           verdicts[DOZOR_COMPLIANCE_EXEMPT], verdicts[DOZOR_COMPLIANCE_NOT_JUDGED]);
  g_print ("  cars that deviated: %u of %u with a detour, %u of %u dispatched, %u of %u only on patrol;"
           " deviations started %u, ended %u; gaps %u\n",
           n_deviated[DETOUR], n_planned[DETOUR], n_deviated[DISPATCH], n_planned[DISPATCH],
           n_deviated[PLAIN], n_planned[PLAIN], n_started, n_ended, n_gaps);
  g_print ("  detours with no deviation: %u never farther than the threshold, %u away for less than the dwell time\n",
           n_never_away, n_briefly_away);
}

int
main (int   argc,
      char *argv[])
{
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *roads = NULL;
  g_autofree char *districts = NULL;
  g_autoptr(DozorStreetMap) streets = NULL;
  g_autoptr(DozorRoadGraph) graph = NULL;
  g_autoptr(DozorPatrolPlan) patrol = NULL;
  g_autoptr(GError) error = NULL;
  guint defaults[] = { 200, 5000 };

  if (data_dir == NULL || *data_dir == '\0')
    data_dir = DOZOR_PKGDATADIR;
  roads = g_build_filename (data_dir, "almaty", "roads.geojson", NULL);
  districts = g_build_filename (data_dir, "almaty", "districts.geojson", NULL);
  streets = dozor_street_map_new_from_file (roads, NULL, &error);
  if (streets == NULL)
    g_error ("%s: %s", roads, error->message);
  graph = dozor_road_graph_new (streets);
  patrol = dozor_patrol_plan_new (districts, graph, SEED, &error);
  if (patrol == NULL)
    g_error ("%s: %s", districts, error->message);

  if (argc > 1)
    {
      for (int i = 1; i < argc; i++)
        run (patrol, graph, (guint) strtoul (argv[i], NULL, 10));
    }
  else
    {
      for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
        run (patrol, graph, defaults[i]);
    }
  return 0;
}
