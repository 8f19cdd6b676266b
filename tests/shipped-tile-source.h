/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dozor-tile-source.h"

G_BEGIN_DECLS

DozorTileSource *shipped_tile_source (void);

G_END_DECLS
