#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 18, item 3: an operator opens the registers (Ctrl+Shift+M), sees
# the messages and orientations, finds a message by a word typed in its
# search, and, taking a report whose description holds a wanted vehicle's
# plate, is shown the active orientation in the intake; once cancelled, it
# is no longer shown. What was done about a message is written later, from
# its row (What Was Done…, Alt+W), and dozord keeps it. A new message is
# typed into its form (New Message…, Alt+N).
set -euo pipefail

dozor=${1:?usage: board-registers.sh PATH-TO-DOZOR}
test=board-registers
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator sup:supervisor
token=$(token op)

theatre=$(api "$token" POST messages '{"direction":"in","kind":"telegram","ref":"14/3-118","sender":"DP Almaty","addressee":"Duty unit","summary":"Guard the theatre tonight"}' | jq -r .id)
[ -n "$theatre" ] && [ "$theatre" != null ] || fail "no message made"
api "$token" POST messages '{"direction":"out","kind":"fax","sender":"Duty unit","addressee":"DP Almaty","summary":"Report on the night","action":"Sent"}' >/dev/null
orientation=$(api "$token" POST orientations '{"kind":"vehicle","plate":"777 ABA 02","description":"Toyota Camry, white","issued_by":"DP Almaty"}' | jq -r .id)
[ -n "$orientation" ] && [ "$orientation" != null ] || fail "no orientation made"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2385,76.9460 --zoom 14 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 900 windowfocus --sync "$wid"
sleep 1

# --- The registers ------------------------------------------------------------------
xdotool key ctrl+shift+m
wait_for "$work/board.log" "Registers open" 10
wait_for "$work/board.log" "Register messages shown: 2" 30
wait_for "$work/board.log" "Register orientations shown: 1" 30
ok "Ctrl+Shift+M opens the registers: 2 messages, 1 active orientation"
focus_window "Registers" >/dev/null
sleep 1
import -window root "$work/registers-messages.png"
# The search entry has the focus first.
xdotool type --delay 30 "theatre"
wait_for "$work/board.log" "Register messages shown: 1" 30
sleep 1
ok "typing a word in the search shows only the message that holds it"
import -window root "$work/registers-search.png"

# What was done, written later from the message's row.
shown=$(count "Register messages shown: 1")
xdotool key alt+w
wait_for "$work/board.log" "What was done: form open for message $theatre" 10
sleep 1
xdotool type --delay 20 "Two patrols sent to the theatre"
import -window root "$work/registers-what-was-done.png"
xdotool key Return
wait_for "$work/board.log" "What was done: saved for message $theatre" 30
[ "$(api "$token" GET "messages?q=theatre" | jq -r '.messages[0].action')" = "Two patrols sent to the theatre" ] ||
  fail "dozord does not have what was typed as what was done"
# Every register shows it, from message.updated.
wait_count "Register messages shown: 1" $((shown + 1))
ok "What Was Done… (Alt+W) writes what was done about the message; dozord keeps it and the register shows it again"
sleep 1
import -window root "$work/registers-done.png"

# A new message through its form (a template, dozor-message-form.ui): each
# field reached by its mnemonic, Enter adds it; the list, still searched
# for "theatre", shows it beside the first.
shown=$(count "Register messages shown: 2")
# With no window manager the keyboard does not come back to the registers by
# itself when the dialog closes: a loaded CI run lost the Alt+N.
focus_window "Registers" >/dev/null
sleep 0.5
xdotool key alt+n
wait_for "$work/board.log" "New message form open" 10
sleep 1
xdotool key alt+n
xdotool type --delay 20 "14/3-200"
xdotool key alt+f
xdotool type --delay 20 "DP Almaty"
xdotool key alt+t
xdotool type --delay 20 "Duty unit"
xdotool key alt+s
xdotool type --delay 20 "Close the theatre road at night"
xdotool key alt+w
xdotool type --delay 20 "Posted"
import -window root "$work/registers-new-message.png"
xdotool key Return
wait_count "Register messages shown: 2" $((shown + 1))
api "$token" GET "messages?q=road" |
  jq -e '.messages | length == 1 and .[0].direction == "in" and .[0].kind == "telegram" and .[0].ref == "14/3-200"
         and .[0].sender == "DP Almaty" and .[0].addressee == "Duty unit" and .[0].action == "Posted"' >/dev/null ||
  fail "dozord does not have the message as typed in the form: $(api "$token" GET "messages?q=road")"
ok "New Message… (Alt+N): the form's fields by their mnemonics, Enter adds it, and the register shows it"
xdotool key Escape
sleep 0.5

# --- The orientation at intake ----------------------------------------------------------
xdotool windowraise "$wid" windowfocus --sync "$wid"
xdotool key ctrl+n
wait_for "$work/board.log" "Intake open" 10
focus_window "New Incident" >/dev/null
# The description has no mnemonic: it follows the phone.
xdotool key alt+h Tab
xdotool type --delay 20 "White Camry 777ABA02 parked at the market"
wait_for "$work/board.log" "Orientations at intake: 1" 30
ok "a plate in the description shows the active orientation in the intake"
sleep 1
import -window root "$work/registers-intake.png"

# Cancelled: the same description no longer shows it.
api "$(token sup)" POST "orientations/$orientation/cancellation" '{"reason":"Found"}' | jq -e '.active == false' >/dev/null ||
  fail "the orientation was not cancelled"
xdotool type --delay 20 " today"
wait_for "$work/board.log" "Orientations at intake: 0" 30
ok "after its cancellation the orientation is no longer shown"

echo "1..$n"
