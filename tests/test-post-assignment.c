/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include "dozor-post-assignment.h"
#include "test-town.h"

#define MAX_UNITS 8
#define MAX_POSTS 4

/* The best (bottleneck, total) by trying every way of sending each unit to
 * a post or nowhere; FALSE if no way covers every post. */
typedef struct
{
  guint n_posts, n_units;
  guint need[MAX_POSTS];
  const char *post_kind[MAX_POSTS];
  const char *unit_kind[MAX_UNITS];
  gboolean eligible[MAX_UNITS];
  double time[MAX_POSTS][MAX_UNITS];
  /* The post a supervisor put the unit on, plus one; 0: free. */
  guint fixed[MAX_UNITS];
} Instance;

static gboolean
brute_force (const Instance *in,
             double         *best_bottleneck,
             double         *best_total)
{
  guint choice[MAX_UNITS] = { 0, };
  guint combinations = 1;
  gboolean found = FALSE;

  for (guint u = 0; u < in->n_units; u++)
    combinations *= in->n_posts + 1;

  for (guint k = 0; k < combinations; k++)
    {
      guint code = k, got[MAX_POSTS] = { 0, };
      double bottleneck = 0, total = 0;
      gboolean valid = TRUE;

      for (guint u = 0; u < in->n_units; u++)
        {
          choice[u] = code % (in->n_posts + 1);
          code /= in->n_posts + 1;
          if (in->fixed[u] != 0 && choice[u] != in->fixed[u] - 1)
            valid = FALSE;
        }
      for (guint u = 0; u < in->n_units && valid; u++)
        {
          guint p = choice[u];

          if (p == in->n_posts)
            continue;
          if (!in->eligible[u] || isinf (in->time[p][u]) ||
              (in->post_kind[p] != NULL && g_strcmp0 (in->post_kind[p], in->unit_kind[u]) != 0))
            valid = FALSE;
          got[p]++;
          bottleneck = MAX (bottleneck, in->time[p][u]);
          total += in->time[p][u];
        }
      for (guint p = 0; p < in->n_posts && valid; p++)
        valid = got[p] == in->need[p];
      if (!valid)
        continue;

      if (!found || bottleneck < *best_bottleneck ||
          (bottleneck == *best_bottleneck && total < *best_total))
        {
          *best_bottleneck = bottleneck;
          *best_total = total;
        }
      found = TRUE;
    }

  return found;
}

static DozorPostAssignment *
build (const Instance *in)
{
  DozorPostAssignment *assignment = dozor_post_assignment_new ();

  for (guint p = 0; p < in->n_posts; p++)
    {
      g_autofree char *name = g_strdup_printf ("Post %u", p + 1);

      dozor_post_assignment_add_post (assignment, name, 43.25, 76.9, in->need[p], in->post_kind[p]);
    }
  for (guint u = 0; u < in->n_units; u++)
    {
      g_autofree char *id = g_strdup_printf ("unit-%u", u);

      dozor_post_assignment_add_unit (assignment, id, in->unit_kind[u], 43.25, 76.9, in->eligible[u]);
    }
  for (guint p = 0; p < in->n_posts; p++)
    for (guint u = 0; u < in->n_units; u++)
      dozor_post_assignment_set_time (assignment, p, u, in->time[p][u]);
  for (guint u = 0; u < in->n_units; u++)
    if (in->fixed[u] != 0)
      dozor_post_assignment_fix_unit (assignment, u, in->fixed[u] - 1);

  return assignment;
}

/* What the solver answers is an assignment that keeps every rule. */
static void
assert_valid (DozorPostAssignment *assignment,
              const Instance      *in)
{
  guint got[MAX_POSTS] = { 0, };
  double bottleneck = 0, total = 0;

  for (guint u = 0; u < in->n_units; u++)
    {
      guint p = dozor_post_assignment_get_unit_post (assignment, u);

      if (in->fixed[u] != 0)
        g_assert_cmpuint (p, ==, in->fixed[u] - 1);
      if (p == G_MAXUINT)
        continue;
      g_assert_cmpuint (p, <, in->n_posts);
      g_assert_true (in->eligible[u]);
      g_assert_false (isinf (in->time[p][u]));
      if (in->post_kind[p] != NULL)
        g_assert_cmpstr (in->post_kind[p], ==, in->unit_kind[u]);
      got[p]++;
      bottleneck = MAX (bottleneck, in->time[p][u]);
      total += in->time[p][u];
    }
  for (guint p = 0; p < in->n_posts; p++)
    g_assert_cmpuint (got[p], ==, in->need[p]);
  g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_bottleneck_s (assignment), bottleneck, 1e-3);
  g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_total_s (assignment), total, 1e-2);
}

static void
test_against_brute_force (void)
{
  static const char *kinds[] = { "car", "foot", "moto" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  guint feasible = 0, infeasible = 0;

  for (guint round = 0; round < 300; round++)
    {
      Instance in = { 0, };
      g_autoptr(DozorPostAssignment) assignment = NULL;
      g_autoptr(GError) error = NULL;
      double bottleneck = 0, total = 0;
      gboolean expected, solved;

      in.n_posts = g_rand_int_range (rand, 1, MAX_POSTS + 1);
      in.n_units = g_rand_int_range (rand, 1, MAX_UNITS + 1);
      for (guint p = 0; p < in.n_posts; p++)
        {
          in.need[p] = g_rand_int_range (rand, 1, 3);
          in.post_kind[p] = g_rand_int_range (rand, 0, 4) == 0 ? kinds[g_rand_int_range (rand, 0, 2)] : NULL;
        }
      for (guint u = 0; u < in.n_units; u++)
        {
          in.unit_kind[u] = kinds[g_rand_int_range (rand, 0, 3)];
          in.eligible[u] = g_rand_int_range (rand, 0, 8) != 0;
          for (guint p = 0; p < in.n_posts; p++)
            /* Whole seconds make ties, which the solver must get right too;
             * now and then a post a unit cannot reach. */
            in.time[p][u] = g_rand_int_range (rand, 0, 12) == 0 ? INFINITY : g_rand_int_range (rand, 30, 900);
        }

      expected = brute_force (&in, &bottleneck, &total);
      assignment = build (&in);
      solved = dozor_post_assignment_solve (assignment, NULL, &error);

      g_assert_cmpint (solved, ==, expected);
      if (!solved)
        {
          g_assert_error (error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_SHORT);
          g_assert_nonnull (strstr (error->message, "Post "));
          infeasible++;
          continue;
        }
      g_assert_no_error (error);
      assert_valid (assignment, &in);
      g_assert_cmpfloat (dozor_post_assignment_get_bottleneck_s (assignment), ==, bottleneck);
      g_assert_true (dozor_post_assignment_get_total_is_minimal (assignment));
      g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_total_s (assignment), total, 1e-2);

      /* Without the second step the bottleneck is as good, the total
       * perhaps not, and the answer says so. */
      dozor_post_assignment_set_total_work_limit (assignment, 0);
      g_assert_true (dozor_post_assignment_solve (assignment, NULL, NULL));
      assert_valid (assignment, &in);
      g_assert_cmpfloat (dozor_post_assignment_get_bottleneck_s (assignment), ==, bottleneck);
      g_assert_false (dozor_post_assignment_get_total_is_minimal (assignment));
      g_assert_cmpfloat (dozor_post_assignment_get_total_s (assignment), >=, total - 1e-2);
      feasible++;
    }

  g_test_message ("%u instances covered, %u not coverable", feasible, infeasible);
  /* Both outcomes are exercised by this seed. */
  g_assert_cmpuint (feasible, >, 50);
  g_assert_cmpuint (infeasible, >, 10);
}

/* Item 3's correction: units a supervisor dropped on posts stay there,
 * the others are re-proposed for the places left, and the bottleneck and
 * total counted with the dropped ones are the best brute force finds
 * under the same pins. */
static void
test_fixed_against_brute_force (void)
{
  static const char *kinds[] = { "car", "foot", "moto" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1515);
  guint checked = 0, pinned = 0, moved_others = 0;

  for (guint round = 0; round < 300; round++)
    {
      Instance in = { 0, };
      g_autoptr(DozorPostAssignment) free_solution = NULL;
      g_autoptr(DozorPostAssignment) assignment = NULL;
      guint fixed_at[MAX_POSTS] = { 0, };
      double bottleneck = 0, total = 0;

      in.n_posts = g_rand_int_range (rand, 1, MAX_POSTS + 1);
      in.n_units = g_rand_int_range (rand, 1, MAX_UNITS + 1);
      for (guint p = 0; p < in.n_posts; p++)
        {
          in.need[p] = g_rand_int_range (rand, 1, 3);
          in.post_kind[p] = g_rand_int_range (rand, 0, 4) == 0 ? kinds[g_rand_int_range (rand, 0, 2)] : NULL;
        }
      for (guint u = 0; u < in.n_units; u++)
        {
          in.unit_kind[u] = kinds[g_rand_int_range (rand, 0, 3)];
          in.eligible[u] = g_rand_int_range (rand, 0, 8) != 0;
          for (guint p = 0; p < in.n_posts; p++)
            in.time[p][u] = g_rand_int_range (rand, 0, 12) == 0 ? INFINITY : g_rand_int_range (rand, 30, 900);
        }
      /* Up to two drops, each a unit the post could take, no post over its need. */
      for (guint drop = 0; drop < 2; drop++)
        {
          guint u = g_rand_int_range (rand, 0, in.n_units), p = g_rand_int_range (rand, 0, in.n_posts);

          if (in.fixed[u] != 0 || !in.eligible[u] || isinf (in.time[p][u]) || fixed_at[p] >= in.need[p] ||
              (in.post_kind[p] != NULL && g_strcmp0 (in.post_kind[p], in.unit_kind[u]) != 0))
            continue;
          in.fixed[u] = p + 1;
          fixed_at[p]++;
          pinned++;
        }
      if (!brute_force (&in, &bottleneck, &total))
        continue;

      assignment = build (&in);
      g_assert_true (dozor_post_assignment_solve (assignment, NULL, NULL));
      assert_valid (assignment, &in);
      g_assert_cmpfloat (dozor_post_assignment_get_bottleneck_s (assignment), ==, bottleneck);
      g_assert_true (dozor_post_assignment_get_total_is_minimal (assignment));
      g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_total_s (assignment), total, 1e-2);

      /* A pin that changes where another unit goes is what the board's
       * re-proposal is for: count that it happens. */
      {
        Instance loose = in;

        memset (loose.fixed, 0, sizeof loose.fixed);
        free_solution = build (&loose);
        if (dozor_post_assignment_solve (free_solution, NULL, NULL))
          for (guint u = 0; u < in.n_units; u++)
            if (in.fixed[u] == 0 &&
                dozor_post_assignment_get_unit_post (free_solution, u) != dozor_post_assignment_get_unit_post (assignment, u))
              {
                moved_others++;
                break;
              }
      }
      checked++;
    }

  g_test_message ("%u instances with %u pins checked; in %u a pin moved another unit", checked, pinned, moved_others);
  g_assert_cmpuint (checked, >, 50);
  g_assert_cmpuint (moved_others, >, 5);
}

/* Greedy nearest-first would send unit 0 to post A (60 s) and leave post B
 * with unit 1 (1000 s); the bottleneck answer sends unit 0 to B and unit 1
 * to A: both posts covered within 120 s. */
static void
test_bottleneck_beats_greedy (void)
{
  Instance in = {
    .n_posts = 2, .n_units = 2, .need = { 1, 1 },
    .unit_kind = { "car", "car" }, .eligible = { TRUE, TRUE },
    .time = { { 60, 100 }, { 120, 1000 } },
  };
  g_autoptr(DozorPostAssignment) assignment = build (&in);
  g_autoptr(GError) error = NULL;

  g_assert_true (dozor_post_assignment_solve (assignment, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 0), ==, 1);
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 1), ==, 0);
  g_assert_cmpfloat (dozor_post_assignment_get_bottleneck_s (assignment), ==, 120);
  g_assert_cmpfloat (dozor_post_assignment_get_total_s (assignment), ==, 220);
}

/* Two assignments share the bottleneck of 500 s; the one with the smaller
 * total sends the 100-s unit, not the 400-s one. */
static void
test_total_among_equal_bottlenecks (void)
{
  Instance in = {
    .n_posts = 2, .n_units = 3, .need = { 1, 1 },
    .unit_kind = { "car", "car", "car" }, .eligible = { TRUE, TRUE, TRUE },
    .time = { { 500, INFINITY, INFINITY }, { INFINITY, 400, 100 } },
  };
  g_autoptr(DozorPostAssignment) assignment = build (&in);

  g_assert_true (dozor_post_assignment_solve (assignment, NULL, NULL));
  g_assert_cmpfloat (dozor_post_assignment_get_bottleneck_s (assignment), ==, 500);
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 1), ==, G_MAXUINT);
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 2), ==, 1);
  g_assert_cmpfloat (dozor_post_assignment_get_total_s (assignment), ==, 600);
  g_assert_true (dozor_post_assignment_get_total_is_minimal (assignment));
}

/* The post that wants two foot patrols, when only one is on duty and the
 * other is on a dispatch the caller does not release, is named. */
static void
test_short_of_a_kind (void)
{
  Instance in = {
    .n_posts = 2, .n_units = 4, .need = { 1, 2 }, .post_kind = { NULL, "foot" },
    .unit_kind = { "car", "foot", "foot", "car" }, .eligible = { TRUE, TRUE, FALSE, TRUE },
    .time = { { 10, 10, 10, 10 }, { 10, 10, 10, 10 } },
  };
  g_autoptr(DozorPostAssignment) assignment = build (&in);
  g_autoptr(DozorPostAssignment) released = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (dozor_post_assignment_solve (assignment, NULL, &error));
  g_assert_error (error, DOZOR_POST_ASSIGNMENT_ERROR, DOZOR_POST_ASSIGNMENT_ERROR_SHORT);
  g_assert_nonnull (strstr (error->message, "Post 2"));
  g_assert_nonnull (strstr (error->message, "foot"));
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 0), ==, G_MAXUINT);

  /* Allowed to take the unit off its dispatch, the plan is covered. */
  in.eligible[2] = TRUE;
  released = build (&in);
  g_assert_true (dozor_post_assignment_solve (released, NULL, NULL));
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (released, 1), ==, 1);
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (released, 2), ==, 1);
}

static void
test_cancelled (void)
{
  Instance in = {
    .n_posts = 1, .n_units = 2, .need = { 1 },
    .unit_kind = { "car", "car" }, .eligible = { TRUE, TRUE },
    .time = { { 10, 20 } },
  };
  g_autoptr(DozorPostAssignment) assignment = build (&in);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_cancellable_cancel (cancellable);
  g_assert_false (dozor_post_assignment_solve (assignment, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (isnan (dozor_post_assignment_get_bottleneck_s (assignment)));
}

static void
test_arrival (void)
{
  /* 0.0005° of latitude is about 56 m, 0.001° about 111 m. */
  g_assert_true (dozor_post_is_reached (43.25, 76.95, 43.2505, 76.95, 0.5,
                                        DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S));
  g_assert_true (dozor_post_is_reached (43.25, 76.95, 43.25, 76.95, 0,
                                        DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S));
  /* Too far, though stopped. */
  g_assert_false (dozor_post_is_reached (43.25, 76.95, 43.251, 76.95, 0,
                                         DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S));
  /* Close, but driving past at 30 km/h; or without a speed to tell. */
  g_assert_false (dozor_post_is_reached (43.25, 76.95, 43.2505, 76.95, 8.3,
                                         DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S));
  g_assert_false (dozor_post_is_reached (43.25, 76.95, 43.2505, 76.95, NAN,
                                         DOZOR_POST_ARRIVAL_RADIUS_M, DOZOR_POST_ARRIVAL_SPEED_M_S));
  /* A wider radius and a looser speed, as configured. */
  g_assert_true (dozor_post_is_reached (43.25, 76.95, 43.251, 76.95, 3, 150, 4));
  g_assert_false (dozor_post_is_reached (43.25, 76.95, 43.251, 76.95, 3, 100, 4));
  g_assert_false (dozor_post_is_reached (43.25, 76.95, 43.251, 76.95, 3, 150, 2));
}

/* Too large for brute force: the rules still hold, the bottleneck is the
 * same with or without the second step, and the second step's total is
 * never worse. */
static void
test_larger_instances (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  guint improved = 0;

  for (guint round = 0; round < 20; round++)
    {
      g_autoptr(DozorPostAssignment) best = dozor_post_assignment_new ();
      g_autoptr(DozorPostAssignment) quick = dozor_post_assignment_new ();
      guint n_posts = g_rand_int_range (rand, 5, 21), n_units = g_rand_int_range (rand, 60, 201);
      guint need[20], got[20] = { 0, };

      for (guint p = 0; p < n_posts; p++)
        {
          need[p] = g_rand_int_range (rand, 1, 4);
          dozor_post_assignment_add_post (best, "post", 43.25, 76.9, need[p], NULL);
          dozor_post_assignment_add_post (quick, "post", 43.25, 76.9, need[p], NULL);
        }
      for (guint u = 0; u < n_units; u++)
        {
          dozor_post_assignment_add_unit (best, "unit", "car", 43.25, 76.9, TRUE);
          dozor_post_assignment_add_unit (quick, "unit", "car", 43.25, 76.9, TRUE);
        }
      for (guint p = 0; p < n_posts; p++)
        for (guint u = 0; u < n_units; u++)
          {
            double t = g_rand_double_range (rand, 20, 1500);

            dozor_post_assignment_set_time (best, p, u, t);
            dozor_post_assignment_set_time (quick, p, u, t);
          }

      dozor_post_assignment_set_total_work_limit (quick, 0);
      g_assert_true (dozor_post_assignment_solve (best, NULL, NULL));
      g_assert_true (dozor_post_assignment_solve (quick, NULL, NULL));
      g_assert_true (dozor_post_assignment_get_total_is_minimal (best));
      g_assert_cmpfloat (dozor_post_assignment_get_bottleneck_s (best), ==,
                         dozor_post_assignment_get_bottleneck_s (quick));
      g_assert_cmpfloat (dozor_post_assignment_get_total_s (best), <=,
                         dozor_post_assignment_get_total_s (quick) + 1e-3);
      if (dozor_post_assignment_get_total_s (best) < dozor_post_assignment_get_total_s (quick) - 1)
        improved++;

      for (guint u = 0; u < n_units; u++)
        {
          guint p = dozor_post_assignment_get_unit_post (best, u);

          if (p != G_MAXUINT)
            {
              g_assert_cmpfloat (dozor_post_assignment_get_time (best, p, u), <=,
                                 dozor_post_assignment_get_bottleneck_s (best));
              got[p]++;
            }
        }
      for (guint p = 0; p < n_posts; p++)
        g_assert_cmpuint (got[p], ==, need[p]);
    }

  /* The second step does something: with this seed, about half the
   * totals come out lower than a matching that only minds the bottleneck. */
  g_test_message ("second step lowered the total in %u of 20", improved);
  g_assert_cmpuint (improved, >, 0);
}

/* Times by road in the town: each post's row is its own reverse search. */
static void
test_time_by_road (void)
{
  g_autoptr(DozorRoadGraph) town = town_graph ();
  g_autoptr(DozorPostAssignment) assignment = dozor_post_assignment_new ();
  g_autofree float *to_b = dozor_road_graph_times_to (town, B_LAT, B_LON, INFINITY);
  g_autofree float *to_f = dozor_road_graph_times_to (town, F_LAT, F_LON, INFINITY);
  guint node_a = dozor_road_graph_nearest_node (town, A_LAT, A_LON);
  guint node_g = dozor_road_graph_nearest_node (town, G_LAT, G_LON);

  dozor_post_assignment_add_post (assignment, "B", B_LAT, B_LON, 1, NULL);
  dozor_post_assignment_add_post (assignment, "F", F_LAT, F_LON, 1, NULL);
  dozor_post_assignment_add_unit (assignment, "at-a", "car", A_LAT, A_LON, TRUE);
  dozor_post_assignment_add_unit (assignment, "at-g", "car", G_LAT, G_LON, TRUE);
  g_assert_true (dozor_post_assignment_time_by_road (assignment, town, NULL, NULL));

  g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_time (assignment, 0, 0), to_b[node_a], 1e-3);
  g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_time (assignment, 0, 1), to_b[node_g], 1e-3);
  g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_time (assignment, 1, 0), to_f[node_a], 1e-3);
  g_assert_cmpfloat_with_epsilon (dozor_post_assignment_get_time (assignment, 1, 1), to_f[node_g], 1e-3);

  /* G is beside F; A goes to B by the primary road. */
  g_assert_true (dozor_post_assignment_solve (assignment, NULL, NULL));
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 0), ==, 0);
  g_assert_cmpuint (dozor_post_assignment_get_unit_post (assignment, 1), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/post-assignment/against-brute-force", test_against_brute_force);
  g_test_add_func ("/post-assignment/fixed-against-brute-force", test_fixed_against_brute_force);
  g_test_add_func ("/post-assignment/bottleneck-beats-greedy", test_bottleneck_beats_greedy);
  g_test_add_func ("/post-assignment/total-among-equal-bottlenecks", test_total_among_equal_bottlenecks);
  g_test_add_func ("/post-assignment/short-of-a-kind", test_short_of_a_kind);
  g_test_add_func ("/post-assignment/cancelled", test_cancelled);
  g_test_add_func ("/post-assignment/arrival", test_arrival);
  g_test_add_func ("/post-assignment/larger-instances", test_larger_instances);
  g_test_add_func ("/post-assignment/time-by-road", test_time_by_road);

  return g_test_run ();
}
