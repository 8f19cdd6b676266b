/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>

#include "dozor-point-index.h"

static void
test_finds_symbol_under_pointer (void)
{
  g_autoptr(DozorPointIndex) index = dozor_point_index_new (32);
  guint item = G_MAXUINT;

  dozor_point_index_add (index, 100, 100, 6, 1);
  dozor_point_index_add (index, 300, 120, 6, 2);

  g_assert_true (dozor_point_index_find (index, 103, 98, 0, &item));
  g_assert_cmpuint (item, ==, 1);
  g_assert_true (dozor_point_index_find (index, 300, 125, 0, &item));
  g_assert_cmpuint (item, ==, 2);
  /* Empty map between them. */
  g_assert_false (dozor_point_index_find (index, 200, 110, 4, &item));
  /* Just outside the symbol, within the slop. */
  g_assert_false (dozor_point_index_find (index, 110, 100, 0, &item));
  g_assert_true (dozor_point_index_find (index, 110, 100, 5, &item));
  g_assert_cmpuint (item, ==, 1);
}

static void
test_top_symbol_wins (void)
{
  g_autoptr(DozorPointIndex) index = dozor_point_index_new (16);
  guint item = G_MAXUINT;

  /* Three cars at one junction: the one drawn last is the one seen. */
  dozor_point_index_add (index, 50, 50, 6, 7);
  dozor_point_index_add (index, 51, 50, 6, 8);
  dozor_point_index_add (index, 50, 51, 6, 9);
  g_assert_true (dozor_point_index_find (index, 50.5, 50.5, 0, &item));
  g_assert_cmpuint (item, ==, 9);

  /* Outside the overlap the nearest edge wins. */
  dozor_point_index_add (index, 80, 50, 6, 10);
  g_assert_true (dozor_point_index_find (index, 68, 50, 6, &item));
  g_assert_cmpuint (item, ==, 10);
}

static void
test_cell_edges_and_negatives (void)
{
  g_autoptr(DozorPointIndex) index = dozor_point_index_new (32);
  guint item = G_MAXUINT;

  /* Symbols in the margin left of and above the view have negative
   * coordinates; a symbol across a cell border is still found. */
  dozor_point_index_add (index, -20, -5, 6, 1);
  dozor_point_index_add (index, 31.5, 64, 6, 2);
  g_assert_true (dozor_point_index_find (index, -17, -3, 0, &item));
  g_assert_cmpuint (item, ==, 1);
  g_assert_true (dozor_point_index_find (index, 35, 62, 0, &item));
  g_assert_cmpuint (item, ==, 2);
}

static void
test_many_and_hostile (void)
{
  g_autoptr(DozorPointIndex) index = dozor_point_index_new (24);
  guint item = G_MAXUINT;

  /* A 100 × 100 grid of units 20 px apart: each is found at its own place. */
  for (guint i = 0; i < 10000; i++)
    dozor_point_index_add (index, (i % 100) * 20.0, (i / 100) * 20.0, 6, i);
  dozor_point_index_add (index, NAN, 5, 6, 99999);
  dozor_point_index_add (index, 5, INFINITY, 6, 99999);
  g_assert_cmpuint (dozor_point_index_get_size (index), ==, 10000);

  for (guint i = 0; i < 10000; i += 97)
    {
      g_assert_true (dozor_point_index_find (index, (i % 100) * 20.0 + 2, (i / 100) * 20.0 - 2, 2, &item));
      g_assert_cmpuint (item, ==, i);
    }
  g_assert_false (dozor_point_index_find (index, 10, 10, 0, &item));
  g_assert_false (dozor_point_index_find (index, NAN, 10, 0, &item));
  g_assert_false (dozor_point_index_find (index, 1e300, -1e300, 0, &item));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/point-index/under-pointer", test_finds_symbol_under_pointer);
  g_test_add_func ("/point-index/top-wins", test_top_symbol_wins);
  g_test_add_func ("/point-index/cell-edges", test_cell_edges_and_negatives);
  g_test_add_func ("/point-index/many-and-hostile", test_many_and_hostile);

  return g_test_run ();
}
