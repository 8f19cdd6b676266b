#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Labels at the map's edge (docs/wall.md, "The map on a wall"): a unit
# and an incident a few pixels inside the window's right edge, and a unit
# just under its top edge, on a wall and on a desk. Each label must be
# wholly inside the window: the board logs the rectangle it put each one
# in, which must lie inside the window and left of a symbol at the right
# edge, and the screen must show the label's light letters there. On the
# old code a label at the right edge started right of its symbol, off the
# window, and no such line was logged.
set -euo pipefail

dozor=${1:?usage: board-wall-edges.sh PATH-TO-DOZOR}
test=board-wall-edges
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor wall:wall gps:tracker
sup=$(token sup)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data
read -r screen_w screen_h < <(xwininfo -root | awk '/Width:/ { w = $2 } /Height:/ { h = $2 } END { print w, h }')

lat=43.2385 lon=76.9460 zoom=16

# at DX DY: "LAT LON" of the point DX, DY pixels from the view's centre at $zoom.
at() {
  awk -v lat="$lat" -v lon="$lon" -v dx="$1" -v dy="$2" -v z="$zoom" 'BEGIN {
    pi = atan2(0, -1); s = 256 * 2 ^ z; a = lat * pi / 180
    y = (1 - log(sin(a) / cos(a) + 1 / cos(a)) / pi) / 2 + dy / s
    n = pi * (1 - 2 * y); printf "%.7f %.7f\n", atan2(exp(n) - exp(-n), 2) * 180 / pi, lon + dx / s * 360 }'
}

# unit CALLSIGN DX DY: an available unit fixed there now.
positions=
unit() { add_unit "$1" available $(at "$2" "$3"); }

# The wall's map is as wide as the screen: its right edge is half the
# screen's width right of the centre. (Its top, under the legend's strip,
# is found once the wall runs.)
unit EDGE-RIGHT $((screen_w / 2 - 25)) 120
# For the desk, whose map is narrower than the screen: one of these is
# near its right edge, whatever the side pane leaves.
for dx in 180 230 280 330 380 430; do
  unit "DESK-$dx" "$dx" -$((dx - 100))
done
gps=$(token gps)
report_positions &
pids+=($!)
read -r ilat ilon < <(at $((screen_w / 2 - 30)) -150)
api "$sup" POST incidents "{\"type\":\"robbery\",\"priority\":1,\"address\":\"Edge\",\"location\":{\"lat\":$ilat,\"lon\":$ilon}}" |
  jq -e '.id' >/dev/null || fail "the incident was not registered"

# inside LINE: the rectangle of a "kept inside the window" line lies in
# the window; prints "LEFT TOP RIGHT BOTTOM WIDTH HEIGHT".
inside() {
  echo "$1" | sed -E 's/.*: (-?[0-9]+),(-?[0-9]+) to (-?[0-9]+),(-?[0-9]+) in ([0-9]+)x([0-9]+)$/\1 \2 \3 \4 \5 \6/' |
    awk '{ if (NF != 6 || $1 < 0 || $2 < 0 || $3 > $5 || $4 > $6 || $3 <= $1 || $4 <= $2) exit 1; print }' ||
    fail "a label outside its window: $1"
}

# light_in SHOT X0 Y0 X1 Y1: the label's light letters (grey ≥ 230) there.
light_in() {
  convert "$1" -crop "$(($4 - $2))x$(($5 - $3))+$2+$3" +repage -colorspace gray -threshold 90% \
    -format '%[fx:int(mean*w*h+0.5)]' info:
}

# shown_at PREFIX LINE: the letters of a logged label are on screen where
# it says (the map at $ox, $oy of the screen, give or take the window's
# frame of a few pixels), within 5 s (a frame may be on its way).
shown_at() {
  local x0 y0 x1 y1 light=0
  read -r x0 y0 x1 y1 _ < <(inside "$2")
  for _ in $(seq 1 10); do
    import -window root "$work/$1.png"
    light=$(light_in "$work/$1.png" $((x0 + ox - 6 < 0 ? 0 : x0 + ox - 6)) $((y0 + oy - 6 < 0 ? 0 : y0 + oy - 6)) \
              $((x1 + ox + 6)) $((y1 + oy + 6)))
    [ "$light" -ge 25 ] && break
    sleep 0.5
  done
  [ "$light" -ge 25 ] || fail "only $light light pixels where the label should be: $2"
}

# --- The wall ---------------------------------------------------------------------
start_map_wall "distance_m = 2" "center = $lat, $lon" "zoom = $zoom"
wait_for "$work/board.log" "Units drawn: 7" 30
wait_for "$work/board.log" "Call sign EDGE-RIGHT kept inside the window" 20
wait_for "$work/board.log" "Incident label .* kept inside the window" 20
# The map's size, from the line: a unit 8 px under its top edge, fixed once.
map_h=$(grep "Call sign EDGE-RIGHT kept inside" "$work/board.log" | tail -n 1 | sed -E 's/.* in [0-9]+x([0-9]+)$/\1/')
top=$(api "$sup" POST units '{"call_sign":"EDGE-TOP","kind":"car"}' | jq -r .id)
read -r tla tlo < <(at -300 $((8 - map_h / 2)))
api "$(token gps)" POST positions "{\"positions\":[{\"unit_id\":\"$top\",\"lat\":$tla,\"lon\":$tlo,\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)\"}]}" |
  jq -e '.accepted == 1' >/dev/null || fail "EDGE-TOP's fix was refused"
wait_for "$work/board.log" "Call sign EDGE-TOP kept inside the window" 20
# The map on the screen: at the bottom of the full-screen window, under
# the legend's strip, inside the window's frame of 5 px.
ox=5 oy=$((screen_h - 5 - map_h))

line=$(grep "Call sign EDGE-RIGHT kept inside" "$work/board.log" | tail -n 1)
read -r x0 _ x1 _ w _ < <(inside "$line")
# The symbol is 25 px inside the right edge: the label ends left of it.
[ "$x1" -le $((w - 25)) ] || fail "EDGE-RIGHT's label is not left of its symbol: $line"
shown_at wall-right "$line"
ok "wall: the call sign at the right edge is left of its symbol, whole in the window ($(echo "$line" | sed 's/.*window: //'))"

line=$(grep "Call sign EDGE-TOP kept inside" "$work/board.log" | tail -n 1)
shown_at wall-top "$line"
ok "wall: the call sign at the top edge is shifted down, whole in the window ($(echo "$line" | sed 's/.*window: //'))"

line=$(grep "Incident label .* kept inside" "$work/board.log" | tail -n 1)
read -r x0 _ x1 _ w _ < <(inside "$line")
[ "$x1" -le $((w - 30)) ] || fail "the incident's label is not left of its diamond: $line"
shown_at wall-incident "$line"
ok "wall: the incident's label at the right edge is left of its diamond, whole in the window ($(echo "$line" | sed 's/.*window: //'))"
stop_board

# --- A desk -----------------------------------------------------------------------
start_map_desk "$lat,$lon" "$zoom"
# The map laid out anew at the window's new size (the render a moment
# after the view rested), then a label fitted to it.
sleep 1
start=$(wc -l <"$work/board.log")
line=
for _ in $(seq 1 200); do
  line=$(tail -n +"$((start + 1))" "$work/board.log" | grep -a "Call sign DESK-[0-9]* kept inside the window" | tail -n 1 || true)
  [ -n "$line" ] && break
  sleep 0.1
done
[ -n "$line" ] || fail "no call sign kept inside the desk's map within 20 s of its resize"
# Where the map is on the screen: at the window's right and bottom, the
# side pane left of it and the header bar above it.
read -r _ _ _ _ w h < <(inside "$line")
ox=$((1200 - w)) oy=$((800 - h))
shown_at desk-right "$line"
ok "desk: a call sign at the map's right edge is whole in the map ($(echo "$line" | sed 's/.*window: //'))"

stop_board
echo "1..$n"
