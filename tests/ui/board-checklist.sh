#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The SOP checklist of an incident (issue 17, item 5; docs/sop.md): an
# operator selects a robbery on the map, its details show the catalogue's
# "robbery in progress" steps, a click ticks the first; the backend records
# it with who; after dozord and the board both restart, the step is still
# ticked, with who did it.
set -euo pipefail

dozor=${1:?usage: board-checklist.sh PATH-TO-DOZOR}
test=board-checklist
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator sup:supervisor
sup=$(token sup)
incident=$(curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $sup" -H "Idempotency-Key: cl-1" \
  -d '{"type":"robbery","priority":1,"address":"пр. Абая, 10","location":{"lat":43.2385,"lon":76.9460}}' | jq -r .id)
[ -n "$incident" ] && [ "$incident" != null ] || fail "the incident was not made"

start_board() {
  XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
    "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2385,76.9460 --zoom 15 \
    >"$work/$1" 2>&1 &
  board=$!
  pids+=("$board")
  wait_for "$work/$1" "Link state: live" 30
  wait_for "$work/$1" "Incidents drawn: 1" 30
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
  xdotool mousemove 1590 990
  sleep 1.5
}

# select_incident LOG: a click on the incident's row in the list, found by
# its red priority badge left of the map.
select_incident() {
  local x y
  import -window root "$work/screen.png"
  read -r x y < <(convert "$work/screen.png" -fuzz 4% -fill black +opaque 'rgb(238,40,56)' -fill white \
    -opaque 'rgb(238,40,56)' -define connected-components:verbose=true -connected-components 8 null: |
    awk '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 { split($3, c, ","); if (c[1] < 100 && c[2] > 120) { printf "%d %d\n", c[1] + 120, c[2]; exit } }') ||
    fail "no incident in the list"
  xdotool mousemove "$x" "$y" sleep 0.3 click 1
  wait_for "$work/$1" "Checklist: incident [0-9-]*, 1 procedures, 7 steps" 15
}

start_board board.log
select_incident board.log
grep -q "Checklist: incident [0-9-]*, 1 procedures, 7 steps, 0 done" "$work/board.log" ||
  fail "the checklist did not start empty: $(grep 'Checklist: incident' "$work/board.log" | tail -n 1)"
ok "the robbery's details show its procedure, 7 steps, none done"

wait_for "$work/board.log" "Checklist: first step at " 10
read -r bx by < <(grep "Checklist: first step at " "$work/board.log" | tail -n 1 | sed 's/.*first step at //; s/,/ /')
xdotool mousemove "$bx" "$by" sleep 0.3 click 1
wait_for "$work/board.log" "Checklist: ticked robbery-in-progress/ask of incident $incident" 10
recorded=""
for _ in $(seq 1 50); do
  recorded=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
    jq -r --arg i "$incident" '.checklists[] | select(.incident_id == $i and .step_id == "ask") | "\(.done) \(.by)"')
  [ "$recorded" = "true op" ] && break
  sleep 0.2
done
[ "$recorded" = "true op" ] || fail "the backend has “$recorded” for the first step, not ticked by op"
# The pointer away: the pane follows the situation again.
xdotool mousemove 1590 990
wait_for "$work/board.log" "Checklist: incident [0-9-]*, 1 procedures, 7 steps, 1 done" 15
ok "a click ticks the first step; the backend records it as done by op, and the pane shows it"
[ -n "${DOZOR_SHOT:-}" ] && import -window root "$DOZOR_SHOT"

# Both restart: the tick stays.
stop_board
kill "$server"
wait "$server" 2>/dev/null || true
"$DOZORD" --db "$work/dozord.sqlite" --listen "${url#http://}" >"$work/server.out" 2>"$work/server.err" &
server=$!
wait_for "$work/server.out" "listening on" 30
start_board board-again.log
select_incident board-again.log
grep -q "Checklist: incident [0-9-]*, 1 procedures, 7 steps, 1 done" "$work/board-again.log" ||
  fail "after the restarts: $(grep 'Checklist: incident' "$work/board-again.log" | tail -n 1)"
ok "after dozord and the board restart, the step is still ticked"
stop_board
echo "1..$n"
