#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The map on a wall marks what waits or stays too long (docs/wall.md, "The
# map on a wall"), by the default rule: an incident of priority 1 waiting
# 15 minutes with nobody on scene is late (10 allowed), one of priority 4
# waiting as long is not (90 allowed), nor is one a unit has reached; that
# unit, on scene for 70 minutes (60 allowed), is marked. Time is made to
# have passed by moving the records' times back in dozord's database while
# dozord is stopped; then the wall starts. Checked in its log and in the
# pixels: the magenta outline or ring where each marked item is drawn, and
# none where the others are. And call signs, on at the wall's zoom 14
# (a desk shows them from 15), give way to the incidents' labels: the one
# that would cover the accident's label is left out, the other drawn. An
# incident's label that would cover another incident's symbol is left out
# too (the robbery's diamond stays in view).
set -euo pipefail

dozor=${1:?usage: board-wall-marks.sh PATH-TO-DOZOR}
test=board-wall-marks
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord admin:admin wall:wall
token=$(token admin)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# A request's idempotency key from what it asks (called in subshells: no
# counter would survive them).
api() { # METHOD PATH BODY [IF-MATCH]
  curl -sf -X "$1" "$url/api/v1/$2" -H "Authorization: Bearer $token" \
    -H "Idempotency-Key: $(printf '%s %s %s %s' "$@" | md5sum | cut -c1-32)" ${4:+-H "If-Match: $4"} -d "$3"
}

clat=43.2385 clon=76.9460
late_lat=43.2440 late_lon=76.9330     # priority 1, nobody sent
low_lat=43.2440 low_lon=76.9590       # priority 4, nobody sent
scene_lat=43.2330 scene_lon=76.9330   # priority 2, a unit on scene
unit_lat=43.2330 unit_lon=76.9400     # that unit, 560 m east of it

late=$(api POST incidents "{\"type\":\"robbery\",\"priority\":1,\"location\":{\"lat\":$late_lat,\"lon\":$late_lon}}" | jq -r .id)
low=$(api POST incidents "{\"type\":\"theft\",\"priority\":4,\"location\":{\"lat\":$low_lat,\"lon\":$low_lon}}" | jq -r .id)
scene=$(api POST incidents "{\"type\":\"traffic_accident\",\"priority\":2,\"location\":{\"lat\":$scene_lat,\"lon\":$scene_lon}}" | jq -r .id)
unit=$(api POST units '{"call_sign":"HH-1","kind":"car"}' | jq -r .id)
free=$(api POST units '{"call_sign":"HH-2","kind":"car"}' | jq -r .id)
for id in "$late" "$low" "$scene" "$unit" "$free"; do [ -n "$id" ] && [ "$id" != null ] || fail "a record was not made"; done
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
api POST positions "{\"positions\":[{\"unit_id\":\"$unit\",\"lat\":$unit_lat,\"lon\":$unit_lon,\"time\":\"$now\"},
  {\"unit_id\":\"$free\",\"lat\":$clat,\"lon\":$clon,\"time\":\"$now\"}]}" \
  >/dev/null || fail "the fix was refused"
dispatch=$(api POST dispatches "{\"unit_id\":\"$unit\",\"incident_id\":\"$scene\"}" | jq -r .id)
[ -n "$dispatch" ] && [ "$dispatch" != null ] || fail "the unit was not dispatched"
api PATCH "units/$unit" '{"status":"on_scene"}' "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" |
  jq -r --arg id "$unit" '.units[] | select(.id == $id) | .version')" >/dev/null || fail "the unit did not arrive"
api PATCH "incidents/$scene" '{"status":"on_scene"}' "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" |
  jq -r --arg id "$scene" '.incidents[] | select(.id == $id) | .version')" >/dev/null || fail "the incident was not reached"

# Time passes: dozord stopped, the records' times moved back, dozord again
# on the same port.
kill "$server"
wait "$server" 2>/dev/null || true
server=
ago() { date -u -d "$1 minutes ago" +%Y-%m-%dT%H:%M:%S.000000Z; }
sqlite3 "$work/dozord.sqlite" \
  "UPDATE incidents SET created_at = '$(ago 15)' WHERE id IN ('$late', '$low');
   UPDATE incidents SET created_at = '$(ago 80)', dispatched_at = '$(ago 75)', on_scene_at = '$(ago 70)' WHERE id = '$scene';
   UPDATE dispatches SET created_at = '$(ago 75)' WHERE id = '$dispatch';"
: >"$work/server.out"
"$DOZORD" --db "$work/dozord.sqlite" --listen "${url#http://}" >"$work/server.out" 2>"$work/server.err" &
server=$!
wait_for "$work/server.out" "listening on" 30

# Small labels (the nearest seat at 0.5 m): the marks stay apart on screen.
start_map_wall "distance_m = 0.5" "center = $clat, $clon" "zoom = 14"
wait_for "$work/board.log" "Incidents drawn: 3" 30
wait_for "$work/board.log" "Incidents marked late: 1" 10
wait_for "$work/board.log" "Units marked long on scene: 1" 10
! grep -q "Incidents marked late: [2-9]" "$work/board.log" || fail "more than the one late incident marked"
ok "the wall marks one incident late (priority 1 after 15 min) and one unit long on scene (70 min)"

read -r screen_w screen_h < <(xwininfo -root | awk '/Width:/ { w = $2 } /Height:/ { h = $2 } END { print w, h }')
# where LAT LON: the screen pixel of a point, the map centred on the screen
# at zoom 14.
where() {
  awk -v lat="$1" -v lon="$2" -v clat="$clat" -v clon="$clon" -v cx="$((screen_w / 2))" -v cy="$((screen_h / 2))" '
    function wy(a) { a = a * 3.14159265358979 / 180; return (1 - log(sin(a) / cos(a) + 1 / cos(a)) / 3.14159265358979) / 2 }
    BEGIN { s = 256 * 2 ^ 14; printf "%d %d\n", cx + (lon - clon) / 360 * s, cy + (wy(lat) - wy(clat)) * s }'
}
# magenta SHOT LAT LON: pixels of the marks' magenta (255,64,242) within
# 30 px of where the point is drawn.
magenta() {
  local x y
  read -r x y < <(where "$2" "$3")
  convert "$1" -crop "61x61+$((x - 30))+$((y - 30))" +repage -fuzz 12% -fill black +opaque 'rgb(255,64,242)' \
    -fill white -opaque 'rgb(255,64,242)' -format '%[fx:int(mean*w*h+0.5)]' info:
}

marked=0
for _ in $(seq 1 10); do
  sleep 0.5
  import -window root "$work/wall-marks.png"
  marked=$(magenta "$work/wall-marks.png" "$late_lat" "$late_lon")
  [ "$marked" -ge 30 ] && break
done
[ "$marked" -ge 30 ] || fail "no magenta outline around the late incident ($marked pixels)"
ring=$(magenta "$work/wall-marks.png" "$unit_lat" "$unit_lon")
[ "$ring" -ge 20 ] || fail "no magenta ring around the unit long on scene ($ring pixels)"
low_mark=$(magenta "$work/wall-marks.png" "$low_lat" "$low_lon")
scene_mark=$(magenta "$work/wall-marks.png" "$scene_lat" "$scene_lon")
[ "$low_mark" -lt 5 ] || fail "the priority 4 incident, 15 min old, is marked ($low_mark magenta pixels)"
[ "$scene_mark" -lt 5 ] || fail "the incident a unit has reached is marked ($scene_mark magenta pixels)"
ok "on screen: magenta around the late incident ($marked px) and the unit ($ring px), none at the others ($low_mark, $scene_mark)"

# HH-1's call sign would run over "Traffic accident · P2 · 80 min", 560 m
# (80 px) west of it on the same row; HH-2 is alone in the middle.
wait_for "$work/board.log" "Call signs drawn: 1" 10
[ "$(grep -o "Call signs drawn: [0-9]*" "$work/board.log" | tail -n 1)" = "Call signs drawn: 1" ] ||
  fail "not one call sign drawn: $(grep -o "Call signs drawn: [0-9]*" "$work/board.log" | tail -n 1)"
ok "call signs on at zoom 14 on a wall; the one that would cover an incident's label gives way"

# A theft 150 m (about 17 px) west of the late robbery: its label would
# run over the robbery's diamond, so it is left out; the symbol stays.
api POST incidents "{\"type\":\"theft\",\"priority\":3,\"location\":{\"lat\":$late_lat,\"lon\":$(awk -v l="$late_lon" 'BEGIN { printf "%.6f", l - 150 / (111195 * cos(43.244 * atan2(0, -1) / 180)) }')}}" |
  jq -e .id >/dev/null || fail "the theft was refused"
wait_for "$work/board.log" "Incidents drawn: 4" 10
wait_for "$work/board.log" "Incident labels left out for want of room: 1" 10
ok "a fourth incident whose label would cover the late robbery's diamond is drawn without its label"

stop_board
echo "1..$n"
