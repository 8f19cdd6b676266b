#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Intake by address, offline, against a real dozord: the operator opens the
# intake, types "Абая / Достык" into its street search (Alt+S), takes the
# first answer with Return, and the scene is the crossing of Abay and Dostyk
# avenues (43.2430, 76.9569, within 60 m) with the crossing as its address;
# Register puts exactly that on the backend. A click on the map beside the
# crossing then fills the address with the street and its cross street.
# The street index is built on first use into the test's own cache.
set -euo pipefail

dozor=${1:?usage: board-address.sh PATH-TO-DOZOR}
test=board-address
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator
token=$(token op)
incidents() { curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -c '.incidents'; }
# near LAT LON: whether the point is within 60 m of the crossing.
near() {
  awk -v lat="$1" -v lon="$2" 'BEGIN {
    dy = (lat - 43.2430) * 111195; dx = (lon - 76.9569) * 111195 * cos(43.243 * 3.14159265 / 180);
    exit !(dx * dx + dy * dy <= 60 * 60) }'
}

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2430,76.9569 --zoom 17 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1100 800 windowfocus --sync "$wid"
sleep 1

xdotool key ctrl+n
wait_for "$work/board.log" "Intake open" 10
intake=$(focus_window "New Incident")
xdotool windowmove "$intake" 1110 0
# The first intake builds the street index in a worker; the board stays live.
wait_for "$work/board.log" "Street index open: .* streets" 60
ok "the intake opens the street index: $(sed -n 's/.*Street index open: //p' "$work/board.log" | head -n 1)"

# xdotool types Cyrillic reliably only with a layout that has it; the
# X server's own layout is put back right after.
setxkbmap -layout us,ru
sleep 0.5
xdotool key alt+s
xdotool type --delay 80 "Абая / Достык"
setxkbmap -layout us
xdotool key Return
wait_for "$work/board.log" "Address chosen: " 10
chosen=$(sed -n 's/.*Address chosen: //p' "$work/board.log" | tail -n 1)
read -r lat lon < <(echo "$chosen" | sed -n 's/.* at \([0-9.]*\), \([0-9.]*\)$/\1 \2/p')
near "$lat" "$lon" || fail "the first answer is at $lat, $lon: $chosen"
sleep 1
import -window root "$work/address-chosen.png"
ok "“Абая / Достык”, first answer: $chosen"

xdotool key alt+t
sleep 0.5
xdotool key Down Return
sleep 0.5
xdotool key alt+r
wait_for "$work/board.log" "Command queued: Register Theft at " 10
for _ in $(seq 1 50); do [ "$(incidents)" != "[]" ] && break; sleep 0.1; done
got=$(incidents | jq -r '.[0] | "\(.location.lat) \(.location.lon) \(.address)"')
read -r lat lon address <<<"$got"
near "$lat" "$lon" || fail "the backend's scene is $lat, $lon"
case "$address" in
  *Абай*Достык*|*Абая*Достык*|*Достык*Абай*|*Достык*Абая*) ;;
  *) fail "the backend's address is “$address”" ;;
esac
ok "the incident registered is at $lat, $lon, “$address”"

# A click on the map 30 m north of the crossing: the address becomes the
# street there and its cross street.
xdotool windowfocus --sync "$wid"
xdotool key ctrl+n
wait_for "$work/board.log" "Intake open" 10
intake=$(focus_window "New Incident")
xdotool windowmove "$intake" 1110 0
sleep 0.5
# The map fills the 1100 × 800 window right of the sidebar (x 417–1094,
# y 52–795); its middle, where --center put the crossing, is at 755, 423.
map_x=755 map_y=423
xdotool mousemove "$map_x" $((map_y - 35)) sleep 0.3 click 1
wait_for "$work/board.log" "Address described: " 10
described=$(sed -n 's/.*Address described: //p' "$work/board.log" | tail -n 1)
case "$described" in
  *Абай*", near "*Достык*|*Достык*", near "*Абай*) ;;
  *) fail "a click beside the crossing is described as “$described”" ;;
esac
import -window root "$work/address-described.png"
ok "a click on the map beside the crossing fills the address: $described"

echo "1..$n"
