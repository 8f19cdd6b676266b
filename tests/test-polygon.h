/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A regular polygon as GeoJSON text, for the tests of the crisis area's
 * bound on points: @n_points positions, the last closing the ring.
 */
#pragma once

#include <glib.h>
#include <math.h>

static inline char *
test_polygon_json (guint n_points)
{
  GString *text = g_string_new ("{\"type\":\"Polygon\",\"coordinates\":[[");

  for (guint i = 0; i < n_points; i++)
    {
      double angle = 2 * G_PI * (i % (n_points - 1)) / (n_points - 1);
      char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (lon, sizeof lon, "%.7f", 76.9 + 0.01 * cos (angle));
      g_ascii_formatd (lat, sizeof lat, "%.7f", 43.2 + 0.01 * sin (angle));
      g_string_append_printf (text, "%s[%s,%s]", i > 0 ? "," : "", lon, lat);
    }
  g_string_append (text, "]]}");
  return g_string_free (text, FALSE);
}
