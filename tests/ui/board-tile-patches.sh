#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Tiles patched, not redrawn (docs/decisions.md): where a few units move,
# the board draws a tile again only inside the rectangles of the units
# that changed, and writes those into the tile's texture. What a patched
# map shows must be what a map drawn whole shows. Forty-eight cars with
# call signs (zoom 15), a third of them moved in each of four rounds: the
# tiles are patched. Then the trails are switched off and on again (the
# desk's Alt+5), which changes how every unit looks and so draws every
# tile whole: the map must show the very same pixels as before.
set -euo pipefail

dozor=${1:?usage: board-tile-patches.sh PATH-TO-DOZOR}
test=board-tile-patches
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

# GTK's GL renderer, as a desk draws here (on llvmpipe): patches go into
# the textures the board uploads itself.
export GSK_RENDERER=gl
start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)
clat=43.2385 clon=76.9460

# grid ROUND: the cars' fixes after ROUND rounds of moves, into
# $work/positions; in round r the cars i with i % 3 == r % 3 drive 40 m
# east and 25 m north, so that every car has moved by the fourth.
declare -a ids
grid() {
  local i row col north east first=1
  : >"$work/positions"
  for i in $(seq 0 47); do
    row=$((i / 8)) col=$((i % 8))
    north=$((row * 170 - 425)) east=$((col * 170 - 595))
    for r in $(seq 1 "$1"); do
      if [ $((i % 3)) = $((r % 3)) ]; then north=$((north + 25)) east=$((east + 40)); fi
    done
    read -r lat lon < <(place "$north" "$east")
    [ $first = 1 ] || printf ',' >>"$work/positions"
    first=0
    printf '{"unit_id":"%s","lat":%s,"lon":%s,"time":"NOW"}' "${ids[$i]}" "$lat" "$lon" >>"$work/positions"
  done
}
for i in $(seq 0 47); do
  ids[i]=$(api "$sup" POST units "{\"call_sign\":\"П-$i\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  [ -n "${ids[$i]}" ] && [ "${ids[$i]}" != null ] || fail "unit П-$i was not made"
done
grid 0
send_positions

start_map_desk "$clat,$clon" 15
xdotool mousemove 1590 990
wait_for "$work/board.log" "Units drawn: 48" 30
sleep 2

# patches: the tiles patched so far, as the renders count them.
patches() {
  sed -n 's/.*Tiles drawn: .*; patches: \([0-9]*\)$/\1/p' "$work/board.log" | awk '{ s += $1 } END { print s + 0 }'
}
for round in 1 2 3 4; do
  before=$(count "Tiles drawn: ")
  grid "$round"
  send_positions
  wait_count "Tiles drawn: " $((before + 1))
  sleep 1
done
sleep 2
patched=$(patches)
[ "$patched" -gt 0 ] || fail "no tile was patched while a third of the cars moved each round"
textures=$(sed -n 's/.*Tiles uploaded by the board: .*, patched: \([0-9]*\)$/\1/p' "$work/board.log" | tail -n 1)
[ "${textures:-0}" -gt 0 ] || fail "no texture was patched ($patched tiles were drawn as patches)"
ok "$patched tiles drawn as patches over four rounds of moves, $textures textures patched"

# The map, right of the side pane (which ends at x = 417).
import -window root -crop 760x680+430+100 +repage "$work/patched.png"
whole_before=$(count "Tiles drawn: ")
xdotool key alt+5
wait_count "Tiles drawn: " $((whole_before + 1))
sleep 1
whole_before=$(count "Tiles drawn: ")
xdotool key alt+5
wait_count "Tiles drawn: " $((whole_before + 1))
sleep 2
[ "$(patches)" = "$patched" ] || fail "tiles were patched when the trails were switched off and on"
import -window root -crop 760x680+430+100 +repage "$work/whole.png"
# The cars with their trails and call signs are on it at all.
colours=$(convert "$work/whole.png" -format %k info:)
[ "$colours" -gt 100 ] || fail "the map drawn whole shows $colours colours"
# Pixel for pixel, but for the antialiasing of the trails' edges: cairo
# cuts a stroke to a clip's rectangles before it fills it, which moves an
# edge pixel's shade by a level or two of 255. A car left at its old place
# or missing at its new one differs by far more.
differ=$(compare -metric AE -fuzz 3% "$work/patched.png" "$work/whole.png" "$work/differ.png" 2>&1 || true)
[ "${differ%% *}" = 0 ] ||
  fail "the patched map differs from the map drawn whole in $differ pixels (differ.png)"
shades=$(compare -metric AE "$work/patched.png" "$work/whole.png" null: 2>&1 || true)
ok "the patched map is the map drawn whole ($colours colours; ${shades%% *} edge pixels a shade apart)"
echo "1..$n"
