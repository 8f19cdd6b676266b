#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The crisis log on the desk (issue 15, item 6), against a real dozord: a
# supervisor's board opens on a raised level, reads the episode from the
# journal, follows a dispatch live, takes a note typed after Ctrl+Shift+L
# and exports the rows as CSV through Ctrl+Shift+E; the file holds those
# rows. Lowered and raised again, the first episode is picked from the
# list of past ones. An operator's board shows the log without the note
# field; in Russian its page shows whole and its CSV is in Russian.
set -euo pipefail

dozor=${1:?usage: board-crisis-log.sh PATH-TO-DOZOR}
test=board-crisis-log
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor op:operator
sup=$(token sup)
unit=$(api "$sup" POST units '{"call_sign":"Беркут-7","kind":"car"}' | jq -r .id)
incident=$(api "$sup" POST incidents \
  '{"type":"robbery","priority":1,"location":{"lat":43.2389,"lon":76.9453},"address":"Republic Square"}' | jq -r .id)
[ -n "$unit" ] && [ -n "$incident" ] || fail "no unit or incident"
api "$sup" PUT readiness '{"level":"high","reason":"Rally, Republic Square"}' | jq -e '.level == "high"' >/dev/null ||
  fail "the level was not raised"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2385,76.9460 --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 900 windowfocus --sync "$wid"
wait_for "$work/board.log" "Crisis log: 1 rows" 20
grep -q "Crisis log notes: shown" "$work/board.log" || fail "a supervisor's board hides the note field"
ok "the board reads the raised episode from the journal: one row, and a supervisor has the note field"

api "$sup" POST dispatches "{\"unit_id\":\"$unit\",\"incident_id\":\"$incident\"}" | jq -e .id >/dev/null ||
  fail "the dispatch was refused"
wait_for "$work/board.log" "Crisis log: 2 rows" 10
ok "a dispatch appears live"

xdotool key ctrl+shift+l
wait_for "$work/board.log" "Crisis log shown" 5
sleep 0.5
xdotool type --delay 20 "Staff at the akimat, radio checked"
xdotool key Return
wait_for "$work/board.log" "Command queued: Add a note to the crisis log" 5
wait_for "$work/board.log" "Crisis log: 3 rows" 10
note=$(curl -sf "$url/api/v1/journal" -H "Authorization: Bearer $sup" |
  jq -c '[.events[] | select(.type == "note.added") | .note | {text, by, level}]')
[ "$note" = '[{"text":"Staff at the akimat, radio checked","by":"sup","level":"high"}]' ] ||
  fail "the journal holds the notes $note"
ok "Ctrl+Shift+L, a note and Return: the note is in the journal and in the log"
sleep 1
import -window root "$work/board-crisis-log.png"

xdotool key ctrl+shift+e
wait_for "$work/board.log" "Crisis log export asked" 5
chooser=$(focus_window "Export Crisis Log")
sleep 1
xdotool key ctrl+a
xdotool type --delay 10 "$work/log.csv"
xdotool key Return
wait_for "$work/board.log" "Crisis log exported: $work/log.csv" 10
import -window root "$work/board-crisis-log-exported.png"
tr -d '\r' <"$work/log.csv" | sed 's/^[0-9-]* [0-9:]*,//' >"$work/rows"
expected="What,Who,Details
Level raised,sup,\"High readiness — Rally, Republic Square\"
Unit dispatched,sup,\"Беркут-7 — Robbery, Republic Square\"
Note,sup,\"Staff at the akimat, radio checked\""
[ "$(tail -n +2 "$work/rows")" = "$(tail -n +2 <<<"$expected")" ] ||
  fail "the CSV holds: $(cat "$work/log.csv")"
head -n 1 "$work/log.csv" | grep -q $'^Time,What,Who,Details\r$' || fail "the CSV's header: $(head -n 1 "$work/log.csv")"
[ "$(grep -c $'\r$' "$work/log.csv")" = 4 ] || fail "the CSV's lines do not end in CR LF"
ok "Ctrl+Shift+E exports the rows as RFC 4180 CSV, oldest first: raised, dispatched, the note"

# The episode ends, another begins: the first is offered as a past one.
api "$sup" PUT readiness '{"level":"normal","reason":"Dispersed"}' | jq -e '.level == "normal"' >/dev/null ||
  fail "the level was not lowered"
wait_for "$work/board.log" "Crisis log: 4 rows" 10
api "$sup" PUT readiness '{"level":"raised","reason":"Storm warning"}' | jq -e '.level == "raised"' >/dev/null ||
  fail "the level was not raised again"
wait_for "$work/board.log" "Crisis log episodes: 2" 10
wait_for "$work/board.log" "Crisis log: 1 rows" 10
xdotool windowfocus --sync "$wid"
xdotool key ctrl+shift+l
sleep 0.5
# From the note field back over Export PDF… and Export CSV… to the
# episodes; Down picks the older one.
xdotool key shift+Tab shift+Tab shift+Tab space
sleep 1
xdotool key Down Return
wait_count "Crisis log: 4 rows" 2
import -window root "$work/board-crisis-log-past.png"
ok "lowered and raised again: the new episode has its one row, the past one its four (raised, dispatched, note, lowered), chosen in the list"
stop_board

# The operator's board in Russian: the log's page and its columns show
# whole, and the CSV is in the user's language.
LANG=C.UTF-8 LANGUAGE=ru XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2385,76.9460 --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Crisis log episodes: 2" 20
wait_for "$work/board.log" "Crisis log: 1 rows" 10
grep -q "Crisis log notes: shown" "$work/board.log" && fail "an operator's board shows the note field"
ok "an operator's board reads the same episodes, without the note field"

wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Дозор$' | head -n 1) || fail "no Russian board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 900 windowfocus --sync "$wid"
xdotool key ctrl+shift+l
wait_for "$work/board.log" "Crisis log shown" 5
sleep 1.5
kill -USR1 "$board"
wait_for "$work/board.log" "Layout checked" 10
if grep -q "Cut label" "$work/board.log"; then
  fail "cut short: $(grep "Cut label" "$work/board.log" | sed 's/.*Cut label/Cut label/')"
fi
import -window root "$work/board-crisis-log-ru.png"
ok "in Russian the page switcher, the log's controls and columns show whole"

xdotool key ctrl+shift+e
wait_for "$work/board.log" "Crisis log export asked" 5
focus_window "Выгрузка журнала кризиса" >/dev/null
sleep 1
xdotool key ctrl+a
xdotool type --delay 10 "$work/log-ru.csv"
xdotool key Return
wait_for "$work/board.log" "Crisis log exported: $work/log-ru.csv" 10
head -n 1 "$work/log-ru.csv" | grep -q $'^Время,Событие,Кто,Подробности\r$' ||
  fail "the Russian CSV's header: $(head -n 1 "$work/log-ru.csv")"
sed -n 2p "$work/log-ru.csv" | grep -q ',Готовность повышена,sup,' ||
  fail "the Russian CSV's row: $(sed -n 2p "$work/log-ru.csv")"
ok "the operator exports the log in Russian: Время,Событие,Кто,Подробности"

echo "1..$n"
