#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Control of the forces on a supervisor's board (issue 17, item 6: "a
# roster entry dragged on the map, a deviation highlighted"), against a
# real dozord: a unit dragged onto a plan's post (no proposal open) is put
# on the roster at that post, not dispatched; dragged onto a patrol route,
# its entry moves there; then its tracker drives it off the route for longer than the
# route's dwell time, the server announces a deviation, and the board
# draws the stretch the unit took in the deviation's violet (pixels along
# it, none there before), grows it with the unit's next fixes, counts the
# deviation in the unit's details, and sums the shift in the summary
# window (Ctrl+Alt+V).
set -euo pipefail

dozor=${1:?usage: board-control.sh PATH-TO-DOZOR}
test=board-control
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)

clat=43.2385 clon=76.9460
unit=$(api "$sup" POST units '{"call_sign":"Беркут-1","kind":"car"}' | jq -r .id)
read -r lat lon < <(place 0 0)
positions="{\"unit_id\":\"$unit\",\"lat\":$lat,\"lon\":$lon,\"time\":\"NOW\"}"
report_positions &
reporter=$!
pids+=("$reporter")

# A route 250 m south of the unit, east to west; away is 150 m (the
# default), away for 20 s is a deviation, and no gap under an hour.
read -r rlat rw < <(place -250 -600)
read -r _ re < <(place -250 600)
route=$(api "$sup" POST routes "{\"name\":\"Алмалы-1\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[$rw,$rlat],[$re,$rlat]]},\"compliance\":{\"dwell_s\":20,\"gap_s\":3600}}" | jq -r .id)
[ -n "$unit" ] && [ -n "$route" ] && [ "$route" != null ] || fail "could not make the unit and the route"
# A plan with one post 300 m west of the unit: shown on the map (the only
# plan), no proposal open, so a drop on it is the roster's, not a dispatch.
read -r plat plon < <(place 0 -300)
plan=$(api "$sup" POST plans "{\"name\":\"Площадь\",\"posts\":[{\"name\":\"Пост-1\",\"location\":{\"lat\":$plat,\"lon\":$plon},\"units_needed\":1,\"kind\":null}]}" | jq -r .id)
[ -n "$plan" ] && [ "$plan" != null ] || fail "could not make the plan"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Units drawn: 1" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
# The sidebar's Plans page: the plan's posts are drawn while it shows.
focus_window Dozor >/dev/null
xdotool mousemove 292 75 click 1
wait_for "$work/board.log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=1" 30
xdotool mousemove 1590 990
sleep 2

# The unit, available, is green; right of the side pane.
import -window root "$work/screen.png"
convert "$work/screen.png" -crop 800x800+400+0 +repage -fuzz 4% -fill black +opaque 'rgb(51,209,122)' \
  -fill white -opaque 'rgb(51,209,122)' -define connected-components:verbose=true -connected-components 8 null: |
  awk '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 { split($3, c, ","); printf "%d %d\n", c[1] + 400, c[2] }' |
  head -n 1 >"$work/unit.txt"
read -r ux uy <"$work/unit.txt" || fail "no unit found on screen"
echo "# unit at $ux $uy"

# violet X Y: pixels of the deviation's colour in an 11×11 box at X,Y of
# the last screenshot.
violet() {
  convert "$work/screen.png" -crop 11x11+$(($1 - 5))+$(($2 - 5)) +repage -fuzz 6% -fill black \
    +opaque 'rgb(133,26,224)' -fill white -opaque 'rgb(133,26,224)' -format '%[fx:round(mean*w*h)]' info:
}
# Where place() N E lands on screen: 1 px is 156543 × cos 43.24° / 2^15 =
# 3.48 m at zoom 15.
px() { awk -v u="$ux" -v v="$uy" -v n="$1" -v e="$2" 'BEGIN { printf "%d %d\n", u + e / 3.48, v - n / 3.48 }'; }
# The stretch's first two legs (fixes 20 s to 40 s below), midway.
read -r ax ay < <(px 10 175)
read -r bx by < <(px 110 225)
[ "$(violet "$ax" "$ay")" = 0 ] && [ "$(violet "$bx" "$by")" = 0 ] || fail "violet on the map before any deviation"
ok "the board shows the unit, and nothing violet where it will drive"

# drag X Y: the unit from where it is to X Y, with moves between.
drag() {
  xdotool mousemove 1590 990 sleep 0.6 mousemove "$ux" "$uy" sleep 0.3 mousedown 1 sleep 0.2
  for step in 1 2 3 4 5 6 7 8; do
    xdotool mousemove $((ux + ($1 - ux) * step / 8)) $((uy + ($2 - uy) * step / 8)) sleep 0.08
  done
  xdotool sleep 0.4 mouseup 1
}

# Onto the post, 86 px (300 m) west: the roster puts it there.
drag $((ux - 86)) "$uy"
wait_for "$work/board.log" "Unit dropped on post" 10
wait_for "$work/board.log" "Asking to confirm: Put Беркут-1 on post “Пост-1” on the duty roster?" 10
sleep 1
import -window root "$work/control-post-confirm.png"
xdotool key Return
wait_for "$work/board.log" "Command “Roster: Беркут-1 on post “Пост-1”” answered 201" 10
got=$(api "$sup" GET roster | jq -c '[.entries[] | {route_id, post: .post.name}]')
[ "$got" = '[{"route_id":null,"post":"Пост-1"}]' ] || fail "after the drop on the post the roster holds $got"
[ "$(api "$sup" GET snapshot | jq '[.dispatches[]] | length')" = 0 ] || fail "the drop on the post dispatched"
ok "a unit dropped on a plan's post, no proposal open, is put on the roster at that post, not dispatched"
# Its entry begins 5 s after the drop; the next drop moves that entry.
sleep 6

# Then onto the route, 72 px (250 m) below, and confirm: the entry moves.
ry=$((uy + 72))
drag "$ux" "$ry"
wait_for "$work/board.log" "Asking to confirm: Put Беркут-1 on route “Алмалы-1”?" 10
xdotool key Return
wait_for "$work/board.log" "Command “Roster: Беркут-1 on route “Алмалы-1”” answered 200" 10
kill "$reporter" 2>/dev/null || true
wait "$reporter" 2>/dev/null || true
got=$(api "$sup" GET roster | jq -c "[.entries[] | {unit: (.unit_id == \"$unit\"), route: (.route_id == \"$route\"), post, version}]")
[ "$got" = '[{"unit":true,"route":true,"post":null,"version":2}]' ] || fail "after the drop on the route the roster holds $got"
ok "dragging the unit onto the route and confirming moves its entry there"

# The entry began at the first drop: the drive is in its window. On the
# route for 10 s, then north, away from 20 s on: a deviation at 40 s.
base=$(($(date +%s) + 1))
fix() { # SECONDS NORTH EAST
  local la lo
  read -r la lo < <(place "$2" "$3")
  printf '{"unit_id":"%s","lat":%s,"lon":%s,"time":"%s","speed":8}' "$unit" "$la" "$lo" \
    "$(date -u -d "@$((base + $1))" +%Y-%m-%dT%H:%M:%SZ)"
}
track="$(fix 0 -250 0),$(fix 10 -250 100),$(fix 20 -40 150),$(fix 30 60 200),$(fix 40 160 250),$(fix 50 200 330),$(fix 60 200 420)"
[ "$(api "$gps" POST positions "{\"positions\":[$track]}" | jq -r .accepted)" = 7 ] || fail "the track was refused"
wait_for "$work/board.log" "Deviations drawn: 1, 4 fixes" 30
started=$(api "$sup" GET "units/$unit/deviations" | jq -r '.deviations[0] | "\(.route_id) \(.stretch | length) \(.ended_at)"')
[ "$started" = "$route 3 null" ] || fail "the server's deviation: $started"
ok "driven off the route past the dwell time: the server starts a deviation, the board draws it"

# Two more fixes away: the board's stretch follows the unit.
track="$(fix 70 200 510),$(fix 80 200 600)"
api "$gps" POST positions "{\"positions\":[$track]}" >/dev/null
wait_for "$work/board.log" "Deviations drawn: 1, 6 fixes" 15
xdotool mousemove 1590 990
sleep 2
import -window root "$work/screen.png"
cp "$work/screen.png" "$work/control-deviation.png"
a=$(violet "$ax" "$ay") b=$(violet "$bx" "$by")
echo "# violet pixels along the stretch: $a, $b"
[ "$a" -ge 8 ] && [ "$b" -ge 8 ] || fail "the stretch is not violet on screen ($a and $b pixels)"
ok "the stretch the unit took is violet on screen, and grows with its fixes"

# Its details count the deviation.
read -r cx cy < <(px 200 600)
xdotool mousemove "$cx" "$cy" sleep 0.3 click 1
wait_for "$work/board.log" "Unit details: Беркут-1: 1 deviations, [0-9]* m away, 0 reporting gaps" 15
import -window root "$work/control-details.png"
ok "the unit's details count 1 deviation this shift"

xdotool windowfocus --sync "$wid"
xdotool key ctrl+alt+v
wait_for "$work/board.log" "Deviation summary: 1 units, 1 deviations, 0 reporting gaps" 15
summary=$(timeout 10 xdotool search --sync --onlyvisible --name '^Deviations This Shift$' | head -n 1) ||
  fail "no summary window"
xdotool windowmove "$summary" 560 100
xdotool mousemove 1590 990
sleep 2
import -window root "$work/control-summary.png"
ok "Ctrl+Alt+V sums the shift: 1 unit, 1 deviation, no reporting gap"
