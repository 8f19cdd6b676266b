# SPDX-License-Identifier: GPL-3.0-or-later
#
# What the board's UI tests share; sourced, after setting $test to the
# test's name. A scratch directory $work, a real dozord on loopback, and
# TAP lines. Needs DOZORD, DOZORCTL and an X display (xvfb-run -a).

: "${DOZORD:?}" "${DOZORCTL:?}" "${test:?}"
if [ -z "${DISPLAY:-}" ]; then
  echo "$test: no X display; run the UI tests under xvfb-run -a" >&2
  exit 1
fi

work=$(mktemp -d)
server= board=
# More processes of the test's own, stopped with the board and the server.
pids=()
cleanup() {
  # Keep what the board showed, for a person to look at. With none to keep
  # the cp fails, and must not end the cleanup under set -e: the X server,
  # board and dozord would be left running.
  [ -z "${DOZOR_TEST_SHOTS:-}" ] || cp "$work"/*.png "$DOZOR_TEST_SHOTS"/ 2>/dev/null || true
  for pid in "${pids[@]}" "$board" "$server"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export GSETTINGS_BACKEND=memory G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1
n=0
# The no-break space (U+00A0) that holds a number to its unit ("57 s",
# "1.4 km") wherever the boards show one, for patterns.
nbsp=$'\xc2\xa0'
ok() { n=$((n + 1)); echo "ok $n - $*"; }

fail() {
  echo "$test: $*" >&2
  [ -z "${DOZOR_TEST_SHOTS:-}" ] || cp "$work"/board*.log "$DOZOR_TEST_SHOTS"/ 2>/dev/null || true
  for log in "$work"/board*.log; do
    [ -f "$log" ] || continue
    echo "  ${log##*/}:" >&2
    grep -v 'Tile\|tile\|atspi' "$log" | sed 's/^/  | /' | tail -n 25 >&2
  done
  exit 1
}

# count PATTERN: how many lines of board.log match it.
count() { grep -c -- "$1" "$work/board.log" || true; }
# wait_count PATTERN N: until the log holds N lines matching PATTERN.
wait_count() {
  for _ in $(seq 1 100); do
    [ "$(count "$1")" -ge "$2" ] && return 0
    sleep 0.1
  done
  fail "“$1” not $2 times in board.log within 10 s"
}

# wait_for FILE PATTERN SECONDS
wait_for() {
  for _ in $(seq 1 $(($3 * 10))); do
    grep -q -- "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "no “$2” in ${1##*/} within $3 s"
}

# start_dozord USER:ROLE…: the users, each with $work/USER.credentials,
# and dozord on a free port at $url (with the options in the array
# dozord_args, if set).
start_dozord() {
  local user
  printf 'correct horse battery\n' >"$work/password"
  for user in "$@"; do
    "$DOZORCTL" --db "$work/dozord.sqlite" user add "${user%%:*}" --role "${user##*:}" \
      --password-file "$work/password" >/dev/null
    (umask 077 && printf '%s\ncorrect horse battery\n' "${user%%:*}" >"$work/${user%%:*}.credentials")
  done
  # ${dozord_args[@]}: more of dozord's options, such as a scenario.
  "$DOZORD" --db "$work/dozord.sqlite" --listen 127.0.0.1:0 ${dozord_args[@]+"${dozord_args[@]}"} \
    >"$work/server.out" 2>"$work/server.err" &
  server=$!
  wait_for "$work/server.out" "listening on" 30
  url=$(sed -n 's/^listening on //p' "$work/server.out")
}

# token USER
token() {
  curl -sf -X POST "$url/api/v1/session" -d "{\"username\":\"$1\",\"password\":\"correct horse battery\"}" | jq -r .token
}

# api TOKEN METHOD PATH [BODY]: dozord's REST API, with an idempotency key.
api() {
  curl -s -X "$2" "$url/api/v1/$3" -H "Authorization: Bearer $1" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${4:+-d "$4"}
}

# place NORTH EAST: lat lon of a point NORTH EAST metres from $clat,$clon
# (negative: south, west). 1° of latitude is 111,195 m on GEOS's and the
# figures' sphere.
place() {
  awk -v n="$1" -v e="$2" -v la="$clat" -v lo="$clon" 'BEGIN {
    pi = atan2(0, -1); printf "%.7f %.7f\n", la + n / 111195, lo + e / (111195 * cos(la * pi / 180)) }'
}

# square NORTH EAST HALF: a GeoJSON square of HALF metres either side of
# the point place() finds.
square() {
  local s w n e
  read -r s w < <(place "$(($1 - $3))" "$(($2 - $3))")
  read -r n e < <(place "$(($1 + $3))" "$(($2 + $3))")
  echo "{\"type\":\"Polygon\",\"coordinates\":[[[$w,$s],[$e,$s],[$e,$n],[$w,$n],[$w,$s]]]}"
}

# report_positions: $positions (with NOW for the time) sent as tracker
# $gps every 3 s while the test runs (at most 10 min), so that fixes stay
# current; run it in the background and add it to $pids.
report_positions() {
  for _ in $(seq 1 200); do
    kill -0 $$ 2>/dev/null || return 0
    api "$gps" POST positions "{\"positions\":[${positions//NOW/$(date -u +%Y-%m-%dT%H:%M:%S.000Z)}]}" >/dev/null || true
    sleep 3
  done
}

stop_board() {
  kill "$board" 2>/dev/null || true
  wait "$board" 2>/dev/null || true
  board=
}

# focus_window TITLE: raise it (Xvfb has no window manager to) and focus it.
focus_window() {
  local wid
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name "^$1\$" | head -n 1) || fail "no window “$1”"
  xdotool windowraise "$wid" windowfocus --sync "$wid"
  echo "$wid"
}

# start_named_board NAME LINE [OPTION…]: the supervisor's board ($dozor)
# with a home of its own under $work/NAME, over central Almaty at zoom 14,
# logging to $work/board-NAME.log; waits until the log says LINE.
start_named_board() {
  local name=$1 line=$2
  shift 2
  XDG_CONFIG_HOME=$work/$name/config XDG_CACHE_HOME=$work/$name/cache XDG_DATA_HOME=$work/$name/data \
    "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2385,76.9460 --zoom 14 "$@" \
    >"$work/board-$name.log" 2>&1 &
  board=$!
  wait_for "$work/board-$name.log" "$line" 60
}

# start_map_desk LAT,LON ZOOM: the supervisor's board there, with a home
# of its own under $work, live, its window at the screen's corner in
# 1200×800.
start_map_desk() {
  XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
    "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$1" --zoom "$2" \
    >"$work/board.log" 2>&1 &
  board=$!
  wait_for "$work/board.log" "Link state: live" 30
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
}

# start_map_wall KEY=VALUE…: the wall ($dozor) on one monitor, the screen,
# showing the map, its [wall] group the wall user's and these keys; waits
# until it is live.
start_map_wall() {
  {
    printf '[wall]\nbackend = %s\ncredentials = wall.credentials\n' "$url"
    printf '%s\n' "$@"
    printf '\n[monitor main]\nconnector = screen\nindex = 0\nshows = map\n'
  } >"$work/wall.conf"
  "$dozor" --wall --wall-config "$work/wall.conf" >"$work/board.log" 2>&1 &
  board=$!
  wait_for "$work/board.log" "Wall monitor main: window on" 30
  wait_for "$work/board.log" "Link state: live" 30
}

# place NORTH EAST: "LAT LON" of a point NORTH EAST metres from $clat,$clon
# (1° of latitude is 111,195 m on GEOS's and the figures' sphere).
place() {
  awk -v n="$1" -v e="$2" -v la="$clat" -v lo="$clon" 'BEGIN {
    pi = atan2(0, -1); printf "%.7f %.7f\n", la + n / 111195, lo + e / (111195 * cos(la * pi / 180)) }'
}

# report_positions: $positions (fixes with the time "NOW") reported by the
# tracker $gps through the test's api(), every 3 s while the test runs (at
# most 10 min), so that fixes stay current. Run it in the background.
report_positions() {
  for _ in $(seq 1 200); do
    kill -0 $$ 2>/dev/null || return 0
    api "$gps" POST positions "{\"positions\":[${positions//NOW/$(date -u +%Y-%m-%dT%H:%M:%S.000Z)}]}" >/dev/null || true
    sleep 3
  done
}

# add_unit CALLSIGN STATUS LAT LON: a car made by $sup, its fix there (at
# the time "NOW") added to $positions for report_positions.
add_unit() {
  local id
  id=$(api "$sup" POST units "{\"call_sign\":\"$1\",\"kind\":\"car\",\"status\":\"$2\"}" | jq -r .id)
  [ -n "$id" ] && [ "$id" != null ] || fail "unit $1 was not made"
  positions+="${positions:+,}{\"unit_id\":\"$id\",\"lat\":$3,\"lon\":$4,\"time\":\"NOW\"}"
}

# open_certificate TITLE: "Certificate…" in the details clicked until its
# file chooser, whose title matches TITLE, is open; prints the chooser's
# window. The pane is rebuilt every two seconds while the pointer is
# elsewhere, and a button rebuilt between press and release takes no
# click: each try waits for a fresh rebuild, clicks where its button is at
# once, and moves the pointer away again if no chooser came.
open_certificate() {
  local chooser= seen bx by
  # Away from the pane, which is not rebuilt while the pointer is over it.
  xdotool mousemove 1590 990
  for _ in 1 2 3 4 5; do
    seen=$(count "Details: Certificate… at ")
    wait_count "Details: Certificate… at " $((seen + 1))
    read -r bx by < <(grep "Details: Certificate… at " "$work/board.log" | tail -n 1 | sed 's/.*Certificate… at //; s/,/ /')
    xdotool mousemove "$bx" "$by" click 1
    chooser=$(timeout 10 xdotool search --sync --onlyvisible --name "$1" | tail -n 1) && break
    xdotool mousemove 1590 990
  done
  [ -n "$chooser" ] || fail "Certificate… opened no file chooser"
  echo "$chooser"
}

# send_positions: the fixes in $work/positions (JSON objects, comma
# separated, with the time "NOW"), reported now by the tracker $gps; the
# file is read each time, so that a test can move cars by rewriting it.
send_positions() {
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
  api "$gps" POST positions "{\"positions\":[$(sed "s/NOW/$now/g" "$work/positions")]}" >/dev/null || true
}

# report_file: send_positions every 3 s while the test runs (at most
# 10 min). Run it in the background and add it to $pids.
report_file() {
  for _ in $(seq 1 200); do
    kill -0 $$ 2>/dev/null || return 0
    send_positions
    sleep 3
  done
}
