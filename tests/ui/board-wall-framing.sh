#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A wall that frames itself (docs/wall.md, "Framing", framing = incidents)
# on a real dozord: incidents registered 5 km apart, then closed. After each
# change, within two intervals and the flight, the wall's framing says the
# view it shows holds every open incident inside the margin; the view it
# names is checked here with the same Web Mercator arithmetic, and on
# screen: each open incident's red diamond is in the pixels where that view
# puts it, and a closed one's is gone. The map never moves twice within an
# interval.
set -euo pipefail

dozor=${1:?usage: board-wall-framing.sh PATH-TO-DOZOR}
test=board-wall-framing
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord admin:admin wall:wall
token=$(token admin)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

interval=3 margin=60
read -r screen_w screen_h < <(xwininfo -root | awk '/Width:/ { w = $2 } /Height:/ { h = $2 } END { print w, h }')

# The wall opens close in on the first scene: the second, 6 km north-east,
# and the third, 5 km south, are far off screen until the map moves.
alat=43.2385 alon=76.9460
start_map_wall "distance_m = 2" "center = $alat, $alon" "zoom = 16" "framing = incidents" \
  "framing_interval_s = $interval" "framing_margin_px = $margin" "min_zoom = 10" "max_zoom = 16"
wait_for "$work/board.log" "Wall framing main: incidents, 0 points" 20
ok "framing by incidents: with none open the map stays (“nothing to frame”)"

# register NAME LAT LON: an incident of priority 1 (a red diamond); prints its id.
register() {
  curl -sf -X POST "$url/api/v1/incidents" -H "Authorization: Bearer $token" -H "Idempotency-Key: frame-$1" \
    -d "{\"type\":\"robbery\",\"priority\":1,\"address\":\"$1\",\"location\":{\"lat\":$2,\"lon\":$3}}" | jq -r .id
}

# close ID
close_incident() {
  local version
  version=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" |
    jq -r --arg id "$1" '.incidents[] | select(.id == $id) | .version')
  curl -sf -X PATCH "$url/api/v1/incidents/$1" -H "Authorization: Bearer $token" -H "If-Match: $version" \
    -d '{"status":"closed"}' >/dev/null || fail "incident $1 could not be closed"
}

# framed_after LINE N: waits for the first framing line after line LINE of
# the log that frames N points and says the view shows them and stays
# (the move, if any, came and ended before it); prints that line.
framed_after() {
  local line
  for _ in $(seq 1 $(((2 * interval + 10) * 10))); do
    line=$(tail -n +"$(($1 + 1))" "$work/board.log" | grep -m 1 "Wall framing main: incidents, $2 points.*: shown, stays" || true)
    [ -n "$line" ] && { echo "$line"; return 0; }
    sleep 0.1
  done
  fail "no framing of $2 points shown within $((2 * interval + 10)) s"
}

# on_screen VIEWLINE LAT LON: where the view of a framing line puts a point:
# in the map's pixels, then on the screen (the map is at the bottom of the
# full-screen window, under the legend's strip, inside the window's frame,
# as wide on each side as the screen is wider than the map).
on_screen() {
  echo "$1" | sed -E 's/.*; view ([-0-9.]+),([-0-9.]+) z([0-9.]+) ([0-9]+)x([0-9]+) margin.*/\1 \2 \3 \4 \5/' |
    awk -v lat="$2" -v lon="$3" -v sw="$screen_w" -v sh="$screen_h" '
      function wy(a) { a = a * 3.14159265358979 / 180; return (1 - log(sin(a) / cos(a) + 1 / cos(a)) / 3.14159265358979) / 2 }
      { s = 256 * 2 ^ $3; x = $4 / 2 + (lon - $2) / 360 * s; y = $5 / 2 + (wy(lat) - wy($1)) * s
        printf "%d %d %d %d\n", x, y, x + (sw - $4) / 2, y + sh - $5 - (sw - $4) / 2 }'
}

# red_pixels SHOT X Y: pixels of priority 1's red (237,41,56) within 12 px.
red_pixels() {
  convert "$1" -crop "25x25+$(($2 - 12))+$(($3 - 12))" +repage -fuzz 12% -fill black +opaque 'rgb(237,41,56)' \
    -fill white -opaque 'rgb(237,41,56)' -format '%[fx:int(mean*w*h+0.5)]' info:
}

# red_until SHOT X Y TEST: screenshots until the red pixels at X,Y pass
# TEST (-ge or -lt) 20, for at most 5 s (a frame may still be on its way);
# prints the last count.
red_until() {
  local red=0
  for _ in $(seq 1 10); do
    import -window root "$work/$1.png"
    red=$(red_pixels "$work/$1.png" "$2" "$3")
    [ "$red" "$4" 20 ] && break
    sleep 0.5
  done
  echo "$red"
}

# check_view LINE NAME:LAT:LON…: every point inside the line's view, away
# from its edges by the margin, and drawn there on screen.
check_view() {
  local view=$1 shot=$2 x y sx sy red map_w map_h
  shift 2
  read -r map_w map_h < <(echo "$view" | sed -E 's/.* ([0-9]+)x([0-9]+) margin ([0-9]+):.*/\1 \2/')
  # The map fills the wall's window but for its frame's few pixels and
  # the legend's strip above it.
  [ "$map_w" -ge $((screen_w - 20)) ] && [ "$map_h" -ge $((screen_h * 3 / 4)) ] ||
    fail "the map is ${map_w}x${map_h} on a ${screen_w}x${screen_h} screen: $view"
  echo "$view" | grep -q " margin $margin:" || fail "not the configured margin: $view"
  for point in "$@"; do
    IFS=: read -r name lat lon <<<"$point"
    read -r x y sx sy < <(on_screen "$view" "$lat" "$lon")
    [ "$x" -ge "$margin" ] && [ "$x" -le $((map_w - margin)) ] && [ "$y" -ge "$margin" ] &&
      [ "$y" -le $((map_h - margin)) ] || fail "$name is at $x,$y, outside the view less the margin: $view"
    red=$(red_until "$shot" "$sx" "$sy" -ge)
    [ "$red" -ge 20 ] || fail "no red diamond of $name at $sx,$sy on screen ($red red pixels): $view"
  done
}

blat=43.2685 blon=77.0080   # 6 km north-east: its label on another row than A's
clat=43.1935 clon=76.9460   # 5 km south

start=$(wc -l <"$work/board.log")
a=$(register A "$alat" "$alon")
view=$(framed_after "$start" 1)
check_view "$view" wall-one "A:$alat:$alon"
ok "one incident: the view shows it ($(echo "$view" | sed 's/.*; view //'))"

start=$(wc -l <"$work/board.log")
b=$(register B "$blat" "$blon")
view=$(framed_after "$start" 2)
tail -n +"$((start + 1))" "$work/board.log" | grep -q "incidents, 2 points.*not shown, moves to" ||
  fail "the second incident, 5 km off, did not move the map"
check_view "$view" wall-two "A:$alat:$alon" "B:$blat:$blon"
ok "a second incident 6 km north-east: the map moved and shows both ($(echo "$view" | sed 's/.*; view //'))"

start=$(wc -l <"$work/board.log")
c=$(register C "$clat" "$clon")
view=$(framed_after "$start" 3)
check_view "$view" wall-three "A:$alat:$alon" "B:$blat:$blon" "C:$clat:$clon"
ok "a third 5 km south: all three in view ($(echo "$view" | sed 's/.*; view //'))"

start=$(wc -l <"$work/board.log")
close_incident "$a"
close_incident "$b"
view=$(framed_after "$start" 1)
check_view "$view" wall-closed "C:$clat:$clon"
# The closed ones' diamonds are gone from where they were, if still in view.
for point in "A:$alat:$alon" "B:$blat:$blon"; do
  IFS=: read -r name lat lon <<<"$point"
  read -r x y sx sy < <(on_screen "$view" "$lat" "$lon")
  if [ "$sx" -ge 12 ] && [ "$sx" -le $((screen_w - 13)) ] && [ "$sy" -ge 12 ] && [ "$sy" -le $((screen_h - 13)) ]; then
    red=$(red_until wall-closed "$sx" "$sy" -lt)
    [ "$red" -lt 20 ] || fail "closed $name still drawn at $sx,$sy ($red red pixels)"
  fi
done
[ "$b" != "$c" ] || fail "two incidents with one id"
ok "A and B closed: C is still in view and the closed ones are no longer drawn"

# Never two moves within an interval: the log's own clock (GLib writes the
# time of each message, to the millisecond).
grep "Wall framing main:.*moves to" "$work/board.log" |
  sed -E 's/.*Message: ([0-9]+):([0-9]+):([0-9.]+): .*/\1 \2 \3/' |
  awk -v min="$interval" '{ t = $1 * 3600 + $2 * 60 + $3; if (NR > 1 && t - last < min - 0.005) bad = bad " " t - last; last = t; n++ }
    END { if (n < 2 || bad != "") { print "moves: " n ", too close:" bad; exit 1 } }' >"$work/moves.txt" ||
  fail "$(cat "$work/moves.txt")"
ok "$(grep -c "Wall framing main:.*moves to" "$work/board.log") moves, none within $interval s of the one before"

stop_board
echo "1..$n"
