#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The basemap drawn in the units' tiles (DozorBasemapLayer): once the
# basemap is in, the board draws the map from those tiles and the streets
# are there; dragged past the ring of tiles drawn around the view, the map
# shows streets at once where the overlays have no tile yet (libshumate's
# tiles, under them, when they lag), and the overlays' tiles take over
# again when they have caught up.
set -euo pipefail

dozor=${1:?usage: board-map.sh PATH-TO-DOZOR}
test=board-map
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor
start_map_desk 43.2389,76.9453 14
sleep 1
wait_for "$work/board.log" "Basemap drawn in the overlays' tiles" 30
sleep 1

# colours X Y W H: distinct colours in that part of the screen.
colours() {
  import -window root -crop "$3x$4+$1+$2" +repage "$work/crop.png"
  convert "$work/crop.png" -format %k info:
}
# The map is right of the side pane, which ends at x = 417.
streets=$(colours 420 150 700 500)
[ "$streets" -gt 200 ] || fail "the map drawn from the tiles shows $streets colours: no streets"
ok "the map is drawn from the units' tiles, with streets ($streets colours)"

# Drag the map 720 pixels to the right, beyond the ring of 256-pixel tiles
# drawn around the view: the west of the city comes into view on the left, and is looked
# at during the drag, without waiting for anything. The drag starts on the
# map, right of the side pane.
import -window root -crop 500x600+600+100 +repage "$work/before-drag.png"
xdotool mousemove 440 400 mousedown 1
least=
for step in $(seq 1 16); do
  xdotool mousemove $((440 + step * 45)) 400
  if [ $((step % 4)) = 0 ]; then
    seen=$(colours 420 100 100 600)
    [ -z "$least" ] || [ "$seen" -lt "$least" ] && least=$seen
  fi
done
xdotool mouseup 1
[ "$least" -gt 100 ] || fail "during the drag the map's left edge showed $least colours: a hole"
ok "dragged past the tiles, the newly shown part has streets at once (at least $least colours)"

for _ in $(seq 1 100); do
  grep "Basemap drawn" "$work/board.log" | tail -n 1 | grep -q "overlays' tiles" && break
  sleep 0.1
done
grep "Basemap drawn" "$work/board.log" | tail -n 1 | grep -q "overlays' tiles" ||
  fail "the overlays' tiles did not take over again after the drag"
sleep 1
# The drag moved the map: what is now in the middle of the map is not what
# was there (their normalised cross-correlation is ~0.98 for a map that did
# not move, ~0.03 for one dragged 720 px).
import -window root -crop 500x600+600+100 +repage "$work/after-drag.png"
alike=$(compare -metric NCC "$work/before-drag.png" "$work/after-drag.png" null: 2>&1 || true)
awk -v c="$alike" 'BEGIN { exit !(c + 0 < 0.5) }' ||
  fail "the drag did not move the map: before and after correlate by $alike"
after=$(colours 420 100 100 600)
[ "$after" -gt 100 ] || fail "after the drag the tiles show $after colours where the streets are"
ok "the units' tiles take over again, with the streets ($after colours); the map moved (correlation with before: $alike)"
echo "1..$n"
