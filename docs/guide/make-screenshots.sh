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
# With GUIDE_SHOTS_FROM=reports in the environment, only the Reports
# dialog, the replay and the wall are taken.
#
# Needs xvfb-run, xdotool, ImageMagick (import, convert), curl, jq, gettext
# and localedef (Debian's locales package: the guide's locale is made in a
# scratch folder, so that the board writes dates and numbers as in that
# language, whatever locales the machine has); pngquant is used when
# installed. Starts its own X display, and finds the board's buttons and
# pages by their names on the accessibility bus (build's tests/a11y-tree,
# built with the UI tests), not by where they were last time.
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

# The guide's language and its locale (dates, month names, numbers), and a
# board that keeps nothing of the user's.
case "$lang" in
  en) locale=en_US ;;
  kk) locale=kk_KZ ;;
  ru) locale=ru_RU ;;
esac
mkdir -p "$work/locale"
localedef -i "$locale" -f UTF-8 "$work/locale/$locale.UTF-8" ||
  fail "localedef could not make $locale.UTF-8 (Debian's locales package)"
export LOCPATH=$work/locale
export LANGUAGE=$lang LC_ALL=$locale.UTF-8 LANG=$locale.UTF-8
export GSETTINGS_SCHEMA_DIR=$build/data DOZOR_LOCALE_DIR=$build/po DOZOR_DATA_DIR=$root/data
# The board on the accessibility bus, where a11y-tree finds its widgets.
unset GTK_A11Y NO_AT_BRIDGE
a11y_tree=$build/tests/a11y-tree
[ -x "$a11y_tree" ] || fail "no $a11y_tree: build it (meson compile -C build tests/a11y-tree)"
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# shown TEXT: TEXT as the board shows it in the guide's language (its
# translation in the build's catalogues), so that windows are found by the
# titles they have, in any language.
shown() { TEXTDOMAINDIR=$build/po gettext -d dozor "$1"; }
title=$(shown Dozor)
# label TEXT: what a label TEXT (with its mnemonic's underscore) reads in
# the guide's language, as a screen reader is told it.
label() { shown "$1" | sed 's/_//'; }

# a11y_find ROLE NAME: "X Y" of the middle of the first object of the board
# with that role and name on the accessibility bus, in its X window (GTK
# gives it within the window's content, which lies inside the X window by
# the margin of its shadows and resize borders: half the difference in
# width, and in height). A few tries while the board builds it.
a11y_find() {
  local tries
  for tries in 1 2 3 4 5; do
    if timeout 200 "$a11y_tree" --find "$1" "$2" dozor >"$work/a11y.txt" 2>"$work/a11y.err"; then
      awk -F '\t' -v W="$WIDTH" -v H="$HEIGHT" '
        NR == 1 { split($4, box, " ") }
        $1 == "native" { split($2, native, " ") }
        END { if (box[3] > 0) print int((W - native[3]) / 2 + box[1] + box[3] / 2),
                                     int((H - native[4]) / 2 + box[2] + box[4] / 2) }' "$work/a11y.txt" | grep . &&
        return 0
    fi
    sleep 5
  done
  echo "# no $1 “$2” on the accessibility bus: $(tail -n 2 "$work/a11y.err")" >&2
  return 1
}
# a11y_click ROLE NAME [WINDOW]: a click on it, in the board's main window
# ($wid) or in WINDOW (an X window id: a popover, a dialog).
a11y_click() {
  local at x y
  eval "$(xdotool getwindowgeometry --shell "${3:-$wid}")"
  at=$(a11y_find "$1" "$2") || fail "the board shows no $1 “$2”"
  read -r x y <<<"$at"
  echo "# $1 “$2” at $((X + x)), $((Y + y))" >&2
  xdotool mousemove $((X + x)) $((Y + y)) sleep 0.3 click 1
}
# press_until PATTERN KEY: KEY to the board's main window until board.log
# says PATTERN (a loaded machine may lose a key pressed while the window
# takes the focus), three tries of 15 s.
press_until() {
  local try
  for try in 1 2 3; do
    focus_window "$title" >/dev/null
    xdotool key "$2"
    for _ in $(seq 1 150); do grep -q -- "$1" "$work/board.log" && return 0; sleep 0.1; done
  done
  fail "$2 gave no “$1” in board.log"
}
# window_shot NAME TITLE: the board's window titled TITLE, on its own, as
# NAME.png; its size as the board gives it.
window_shot() {
  local w
  w=$(timeout 20 xdotool search --sync --onlyvisible --name "^$2\$" | head -n 1) || fail "no window “$2”"
  xdotool windowraise "$w"
  # An X window not drawn yet shows what was under it: time to draw.
  sleep 5
  eval "$(xdotool getwindowgeometry --shell "$w")"
  shot "$1" "$((WIDTH + 20))x$((HEIGHT + 20))+$((X > 10 ? X - 10 : 0))+$((Y > 10 ? Y - 10 : 0))"
}
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

# activate ACTION: the board's window action ACTION (win.NAME) through
# D-Bus, where GtkApplication exports each window's actions under the
# application's path; the board is found on the bus by its process (it is
# not unique, so it owns no well-known name).
app_path=/kz/dozor/Board
activate() {
  local name pid node actions
  for name in $(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
                  --method org.freedesktop.DBus.ListNames | grep -o "':[0-9.]*'" | tr -d "'"); do
    pid=$(gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
            --method org.freedesktop.DBus.GetConnectionUnixProcessID "$name" 2>/dev/null |
            sed -n 's/^(uint32 \([0-9]*\),)$/\1/p') || continue  # a name gone meanwhile
    [ "$pid" = "$board" ] || continue
    for node in $(gdbus introspect --session --dest "$name" --object-path "$app_path/window" |
                    sed -n 's/^ *node \(.*\/\)\{0,1\}\([0-9][0-9]*\) {.*/\2/p'); do
      actions=$(gdbus call --session --dest "$name" --object-path "$app_path/window/$node" \
                  --method org.gtk.Actions.List) || continue
      [[ "$actions" == *"'${1#win.}'"* ]] || continue
      echo "# $1 activated on $name $app_path/window/$node" >&2
      gdbus call --session --dest "$name" --object-path "$app_path/window/$node" \
        --method org.gtk.Actions.Activate "${1#win.}" '[]' '{}' >/dev/null ||
        fail "the board refused to activate $1"
      return 0
    done
  done
  fail "no window of the board's (process $board) on the session bus has the action $1"
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
# The accessibility bus and its registry running before the board starts,
# so that the board registers with it (a board started first did not
# always appear there).
timeout 60 "$a11y_tree" --find none none dozor >/dev/null 2>&1 || true
# Even so, a board on a loaded machine was sometimes not there at all (GTK
# registers once, at its start): such a board is started again, three
# tries.
for try in 1 2 3; do
  "$build/app/dozor" --backend "$url" --credentials "$work/supervisor.credentials" >"$work/board.log" 2>&1 &
  board=$!
  wait_for "$work/board.log" "Link state: live" 60
  # The reports, the replay and the wall need no accessibility bus.
  [ "${GUIDE_SHOTS_FROM:-}" = reports ] && break
  for _ in 1 2 3 4 5 6; do
    timeout 60 "$a11y_tree" --find none none dozor >/dev/null 2>"$work/a11y.err" || true
    grep -q "no application" "$work/a11y.err" || break
    sleep 5
  done
  grep -q "no application" "$work/a11y.err" || break
  echo "# the board is not on the accessibility bus (try $try): started again" >&2
  [ "$try" = 3 ] && fail "the board did not appear on the accessibility bus in three starts"
  kill "$board"
  wait "$board" 2>/dev/null || true
done
wid=$(timeout 10 xdotool search --sync --onlyvisible --name "^$title\$" | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1600 1000
# GUIDE_SHOTS_FROM=reports: only the reports, the replay and the wall.
if [ "${GUIDE_SHOTS_FROM:-}" != reports ]; then
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
# The side pane's Plans page, found by its name in this language wherever
# the pages are; its first plan is selected: Activate… (Ctrl+Alt+P).
focus_window "$title" >/dev/null
a11y_click tab "$(shown Plans)"
sleep 1.5
xdotool key ctrl+alt+p
wait_for "$work/board.log" "Plan proposal: " 60
sleep 2
shot plans 1600x1000+0+0 1280
# The units go to their posts: the crisis log has its rows.
xdotool key ctrl+alt+Return
sleep 3

# --- Registers: a message in, one out, and an orientation ------------------------------------------
sup=$(curl -sf -X POST "$url/api/v1/session" -d "{\"username\":\"supervisor\",\"password\":\"$password\"}" | jq -r .token)
# api TOKEN METHOD PATH [BODY]: board-test.sh's.
api "$sup" POST messages '{"direction":"in","kind":"telegram","ref":"14/3-118","sender":"ДП г. Алматы","addressee":"Дежурная часть","summary":"Усилить охрану театра им. Абая на время премьеры"}' >/dev/null
api "$sup" POST messages '{"direction":"out","kind":"fax","sender":"Дежурная часть","addressee":"ДП г. Алматы","summary":"Сводка за ночь","action":"Отправлено"}' >/dev/null
api "$sup" POST orientations '{"kind":"vehicle","plate":"777 ABA 02","description":"Toyota Camry, белая","issued_by":"ДП г. Алматы"}' >/dev/null
press_until "Register messages shown: [1-9]" ctrl+shift+m
window_shot registers "$(shown Registers)"
xdotool key Escape
sleep 1

# --- The crisis log: a degree raised, the plan's dispatches, a note --------------------------------
api "$sup" PUT readiness '{"level":"high","reason":"Митинг, площадь Республики"}' >/dev/null
sleep 2
# Two available units sent to the two newest incidents: rows of the episode.
api "$sup" GET snapshot >"$work/snapshot.json"
read -r -a free < <(jq -r '[.units[] | select(.status == "available") | .id][:2] | join(" ")' "$work/snapshot.json")
read -r -a fresh < <(jq -r '[.incidents[] | select(.status == "new") | .id] | .[-2:] | join(" ")' "$work/snapshot.json")
for i in 0 1; do
  [ -n "${free[$i]:-}" ] && [ -n "${fresh[$i]:-}" ] &&
    api "$sup" POST dispatches "{\"unit_id\":\"${free[$i]}\",\"incident_id\":\"${fresh[$i]}\"}" >/dev/null
done
sleep 2
api "$sup" POST crisis/notes '{"text":"Оцепление площади выставлено"}' >/dev/null
press_until "Crisis log: [1-9][0-9]* rows" ctrl+shift+l
sleep 2
shot crisis-log 1600x1000+0+0 1280

# --- The duty roster: three units of the demo on their routes ------------------------------------------
# A few entries, not the whole shift: with every unit of the demo on the
# roster the board stopped answering Ctrl+Alt+R (see the session's notes).
api "$sup" GET snapshot >"$work/snapshot.json"
from=$(date -u -d '-1 hour' +%Y-%m-%dT%H:00:00Z)
to=$(date -u -d '+11 hour' +%Y-%m-%dT%H:00:00Z)
for i in 0 1 2; do
  jq -c --arg day "$(date -u +%Y-%m-%d)" --arg from "$from" --arg to "$to" --argjson i "$i" '
    .units[$i] as $u | (.routes // []) as $routes
    | {shift_date: $day, from: $from, to: $to, unit_id: $u.id,
       crew: [{name: "Сапаров Н.", rank: "сержант", personal_number: "АЛ-10\($i)"}],
       vehicle: "Lada Vesta 0\($i)7 KZ 02", radio: "Р-2\($i)", weapons: ["ПМ 50\($i)1"]}
      + ([$routes[] | select(.unit_id == $u.id) | .id][0] // null | if . then {route_id: .} else {} end)' \
    "$work/snapshot.json" >"$work/roster-$i.json"
  api "$sup" POST roster "@$work/roster-$i.json" >"$work/roster-answer-$i.json"
  jq -e .id "$work/roster-answer-$i.json" >/dev/null ||
    fail "roster entry $i refused: $(head -c 300 "$work/roster-answer-$i.json")"
done
press_until "Roster pane shown" ctrl+alt+r
window_shot roster "$(shown "Duty Roster")"
xdotool key Escape
sleep 1

# --- Deviations: a unit off its post, summed for the shift ----------------------------------------------
# A tracker of its own, added beside the running dozord; a unit drawn on
# the roster at a post with rules of its own (50 m, 60 s away allowed);
# its fixes of the last minutes: at the post, then 300 m north of it for
# three minutes. Ctrl+Alt+V: the shift's deviations, this unit's among them.
"$DOZORCTL" --db "$work/dozord.sqlite" user add tracker --role tracker --password-file "$work/password" >/dev/null
gps=$(curl -sf -X POST "$url/api/v1/session" \
  -d "$(jq -cn --arg p "$password" '{username: "tracker", password: $p}')" | jq -r .token)
deviant=$(api "$sup" POST units '{"call_sign":"Беркут-90","kind":"car","status":"available"}' | jq -r .id)
api "$sup" POST roster "{\"shift_date\":\"$(date -u +%Y-%m-%d)\",\"from\":\"$from\",\"to\":\"$to\",
  \"unit_id\":\"$deviant\",\"post\":{\"name\":\"Пост-9\",\"location\":{\"lat\":43.2385,\"lon\":76.9460}},
  \"compliance\":{\"threshold_m\":50,\"dwell_s\":60}}" | jq -e .id >/dev/null ||
  fail "the post's roster entry was refused"
t0=$(($(date +%s) - 300)) track=
for i in $(seq 0 10); do
  lat=$([ "$i" -lt 2 ] && echo 43.2385 || echo 43.2412)
  track+="${track:+,}{\"unit_id\":\"$deviant\",\"lat\":$lat,\"lon\":76.9460,\"speed\":0,
    \"time\":\"$(date -u -d "@$((t0 + 20 * i))" +%Y-%m-%dT%H:%M:%SZ)\"}"
done
api "$gps" POST positions "{\"positions\":[$track]}" | jq -e '.accepted == 11' >/dev/null || fail "the track was refused"
sleep 3
press_until "Deviation summary: " ctrl+alt+v
window_shot deviations "$(shown "Deviations This Shift")"
# No window manager closes it: moved off the screen, out of the next pictures.
xdotool windowmove "$(xdotool search --onlyvisible --name "^$(shown "Deviations This Shift")\$" | head -n 1)" 2000 0
sleep 1

# --- The shift handover: the outgoing officer's draft ------------------------------------------------
press_until "Handover draft shown: " ctrl+shift+h
window_shot handover "$(shown "Shift Handover")"
xdotool key Escape
sleep 1

fi

# --- Reports and replay: opened through the board's actions on D-Bus ------------------------------
# A menu's mnemonic differs by language and keyboard layout, and a key can
# be lost while a loaded machine moves the focus: the window's actions are
# on the session bus (GtkApplication exports them), so they are activated
# there, and the dialog is waited for by its title in this language.
activate win.reports
window_shot reports "$(shown Reports)"
xdotool key Escape
sleep 1

activate win.replay
window_shot replay "$(shown Replay)"
xdotool key Escape
sleep 1

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
