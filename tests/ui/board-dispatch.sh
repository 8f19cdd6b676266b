#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drag-to-dispatch as a supervisor does it, against a real dozord on
# loopback: a unit and an incident are made through the API, a real pointer
# drag (xdotool) takes the unit's symbol on the map onto the incident's,
# the confirmation is answered with Return, and the backend must hold
# exactly that dispatch; a second board sees it within a second. Then the
# backend goes away, a dispatch is made offline (it waits in the outbox),
# another supervisor takes that unit meanwhile, and when the link returns
# the first board shows who was faster, instead of dropping the command.
set -euo pipefail

dozor=${1:?usage: board-dispatch.sh PATH-TO-DOZOR}
test=board-dispatch
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"
board_a= board_b=
# Run under tests/pg-run, the same on a PostgreSQL database (issue 19).
db=${DOZOR_TEST_PG_URI:-$work/dozord.sqlite}

start_server() {
  "$DOZORD" --db "$db" --listen "$1" >"$work/server.out" 2>"$work/server.err" &
  server=$!
  wait_for "$work/server.out" "listening on" 30
}

printf 'correct horse battery\n' >"$work/password"
for user in sup:supervisor sup2:supervisor gps:tracker; do
  "$DOZORCTL" --db "$db" user add "${user%%:*}" --role "${user##*:}" \
    --password-file "$work/password" >/dev/null
done
(umask 077 && printf 'sup\ncorrect horse battery\n' >"$work/sup.credentials" &&
  printf 'sup2\ncorrect horse battery\n' >"$work/sup2.credentials")

start_server 127.0.0.1:0
url=$(sed -n 's/^listening on //p' "$work/server.out")

token() {
  curl -sf -X POST "$url/api/v1/session" -d "{\"username\":\"$1\",\"password\":\"correct horse battery\"}" | jq -r .token
}
# api TOKEN METHOD PATH [BODY]
api() {
  curl -s -X "$2" "$url/api/v1/$3" -H "Authorization: Bearer $1" -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" \
    ${4:+-d "$4"}
}
sup=$(token sup) sup2=$(token sup2) gps=$(token gps)

new_unit() {
  api "$sup" POST units "{\"call_sign\":\"$1\",\"kind\":\"car\"}" | jq -r .id
}
new_incident() {
  api "$sup" POST incidents "{\"type\":\"robbery\",\"priority\":1,\"address\":\"$3\",\"location\":{\"lat\":$1,\"lon\":$2}}" | jq -r .id
}
# Fresh fixes for every unit, every second, as trackers would send them.
report_positions() {
  while true; do
    now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
    api "$gps" POST positions "{\"positions\":[
      {\"unit_id\":\"$unit1\",\"lat\":43.2389,\"lon\":76.9400,\"time\":\"$now\"},
      {\"unit_id\":\"$unit2\",\"lat\":43.2370,\"lon\":76.9400,\"time\":\"$now\"}]}" >/dev/null || true
    sleep 1
  done
}

unit1=$(new_unit "Беркут-1")
unit2=$(new_unit "Беркут-2")
incident1=$(new_incident 43.2389 76.9500 "пр. Абая, 10")
incident2=$(new_incident 43.2370 76.9500 "ул. Толе би, 55")
incident3=$(new_incident 43.2410 76.9550 "ул. Панфилова, 98")
[ -n "$unit1" ] && [ -n "$incident1" ] || fail "could not make the unit and incidents"
report_positions &
pids+=("$!")

# start_board NAME USER
start_board() {
  XDG_CONFIG_HOME=$work/$1/config XDG_CACHE_HOME=$work/$1/cache XDG_DATA_HOME=$work/$1/data \
    "$dozor" --backend "$url" --credentials "$work/$2.credentials" --center 43.2385,76.9460 --zoom 15 \
    >"$work/board-$1.log" 2>&1 &
}
start_board a sup
board_a=$!
pids+=("$board_a")
wait_for "$work/board-a.log" "Link state: live" 30
wait_for "$work/board-a.log" "Incidents drawn: 3" 30
wait_for "$work/board-a.log" "Units drawn: 2" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
# The pointer off the window: a tooltip would cover what is looked for.
xdotool mousemove 1590 990
sleep 1.5
ok "the board shows both units and all three incidents"

# blobs COLOUR: the centre of each patch of that colour on screen, one
# "X Y" a line, top first.
blobs() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -fuzz 4% -fill black +opaque "$1" -fill white -opaque "$1" \
    -define connected-components:verbose=true -connected-components 8 null: |
    awk -v left="$map_left" '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 {
        split($3, c, ","); if (c[1] > left) printf "%d %d\n", c[1], c[2] }' |
    sort -n -k2 |
    # A symbol's digit can split its colour in two: patches closer than
    # 12 px are one symbol.
    awk '{ for (i = 0; i < n; i++) if (($1 - x[i]) ^ 2 + ($2 - y[i]) ^ 2 < 144) next; x[n] = $1; y[n] = $2; n++; print }'
}
# The lists on the left use the same colours: only the map counts.
map_left=400

# drag X0 Y0 X1 Y1, the way a hand does it: press, move in steps, release.
drag() {
  # From outside the window first, so that no tooltip covers the start.
  xdotool mousemove 1590 990 sleep 0.6 mousemove "$1" "$2" sleep 0.3 mousedown 1 sleep 0.2
  for step in 1 2 3 4 5 6 7 8; do
    xdotool mousemove $(($1 + ($3 - $1) * step / 8)) $(($2 + ($4 - $2) * step / 8)) sleep 0.08
  done
  xdotool sleep 0.4
  [ -n "${DOZOR_TEST_SHOTS:-}" ] && import -window root "$work/during-drag.png"
  xdotool mouseup 1
}

# Available units are green, priority-1 incidents red. Unit 1 and incident
# 1 are the upper ones of the pair at the same latitude.
blobs 'rgb(51,209,122)' >"$work/units.txt"
blobs 'rgb(238,40,56)' >"$work/incidents.txt"
cat "$work/units.txt" "$work/incidents.txt" | sed 's/^/# /'
[ "$(wc -l <"$work/units.txt")" -eq 2 ] || fail "expected 2 units on screen"
[ "$(wc -l <"$work/incidents.txt")" -eq 3 ] || fail "expected 3 incidents on screen"
read -r ux uy < <(sed -n 1p "$work/units.txt")
read -r ix iy < <(sed -n 2p "$work/incidents.txt")

# A second board, as another supervisor's desk would have.
start_board b sup2
board_b=$!
pids+=("$board_b")
wait_for "$work/board-b.log" "Units drawn: 2" 30
# No window manager: the second window opens over the first; move it aside.
for _ in $(seq 1 50); do
  wid_b=$(xdotool search --onlyvisible --name '^Dozor$' | grep -vx "$wid" | head -n 1) && [ -n "$wid_b" ] && break
  sleep 0.1
done
[ -n "$wid_b" ] || fail "no second window"
xdotool windowmove "$wid_b" 1250 0
sleep 1

drag "$ux" "$uy" "$ix" "$iy"
wait_for "$work/board-a.log" "Dragging unit Беркут-1" 10
wait_for "$work/board-a.log" "Asking to confirm: Dispatch Беркут-1?" 10
ok "dragging Беркут-1 onto the incident asks to confirm"

import -window root "$work/confirm.png"
xdotool key Return
wait_for "$work/board-a.log" "Command “Dispatch Беркут-1 to .*” answered 201" 10
dispatches=$(api "$sup" GET snapshot | jq -c '[.dispatches[] | {unit_id, incident_id, created_by}]')
[ "$dispatches" = "[{\"unit_id\":\"$unit1\",\"incident_id\":\"$incident1\",\"created_by\":\"sup\"}]" ] ||
  fail "the backend holds $dispatches"
ok "the backend holds exactly that dispatch, made by sup"

wait_for "$work/board-b.log" "Dispatch lines drawn: 1" 5
sent=$(grep -m1 "answered 201" "$work/board-a.log" | grep -o '[0-9]*:[0-9]*:[0-9.]*' | head -n 1)
seen=$(grep -m1 "Dispatch lines drawn: 1" "$work/board-b.log" | grep -o '[0-9]*:[0-9]*:[0-9.]*' | head -n 1)
delay=$(echo "$sent $seen" | awk '{ split($1, a, ":"); split($2, b, ":");
  print (b[1] * 3600 + b[2] * 60 + b[3]) - (a[1] * 3600 + a[2] * 60 + a[3]) }')
awk "BEGIN { exit !($delay < 1.0) }" || fail "the second board drew the dispatch ${delay} s after the answer"
ok "the second board drew the dispatch line ${delay} s after the backend answered"

# Offline: the backend is gone; a dispatch made now waits in the outbox.
kill "$server"; wait "$server" 2>/dev/null || true; server=
wait_for "$work/board-a.log" "Link state: reconnecting" 20
read -r ux uy < <(sed -n 2p "$work/units.txt")
read -r ix iy < <(sed -n 3p "$work/incidents.txt")
drag "$ux" "$uy" "$ix" "$iy"
wait_for "$work/board-a.log" "Asking to confirm: Dispatch Беркут-2?" 10
xdotool key Return
wait_for "$work/board-a.log" "Command queued: Dispatch Беркут-2" 10
ok "offline, the dispatch of Беркут-2 waits in the outbox"

# Meanwhile the other supervisor takes Беркут-2. The first board is held
# (as a suspended laptop would be) so that the backend, once back, hears
# the other supervisor first.
kill -STOP "$board_a"
: >"$work/server.out"
start_server "${url#http://}"
sup2=$(token sup2)
api "$sup2" POST dispatches "{\"unit_id\":\"$unit2\",\"incident_id\":\"$incident3\"}" | jq -e .id >/dev/null ||
  { kill -CONT "$board_a"; fail "sup2 could not dispatch Беркут-2"; }
kill -CONT "$board_a"
wait_for "$work/board-a.log" "Command refused (409): Dispatch Беркут-2 to .*: Беркут-2 was already dispatched by sup2 to " 40
import -window root "$work/conflict.png"
count=$(api "$sup" GET snapshot | jq "[.dispatches[] | select(.unit_id == \"$unit2\")] | length")
[ "$count" -eq 1 ] || fail "Беркут-2 has $count dispatches"
ok "on replay the conflict is shown: Беркут-2 was already dispatched by sup2"
echo "1..$n"
