#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The duty roster on a supervisor's board (issue 17, item 1), against a
# real dozord: a unit dragged on the map onto a patrol route asks to
# confirm, then the backend holds a roster entry putting that unit on that
# route for the shift, the route judges that unit, and the roster pane
# (Ctrl+Alt+R, a window of its own) lists the entry; another unit that reports without an entry
# is flagged by the server and named in the pane.
set -euo pipefail

dozor=${1:?usage: board-roster.sh PATH-TO-DOZOR}
test=board-roster
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)

clat=43.2385 clon=76.9460
unit1=$(api "$sup" POST units '{"call_sign":"Беркут-1","kind":"car"}' | jq -r .id)
unit2=$(api "$sup" POST units '{"call_sign":"Беркут-2","kind":"car"}' | jq -r .id)
read -r lat1 lon1 < <(place 0 0)
read -r lat2 lon2 < <(place 0 -900)
positions="{\"unit_id\":\"$unit1\",\"lat\":$lat1,\"lon\":$lon1,\"time\":\"NOW\"},{\"unit_id\":\"$unit2\",\"lat\":$lat2,\"lon\":$lon2,\"time\":\"NOW\"}"
report_positions &
pids+=("$!")

# A route 250 m south of Беркут-1, running east to west.
read -r rlat rw < <(place -250 -600)
read -r _ re < <(place -250 600)
route=$(api "$sup" POST routes "{\"name\":\"Алмалы-1\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[$rw,$rlat],[$re,$rlat]]}}" | jq -r .id)
[ -n "$unit1" ] && [ -n "$route" ] && [ "$route" != null ] || fail "could not make the units and the route"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Units drawn: 2" 30
wait_for "$work/board.log" "Roster pane: 0 entries, 0 flags" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
xdotool mousemove 1590 990
sleep 2
ok "the board shows both units and an empty roster"

# Available units are green; Беркут-1 is the one on the right (east).
import -window root "$work/screen.png"
convert "$work/screen.png" -crop 800x800+400+0 +repage -fuzz 4% -fill black +opaque 'rgb(51,209,122)' \
  -fill white -opaque 'rgb(51,209,122)' -define connected-components:verbose=true -connected-components 8 null: |
  awk '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 { split($3, c, ","); printf "%d %d\n", c[1] + 400, c[2] }' |
  sort -n -k1 | awk '{ for (i = 0; i < n; i++) if (($1 - x[i]) ^ 2 + ($2 - y[i]) ^ 2 < 144) next; x[n] = $1; y[n] = $2; n++; print }' \
  >"$work/units.txt"
sed 's/^/# unit at /' "$work/units.txt"
[ "$(wc -l <"$work/units.txt")" -ge 1 ] || fail "no unit found on screen"
read -r ux uy < <(tail -n 1 "$work/units.txt")
# 250 m south at zoom 15 in Almaty: 1 px is 156543 × cos 43.24° / 2^15 = 3.48 m.
ry=$((uy + 72))

xdotool mousemove 1590 990 sleep 0.6 mousemove "$ux" "$uy" sleep 0.3 mousedown 1 sleep 0.2
for step in 1 2 3 4 5 6 7 8; do
  xdotool mousemove "$ux" $((uy + (ry - uy) * step / 8)) sleep 0.08
done
xdotool sleep 0.4
[ -n "${DOZOR_TEST_SHOTS:-}" ] && import -window root "$work/roster-drag.png"
xdotool mouseup 1
wait_for "$work/board.log" "Dragging unit Беркут-1" 10
wait_for "$work/board.log" "Unit dropped on route $route" 10
wait_for "$work/board.log" "Asking to confirm: Put Беркут-1 on route “Алмалы-1”?" 10
[ "$(api "$sup" GET roster | jq '.entries | length')" = 0 ] || fail "the roster changed before the confirmation"
ok "dragging Беркут-1 onto the route asks to confirm, and changes nothing yet"

import -window root "$work/roster-confirm.png"
xdotool key Return
wait_for "$work/board.log" "Command “Roster: Беркут-1 on route “Алмалы-1”” answered 201" 10
got=$(api "$sup" GET roster | jq -c '[.entries[] | {unit_id, route_id, created_by, drawn_late, hours: (((.to | fromdate) - (.from | fromdate)) / 3600)}]')
[ "$got" = "[{\"unit_id\":\"$unit1\",\"route_id\":\"$route\",\"created_by\":\"sup\",\"drawn_late\":false,\"hours\":12}]" ] ||
  fail "the backend holds $got"
ok "the backend holds one roster entry: Беркут-1 on Алмалы-1 for 12 hours, drawn by sup, on time"

[ "$(api "$sup" GET snapshot | jq -r ".routes[] | select(.id == \"$route\") | .unit_id")" = "$unit1" ] ||
  fail "the route does not judge Беркут-1"
ok "the route now judges Беркут-1"

# Беркут-2 reports and is on no entry: the server flags it, the pane names it.
wait_for "$work/board.log" "Roster pane: 1 entries, 1 flags" 15
# Forces and means on the map: Беркут-1 is 250 m from its route, so a line
# joins it to the route; Беркут-2 is ringed as off the roster.
wait_for "$work/board.log" "Roster drawn: 1 off their post or route, 1 flagged" 15
ok "the map draws Беркут-1 off its route and rings Беркут-2"

xdotool windowfocus --sync "$wid"
xdotool key ctrl+alt+r
wait_for "$work/board.log" "Roster pane shown" 10
# No window manager: the roster's window opens over the board; move it aside.
roster=$(timeout 10 xdotool search --sync --onlyvisible --name '^Duty Roster$' | head -n 1) || fail "no roster window"
xdotool windowmove "$roster" 1010 0
xdotool mousemove 1590 990
sleep 3
import -window root "$work/roster-pane.png"
ok "Ctrl+Alt+R shows the pane: the entry, and the server's flag for Беркут-2 reporting off the roster"
