/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>

#include "dozor-cache.h"
#include "dozor-local-copy.h"
#include "dozor-situation.h"

/* Enough units that the parsed copy is a large tree, freed in a thread of
 * its own once the situation holds them. */
#define N_UNITS 3000

static char *
cache_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "dozor", "situation.sqlite", NULL);
}

static char *
call_sign (guint i)
{
  return g_strdup_printf ("Беркут-%u", i);
}

/* A copy saved by an earlier run of the board: N_UNITS units with a fix,
 * one incident, as of seq 77. */
static DozorCache *
saved_copy (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = cache_path ();
  g_autoptr(DozorCache) cache = dozor_cache_open (path, &error);
  g_autoptr(GString) text = g_string_new ("{\"as_of_seq\":77,\"units\":[");
  g_autoptr(JsonNode) snapshot = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < N_UNITS; i++)
    {
      g_autofree char *name = call_sign (i);

      g_string_append_printf (text, "%s{\"id\":\"u%u\",\"call_sign\":\"%s\",\"status\":\"available\","
                              "\"position\":{\"lat\":43.%04u,\"lon\":76.9,\"time\":\"2026-12-05T08:00:00.000001Z\"},"
                              "\"version\":1}", i > 0 ? "," : "", i, name, i);
    }
  g_string_append (text, "],\"incidents\":[{\"id\":\"i1\",\"number\":\"20261205-0001\",\"type\":\"theft\","
                         "\"priority\":2,\"status\":\"new\",\"location\":{\"lat\":43.25,\"lon\":76.95},\"version\":1}]}");
  snapshot = json_from_string (text->str, &error);
  g_assert_no_error (error);
  g_assert_true (dozor_cache_save (cache, snapshot, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&cache);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

/* Every unit of the copy, whole: nothing the situation keeps was freed
 * with the parsed text (the test runs with MALLOC_PERTURB_, which fills
 * freed memory). */
static void
assert_units (DozorSituation *situation)
{
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 77);
  g_assert_cmpuint (dozor_situation_get_units (situation)->len, ==, N_UNITS);
  for (guint i = 0; i < N_UNITS; i++)
    {
      g_autofree char *id = g_strdup_printf ("u%u", i);
      g_autofree char *name = call_sign (i);
      DozorUnit *unit = dozor_situation_get_unit (situation, id);

      g_assert_nonnull (unit);
      g_assert_cmpstr (unit->call_sign, ==, name);
      g_assert_cmpstr (unit->status, ==, "available");
      g_assert_true (unit->has_fix);
    }
  g_assert_nonnull (dozor_situation_get_entity (situation, "incident", "i1"));
}

/* The board asks for the copy before its first frame, without running
 * the main loop: once the worker has read it, it is on the situation at
 * once, and the worker's own callback later does not show it again. */
static void
test_show_if_read (void)
{
  g_autoptr(DozorCache) cache = saved_copy ();
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorLocalCopy) copy = dozor_local_copy_new (cache, situation, NULL);
  guint notified = 0;
  gint64 deadline;

  g_signal_connect (copy, "notify::restored", G_CALLBACK (count_cb), &notified);
  dozor_local_copy_restore (copy);

  /* Bounded: 30 s for a worker that reads a few hundred kilobytes. */
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (dozor_local_copy_get_restored (copy) == 0 && g_get_monotonic_time () < deadline)
    {
      dozor_local_copy_show_if_read (copy);
      if (dozor_local_copy_get_restored (copy) == 0)
        g_usleep (5000);
    }
  g_assert_cmpint (dozor_local_copy_get_restored (copy), >, 0);
  g_assert_cmpuint (notified, ==, 1);
  assert_units (situation);

  /* The worker's callback comes now, when the main loop runs. */
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline && g_main_context_iteration (NULL, FALSE))
    ;
  g_usleep (100000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (notified, ==, 1);
  assert_units (situation);
}

/* Asked before the worker can have read it, nothing happens then; the copy
 * is shown when the worker is done, once. */
static void
test_shown_by_worker (void)
{
  g_autoptr(DozorCache) cache = saved_copy ();
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorLocalCopy) copy = dozor_local_copy_new (cache, situation, NULL);
  guint notified = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_signal_connect (copy, "notify::restored", G_CALLBACK (count_cb), &notified);
  dozor_local_copy_restore (copy);
  dozor_local_copy_show_if_read (copy);
  while (dozor_local_copy_get_restored (copy) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (dozor_local_copy_get_restored (copy), >, 0);
  g_assert_cmpuint (notified, ==, 1);
  dozor_local_copy_show_if_read (copy);
  g_assert_cmpuint (notified, ==, 1);
  assert_units (situation);
}

/* The network's situation arrived first: the copy, read later, is not
 * shown over it, whichever way it is asked for. */
static void
test_network_first (void)
{
  g_autoptr(DozorCache) cache = saved_copy ();
  g_autoptr(DozorSituation) situation = dozor_situation_new ();
  g_autoptr(DozorLocalCopy) copy = dozor_local_copy_new (cache, situation, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) network = json_from_string (
    "{\"as_of_seq\":90,\"units\":[{\"id\":\"n1\",\"call_sign\":\"Қыран-1\",\"status\":\"busy\",\"version\":3}]}",
    &error);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  dozor_local_copy_restore (copy);
  g_assert_true (dozor_situation_load_snapshot (situation, network, &error));
  g_assert_no_error (error);

  /* Until the worker's callback has run: it holds the last reference to
   * the task, whose source is the copy. */
  while (G_OBJECT (copy)->ref_count > 1 && g_get_monotonic_time () < deadline)
    {
      dozor_local_copy_show_if_read (copy);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (G_OBJECT (copy)->ref_count, ==, 1);
  dozor_local_copy_show_if_read (copy);

  g_assert_cmpint (dozor_local_copy_get_restored (copy), ==, 0);
  g_assert_cmpint (dozor_situation_get_seq (situation), ==, 90);
  g_assert_cmpuint (dozor_situation_get_units (situation)->len, ==, 1);
  g_assert_nonnull (dozor_situation_get_unit (situation, "n1"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/local-copy/show-if-read", test_show_if_read);
  g_test_add_func ("/local-copy/shown-by-worker", test_shown_by_worker);
  g_test_add_func ("/local-copy/network-first", test_network_first);

  return g_test_run ();
}
