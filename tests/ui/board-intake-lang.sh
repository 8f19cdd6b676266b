#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A call-taker on a Russian board takes a report (issue 20, item 1): Ctrl+N
# opens the intake with the address field focused, so what is typed on a
# Russian keyboard lands there; Escape, or a click on Cancel, on a form with
# something in it asks before discarding, and Return or Space in that
# question keep the report; Discard, chosen on purpose, closes it; a new
# intake is empty and closes at once. Ctrl+Q with a report in the intake
# asks about the report first. The map's scale bar is in Russian (item 5).
# The board then quits (Ctrl+Q) without a Gtk-CRITICAL (item 7).
set -euo pipefail

dozor=${1:?usage: board-intake-lang.sh PATH-TO-DOZOR}
test=board-intake-lang
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator
# The display is shared with the next tests: give it back its Latin keyboard.
layout=
trap '[ -n "$layout" ] && setxkbmap us; cleanup' EXIT
title="Новое происшествие"
shown() { xdotool search --onlyvisible --name "^$title\$" >/dev/null 2>&1; }

LANG=C.UTF-8 LANGUAGE=ru XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2385,76.9460 --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Дозор$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1100 800 windowfocus --sync "$wid"
sleep 1

# The map's scale speaks Russian too (item 5): "200 м", not "200 m".
wait_for "$work/board.log" "Scale bar: [0-9]*${nbsp}к*м$" 10
ok "the scale bar's unit is in Russian"

xdotool key ctrl+n
wait_for "$work/board.log" "Intake open" 10
intake=$(focus_window "$title")
xdotool windowmove "$intake" 1110 0
sleep 1
# A Russian keyboard beside the Latin one, as in the control room; only
# for typing the address, so that the board's shortcuts stay on the Latin keys.
setxkbmap us,ru
layout=ru
xdotool type --delay 30 "проспект Абая 10"
setxkbmap us
layout=
sleep 0.3
xdotool key Escape
wait_for "$work/board.log" "Intake discard asked: address filled" 10
ok "typing right after Ctrl+N lands in the address field, and Escape asks before discarding"

sleep 0.5
xdotool key Return
wait_count "Intake kept" 1
sleep 0.5
shown || fail "the intake closed on Return in the question"
ok "Return in the question keeps the report"

# Cancel is the header bar's first button; Space on the question's focused
# button must keep the report too.
eval "$(xdotool getwindowgeometry --shell "$intake")"
xdotool mousemove $((X + 40)) $((Y + 23)) click 1
wait_count "Intake discard asked" 2
sleep 0.5
xdotool key space
wait_count "Intake kept" 2
sleep 0.5
shown || fail "the intake closed on Space in the question"
ok "Cancel asks too, and Space in the question keeps the report"

focus_window "$title" >/dev/null
xdotool key Escape
wait_count "Intake discard asked" 3
sleep 0.5
xdotool key Tab Return
wait_for "$work/board.log" "Intake discarded" 10
for _ in $(seq 1 50); do shown || break; sleep 0.1; done
shown && fail "the intake stayed open after Discard"
[ "$(count "Intake kept")" -eq 2 ] || fail "Discard was taken as keep"
ok "Discard, chosen on purpose, closes the form"

xdotool windowfocus --sync "$wid"
xdotool key ctrl+n
wait_count "Intake open" 2
focus_window "$title" >/dev/null
xdotool key Escape
for _ in $(seq 1 50); do shown || break; sleep 0.1; done
shown && fail "an empty intake stayed open on Escape"
[ "$(count "Intake discard asked")" -eq 3 ] || fail "an empty intake asked before closing"
ok "a new intake is empty, and closes on Escape without a question"

# Quitting with a report half taken asks about the report, once.
xdotool windowfocus --sync "$wid"
xdotool key ctrl+n
wait_count "Intake open" 3
focus_window "$title" >/dev/null
xdotool type --delay 30 "Abaya 10"
xdotool windowfocus --sync "$wid"
xdotool key ctrl+q
wait_count "Intake discard asked" 4
sleep 1
[ "$(count "Intake discard asked")" -eq 4 ] || fail "Ctrl+Q asked more than once"
kill -0 "$board" 2>/dev/null || fail "the board quit with a report in the intake"
shown || fail "the intake closed on Ctrl+Q"
xdotool key Return
wait_count "Intake kept" 3
ok "Ctrl+Q with a report in the intake asks first, and keeps it"

xdotool windowfocus --sync "$wid"
xdotool key ctrl+q
wait_count "Intake discard asked" 5
sleep 0.5
xdotool key Tab Return
wait_count "Intake discarded" 2
xdotool windowfocus --sync "$wid"
xdotool key ctrl+q
for _ in $(seq 1 100); do kill -0 "$board" 2>/dev/null || break; sleep 0.1; done
kill -0 "$board" 2>/dev/null && fail "the board did not quit on Ctrl+Q"
wait "$board" || true
board=
if grep -q "CRITICAL" "$work/board.log"; then
  fail "quitting logged: $(grep CRITICAL "$work/board.log" | head -n 3)"
fi
ok "the board quits without a CRITICAL"

echo "1..$n"
