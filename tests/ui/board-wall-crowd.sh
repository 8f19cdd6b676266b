#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A crowd of units on a wall (docs/wall.md, "Crowds of units"): six
# available cars a few metres apart are drawn as one green disc with their
# count, not six discs on one another; a car en route beside them keeps
# its own orange symbol. Three busy cars among them make one disc with the
# six, cut into a green and a purple sector, not a second disc over the
# first; no two discs the wall logs overlap; and the count's digits are
# drawn: they change when a tenth car joins. Checked in the wall's log and
# in the pixels.
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
for i in 1 2 3; do
  unit "BZ-$i" busy $((i % 3 * 4 - 4)) 0
done
unit EN-1 en_route 0 400
# A second crowd 1.5 km east: another cell, whose disc must not
# cover the first one's.
for i in 1 2 3; do
  unit "NB-$i" available 0 $((1500 + i * 3))
done
others=$positions
unit FAR-1 available 0 -3000
far_id=$(printf '%s' "${positions#"$others,"}" | jq -r .unit_id)
# The fixes are read from a file each round, so that FAR-1 can be moved.
printf '%s' "$positions" >"$work/positions"
report_file &
pids+=($!)

start_map_wall "distance_m = 2" "center = $clat, $clon" "zoom = 14"
wait_for "$work/board.log" "Units drawn: 14" 30
# The crowd is one group, or two where a cell's edge (the world's grid)
# runs through it; the three cars east are one more, or two.
groups="Unit groups drawn: [2-4], of 1[0-2] units"
for _ in $(seq 1 200); do
  grep -Eq "$groups" "$work/board.log" && break
  sleep 0.1
done
grep -Eq "$groups" "$work/board.log" ||
  fail "the crowds are not counted as groups: $(grep -o 'Unit groups drawn: .*' "$work/board.log" | tail -n 1)"
ok "the crowds are counted as groups ($(grep -o 'Unit groups drawn: .*' "$work/board.log" | tail -n 1))"

# discs: the last "Unit group discs" line, as "COUNT X Y R" lines.
discs() {
  grep -a "Unit group discs in" "$work/board.log" | tail -n 1 | sed -E 's/.*px://' | tr ';' '\n' |
    sed -nE 's/^ *([0-9]+) at (-?[0-9]+),(-?[0-9]+) r ([0-9.]+)$/\1 \2 \3 \4/p'
}
wait_for "$work/board.log" "Unit group discs in" 10
[ "$(discs | wc -l)" -ge 2 ] || fail "fewer than two group discs logged: $(grep -a 'Unit group discs in' "$work/board.log" | tail -n 1)"
overlaps=$(discs | awk '{ c[NR] = $1; x[NR] = $2; y[NR] = $3; r[NR] = $4 }
  END { for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++)
          if ((x[i] - x[j]) ^ 2 + (y[i] - y[j]) ^ 2 < (r[i] + r[j]) ^ 2)
            printf "%s at %s,%s and %s at %s,%s; ", c[i], x[i], y[i], c[j], x[j], y[j] }')
[ -z "$overlaps" ] || fail "group discs overlap: $overlaps"
ok "no two of the $(discs | wc -l) group discs overlap ($(grep -a "Unit group discs in" "$work/board.log" | tail -n 1 | sed -E "s/.*discs in //"))"

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

# The map's top left corner on the screen: the window's frame is 5 px,
# and the map is the window's bottom part, under the legend's strip.
read -r map_w map_h < <(grep -a "Unit group discs in" "$work/board.log" | tail -n 1 |
  sed -E 's/.*discs in ([0-9]+)x([0-9]+),.*/\1 \2/')
ox=$(((screen_w - map_w) / 2)) oy=$((screen_h - (screen_w - map_w) / 2 - map_h))
# The crowd's disc: the logged one nearest the crowd's place on screen.
crowd() {
  discs | awk -v x="$((cx - ox))" -v y="$((cy - oy))" '{ d = ($2 - x) ^ 2 + ($3 - y) ^ 2
    if (NR == 1 || d < best) { best = d; line = $0 } } END { print line }'
}
read -r count1 x1 y1 r1 < <(crowd)
# One disc of both colours: the six available and the three busy cars.
half=$(awk -v r="$r1" 'BEGIN { printf "%d", r * 0.6 }')
import -window root "$work/mixed.png"
green=$(pixels "$work/mixed.png" 'rgb(51,209,122)' $((x1 + ox)) $((y1 + oy)) "$half")
purple=$(pixels "$work/mixed.png" 'rgb(191,97,204)' $((x1 + ox)) $((y1 + oy)) "$half")
[ "$green" -ge 20 ] && [ "$purple" -ge 20 ] ||
  fail "the crowd's disc ($count1 at $x1,$y1 r $r1) is not green and purple: $green green, $purple purple pixels"
ok "the crowd's disc of $count1 is cut into green ($green px) and purple ($purple px)"

# digits SHOT X Y HALF: the count's dark ink in the square of HALF pixels
# inside the disc at X, Y (its outline is outside it), as a mask.
digits() {
  convert "$1" -crop "$((2 * $4))x$((2 * $4))+$(($2 + ox - $4))+$(($3 + oy - $4))" +repage \
    -colorspace gray -threshold 25% "$5"
}
digits "$work/mixed.png" "$x1" "$y1" "$half" "$work/digits1.png"
ink1=$(convert "$work/digits1.png" -negate -format '%[fx:int(mean*w*h+0.5)]' info:)
[ "$ink1" -ge 20 ] || fail "no digits in the crowd's disc ($ink1 dark pixels)"

# FAR-1 joins the crowd: its count goes up by one, and so do its digits.
read -r lat lon < <(place 4 0)
printf '%s,{"unit_id":"%s","lat":%s,"lon":%s,"time":"NOW"}' "$others" "$far_id" "$lat" "$lon" >"$work/positions"
send_positions
count2=$count1
for _ in $(seq 1 100); do
  read -r count2 x2 y2 r2 < <(crowd)
  [ "$count2" != "$count1" ] && break
  sleep 0.1
done
[ "$count2" -eq $((count1 + 1)) ] || fail "FAR-1 did not join the crowd's group ($count1, then $count2)"
sleep 1
import -window root "$work/joined.png"
digits "$work/joined.png" "$x2" "$y2" "$half" "$work/digits2.png"
differ=$(compare -metric AE "$work/digits1.png" "$work/digits2.png" null: 2>&1 || true)
[ "${differ%% *}" -ge 20 ] 2>/dev/null ||
  fail "the disc's digits read the same with $count1 and $count2 ($differ pixels differ)"
ok "the disc's digits change from $count1 to $count2 ($differ pixels of ink differ)"

stop_board
echo "1..$n"
