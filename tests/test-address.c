/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The offline street index over the shipped Almaty streets: what an
 * operator types finds the crossing where it is on the ground, a point
 * finds the street and its cross street, and no text breaks the search.
 * The index is built once for the whole run, in the test's own cache.
 */
#include <glib/gstdio.h>

#include "dozor-geo.h"
#include "dozor-street-index.h"
#include "dozor-street-name.h"
#include "test-files.h"

/* Абай даңғылы / проспект Абая × проспект Достык, as a map shows it. */
#define ABAY_DOSTYK_LAT 43.2430
#define ABAY_DOSTYK_LON 76.9569
#define TOLERANCE_M 60.0

static DozorStreetIndex *index_;
/* The run's own directory, with the index cache in it. */
static char *work_dir;
static char *cache_dir;

static char *
streets_path (void)
{
  return g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "almaty", "streets", "streets.geojson", NULL);
}

static void
assert_keys (const char *text,
             const char *expected)
{
  g_autofree char *key = dozor_street_name_key (text);

  g_assert_cmpstr (key, ==, expected);
}

static void
test_normalise (void)
{
  /* Type words go, before or after the name, full or short. */
  assert_keys ("проспект Абая", "апа");
  assert_keys ("Абай даңғылы", "апа");
  assert_keys ("пр. Абая", "апа");
  assert_keys ("ул.Достык", "тостык");
  assert_keys ("улица Сатпаева", "сатпаеф");
  assert_keys ("Сатпаев көшесі", "сатпаеф");
  /* Kazakh and Russian spellings apart only in voicing are one street. */
  assert_keys ("Сәтбаев көшесі", "сатпаеф");
  /* Kazakh letters fold, Latin transliterates. */
  assert_keys ("Достық", "тостык");
  assert_keys ("Dostyk", "тостык");
  assert_keys ("Abaya", "апа");
  assert_keys ("Abay avenue", "апа");
  assert_keys ("Satpayev street", "сатпаеф");
  assert_keys ("ТӨЛЕ БИ", "тол пи");
  assert_keys ("Tole bi", "тол пи");
  /* A name that is only a type word is kept, not emptied. */
  assert_keys ("Проспект", "проспект");
  assert_keys ("", "");
}

static void
test_abbreviate (void)
{
  g_autofree char *abay = dozor_street_name_abbreviate ("проспект Абая");
  g_autofree char *dostyk = dozor_street_name_abbreviate ("улица Достык");
  g_autofree char *kazakh = dozor_street_name_abbreviate ("Абай даңғылы");
  g_autofree char *plain = dozor_street_name_abbreviate ("Самал");

  g_assert_cmpstr (abay, ==, "пр. Абая");
  g_assert_cmpstr (dostyk, ==, "ул. Достык");
  g_assert_cmpstr (kazakh, ==, "Абай даң.");
  g_assert_cmpstr (plain, ==, "Самал");
}

static DozorStreetMatch *
first_match (const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) found = dozor_street_index_search (index_, query, 10, &error);

  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpuint (g_list_model_get_n_items (found), >, 0);
  return g_list_model_get_item (found, 0);
}

static void
test_crossing (gconstpointer data)
{
  const char *query = data;
  g_autoptr(DozorStreetMatch) match = first_match (query);
  double d = dozor_geo_distance_m (dozor_street_match_get_lat (match), dozor_street_match_get_lon (match),
                                   ABAY_DOSTYK_LAT, ABAY_DOSTYK_LON);
  g_autofree char *label = dozor_street_match_dup_label (match);

  g_test_message ("%s → %s at %.6f, %.6f, %.1f m from the crossing", query, label,
                  dozor_street_match_get_lat (match), dozor_street_match_get_lon (match), d);
  g_assert_cmpint (dozor_street_match_get_kind (match), ==, DOZOR_STREET_MATCH_CROSSING);
  g_assert_cmpfloat (d, <=, TOLERANCE_M);
}

/* Satpayev street is "улица Сатпаева" on some ways and "Сәтбаев көшесі" on
 * most: both spellings find its crossing with Dostyk, at the same point. */
static void
test_satpayev (void)
{
  g_autoptr(DozorStreetMatch) russian = first_match ("Сатпаева / Достык");
  g_autoptr(DozorStreetMatch) kazakh = first_match ("Сәтбаев / Достық");

  g_assert_cmpint (dozor_street_match_get_kind (russian), ==, DOZOR_STREET_MATCH_CROSSING);
  g_assert_cmpint (dozor_street_match_get_kind (kazakh), ==, DOZOR_STREET_MATCH_CROSSING);
  g_assert_cmpfloat (dozor_geo_distance_m (dozor_street_match_get_lat (russian), dozor_street_match_get_lon (russian),
                                           dozor_street_match_get_lat (kazakh), dozor_street_match_get_lon (kazakh)),
                     <, 1);
}

static void
test_street_alone (void)
{
  g_autoptr(DozorStreetMatch) match = first_match ("Достык");
  g_autofree char *key = dozor_street_name_key (dozor_street_match_get_name (match));
  double lat = dozor_street_match_get_lat (match), lon = dozor_street_match_get_lon (match);

  g_assert_cmpint (dozor_street_match_get_kind (match), ==, DOZOR_STREET_MATCH_STREET);
  g_assert_cmpstr (key, ==, "тостык");
  g_assert_null (dozor_street_match_get_cross_name (match));
  /* Its point lies on the street: the street found from it is Dostyk. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(DozorStreetMatch) back = dozor_street_index_nearest (index_, lat, lon, 50, &error);
    g_autofree char *back_key = NULL;

    g_assert_no_error (error);
    g_assert_nonnull (back);
    back_key = dozor_street_name_key (dozor_street_match_get_name (back));
    g_assert_cmpstr (back_key, ==, "тостык");
  }
}

static void
test_nearest (void)
{
  g_autoptr(GError) error = NULL;
  double lat, lon;
  g_autoptr(DozorStreetMatch) match = NULL;
  g_autofree char *street = NULL;
  g_autofree char *cross = NULL;

  /* 40 m west of the crossing, on Abay avenue. */
  dozor_geo_destination (ABAY_DOSTYK_LAT, ABAY_DOSTYK_LON, 40, 270, &lat, &lon);
  match = dozor_street_index_nearest (index_, lat, lon, 300, &error);
  g_assert_no_error (error);
  g_assert_nonnull (match);
  street = dozor_street_name_key (dozor_street_match_get_name (match));
  cross = dozor_street_name_key (dozor_street_match_get_cross_name (match));
  g_test_message ("%.6f, %.6f → %s, near %s", lat, lon, dozor_street_match_get_name (match),
                  dozor_street_match_get_cross_name (match));
  g_assert_cmpstr (street, ==, "апа");
  g_assert_cmpstr (cross, ==, "тостык");
  g_assert_cmpfloat (dozor_geo_distance_m (lat, lon, dozor_street_match_get_lat (match),
                                           dozor_street_match_get_lon (match)), <=, 40);

  /* Far outside the city: nothing, and no error. */
  g_clear_object (&match);
  match = dozor_street_index_nearest (index_, 51.1, 71.4, 300, &error);
  g_assert_no_error (error);
  g_assert_null (match);
}

static void
test_hostile (void)
{
  g_autoptr(GString) long_text = g_string_new (NULL);
  const char *queries[] = {
    "", "   ", "/", "//", "\"", "\"\"\"", "*", "Абая*", "NEAR(", "NEAR(абая достык)", "абая AND достык",
    "абая OR 1", "абая NOT достык", "\"абая\" * ^", "keys:абая", "{keys}: a", "'); DROP TABLE street; --",
    "\xff\xfe invalid", "абая / ", " / достык", "Абая / Достык / Сатпаева",
  };

  for (guint i = 0; i < 10000; i++)
    g_string_append_c (long_text, "a\"*(/ "[i % 6]);

  for (guint i = 0; i <= G_N_ELEMENTS (queries); i++)
    {
      const char *query = i < G_N_ELEMENTS (queries) ? queries[i] : long_text->str;
      g_autoptr(GError) error = NULL;
      g_autoptr(GListModel) found = dozor_street_index_search (index_, query, 10, &error);

      g_assert_no_error (error);
      g_assert_nonnull (found);
      g_assert_cmpuint (g_list_model_get_n_items (found), <=, 10);
    }

  /* Syntax around a real name neither errs nor widens the search: what
   * "NEAR(абая" finds is only what "near абая" would. */
  {
    g_autoptr(GListModel) a = dozor_street_index_search (index_, "NEAR(абая", 50, NULL);
    g_autoptr(GListModel) b = dozor_street_index_search (index_, "near абая", 50, NULL);

    g_assert_cmpuint (g_list_model_get_n_items (a), ==, g_list_model_get_n_items (b));
  }
  /* And the index is intact after all of it. */
  {
    g_autoptr(DozorStreetMatch) match = first_match ("Абая / Достык");

    g_assert_cmpint (dozor_street_match_get_kind (match), ==, DOZOR_STREET_MATCH_CROSSING);
  }
}

static void
search_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GListModel **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = dozor_street_index_search_finish (DOZOR_STREET_INDEX (source), result, &error);
  if (*out == NULL)
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  else
    g_assert_no_error (error);
  out[1] = GINT_TO_POINTER (1);
}

static void
test_async_cancel (void)
{
  g_autoptr(GCancellable) older = g_cancellable_new ();
  GListModel *first[2] = { NULL, NULL };
  GListModel *second[2] = { NULL, NULL };

  /* A newer query cancels the older one, which then yields nothing. */
  dozor_street_index_search_async (index_, "Абая", 10, older, search_done, first);
  g_cancellable_cancel (older);
  dozor_street_index_search_async (index_, "Abaya Dostyk", 10, NULL, search_done, second);
  for (guint i = 0; i < 1000 && (first[1] == NULL || second[1] == NULL); i++)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (first[0]);
  g_assert_nonnull (second[0]);
  g_assert_cmpuint (g_list_model_get_n_items (second[0]), >, 0);
  g_object_unref (second[0]);
}

static void
test_cache (void)
{
  g_autofree char *source = streets_path ();
  const char *cache = cache_dir;
  g_autofree char *copy_dir = g_build_filename (work_dir, "streets-copy", NULL);
  g_autofree char *copy = g_build_filename (copy_dir, "streets.geojson", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetIndex) again = NULL;
  g_autoptr(DozorStreetIndex) other = NULL;
  gboolean built = TRUE;
  gsize length;

  /* The index the run built is reused, not rebuilt. */
  again = dozor_street_index_open_cached (source, cache, &built, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (built);
  g_assert_cmpuint (dozor_street_index_get_n_streets (again), ==, dozor_street_index_get_n_streets (index_));

  /* Another file (one street) gets its own index, and the old one goes. */
  g_assert_true (g_file_get_contents (source, &contents, &length, NULL));
  g_assert_cmpint (g_mkdir_with_parents (copy_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (copy,
                                      "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\","
                                      "\"properties\":{\"name\":\"улица Тестовая\"},\"geometry\":{\"type\":"
                                      "\"LineString\",\"coordinates\":[[76.9,43.2],[76.91,43.2]]}}]}",
                                      -1, NULL));
  other = dozor_street_index_open_cached (copy, cache, &built, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (built);
  g_assert_cmpuint (dozor_street_index_get_n_streets (other), ==, 1);
  g_assert_cmpuint (dozor_street_index_get_n_crossings (other), ==, 0);
  {
    g_autoptr(GDir) dir = g_dir_open (cache, 0, NULL);
    guint n = 0;

    while (g_dir_read_name (dir) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 1);
  }
  g_unlink (copy);
  g_rmdir (copy_dir);
}

static void
test_not_an_index (void)
{
  g_autofree char *path = g_build_filename (work_dir, "not-an-index.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(DozorStreetIndex) bad = NULL;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  bad = dozor_street_index_open (path, &error);
  g_assert_null (bad);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *source = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/address/normalise", test_normalise);
  g_test_add_func ("/address/abbreviate", test_abbreviate);
  g_test_add_data_func ("/address/crossing/cyrillic", "Абая / Достык", test_crossing);
  g_test_add_data_func ("/address/crossing/latin", "Abaya Dostyk", test_crossing);
  g_test_add_data_func ("/address/crossing/kazakh", "абай достық", test_crossing);
  g_test_add_data_func ("/address/crossing/short", "пр. Абая x ул. Достык", test_crossing);
  g_test_add_func ("/address/crossing/satpayev", test_satpayev);
  g_test_add_func ("/address/street-alone", test_street_alone);
  g_test_add_func ("/address/nearest", test_nearest);
  g_test_add_func ("/address/hostile", test_hostile);
  g_test_add_func ("/address/async-cancel", test_async_cancel);
  g_test_add_func ("/address/cache", test_cache);
  g_test_add_func ("/address/not-an-index", test_not_an_index);

  /* Built once for the run, in a directory of its own. */
  work_dir = g_dir_make_tmp ("test-address-XXXXXX", &error);
  g_assert_no_error (error);
  cache_dir = g_build_filename (work_dir, "cache", NULL);
  source = streets_path ();
  start = g_get_monotonic_time ();
  index_ = dozor_street_index_open_cached (source, cache_dir, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("Almaty index: %u streets, %u crossings, built in %.2f s", dozor_street_index_get_n_streets (index_),
                  dozor_street_index_get_n_crossings (index_),
                  (g_get_monotonic_time () - start) / 1e6);

  status = g_test_run ();
  g_clear_object (&index_);
  test_remove_tree (work_dir);
  g_free (cache_dir);
  g_free (work_dir);
  return status;
}
