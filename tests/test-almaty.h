/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The city data the tests share: the shipped Almaty road network. */
#pragma once

#include "dozor-street-map.h"

static inline char *
test_almaty_roads_path (void)
{
  return g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "almaty", "roads.geojson", NULL);
}

static inline DozorStreetMap *
test_load_almaty_streets (void)
{
  g_autofree char *path = test_almaty_roads_path ();
  g_autoptr(GError) error = NULL;
  DozorStreetMap *streets = dozor_street_map_new_from_file (path, NULL, &error);

  g_assert_no_error (error);
  return streets;
}
