/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * GIS import of a large file: how long reading, checking (building the
 * POST /imports body) and exporting take, and how long the main loop is
 * kept from running while a worker reads, which is what the board's
 * import window does. Prints figures; never fails on time.
 *
 *   bench-import [MEGABYTES]     (default 100)
 *
 * The file is a GeoJSON of patrol-route-like lines around Almaty, 1,000
 * positions each, written to a temporary directory and removed after.
 */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <stdlib.h>

#include "dozor-gis-import.h"
#include "dozor-gis-reader.h"
#include "dozor-gis-writer.h"

#define POSITIONS_PER_LINE 1000
#define TICK_MS 10

static char *
write_file (const char *dir,
            guint       megabytes,
            guint      *n_lines)
{
  char *path = g_build_filename (dir, "routes.geojson", NULL);
  FILE *out = g_fopen (path, "w");
  guint64 target = (guint64) megabytes << 20, written = 0;
  GRand *rand = g_rand_new_with_seed (1);

  g_assert_nonnull (out);
  written += fprintf (out, "{\"type\":\"FeatureCollection\",\"features\":[\n");
  for (*n_lines = 0; written < target; (*n_lines)++)
    {
      double lon = 76.85 + g_rand_double (rand) * 0.15, lat = 43.20 + g_rand_double (rand) * 0.10;

      written += fprintf (out, "%s{\"type\":\"Feature\",\"properties\":{\"name\":\"Маршрут %u\",\"unit\":\"Беркут-%u\"},"
                               "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[",
                          *n_lines > 0 ? ",\n" : "", *n_lines + 1, *n_lines % 200 + 1);
      for (guint i = 0; i < POSITIONS_PER_LINE; i++)
        {
          lon += (g_rand_double (rand) - 0.5) * 0.001;
          lat += (g_rand_double (rand) - 0.5) * 0.001;
          written += fprintf (out, "%s[%.7f,%.7f]", i > 0 ? "," : "", lon, lat);
        }
      written += fprintf (out, "]}}");
    }
  fprintf (out, "\n]}\n");
  fclose (out);
  g_rand_free (rand);
  return path;
}

typedef struct
{
  GMainLoop *loop;
  GPtrArray *layers;
  GError *error;
  gint64 last_tick;
  gint64 worst_late;
  GArray *lateness; /* gint64 µs */
  guint progress_reports;
} Run;

static gboolean
tick_cb (gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - run->last_tick - TICK_MS * 1000;

  if (run->last_tick != 0)
    {
      late = MAX (late, 0);
      g_array_append_val (run->lateness, late);
      run->worst_late = MAX (run->worst_late, late);
    }
  run->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
progress_cb (double   fraction,
             gpointer user_data)
{
  ((Run *) user_data)->progress_reports++;
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  run->layers = dozor_gis_read_file_finish (result, &run->error);
  g_main_loop_quit (run->loop);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  guint megabytes = argc > 1 ? (guint) atoi (argv[1]) : 100;
  g_autofree char *dir = g_dir_make_tmp ("dozor-bench-import-XXXXXX", NULL);
  g_autofree char *path = NULL;
  g_autofree char *gpkg = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) layers = NULL;
  g_autofree char *body = NULL;
  DozorGisReadOptions options;
  DozorGisMapping mapping;
  Run run = { 0, };
  GStatBuf buf;
  guint n_lines, n_items;
  guint source;

  path = write_file (dir, megabytes, &n_lines);
  g_stat (path, &buf);
  g_print ("file: %s, %.1f MiB, %u lines of %u positions (%u positions)\n", path, buf.st_size / 1048576.0,
           n_lines, POSITIONS_PER_LINE, n_lines * POSITIONS_PER_LINE);

  dozor_gis_read_options_init (&options);

  /* The board's way: a worker reads while the main loop runs a 10 ms tick. */
  run.loop = g_main_loop_new (NULL, FALSE);
  run.lateness = g_array_new (FALSE, FALSE, sizeof (gint64));
  source = g_timeout_add (TICK_MS, tick_cb, &run);
  g_timer_start (timer);
  dozor_gis_read_file_async (path, &options, progress_cb, &run, NULL, read_cb, &run);
  g_main_loop_run (run.loop);
  g_source_remove (source);
  if (run.layers == NULL)
    {
      g_printerr ("bench-import: %s\n", run.error->message);
      return 1;
    }
  g_array_sort (run.lateness, compare_gint64);
  g_print ("read in a worker: %.2f s; main loop: %u ticks of %d ms, late by p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
           "%u progress reports\n",
           g_timer_elapsed (timer, NULL), run.lateness->len, TICK_MS,
           g_array_index (run.lateness, gint64, run.lateness->len / 2) / 1000.0,
           g_array_index (run.lateness, gint64, run.lateness->len * 99 / 100) / 1000.0,
           run.worst_late / 1000.0, run.progress_reports);
  layers = g_steal_pointer (&run.layers);

  dozor_gis_mapping_init (&mapping, DOZOR_GIS_KIND_ROUTE);
  mapping.name_field = dozor_gis_layer_find_field (g_ptr_array_index (layers, 0), "name");
  mapping.unit_field = dozor_gis_layer_find_field (g_ptr_array_index (layers, 0), "unit");
  g_timer_start (timer);
  body = dozor_gis_import_body (g_ptr_array_index (layers, 0), &mapping, FALSE, &n_items, NULL, &error);
  if (body != NULL)
    g_print ("import body of %u routes: %.2f s, %.1f MiB\n", n_items, g_timer_elapsed (timer, NULL),
             strlen (body) / 1048576.0);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    g_print ("import body: %.2f s, then refused: %s\n", g_timer_elapsed (timer, NULL), error->message);
  else
    {
      g_printerr ("bench-import: %s\n", error->message);
      return 1;
    }
  g_clear_error (&error);

  gpkg = g_build_filename (dir, "routes.gpkg", NULL);
  g_timer_start (timer);
  if (!dozor_gis_write_file (gpkg, layers, NULL, NULL, NULL, &error))
    {
      g_printerr ("bench-import: %s\n", error->message);
      return 1;
    }
  g_stat (gpkg, &buf);
  g_print ("export to GeoPackage: %.2f s, %.1f MiB\n", g_timer_elapsed (timer, NULL), buf.st_size / 1048576.0);

  g_unlink (gpkg);
  g_unlink (path);
  g_rmdir (dir);
  g_array_unref (run.lateness);
  g_main_loop_unref (run.loop);
  return 0;
}
