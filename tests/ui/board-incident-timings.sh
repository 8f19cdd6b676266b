#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# An incident's timings on the board (issue 17, item 3: "every incident
# keeps its timings: registered, dispatched, en route, arrived and
# cleared … response times are computed from them, and the board shows
# them"), against a real dozord: a unit is sent, says it is en route,
# stops at the scene and is marked arrived by the server from its fix; an
# operator corrects the time. A supervisor's board then shows, in the
# incident's details, the time en route, the corrected time on scene, the
# response time from registration to it, and who corrected it. (A closed
# incident leaves the live board; its closing time is in its certificate.)
set -euo pipefail

dozor=${1:?usage: board-incident-timings.sh PATH-TO-DOZOR}
test=board-incident-timings
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator sup:supervisor gps:tracker
sup=$(token sup) op=$(token op) gps=$(token gps)
clat=43.2385 clon=76.9460
incident=$(api "$sup" POST incidents "{\"type\":\"robbery\",\"priority\":1,\"location\":{\"lat\":$clat,\"lon\":$clon}}" | jq -r .id)
unit=$(api "$sup" POST units '{"call_sign":"Беркут-1","kind":"car"}' | jq -r .id)
[ -n "$incident" ] && [ "$incident" != null ] && [ -n "$unit" ] && [ "$unit" != null ] || fail "could not make them"
api "$sup" POST dispatches "{\"unit_id\":\"$unit\",\"incident_id\":\"$incident\"}" | jq -e .id >/dev/null ||
  fail "the dispatch was refused"
uversion=$(api "$sup" GET snapshot | jq -r ".units[] | select(.id == \"$unit\") | .version")
curl -sf -X PATCH "$url/api/v1/units/$unit" -H "Authorization: Bearer $sup" -H "If-Match: $uversion" \
  -d '{"status":"en_route"}' >/dev/null || fail "the unit could not say it is en route"
# Stopped 20 m from the scene: the server marks the arrival from the fix.
read -r lat lon < <(place 20 0)
# To the microsecond: a fix dated in the whole second of the dispatch would
# be earlier than it, and no arrival.
now=$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)
api "$gps" POST positions "{\"positions\":[{\"unit_id\":\"$unit\",\"lat\":$lat,\"lon\":$lon,\"time\":\"$now\",\"speed\":0}]}" >/dev/null
for _ in $(seq 1 50); do
  by=$(api "$sup" GET snapshot | jq -r ".incidents[] | select(.id == \"$incident\") | .arrival.by")
  [ "$by" = server ] && break
  sleep 0.2
done
[ "$by" = server ] || fail "the server did not mark the arrival"
version=$(api "$sup" GET snapshot | jq -r ".incidents[] | select(.id == \"$incident\") | .version")
created=$(api "$sup" GET snapshot | jq -r ".incidents[] | select(.id == \"$incident\") | .created_at")
# The operator says the car was there 3 s after the registration.
corrected=$(date -u -d "@$(( $(date -u -d "$created" +%s) + 3 ))" +%Y-%m-%dT%H:%M:%SZ)
curl -sf -X PATCH "$url/api/v1/incidents/$incident" -H "Authorization: Bearer $op" -H "If-Match: $version" \
  -d "{\"on_scene_at\":\"$corrected\"}" >/dev/null || fail "the correction was refused"
response=$(awk -v a="$(date -u -d "$corrected" +%s.%N)" -v b="$(date -u -d "$created" +%s.%N)" 'BEGIN { printf "%d", a - b }')
ok "dispatched, en route, arrived by the server, corrected by op"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Incidents drawn: 1" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
xdotool mousemove 1590 990
sleep 1.5
# The incident's row, by its red priority badge left of the map.
import -window root "$work/screen.png"
read -r x y < <(convert "$work/screen.png" -fuzz 4% -fill black +opaque 'rgb(238,40,56)' -fill white \
  -opaque 'rgb(238,40,56)' -define connected-components:verbose=true -connected-components 8 null: |
  awk '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 { split($3, c, ","); if (c[1] < 100 && c[2] > 120) { printf "%d %d\n", c[1] + 120, c[2]; exit } }') ||
  fail "no incident in the list"
xdotool mousemove "$x" "$y" sleep 0.3 click 1
en_route=$(api "$sup" GET snapshot | jq -r ".incidents[] | select(.id == \"$incident\") | .en_route_at")
[ -n "$en_route" ] && [ "$en_route" != null ] || fail "the incident has no en_route_at"
wait_for "$work/board.log" "Incident timings: [0-9-]*, en route $en_route, on scene ${corrected%Z}.000000Z, response $response s, arrival corrected by op" 15
xdotool mousemove 1590 990
sleep 1
import -window root "$work/incident-timings.png"
ok "the details show en route, the corrected arrival, the response time of $response s and who corrected it"

