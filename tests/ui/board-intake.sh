#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# An operator registers a citizen's report from the keyboard, against a real
# dozord: Ctrl+N opens the intake, Register with nothing filled in lists
# every problem and sends nothing, then the scene, address and type are
# given through the fields' mnemonics (Alt+L, Alt+D, Alt+T) and Register
# (Alt+R) puts exactly that incident on the backend; the map draws it.
set -euo pipefail

dozor=${1:?usage: board-intake.sh PATH-TO-DOZOR}
: "${DOZORD:?}" "${DOZORCTL:?}"

if [ -z "${DISPLAY:-}" ]; then
  echo "board-intake: no X display; run the UI tests under xvfb-run -a" >&2
  exit 1
fi

work=$(mktemp -d)
server= board=
cleanup() {
  [ -n "${DOZOR_TEST_SHOTS:-}" ] && cp "$work"/*.png "$DOZOR_TEST_SHOTS"/ 2>/dev/null
  for pid in "$board" "$server"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export GSETTINGS_BACKEND=memory G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }

fail() {
  echo "board-intake: $*" >&2
  [ -f "$work/board.log" ] && grep -v 'Tile\|tile\|atspi' "$work/board.log" | sed 's/^/  | /' | tail -n 25 >&2
  exit 1
}

# wait_for FILE PATTERN SECONDS
wait_for() {
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no “$2” in ${1##*/} within $3 s"
}

printf 'correct horse battery\n' >"$work/password"
"$DOZORCTL" --db "$work/dozord.sqlite" user add op --role operator --password-file "$work/password" >/dev/null
(umask 077 && printf 'op\ncorrect horse battery\n' >"$work/op.credentials")
"$DOZORD" --db "$work/dozord.sqlite" --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server=$!
wait_for "$work/server.out" "listening on" 30
url=$(sed -n 's/^listening on //p' "$work/server.out")
token=$(curl -sf -X POST "$url/api/v1/session" -d '{"username":"op","password":"correct horse battery"}' | jq -r .token)
incidents() { curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -c '.incidents'; }

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
intake=$(timeout 10 xdotool search --sync --onlyvisible --name '^New Incident$' | head -n 1) || fail "no intake window"
# Xvfb has no window manager to keep it above the board.
xdotool windowmove "$intake" 1110 0 windowraise "$intake" windowfocus --sync "$intake"
sleep 1
ok "Ctrl+N opens the intake"

xdotool key alt+r
wait_for "$work/board.log" "Intake refused: .*Where did it happen" 10
grep -q "Choose what happened" "$work/board.log" || fail "the refusal does not say the type is missing"
[ "$(incidents)" = "[]" ] || fail "something was registered: $(incidents)"
ok "Register with nothing filled in names the scene and the type, and sends nothing"

xdotool key alt+l
xdotool type --delay 20 "43.2389, 76.9453"
xdotool key alt+d
xdotool type --delay 20 "pr. Abaya 10"
# The type list opens on its first entry, "Choose…"; the next is Theft.
xdotool key alt+t
sleep 0.5
xdotool key Down Return
sleep 0.5
xdotool key alt+r
wait_for "$work/board.log" "Command queued: Register Theft at pr. Abaya 10" 10
for _ in $(seq 1 50); do [ "$(incidents)" != "[]" ] && break; sleep 0.1; done
got=$(incidents | jq -c '.[] | {type, address, priority, lat: .location.lat, lon: .location.lon}')
[ "$got" = '{"type":"theft","address":"pr. Abaya 10","priority":3,"lat":43.2389,"lon":76.9453}' ] ||
  fail "the backend has $got"
ok "the keyboard registers exactly that incident: theft at pr. Abaya 10, priority 3, 43.2389, 76.9453"

wait_for "$work/board.log" "Incidents drawn: 1" 10
ok "the map draws it"

echo "1..$n"
