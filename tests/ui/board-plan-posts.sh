#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 17: the posts of an active special operating plan stay on the map
# whatever page the desk's sidebar shows, and on a wall, each with the call
# signs of the units sent there; a plan not active is drawn only while the
# Plans page is open. A plan of two posts is activated through dozord while
# the desk shows the Plans page; the page is closed, and the two posts are
# still drawn (amber triangles where the posts lie, the log naming them and
# their units); a wall shows them too; the plan is closed, and they are gone.
set -euo pipefail

dozor=${1:?usage: board-plan-posts.sh PATH-TO-DOZOR}
test=board-plan-posts
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"
# shellcheck source=plans-test.sh
. "$(dirname "$0")/plans-test.sh"

start_dozord sup:supervisor gps:tracker wall:wall
sup=$(token sup) gps=$(token gps)

clat=43.2385 clon=76.9460
posts=("Север 43.2425 76.9455" "Юг 43.2345 76.9440")
make_plan Площадь
post_north=$(post_id Север) post_south=$(post_id Юг)
# Two units, east of the map's centre, standing: they stay on their way.
unit_a=$(api "$sup" POST units '{"call_sign":"Беркут-1","kind":"car","status":"available"}' | jq -r .id)
unit_b=$(api "$sup" POST units '{"call_sign":"Беркут-2","kind":"car","status":"available"}' | jq -r .id)
positions="{\"unit_id\":\"$unit_a\",\"lat\":43.2400,\"lon\":76.9560,\"speed\":0,\"time\":\"NOW\"},"
positions+="{\"unit_id\":\"$unit_b\",\"lat\":43.2370,\"lon\":76.9560,\"speed\":0,\"time\":\"NOW\"}"
report_positions &
pids+=("$!")

# big_blobs COLOUR LEFT AREA: the centres of patches of that colour of AREA
# pixels or more right of LEFT on the screen (a post's symbol, not its
# label's letters), "X Y" a line, west first.
big_blobs() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -fuzz 4% -fill black +opaque "$1" -fill white -opaque "$1" \
    -define connected-components:verbose=true -connected-components 8 null: |
    awk -v left="$2" -v area="$3" '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= area {
        split($3, c, ","); if (c[1] > left) printf "%d %d\n", c[1], c[2] }' | sort -n -k1
}
amber='rgb(255,179,38)'
# check_posts_drawn LEFT AREA SHOT: the two posts' symbols (AREA pixels or
# more: a desk's are about 150, a wall's labels and symbols are larger),
# where the map puts them relative to each other.
check_posts_drawn() {
  local left=$1 shot=$3 blobs ax ay bx by dx dy
  blobs=$(big_blobs "$amber" "$left" "$2")
  cp "$work/screen.png" "$work/$shot"
  echo "$blobs" | sed 's/^/# amber post at /'
  [ "$(grep -c . <<<"$blobs")" = 2 ] || fail "$shot: expected 2 amber post symbols, found: $blobs"
  read -r ax ay < <(sed -n 1p <<<"$blobs")
  read -r bx by < <(sed -n 2p <<<"$blobs")
  # Юг lies west of and below Север.
  read -r dx dy < <(offset 43.2345 76.9440 43.2425 76.9455)
  [ $((bx - ax - dx)) -ge -4 ] && [ $((bx - ax - dx)) -le 4 ] &&
    [ $((by - ay - dy)) -ge -4 ] && [ $((by - ay - dy)) -le 4 ] ||
    fail "$shot: the symbols are ($((bx - ax)), $((by - ay))) apart, the posts ($dx, $dy)"
}

# --- The desk: the plan activated while the Plans page is open --------------------------
start_desk sup
log=$work/board-sup.log
wait_for "$log" "Posts drawn: covered=0 en_route=0 uncovered=0 idle=2" 20
api "$sup" POST "plans/$plan/activation" \
  "{\"assignments\":[{\"post_id\":\"$post_north\",\"unit_id\":\"$unit_a\"},{\"post_id\":\"$post_south\",\"unit_id\":\"$unit_b\"}]}" |
  jq -e '.activation != null' >/dev/null || fail "the plan was not activated"
wait_for "$log" "Posts drawn: covered=0 en_route=2 uncovered=0 idle=0" 20
ok "activated through dozord, the plan's two posts show en route on the desk"

# The Incidents page: the Plans page is off screen.
xdotool mousemove 40 75 click 1 sleep 1 mousemove 1590 990
sleep 1.5
check_posts_drawn 425 60 plan-posts-desk.png
grep "Plan posts on the map:" "$log" | tail -n 1 | sed 's/^.*Plan posts/# Plan posts/'
tail_line=$(grep "Plan posts on the map:" "$log" | tail -n 1)
[[ "$tail_line" == *"Север (Беркут-1)"* && "$tail_line" == *"Юг (Беркут-2)"* ]] ||
  fail "the desk's map does not name each post with its unit: $tail_line"
ok "with the Plans page closed, the desk still draws both posts where they lie, each with its unit"

# --- A wall, while the plan is active --------------------------------------------------
desk=$board
pids+=("$desk")
board=
start_map_wall "distance_m = 2" "center = $clat, $clon" "zoom = 15"
wait_for "$work/board.log" "Posts drawn: covered=0 en_route=2 uncovered=0 idle=0" 20
wait_for "$work/board.log" "Plan posts on the map: .*Беркут-" 10
tail_line=$(grep "Plan posts on the map:" "$work/board.log" | tail -n 1)
[[ "$tail_line" == *"Север (Беркут-1)"* && "$tail_line" == *"Юг (Беркут-2)"* ]] ||
  fail "the wall does not name each post with its unit: $tail_line"
sleep 1
check_posts_drawn 0 1200 plan-posts-wall.png
ok "a wall draws the active plan's posts with their units"

# --- The plan closed: its posts leave the desk and the wall -----------------------------
# Both logs said "none" before the snapshot came: only lines after the close count.
wall_from=$(($(wc -l <"$work/board.log") + 1)) desk_from=$(($(wc -l <"$log") + 1))
wait_after() {
  for _ in $(seq 1 $(($4 * 10))); do
    tail -n +"$2" "$1" | grep -q -- "$3" && return 0
    sleep 0.1
  done
  fail "no “$3” in ${1##*/} within $4 s of the close"
}
api "$sup" DELETE "plans/$plan/activation" | jq -e '.id' >/dev/null || fail "the plan was not closed"
wait_after "$work/board.log" "$wall_from" "Plan posts on the map: none" 20
wait_after "$log" "$desk_from" "Plan posts on the map: none" 20
sleep 1
[ -z "$(big_blobs "$amber" 0 60)" ] || fail "the wall still draws amber posts after the plan closed"
stop_board
board=$desk
focus_window Dozor >/dev/null
xdotool mousemove 1590 990
sleep 1
[ -z "$(big_blobs "$amber" 425 60)" ] || fail "the desk still draws amber posts after the plan closed"
cp "$work/screen.png" "$work/plan-posts-closed.png"
ok "closed, the plan's posts are gone from the wall and from the desk, whose Plans page is not open"

echo "1..$n"
