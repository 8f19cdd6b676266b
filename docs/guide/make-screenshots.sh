#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the user guide's screenshots (docs/guide/*.png) of the real board,
# in English, against dozord running the Almaty demo scenario on a free
# loopback port with a scratch database. Not a test, not run by CI: run it
# by hand before a release, look at every picture, and commit them.
#
#   docs/guide/make-screenshots.sh [BUILD-DIR]     (default: build)
#
# Needs xvfb-run, xdotool, ImageMagick (import, convert), curl and jq;
# pngquant is used when installed. Starts its own X display.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=$root/docs/guide

if [ -z "${GUIDE_SHOTS_UNDER_X:-}" ]; then
  GUIDE_SHOTS_UNDER_X=1 exec xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
    dbus-run-session -- "$0" "$build"
fi

# The UI tests' helpers: a scratch $work, cleanup of $board and $server
# on exit, wait_for, fail, focus_window.
export DOZORD=$build/server/dozord DOZORCTL=$build/tools/dozorctl
test=make-screenshots
# shellcheck source=../../tests/ui/board-test.sh
. "$root/tests/ui/board-test.sh"

# The guide's language, and a board that keeps nothing of the user's.
export LANGUAGE=en LC_ALL=C.UTF-8 LANG=C.UTF-8
export GSETTINGS_SCHEMA_DIR=$build/data DOZOR_LOCALE_DIR=$build/po DOZOR_DATA_DIR=$root/data GTK_A11Y=none
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# shot NAME GEOMETRY [WIDTH]: the screen, cropped to GEOMETRY (WxH+X+Y)
# and scaled down to WIDTH pixels, as docs/guide/NAME.png, in few colours
# (each under 300 KiB).
shot() {
  xdotool mousemove 1919 1079
  sleep 0.5
  import -window root "$work/$1-full.png"
  convert "$work/$1-full.png" -crop "$2" +repage ${3:+-resize "$3x"} "$work/$1.png"
  if command -v pngquant >/dev/null; then
    pngquant --force --output "$out/$1.png" 256 "$work/$1.png"
  else
    convert "$work/$1.png" +dither -colors 128 "PNG8:$out/$1.png"
  fi
  echo "$out/$1.png: $(identify -format '%wx%h' "$out/$1.png"), $(($(stat -c %s "$out/$1.png") / 1024)) KiB"
}

# --- dozord with the Almaty scenario -------------------------------------------------------
password=$(head -n 1 "$root/data/demo/password")
printf '%s\n' "$password" >"$work/password"
for user in supervisor:supervisor wall:wall; do
  "$DOZORCTL" --db "$work/dozord.sqlite" user add "${user%%:*}" --role "${user##*:}" \
    --password-file "$work/password" >/dev/null
  (umask 077 && printf '%s\n%s\n' "${user%%:*}" "$password" >"$work/${user%%:*}.credentials")
done
# More reports an hour than the demo's 30, so that the queue is not empty
# a minute after the start.
"$DOZORD" --db "$work/dozord.sqlite" --listen 127.0.0.1:0 --scenario almaty --seed 1 \
  --incidents-per-hour 600 >"$work/server.out" 2>"$work/server.err" &
server=$!
wait_for "$work/server.out" "listening on" 60
url=$(sed -n 's/^listening on //p' "$work/server.out")
# The scenario brings the demo's plans (data/almaty/plans) with it.

# --- The desk ---------------------------------------------------------------------------
"$build/app/dozor" --backend "$url" --credentials "$work/supervisor.credentials" >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 60
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1600 1000
# A queue of a few dozen reports, as in a busy hour.
sleep 30
# The most urgent incident in the queue, selected: its details and checklist.
xdotool mousemove 150 214 click 1
sleep 3
shot desk 1600x1000+0+0 1280

# Its nearest available units, under the checklist; the third one's
# Dispatch asks to confirm, with the road distance.
xdotool mousemove 180 800
for _ in 1 2 3 4 5 6 7 8; do xdotool click 5; done
sleep 1
xdotool mousemove 355 890 click 1
wait_for "$work/board.log" "Confirmation road: .* by road" 20
shot dispatch 1100x620+0+0
xdotool key Escape
sleep 1

# --- The intake, found by street ------------------------------------------------------------
focus_window Dozor >/dev/null
xdotool key ctrl+n
focus_window "New Incident" >/dev/null
xdotool key alt+s
sleep 0.3
# Latin letters: xdotool cannot type Cyrillic into Xvfb's keymap reliably.
xdotool type --delay 80 'abaya dostyk'
sleep 3
xdotool key Return
sleep 2
shot intake 480x720+0+0
xdotool mousemove 52 28 click 1
focus_window "Discard this report\?" >/dev/null
xdotool key alt+d
sleep 1

# --- The legend ---------------------------------------------------------------------------
focus_window Dozor >/dev/null
xdotool key ctrl+l
sleep 1.5
shot legend 700x540+1000+20
xdotool key Escape
sleep 0.5

# --- A plan activated: the proposal -----------------------------------------------------------
xdotool mousemove 360 75 click 1
sleep 1.5
xdotool mousemove 67 296 click 1
wait_for "$work/board.log" "Plan proposal: " 30
sleep 2
shot plans 1600x1000+0+0 1280

kill "$board"
wait "$board" 2>/dev/null || true
board=

# --- A wall -----------------------------------------------------------------------------------
# Xvfb's screen claims 96 dpi, a desktop monitor's; the size of a 3.6 m
# wall (in the config, as docs/wall.md says for a panel whose EDID lies)
# makes the wall's letters what they would be in a room seen from 6 m.
cat >"$work/wall.conf" <<CONF
[wall]
backend = $url
credentials = wall.credentials
distance_m = 6
center = 43.2385, 76.9300
zoom = 12

[monitor main]
connector = screen
index = 0
shows = grid
grid = map,figures;ticker
width_mm = 3200
height_mm = 1800
CONF
"$build/app/dozor" --wall --wall-config "$work/wall.conf" >"$work/wall.log" 2>&1 &
board=$!
wait_for "$work/wall.log" "Link state: live" 60
sleep 8
shot wall 1920x1080+0+0 1280
