#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 20, items 9, 10 and 11 on a supervisor's desk, against a real
# dozord: the header's clock shows the current date and time; the unit
# list's counts by status are those put on the server (3 available, 1
# dispatched), and follow a status change; what a screen reader reads
# (the accessibility bus, as Orca does): Ctrl+Shift+F finds a unit whose
# row is named in words, and the map describes the unit clicked on it;
# every shortcut is in the shortcuts window (Ctrl+?); F1 opens the user
# guide with the desktop's handler for Markdown; Ctrl+L opens the
# legend, which lists every unit status and incident priority; Alt+1 hides
# the districts (the map stops drawing the district's edge, Alt+1 again
# brings back the same pixels) and Alt+6 the dispatch lines, and the
# choice outlives a restart.
set -euo pipefail

dozor=${1:?usage: board-legend.sh PATH-TO-DOZOR SOURCE-ROOT}
root=${2:?usage: board-legend.sh PATH-TO-DOZOR SOURCE-ROOT}
: "${A11Y_TREE:?}"
test=board-legend
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)
clat=43.2385 clon=76.9460

# Four units near the centre, all available, inside a district of 2 km.
declare -A id
positions=
for spot in "Барыс-1 100 100" "Барыс-2 -150 200" "Барыс-3 200 -250" "Барыс-4 -250 -100"; do
  read -r name north east <<<"$spot"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  read -r lat lon < <(place "$north" "$east")
  positions+="${positions:+,}{\"unit_id\":\"${id[$name]}\",\"lat\":$lat,\"lon\":$lon,\"time\":\"NOW\"}"
done
report_positions &
pids+=("$!")
api "$sup" POST zones "{\"kind\":\"district\",\"name\":\"Центральный\",\"geometry\":$(square 0 0 1000)}" >/dev/null
read -r ilat ilon < <(place 300 300)
incident=$(api "$sup" POST incidents "{\"type\":\"theft\",\"priority\":2,\"location\":{\"lat\":$ilat,\"lon\":$ilon}}" | jq -r .id)
api "$sup" POST dispatches "{\"unit_id\":\"${id[Барыс-1]}\",\"incident_id\":\"$incident\"}" | jq -e .id >/dev/null ||
  fail "the dispatch was not made"

start_board() {
  # A screen reader's view: GTK on the accessibility bus.
  env -u GTK_A11Y XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
    "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 14 \
    >"$work/$1.log" 2>&1 &
  board=$!
  wait_for "$work/$1.log" "Link state: live" 30
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800 windowfocus --sync "$wid"
  sleep 1
}
# The desktop's handler for Markdown, the test's own: it notes what the
# board asks the desktop to open (F1, the user guide), and nothing of the
# machine's is started.
mkdir -p "$work/config" "$work/data/applications"
printf '#!/bin/sh\nprintf "%%s\\n" "$1" >>"%s/opened"\n' "$work" >"$work/open-guide"
chmod +x "$work/open-guide"
printf '[Desktop Entry]\nType=Application\nName=Guide test\nExec=%s %%u\nMimeType=text/markdown;\nNoDisplay=true\n' \
  "$work/open-guide" >"$work/data/applications/dozor-guide-test.desktop"
printf '[Default Applications]\ntext/markdown=dozor-guide-test.desktop\n' >"$work/config/mimeapps.list"
# The settings kept across the restart below, in a file as at a desk.
export GSETTINGS_BACKEND=keyfile
start_board board

# --- The clock ----------------------------------------------------------------------------
wait_for "$work/board.log" "Clock shows: " 10
shown=$(sed -n "s/.*Clock shows: //p" "$work/board.log" | tail -n 1 | tr -s " ")
now=$(date +%s)
ok_times=" $(date -d "@$now" +'%D %H:%M') $(date -d "@$((now - 60))" +'%D %H:%M') "
[[ "$ok_times" == *" ${shown%:*} "* ]] || fail "the clock shows “$shown” at $(date +'%D %T')"
ok "the header's clock shows the current date and time ($shown)"

# --- Counts by status ------------------------------------------------------------------------
wait_for "$work/board.log" "Unit counts: Available 3 · Dispatched 1 · On scene 0 · Stale 0" 15
ok "the unit list counts 3 available, 1 dispatched, none on scene or stale, as on the server"
version=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r ".units[] | select(.id == \"${id[Барыс-2]}\") | .version")
curl -sf -X PATCH "$url/api/v1/units/${id[Барыс-2]}" -H "Authorization: Bearer $sup" -H "If-Match: $version" \
  -d '{"status":"busy"}' >/dev/null || fail "the status change was refused"
wait_for "$work/board.log" "Unit counts: Available 2 · Dispatched 1 · On scene 0 · Busy 1 · Stale 0" 10
ok "a status change on the server changes the counts within seconds"

# --- What a screen reader reads ----------------------------------------------------------
# a11y_read: what the board shows a screen reader now, for a11y ROLE: the
# names (and descriptions) of its objects of that role.
a11y_read() {
  for _ in 1 2 3; do
    timeout 90 "$A11Y_TREE" dozor >"$work/a11y.txt" 2>"$work/a11y.err" && return 0
    sleep 1
  done
  fail "the board is not on the accessibility bus: $(tail -n 3 "$work/a11y.err")"
}
a11y() {
  awk -F '\t' -v role="$1" '$1 == role { print $2 "|" $3 }' "$work/a11y.txt"
}
xdotool key ctrl+shift+f
sleep 0.5
xdotool type 3
sleep 1.5
a11y_read
rows=$(a11y "list item" | grep "^Барыс" || true)
[[ "$rows" =~ ^"Барыс-3, Available, position "[0-9]+"${nbsp}s old|"$ ]] ||
  fail "after Ctrl+Shift+F and “3” the unit list's rows read: ${rows:-nothing}"
ok "Ctrl+Shift+F finds a unit; its row reads “${rows%|}”"
a11y "list item" | grep -q "^Incident 2026[0-9-]*, Theft, Priority 2 — urgent, Dispatched, [0-9]*${nbsp}s ago|" ||
  fail "no incident row reads its number, type, priority and status: $(a11y "list item")"
ok "the incident queue's row reads its number, type, priority, status and age"
[ "$(a11y widget | grep '^Map|')" = "Map|Nothing selected on the map" ] || fail "the map reads: $(a11y widget | grep '^Map|')"
# Барыс-3 is 200 m north and 250 m west of the map's middle (x 808, y 426:
# right of the 417-pixel side pane, under the header bar), 6.96 m a pixel.
xdotool mousemove 772 397 click 1
wait_for "$work/board.log" "Map described: Selected: unit Барыс-3" 5
a11y_read
map=$(a11y widget | grep '^Map|')
[[ "$map" =~ ^"Map|Selected: unit Барыс-3, Available, position "[0-9]+"${nbsp}s old"$ ]] || fail "the map reads: $map"
ok "the map, clicked on a unit, describes it: “${map#Map|}”"
a11y button | grep -qx "Legend and Layers|Legend and Layers" || fail "the legend's button has no name"
ok "the header's icon buttons have names"

# --- Shortcuts ----------------------------------------------------------------------------------
missing=
for action in $(sed -n 's/^ *{ "\([a-z]*\.[a-z-]*\)", {.*/\1/p' "$root/app/dozor-application.c"); do
  grep -q "<property name=\"action-name\">$action</property>" "$root/app/gtk/help-overlay.ui" || missing+=" $action"
done
[ -z "$missing" ] || fail "actions with a shortcut not in the shortcuts window:$missing"
for action in win.new-incident win.dispatch win.find-incident win.find-unit map.legend map.layer-districts \
              win.set-readiness win.fullscreen app.preferences app.quit; do
  grep -q "{ \"$action\", { \"" "$root/app/dozor-application.c" || fail "$action has no shortcut"
done
ok "intake, dispatch, search, find unit, legend, layers, readiness, full screen, preferences and quit have shortcuts, all in the shortcuts window"
# The shortcuts window has no title for X to name: count the board's
# windows, once the pointer is off the map and its tooltip gone.
xdotool mousemove 1190 790
sleep 1
focus_window Dozor >/dev/null
before=$(xdotool search --onlyvisible --pid "$board" | wc -l)
xdotool key ctrl+shift+slash
for _ in $(seq 1 150); do
  [ "$(xdotool search --onlyvisible --pid "$board" | wc -l)" -gt "$before" ] && break
  sleep 0.1
done
[ "$(xdotool search --onlyvisible --pid "$board" | wc -l)" -gt "$before" ] || fail "Ctrl+? shows no shortcuts window"
xdotool key Escape
focus_window Dozor >/dev/null
ok "Ctrl+? opens the shortcuts window"

# --- The user guide ---------------------------------------------------------------------------
# From the build tree the guide is the source's docs/guide.md.
xdotool key F1
wait_for "$work/board.log" "Guide opened: file://$root/docs/guide.md" 5
# GIO hands a local file to the handler as a path or as a file:// URI.
wait_for "$work/opened" "^\(file://\)\?$root/docs/guide.md\$" 10
kill -0 "$board" 2>/dev/null || fail "the board stopped after F1"
ok "F1 hands the source's docs/guide.md to the desktop's handler for Markdown"

# --- The legend -------------------------------------------------------------------------------
xdotool key ctrl+l
sleep 1.5
wait_for "$work/board.log" "Legend shown: " 10
legend=$(sed -n 's/.*Legend shown: //p' "$work/board.log" | tail -n 1)
for row in Available Dispatched "En route" "On scene" Busy "Off duty" "Position not current" \
           "Priority 1 — immediate" "Priority 2 — urgent" "Priority 3 — normal" "Priority 4 — low" \
           "District" "Patrol sector" "Patrol route" "Dispatch line: unit on its way" "Coverage gap" \
           "Violet: a unit off its route or post"; do
  [[ "; $legend" == *"; $row"* ]] || fail "the legend does not list “$row”: $legend"
done
ok "Ctrl+L opens the legend; it lists the six unit statuses, a stale position, the four priorities, the areas and a deviation's violet"
sleep 0.5
import -window root "$work/legend.png"
xdotool key Escape
sleep 0.5

# --- High contrast: the symbols, normal here -----------------------------------------------
# Барыс-1, dispatched, 100 m north and east of the map's middle.
# symbol_look NAME: how many of the 24 × 24 pixels around it are black, and
# how many white (light and without colour: not the yellow disc).
symbol_look() {
  import -window root -crop 24x24+$((808 + 14 - 12))+$((426 - 14 - 12)) +repage "$work/$1.png"
  echo "$(convert "$work/$1.png" -colorspace gray -threshold 8% -negate -format '%[fx:round(mean * 576)]' info:)" \
       "$(convert "$work/$1.png" -fx '(saturation < 0.15 && lightness > 0.6) ? 1 : 0' -format '%[fx:round(mean * 576)]' info:)"
}
grep -q "Map symbols for high contrast: no" "$work/board.log" || fail "the map draws for high contrast unasked"
read -r normal_black normal_white < <(symbol_look symbol-normal)

# --- Layers -------------------------------------------------------------------------------------
wait_for "$work/board.log" "Dispatch lines drawn: 1" 10
# The district's west edge is 1 km west of the centre: a strip across it,
# with no unit, incident or line in it.
xdotool mousemove 1190 790
shot() {
  sleep 1.5
  import -window root -crop 60x200+"$1"+320 +repage "$work/$2.png"
}
# Where the edge is: the map's middle (right of the 417-pixel side pane)
# less 1 km at zoom 14 (6.96 m a pixel at this latitude).
edge=$(awk 'BEGIN { printf "%d", 417 + (1200 - 417) / 2 - 1000 / 6.96 - 30 }')
shot "$edge" with
xdotool key alt+1
wait_for "$work/board.log" "Area layers shown: districts off, sectors on, routes on, places on" 5
shot "$edge" without
changed=$(compare -metric AE "$work/with.png" "$work/without.png" null: 2>&1 || true)
[ "${changed%% *}" -gt 100 ] || fail "hiding the districts changed only ${changed} pixels across the edge"
xdotool key alt+1
wait_for "$work/board.log" "Area layers shown: districts on, sectors on, routes on, places on" 5
shot "$edge" again
back=$(compare -metric AE "$work/with.png" "$work/again.png" null: 2>&1 || true)
[ "${back%% *}" -lt 20 ] || fail "showing the districts again left ${back} pixels different"
ok "Alt+1 hides the district's edge (${changed%% *} pixels change) and brings it back (${back%% *} differ)"

xdotool key alt+6
wait_for "$work/board.log" "Dispatch lines drawn: 0" 5
ok "Alt+6 hides the dispatch lines"

stop_board
# Again, the desktop asking for high contrast (libadwaita's own switch).
ADW_DEBUG_HIGH_CONTRAST=1 start_board board2
wait_for "$work/board2.log" "Units drawn: 4" 15
wait_for "$work/board2.log" "Map symbols for high contrast: yes" 5
sleep 1
read -r contrast_black contrast_white < <(symbol_look symbol-contrast)
[ "$contrast_black" -gt $((normal_black + 8)) ] && [ "$contrast_white" -gt $((normal_white + 20)) ] ||
  fail "in high contrast the dispatched unit has $contrast_black black and $contrast_white white pixels, otherwise $normal_black and $normal_white"
ok "in high contrast a unit's symbol has a black outline and mark, and a white rim ($contrast_black black and $contrast_white white pixels, not $normal_black and $normal_white)"
grep -q "Dispatch lines drawn: 1" "$work/board2.log" && fail "after a restart the dispatch lines are drawn again"
xdotool key alt+6
wait_for "$work/board2.log" "Dispatch lines drawn: 1" 5
ok "the hidden layer stays hidden after a restart, and Alt+6 shows it again"

echo "1..$n"
