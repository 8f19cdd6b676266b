/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * How long the offline basemap takes: loading the world tiles and streets
 * (part of cold start), and composing tiles at the zooms a control room
 * uses. Prints figures; never fails on time.
 *
 *   bench-basemap [ROUNDS]
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "dozor-basemap.h"
#include "dozor-geo.h"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

int
main (int   argc,
      char *argv[])
{
  const char *data_dir = g_getenv ("DOZOR_DATA_DIR");
  g_autofree char *world = NULL;
  g_autofree char *streets = NULL;
  g_autoptr(DozorBasemap) basemap = NULL;
  g_autoptr(GError) error = NULL;
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : 3;
  static const guint zooms[] = { 3, 8, 11, 13, 15, 17 };
  gint64 start;
  double wx, wy;

  if (data_dir == NULL)
    data_dir = DOZOR_PKGDATADIR;
  world = g_build_filename (data_dir, "basemap", "natural-earth-z0-3.mbtiles", NULL);
  streets = g_build_filename (data_dir, "almaty", "roads.geojson", NULL);

  basemap = dozor_basemap_new (world, streets);
  start = g_get_monotonic_time ();
  if (!dozor_basemap_load (basemap, NULL, &error))
    {
      g_printerr ("bench-basemap: %s\n", error->message);
      return 1;
    }
  printf ("load world tiles + Almaty streets: %.1f ms\n",
          (g_get_monotonic_time () - start) / 1000.0);

  dozor_geo_lon_lat_to_world (76.9453, 43.2389, &wx, &wy);
  printf ("%-6s %-6s %8s %8s %8s %10s\n", "zoom", "style", "tiles", "p50 ms", "p99 ms", "KiB/tile");

  for (guint z = 0; z < G_N_ELEMENTS (zooms); z++)
    for (int style = DOZOR_MAP_STYLE_LIGHT; style <= DOZOR_MAP_STYLE_DARK; style++)
      {
        guint zoom = zooms[z];
        guint n = 1u << zoom;
        guint cx = (guint) (wx * n), cy = (guint) (wy * n);
        /* A screenful of 8×5 tiles around the city centre. */
        guint count = 0;
        g_autofree double *times = g_new (double, 40 * rounds);
        gsize bytes = 0;

        for (guint r = 0; r < rounds; r++)
          for (int dy = -2; dy <= 2; dy++)
            for (int dx = -4; dx <= 3; dx++)
              {
                guint x = (cx + n + dx) % n;
                guint y = (guint) CLAMP ((int) cy + dy, 0, (int) n - 1);
                g_autoptr(GBytes) png = NULL;

                start = g_get_monotonic_time ();
                png = dozor_basemap_render_tile (basemap, zoom, x, y, style, NULL, &error);
                times[count++] = (g_get_monotonic_time () - start) / 1000.0;
                if (png == NULL)
                  {
                    g_printerr ("bench-basemap: %s\n", error->message);
                    return 1;
                  }
                bytes += g_bytes_get_size (png);
              }

        qsort (times, count, sizeof (double), compare_doubles);
        printf ("%-6u %-6s %8u %8.2f %8.2f %10.1f\n", zoom, style == DOZOR_MAP_STYLE_DARK ? "dark" : "light",
                count, times[count / 2], times[MIN (count - 1, (guint) ceil (count * 0.99) - 1)],
                bytes / 1024.0 / count);
      }

  return 0;
}
