#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Each basemap tile of the view held once (docs/performance.md,
# "tilecopies"): where nothing is drawn over the basemap, the overlays'
# tiles hold the image DozorTileSource composed instead of copies of it,
# and the map still shows its streets; where an incident is registered,
# its tiles are drawn over a copy and show it.
set -euo pipefail

dozor=${1:?usage: board-tile-copies.sh PATH-TO-DOZOR}
test=board-tile-copies
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

# GTK's GL renderer, as a desk draws here (on llvmpipe): the tiles drawn
# over a copy then go into textures the board uploads itself.
export GSK_RENDERER=gl
start_dozord sup:supervisor
sup=$(token sup)
start_map_desk 43.2389,76.9453 15
sleep 1
wait_for "$work/board.log" "Basemap drawn in the overlays' tiles" 30
sleep 2

# totals FIELD: the sum of one figure of the "Tiles drawn" lines so far
# (1 tiles drawn, 2 holding their steady tile's image, 3 steady tiles
# drawn, 4 holding the basemap's).
totals() {
  sed -n "s/.*Tiles drawn: \([0-9]*\), \([0-9]*\) holding their steady tile's image; steady tiles drawn: \([0-9]*\), \([0-9]*\) holding.*/\\$1/p" \
    "$work/board.log" | awk '{ sum += $1 } END { print sum + 0 }'
}
drawn=$(totals 1) shared=$(totals 2) steady=$(totals 3) steady_shared=$(totals 4)
[ "$drawn" -gt 0 ] || fail "no tile of the overlays was drawn"
# Nothing is on this map but the basemap: no zone, unit or incident.
[ "$shared" = "$drawn" ] ||
  fail "only $shared of $drawn tiles with nothing over the basemap hold the image beneath them"
[ "$steady_shared" -gt 0 ] || fail "none of $steady steady tiles holds the basemap's own image"
ok "$shared of $drawn tiles hold their steady tile's image, $steady_shared of $steady steady tiles the basemap's"

colours() {
  import -window root -crop "$3x$4+$1+$2" +repage "$work/$5.png"
  convert "$work/$5.png" -format %k info:
}
# The map is right of the side pane, which ends at x = 417.
streets=$(colours 420 150 700 500 streets)
[ "$streets" -gt 200 ] || fail "the map shows $streets colours: no streets (a shared tile drawn wrongly)"
ok "the map shows its streets ($streets colours)"

# incident_drawn LAT,LON: a priority-1 incident registered there, once
# tiles were drawn for it.
incident_drawn() {
  local before
  before=$(totals 1)
  api "$sup" POST incidents \
    "{\"type\":\"robbery\",\"priority\":1,\"location\":{\"lat\":${1%,*},\"lon\":${1#*,}},\"address\":\"пл. Республики, 4\"}" |
    jq -e .id >/dev/null || fail "the incident at $1 was not registered"
  for _ in $(seq 1 150); do
    [ "$(totals 1)" -gt "$before" ] && break
    sleep 0.1
  done
}

# An incident at the map's centre: its tiles are drawn over a copy, not
# left holding the bare basemap, and it shows.
colours 700 250 220 220 before >/dev/null
before_drawn=$drawn before_shared=$shared
incident_drawn 43.2389,76.9453
# Past the new incident's pulse (1.2 s), drawn over the tiles.
sleep 3
drawn=$(($(totals 1) - before_drawn)) shared=$(($(totals 2) - before_shared))
[ "$drawn" -gt 0 ] || fail "no tile was drawn for the incident within 15 s"
[ "$shared" -lt "$drawn" ] || fail "all $drawn tiles drawn for the incident hold the bare image beneath them"
colours 700 250 220 220 after >/dev/null
changed=$(compare -metric AE "$work/before.png" "$work/after.png" null: 2>&1 || true)
[ "${changed%% *}" -gt 50 ] 2>/dev/null || fail "the incident does not show on the map ($changed pixels changed)"
ok "the incident's tiles are drawn over a copy and show it ($((drawn - shared)) of $drawn, $changed pixels)"

# Those tiles went into textures of the board's own (their pixels freed
# once uploaded: app/map/dozor-tile-uploader.c), and show the priority-1
# red as drawn: a tile uploaded in the wrong byte order shows it blue.
uploaded=$(sed -n 's/.*Tiles uploaded by the board: \([0-9]*\);.*/\1/p' "$work/board.log" | awk '{ sum += $1 } END { print sum + 0 }')
[ "$uploaded" -gt 0 ] || fail "no tile went into a texture of the board's own (GL renderer)"
# red_blue NAME: the priority-1 red pixels of $work/NAME.png, and the
# blue that red turns into in the wrong byte order.
red_blue() {
  convert "$work/$1.png" -depth 8 txt:- | awk -F'[(),]' '
    NR > 1 && $3 > 200 && $4 < 80 && $5 < 100 { red++ }
    NR > 1 && $5 > 200 && $4 < 80 && $3 < 100 { blue++ }
    END { print red + 0, blue + 0 }'
}
read -r red blue < <(red_blue after)
[ "$red" -gt 20 ] || fail "the incident's red does not show ($red red pixels, $blue blue)"
ok "$uploaded tiles uploaded by the board; the incident shows red ($red pixels, $blue blue)"

# Two more incidents beside the first, one after the other: their tiles
# are drawn again each time, and the textures the earlier ones released
# are written over (app/map/dozor-tile-uploader.c). Each tile must show
# what was drawn last: a texture written over wrongly shows an older
# drawing, without the newer incidents, or another tile's.
one=$red
incident_drawn 43.2419,76.9428
# The first's textures are released once a frame shows the second's.
sleep 0.5
incident_drawn 43.2404,76.9453
sleep 3
reused=$(sed -n 's/.*written over: \([0-9]*\) in all.*/\1/p' "$work/board.log" | tail -n 1)
[ "${reused:-0}" -gt 0 ] || fail "no texture was written over for the incidents' tiles drawn again"
colours 700 250 220 220 three >/dev/null
read -r red _ < <(red_blue three)
# Three diamonds, apart, against one: 90 % of three times as many.
[ "$red" -ge $((one * 27 / 10)) ] ||
  fail "three incidents show $red red pixels against $one for one: a tile written over shows an older drawing"
streets=$(colours 420 150 700 500 streets-after)
[ "$streets" -gt 200 ] || fail "after the textures were written over the map shows $streets colours"
ok "textures written over: $reused; three incidents show $red red pixels (one: $one), the streets $streets colours"
echo "1..$n"
