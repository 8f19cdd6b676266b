#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A citizen calls again about an incident already registered (issue 17,
# item 4): with the intake open, the scene typed 70 m from the incident
# lists it as a match; Attach (Alt+A) sends the call through the outbox and
# closes the form. The backend then counts one call on that incident and
# has no second incident. With the backend gone, the intake says matches
# are unavailable instead of showing nothing.
set -euo pipefail

dozor=${1:?usage: board-repeats.sh PATH-TO-DOZOR}
test=board-repeats
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator
token=$(token op)
snapshot() { curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token"; }

curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $token" -H 'Idempotency-Key: first-report' \
  -d '{"type":"robbery","location":{"lat":43.2389,"lon":76.9453},"address":"pr. Abaya 10","caller_phone":"+7 701 123 45 67"}' \
  >/dev/null || fail "the first report was not registered"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2385,76.9460 --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1100 800 windowfocus --sync "$wid"
sleep 1

xdotool key ctrl+n
wait_for "$work/board.log" "Intake open" 10
intake=$(focus_window "New Incident")
xdotool windowmove "$intake" 1110 0
sleep 1

xdotool key alt+l
xdotool type --delay 20 "43.2395, 76.9455"
wait_for "$work/board.log" "Intake matches: 1" 10
ok "the scene 70 m from the open robbery lists it as a match"
sleep 0.5
import -window root "$work/board-repeats.png"

xdotool key alt+h
xdotool type --delay 20 "87011234567"
# The phone asks for matches again and the list is made anew: Alt+A pressed
# before that lands on the old list's button and is lost, so wait for it.
wait_count "Intake matches: 1" 2
sleep 0.3
xdotool key alt+a
wait_for "$work/board.log" "Command queued: Attach the call to Robbery" 10
for _ in $(seq 1 50); do [ "$(snapshot | jq '.incidents[0].calls')" = 1 ] && break; sleep 0.1; done
got=$(snapshot | jq -c '[.incidents[] | {type, calls}]')
[ "$got" = '[{"type":"robbery","calls":1}]' ] || fail "the backend has $got"
ok "Attach counts one call on the incident and registers no second one"

for _ in $(seq 1 30); do
  xdotool search --onlyvisible --name '^New Incident$' >/dev/null 2>&1 || break
  sleep 0.1
done
xdotool search --onlyvisible --name '^New Incident$' >/dev/null 2>&1 && fail "the intake stayed open"
ok "Attach closes the intake"

kill "$server"
wait "$server" 2>/dev/null || true
server=
xdotool windowfocus --sync "$wid"
xdotool key ctrl+n
intake=$(focus_window "New Incident")
xdotool key alt+l
xdotool type --delay 20 "43.2395, 76.9455"
wait_for "$work/board.log" "Intake matches unavailable" 15
ok "without the backend the intake says matches are unavailable"

echo "1..$n"
