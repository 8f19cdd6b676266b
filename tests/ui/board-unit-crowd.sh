#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A crowd of units on a desk (docs/decisions.md, "Crowds of units on a
# desk"): at zoom 13, twenty available and six busy cars within 60 m of
# one another, more than can lie side by side in one cell of 40 px, are
# one disc with their count of 26, cut into a green and a purple sector;
# a car whose fix is stale among them keeps its own grey symbol and is
# not counted; a lone car elsewhere is drawn as itself. When eleven of the
# available cars drive 3 km north, each alone, the next render counts 15
# cars in the cell, too few for a crowd, and draws every car as itself:
# the moved ones at their new places. Checked in the board's log and in
# the pixels of the map.
set -euo pipefail

dozor=${1:?usage: board-unit-crowd.sh PATH-TO-DOZOR}
test=board-unit-crowd
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup)
gps=$(token gps)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# The centre of the crowd's cell: the cell of 40 px at zoom 13 (the
# world's pixel grid) that holds Almaty's centre, so that no cell edge
# runs through the crowd.
read -r clat clon < <(awk 'BEGIN {
  pi = atan2(0, -1); world = 256 * 2 ^ 13; lat = 43.2385 * pi / 180; lon = 76.9460
  x = (lon + 180) / 360 * world; y = (1 - log(sin(lat) / cos(lat) + 1 / cos(lat)) / pi) / 2 * world
  x = (int(x / 40) + 0.5) * 40; y = (int(y / 40) + 0.5) * 40
  t = pi * (1 - 2 * y / world)
  printf "%.7f %.7f\n", atan2((exp(t) - exp(-t)) / 2, 1) * 180 / pi, x / world * 360 - 180 }')

positions=
for i in $(seq 1 20); do
  read -r lat lon < <(place $((i % 5 * 25 - 50)) $((i / 5 * 25 - 50)))
  add_unit "AV-$i" available "$lat" "$lon"
done
for i in $(seq 1 6); do
  read -r lat lon < <(place $((i * 10 - 30)) 40)
  add_unit "BZ-$i" busy "$lat" "$lon"
done
read -r lat lon < <(place 2000 2500)
add_unit LONE-1 available "$lat" "$lon"
live=$positions
# The stale car: its fix ten minutes old, in the crowd beside its disc.
read -r lat lon < <(place -120 -120)
positions=
add_unit OLD-1 available "$lat" "$lon"
old_fix=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%S.000Z)
api "$gps" POST positions "{\"positions\":[${positions//NOW/$old_fix}]}" >/dev/null
positions=$live
# The live fixes are read from a file each round, so that cars can move.
printf '%s' "$positions" >"$work/positions"
send_positions
report_file &
pids+=($!)

"$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 13 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --class dozor | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
xdotool mousemove 1590 990
wait_for "$work/board.log" "Units drawn: 28" 30
wait_for "$work/board.log" "Unit crowds drawn: 1, of 26 units" 20
ok "the 26 live cars of one cell are one crowd; the stale car and the lone car are not in it"

# blobs COLOUR: the centre and size of each patch of that colour on the
# map (right of the lists, which use the same colours), "X Y PIXELS".
map_left=400
blobs() {
  convert "$1" -fuzz 6% -fill black +opaque "$2" -fill white -opaque "$2" \
    -define connected-components:verbose=true -connected-components 8 null: |
    awk -v left="$map_left" '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 4 {
        split($3, c, ","); if (c[1] > left) printf "%d %d %d\n", c[1], c[2], $4 }'
}
# near X Y FILE: the blobs of FILE within 40 px of X, Y.
near() { awk -v x="$1" -v y="$2" '($1 - x) ^ 2 + ($2 - y) ^ 2 < 1600' "$3"; }

sleep 1.5
import -window root "$work/crowd.png"
blobs "$work/crowd.png" 'rgb(191,97,204)' >"$work/purple"
blobs "$work/crowd.png" 'rgb(51,209,122)' >"$work/green"
[ "$(wc -l <"$work/purple")" -eq 1 ] || fail "not one purple patch on the map: $(tr '\n' ';' <"$work/purple")"
read -r px py _ <"$work/purple"
[ -n "$(near "$px" "$py" "$work/green")" ] || fail "no green beside the purple sector at $px,$py"
# The count's digits are dark ink inside the disc.
ink=$(convert "$work/crowd.png" -crop "12x12+$((px - 6))+$((py - 6))" +repage -colorspace gray -threshold 25% \
  -negate -format '%[fx:int(mean*w*h+0.5)]' info:)
ok "on the map: one disc, green and purple, at $px,$py ($ink dark pixels of digits around its centre)"

# Eleven available cars drive 3 km north, 300 m from one another.
moved=$(jq -c '.' <<<"[$(cat "$work/positions")]")
for i in $(seq 0 10); do
  read -r lat lon < <(place 3000 $((i * 300 - 1500)))
  moved=$(jq -c --argjson i "$i" --argjson lat "$lat" --argjson lon "$lon" '.[$i].lat = $lat | .[$i].lon = $lon' \
    <<<"$moved")
done
jq -c '.[]' <<<"$moved" | paste -sd, >"$work/positions"
send_positions
wait_for "$work/board.log" "Unit crowds drawn: 0, of 0 units" 20
ok "with 15 cars left in the cell there is no crowd: every car is drawn as itself"

# The moved cars, north of the crowd's place: eleven green symbols where
# there was none.
sleep 1.5
import -window root "$work/moved.png"
blobs "$work/moved.png" 'rgb(51,209,122)' >"$work/green2"
north=$(awk -v y="$py" '$2 < y - 100' "$work/green2" | wc -l)
before=$(awk -v y="$py" '$2 < y - 100' "$work/green" | wc -l)
[ "$north" -ge $((before + 8)) ] ||
  fail "the moved cars are not drawn at their new places: $before green patches north before, $north after"
ok "the moved cars are drawn at their new places ($before green patches north of the crowd before, $north after)"

stop_board
echo "1..$n"
