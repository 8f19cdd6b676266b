/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozor_line_pick_nearest() and dozor_line_nearest_point(): which patrol
 * route a unit dropped on the map lands on, and where a unit off its
 * route would rejoin it.
 */
#include "config.h"

#include "dozor-line-pick.h"

static GArray *
line_of (const double *xy,
         guint         n)
{
  GArray *line = g_array_new (FALSE, FALSE, sizeof (double) * 2);

  g_array_append_vals (line, xy, n);
  return line;
}

static void
line_free (gpointer line)
{
  if (line != NULL)
    g_array_unref (line);
}

static void
test_pick (void)
{
  static const double horizontal[] = { 0, 0, 10, 0 };
  static const double vertical[] = { 20, -5, 20, 5 };
  static const double point_only[] = { 5, 1 };
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (line_free);

  g_ptr_array_add (lines, line_of (horizontal, 2));
  g_ptr_array_add (lines, NULL);
  g_ptr_array_add (lines, line_of (point_only, 1));
  g_ptr_array_add (lines, line_of (vertical, 2));

  /* 1 from the first line, 15 from the last. */
  g_assert_cmpint (dozor_line_pick_nearest (lines, 5, 1, 3), ==, 0);
  /* 2 from the last, 8 from the first: the distance to a segment, not to its ends. */
  g_assert_cmpint (dozor_line_pick_nearest (lines, 18, 0.5, 3), ==, 3);
  /* On the reach itself it is still picked; beyond it, nothing. */
  g_assert_cmpint (dozor_line_pick_nearest (lines, 5, 3, 3), ==, 0);
  g_assert_cmpint (dozor_line_pick_nearest (lines, 5, 3.5, 3), ==, -1);
  g_ptr_array_set_size (lines, 0);
  g_assert_cmpint (dozor_line_pick_nearest (lines, 5, 1, 3), ==, -1);
}

static void
test_nearest_point (void)
{
  static const double bend[] = { 0, 0, 10, 0, 10, 10 };
  g_autoptr(GArray) line = line_of (bend, 3);
  g_autoptr(GArray) short_line = line_of (bend, 1);
  double nx = -1, ny = -1;

  g_assert_true (dozor_line_nearest_point (line, 4, -3, &nx, &ny));
  g_assert_cmpfloat_with_epsilon (nx, 4, 1e-9);
  g_assert_cmpfloat_with_epsilon (ny, 0, 1e-9);
  g_assert_true (dozor_line_nearest_point (line, 13, 6, &nx, &ny));
  g_assert_cmpfloat_with_epsilon (nx, 10, 1e-9);
  g_assert_cmpfloat_with_epsilon (ny, 6, 1e-9);
  g_assert_false (dozor_line_nearest_point (short_line, 1, 1, &nx, &ny));
  g_assert_false (dozor_line_nearest_point (NULL, 1, 1, &nx, &ny));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/line-pick/nearest-line", test_pick);
  g_test_add_func ("/line-pick/nearest-point", test_nearest_point);
  return g_test_run ();
}
