#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# --wall is read-only whatever the role: a board started with a
# supervisor's credentials and --wall does not open the intake (Ctrl+N) or
# take a dispatch (Ctrl+D), while the same supervisor's
# desk board does open the intake. The wall still follows the backend: an
# incident registered elsewhere appears on it.
set -euo pipefail

dozor=${1:?usage: board-wall.sh PATH-TO-DOZOR}
: "${DOZORD:?}" "${DOZORCTL:?}"

if [ -z "${DISPLAY:-}" ]; then
  echo "board-wall: no X display; run the UI tests under xvfb-run -a" >&2
  exit 1
fi

work=$(mktemp -d)
server= board=
cleanup() {
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
  echo "board-wall: $*" >&2
  for log in "$work"/board-*.log; do
    [ -f "$log" ] || continue
    echo "  ${log##*/}:" >&2
    grep -v 'Tile\|tile\|atspi' "$log" | sed 's/^/  | /' | tail -n 25 >&2
  done
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
"$DOZORCTL" --db "$work/dozord.sqlite" user add sup --role supervisor --password-file "$work/password" >/dev/null
(umask 077 && printf 'sup\ncorrect horse battery\n' >"$work/sup.credentials")
"$DOZORD" --db "$work/dozord.sqlite" --listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server=$!
wait_for "$work/server.out" "listening on" 30
url=$(sed -n 's/^listening on //p' "$work/server.out")
token=$(curl -sf -X POST "$url/api/v1/session" -d '{"username":"sup","password":"correct horse battery"}' | jq -r .token)

# start_board NAME [OPTION…]
start_board() {
  local name=$1
  shift
  XDG_CONFIG_HOME=$work/$name/config XDG_CACHE_HOME=$work/$name/cache XDG_DATA_HOME=$work/$name/data \
    "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2385,76.9460 --zoom 14 "$@" \
    >"$work/board-$name.log" 2>&1 &
  board=$!
  wait_for "$work/board-$name.log" "Link state: live" 30
}

stop_board() {
  kill "$board" 2>/dev/null || true
  wait "$board" 2>/dev/null || true
  board=
}

focus_board() {
  local wid
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
  xdotool windowfocus --sync "$wid"
  echo "$wid"
}

# --- The control: a desk board opens the intake ------------------------------
start_board desk
focus_board >/dev/null
sleep 1
xdotool key ctrl+d
wait_for "$work/board-desk.log" "Message: Select a unit and an incident first" 10
xdotool key ctrl+n
wait_for "$work/board-desk.log" "Intake open" 10
ok "a supervisor's desk board answers Ctrl+D and opens the intake on Ctrl+N"
stop_board

# --- The same supervisor on a wall ---------------------------------------------
start_board wall --wall
# Full screen is asked of the window manager, and Xvfb has none: what is
# checked here is what the board itself refuses.
focus_board >/dev/null
sleep 2

xdotool key ctrl+n
sleep 2
! grep -q "Intake open" "$work/board-wall.log" || fail "the wall opened the intake"
xdotool key ctrl+d
sleep 1
! grep -q "Message: Select a unit\|Command queued" "$work/board-wall.log" || fail "the wall took Ctrl+D"
ok "the wall, with a supervisor's credentials, opens no intake and takes no dispatch shortcut"

curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $token" -H "Idempotency-Key: wall-1" \
  -d '{"type":"robbery","priority":1,"address":"пр. Абая, 10","location":{"lat":43.2389,"lon":76.9500}}' >/dev/null
wait_for "$work/board-wall.log" "Incidents drawn: 1" 10
ok "the wall still follows the backend: an incident registered elsewhere is drawn"

echo "1..$n"
