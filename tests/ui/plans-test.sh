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
