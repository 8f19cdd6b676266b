/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * What the tile sources' tests compose from: the world's imagery the
 * project ships (zooms 0–3, scaled up beyond), in the light style, so that
 * a test needs no street tiles and composes quickly.
 */
#include "config.h"

#include "shipped-tile-source.h"

/**
 * shipped_tile_source:
 *
 * Returns: (transfer full): a tile source over data/basemap's world
 *   MBTiles, found through `DOZOR_DATA_DIR`
 */
DozorTileSource *
shipped_tile_source (void)
{
  g_autofree char *world = g_build_filename (g_getenv ("DOZOR_DATA_DIR"), "basemap", "natural-earth-z0-3.mbtiles",
                                             NULL);
  g_autoptr(DozorBasemap) basemap = dozor_basemap_new (world, NULL);

  return dozor_tile_source_new (basemap, DOZOR_MAP_STYLE_LIGHT);
}
