#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The duty roster window at a real shift's size, against a real dozord
# running the Almaty scenario with 350 cars: a supervisor's board is live
# when a roster of 200 entries arrives (one CSV, dozorctl roster import);
# Ctrl+Alt+R opens the roster's window and it shows its first entry within
# 15 s (the board used to stop answering for over a minute); and while the
# 150 other cars report without an entry, the entries fill the window
# (the list of those cars once pushed them off it); and the window's own
# buttons reach the board's actions.
set -euo pipefail

dozor=${1:?usage: board-roster-shift.sh PATH-TO-DOZOR}
test=board-roster-shift
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

dozord_args=(--scenario almaty --seed 3 --units 350)
start_dozord sup:supervisor
sup=$(token sup)

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Roster pane: 0 entries" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1000 800

# The first 200 cars, each on the roster from an hour ago: every entry is
# drawn late, so every row carries the yellow "Drawn late" flag.
from=$(date -u -d '-1 hour' +%Y-%m-%dT%H:00:00Z)
to=$(date -u -d '+11 hour' +%Y-%m-%dT%H:00:00Z)
api "$sup" GET snapshot | jq -r --arg day "${from%%T*}" --arg from "$from" --arg to "$to" '
  "shift_date,from,to,call_sign,crew",
  (.units | sort_by(.call_sign) | .[:200][] | [$day, $from, $to, .call_sign, "Ким/сержант/\(.call_sign)"] | @csv)' \
  >"$work/roster.csv"
[ "$(wc -l <"$work/roster.csv")" = 201 ] || fail "the scenario has fewer than 200 cars"
"$DOZORCTL" roster import "$work/roster.csv" --backend "$url" --credentials "$work/sup.credentials" >/dev/null ||
  fail "the import was refused"
[ "$(api "$sup" GET roster | jq '.entries | length')" = 200 ] || fail "the backend does not hold 200 entries"
ok "the backend holds a roster of 200 entries, imported while the board runs"

# flagged_rows: how many rows of the roster's window (at 1010,0, 560×640)
# show the warning colour of "Drawn late", counted as bands of screen rows.
flagged_rows() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -crop 560x640+1010+0 +repage -fuzz 6% -fill black +opaque '#F8E45C' \
    -fill white -opaque '#F8E45C' -colorspace gray -scale 1x640! -threshold 1% -depth 8 txt:- |
    awk 'NR > 1 { on = ($0 ~ /#FFFFFF|gray\(255\)|white/); if (on && !prev) n++; prev = on } END { print n + 0 }'
}

start=$(date +%s)
xdotool windowfocus --sync "$wid"
xdotool key ctrl+alt+r
roster=$(timeout 15 xdotool search --sync --onlyvisible --name '^Duty Roster$' | head -n 1) ||
  fail "no roster window within 15 s of Ctrl+Alt+R"
# No window manager: the window opens over the board; move it aside.
xdotool windowmove "$roster" 1010 0 windowsize "$roster" 560 640
xdotool mousemove 1590 990
rows=0
while [ "$rows" = 0 ] && [ $(($(date +%s) - start)) -lt 15 ]; do
  sleep 0.5
  rows=$(flagged_rows)
done
[ "$rows" -gt 0 ] || fail "the roster window shows no entry 15 s after Ctrl+Alt+R"
ok "Ctrl+Alt+R opens the roster window; it shows its first entry $(($(date +%s) - start)) s after the press"

# The 150 cars off the roster are flagged by the server; then the window
# still shows a screenful of entries, not a paragraph of call signs.
wait_for "$work/board.log" "Roster pane: 200 entries, 350 flags" 30
sleep 2
rows=$(flagged_rows)
cp "$work/screen.png" "$work/roster-shift.png"
[ "$rows" -ge 6 ] || fail "with 150 cars reporting off the roster the window shows only $rows entries"
ok "with 150 cars reporting off the roster, the window shows $rows entries"

# The window's own buttons reach the board's actions: Alt+I (Import CSV…)
# opens the file chooser.
xdotool windowfocus --sync "$roster"
xdotool key alt+i
timeout 10 xdotool search --sync --onlyvisible --name '^Import the Duty Roster$' >/dev/null ||
  fail "Alt+I in the roster window opened no file chooser"
ok "the roster window's Import CSV… button works (Alt+I opens the file chooser)"
