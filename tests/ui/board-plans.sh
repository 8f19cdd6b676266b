#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 15, item 3 on a supervisor's desk and a wall, against a real
# dozord: a plan of three posts is shown; "Activate…" asks dozord for a
# proposal, a unit left over is dragged on the map onto a post to correct
# it, and the confirmation becomes one dispatch per unit, each to its post,
# on the server; the units driven onto their posts are seen to arrive, and
# the board shows every post covered and the key figure the server
# computed; the wall shows the posts and the figure; closing the plan from
# the desk frees the units. (board-plans-edit.sh: an operator's board, and
# editing a plan.)
set -euo pipefail

dozor=${1:?usage: board-plans.sh PATH-TO-DOZOR}
test=board-plans
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"
# shellcheck source=plans-test.sh
. "$(dirname "$0")/plans-test.sh"

start_dozord sup:supervisor gps:tracker wall:wall op:operator
sup=$(token sup) gps=$(token gps)
api() {
  curl -s -X "$2" "$url/api/v1/$3" -H "Authorization: Bearer $1" \
    -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" ${4:+-d "$4"}
}

# The posts, near Republic Square, and the units: three near a post each,
# one further east, spare.
clat=43.2385 clon=76.9460
posts=(
  "Север 43.2425 76.9455"
  "Восток 43.2385 76.9530"
  "Юг 43.2345 76.9440"
)
units=(
  "Пост-1 43.2445 76.9440"
  "Пост-2 43.2395 76.9560"
  "Пост-3 43.2330 76.9420"
  "Пост-4 43.2330 76.9575"
)
make_plan Площадь

declare -A id
for line in "${units[@]}"; do
  read -r name lat lon <<<"$line"
  id[$name]=$(api "$sup" POST units "{\"call_sign\":\"$name\",\"kind\":\"car\",\"status\":\"available\"}" | jq -r .id)
  echo "${id[$name]} $lat $lon 8" >>"$work/positions"
done
# Every 2 s while this script runs (at most 6 min): each unit where
# $work/positions puts it, at the speed it gives.
send_positions() {
  local list= uid lat lon speed
  while read -r uid lat lon speed; do
    list+="${list:+,}{\"unit_id\":\"$uid\",\"lat\":$lat,\"lon\":$lon,\"speed\":$speed,\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\"}"
  done <"$work/positions"
  api "$gps" POST positions "{\"positions\":[$list]}" >/dev/null || true
}
report_positions() {
  for _ in $(seq 1 180); do
    kill -0 $$ 2>/dev/null || return 0
    send_positions
    sleep 2
  done
}
send_positions
report_positions &
pids+=("$!")

# --- The supervisor activates, corrects and confirms -----------------------------------
start_desk sup
log=$work/board-sup.log
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=3" 20
xdotool key ctrl+alt+p
wait_for "$log" "Plan proposal: 3 assignments" 20
grep "Plan proposal:" "$log" | sed 's/^.*Plan proposal/# Plan proposal/'
ok "Activate asks dozord for a proposal: a unit for each of the three posts"

# The spare unit, Пост-4, east of all, is dragged onto Восток.
xdotool mousemove 1590 990
sleep 1.5
blobs 'rgb(51,209,122)' >"$work/units.txt"
sed 's/^/# available unit at /' "$work/units.txt"
read -r ux uy < <(tail -n 1 "$work/units.txt")
read -r _ ulat ulon < <(printf '%s\n' "${units[@]}" | grep '^Пост-4 ')
read -r _ plat plon < <(printf '%s\n' "${posts[@]}" | grep '^Восток ')
read -r dx dy < <(offset "$ulat" "$ulon" "$plat" "$plon")
import -window root "$work/plans-proposal.png"
drag "$ux" "$uy" $((ux + dx)) $((uy + dy))
wait_for "$log" "Proposal corrected: Пост-4 to post Восток" 10
# dozord re-proposes the other posts around it; Confirm waits for that.
wait_for "$log" "Plan proposal: 3 assignments (1 fixed)" 20
ok "Пост-4, dragged on the map onto the post Восток, takes it in the proposal"

xdotool key ctrl+alt+Return
wait_for "$log" "Plan activated: 201" 20
dispatches=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r --arg plan "$plan" '.dispatches[] | select(.plan_id == $plan) | "\(.post_id) \(.unit_id)"' | sort)
echo "$dispatches" | sed 's/^/# dispatch: /'
[ "$(wc -l <<<"$dispatches")" = 3 ] || fail "expected 3 dispatches of the plan, the server has: $dispatches"
[ "$(cut -d' ' -f1 <<<"$dispatches" | sort -u | wc -l)" = 3 ] || fail "the dispatches are not one per post"
grep -q "^$(post_id Восток) ${id[Пост-4]}\$" <<<"$dispatches" || fail "Пост-4 was not sent to Восток"
! grep -q " ${id[Пост-2]}\$" <<<"$dispatches" || fail "Пост-2, replaced by hand, was sent all the same"
wait_for "$log" "Posts drawn: covered=0 en_route=3 uncovered=0 idle=0" 20
xdotool mousemove 1590 990
sleep 1
import -window root "$work/plans-en-route.png"
ok "Confirm makes one dispatch per post on the server, Пост-4 to Восток as corrected; the map shows three posts en route"

# --- The units arrive -------------------------------------------------------------------
: >"$work/positions"
for pair in "Пост-1 Север" "Пост-4 Восток" "Пост-3 Юг" "Пост-2 -"; do
  read -r unit post <<<"$pair"
  if [ "$post" = - ]; then
    read -r _ lat lon < <(printf '%s\n' "${units[@]}" | grep "^$unit ")
  else
    read -r _ lat lon < <(printf '%s\n' "${posts[@]}" | grep "^$post ")
  fi
  echo "${id[$unit]} $lat $lon 0.5" >>"$work/positions"
done
send_positions
wait_for "$log" "Plan figure: all posts covered in" 20
wait_for "$log" "Posts drawn: covered=3 en_route=0 uncovered=0 idle=0" 10
cover_s=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r --arg plan "$plan" '.plans[] | select(.id == $plan) | .activation.cover_s | round')
# Held together by no-break spaces (U+00A0, \302\240).
expected=$(awk -v c="$cover_s" 'BEGIN { if (c < 60) printf "%d\302\240s", c; else printf "%d\302\240min\302\240%d\302\240s", c / 60, c % 60 }')
shown=$(grep "Plan figure: all posts covered in" "$log" | tail -n 1)
echo "# server cover_s=$cover_s; ${shown#*: }"
[[ "$shown" == *"all posts covered in $expected" ]] || fail "the board says “${shown#*: }”, the server's cover_s is $cover_s s"
xdotool mousemove 1590 990
sleep 1
import -window root "$work/plans-desk.png"
ok "the units on their posts are seen to arrive: every post covered, and the key figure is the server's ($expected)"

# --- A wall during the plan -------------------------------------------------------------
desk=$board
pids+=("$desk")
board=
start_map_wall "distance_m = 2" "center = $clat, $clon" "zoom = 15"
wait_for "$work/board.log" "Wall plans: Площадь 3/3 all covered" 20
wait_for "$work/board.log" "Posts drawn: covered=3 en_route=0 uncovered=0 idle=0" 20
sleep 1
import -window root "$work/plans-wall.png"
ok "a wall shows the plan's posts covered and its key figure"
stop_board
board=$desk

# --- Closing the plan frees its units ---------------------------------------------------
focus_window Dozor >/dev/null
xdotool key ctrl+alt+w
wait_for "$log" "Asking to confirm: Close plan “Площадь”?" 10
xdotool key Return
wait_for "$log" "Plan closed: 200" 20
statuses=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
  jq -r '[.units[] | select(.call_sign != "Пост-2") | .status] | unique | join(",")')
[ "$statuses" = available ] || fail "after closing, the plan's units are “$statuses”"
[ "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" | jq '[.dispatches[] | select(.plan_id != null)] | length')" = 0 ] ||
  fail "the plan's dispatches did not end"
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=3" 10
ok "Close plan, confirmed, ends the dispatches and the units are available again"

echo "1..$n"
