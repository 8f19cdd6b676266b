#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A wall that frames itself by districts, then by the crisis area
# (docs/wall.md, "Framing"), on a real dozord. The bounds each view must
# hold are the backend's own (the zones' and the readiness's geometry as
# GET returns them), not the wall's; the view is the one the wall logs
# when it says the map arrived and stays, checked with the same Web
# Mercator arithmetic: every corner inside the view less the margin, and
# the view framed (a tenth of a zoom level closer and a corner would not
# fit), so "shows the whole city" does not pass for "frames the district".
# The districts come round in name order, each turn N seconds after the
# one before by the log's own clock.
set -euo pipefail

dozor=${1:?usage: board-wall-districts.sh PATH-TO-DOZOR}
test=board-wall-districts
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor wall:wall
sup=$(token sup)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

clat=43.2385 clon=76.9460
interval=2 seconds=4 margin=60 min_zoom=10 max_zoom=17

# Three districts of different sizes and places, created out of name
# order: the wall must go round them by name. Their names begin with a
# Cyrillic and two Latin letters, sorted as bytes: Alpha, Bravo, Вокзальный.
api "$sup" POST zones "{\"kind\":\"district\",\"name\":\"Вокзальный\",\"geometry\":$(square -6000 -3000 700)}" >"$work/z3.json"
api "$sup" POST zones "{\"kind\":\"district\",\"name\":\"Alpha\",\"geometry\":$(square 0 0 2500)}" >"$work/z1.json"
api "$sup" POST zones "{\"kind\":\"district\",\"name\":\"Bravo\",\"geometry\":$(square 5000 7000 1200)}" >"$work/z2.json"
# A sector is not a district: never framed.
alpha=$(jq -r .id "$work/z1.json")
api "$sup" POST zones "{\"kind\":\"sector\",\"name\":\"Aaa-sector\",\"parent_id\":\"$alpha\",\"geometry\":$(square 0 0 300)}" |
  jq -e '.kind == "sector"' >/dev/null || fail "the sector was not created"
for z in 1 2 3; do
  jq -e '.kind == "district"' "$work/z$z.json" >/dev/null || fail "district $z was not created: $(cat "$work/z$z.json")"
done

# bounds JSON: "NORTH WEST SOUTH EAST" of a GeoJSON polygon's ring.
bounds() {
  jq -r '.geometry.coordinates[0] | [(map(.[1]) | max), (map(.[0]) | min), (map(.[1]) | min), (map(.[0]) | max)] | @tsv' "$1"
}

# framed VIEWLINE NORTH WEST SOUTH EAST [held]: whether the view of a
# framing line holds the box inside its margin, and (unless "held" is
# asked: the incidents' rule leaves a view that holds them) would not a
# tenth of a zoom level closer, unless it is at max_zoom; prints why not.
framed() {
  local only=${6:-}
  echo "$1" | sed -E 's/.*; view ([-0-9.]+),([-0-9.]+) z([0-9.]+) ([0-9]+)x([0-9]+) margin ([0-9]+):.*/\1 \2 \3 \4 \5 \6/' |
    awk -v n="$2" -v w="$3" -v s="$4" -v e="$5" -v maxz="$max_zoom" -v only="$only" '
      function wy(a) { a = a * 3.14159265358979 / 180; return (1 - log(sin(a) / cos(a) + 1 / cos(a)) / 3.14159265358979) / 2 }
      function inside(z,   k, x0, x1, y0, y1) {
        k = 256 * 2 ^ z
        x0 = W / 2 + (w - vlon) / 360 * k; x1 = W / 2 + (e - vlon) / 360 * k
        y0 = H / 2 + (wy(n) - wy(vlat)) * k; y1 = H / 2 + (wy(s) - wy(vlat)) * k
        why = sprintf("box %.0f,%.0f to %.0f,%.0f in %dx%d at z%.3f, margin %d", x0, y0, x1, y1, W, H, z, M)
        return x0 >= M - 1 && y0 >= M - 1 && x1 <= W - M + 1 && y1 <= H - M + 1
      }
      { vlat = $1; vlon = $2; z = $3; W = $4; H = $5; M = $6
        if (!inside(z)) { print "not held: " why; exit 1 }
        if (only != "held" && z < maxz - 0.001 && inside(z + 0.1)) { print "not framed, it would fit closer: " why; exit 1 } }'
}

# settled_after LINE WHAT: the first framing line after line LINE of the log
# that frames WHAT and says the map shows it and stays; prints that line.
settled_after() {
  local line
  for _ in $(seq 1 $(((3 * seconds + 15) * 10))); do
    line=$(tail -n +"$(($1 + 1))" "$work/board.log" | grep -m 1 "Wall framing main: $2, .*: shown, stays" || true)
    [ -n "$line" ] && { echo "$line"; return 0; }
    sleep 0.1
  done
  fail "no framing of “$2” shown within $((3 * seconds + 15)) s"
}

# at LINE: the log's own clock of a line (GLib writes it to the millisecond), seconds.
at() { echo "$1" | sed -E 's/.*Message: ([0-9]+):([0-9]+):([0-9.]+): .*/\1 \2 \3/' | awk '{ printf "%.3f\n", $1 * 3600 + $2 * 60 + $3 }'; }

start_map_wall "distance_m = 2" "center = $clat, $clon" "zoom = 12" "framing = districts" \
  "framing_interval_s = $interval" "district_seconds = $seconds" "framing_margin_px = $margin" \
  "min_zoom = $min_zoom" "max_zoom = $max_zoom"

# Round the districts twice: Alpha, Bravo, Вокзальный, Alpha.
start=0
turns=()
for name in Alpha Bravo Вокзальный Alpha; do
  case $name in Alpha) z=1 ;; Bravo) z=2 ;; *) z=3 ;; esac
  view=$(settled_after "$start" "district $name")
  read -r bn bw bs be < <(bounds "$work/z$z.json")
  why=$(framed "$view" "$bn" "$bw" "$bs" "$be") || fail "district $name: $why: $view"
  # When the cycle turned to it: its first line (the move).
  turn=$(tail -n +"$((start + 1))" "$work/board.log" | grep -m 1 "Wall framing main: district $name, " || true)
  echo "$turn" | grep -q "moves to" || fail "the turn to $name did not move the map: $turn"
  turns+=("$(at "$turn")")
  ok "district $name ($bn,$bw to $bs,$be from the backend) framed: $(echo "$view" | sed 's/.*; view //')"
  start=$(grep -n -m 1 -F "$turn" "$work/board.log" | cut -d: -f1)
done
grep -q "district Aaa-sector" "$work/board.log" && fail "a sector was framed as a district"

# Each district held for district_seconds: a turn neither before N s nor
# (a liveness bound) more than an interval and 3 s after.
for i in 1 2 3; do
  awk -v a="${turns[$((i - 1))]}" -v b="${turns[$i]}" -v n="$seconds" -v iv="$interval" \
    'BEGIN { d = b - a; if (d < 0) d += 86400; printf "%.3f\n", d; exit !(d >= n - 0.005 && d <= n + iv + 3) }' \
    >"$work/gap" || fail "turn $i came $(cat "$work/gap") s after the one before, not $seconds s"
  ok "turn $i came $(cat "$work/gap") s after the one before (district_seconds = $seconds)"
done
stop_board

# framing = crisis: without a crisis area it frames the open incidents;
# with one, the area; a new area, the new one; lowered, incidents again.
incident=$(api "$sup" POST incidents "{\"type\":\"theft\",\"priority\":3,\"address\":\"Far\",\"location\":{\"lat\":43.30,\"lon\":76.85}}" | jq -r .id)
[ -n "$incident" ] && [ "$incident" != null ] || fail "the incident was not registered"
start_map_wall "distance_m = 2" "center = $clat, $clon" "zoom = 12" "framing = crisis" \
  "framing_interval_s = $interval" "framing_margin_px = $margin" "min_zoom = $min_zoom" "max_zoom = 15"
max_zoom=15
view=$(settled_after 0 "incidents (no crisis area)")
why=$(framed "$view" 43.30 76.85 43.30 76.85 held) || fail "no crisis area: $why: $view"
ok "no crisis area: the open incident is in view ($(echo "$view" | sed 's/.*; view //'))"

# area RADIUS NORTH EAST: the circle's box "NORTH WEST SOUTH EAST" on the
# figures' sphere (6,371 km), as the backend returned its centre.
area_box() {
  jq -r '.area | [.center[1], .center[0], .radius_m] | @tsv' "$1" | awk '{ pi = atan2(0, -1)
    d = $3 / 6371008.8 * 180 / pi; dl = d / cos($1 * pi / 180); printf "%.7f %.7f %.7f %.7f\n", $1 + d, $2 - dl, $1 - d, $2 + dl }'
}

for step in "1500 0 0" "400 -9000 6000"; do
  read -r radius north east <<<"$step"
  read -r plat plon < <(place "$north" "$east")
  start=$(wc -l <"$work/board.log")
  api "$sup" PUT readiness "{\"level\":\"high\",\"reason\":\"Массовое мероприятие\",\"area\":{\"type\":\"Circle\",\"center\":[$plon,$plat],\"radius_m\":$radius}}" >"$work/readiness.json"
  jq -e '.area.radius_m > 0' "$work/readiness.json" >/dev/null || fail "the crisis area was not set: $(cat "$work/readiness.json")"
  view=$(settled_after "$start" "crisis area")
  read -r bn bw bs be < <(area_box "$work/readiness.json")
  why=$(framed "$view" "$bn" "$bw" "$bs" "$be") || fail "crisis area of $radius m: $why: $view"
  ok "crisis area of $radius m ($bn,$bw to $bs,$be from the backend) framed: $(echo "$view" | sed 's/.*; view //')"
done

start=$(wc -l <"$work/board.log")
api "$sup" PUT readiness '{"level":"normal","reason":"Stood down"}' | jq -e '.area == null' >/dev/null ||
  fail "readiness was not lowered"
view=$(settled_after "$start" "incidents (no crisis area)")
why=$(framed "$view" 43.30 76.85 43.30 76.85 held) || fail "after the crisis: $why: $view"
ok "readiness lowered: back to the open incident in view ($(echo "$view" | sed 's/.*; view //'))"

stop_board
echo "1..$n"
