#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Intake by address, offline, against a real dozord: the operator opens the
# intake, types "Абая / Достык" into its street search (Alt+S), takes the
# first answer with Return, and the scene is the crossing of Abay and Dostyk
# avenues (43.2430, 76.9569, within 60 m) with the crossing as its address;
# Register puts exactly that on the backend. A click on the map beside the
# crossing then fills the address with the street and its cross street,
# but never replaces an address the operator typed.
# The street index is built on first use into the test's own cache.
set -euo pipefail

dozor=${1:?usage: board-address.sh PATH-TO-DOZOR}
test=board-address
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

# xdotool types Cyrillic reliably only on a Russian layout, and a layout
# changed while the board runs reaches it late: from the first Cyrillic on,
# the layout stays Russian and the test uses only keys every layout has
# (Return, Down, BackSpace) and clicks. The display is shared with the next
# tests: its Latin layout is put back at the end.
trap 'setxkbmap us; cleanup' EXIT
start_dozord op:operator
token=$(token op)
incidents() { curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -c '.incidents'; }
# near LAT LON: whether the point is within 60 m of the crossing.
near() {
  awk -v lat="$1" -v lon="$2" 'BEGIN {
    dy = (lat - 43.2430) * 111195; dx = (lon - 76.9569) * 111195 * cos(43.243 * 3.14159265 / 180);
    exit !(dx * dx + dy * dy <= 60 * 60) }'
}
# Places on the screen: the board's window at 0, 0, 1100 × 800, its "+"
# (new incident) at 67, 28; the map right of the sidebar (x 417–1094,
# y 52–795), its middle, where --center put the crossing, at 755, 423. The
# intake at 1110, 0 with no matches above its scene: Register at 1529, 28,
# the type row at 1498, 401.
map_x=755 map_y=423
click() { xdotool mousemove "$1" "$2" sleep 0.3 click 1; sleep 0.3; }

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
# The city's streets are plain GeoJSON: building the index loads no GDAL
# (docs/decisions.md, "The GIS file module").
! grep -q libgdal "/proc/$board/maps" || fail "building the street index mapped GDAL"
ok "building the street index maps no GDAL"

xdotool key alt+s
setxkbmap ru
# The board has the Russian layout once a typed "а" is searched as "а".
for _ in $(seq 1 20); do
  xdotool type "а"
  sleep 1
  [ "$(count "Address results: [0-9]* for “а”")" -ge 1 ] && break
  xdotool key BackSpace
done
[ "$(count "Address results: [0-9]* for “а”")" -ge 1 ] || fail "the board never typed Cyrillic"
xdotool key BackSpace
xdotool type --delay 80 "Абая / Достык"
xdotool key Return
wait_for "$work/board.log" "Address chosen: " 10
chosen=$(sed -n 's/.*Address chosen: //p' "$work/board.log" | tail -n 1)
read -r lat lon < <(echo "$chosen" | sed -n 's/.* at \([0-9.]*\), \([0-9.]*\)$/\1 \2/p')
[ "$(count "Address results: [1-9][0-9]* for “Абая / Достык”")" -ge 1 ] ||
  fail "no answers for “Абая / Достык”: $(grep "Address results" "$work/board.log" | tail -n 1)"
near "$lat" "$lon" || fail "the first answer is at $lat, $lon: $chosen"
sleep 1
import -window root "$work/address-chosen.png"
ok "“Абая / Достык”, first answer: $chosen"

# Type: Theft, the entry after "Choose…"; then Register.
xdotool windowfocus --sync "$intake"
click 1498 401
sleep 0.5
xdotool key Down Return
sleep 0.5
click 1529 28
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
click 67 28
wait_count "Intake open" 2
intake=$(focus_window "New Incident")
xdotool windowmove "$intake" 1110 0
sleep 0.5
click "$map_x" $((map_y - 35))
wait_for "$work/board.log" "Address described: " 10
described=$(sed -n 's/.*Address described: //p' "$work/board.log" | tail -n 1)
case "$described" in
  *Абай*", near "*Достык*|*Достык*", near "*Абай*) ;;
  *) fail "a click beside the crossing is described as “$described”" ;;
esac
wait_for "$work/board.log" "Intake address filled: $described" 10
import -window root "$work/address-described.png"
ok "a click on the map beside the crossing fills the address: $described"

# What the operator types into the address stays when the map is clicked
# again. (A click on the map may take the keyboard to the board's window,
# with no window manager to give it back: the intake is focused again, as
# an operator would click it; the address, focused when it opened, has the
# keyboard again.)
xdotool windowfocus --sync "$intake"
sleep 0.5
xdotool key --repeat 60 --delay 10 BackSpace
xdotool type --delay 80 "Достык 5"
click "$map_x" $((map_y + 35))
wait_count "Address described: " 2
wait_for "$work/board.log" "Intake address kept: Достык 5" 10
ok "an address the operator typed is not replaced by a later click on the map"

echo "1..$n"
