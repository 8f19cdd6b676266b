#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 15, item 3, the correction by dragging, on a supervisor's desk
# against a real dozord: two posts, West and East, and three cars: Запад-1
# beside West, Запад-2 a little further from it, Восток-1 beside East.
# dozord proposes Запад-1 for West and Восток-1 for East. Запад-1 is
# dragged onto East: the board asks dozord again with it fixed there, and
# the other post is re-proposed (West now gets Запад-2, its nearest car
# left; a plain swap would have sent Восток-1 across town), with the key
# figure recomputed, as dozord itself answers the same question. Confirm
# then sends what the board showed.
set -euo pipefail

dozor=${1:?usage: board-plans-repropose.sh PATH-TO-DOZOR}
test=board-plans-repropose
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"
# shellcheck source=plans-test.sh
. "$(dirname "$0")/plans-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup) gps=$(token gps)

clat=43.2385 clon=76.9460
posts=(
  "West 43.2385 76.9400"
  "East 43.2385 76.9520"
)
# West to east, as they stand on the map.
units=(
  "Запад-1 43.2392 76.9385"
  "Запад-2 43.2368 76.9425"
  "Восток-1 43.2398 76.9540"
)
body=
for line in "${posts[@]}"; do
  read -r name lat lon <<<"$line"
  body+="${body:+,}{\"name\":\"$name\",\"location\":{\"lat\":$lat,\"lon\":$lon},\"units_needed\":1,\"kind\":null}"
done
plan=$(api "$sup" POST plans "{\"name\":\"Поправка\",\"posts\":[$body]}")
plan_id=$(jq -r .id <<<"$plan")
west=$(jq -r '.posts[0].id' <<<"$plan") east=$(jq -r '.posts[1].id' <<<"$plan")
[ -n "$plan_id" ] && [ "$plan_id" != null ] || fail "the plan was not made"

declare -A id
positions=
for line in "${units[@]}"; do
  read -r name lat lon <<<"$line"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  positions+="${positions:+,}{\"unit_id\":\"${id[$name]}\",\"lat\":$lat,\"lon\":$lon,\"speed\":8,\"time\":\"NOW\"}"
done
report_positions &
pids+=("$!")
sleep 1

# What dozord answers, asked here directly: the first proposal, and the
# one with Запад-1 fixed on East.
proposal() { curl -sf -X POST "$url/api/v1/plans/$plan_id/proposal" -H "Authorization: Bearer $sup" -d "$1"; }
free=$(proposal '{}')
fixed=$(proposal "{\"fixed\":[{\"post_id\":\"$east\",\"unit_id\":\"${id[Запад-1]}\"}]}")
unit_at() { jq -r --arg p "$2" '.assignments[] | select(.post_id == $p) | .unit_id' <<<"$1"; }
[ "$(unit_at "$free" "$west")" = "${id[Запад-1]}" ] && [ "$(unit_at "$free" "$east")" = "${id[Восток-1]}" ] ||
  fail "dozord's first proposal is not Запад-1 West, Восток-1 East: $free"
[ "$(unit_at "$fixed" "$west")" = "${id[Запад-2]}" ] || fail "with Запад-1 fixed on East, dozord does not send Запад-2 West: $fixed"
fixed_s=$(jq -r '.bottleneck_s | round' <<<"$fixed")
echo "# dozord: first bottleneck $(jq -r '.bottleneck_s | round' <<<"$free") s; with Запад-1 fixed on East $fixed_s s"

start_desk sup
log=$work/board-sup.log
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=2" 20
xdotool key ctrl+alt+p
wait_for "$log" "Plan proposal: 2 assignments (0 fixed)" 20
grep "Plan proposal:" "$log" | tail -n 1 | grep -q "Запад-1→$west Восток-1→$east\|Восток-1→$east Запад-1→$west" ||
  fail "the board's first proposal is not dozord's: $(grep 'Plan proposal:' "$log" | tail -n 1)"
ok "Activate shows dozord's proposal: Запад-1 to West, Восток-1 to East"

# Запад-1, the westmost available car on the map, is dragged onto East
# (blobs and offset: plans-test.sh).
xdotool mousemove 1590 990
sleep 1.5
blobs 'rgb(51,209,122)' >"$work/units.txt"
sed 's/^/# available unit at /' "$work/units.txt"
[ "$(wc -l <"$work/units.txt")" -ge 3 ] || fail "the three cars are not all on the map"
read -r ux uy < <(head -n 1 "$work/units.txt")
read -r _ ulat ulon < <(printf '%s\n' "${units[@]}" | grep '^Запад-1 ')
read -r _ plat plon < <(printf '%s\n' "${posts[@]}" | grep '^East ')
read -r dx dy < <(offset "$ulat" "$ulon" "$plat" "$plon")
drag "$ux" "$uy" $((ux + dx)) $((uy + dy))
wait_for "$log" "Proposal corrected: Запад-1 to post East" 10
wait_for "$log" "Plan proposal: 2 assignments (1 fixed)" 20
shown=$(grep "Plan proposal: 2 assignments (1 fixed)" "$log" | tail -n 1)
echo "# board: ${shown#*Plan proposal: }"
grep -q "Запад-2→$west" <<<"$shown" && grep -q "Запад-1→$east" <<<"$shown" ||
  fail "after the drag West is not re-proposed to Запад-2: $shown"
grep -q "bottleneck $fixed_s s" <<<"$shown" || fail "the board's bottleneck is not dozord's $fixed_s s: $shown"
figure=$(grep "Proposal figure:" "$log" | tail -n 1)
# Held together by no-break spaces (U+00A0, \302\240).
expected=$(awk -v c="$fixed_s" 'BEGIN { if (c < 60) printf "%d\302\240s", c; else printf "%d\302\240min\302\240%d\302\240s", c / 60, c % 60 }')
echo "# ${figure#*Proposal figure: }"
grep -q "Every post covered in $expected (by road)\.$" <<<"$figure" ||
  fail "the figure shown is “${figure#*: }”, dozord's bottleneck is $expected"
xdotool mousemove 1590 990
sleep 1
import -window root "$work/plans-reproposed.png"
ok "Запад-1 dropped on East: West re-proposed to Запад-2 and the figure recomputed ($expected), as dozord answers"

xdotool key ctrl+alt+Return
wait_for "$log" "Plan activated: 201" 20
sent=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r --arg p "$plan_id" '[.dispatches[] | select(.plan_id == $p) | "\(.post_id)=\(.unit_id)"] | sort | join(" ")')
want=$(printf '%s\n' "$east=${id[Запад-1]}" "$west=${id[Запад-2]}" | sort | paste -sd' ')
[ "$sent" = "$want" ] || fail "the server sent $sent, not $want"
ok "Confirm sends the corrected proposal: Запад-1 to East, Запад-2 to West"
echo "1..$n"
