#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A patrol route's compliance rules edited on a supervisor's board
# (issue 17; docs/api.md, "Patrol route"), against a real dozord: Ctrl+Alt+U
# opens "Route Rules" with the routes by name and the first one's rules in
# the same form a roster entry's post uses, named for a route; the
# supervisor changes the distance and the allowed absence from the
# keyboard and saves, and dozord then holds those rules on that route, the
# other members and the other route as they were. An operator's board
# does not open the dialog.
set -euo pipefail

dozor=${1:?usage: board-route-rules.sh PATH-TO-DOZOR}
test=board-route-rules
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor op:operator
sup=$(token sup)

clat=43.2385 clon=76.9460
read -r rlat rw < <(place -250 -600)
read -r _ re < <(place -250 600)
line="{\"type\":\"LineString\",\"coordinates\":[[$rw,$rlat],[$re,$rlat]]}"
first=$(api "$sup" POST routes "{\"name\":\"Алмалы-1\",\"geometry\":$line,\"compliance\":{\"gap_s\":240}}" | jq -r .id)
second=$(api "$sup" POST routes "{\"name\":\"Бостандық-2\",\"geometry\":$line}" | jq -r .id)
[ -n "$first" ] && [ "$first" != null ] && [ -n "$second" ] && [ "$second" != null ] || fail "could not make the routes"

rules() { api "$sup" GET snapshot | jq -c ".routes[] | select(.id == \"$1\") | .compliance"; }

start_board() { # USER
  XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
    "$dozor" --backend "$url" --credentials "$work/$1.credentials" --center "$clat,$clon" --zoom 15 \
    >"$work/board.log" 2>&1 &
  board=$!
  wait_for "$work/board.log" "Link state: live" 30
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
  focus_window Dozor >/dev/null
}

start_board sup
xdotool key ctrl+alt+u
wait_for "$work/board.log" "Route rules dialog: 2 routes" 15
wait_for "$work/board.log" "Route rules shown: “Алмалы-1”, 150 m, 120 s away, gap 240 s, 600 s after a dispatch" 5
dialog=$(timeout 10 xdotool search --sync --onlyvisible --name '^Route Rules$' | head -n 1) || fail "no Route Rules dialog"
ok "Ctrl+Alt+U opens Route Rules on the first route by name"

# The distance (Alt+D) and the allowed absence (Alt+A), typed over.
xdotool windowfocus --sync "$dialog"
xdotool key alt+d sleep 0.3 key ctrl+a sleep 0.1 type --delay 80 "75"
xdotool key alt+a sleep 0.3 key ctrl+a sleep 0.1 type --delay 80 "300"
xdotool sleep 0.5
import -window root "$work/route-rules.png"
# Save by its mnemonic: Return in a spin button only takes the number.
xdotool key alt+s
wait_for "$work/board.log" "Command “Route rules of “Алмалы-1”” answered 200" 15
got=$(rules "$first")
[ "$got" = '{"threshold_m":75,"dwell_s":300,"gap_s":240,"exempt_after_s":600}' ] || fail "the first route's rules: $got"
got=$(rules "$second")
[ "$got" = '{"threshold_m":150,"dwell_s":120,"gap_s":180,"exempt_after_s":600}' ] || fail "the second route's rules: $got"
ok "saved: dozord holds 75 m and 300 s on Алмалы-1, its gap kept, Бостандық-2 untouched"

# Opened again, the form shows what dozord now holds (from the route's event).
focus_window Dozor >/dev/null
xdotool key ctrl+alt+u
wait_for "$work/board.log" "Route rules dialog: 2 routes" 15
wait_for "$work/board.log" "Route rules shown: “Алмалы-1”, 75 m, 300 s away, gap 240 s, 600 s after a dispatch" 5
xdotool key Escape
stop_board
ok "opened again, the form shows the rules dozord now holds"

start_board op
xdotool key ctrl+alt+u
sleep 2
[ "$(count "Route rules dialog")" = 0 ] || fail "an operator's board opened the route rules"
ok "an operator's board does not open the route rules"
