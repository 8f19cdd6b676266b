#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 15, items 2, 4 and 5 on a supervisor's desk, against a real dozord:
# units placed at known distances from a crisis circle are counted in the
# area and in its 1/3/5 km rings as this script computes them; the nearest
# available units by road and a unit heading there are listed with times;
# an empty district is flagged with a move-up; two units boxed on the map
# (Shift+drag) and sent together become two dispatches on the server, and
# a second group, one of them taken meanwhile, is answered unit by unit; a
# dispatch that would leave a sector without an available unit says so in
# its confirmation.
set -euo pipefail

dozor=${1:?usage: board-crisis.sh PATH-TO-DOZOR}
test=board-crisis
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)

# The crisis circle, and where each unit is: metres north (negative: south)
# and east of its centre, and its status.
clat=43.2385 clon=76.9460 radius=500
units=(
  "Барыс-1 200 0 available"
  "Барыс-2 -300 0 busy"
  "Барыс-3 1200 0 available"
  "Барыс-4 1400 0 available"
  "Барыс-5 2800 0 available"
  "Барыс-6 -4500 0 available"
  "Барыс-7 1300 -250 available"
  "Барыс-8 9000 9000 available"
)
# The band a unit NORTH EAST metres from the centre falls in: 0 inside,
# 1–3 the rings of 1, 3 and 5 km from the edge, 4 beyond.
band() {
  awk -v n="$1" -v e="$2" -v r="$radius" 'BEGIN { d = sqrt(n * n + e * e) - r;
    print (d <= 0 ? 0 : d <= 1000 ? 1 : d <= 3000 ? 2 : d <= 5000 ? 3 : 4) }'
}

declare -A id
positions=
for line in "${units[@]}"; do
  read -r name north east status <<<"$line"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"$status\"}" | jq -r .id)
  read -r lat lon < <(place "$north" "$east")
  positions+="${positions:+,}{\"unit_id\":\"${id[$name]}\",\"lat\":$lat,\"lon\":$lon,\"time\":\"NOW\"}"
done
report_positions &
pids+=("$!")

# Zones: a sector around Барыс-7 alone, a district with nobody in it, and
# the centre's district.
central=$(api "$sup" POST zones "{\"kind\":\"district\",\"name\":\"Центральный\",\"geometry\":$(square 0 0 2000)}" | jq -r .id)
api "$sup" POST zones "{\"kind\":\"sector\",\"name\":\"Сектор-7\",\"parent_id\":\"$central\",\"geometry\":$(square 1300 -250 100)}" >/dev/null
api "$sup" POST zones "{\"kind\":\"district\",\"name\":\"Пустой\",\"geometry\":$(square 0 -7000 1000)}" >/dev/null
[ "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" | jq '.zones | length')" = 3 ] ||
  fail "the zones were not made"

# Incidents: one at the centre of the crisis, one beside the boxed units.
read -r lat lon < <(place 0 0)
inside=$(api "$sup" POST incidents "{\"type\":\"public_disorder\",\"priority\":1,\"address\":\"пл. Республики\",\"location\":{\"lat\":$lat,\"lon\":$lon}}" | jq -r .id)
read -r lat lon < <(place 1300 150)
beside=$(api "$sup" POST incidents "{\"type\":\"robbery\",\"priority\":1,\"address\":\"ул. Желтоксан, 1\",\"location\":{\"lat\":$lat,\"lon\":$lon}}" | jq -r .id)
# Барыс-5 heads into the area.
api "$sup" POST dispatches "{\"unit_id\":\"${id[Барыс-5]}\",\"incident_id\":\"$inside\"}" | jq -e .id >/dev/null ||
  fail "Барыс-5 was not dispatched"
api "$sup" PUT readiness "{\"level\":\"raised\",\"reason\":\"Массовое мероприятие\",\"area\":{\"type\":\"Circle\",\"center\":[$clon,$clat],\"radius_m\":$radius}}" |
  jq -e '.level == "raised"' >/dev/null || fail "the readiness was not raised"

read -r lat lon < <(place 1300 0)
XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$lat,$lon" --zoom 16 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
wait_for "$work/board.log" "Crisis band 3" 30
wait_for "$work/board.log" "Crisis heading: Барыс-5" 30
sleep 2

# --- The counts per ring, as computed here ---------------------------------------
for b in 0 1 2 3; do
  all=0 available=0
  for line in "${units[@]}"; do
    read -r name north east status <<<"$line"
    [ "$(band "$north" "$east")" = "$b" ] || continue
    all=$((all + 1))
    [ "$status" = available ] && [ "$name" != Барыс-5 ] && available=$((available + 1))
  done
  shown=$(grep "Crisis band $b " "$work/board.log" | tail -n 1)
  echo "# expected band $b: all=$all available=$available; shown: ${shown#*: }"
  grep -q "all=$all available=$available " <<<"$shown" || fail "band $b: expected all=$all available=$available, the pane shows “$shown”"
done
ok "the units inside the area and in the 1, 3 and 5 km rings are counted as placed"

grep "Crisis nearest: " "$work/board.log" | tail -n 5 | sed 's/^.*Crisis/# Crisis/'
grep -q "Crisis nearest: Барыс-1 [0-9]*${nbsp}min" "$work/board.log" || fail "Барыс-1, inside the area, is not among the nearest"
! grep -q "Crisis nearest: Барыс-2 " "$work/board.log" || fail "busy Барыс-2 was listed as available"
ok "the nearest available units are listed with their road time, not the busy one"
grep -q "Crisis heading: Барыс-5 [0-9]*${nbsp}min" "$work/board.log" || fail "Барыс-5's ETA is not shown"
ok "the unit dispatched into the area is listed with its ETA"

# --- Coverage -----------------------------------------------------------------------
wait_for "$work/board.log" "Coverage: Пустой 0 available (minimum 1) flagged" 10
wait_for "$work/board.log" "Move-up: [^ ]* to Пустой" 10
grep -q "Coverage: Сектор-7 1 available (minimum 1)$" "$work/board.log" || fail "Сектор-7 is not shown with its one unit"
ok "the empty district is flagged, with a move-up: $(grep -o 'Move-up: [^ ]* to Пустой' "$work/board.log" | tail -n 1)"

# wait_count PATTERN N SECONDS: until the board has logged PATTERN N times.
wait_count() {
  for _ in $(seq 1 $(($3 * 10))); do
    [ "$(grep -c -- "$1" "$work/board.log")" -ge "$2" ] && return 0
    sleep 0.1
  done
  fail "“$1” logged fewer than $2 times within $3 s"
}

# --- Where things are on screen ---------------------------------------------------------
# blobs COLOUR [W H X Y]: the middles of the patches of that colour in the
# map (or in the given part of the screen), west to east.
blobs() {
  local w=${2:-830} h=${3:-700} x=${4:-370} y=${5:-100}
  import -window root "$work/screen.png"
  convert "$work/screen.png" -crop "${w}x${h}+${x}+${y}" +repage -fuzz 4% -fill black +opaque "$1" -fill white -opaque "$1" \
    -define connected-components:verbose=true -connected-components 8 null: |
    awk -v x="$x" -v y="$y" '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 {
        split($3, c, ","); printf "%d %d\n", c[1] + x, c[2] + y }' |
    sort -n -k1 |
    awk '{ for (i = 0; i < n; i++) if (($1 - x[i]) ^ 2 + ($2 - y[i]) ^ 2 < 144) next; x[n] = $1; y[n] = $2; n++; print }'
}
xdotool mousemove 1190 790
sleep 1
blobs 'rgb(51,209,122)' >"$work/units.txt"
blobs 'rgb(238,40,56)' >"$work/incidents.txt"
sed 's/^/# unit at /' "$work/units.txt"
[ "$(wc -l <"$work/units.txt")" -eq 3 ] || fail "expected Барыс-3, -4 and -7 on screen, found $(wc -l <"$work/units.txt")"
[ "$(wc -l <"$work/incidents.txt")" -eq 1 ] || fail "expected one incident on screen"
import -window "$wid" "$work/crisis-desk.png"
# West to east: Барыс-7, then Барыс-3 and -4 one above the other.
read -r x7 y7 < <(sed -n 1p "$work/units.txt")
read -r xa ya < <(sed -n 2p "$work/units.txt")
read -r xb yb < <(sed -n 3p "$work/units.txt")
read -r ix iy < <(cat "$work/incidents.txt")

# --- A dispatch that empties a sector says so ----------------------------------------------
xdotool mousemove "$ix" "$iy" click 1 sleep 0.3 mousemove "$x7" "$y7" click 1 sleep 0.3
xdotool key ctrl+d
wait_for "$work/board.log" "Asking to confirm: Dispatch Барыс-7?" 10
wait_for "$work/board.log" "Confirmation warns: This leaves Сектор-7 with no available unit." 5
import -window root "$work/confirm-short.png"
xdotool key Escape
wait_for "$work/board.log" "Dispatch not confirmed" 5
ok "sending Барыс-7 asks first, and says it leaves Сектор-7 with no available unit"

# --- Two units boxed on the map and sent together -----------------------------------------
box() {
  local left=$((xa < xb ? xa - 30 : xb - 30)) right=$((xa > xb ? xa + 30 : xb + 30))
  local top=$((ya < yb ? ya - 30 : yb - 30)) bottom=$((ya > yb ? ya + 30 : yb + 30))
  xdotool mousemove "$left" "$top" sleep 0.2 keydown shift sleep 0.2 mousedown 1 sleep 0.2
  for step in 1 2 3 4 5 6; do
    xdotool mousemove $((left + (right - left) * step / 6)) $((top + (bottom - top) * step / 6)) sleep 0.05
  done
  xdotool sleep 0.3 mouseup 1 sleep 0.1 keyup shift
}
xdotool mousemove "$ix" "$iy" click 1 sleep 0.3
box
wait_for "$work/board.log" "Units boxed on the map: 2" 5
xdotool key ctrl+alt+d
wait_for "$work/board.log" "Asking to confirm: Dispatch 2 units?" 5
xdotool key Return
wait_for "$work/board.log" "Group dispatch result:" 15
result=$(grep "Group dispatch result:" "$work/board.log" | tail -n 1)
echo "# ${result#*: }"
grep -q "Барыс-3: sent" <<<"$result" && grep -q "Барыс-4: sent" <<<"$result" || fail "the group was answered “$result”"
dispatches=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq --arg i "$beside" '[.dispatches[] | select(.incident_id == $i)] | length')
[ "$dispatches" = 2 ] || fail "the server has $dispatches dispatches to the incident, not 2"
ok "two units boxed with Shift+drag and sent at once are two dispatches on the server"

# --- A partial failure, unit by unit --------------------------------------------------------
# Барыс-3 is let go; Барыс-4 stays taken, so the server refuses it.
d3=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r --arg u "${id[Барыс-3]}" '.dispatches[] | select(.unit_id == $u) | .id')
api "$sup" DELETE "dispatches/$d3" >/dev/null
sleep 1.5
box
wait_count "Units boxed on the map: 2" 2 5
xdotool key ctrl+alt+d sleep 0.5 key Return
wait_count "Group dispatch result:" 2 15
result=$(grep "Group dispatch result:" "$work/board.log" | tail -n 1)
echo "# ${result#*: }"
grep -q "Барыс-3: sent" <<<"$result" && grep -q "Барыс-4: busy (409)" <<<"$result" ||
  fail "the second group was answered “$result”"
import -window root "$work/group-result.png"
ok "a group with one unit taken meanwhile is answered unit by unit"

# --- A sector left empty is flagged, in the list and on the map -------------------------------
# red_pixels: strongly red pixels in the 160 px around Барыс-7 (the sector).
red_pixels() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -crop 160x160+$((x7 - 80))+$((y7 - 80)) +repage \
    -fx '(r > 0.6 && g < 0.3 && b < 0.3) ? 1 : 0' -format '%[fx:round(mean*w*h)]' info:
}
red_before=$(red_pixels)
api "$sup" POST dispatches "{\"unit_id\":\"${id[Барыс-7]}\",\"incident_id\":\"$beside\"}" | jq -e .id >/dev/null ||
  fail "Барыс-7 was not dispatched"
wait_for "$work/board.log" "Coverage: Сектор-7 0 available (minimum 1) flagged" 10
wait_for "$work/board.log" "Zones flagged on the map: 2" 10
for _ in $(seq 1 20); do
  sleep 0.3
  red_after=$(red_pixels)
  [ "$red_after" -gt $((red_before + 200)) ] && break
done
import -window "$wid" "$work/sector-flagged.png"
[ "$red_after" -gt $((red_before + 200)) ] || fail "Сектор-7 is not red on the map ($red_before red pixels before, $red_after after)"
ok "Сектор-7, left without an available unit, is flagged in the list and drawn red on the map ($red_before → $red_after red pixels)"

# --- Several units picked with Ctrl+click in the list ------------------------------------------
# The refusal of Барыс-4 was also shown in a dialog that must be read:
# close it, and any other window of the board but the main one.
for other in $(xdotool search --onlyvisible --pid "$board" 2>/dev/null | grep -vx "$wid"); do
  xdotool windowfocus --sync "$other" key Escape 2>/dev/null || true
done
sleep 0.5
# The list puts available units first (Барыс-1, -6, -8 now), each with its
# green status symbol.
xdotool mousemove 132 115 click 1 sleep 0.5 mousemove 1190 790 sleep 0.5
blobs 'rgb(51,209,122)' 400 600 5 130 | sort -n -k2 >"$work/rows.txt"
sed 's/^/# available row at /' "$work/rows.txt"
[ "$(wc -l <"$work/rows.txt")" -eq 3 ] || fail "expected three available units in the list"
read -r rx6 ry6 < <(sed -n 2p "$work/rows.txt")
read -r rx8 ry8 < <(sed -n 3p "$work/rows.txt")
xdotool mousemove $((rx6 + 60)) "$ry6" click 1 sleep 0.3
xdotool mousemove $((rx8 + 60)) "$ry8" keydown ctrl click 1 keyup ctrl sleep 0.3
# The incident stays selected on the map, as it was for the boxes.
xdotool key ctrl+alt+d
wait_for "$work/board.log" "Asking to confirm: Dispatch 2 units? Барыс-6, Барыс-8 to" 5
xdotool key Return
wait_count "Group dispatch result:" 3 15
result=$(grep "Group dispatch result:" "$work/board.log" | tail -n 1)
echo "# ${result#*: }"
grep -q "Барыс-6: sent; Барыс-8: sent" <<<"$result" || fail "the units picked in the list were answered “$result”"
for u in Барыс-6 Барыс-8; do
  curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
    jq -e --arg u "${id[$u]}" --arg i "$beside" 'any(.dispatches[]; .unit_id == $u and .incident_id == $i)' >/dev/null ||
    fail "the server has no dispatch of $u"
done
ok "two units picked with Ctrl+click in the list are sent together"
