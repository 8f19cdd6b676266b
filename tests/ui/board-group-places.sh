#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 15, item 5 on a supervisor's desk, against a real dozord: several
# units selected in the list (Ctrl+A) are sent together, first to the
# crisis area, then to a post of an active plan, each unit its own
# dispatch; two of them are on the plan already and are refused, and the
# answer is shown unit by unit. The points dozord picked lie on the area's
# edge, nearest to each unit, as this script computes them.
set -euo pipefail

dozor=${1:?usage: board-group-places.sh PATH-TO-DOZOR}
test=board-group-places
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)

# The crisis circle; two free units 3 km north and 3 km east of its
# centre; two units that the plan takes, beside its posts.
clat=43.2385 clon=76.9460 radius=800
units=(
  "Кордон-1 3000 0"
  "Кордон-2 0 3000"
  "Пост-1 1100 0"
  "Пост-2 -1100 0"
)
declare -A id north east
positions=
for line in "${units[@]}"; do
  read -r name metres_n metres_e <<<"$line"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  north[$name]=$metres_n east[$name]=$metres_e
  read -r lat lon < <(place "$metres_n" "$metres_e")
  positions+="${positions:+,}{\"unit_id\":\"${id[$name]}\",\"lat\":$lat,\"lon\":$lon,\"time\":\"NOW\"}"
done
report_positions &
pids+=("$!")

read -r nlat nlon < <(place 1000 0)
read -r slat slon < <(place -1000 0)
plan=$(api "$sup" POST plans "{\"name\":\"Площадь\",\"posts\":[{\"name\":\"Север\",\"location\":{\"lat\":$nlat,\"lon\":$nlon},\"units_needed\":1,\"kind\":null},{\"name\":\"Юг\",\"location\":{\"lat\":$slat,\"lon\":$slon},\"units_needed\":1,\"kind\":null}]}")
plan_id=$(jq -r .id <<<"$plan")
north_post=$(jq -r '.posts[0].id' <<<"$plan") south_post=$(jq -r '.posts[1].id' <<<"$plan")
api "$sup" POST "plans/$plan_id/activation" "{\"assignments\":[{\"post_id\":\"$north_post\",\"unit_id\":\"${id[Пост-1]}\"},{\"post_id\":\"$south_post\",\"unit_id\":\"${id[Пост-2]}\"}]}" |
  jq -e '.activation != null' >/dev/null || fail "the plan was not activated"
api "$sup" PUT readiness "{\"level\":\"high\",\"reason\":\"Массовое мероприятие\",\"area\":{\"type\":\"Circle\",\"center\":[$clon,$clat],\"radius_m\":$radius}}" |
  jq -e '.level == "high"' >/dev/null || fail "the readiness was not raised"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center "$clat,$clon" --zoom 13 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
sleep 2

# select_all: the Units page, a click on its first row, Ctrl+A. The
# refusals of the last group were also shown in dialogs that must be
# read: close them, and any other window of the board but the main one.
select_all() {
  local other
  # One refusal's dialog comes after another is closed: until none is left.
  for _ in 1 2 3 4 5 6; do
    other=$(xdotool search --onlyvisible --pid "$board" 2>/dev/null | grep -vx "$wid" | head -n 1) || true
    [ -n "$other" ] || break
    xdotool windowfocus --sync "$other" key Escape 2>/dev/null || true
    sleep 0.5
  done
  focus_window Dozor >/dev/null
  xdotool mousemove 132 115 click 1 sleep 0.5 mousemove 150 282 click 1 sleep 0.3 key ctrl+a sleep 0.3
  import -window root "$work/selected.png"
}
# send_group N: Ctrl+Alt+D, the confirmation for N units, Return; the
# group's answer, once it is complete.
send_group() {
  local before
  before=$(count "Group dispatch result:")
  xdotool key ctrl+alt+d
  wait_count "Asking to confirm: Dispatch $1 units?" "$2"
  sleep 0.5
  import -window root "$work/group-dialog-$2.png"
  xdotool key Return
  wait_count "Group dispatch result:" $((before + 1))
  result=$(grep "Group dispatch result:" "$work/board.log" | tail -n 1)
  echo "# ${result#*result: }"
}
dispatch_of() {
  curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" | jq -c --arg u "${id[$1]}" '.dispatches[] | select(.unit_id == $u)'
}

# --- To the crisis area --------------------------------------------------------------
select_all
send_group 4 1
grep "Asking to confirm: Dispatch 4 units?" "$work/board.log" | tail -n 1 | grep -q "to the crisis area\." ||
  fail "the confirmation does not send them to the crisis area: $(grep 'Asking to confirm' "$work/board.log" | tail -n 1)"
for u in Кордон-1 Кордон-2; do
  grep -q "$u: sent" <<<"$result" || fail "$u was not sent: “$result”"
done
for u in Пост-1 Пост-2; do
  grep -q "$u: busy (409)" <<<"$result" || fail "$u, on the plan, was not refused as busy: “$result”"
done
ok "four units sent to the crisis area at once: the two free ones sent, the two on the plan refused, unit by unit"

# Each free unit goes to the edge point on its side: 800 m from the centre
# towards it, 2,200 m from where it stands.
for u in Кордон-1 Кордон-2; do
  d=$(dispatch_of "$u")
  [ "$(jq -r .incident_id <<<"$d")" = null ] && [ "$(jq -r .plan_id <<<"$d")" = null ] ||
    fail "$u's dispatch is not to the area: $d"
  read -r plat plon < <(jq -r '"\(.area_point.lat) \(.area_point.lon)"' <<<"$d")
  read -r want_lat want_lon < <(awk -v n="${north[$u]}" -v e="${east[$u]}" -v r="$radius" \
    'BEGIN { d = sqrt(n * n + e * e); printf "%.0f %.0f\n", n / d * r, e / d * r }')
  read -r wlat wlon < <(place "$want_lat" "$want_lon")
  off=$(awk -v a="$plat" -v b="$plon" -v c="$wlat" -v d="$wlon" 'BEGIN { pi = atan2(0, -1)
    dn = (a - c) * 111195; de = (b - d) * 111195 * cos(c * pi / 180); printf "%.1f", sqrt(dn * dn + de * de) }')
  echo "# $u to $plat $plon, $off m from the edge point computed here"
  awk -v o="$off" 'BEGIN { exit !(o < 5) }' || fail "$u goes to $plat $plon, $off m from $wlat $wlon"
done
ok "each unit goes to the point of the area's edge nearest to it"

# --- To a post of the active plan ----------------------------------------------------
# The area cleared, the first post of the active plan is where a group goes
# unless another place is picked.
for u in Кордон-1 Кордон-2; do
  api "$sup" DELETE "dispatches/$(dispatch_of "$u" | jq -r .id)" >/dev/null
done
shown=$(count "Readiness banner shown: high")
api "$sup" PUT readiness "{\"level\":\"high\",\"reason\":\"Массовое мероприятие\",\"area\":null}" |
  jq -e '.area == null' >/dev/null || fail "the area was not cleared"
wait_count "Readiness banner shown: high" $((shown + 1))
select_all
send_group 4 2
grep "Asking to confirm: Dispatch 4 units?" "$work/board.log" | tail -n 1 | grep -q "to Площадь: Север\." ||
  fail "the confirmation does not send them to the post Север: $(grep 'Asking to confirm' "$work/board.log" | tail -n 1)"
for u in Кордон-1 Кордон-2; do
  grep -q "$u: sent" <<<"$result" || fail "$u was not sent: “$result”"
  d=$(dispatch_of "$u")
  [ "$(jq -r .plan_id <<<"$d")" = "$plan_id" ] && [ "$(jq -r .post_id <<<"$d")" = "$north_post" ] ||
    fail "$u's dispatch is not to Север: $d"
done
grep -q "Пост-1: busy (409)" <<<"$result" && grep -q "Пост-2: busy (409)" <<<"$result" ||
  fail "the units on the plan were not refused unit by unit: “$result”"
units_at_north=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq --arg p "$plan_id" '.plans[] | select(.id == $p) | .activation.posts[0].units | length')
[ "$units_at_north" = 3 ] || fail "the post Север has $units_at_north units, not 3"
ok "the group sent to a post of the active plan: two more units on Север, the two busy ones refused"
echo "1..$n"
