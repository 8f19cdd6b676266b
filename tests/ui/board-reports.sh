#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A supervisor saves the daily report from the board: the main menu's
# Reports… (F10, O) opens the dialog, the centre and signing officer are
# typed in (Alt+E, Alt+O), Save… (Alt+S) asks where, and the PDF written
# there holds the incident registered on the backend, the centre and the
# officer, drawn from the figures dozord counted.
set -euo pipefail

dozor=${1:?usage: board-reports.sh PATH-TO-DOZOR}
test=board-reports
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor
token=$(token sup)
number=$(api "$token" POST incidents \
  '{"type":"robbery","priority":1,"location":{"lat":43.2389,"lon":76.9453},"address":"pr. Abaya 10"}' | jq -r .number)
[ -n "$number" ] && [ "$number" != null ] || fail "no incident registered"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data HOME=$work \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2385,76.9460 --zoom 13 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1100 800 windowfocus --sync "$wid"
sleep 1

xdotool key F10
sleep 0.8
xdotool key o
dialog=$(timeout 10 xdotool search --sync --onlyvisible --name '^Reports$' | tail -n 1) || fail "Reports… opened no dialog"
xdotool windowmove "$dialog" 1110 0 windowfocus --sync "$dialog" || true
sleep 0.5
ok "the main menu's Reports… opens the dialog"

xdotool key alt+e
xdotool type --delay 20 "Almaty Police Control Centre"
xdotool key alt+o
xdotool type --delay 20 "A. B. Akhmetov"
sleep 0.3
import -window root "$work/reports-dialog.png"
xdotool key alt+s
chooser=$(timeout 10 xdotool search --sync --onlyvisible --name '^Save the Report$' | tail -n 1) ||
  fail "Save… opened no file chooser"
xdotool windowfocus --sync "$chooser" || true
sleep 1
# The name field holds the suggested name; a whole path there saves there.
xdotool key ctrl+a
xdotool type --delay 10 "$work/daily-report.pdf"
xdotool key Return
wait_for "$work/board.log" "Report: Saved to $work/daily-report.pdf" 60
ok "Save… writes the report where the chooser was told"

text=$(pdftotext -enc UTF-8 "$work/daily-report.pdf" -)
for expected in "Almaty Police Control Centre" "Daily operational report" "Signing officer: A. B. Akhmetov" "$number"; do
  grep -qF -- "$expected" <<<"$text" || fail "“$expected” is not in the saved PDF"
done
ok "the PDF carries the centre, the title, the officer and incident $number"
import -window root "$work/reports-saved.png"

echo "1..$n"
