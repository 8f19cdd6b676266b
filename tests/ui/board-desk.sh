#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 20: a keyboard user is never stuck on the desk, against a real
# dozord with a busy queue (40 incidents) and units reporting every 3 s.
# From the window's start, Tab reaches the map within TAB_BOUND presses,
# and Shift+Tab goes round the whole window back to it within the same
# bound: GTK 4.8's list views took Tab as "next row", so the queue's rows
# alone were 40 presses, and while units reported the rows moved under the
# focus and Tab never left the list. The details pane under the lists,
# made anew every 2 s, dropped the focus of a label in it, and the next
# Tab started again at the window's first button. F6 and Shift+F6 move
# the keyboard between the sidebar, the map and the header bar.
set -euo pipefail

dozor=${1:?usage: board-desk.sh PATH-TO-DOZOR SOURCE-ROOT}
test=board-desk
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

# Every widget the keyboard stops at, header and sidebar together, is
# about 20 on a supervisor's desk; the queue counts once.
TAB_BOUND=30

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)
clat=43.2385 clon=76.9460

positions=
for i in $(seq 1 12); do
  read -r lat lon < <(place $((i * 150 - 900)) $((i * 90 - 500)))
  add_unit "Барыс-$i" available "$lat" "$lon"
done
report_positions &
pids+=("$!")
types=(theft assault traffic_accident suspicious)
for i in $(seq 1 40); do
  read -r lat lon < <(place $((i * 70 - 1400)) $((1400 - i * 60)))
  api "$sup" POST incidents "{\"type\":\"${types[i % 4]}\",\"priority\":$((i % 4 + 1)),\"location\":{\"lat\":$lat,\"lon\":$lon}}" |
    jq -e .id >/dev/null || fail "incident $i was not made"
done

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 14 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1500 950 windowfocus --sync "$wid"
wait_for "$work/board.log" "List count: 40 of 40 open incidents" 20
sleep 1

# presses KEY: KEY pressed until the map has the keyboard again, at most
# TAB_BOUND times, each press once the last has landed; sets $pressed to
# how many presses it took, or fails. Where each press landed goes to the
# TAP output as comments.
presses() {
  local before start moves
  before=$(count "Focus on DozorMapView")
  start=$(($(wc -l <"$work/board.log") + 1))
  for pressed in $(seq 1 "$TAB_BOUND"); do
    moves=$(count "Focus on ")
    xdotool key "$1"
    wait_count "Focus on " $((moves + 1))
    # The details under the lists are made anew every 2 s (their ages):
    # on a label there, stay as a reader would, past a remaking.
    if grep "Focus on " "$work/board.log" | tail -n 1 | grep -q "Focus on GtkLabel "; then
      sleep 2.5
    fi
    [ "$(count "Focus on DozorMapView")" -le "$before" ] || break
  done
  tail -n +"$start" "$work/board.log" | sed -n 's/^.*Focus on /'"$1"' to /p' | uniq -c | sed 's/^ */# /'
  [ "$(count "Focus on DozorMapView")" -gt "$before" ] || fail "$TAB_BOUND presses of $1 did not reach the map"
}

presses Tab
forward=$pressed
in_list=$(grep -c "Focus on GtkListItemWidget" "$work/board.log" || true)
[ "$in_list" -le 1 ] || fail "Tab stopped $in_list times in the queue's rows"
ok "from the window's start, Tab reaches the map in $forward presses (bound $TAB_BOUND), stopping once in the queue of 40"
presses shift+Tab
back=$pressed
ok "Shift+Tab goes round the whole window back to the map in $back presses"

# region KEY PART: KEY takes the keyboard to PART (its type name).
region() {
  local before reached
  before=$(count "Focus region: ")
  xdotool key "$1"
  wait_count "Focus region: " $((before + 1))
  reached=$(grep "Focus region: " "$work/board.log" | tail -n 1 | sed 's/^.*Focus region: //')
  [ "$reached" = "$2" ] || fail "$1 took the keyboard to $reached, not $2"
}

maps=$(count "Map focused")
region F6 AdwHeaderBar
region F6 GtkBox
region F6 DozorMapView
[ "$(count "Map focused")" -gt "$maps" ] || fail "F6 reached the map, but the map did not take the keyboard"
ok "F6 goes from the map to the header bar, to the sidebar, and back to the map"
region shift+F6 GtkBox
region shift+F6 AdwHeaderBar
ok "Shift+F6 goes the other way round"

stop_board
echo "1..$n"
