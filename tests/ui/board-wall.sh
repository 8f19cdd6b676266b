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
test=board-wall
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor
token=$(token sup)


# --- The control: a desk board opens the intake ------------------------------
start_named_board desk "Link state: live"
focus_window Dozor >/dev/null
sleep 1
xdotool key ctrl+d
wait_for "$work/board-desk.log" "Message: Select a unit and an incident first" 10
xdotool key ctrl+n
wait_for "$work/board-desk.log" "Intake open" 10
ok "a supervisor's desk board answers Ctrl+D and opens the intake on Ctrl+N"
stop_board

# --- The same supervisor on a wall ---------------------------------------------
start_named_board wall "Link state: live" --wall
# Full screen is asked of the window manager, and Xvfb has none: what is
# checked here is what the board itself refuses.
focus_window Dozor >/dev/null
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
