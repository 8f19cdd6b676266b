#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 20, items 2–4 on a supervisor's desk, against a real dozord: an
# incident left unassigned past its priority's limit (set short in the
# settings) turns magenta in the queue and the header says "1 overdue";
# a unit on scene too long is ringed and counted too; a unit on scene
# standing exactly on its incident no longer hides the
# incident's diamond; sending a far unit while a near one is free shows
# the road distance and ETA and names the nearer unit. With
# DOZOR_TEST_LANGUAGE=ru or kk the same runs in that language (for the
# screenshots kept in $DOZOR_TEST_SHOTS).
set -euo pipefail

dozor=${1:?usage: board-escalate.sh PATH-TO-DOZOR}
test=board-escalate
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)
api() {
  curl -s -X "$2" "$url/api/v1/$3" -H "Authorization: Bearer $1" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${5:+-H "If-Match: $5"} ${4:+-d "$4"}
}

# The scene, for place().
clat=43.2385 clon=76.9460

# Барыс-7 600 m west of the scene, Барыс-6 5 km east, both free; Барыс-3
# on scene at an accident 1.5 km north, standing exactly on it.
declare -A id
positions=
for line in "Барыс-7 0 -600" "Барыс-6 0 5000" "Барыс-3 1500 0"; do
  read -r name north east <<<"$line"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  read -r lat lon < <(place "$north" "$east")
  positions+="${positions:+,}{\"unit_id\":\"${id[$name]}\",\"lat\":$lat,\"lon\":$lon,\"time\":\"NOW\"}"
done
report_positions &
pids+=("$!")

read -r lat lon < <(place 1500 0)
accident=$(api "$sup" POST incidents "{\"type\":\"traffic_accident\",\"priority\":2,\"address\":\"ул. Богенбай батыра, 1\",\"location\":{\"lat\":$lat,\"lon\":$lon}}" | jq -r .id)
api "$sup" POST dispatches "{\"unit_id\":\"${id[Барыс-3]}\",\"incident_id\":\"$accident\"}" | jq -e .id >/dev/null ||
  fail "Барыс-3 was not dispatched"
version=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r --arg id "${id[Барыс-3]}" '.units[] | select(.id == $id) | .version')
api "$sup" PATCH "units/${id[Барыс-3]}" '{"status":"on_scene"}' "$version" | jq -e '.status == "on_scene"' >/dev/null ||
  fail "Барыс-3 is not on scene"
# There since the accident was registered, as an operator records it.
read -r version created < <(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r --arg id "$accident" '.incidents[] | select(.id == $id) | "\(.version) \(.created_at)"')
api "$sup" PATCH "incidents/$accident" "{\"on_scene_at\":\"$created\"}" "$version" | jq -e '.status == "on_scene"' >/dev/null ||
  fail "the accident is not on scene"

# Priority 1 may wait 15 s unassigned, the others 10 min; a unit may stay
# 10 s on scene; the settings from a keyfile, as a control room's
# administrator would set them.
mkdir -p "$work/config/glib-2.0/settings"
printf '[kz/dozor/Board]\nincident-wait-limits=[15, 600, 600, 600]\non-scene-long=10\n' \
  >"$work/config/glib-2.0/settings/keyfile"
language=${DOZOR_TEST_LANGUAGE:-}
env GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" \
  ${language:+LC_ALL=C.UTF-8 LANGUAGE=$language} \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 13 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --class dozor | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
wait_for "$work/board.log" "Incidents drawn: 1" 30
wait_for "$work/board.log" "Units drawn: 3" 30
xdotool mousemove 1590 990
sleep 1.5

# --- An overdue incident escalates --------------------------------------------------------
# magenta X Y W H: pixels of the escalation magenta (or its tint over the
# dark sidebar) in that part of the screen.
magenta() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -crop "$3x$4+$1+$2" +repage -depth 8 txt:- |
    awk -F'[(),]' '/srgb\(/ { r = $(NF - 3); g = $(NF - 2); b = $(NF - 1)
      if (r - g > 40 && b - g > 40) n++ } END { print n + 0 }'
}
# The assault, registered now: the queue before it is overdue, then the
# rest is looked at while its 15 s run.
read -r lat lon < <(place 0 0)
assault=$(api "$sup" POST incidents "{\"type\":\"assault\",\"priority\":1,\"address\":\"пр. Абая, 10\",\"location\":{\"lat\":$lat,\"lon\":$lon}}" | jq -r .id)
[ -n "$assault" ] && [ "$assault" != null ] || fail "the assault was not registered"
wait_for "$work/board.log" "Incidents drawn: 2" 10
sleep 1.2
before=$(magenta 0 150 360 120)
import -window "$wid" "$work/queue-before.png"
! grep -q "Escalation: 1 overdue" "$work/board.log" || fail "the assault was overdue at once"
echo "# magenta pixels in the queue before: $before"

# blobs COLOUR: the middles of the patches of that colour on the map (right
# of the lists), at least MIN pixels each, "X Y AREA" a line.
blobs() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -crop 800x700+400+100 +repage -fuzz 4% -fill black +opaque "$1" -fill white -opaque "$1" \
    -define connected-components:verbose=true -connected-components 8 null: |
    awk -v min="${2:-20}" '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= min {
        split($3, c, ","); printf "%d %d %d\n", c[1] + 400, c[2] + 100, $4 }'
}

# --- An incident readable under the unit on its scene ---------------------------------
# The accident's diamond (priority 2, orange) with Барыс-3 (on scene, red)
# standing on it: the diamond and its digit are drawn over the unit, so
# around the diamond's orange there is none of the unit's red; under the
# unit only the diamond's corners would show, round a red disc. It is
# 1.5 km north of the map's centre (808,426), about 107 px at zoom 13:
# only the 200 px square round it is read.
import -window root "$work/screen.png"
convert "$work/screen.png" -crop 200x200+708+220 +repage -depth 8 txt:- |
  awk -F'[(),:]' '/srgb\(/ { r = $(NF - 3); g = $(NF - 2); b = $(NF - 1); x = $1 + 708; y = $2 + 220
      if (r > 235 && g > 120 && g < 160 && b < 50) { n++; sx += x; sy += y; print "O", x, y }
      else if (r > 200 && r < 240 && g < 50 && b < 60) print "R", x, y }
    END { if (n > 0) printf "C %d %d %d\n", sx / n, sy / n, n }' >"$work/pixels.txt"
read -r _ ax ay orange < <(grep '^C ' "$work/pixels.txt") || fail "no orange incident on the map: the accident is hidden under Барыс-3"
red=$(awk -v x="$ax" -v y="$ay" '$1 == "R" && ($2 - x) ^ 2 + ($3 - y) ^ 2 <= 144 { n++ } END { print n + 0 }' "$work/pixels.txt")
echo "# the accident's diamond at $ax,$ay: $orange orange pixels, $red of the unit's red within 12 px"
[ "$orange" -ge 15 ] && [ "$red" -eq 0 ] ||
  fail "the accident's diamond is hidden by Барыс-3 on scene: $orange orange pixels, $red red ones around it"
import -window "$wid" "$work/on-scene.png"
ok "the accident's diamond and digit show over Барыс-3 standing on it"

wait_for "$work/board.log" "Escalation: 1 overdue, " 40
# The pulse, for a person to look at: it lasts 1.2 s.
import -window "$wid" "$work/pulse.png"
wait_for "$work/board.log" "List row pulses: $assault" 5
wait_for "$work/board.log" "Incidents marked overdue: 1" 5
grep -q "Map symbol pulses: $assault" "$work/board.log" || fail "the map symbol did not pulse"
sleep 1
after=$(magenta 0 150 360 120)
import -window "$wid" "$work/queue-overdue.png"
echo "# magenta pixels in the queue after: $after"
[ "$before" -lt 200 ] && [ "$after" -gt $((before + 2000)) ] ||
  fail "the overdue row did not change colour: $before magenta pixels before, $after after"
ok "the assault, unassigned past 15 s, turns magenta in the queue"
[ "$(grep -c "List row pulses: $assault" "$work/board.log")" -eq 1 ] || fail "the row pulsed more than once"
ok "its row and its map symbol pulse once"
header=$(magenta 0 0 600 50)
echo "# magenta pixels in the header: $header"
[ "$header" -gt 100 ] || fail "no overdue count in the header"
ok "the header counts it: $(grep -o 'Escalation: [0-9]* overdue' "$work/board.log" | tail -n 1)"
# Барыс-3, on scene since the accident was registered, past 10 s.
wait_for "$work/board.log" "Escalation: 1 overdue, 1 long on scene" 40
wait_for "$work/board.log" "Units marked long on scene: 1" 5
grep -q "Map symbol pulses: ${id[Барыс-3]}" "$work/board.log" || fail "Барыс-3's map symbol did not pulse"
# In the list of units its row is tinted too.
xdotool mousemove 132 75 click 1 sleep 1 mousemove 1590 990 sleep 0.5
# The rows begin below the filter, the counts line and the search: look down to 400 px.
units_tinted=$(magenta 0 150 400 250)
echo "# magenta pixels in the list of units: $units_tinted"
import -window "$wid" "$work/long-on-scene.png"
[ "$units_tinted" -gt 2000 ] || fail "Барыс-3's row in the list of units is not tinted"
xdotool mousemove 77 75 click 1 sleep 0.5 mousemove 1590 990
ok "Барыс-3, on scene longer than allowed, is marked on the map, in the list of units and in the header"

# --- The road in the dispatch confirmation -------------------------------------------------
wait_for "$work/board.log" "Road graph built" 60
blobs 'rgb(51,209,122)' >"$work/units.txt"
# The assault's diamond, split by its digit, nearest the map's centre.
blobs 'rgb(238,40,56)' 4 >"$work/incidents.txt"
sed 's/^/# /' "$work/units.txt" "$work/incidents.txt"
fx= ix=
read -r fx fy _ < <(sort -n -k1 "$work/units.txt" | tail -n 1) || true
read -r ix iy < <(awk '{ d = ($1 - 808) ^ 2 + ($2 - 426) ^ 2; if (n++ == 0 || d < best) { best = d; x = $1; y = $2 } }
  END { if (n) print x, y }' "$work/incidents.txt") || true
[ -n "$fx" ] && [ -n "$ix" ] || fail "Барыс-6 or the assault not found on the map"
xdotool mousemove "$ix" "$iy" click 1 sleep 0.3 mousemove "$fx" "$fy" click 1 sleep 0.3
xdotool key ctrl+d
wait_for "$work/board.log" "Asking to confirm: .*Барыс-6" 10
wait_for "$work/board.log" "Confirmation road: .*[0-9][.,][0-9]" 10
wait_for "$work/board.log" "Confirmation warns: Барыс-7 " 5
grep "Confirmation road: \|Confirmation warns: " "$work/board.log" | sed 's/^.*Confirmation/# Confirmation/'
# No window manager: raise the confirmation over the board, for the
# screenshot a person looks at.
dialog=$(timeout 10 xdotool search --sync --onlyvisible --name 'Барыс-6' | head -n 1) || fail "no confirmation window"
xdotool windowmove "$dialog" 400 250 windowraise "$dialog"
sleep 0.5
import -window root "$work/confirm.png"
xdotool key Escape
wait_for "$work/board.log" "Dispatch not confirmed" 5
ok "sending Барыс-6 shows its road distance and ETA, and that Барыс-7 is nearer"
