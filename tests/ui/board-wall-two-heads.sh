#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A wall on two monitors (docs/wall.md, "Two monitors in a test"): an X
# server of the test's own, Xorg with the dummy video driver, whose two
# outputs DUMMY0 and DUMMY1 GDK lists as two monitors. Two windows appear,
# each on its monitor and the monitor's size, each sized by the rule for
# its own monitor's millimetres; a monitor switched off closes its window,
# switched on again gets it back; a monitor put in another mode keeps its
# window, which follows.
#
# Xvfb cannot do this (one RandR output, so one GDK monitor); the display
# xvfb-run gives the UI tests is not used here.
set -euo pipefail

dozor=${1:?usage: board-wall-two-heads.sh PATH-TO-DOZOR}
test=board-wall-two-heads
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

command -v Xorg >/dev/null || fail "no Xorg: install xserver-xorg-core (build-aux/debian-packages.txt)"
[ -f /usr/lib/xorg/modules/drivers/dummy_drv.so ] ||
  fail "no dummy video driver: install xserver-xorg-video-dummy (build-aux/debian-packages.txt)"
command -v xrandr >/dev/null || fail "no xrandr: install x11-xserver-utils (build-aux/debian-packages.txt)"

start_dozord admin:admin wall:wall
token=$(token admin)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# --- The X server: two heads side by side, of different sizes -----------------
# The dummy driver (0.4) has 16 outputs; the first is connected, the others
# once a mode is set on them, which "Enable" does at start (dummy-xorg.sh).
# 16 MiB of video memory: enough for the whole screen, both heads, at 32
# bits a pixel.
left_w=1024 left_h=768 right_w=1280 right_h=720
# shellcheck source=dummy-xorg.sh
. "$(dirname "$0")/dummy-xorg.sh"
started=0
start_dummy_xorg "$work" 16384 \
  "${left_w}x${left_h} 65.00 1024 1048 1184 1344 768 771 777 806 -hsync -vsync" \
  "${right_w}x${right_h} 74.25 1280 1390 1430 1650 720 725 730 750 +hsync +vsync" 2>"$work/xorg.err" || started=$?
pids+=("$xorg_pid")
[ "$started" -eq 0 ] || fail "$(cat "$work/xorg.err")"

# The panels' sizes, as their EDIDs would give them (the dummy outputs have
# a WIDTH_MM and HEIGHT_MM property for it): a 21″ 4:3 and a 27″ 16:9
# panel, so that each window's labels are sized for its own pixels a mm.
left_mm="433x325" right_mm="598x336"
xrandr --output DUMMY0 --set WIDTH_MM "${left_mm%x*}" --set HEIGHT_MM "${left_mm#*x}" \
       --output DUMMY1 --set WIDTH_MM "${right_mm%x*}" --set HEIGHT_MM "${right_mm#*x}"
monitors=$(xrandr --listmonitors)
grep -q "DUMMY0 ${left_w}/${left_mm%x*}x${left_h}/${left_mm#*x}+0+0" <<<"$monitors" &&
  grep -q "DUMMY1 ${right_w}/${right_mm%x*}x${right_h}/${right_mm#*x}+${left_w}+0" <<<"$monitors" ||
  fail "the X server's monitors are not the two configured: $monitors"
ok "Xorg (dummy driver) on $DISPLAY has two monitors: $(grep -o 'DUMMY[01] [^ ]*' <<<"$monitors" | paste -sd ' ')"

# --- The wall: the map on the left, figures, incidents and ticker on the right --
lat=43.2385 lon=76.9460
unit=$(api "$token" POST units '{"call_sign":"HH-1","kind":"car"}' | jq -r .id)
[ -n "$unit" ] && [ "$unit" != null ] || fail "the unit was not made"
api "$token" POST positions \
  "{\"positions\":[{\"unit_id\":\"$unit\",\"lat\":$lat,\"lon\":$lon,\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}]}" |
  jq -e '.accepted == 1' >/dev/null || fail "the fix was refused"
api "$token" POST incidents \
  '{"type":"robbery","priority":1,"address":"пр. Абая, 10","location":{"lat":43.2395,"lon":76.9440}}' |
  jq -e .id >/dev/null || fail "the incident was refused"
cat >"$work/wall.conf" <<EOF
[wall]
backend = $url
credentials = wall.credentials
distance_m = 2
center = $lat, $lon
zoom = 16

[monitor left]
connector = DUMMY0
shows = map

[monitor right]
connector = DUMMY1
shows = grid
grid = figures,incidents;ticker
EOF
"$dozor" --wall --wall-config "$work/wall.conf" >"$work/board.log" 2>&1 &
board=$!

left_geometry="${left_w}x${left_h}+0+0" right_geometry="${right_w}x${right_h}+${left_w}+0"
wait_for "$work/board.log" "Wall: 2 monitors configured in .*, 2 plugged in" 30
wait_for "$work/board.log" "Wall monitor left: window on DUMMY0 ($left_geometry)" 30
wait_for "$work/board.log" "Wall monitor right: window on DUMMY1 ($right_geometry)" 30
wait_for "$work/board.log" "Link state: live" 30

# windows: the visible wall windows' geometries on screen, sorted.
windows() {
  xdotool search --onlyvisible --name '^Dozor$' 2>/dev/null | while read -r wid; do
    xwininfo -id "$wid" | awk '/Absolute upper-left X:/ { x = $4 } /Absolute upper-left Y:/ { y = $4 }
      /Width:/ { w = $2 } /Height:/ { h = $2 } END { printf "%dx%d+%d+%d\n", w, h, x, y }'
  done | sort | paste -sd ' '
}
# wait_windows WANT: until the windows on screen are WANT (10 s).
wait_windows() {
  local got=
  for _ in $(seq 1 100); do
    got=$(windows)
    [ "$got" = "$1" ] && return 0
    sleep 0.1
  done
  fail "the wall's windows on screen are “$got”, not “$1”"
}
both=$(printf '%s\n' "$left_geometry" "$right_geometry" | sort | paste -sd ' ')
wait_windows "$both"
ok "two windows, each on its monitor and its size: $both"

# Each window's labels for its own monitor's pixels a millimetre.
for m in "left $left_w $left_h $left_mm" "right $right_w $right_h $right_mm"; do
  read -r name w h mm <<<"$m"
  px_per_mm=$(awk -v w="$w" -v h="$h" -v wm="${mm%x*}" -v hm="${mm#*x}" 'BEGIN { printf "%.3f", (w / wm + h / hm) / 2 }')
  wait_for "$work/board.log" "Wall monitor $name: $px_per_mm px/mm" 10
done
ok "each window's labels are sized for its own monitor: $(grep -o 'Wall monitor [a-z]*: [0-9.]* px/mm' \
  "$work/board.log" | sed 's/Wall monitor //' | paste -sd ',' | sed 's/,/, /g')"

# --- What each monitor shows -------------------------------------------------------
# A screenshot of each monitor; the views are told apart by their colours:
# the map's tiles are drawn from many colours, the panel of figures and lists
# from a few, and the X server's bare root is one.
colours() { convert "$1" -format '%k' info:; }
shoot() { # shoot NAME GEOMETRY: $work/NAME.png, that monitor's pixels
  import -window root -crop "$2" +repage "$work/$1.png"
}
wait_for "$work/board.log" "Units drawn: 1" 30
wait_for "$work/board.log" "Wall figures: " 30
left_colours=0 right_colours=0
for _ in $(seq 1 20); do
  sleep 0.5
  shoot wall-left "$left_geometry"
  shoot wall-right "$right_geometry"
  left_colours=$(colours "$work/wall-left.png") right_colours=$(colours "$work/wall-right.png")
  [ "$left_colours" -gt 1 ] && [ "$right_colours" -gt 1 ] && break
done
[ "$left_colours" -gt 1 ] || fail "the left monitor shows nothing ($left_colours colour)"
[ "$right_colours" -gt 1 ] || fail "the right monitor shows nothing ($right_colours colour)"
ok "each monitor shows its window: $left_colours colours on the left, $right_colours on the right"

# --- A monitor switched off and on again -------------------------------------------
xrandr --output DUMMY1 --off
wait_for "$work/board.log" "Wall monitor right: unplugged, its window closed" 10
wait_windows "$left_geometry"
ok "the right monitor switched off: its window closed, the left one stays ($(windows))"

xrandr --output DUMMY1 --mode "${right_w}x${right_h}" --pos "${left_w}x0"
wait_count "Wall monitor right: window on DUMMY1 ($right_geometry)" 2
wait_windows "$both"
ok "switched on again, it has its window back: $(windows)"

# --- A monitor that changes its mode in place ----------------------------------------
# Another mode on the same output: the same GDK monitor, new geometry; its
# window follows, and its labels are sized for the new pixels a mm.
xrandr --output DUMMY1 --mode "${left_w}x${left_h}" --pos "${left_w}x0"
changed="${left_w}x${left_h}+${left_w}+0"
wait_for "$work/board.log" "Wall monitor right: now $changed, ${right_mm%x*} × ${right_mm#*x} mm" 10
wait_windows "$(printf '%s\n' "$left_geometry" "$changed" | sort | paste -sd ' ')"
px_per_mm=$(awk -v w="$left_w" -v h="$left_h" -v wm="${right_mm%x*}" -v hm="${right_mm#*x}" \
  'BEGIN { printf "%.3f", (w / wm + h / hm) / 2 }')
wait_for "$work/board.log" "Wall monitor right: $px_per_mm px/mm" 10
ok "the right monitor in another mode: its window follows ($(windows)), labels for $px_per_mm px/mm"

stop_board
echo "1..$n"
