#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 15, items 3 and 7, against a real dozord: an operator's board shows
# a plan's posts but cannot activate it; a supervisor's desk edits the plan
# and the server has each edit: renamed, a post added where the map is
# right-clicked, that post dragged on the map, a post needing one unit more,
# a post deleted; a proposal confirmed after one of its units was sent
# elsewhere is refused (409) and the board says which unit.
set -euo pipefail

dozor=${1:?usage: board-plans-edit.sh PATH-TO-DOZOR}
test=board-plans-edit
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"
# shellcheck source=plans-test.sh
. "$(dirname "$0")/plans-test.sh"

start_dozord sup:supervisor op:operator gps:tracker
sup=$(token sup)
api() {
  curl -s -X "$2" "$url/api/v1/$3" -H "Authorization: Bearer $1" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${4:+-d "$4"}
}

clat=43.2385 clon=76.9460
plan=$(api "$sup" POST plans '{"name":"Площадь","posts":[
  {"name":"Север","location":{"lat":43.2425,"lon":76.9455},"units_needed":1,"kind":null},
  {"name":"Восток","location":{"lat":43.2385,"lon":76.9530},"units_needed":1,"kind":"car"},
  {"name":"Юг","location":{"lat":43.2345,"lon":76.9440},"units_needed":1,"kind":null}]}' | jq -r .id)
[ -n "$plan" ] && [ "$plan" != null ] || fail "the plan was not made"
plan_json() {
  curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" | jq -c --arg plan "$plan" '.plans[] | select(.id == $plan)'
}
# until_server JQ-EXPRESSION: waits (10 s at most) until the plan on the server satisfies it.
until_server() {
  for _ in $(seq 1 50); do
    [ "$(plan_json | jq "$1")" = true ] && return 0
    sleep 0.2
  done
  fail "the server's plan is not “$1”: $(plan_json)"
}


# --- An operator sees the plan and cannot activate or edit it --------------------------
start_desk op
wait_for "$work/board-op.log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=3" 20
wait_for "$work/board-op.log" "Plan editor: plan $plan v1, rename disabled, posts disabled" 10
xdotool key ctrl+alt+p
sleep 2
! grep -q "Asking for a proposal" "$work/board-op.log" || fail "the operator's board asked for a proposal"
import -window root "$work/plans-operator.png"
ok "an operator's board draws the plan's three posts, and neither activates nor edits it"
stop_board

# --- A supervisor edits it ---------------------------------------------------------------
start_desk sup
log=$work/board-sup.log
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=3" 20
wait_for "$log" "Plan editor: plan $plan v1, rename enabled, posts enabled" 10
sleep 1

import -window root "$work/plans-layout.png"
# Rename…, under the plan list.
xdotool mousemove 181 241 click 1
wait_for "$log" "Renaming plan Площадь" 10
# The dialog is a window of its own; without a window manager, focus it.
dialog=
for _ in $(seq 1 50); do
  dialog=$(xdotool search --onlyvisible --pid "$board" 2>/dev/null | grep -vx "$wid" | head -n 1) && [ -n "$dialog" ] && break
  sleep 0.1
done
[ -n "$dialog" ] || fail "no rename dialog on screen"
xdotool windowfocus --sync "$dialog"
sleep 0.3
xdotool key ctrl+a type "Ploshchad 2"
xdotool key Return
wait_for "$log" "Plan edit sent: Rename plan" 10
until_server '.name == "Ploshchad 2"'
ok "Rename… renames the plan on the server"

# A post added where the map is right-clicked: the map's centre.
ax=$(( (415 + 1200) / 2 )) ay=400
xdotool mousemove "$ax" "$ay" click 3 sleep 0.6
xdotool mousemove $((ax + 60)) $((ay + 57)) sleep 0.3 click 1
wait_for "$log" "Plan edit sent: Add post “Post 4”" 10
until_server '.posts | length == 4'
read -r lat4 lon4 < <(plan_json | jq -r '.posts[] | select(.name == "Post 4") | "\(.location.lat) \(.location.lon)"')
echo "# Post 4 at $lat4 $lon4"
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=4" 10
ok "a right click on the map adds a post there"

# 60 px east at zoom 15 is 60 / (256 · 2^15 / 360) ≈ 0.0026° of longitude.
drag "$ax" "$ay" $((ax + 60)) "$ay"
wait_for "$log" "Plan edit sent: Move post “Post 4”" 10
until_server "[.posts[] | select(.name == \"Post 4\") | .location.lon - $lon4] | .[0] | . > 0.0018 and . < 0.0034"
ok "dragging the post on the map moves it on the server, about 60 px east"

# shown_as_on_server: waits until the board has the server's version of the
# plan: its rows are built again then, and a click must not fall in between.
shown_as_on_server() {
  wait_for "$log" "Plan editor: plan $plan v$(plan_json | jq .version), rename enabled, posts enabled" 10
}

# Север's row, the first: its + and its bin.
shown_as_on_server
import -window root "$work/plans-rows.png"
xdotool mousemove 339 293 click 1
wait_for "$log" "Plan edit sent: Post “Север” needs 2" 10
until_server '.posts[] | select(.name == "Север") | .units_needed == 2'
ok "+ on a post's row makes it need one unit more"
shown_as_on_server
xdotool mousemove 379 293 click 1
wait_for "$log" "Plan edit sent: Delete post “Север”" 10
until_server '[.posts[].name] == ["Восток", "Юг", "Post 4"]'
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=3" 10
xdotool mousemove 1590 990
sleep 1
import -window root "$work/plans-edit.png"
ok "the bin deletes the post; the others keep their ids and order"

# --- A unit taken meanwhile: the activation is refused, and the board says so ---------------
gps_units=
for name in Пост-1 Пост-2 Пост-3; do
  uid=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  gps_units+="${gps_units:+ }$uid"
done
i=0 list=
for uid in $gps_units; do
  list+="${list:+,}{\"unit_id\":\"$uid\",\"lat\":$(awk -v i=$i 'BEGIN { printf "%.4f", 43.2370 + i * 0.001 }'),\"lon\":76.9480,\"speed\":5,\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%S.000Z)\"}"
  i=$((i + 1))
done
curl -sf -X POST "$url/api/v1/positions" -H "Authorization: Bearer $(token gps)" -d "{\"positions\":[$list]}" >/dev/null ||
  fail "the positions were not taken"
shown_as_on_server
focus_window Dozor >/dev/null
xdotool key ctrl+alt+p
wait_for "$log" "Plan proposal: 3 assignments" 20
taken=${gps_units%% *}
read -r lat lon < <(plan_json | jq -r '.posts[0].location | "\(.lat) \(.lon)"')
incident=$(api "$sup" POST incidents "{\"type\":\"robbery\",\"priority\":1,\"location\":{\"lat\":$lat,\"lon\":$lon}}" | jq -r .id)
api "$sup" POST dispatches "{\"unit_id\":\"$taken\",\"incident_id\":\"$incident\"}" | jq -e .id >/dev/null ||
  fail "Пост-1 was not sent to the incident"
xdotool key ctrl+alt+Return
wait_for "$log" "Plan activation refused (409): Not activated: Пост-1 is already on another dispatch" 20
[ "$(plan_json | jq .activation)" = null ] || fail "the plan is active all the same"
sleep 1
import -window root "$work/plans-refused.png"
xdotool key Escape
ok "a proposal whose unit was sent elsewhere meanwhile is refused (409); the board names the unit and the plan stays inactive"

echo "1..$n"
