#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The board against a real dozord running the Almaty scenario: it logs in,
# draws every car, says it is live; when the server dies it says it is not,
# and when the server comes back on the same database it is live again with
# the cars still on the map.
set -euo pipefail

dozor=${1:?usage: board-live.sh PATH-TO-DOZOR}
test=board-live
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"
desk=

export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

start_server() {
  "$DOZORD" --db "$work/dozord.sqlite" --listen "$1" --scenario almaty --seed 5 --units 25 \
    >"$work/server.out" 2>"$work/server.err" &
  server=$!
  wait_for "$work/server.out" "listening on" 30
}

printf 'correct horse battery\n' >"$work/password"
"$DOZORCTL" --db "$work/dozord.sqlite" user add sup --role supervisor --password-file "$work/password" >/dev/null
(umask 077 && printf 'sup\ncorrect horse battery\n' >"$work/credentials")

start_server 127.0.0.1:0
url=$(sed -n 's/^listening on //p' "$work/server.out")

"$dozor" --backend "$url" --credentials "$work/credentials" --center 43.25,76.92 --zoom 11 >"$work/board.log" 2>&1 &
board=$!

wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Units drawn: 25" 30
echo "ok 1 - the board went live and drew all 25 cars"

# The cars are on screen in their status colour (available: green).
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
# "Units drawn" comes when the image is ready, a frame before it is shown.
green=0
for _ in $(seq 1 10); do
  sleep 0.5
  import -window "$wid" "$work/live.png"
  green=$(convert "$work/live.png" -fill black +opaque 'rgb(51,209,122)' -fill white -opaque 'rgb(51,209,122)' \
            -format '%[fx:round(mean*w*h)]' info:)
  [ "$green" -gt 100 ] && break
done
[ "$green" -gt 100 ] || fail "only $green pixels of the available colour on screen"
echo "ok 2 - $green pixels of available cars on screen"

kill "$server"
wait "$server" 2>/dev/null || true
server=
wait_for "$work/board.log" "Link state: reconnecting" 20
echo "ok 3 - with the server gone the board says it is not live"

# Counted before the restart: the board may be live again before the
# script has looked.
lines=$(grep -c "Link state: live" "$work/board.log")
: >"$work/server.out"
start_server "${url#http://}"
for _ in $(seq 1 400); do
  [ "$(grep -c "Link state: live" "$work/board.log")" -gt "$lines" ] && break
  sleep 0.1
done
[ "$(grep -c "Link state: live" "$work/board.log")" -gt "$lines" ] || fail "not live again within 40 s of the restart"
echo "ok 4 - live again after the server came back"

# A desk board started without a credentials file asks who is on duty; a
# wrong password is refused and asked again, the right one goes live.
XDG_DATA_HOME=$work/desk "$dozor" --backend "$url" --center 43.25,76.92 --zoom 11 >"$work/desk.log" 2>&1 &
desk=$!
pids+=("$desk")
wait_for "$work/desk.log" "Asking to log in" 30
# focus_login: the (newest) login dialog gets the keyboard.
focus_login() {
  local dialog
  dialog=$(timeout 10 xdotool search --sync --onlyvisible --name '^Log in to ' | tail -n 1) || fail "no login dialog on screen"
  xdotool windowfocus "$dialog" || true
  sleep 0.5
}
focus_login
xdotool type --delay 40 "sup"
sleep 0.3
xdotool key Tab
sleep 0.2
xdotool type --delay 40 "wrong horse"
sleep 0.3
xdotool key Return
wait_for "$work/desk.log" "Asking to log in: The server refused" 20
# Asked again for the same user: only the password.
sleep 1
focus_login
xdotool type --delay 40 "correct horse battery"
sleep 0.3
xdotool key Return
wait_for "$work/desk.log" "Link state: live" 30
kill "$desk"; wait "$desk" 2>/dev/null || true
echo "ok 5 - without a credentials file the board asks; a wrong password is asked again"

# A board started with the backend down opens with the last situation it
# saved, and says it is not live.
wait_for "$work/board.log" "Local copy saved" 30
kill "$board" "$server"
wait "$board" "$server" 2>/dev/null || true
board= server=
"$dozor" --backend "$url" --credentials "$work/credentials" --center 43.25,76.92 --zoom 11 >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Local copy restored" 20
wait_for "$work/board.log" "Units drawn: 25" 20
wait_for "$work/board.log" "Link state: reconnecting" 20
grep -q "Link state: live" "$work/board.log" && fail "live with no backend"
echo "ok 6 - with the backend down the board shows its last saved situation, not live"
echo "1..6"
