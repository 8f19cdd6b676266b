# SPDX-License-Identifier: GPL-3.0-or-later
#
# What board-plans.sh and board-plans-edit.sh share; sourced after
# board-test.sh, with $clat and $clon the map's centre.

# start_desk USER: a desk board as USER, live, its window 1200×800 at the
# screen's corner with the sidebar's Plans page shown; sets $board, $wid.
start_desk() {
  XDG_CONFIG_HOME=$work/$1/config XDG_CACHE_HOME=$work/$1/cache XDG_DATA_HOME=$work/$1/data \
    "$dozor" --backend "$url" --credentials "$work/$1.credentials" --center "$clat,$clon" --zoom 15 \
    >"$work/board-$1.log" 2>&1 &
  board=$!
  wait_for "$work/board-$1.log" "Link state: live" 30
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no window titled Dozor"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
  focus_window Dozor >/dev/null
  # The sidebar's Plans page.
  xdotool mousemove 292 75 click 1
}

# drag X0 Y0 X1 Y1, the way a hand does it: press, move in steps, release.
drag() {
  xdotool mousemove 1590 990 sleep 0.6 mousemove "$1" "$2" sleep 0.3 mousedown 1 sleep 0.2
  for step in 1 2 3 4 5 6 7 8; do
    xdotool mousemove $(($1 + ($3 - $1) * step / 8)) $(($2 + ($4 - $2) * step / 8)) sleep 0.08
  done
  xdotool sleep 0.4 mouseup 1
}

# blobs COLOUR: the centre of each patch of that colour on the map, one
# "X Y" a line, west first (board-dispatch.sh's).
map_left=425
blobs() {
  import -window root "$work/screen.png"
  convert "$work/screen.png" -fuzz 4% -fill black +opaque "$1" -fill white -opaque "$1" \
    -define connected-components:verbose=true -connected-components 8 null: |
    awk -v left="$map_left" '/gray\(255\)|#FFFFFF|white|srgb\(255,255,255\)/ && $4 >= 20 {
        split($3, c, ","); if (c[1] > left && c[2] < 790) printf "%d %d\n", c[1], c[2] }' |
    sort -n -k1 |
    awk '{ for (i = 0; i < n; i++) if (($1 - x[i]) ^ 2 + ($2 - y[i]) ^ 2 < 144) next; x[n] = $1; y[n] = $2; n++; print }'
}
# offset LAT0 LON0 LAT1 LON1: screen pixels from the first point to the
# second at zoom 15 (Web Mercator, 256 px tiles).
offset() {
  awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" 'BEGIN { pi = atan2(0, -1); w = 256 * 2 ^ 15
    y0 = log(sin(pi / 4 + a * pi / 360) / cos(pi / 4 + a * pi / 360))
    y1 = log(sin(pi / 4 + c * pi / 360) / cos(pi / 4 + c * pi / 360))
    printf "%d %d\n", (d - b) / 360 * w, (y0 - y1) / (2 * pi) * w }'
}

# make_plan NAME: a plan of that name made through dozord as $sup, of the
# posts in ${posts[@]} ("NAME LAT LON" each, one unit of any kind each);
# sets $plan to its id.
make_plan() {
  local body= line name lat lon
  for line in "${posts[@]}"; do
    read -r name lat lon <<<"$line"
    body+="${body:+,}{\"name\":\"$name\",\"location\":{\"lat\":$lat,\"lon\":$lon},\"units_needed\":1,\"kind\":null}"
  done
  plan=$(api "$sup" POST plans "{\"name\":\"$1\",\"posts\":[$body]}" | jq -r .id)
  [ -n "$plan" ] && [ "$plan" != null ] || fail "the plan was not made"
}

# post_id NAME: the id of $plan's post of that name, as dozord has it.
post_id() {
  curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" |
    jq -r --arg plan "$plan" --arg name "$1" '.plans[] | select(.id == $plan) | .posts[] | select(.name == $name) | .id'
}
