/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The offline street index on the shipped Almaty streets: how long it takes
 * to build, to open from the cache, to search (crossings and single
 * streets, Cyrillic, Kazakh and Latin) and to find the street at a point.
 * Prints figures; never fails on time.
 *
 *   bench-address [ROUNDS]     (default 200 rounds of every query)
 *
 * The index is built into a temporary directory, removed after.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdlib.h>

#include "dozor-street-index.h"
#include "test-files.h"

static const char *const queries[] = {
  "Абая / Достык", "Abaya Dostyk", "абай достық", "Сатпаева / Достык", "Толе би",
  "Райымбека", "Al-Farabi", "жандосова", "а", "NEAR(\"абая*",
};

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_times (const char *what,
             GArray     *times)
{
  g_array_sort (times, compare_double);
  g_print ("%-28s median %.3f ms, p95 %.3f ms, max %.3f ms (%u runs)\n", what,
           g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len * 95 / 100),
           g_array_index (times, double, times->len - 1), times->len);
}

int
main (int   argc,
      char *argv[])
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 200;
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *source = g_build_filename (data_dir != NULL ? data_dir : DOZOR_PKGDATADIR, "almaty",
                                              "streets", "streets.geojson", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bench-address-XXXXXX", &error);
  g_autoptr(DozorStreetIndex) index = NULL;
  g_autoptr(DozorStreetIndex) cached = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  GRand *rand = g_rand_new_with_seed (1);
  gint64 start;
  gboolean built = FALSE;

  g_assert_no_error (error);
  setlocale (LC_ALL, "");
  rounds = CLAMP (rounds, 1, 100000);

  start = g_get_monotonic_time ();
  index = dozor_street_index_open_cached (source, dir, &built, NULL, &error);
  g_assert_no_error (error);
  g_print ("build: %.2f s — %u streets, %u crossings (built %s)\n", (g_get_monotonic_time () - start) / 1e6,
           dozor_street_index_get_n_streets (index), dozor_street_index_get_n_crossings (index),
           built ? "now" : "before");

  start = g_get_monotonic_time ();
  cached = dozor_street_index_open_cached (source, dir, &built, NULL, &error);
  g_assert_no_error (error);
  g_print ("open from cache (hash of the source included): %.1f ms\n", (g_get_monotonic_time () - start) / 1e3);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autofree char *what = g_strdup_printf ("search \"%s\"", queries[q]);
      guint n = 0;

      g_array_set_size (times, 0);
      for (guint r = 0; r < rounds; r++)
        {
          gint64 t = g_get_monotonic_time ();
          g_autoptr(GListModel) found = dozor_street_index_search (index, queries[q], 10, &error);
          double ms = (g_get_monotonic_time () - t) / 1e3;

          g_assert_no_error (error);
          n = g_list_model_get_n_items (found);
          g_array_append_val (times, ms);
        }
      print_times (what, times);
      g_print ("%-28s %u results\n", "", n);
    }

  g_array_set_size (times, 0);
  for (guint r = 0; r < rounds * 5; r++)
    {
      double lat = 43.20 + g_rand_double (rand) * 0.10, lon = 76.85 + g_rand_double (rand) * 0.15;
      gint64 t = g_get_monotonic_time ();
      g_autoptr(DozorStreetMatch) match = dozor_street_index_nearest (index, lat, lon, 300, &error);
      double ms = (g_get_monotonic_time () - t) / 1e3;

      g_assert_no_error (error);
      g_array_append_val (times, ms);
    }
  print_times ("nearest street (random)", times);

  g_clear_object (&index);
  g_clear_object (&cached);
  test_remove_tree (dir);
  g_rand_free (rand);
  return 0;
}
