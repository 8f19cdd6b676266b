/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What a dispatch confirmation says about the road, on a town small enough
 * to know every answer (test-town.h): the chosen unit's road distance and
 * driving time, and an available unit much closer, only when it is.
 */
#include "config.h"

#include <math.h>

#include "dozor-dispatch-estimate.h"
#include "dozor-geo.h"
#include "test-town.h"

/* 80 m east of the scene, on the residential street from A to B. */
#define NEAR_LAT 43.0
#define NEAR_LON 76.901

/* F is sent, only reached by the zigzag through G (about 4 min); a unit
 * 80 m away (seconds) is free: that is much closer, and said so. */
static void
test_much_closer (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  g_autoptr(DozorDispatchEstimate) estimate = dozor_dispatch_estimate_new (A_LAT, A_LON);
  g_autoptr(GError) error = NULL;
  double zigzag_m = dozor_geo_distance_m (F_LAT, F_LON, G_LAT, G_LON) + dozor_geo_distance_m (G_LAT, G_LON, A_LAT, A_LON);
  double zigzag_s = town_leg_s (F_LAT, F_LON, G_LAT, G_LON, 25) + town_leg_s (G_LAT, G_LON, A_LAT, A_LON, 25);
  double distance_m, time_s;
  const char *closer;

  dozor_dispatch_estimate_set_chosen (estimate, "Барыс-6", F_LAT, F_LON);
  dozor_dispatch_estimate_add_available (estimate, "Барыс-2", B_LAT, B_LON);
  dozor_dispatch_estimate_add_available (estimate, "Барыс-7", NEAR_LAT, NEAR_LON);
  g_assert_true (dozor_dispatch_estimate_compute (estimate, town, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (dozor_dispatch_estimate_get_chosen (estimate, &distance_m, &time_s));
  g_assert_cmpfloat_with_epsilon (distance_m, zigzag_m, 1.0);
  g_assert_cmpfloat_with_epsilon (time_s, zigzag_s, 0.1);
  /* Farther by road than in a straight line. */
  g_assert_cmpfloat (distance_m, >, dozor_geo_distance_m (F_LAT, F_LON, A_LAT, A_LON) * 1.2);

  closer = dozor_dispatch_estimate_get_closer (estimate, &distance_m, &time_s);
  g_assert_cmpstr (closer, ==, "Барыс-7");
  g_assert_cmpfloat_with_epsilon (distance_m, dozor_geo_distance_m (NEAR_LAT, NEAR_LON, A_LAT, A_LON), 1.0);
  g_assert_cmpfloat (time_s, <, 30);
}

/* B (about 2 min round by C) is sent while the unit 80 m away is free: it
 * would be there in seconds, less than half the time, but not 3 minutes
 * sooner, so no warning. Nor when the chosen one is the closest. */
static void
test_not_much_closer (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  g_autoptr(DozorDispatchEstimate) from_b = dozor_dispatch_estimate_new (A_LAT, A_LON);
  g_autoptr(DozorDispatchEstimate) nearest = dozor_dispatch_estimate_new (A_LAT, A_LON);
  double via_c_s = town_leg_s (B_LAT, B_LON, C_LAT, C_LON, 50) + town_leg_s (C_LAT, C_LON, A_LAT, A_LON, 50);
  double distance_m, time_s;

  dozor_dispatch_estimate_set_chosen (from_b, "Барыс-2", B_LAT, B_LON);
  dozor_dispatch_estimate_add_available (from_b, "Барыс-7", NEAR_LAT, NEAR_LON);
  g_assert_true (dozor_dispatch_estimate_compute (from_b, town, NULL, NULL));
  g_assert_true (dozor_dispatch_estimate_get_chosen (from_b, &distance_m, &time_s));
  g_assert_cmpfloat_with_epsilon (time_s, via_c_s, 0.1);
  /* The shortest road is the direct street, not the faster primary road. */
  g_assert_cmpfloat_with_epsilon (distance_m, dozor_geo_distance_m (B_LAT, B_LON, A_LAT, A_LON), 1.0);
  g_assert_cmpfloat (time_s - DOZOR_DISPATCH_CLOSER_SAVING_S, <, 30);
  g_assert_null (dozor_dispatch_estimate_get_closer (from_b, &distance_m, &time_s));

  dozor_dispatch_estimate_set_chosen (nearest, "Барыс-7", NEAR_LAT, NEAR_LON);
  dozor_dispatch_estimate_add_available (nearest, "Барыс-6", F_LAT, F_LON);
  g_assert_true (dozor_dispatch_estimate_compute (nearest, town, NULL, NULL));
  g_assert_null (dozor_dispatch_estimate_get_closer (nearest, &distance_m, &time_s));
}

/* Not computed yet: nothing known, nothing claimed. */
static void
test_unknown (void)
{
  g_autoptr(DozorDispatchEstimate) estimate = dozor_dispatch_estimate_new (A_LAT, A_LON);
  double distance_m, time_s;

  dozor_dispatch_estimate_set_chosen (estimate, "Барыс-6", F_LAT, F_LON);
  dozor_dispatch_estimate_add_available (estimate, "Барыс-7", NEAR_LAT, NEAR_LON);
  g_assert_false (dozor_dispatch_estimate_get_chosen (estimate, &distance_m, &time_s));
  g_assert_null (dozor_dispatch_estimate_get_closer (estimate, &distance_m, &time_s));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/dispatch-estimate/much-closer", test_much_closer);
  g_test_add_func ("/dispatch-estimate/not-much-closer", test_not_much_closer);
  g_test_add_func ("/dispatch-estimate/unknown", test_unknown);

  return g_test_run ();
}
