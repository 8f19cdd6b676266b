/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

#include "dozor-tile-source.h"

G_BEGIN_DECLS

#define DOZOR_TYPE_TILE_MAP_SOURCE (dozor_tile_map_source_get_type ())
G_DECLARE_FINAL_TYPE (DozorTileMapSource, dozor_tile_map_source, DOZOR, TILE_MAP_SOURCE, ShumateMapSource)

DozorTileMapSource *dozor_tile_map_source_new (DozorTileSource *tiles,
                                               const char      *id,
                                               const char      *name);
void                dozor_tile_map_source_release_textures (DozorTileMapSource *self);

G_END_DECLS
