#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A crowd of units on a wall (docs/wall.md, "Crowds of units"): six
# available cars a few metres apart are drawn as one green disc with their
# count, not six discs on one another; a car en route beside them keeps
# its own orange symbol. Checked in the wall's log and in the pixels.
set -euo pipefail

dozor=${1:?usage: board-wall-crowd.sh PATH-TO-DOZOR}
test=board-wall-crowd
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor wall:wall gps:tracker
sup=$(token sup)
gps=$(token gps)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data
read -r screen_w screen_h < <(xwininfo -root | awk '/Width:/ { w = $2 } /Height:/ { h = $2 } END { print w, h }')
clat=43.2385 clon=76.9460

# unit CALLSIGN STATUS NORTH EAST: a unit of that status fixed there now.
positions=
unit() { add_unit "$1" "$2" $(place "$3" "$4"); }
# Six within 8 m of the centre: a pixel or two apart at zoom 14.
for i in 1 2 3 4 5 6; do
  unit "AV-$i" available $((i % 3 * 4 - 4)) $((i / 3 * 4 - 4))
done
unit EN-1 en_route 0 400
unit FAR-1 available 0 -3000
report_positions &
pids+=($!)

start_map_wall "distance_m = 2" "center = $clat, $clon" "zoom = 14"
wait_for "$work/board.log" "Units drawn: 8" 30
# One group, or two where a cell's edge (the world's grid) runs through
# the crowd.
for _ in $(seq 1 200); do
  grep -Eq "Unit groups drawn: [12], of [56] units" "$work/board.log" && break
  sleep 0.1
done
grep -Eq "Unit groups drawn: [12], of [56] units" "$work/board.log" ||
  fail "the six cars are not counted as a group: $(grep -o 'Unit groups drawn: .*' "$work/board.log" | tail -n 1)"
ok "the six available cars are counted as a group ($(grep -o 'Unit groups drawn: .*' "$work/board.log" | tail -n 1))"

# The map's centre on the screen: under the legend's strip (a row of its
# words, with a margin above and below as wide as the one over it).
wait_for "$work/board.log" "Wall legend main: priorities' words from" 10
read -r ly lh < <(grep "Wall legend main" "$work/board.log" | tail -n 1 |
  sed -E 's/.*from [0-9]+,([0-9]+), [0-9]+ px wide, ([0-9]+) px a row.*/\1 \2/')
cx=$((screen_w / 2)) cy=$(((screen_h + 2 * ly + lh - 10) / 2))

# pixels SHOT COLOUR X Y HALF: pixels of COLOUR (within 8 %) in the square
# of HALF pixels around X, Y.
pixels() {
  convert "$1" -crop "$((2 * $5))x$((2 * $5))+$(($3 - $5))+$(($4 - $5))" +repage -fuzz 8% -fill black \
    +opaque "$2" -fill white -opaque "$2" -format '%[fx:int(mean*w*h+0.5)]' info:
}
green=0 orange=0 dark=0
for _ in $(seq 1 10); do
  import -window root "$work/crowd.png"
  # The group's disc, in the available green, around the centre.
  green=$(pixels "$work/crowd.png" 'rgb(51,209,122)' "$cx" "$cy" 60)
  # The car en route, in its orange, 400 m east (57 px at zoom 14).
  orange=$(pixels "$work/crowd.png" 'rgb(255,120,0)' $((cx + 57)) "$cy" 30)
  [ "$green" -ge 500 ] && [ "$orange" -ge 50 ] && break
  sleep 0.5
done
[ "$green" -ge 500 ] || fail "no group's green disc at the centre ($green green pixels)"
[ "$orange" -ge 50 ] || fail "the car en route is not drawn as itself ($orange orange pixels)"
ok "on screen: the group's disc ($green green pixels) and the car en route as itself ($orange orange pixels)"

stop_board
echo "1..$n"
