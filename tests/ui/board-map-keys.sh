#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 20, item 11: the map's items, one by one, for a screen reader,
# against a real dozord. A click gives the map the keyboard; the arrow
# keys then go through the incidents in view (priority 1 first) and the
# units in view by call sign, leaving out a unit 20 km away; End goes to
# the last, the ends wrap round. What a screen reader reads on the
# accessibility bus, as Orca does: the map's name says the item reached,
# its place among the items in view, and for a unit the incident it is
# sent to; the item is selected (the map's description, the ring drawn
# on the map). A click on a unit gives the map its plain name back, and
# the keys go on from that unit.
set -euo pipefail

dozor=${1:?usage: board-map-keys.sh PATH-TO-DOZOR SOURCE-ROOT}
: "${A11Y_TREE:?}"
test=board-map-keys
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)
clat=43.2385 clon=76.9460

# Three units around the map's middle and one 20 km north, out of view.
declare -A id
positions=
for spot in "Барыс-1 100 100" "Барыс-2 -150 200" "Барыс-3 200 -250" "Барыс-9 20000 0"; do
  read -r name north east <<<"$spot"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  read -r lat lon < <(place "$north" "$east")
  positions+="${positions:+,}{\"unit_id\":\"${id[$name]}\",\"lat\":$lat,\"lon\":$lon,\"time\":\"NOW\"}"
done
report_positions &
pids+=("$!")
# A theft (priority 2) with Барыс-1 sent to it, and an assault (priority 1).
read -r ilat ilon < <(place 300 300)
theft=$(api "$sup" POST incidents "{\"type\":\"theft\",\"priority\":2,\"location\":{\"lat\":$ilat,\"lon\":$ilon}}")
read -r ilat ilon < <(place -300 -300)
assault=$(api "$sup" POST incidents "{\"type\":\"assault\",\"priority\":1,\"location\":{\"lat\":$ilat,\"lon\":$ilon}}")
theft_number=$(jq -r .number <<<"$theft")
assault_number=$(jq -r .number <<<"$assault")
api "$sup" POST dispatches "{\"unit_id\":\"${id[Барыс-1]}\",\"incident_id\":\"$(jq -r .id <<<"$theft")\"}" |
  jq -e .id >/dev/null || fail "the dispatch was not made"

# A screen reader's view: GTK on the accessibility bus.
env -u GTK_A11Y XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 14 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800 windowfocus --sync "$wid"
wait_for "$work/board.log" "Units drawn: [34]" 20

# a11y_map: the map's name and description on the accessibility bus, as
# "NAME|DESCRIPTION".
a11y_map() {
  local _
  for _ in 1 2 3; do
    if timeout 90 "$A11Y_TREE" dozor >"$work/a11y.txt" 2>"$work/a11y.err"; then
      awk -F '\t' '$1 == "widget" && $2 ~ /^Map/ { print $2 "|" $3; exit }' "$work/a11y.txt"
      return 0
    fi
    sleep 1
  done
  fail "the board is not on the accessibility bus: $(tail -n 3 "$work/a11y.err")"
}
# press KEY PATTERN: KEY to the board, and the map's item it reaches, which
# must match PATTERN (an extended regular expression, anchored).
press() {
  local before reached
  before=$(count "Map item: ")
  xdotool key "$1"
  wait_count "Map item: " $((before + 1))
  reached=$(sed -n 's/.*Map item: //p' "$work/board.log" | tail -n 1)
  [[ "$reached" =~ ^$2$ ]] || fail "$1 reached “$reached”, not /$2/"
  echo "$reached"
}
# ring: the pixels around Барыс-3 (200 m north and 250 m west of the map's
# middle: x 808, y 426, right of the 417-pixel side pane, 6.96 m a pixel
# at zoom 14), with the pointer away from the map.
ring() {
  xdotool mousemove 1190 790
  sleep 1.5
  import -window root -crop 44x44+$((772 - 22))+$((397 - 22)) +repage "$work/$1.png"
}

[ "$(a11y_map)" = "Map|Nothing selected on the map" ] || fail "before the keys the map reads “$(a11y_map)”"
ring plain
# A click on empty map, south-east of everything: the keyboard is the map's.
xdotool mousemove 1100 720 click 1
sleep 1
age="[0-9]+${nbsp}(s|min)"
press Right "Map, 1 of 5 in view: Incident $assault_number, Assault, Priority 1 — immediate, New, $age ago" >/dev/null
ok "a click gives the map the keyboard; Right reaches the priority 1 assault first, 1 of the 5 items in view"
press Right "Map, 2 of 5 in view: Incident $theft_number, Theft, Priority 2 — urgent, Dispatched, $age ago" >/dev/null
first_unit=$(press Right "Map, 3 of 5 in view: unit Барыс-1, Dispatched, position $age old; for Theft, incident $theft_number")
ok "then the theft, then the units by call sign; a unit names the incident it is sent to: “$first_unit”"
last=$(press End "Map, 5 of 5 in view: unit Барыс-3, Available, position $age old")
ok "End reaches the last unit in view, Барыс-3; Барыс-9, 20 km away, is not counted"
read_back=$(a11y_map)
[[ "$read_back" =~ ^"Map, 5 of 5 in view: unit Барыс-3, Available, position "$age" old|Selected: unit Барыс-3, Available, position "$age" old; Incident $theft_number, Theft, ".*$ ]] ||
  fail "the screen reader reads the map as “$read_back”"
ok "a screen reader reads the map's name as the item reached, and its description says Барыс-3 is selected"
ring selected
changed=$(compare -metric AE "$work/plain.png" "$work/selected.png" null: 2>&1 || true)
[ "${changed%% *}" -gt 40 ] || fail "the selected Барыс-3 changed only $changed pixels around it"
ok "the unit reached is ringed on the map (${changed%% *} of 1936 pixels around it change)"
press Right "Map, 1 of 5 in view: Incident $assault_number, .*" >/dev/null
press Left "Map, 5 of 5 in view: unit Барыс-3, .*" >/dev/null
press Left "Map, 4 of 5 in view: unit Барыс-2, Available, .*" >/dev/null
ok "Right after the last goes round to the first, Left back to the last and on to Барыс-2"

# A click on Барыс-1 (100 m north and east of the middle): the map's name
# is plain again, and the keys go on from Барыс-1.
xdotool mousemove $((808 + 14)) $((426 - 14)) click 1
wait_for "$work/board.log" "Map item: Map$" 5
wait_for "$work/board.log" "Map described: Selected: unit Барыс-1" 5
[[ "$(a11y_map)" =~ ^"Map|Selected: unit Барыс-1, " ]] || fail "after a click the map reads “$(a11y_map)”"
press Right "Map, 4 of 5 in view: unit Барыс-2, .*" >/dev/null
ok "a click on a unit gives the map its plain name back, and Right goes on from that unit"

stop_board
echo "1..$n"
