#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A wall from its config file (docs/wall.md): a window on the configured
# monitor that is plugged in, the size of that monitor, none for the one
# that is not; a call sign and the not-live banner whose capital letters,
# measured in the pixels on screen, meet the legibility rule for the
# configured distance; and a wall that heals itself: dozord killed and
# restarted on the same port, the wall says it is not live, then is live
# again within the backoff bound, and no dialog ever opens.
#
# Xvfb gives GDK 4.8 one monitor only (docs/wall.md says why): the second
# configured monitor is the one that is not plugged in.
set -euo pipefail

dozor=${1:?usage: board-wall-monitors.sh PATH-TO-DOZOR}
test=board-wall-monitors
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord admin:admin wall:wall
token=$(token admin)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# One car, "HH-1" (an H's stem is exactly the cap height), fixed now at the
# point the wall centres on.
lat=43.2385 lon=76.9460
unit=$(curl -sf -X POST "$url/api/v1/units" -H "Authorization: Bearer $token" -H "Idempotency-Key: wall-unit" \
  -d '{"call_sign":"HH-1","kind":"car"}' | jq -r .id)
[ -n "$unit" ] && [ "$unit" != null ] || fail "the unit was not made"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -sf -X POST "$url/api/v1/positions" -H "Authorization: Bearer $token" \
  -d "{\"positions\":[{\"unit_id\":\"$unit\",\"lat\":$lat,\"lon\":$lon,\"time\":\"$now\"}]}" >/dev/null \
  || fail "the fix was refused"

# The screen's size is Xvfb's; its size in mm is given to the monitor the
# way an EDID would (through RandR), so that the rule's pixels are known
# whatever -dpi Xvfb was given: a 1600 px wide screen 846 mm wide is a 40″
# panel.
: "${WALL_SET_MONITOR:?}"
read -r screen_w screen_h < <(xwininfo -root | awk '/Width:/ { w = $2 } /Height:/ { h = $2 } END { print w, h }')
width_mm=$((screen_w * 846 / 1600)) height_mm=$((screen_h * 846 / 1600))
"$WALL_SET_MONITOR" "${screen_w}x${screen_h}+0+0" "${width_mm}x${height_mm}" 2>"$work/set-monitor.log" &
set_monitor=$!
pids+=("$set_monitor")
wait_for "$work/set-monitor.log" "wall-set-monitor: " 10
distance=4
cat >"$work/wall.conf" <<EOF
# The room's wall, as its administrator writes it.
[wall]
backend = $url
credentials = wall.credentials
distance_m = $distance
center = $lat, $lon
zoom = 17

[monitor main]
connector = screen
shows = map

[monitor second]
connector = HDMI-2
index = 1
shows = grid
grid = map,figures;ticker
# This one's EDID lies; the administrator measured it.
width_mm = 1210
height_mm = 680
EOF

# The rule's cap height in pixels at 16′, the least NUREG-0700 allows.
rule=$(awk -v d="$distance" -v w="$screen_w" -v h="$screen_h" -v wm="$width_mm" -v hm="$height_mm" \
  'BEGIN { a = 8 / 60 * 3.14159265358979 / 180; mm = 2 * d * 1000 * sin(a) / cos(a);
           px = (w / wm + h / hm) / 2; printf "%d", mm * px + 0.999 }')

"$dozor" --wall --wall-config "$work/wall.conf" >"$work/board.log" 2>&1 &
board=$!

# --- One window per configured monitor that is plugged in ---------------------
wait_for "$work/board.log" "Wall monitor main: window on screen (${screen_w}x${screen_h}+0+0)" 30
wait_for "$work/board.log" "Wall monitor second (connector HDMI-2, index 1) is not plugged in" 10
# The millimetres the monitor reported, not a guess.
px_per_mm=$(awk -v w="$screen_w" -v h="$screen_h" -v wm="$width_mm" -v hm="$height_mm" \
  'BEGIN { printf "%.3f", (w / wm + h / hm) / 2 }')
wait_for "$work/board.log" "Wall monitor main: $px_per_mm px/mm" 10
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Units drawn: 1" 30
# The car reports again, now, and the wall shows that fix: under load the
# wall's start took more than the 60 s after which the first fix is stale,
# and the wall rightly drew the car grey (seen at a load average of 45).
# "Fix latency" is logged at the end of the frame that first shows it.
shown=$(count "Fix latency:")
curl -sf -X POST "$url/api/v1/positions" -H "Authorization: Bearer $token" \
  -d "{\"positions\":[{\"unit_id\":\"$unit\",\"lat\":$lat,\"lon\":$lon,\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}]}" \
  >/dev/null || fail "the fix was refused"
for _ in $(seq 1 300); do [ "$(count "Fix latency:")" -gt "$shown" ] && break; sleep 0.1; done
[ "$(count "Fix latency:")" -gt "$shown" ] || fail "the car's fresh fix was not shown within 30 s"
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no wall window"
[ "$(xdotool search --onlyvisible --name '^Dozor$' | wc -l)" -eq 1 ] || fail "more than one window for one monitor"
geometry=$(xwininfo -id "$wid" | awk '/Absolute upper-left X:/ { x = $4 } /Absolute upper-left Y:/ { y = $4 }
  /Width:/ { w = $2 } /Height:/ { h = $2 } END { printf "%dx%d+%d+%d", w, h, x, y }')
[ "$geometry" = "${screen_w}x${screen_h}+0+0" ] || fail "the window is $geometry, the monitor ${screen_w}x${screen_h}+0+0"
ok "one window, on the monitor plugged in and its size ($geometry), $px_per_mm px/mm from its mm; the other waits"

# Its map shows the coverage gaps: computed by the wall, once for all its
# windows, and not by the desk's crisis pane in each.
wait_for "$work/board.log" "Wall coverage computed in" 10
! grep -q "Crisis figures and coverage computed" "$work/board.log" || fail "the wall ran the desk's crisis computation"
ok "the wall computes the coverage its map shows, without the desk's crisis computation"

# --- Legible by rule: a call sign ---------------------------------------------------
# longest_stem SHOT X Y W H: in that region, the leftmost column with light
# pixels (grey ≥ LIGHT) and the longest vertical run of them there, over the
# few columns of the stem (with TALLEST=1, over every column from there);
# prints the run in pixels.
longest_stem() {
  convert "$1" -crop "$4x$5+$2+$3" +repage -colorspace gray -depth 8 -compress none pgm:- |
    awk -v light="${LIGHT:-200}" -v tallest="${TALLEST:-0}" '
      NR == 1 { next }
      { for (i = 1; i <= NF; i++) v[n++] = $i }
      END {
        w = v[0]; h = v[1]; o = 3
        first = -1
        for (x = 0; x < w && first < 0; x++)
          for (y = 0; y < h; y++)
            if (v[o + y * w + x] >= light) { first = x; break }
        best = 0
        last = tallest ? w : first + 6
        for (x = first; first >= 0 && x < last && x < w; x++) {
          run = 0
          for (y = 0; y < h; y++) {
            if (v[o + y * w + x] >= light) { run++; if (run > best) best = run } else run = 0
          }
        }
        print best
      }'
}

# The car is where the map is centred; its label starts just right of it.
# The frame that shows the units comes a moment after "Units drawn".
cx=$((screen_w / 2)) cy=$((screen_h / 2))
label=0
for _ in $(seq 1 10); do
  sleep 0.5
  import -window root "$work/wall-live.png"
  label=$(LIGHT=230 longest_stem "$work/wall-live.png" $((cx + 8)) $((cy - 3 * rule)) $((8 * rule)) $((5 * rule)))
  [ "$label" -ge "$rule" ] && break
done
[ "$label" -ge "$rule" ] || fail "the call sign's capitals are $label px high on screen; 16′ at $distance m needs $rule px"
ok "the call sign's capital H is $label px high on screen, at least the $rule px of 16′ at $distance m"

# --- Legible by rule: the legend of the incidents' colours ---------------------------
# Its words ("Immediate" first) where the wall says it laid them out; the
# I's stem is the cap height.
wait_for "$work/board.log" "Wall legend main: priorities' words from" 10
line=$(grep "Wall legend main: priorities' words from" "$work/board.log" | tail -n 1)
read -r lx ly lw lh < <(echo "$line" | sed -E 's/.*from ([0-9]+),([0-9]+), ([0-9]+) px wide, ([0-9]+) px a row.*/\1 \2 \3 \4/')
[ $((lx + lw)) -le "$screen_w" ] && [ "$ly" -ge 0 ] || fail "the legend is not inside the window: $line"
legend=0
for _ in $(seq 1 10); do
  import -window root "$work/wall-legend.png"
  legend=$(longest_stem "$work/wall-legend.png" "$lx" "$ly" "$lw" "$lh")
  [ "$legend" -ge "$rule" ] && break
  sleep 0.5
done
[ "$legend" -ge "$rule" ] || fail "the legend's capitals are $legend px high; 16′ at $distance m needs $rule px"
ok "the legend of the priorities' colours has a capital I $legend px high (16′ needs $rule px)"

# --- Legible by rule: an incident's label -------------------------------------------
# Registered elsewhere, up and left of the car so that its label (number and
# type, running right) stands clear of the call sign.
ilat=43.2405 ilon=76.9440
curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $token" -H "Idempotency-Key: wall-incident" \
  -d "{\"type\":\"robbery\",\"priority\":1,\"address\":\"пр. Абая, 10\",\"location\":{\"lat\":$ilat,\"lon\":$ilon}}" \
  >/dev/null || fail "the incident was refused"
wait_for "$work/board.log" "Incidents drawn: 1" 20
# Where it is on screen: Web Mercator at zoom 17 from the map's centre,
# which is under the legend's strip (a row of its words with a margin
# above and below, as wide as its top margin under the window's frame).
cy=$(((screen_h + 2 * ly + lh - 10) / 2))
read -r ix iy < <(awk -v lat="$lat" -v lon="$lon" -v ilat="$ilat" -v ilon="$ilon" -v cx="$cx" -v cy="$cy" '
  function wy(a) { a = a * 3.14159265358979 / 180; return (1 - log(sin(a) / cos(a) + 1 / cos(a)) / 3.14159265358979) / 2 }
  BEGIN { s = 256 * 2 ^ 17
          printf "%d %d\n", cx + (ilon - lon) / 360 * s, cy + (wy(ilat) - wy(lat)) * s }')
incident=0
for _ in $(seq 1 10); do
  sleep 0.5
  import -window root "$work/wall-incident.png"
  # Its tallest stem (a digit 1, the b of "Robbery"): at least the capitals.
  incident=$(LIGHT=230 TALLEST=1 longest_stem "$work/wall-incident.png" $((ix + 12)) $((iy - 3 * rule)) \
               $((12 * rule)) $((4 * rule)))
  [ "$incident" -ge "$rule" ] && break
done
[ "$incident" -ge "$rule" ] || fail "the incident label's stems are $incident px high; 16′ at $distance m needs $rule px"
ok "the incident's label has stems $incident px high on screen (16′ needs $rule px)"

# banner_box SHOT: the box of the not-live banner, the largest area of
# libadwaita's error background (at least 1000 pixels), or nothing.
banner_box() {
  convert "$1" -fill black -fuzz 3% +opaque '#c01c28' -fill white -opaque '#c01c28' \
    -define connected-components:verbose=true -define connected-components:area-threshold=1000 \
    -connected-components 8 null: 2>/dev/null |
    awk '/srgb\(255,255,255\)/ && $4 > best { best = $4; box = $2 } END { print box }'
}

# --- Legible by rule: the readiness banner ------------------------------------------
# Full readiness is white on the error red, as the not-live banner. The
# level begins the banner (its capital F); who raised it and when is what
# changes when the same level is set again; the reason, in capitals, is
# what changes left of that when the reason alone changes.
readiness_shown=0
set_readiness() { # KEY BODY: set it, and wait until the wall's banner shows it
  readiness_shown=$(grep -c "Readiness banner shown" "$work/board.log" || true)
  curl -sf -X PUT "$url/api/v1/readiness" -H "Authorization: Bearer $token" -H "Idempotency-Key: $1" -d "$2" \
    >/dev/null || fail "the readiness $2 was refused"
  for _ in $(seq 1 50); do
    [ "$(grep -c "Readiness banner shown" "$work/board.log" || true)" -gt "$readiness_shown" ] && break
    sleep 0.2
  done
  [ "$(grep -c "Readiness banner shown" "$work/board.log" || true)" -gt "$readiness_shown" ] ||
    fail "the wall did not show the readiness $2"
  sleep 1
}
# changed A B X Y W H [MASK]: the box of what differs between two shots
# in that region (relative to it), leaving out the MASK box (WxH+X+Y, in
# the region's pixels).
changed() {
  local mask=()
  if [[ "${7:-}" =~ ^([0-9]+)x([0-9]+)\+([0-9]+)\+([0-9]+)$ ]]; then
    local x0=$((BASH_REMATCH[3] - 2)) y0=$((BASH_REMATCH[4] - 2))
    local x1=$((BASH_REMATCH[3] + BASH_REMATCH[1] + 2)) y1=$((BASH_REMATCH[4] + BASH_REMATCH[2] + 2))
    mask=(-fill black -draw "rectangle $x0,$y0 $x1,$y1")
  fi
  convert "$1" "$2" -crop "$5x$6+$3+$4" +repage -compose difference -composite -colorspace gray -threshold 25% \
    "${mask[@]}" -format '%@' info:
}
box_re='^([0-9]+)x([0-9]+)\+([0-9]+)\+([0-9]+)$'
set_readiness ready-1 '{"level":"full","reason":"HOCKEY FINAL"}'
import -window root "$work/readiness-1.png"
box=$(banner_box "$work/readiness-1.png")
[[ "$box" =~ $box_re ]] || fail "no readiness banner on screen"
read -r bw bh bx by <<<"${BASH_REMATCH[*]:1}"
# Who set it and when: what changes when the same level is set again.
set_readiness ready-2 '{"level":"full","reason":"HOCKEY FINAL"}'
import -window root "$work/readiness-2.png"
who=$(changed "$work/readiness-1.png" "$work/readiness-2.png" "$bx" "$by" "$bw" "$bh")
[[ "$who" =~ $box_re ]] || fail "who set the level and when did not change on screen"
who_h=$(TALLEST=1 longest_stem "$work/readiness-2.png" $((bx + BASH_REMATCH[3])) $((by + BASH_REMATCH[4])) \
          "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")
# The reason, in capitals: what changes with it, but for who and when.
set_readiness ready-3 '{"level":"full","reason":"HOCKEY CUP FINAL"}'
import -window root "$work/readiness-3.png"
reason=$(changed "$work/readiness-2.png" "$work/readiness-3.png" "$bx" "$by" "$bw" "$bh" "$who")
[[ "$reason" =~ $box_re ]] || fail "the reason did not change on screen"
reason_h=${BASH_REMATCH[2]} reason_y=${BASH_REMATCH[4]}
# The level, above the reason or left of it: its capital F begins it.
level=$(longest_stem "$work/readiness-3.png" "$bx" "$by" "$bw" $((reason_y > rule ? reason_y : bh)))
[ "$level" -ge "$rule" ] && [ "$reason_h" -ge "$rule" ] && [ "$who_h" -ge "$rule" ] ||
  fail "the readiness banner's level is $level px high, its reason $reason_h, who and when $who_h; 16′ at $distance m needs $rule px"
# And all of it on the monitor: the banner's text does not run off its right edge.
edge=$(convert "$work/readiness-3.png" -crop "8x$bh+$((bx + bw - 8))+$by" +repage -colorspace gray -threshold 80% \
  -format '%[fx:round(mean*w*h)]' info:)
[ "$edge" -eq 0 ] || fail "the readiness banner's text runs off the monitor's right edge ($edge light pixels there)"
ok "the readiness banner: level $level px, reason $reason_h px, who and when $who_h px high (16′ needs $rule px)"
curl -sf -X PUT "$url/api/v1/readiness" -H "Authorization: Bearer $token" -H "Idempotency-Key: ready-4" \
  -d '{"level":"normal","reason":"Over"}' >/dev/null || fail "the readiness could not be lowered"
wait_for "$work/board.log" "Readiness banner hidden" 10

# --- Legible by rule: the active plans' banner, at the bottom --------------------------
# A plan "HQ" with one post north of the car, activated with the car: its
# line ("HQ: …") begins with a capital H, above the scale bar.
plan=$(curl -sf -X POST "$url/api/v1/plans" -H "Authorization: Bearer $token" -H "Idempotency-Key: wall-plan" \
  -d '{"name":"HQ","posts":[{"name":"North","location":{"lat":43.2400,"lon":76.9460},"units_needed":1,"kind":null}]}') ||
  fail "the plan was not made"
curl -sf -X POST "$url/api/v1/plans/$(jq -r .id <<<"$plan")/activation" -H "Authorization: Bearer $token" \
  -H "Idempotency-Key: wall-plan-on" -d "{\"assignments\":[{\"post_id\":\"$(jq -r '.posts[0].id' <<<"$plan")\",\"unit_id\":\"$unit\"}]}" \
  >/dev/null || fail "the plan was not activated"
wait_for "$work/board.log" "Wall plans: HQ [01]/1" 20
plans=0
for _ in $(seq 1 10); do
  sleep 0.5
  import -window root "$work/wall-plans.png"
  plans=$(longest_stem "$work/wall-plans.png" 0 $((screen_h - 30 - 4 * rule)) "$screen_w" $((4 * rule)))
  [ "$plans" -ge "$rule" ] && break
done
[ "$plans" -ge "$rule" ] || fail "the plans' banner's capitals are $plans px high; 16′ at $distance m needs $rule px"
ok "the active plan's line at the bottom has a capital H $plans px high (16′ needs $rule px)"

# --- Self-healing: dozord killed ------------------------------------------------------
lines=$(grep -c "Link state: live" "$work/board.log")
kill "$server"
wait "$server" 2>/dev/null || true
server=
wait_for "$work/board.log" "Wall banner: Not live since [0-9][0-9]:[0-9][0-9]:[0-9][0-9]" 30
banner=0
for _ in $(seq 1 10); do
  sleep 0.5
  import -window root "$work/wall-not-live.png"
  box=$(banner_box "$work/wall-not-live.png")
  if [[ "$box" =~ ^([0-9]+)x([0-9]+)\+([0-9]+)\+([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ]; then
    # Its first line, "Not live since …": the N's stem is the cap height.
    banner=$(longest_stem "$work/wall-not-live.png" "${BASH_REMATCH[3]}" "${BASH_REMATCH[4]}" \
               "${BASH_REMATCH[1]}" $((rule * 2)))
    [ "$banner" -ge "$rule" ] && break
  fi
done
[ "$banner" -ge "$rule" ] || fail "the not-live banner's capitals are $banner px high; 16′ at $distance m needs $rule px"
ok "not live, the wall says so in a banner whose capital N is $banner px high (16′ needs $rule px)"

# --- ... and restarted on the same port -----------------------------------------------
: >"$work/server.out"
"$DOZORD" --db "$work/dozord.sqlite" --listen "${url#http://}" >"$work/server.out" 2>"$work/server.err" &
server=$!
wait_for "$work/server.out" "listening on" 30
# The backoff is at most 30 s (DOZOR_SYNC_MAX_RETRY_MS); a few seconds down
# makes it far less, and the bound is what is checked.
restarted=$(date +%s%N)
for _ in $(seq 1 450); do
  [ "$(grep -c "Link state: live" "$work/board.log")" -gt "$lines" ] && break
  sleep 0.1
done
[ "$(grep -c "Link state: live" "$work/board.log")" -gt "$lines" ] || fail "not live again within 45 s of the restart"
took=$(( ($(date +%s%N) - restarted) / 100000000 ))
box=unknown
for _ in $(seq 1 10); do
  sleep 0.5
  import -window root "$work/wall-live-again.png"
  box=$(banner_box "$work/wall-live-again.png")
  [ -z "$box" ] && break
done
[ -z "$box" ] || fail "live again, the not-live banner still shows ($box)"
ok "live again $((took / 10)).$((took % 10)) s after dozord came back on the same port, and the banner is gone"

# No dialog, ever: the only visible window with a title is the wall's, and
# the board never asked anything.
others=$(xdotool search --onlyvisible --name '.' 2>/dev/null | while read -r w; do
  name=$(xdotool getwindowname "$w" 2>/dev/null || true)
  [ "$name" = Dozor ] || echo "$name"
done)
[ -z "$others" ] || fail "other windows appeared: $others"
# Nor an untitled one (a popover, a tooltip with desk-sized text where the
# pointer rests): the pointer is put to rest on the car.
xdotool mousemove $((cx + 2)) $((cy + 2)) sleep 0.3 mousemove "$cx" "$cy"
sleep 2
viewable=$(xwininfo -root -children | awk '/^ +0x/ { print $1 }' | while read -r w; do
  xwininfo -id "$w" | awk '/Map State: IsViewable/ { v = 1 } /Width:/ { w = $2 } /Height:/ { h = $2 }
    END { if (v && w > 1 && h > 1) print "x" }'
done | wc -l)
[ "$viewable" -eq 1 ] || fail "$viewable windows on screen, the wall's and $((viewable - 1)) more"
! grep -q "Asking to log in" "$work/board.log" || fail "the wall asked for a login"
ok "no dialog or other window opened on the wall"

stop_board

# --- A monitor that says 0 mm: 96 dpi, said so; the config's mm win -----------------
kill "$set_monitor"
wait "$set_monitor" 2>/dev/null || true
"$WALL_SET_MONITOR" "${screen_w}x${screen_h}+0+0" 0x0 2>"$work/set-monitor-0.log" &
pids+=($!)
wait_for "$work/set-monitor-0.log" "wall-set-monitor: " 10
"$dozor" --wall --wall-config "$work/wall.conf" >"$work/board-0mm.log" 2>&1 &
board=$!
wait_for "$work/board-0mm.log" "Wall monitor main says nothing of its size: taken as 96 dpi" 30
wait_for "$work/board-0mm.log" "Wall monitor main: 3.780 px/mm" 10
stop_board
sed -i 's/^shows = map$/shows = map\nwidth_mm = 600\nheight_mm = 375/' "$work/wall.conf"
px_per_mm=$(awk -v w="$screen_w" -v h="$screen_h" 'BEGIN { printf "%.3f", (w / 600 + h / 375) / 2 }')
"$dozor" --wall --wall-config "$work/wall.conf" >"$work/board-config-mm.log" 2>&1 &
board=$!
wait_for "$work/board-config-mm.log" "Wall monitor main: $px_per_mm px/mm" 30
! grep -q "says nothing of its size" "$work/board-config-mm.log" || fail "the config's mm were not taken"
stop_board
ok "a monitor that says 0 mm is taken as 96 dpi and logged; width_mm and height_mm of the config win ($px_per_mm px/mm)"

echo "1..$n"
