#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 14, item 6: a board started from its local copy with the backend
# down. It draws the copy's units, before the areas under them, starting
# before the window is first laid out; what is
# not on the first screen waits for the first frame: the crisis pane (on
# the Forces tab, which nobody sees at start) counts its figures and
# builds the road graph only after it, and still counts them; the
# shortcuts window is made when Ctrl+? asks for it, not before the first
# frame.
set -euo pipefail

dozor=${1:?usage: board-cold-start.sh PATH-TO-DOZOR SOURCE-ROOT}
test=board-cold-start
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

dozord_args=(--scenario almaty --seed 3 --units 300)
start_dozord sup:supervisor

start_board() {
  XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
    "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2389,76.9453 --zoom 12 \
    >"$work/board.log" 2>&1 &
  board=$!
}

# Live once, until the board has saved its copy (every 10 s while live).
start_board
wait_for "$work/board.log" "Local copy saved" 60
stop_board
kill "$server"
wait "$server" 2>/dev/null || true
server=

start_board
wait_for "$work/board.log" "Units drawn: [1-9]" 60
grep -q "Local copy restored" "$work/board.log" || fail "the copy was not restored"
grep -q "Link state: live" "$work/board.log" && fail "the board went live with no backend"
ok "with the backend down, the copy's units are drawn ($(grep -m1 -o 'Units drawn: [0-9]*' "$work/board.log"))"

# The first image is of the units in view alone: the areas (stroked per
# tile) and the ring around the view come in the next render, and the map
# is then whole, the basemap drawn in the same tiles (docs/performance.md,
# "coldfirst").
first_tiles=$(grep -m1 -o "Tiles drawn: .*" "$work/board.log")
case $first_tiles in
  *"steady tiles drawn: 0, "*) ;;
  *) fail "the units' first image waited for the areas: $first_tiles" ;;
esac
wait_for "$work/board.log" "Basemap drawn in the overlays' tiles" 60
steady=$(sed -n "s/.*Tiles drawn: .*steady tiles drawn: \([0-9]*\), .*/\1/p" "$work/board.log" | awk '{ s += $1 } END { print s + 0 }')
[ "$steady" -gt 0 ] || fail "the areas were never drawn under the units"
ok "the units came first ($first_tiles), the areas and the basemap after ($steady steady tiles)"

# line PATTERN: the number of the first line of board.log that matches.
line() { grep -n -m1 -- "$1" "$work/board.log" | cut -d: -f1; }
wait_for "$work/board.log" "Crisis figures and coverage computed" 60
wait_for "$work/board.log" "Road graph built" 60
first=$(line "First frame")
[ -n "$first" ] || fail "no first frame in the log"
# The units' first render starts before GTK realizes and lays the window
# out, from its default size, so that the worker draws them while GTK
# sets the window up (docs/performance.md, "early").
early=$(line "Render started before the window's first layout")
[ -n "$early" ] && [ "$early" -lt "$first" ] ||
  fail "the units' render did not start before the first frame (line ${early:-none}, first frame $first)"
ok "the units' first render started before the window was first laid out: $(grep -m1 -o "Render started before.*" "$work/board.log")"
for what in "Crisis pane follows the situation" "Crisis figures and coverage computed" "Road graph built"; do
  at=$(line "$what")
  [ -n "$at" ] && [ "$at" -gt "$first" ] || fail "“$what” at line ${at:-none}, not after the first frame (line $first)"
done
grep -q "Crisis figures and coverage computed in [0-9.]* ms (copied in [0-9.]* ms on the main thread): 300 units" \
  "$work/board.log" || fail "the crisis pane did not count the copy's 300 units: $(grep 'Crisis figures' "$work/board.log")"
ok "the crisis pane follows the situation from the first frame on, and counts the copy's 300 units"

[ "$(count "Keyboard shortcuts shown")" -eq 0 ] || fail "the shortcuts window was shown unasked"
focus_window Dozor >/dev/null
windows() { xdotool search --onlyvisible --pid "$board" | sort; }
before=$(windows)
xdotool key ctrl+shift+slash
wait_for "$work/board.log" "Keyboard shortcuts shown" 15
# The shortcuts window has no title to search for: a window that was not
# there before, once mapped (a tooltip shown before may go meanwhile, so
# not a count).
shown=
for _ in $(seq 1 150); do
  shown=$(comm -13 <(printf '%s\n' "$before") <(windows) | grep . || true)
  [ -n "$shown" ] && break
  sleep 0.1
done
[ -n "$shown" ] || fail "Ctrl+? shows no shortcuts window (visible: $(windows | tr '\n' ' '); before: $(tr '\n' ' ' <<<"$before"))"
import -window root "$work/board-cold-start.png"
xdotool key Escape
focus_window Dozor >/dev/null
xdotool key ctrl+shift+slash
wait_count "Keyboard shortcuts shown" 2
ok "Ctrl+? makes the shortcuts window when asked, and shows it again"

echo "1..$n"
