#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes the user guide's screenshots of the real board in the guide's
# language (docs/guide/*.png in English, docs/guide/LANG/*.png for the
# Kazakh and Russian guides), against dozord running the Almaty demo
# scenario on a free loopback port with a scratch database. Not a test, not
# run by CI: run it by hand before a release, look at every picture, and
# commit them.
#
#   docs/guide/make-screenshots.sh [--lang en|kk|ru] [BUILD-DIR]
#                                   (default: en, build)
#
# Needs xvfb-run, xdotool, ImageMagick (import, convert), curl, jq and
# gettext; pngquant is used when installed. Starts its own X display.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
lang=en
if [ "${1:-}" = --lang ]; then
  lang=${2:?usage: make-screenshots.sh [--lang en|kk|ru] [BUILD-DIR]}
  shift 2
fi
case "$lang" in
  en) out=$root/docs/guide ;;
  kk|ru) out=$root/docs/guide/$lang ;;
  *) echo "make-screenshots.sh: no guide in “$lang”: en, kk or ru" >&2; exit 2 ;;
esac
build=$(cd "${1:-$root/build}" && pwd)
mkdir -p "$out"

if [ -z "${GUIDE_SHOTS_UNDER_X:-}" ]; then
  GUIDE_SHOTS_UNDER_X=1 exec xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
    dbus-run-session -- "$0" --lang "$lang" "$build"
fi

# The UI tests' helpers: a scratch $work, cleanup of $board and $server
# on exit, wait_for, fail, focus_window.
export DOZORD=$build/server/dozord DOZORCTL=$build/tools/dozorctl
test=make-screenshots
# shellcheck source=../../tests/ui/board-test.sh
. "$root/tests/ui/board-test.sh"

# The guide's language, and a board that keeps nothing of the user's.
export LANGUAGE=$lang LC_ALL=C.UTF-8 LANG=C.UTF-8
export GSETTINGS_SCHEMA_DIR=$build/data DOZOR_LOCALE_DIR=$build/po DOZOR_DATA_DIR=$root/data GTK_A11Y=none
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# shown TEXT: TEXT as the board shows it in the guide's language (its
# translation in the build's catalogues), so that windows are found by the
# titles they have, in any language.
shown() { TEXTDOMAINDIR=$build/po gettext -d dozor "$1"; }
title=$(shown Dozor)
# button_x Y: the middle of the blue (suggested) button on row Y of the
# side pane, whose width follows the language of its labels.
button_x() {
  import -window root -crop 800x1+0+"$1" +repage -depth 8 txt:- |
    sed -n 's/^\([0-9]*\),0: *(\([0-9]*\),\([0-9]*\),\([0-9]*\).*/\1 \2 \3 \4/p' |
    awk '$2 < 100 && $4 > 180 && $4 > $2 + 100 { if (first == "") first = $1; last = $1 }
         END { if (first != "") print int((first + last) / 2) }'
}
# popover_geometry: where the board's window over the main one is (the
# legend, a dialog), as WxH+X+Y, with a margin; the main window is $wid.
popover_geometry() {
  local w
  for w in $(xdotool search --onlyvisible --pid "$board"); do
    [ "$w" = "$wid" ] && continue
    eval "$(xdotool getwindowgeometry --shell "$w")"
    [ "$WIDTH" -gt 300 ] || continue
    echo "$((WIDTH + 20))x$((HEIGHT + 20))+$((X > 10 ? X - 10 : 0))+$((Y > 10 ? Y - 10 : 0))"
    return 0
  done
  return 1
}

# shot NAME GEOMETRY [WIDTH]: the screen, cropped to GEOMETRY (WxH+X+Y)
# and scaled down to WIDTH pixels, as NAME.png in $out, in few colours
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
# A priority 1 incident may wait 20 s unassigned here, not 10 min, so that
# the queue shows overdue incidents (in magenta, counted in the header)
# half a minute after the start; in a keyfile, as an administrator sets it.
mkdir -p "$work/config/glib-2.0/settings"
printf '[kz/dozor/Board]\nincident-wait-limits=[20, 1200, 2400, 5400]\n' \
  >"$work/config/glib-2.0/settings/keyfile"
export GSETTINGS_BACKEND=keyfile
"$build/app/dozor" --backend "$url" --credentials "$work/supervisor.credentials" >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 60
wid=$(timeout 10 xdotool search --sync --onlyvisible --name "^$title\$" | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1600 1000
# A queue of a few dozen reports, as in a busy hour.
sleep 30
# The most urgent incident in the queue, selected: its details and checklist.
xdotool mousemove 150 214 click 1
sleep 3
# Rows that became overdue meanwhile moved above it: the queue from its top.
xdotool mousemove 150 400
sleep 0.5
for _ in 1 2 3 4 5; do xdotool click 4; sleep 0.1; done
sleep 1
shot desk 1600x1000+0+0 1280

# Its nearest available units, under the checklist; the third one's
# Dispatch asks to confirm, with the road distance.
# The road distances come from a worker: scroll until the buttons are there.
xdotool mousemove 200 850
sleep 0.5
x=
for _ in $(seq 1 20); do
  for _ in 1 2 3 4 5 6 7 8; do xdotool click 5; sleep 0.1; done
  sleep 1
  x=$(button_x 890)
  [ -n "$x" ] && break
done
[ -n "$x" ] || fail "no Dispatch button on the side pane at y 890"
xdotool mousemove "$x" 890 click 1
wait_for "$work/board.log" "Asking to confirm: " 20
# The road, first "being computed", then the distance.
sleep 3
where=$(popover_geometry) || fail "the confirmation is not on the screen"
echo "# the confirmation at $where" >&2
shot dispatch 1100x620+0+0
xdotool key Escape
sleep 1

# --- The intake, found by street ------------------------------------------------------------
focus_window "$title" >/dev/null
xdotool key ctrl+n
focus_window "$(shown "New Incident")" >/dev/null
# The form opens on the address; the street search is two fields back
# (its mnemonic is another letter in each language).
xdotool key shift+Tab
sleep 0.3
xdotool key shift+Tab
sleep 0.3
# Latin letters: xdotool cannot type Cyrillic into Xvfb's keymap reliably.
xdotool type --delay 80 'abaya dostyk'
wait_for "$work/board.log" "Address results: [1-9][0-9]* for “abaya dostyk”" 20
sleep 1
xdotool key Return
# A Return that came before the list of streets is pressed again.
for _ in $(seq 1 30); do
  grep -q "Address chosen: " "$work/board.log" && break
  [ "$_" = 10 ] && xdotool key Return
  sleep 0.2
done
wait_for "$work/board.log" "Address chosen: " 10
sleep 2
shot intake 480x720+0+0
# Cancel (the header bar's first button) asks before discarding; Discard
# is the question's second button.
xdotool mousemove 52 28 click 1
wait_for "$work/board.log" "Intake discard asked" 10
sleep 0.5
xdotool key Tab Return
wait_for "$work/board.log" "Intake discarded" 10
sleep 1

# --- The legend ---------------------------------------------------------------------------
focus_window "$title" >/dev/null
xdotool key ctrl+l
wait_for "$work/board.log" "Legend shown: " 10
sleep 2
# The legend is as wide as its language's words.
where=$(popover_geometry) || fail "the legend is not on the screen"
shot legend "$where"
xdotool key Escape
sleep 0.5

# --- A plan activated: the proposal -----------------------------------------------------------
xdotool mousemove 292 75 click 1
sleep 1.5
xdotool mousemove 67 296 click 1
wait_for "$work/board.log" "Plan proposal: " 60
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
