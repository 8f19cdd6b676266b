#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Nothing cut short in Russian or Kazakh (issue 20, item 6): with the
# longest incident types in the queue, the board, the intake and the
# Preferences window show every label whole. The board names the labels
# its layout ellipsizes when sent SIGUSR1 ("Cut label in …"). With nothing
# selected, the details pane is a line, not half the sidebar (item 7).
set -euo pipefail

dozor=${1:?usage: board-layout-lang.sh PATH-TO-DOZOR}
test=board-layout-lang
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor
token=$(token sup)
n_post=0
post() {
  n_post=$((n_post + 1))
  curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $token" \
    -H "Idempotency-Key: layout-$n_post" -d "$1" >/dev/null || fail "could not post $1"
}
# The longest types in both languages, and every priority.
post '{"type":"suspicious","priority":2,"location":{"lat":43.2389,"lon":76.9453},"address":"проспект Абая, 10"}'
post '{"type":"public_disorder","priority":1,"location":{"lat":43.2400,"lon":76.9400}}'
post '{"type":"missing_person","priority":4,"location":{"lat":43.2350,"lon":76.9420},"address":"Самал-2, 33"}'
post '{"type":"traffic_accident","priority":3,"location":{"lat":43.2370,"lon":76.9500}}'

# check WHAT: SIGUSR1, then no cut label since the last check.
checks=0
check() {
  checks=$((checks + 1))
  kill -USR1 "$board"
  for _ in $(seq 1 100); do
    [ "$(grep -c "Layout checked" "$work/board.log" || true)" -ge "$checks" ] && break
    sleep 0.1
  done
  [ "$(grep -c "Layout checked" "$work/board.log" || true)" -ge "$checks" ] || fail "no layout check for $1"
  cut=$(grep "Cut label" "$work/board.log" | sed 's/.*Cut label/Cut label/' || true)
  [ -z "$cut" ] || fail "$1 in $lang cuts: $cut"
}

for lang in ru kk; do
  checks=0
  LANG=C.UTF-8 LANGUAGE=$lang XDG_CONFIG_HOME=$work/config-$lang XDG_CACHE_HOME=$work/cache \
    XDG_DATA_HOME=$work/data-$lang \
    "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2385,76.9460 --zoom 15 \
    >"$work/board.log" 2>&1 &
  board=$!
  wait_for "$work/board.log" "Link state: live" 30
  wait_for "$work/board.log" "List count: .*4.*4" 10
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Дозор$' | head -n 1) || fail "no board window"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1600 1000 windowfocus --sync "$wid"
  sleep 2
  check "the board"
  ok "$lang: the queue, the lists' search and choice, and the header show whole"

  if [ "$lang" = ru ]; then
    # With nothing selected the details are one line of hint, not half the sidebar.
    height=$(grep "Details pane: " "$work/board.log" | tail -n 1 | sed 's/.*Details pane: \([0-9]*\) px.*/\1/' || true)
    [ -n "$height" ] && [ "$height" -lt 100 ] || fail "the empty details pane is ${height:-?} px high"
    ok "with nothing selected the details pane takes $height px of the sidebar"
  fi

  xdotool key ctrl+n
  wait_for "$work/board.log" "Intake open" 10
  for w in $(xdotool search --onlyvisible --name '.'); do
    [ "$w" != "$wid" ] && xdotool windowraise "$w" windowmove "$w" 1000 0
  done
  sleep 1.5
  check "the intake"
  ok "$lang: the intake's title, type and priority show whole"

  xdotool key Escape
  xdotool windowfocus --sync "$wid"
  xdotool key ctrl+comma
  sleep 2
  check "Preferences"
  ok "$lang: Preferences show whole"

  stop_board
done

echo "1..$n"
