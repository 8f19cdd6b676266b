#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 15, items 1 and 8: a supervisor's desk raises the degree of
# readiness through its own action (Ctrl+Shift+R, the dialog, a crisis
# circle around the map's centre), and a wall on the same dozord shows the
# banner in the level's colour within 1 s, with the area and the incident
# inside it; the wall offers no way to change it. Lowering hides the
# banner on both.
set -euo pipefail

dozor=${1:?usage: board-readiness.sh PATH-TO-DOZOR}
test=board-readiness
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor wall:wall op:operator
token=$(token sup)
wall= desk=

# start NAME USER X [OPTION…]: a board in its own directories, logging to
# $work/board-NAME.log, its window at X.
start() {
  local name=$1 user=$2 x=$3
  shift 3
  XDG_CONFIG_HOME=$work/$name/config XDG_CACHE_HOME=$work/$name/cache XDG_DATA_HOME=$work/$name/data \
    "$dozor" --backend "$url" --credentials "$work/$user.credentials" --center 43.2385,76.9460 --zoom 14 "$@" \
    >"$work/board-$name.log" 2>&1 &
  pids+=($!)
  wait_for "$work/board-$name.log" "Link state: live" 30
}

# log_time FILE PATTERN: seconds since midnight of the first line matching,
# from GLib's "HH:MM:SS.mmm" stamp.
log_time() {
  grep -m 1 -- "$2" "$1" | grep -o '[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]' | head -n 1 |
    awk -F: '{ print $1 * 3600 + $2 * 60 + $3 }'
}

# within_1s FILE-A PATTERN-A FILE-B PATTERN-B: B came at most 1 s after A.
within_1s() {
  local a b
  a=$(log_time "$1" "$2")
  b=$(log_time "$3" "$4")
  [ -n "$a" ] && [ -n "$b" ] || fail "no time stamps on “$2” or “$4”"
  awk -v a="$a" -v b="$b" 'BEGIN { exit !(b - a <= 1.0) }' || fail "“$4” came $(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }') s after “$2”"
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", b - a }'
}

# colour_pixels WINDOW COLOUR SHOT: pixels of that colour in the top 160
# rows of the window (the header and the banner; the map starts below).
colour_pixels() {
  import -window "$1" "$work/$3.png"
  convert "$work/$3.png" -crop x160+0+0 +repage -fuzz 2% -fill black +opaque "$2" -fill white -opaque "$2" \
    -format '%[fx:round(mean*w*h)]' info:
}

# An incident near the centre, inside the circle the desk will draw.
curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $token" -H "Idempotency-Key: r-1" \
  -d '{"type":"public_disorder","priority":1,"address":"пл. Республики","location":{"lat":43.2389,"lon":76.9470}}' \
  >/dev/null

start wall wall 0 --wall
wall_wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no wall window"
xdotool windowmove "$wall_wid" 810 0 windowsize "$wall_wid" 780 700
start desk sup 0
desk_wid=$(xdotool search --onlyvisible --name '^Dozor$' | grep -vx "$wall_wid" | head -n 1) || fail "no desk window"
xdotool windowmove "$desk_wid" 0 0 windowsize "$desk_wid" 800 700
sleep 1

# --- The wall cannot change it --------------------------------------------------
xdotool windowraise "$wall_wid" windowfocus --sync "$wall_wid"
xdotool key ctrl+shift+r
sleep 1
! grep -q "Readiness dialog open" "$work/board-wall.log" || fail "the wall opened the readiness dialog"
ok "the wall offers no way to change the degree of readiness"

# --- Nor can an operator's desk --------------------------------------------------
start op op 0
op_wid=$(xdotool search --onlyvisible --name '^Dozor$' | grep -vx "$wall_wid" | head -n 1) || fail "no operator window"
xdotool windowraise "$op_wid" windowfocus --sync "$op_wid"
xdotool key ctrl+shift+r
sleep 1
! grep -q "Readiness dialog open" "$work/board-op.log" || fail "an operator's desk opened the readiness dialog"
kill "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true
sleep 0.5
ok "an operator's desk offers no way to change it either"

# --- Raised at the desk, with a circle around the map's centre ------------------
xdotool windowraise "$desk_wid" windowfocus --sync "$desk_wid"
xdotool key ctrl+shift+r
wait_for "$work/board-desk.log" "Readiness dialog open" 10
focus_window "Degree of Readiness" >/dev/null
xdotool type --delay 20 "Mass event at Republic Square"
xdotool key alt+a
sleep 0.3
xdotool key alt+s
wait_for "$work/board-desk.log" "Command queued: Set Raised readiness" 10
wait_for "$work/board-wall.log" "Readiness banner shown: raised" 10
wait_for "$work/board-desk.log" "Readiness banner shown: raised" 10
late=$(within_1s "$work/board-desk.log" "Command queued: Set Raised readiness" \
                 "$work/board-wall.log" "Readiness banner shown: raised")
ok "raised at the desk, the wall shows the banner ${late} s later (at most 1 s)"

# The banner's amber on both, in the top rows of each window.
for _ in $(seq 1 10); do
  sleep 0.3
  amber_wall=$(colour_pixels "$wall_wid" '#f6d32d' wall-raised)
  amber_desk=$(colour_pixels "$desk_wid" '#f6d32d' desk-raised)
  [ "$amber_wall" -gt 5000 ] && [ "$amber_desk" -gt 5000 ] && break
done
[ "$amber_wall" -gt 5000 ] || fail "only $amber_wall amber pixels at the top of the wall"
[ "$amber_desk" -gt 5000 ] || fail "only $amber_desk amber pixels at the top of the desk"
ok "the banner is amber on the wall ($amber_wall pixels) and the desk ($amber_desk)"

# The server has it, with the reason, who and the circle.
readiness=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -c .readiness)
[ "$(jq -r .reason <<<"$readiness")" = "Mass event at Republic Square" ] || fail "the server has $readiness"
[ "$(jq -r .set_by <<<"$readiness")" = sup ] || fail "the server has $readiness"
[ "$(jq -r .area.type <<<"$readiness")" = Circle ] || fail "the server has $readiness"
[ "$(jq -r .area.radius_m <<<"$readiness")" = 1000 ] || fail "the server has $readiness"
ok "the server keeps the reason, who raised it and a circle of 1000 m"

wait_for "$work/board-wall.log" "Crisis area: 1 units and incidents inside" 10
wait_for "$work/board-desk.log" "Crisis area: 1 units and incidents inside" 10
ok "both boards draw the area and find the incident inside it"
import -window root "$work/readiness-raised.png"

# --- The circle's edge dragged outwards on the desk -------------------------------
# Where the amber of the map is (the outline and its handles, below the
# banner): its right edge is the radius handle, on the circle's east point.
import -window "$desk_wid" "$work/desk-area.png"
box=$(convert "$work/desk-area.png" -crop +0+160 +repage -fuzz 2% -fill black +opaque '#f6d32d' \
        -fill white -opaque '#f6d32d' -trim -format '%w %h %X %Y' info:)
read -r bw bh bx by <<<"$box"
hx=$((bx + bw - 4)) hy=$((by + bh / 2 + 160))
[ "$bw" -gt 100 ] || fail "no crisis circle on the desk's map ($box)"
xdotool mousemove --window "$desk_wid" "$hx" "$hy" sleep 0.3 mousedown 1 sleep 0.2
for step in 1 2 3 4 5 6 7 8; do
  xdotool mousemove --window "$desk_wid" $((hx + step * 12)) "$hy" sleep 0.05
done
xdotool sleep 0.3 mouseup 1
wait_for "$work/board-desk.log" "Crisis area edited" 10
wait_for "$work/board-desk.log" "Command queued: Move the crisis area" 10
for _ in $(seq 1 20); do
  radius=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -r .readiness.area.radius_m)
  [ "${radius%.*}" -gt 1300 ] && break
  sleep 0.2
done
# 96 px at zoom 14 and 43.24° N is about 670 m.
[ "${radius%.*}" -gt 1300 ] && [ "${radius%.*}" -lt 2200 ] || fail "the radius is $radius m after the drag"
[ "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -r .readiness.reason)" = \
  "Mass event at Republic Square" ] || fail "moving the area lost the reason"
ok "dragging the circle's edge on the desk widened it to $radius m, level and reason kept"

# --- Lowered to normal ------------------------------------------------------------
xdotool windowraise "$desk_wid" windowfocus --sync "$desk_wid"
xdotool key ctrl+shift+r
wait_for "$work/board-desk.log" "Readiness dialog open.*" 10
for _ in $(seq 1 50); do
  [ "$(grep -c "Readiness dialog open" "$work/board-desk.log")" -ge 2 ] && break
  sleep 0.1
done
focus_window "Degree of Readiness" >/dev/null
xdotool key alt+n
sleep 0.3
xdotool key alt+s
wait_for "$work/board-desk.log" "Command queued: Set Normal readiness" 10
wait_for "$work/board-wall.log" "Readiness banner hidden" 10
wait_for "$work/board-desk.log" "Readiness banner hidden" 10
late=$(within_1s "$work/board-desk.log" "Command queued: Set Normal readiness" \
                 "$work/board-wall.log" "Readiness banner hidden")
ok "lowered at the desk, the wall hides the banner ${late} s later"

sleep 0.5
amber_wall=$(colour_pixels "$wall_wid" '#f6d32d' wall-normal)
amber_desk=$(colour_pixels "$desk_wid" '#f6d32d' desk-normal)
[ "$amber_wall" -lt 50 ] && [ "$amber_desk" -lt 50 ] || fail "amber left: wall $amber_wall, desk $amber_desk pixels"
[ "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -c .readiness.area)" = null ] ||
  fail "the area outlived the raised level"
ok "back to normal: no banner, no area, on either board"

echo "1..$n"
