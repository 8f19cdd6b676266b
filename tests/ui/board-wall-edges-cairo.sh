#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# board-wall-edges.sh with GTK's cairo renderer, which draws the map's
# tiles by a path of its own (cairo nodes, app/map/dozor-raster-layer.c,
# tile_node()): at the zoom of that test (17) the map stayed empty there
# when a tile's node lay at its world coordinates.
set -euo pipefail
export GSK_RENDERER=cairo
exec "$(dirname "$0")/board-wall-edges.sh" "$@"
