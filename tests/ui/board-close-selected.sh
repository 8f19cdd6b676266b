#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The selected incident closed while its details hold the keyboard (issue
# 17, control2, item 2). A walk-through once saw a GTK critical
# (gtk_widget_is_ancestor) when the incident selected in the queue was
# closed: the details are rebuilt every two seconds and give the keyboard
# back to the same button, and the incident, its button and its queue row
# then vanish. The tests run with fatal criticals, so the board would
# abort. Here the incident is selected, its "Certificate…" button gets the
# keyboard (its chooser opened and cancelled), and the incident is closed
# through the API; then a second one, with the keyboard on its row in the
# queue. The board must live on with no critical.
set -euo pipefail

dozor=${1:?usage: board-close-selected.sh PATH-TO-DOZOR}
test=board-close-selected
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord op:operator sup:supervisor
sup=$(token sup)

# new_incident: registers one at the square, prints its id.
new_incident() {
  api "$sup" POST incidents \
    '{"type":"robbery","priority":1,"location":{"lat":43.2389,"lon":76.9453},"address":"пл. Республики, 4"}' |
    jq -r .id
}
# close_incident ID: as dozorctl or another desk would, through the API.
close_incident() {
  local version
  version=$(api "$sup" GET snapshot | jq -r ".incidents[] | select(.id == \"$1\") | .version")
  curl -sf -X PATCH "$url/api/v1/incidents/$1" -H "Authorization: Bearer $sup" -H "If-Match: $version" \
    -d '{"status":"closed"}' >/dev/null || fail "the incident could not be closed"
}
# closed_and_alive HOW: the incident has left the board, and three
# rebuilds of the pane (2 s each) later the board runs with no critical.
closed_and_alive() {
  wait_for "$work/board.log" "Incidents drawn: 0" 15
  sleep 7
  kill -0 "$board" 2>/dev/null || fail "the board ended when the selected incident was closed $1"
  ! grep -q "CRITICAL" "$work/board.log" || fail "a critical when the selected incident was closed $1"
}
# select_first: the queue's first row clicked, until its details show.
select_first() {
  local seen
  seen=$(count "Details: Certificate… at ")
  for _ in 1 2 3; do
    xdotool mousemove 150 215 sleep 0.3 click 1
    [ "$(count "Details: Certificate… at ")" -gt "$seen" ] && return 0
    sleep 1
  done
  wait_count "Details: Certificate… at " $((seen + 1))
}

incident=$(new_incident)
[ -n "$incident" ] && [ "$incident" != null ] || fail "no incident registered"

LANG=C.UTF-8 LANGUAGE=en XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  HOME=$work "$dozor" --backend "$url" --credentials "$work/op.credentials" --center 43.2389,76.9453 --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
wait_for "$work/board.log" "Incidents drawn: 1" 30
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800 windowfocus --sync "$wid"
sleep 1.5
select_first
ok "the incident selected in the queue shows its details"

# The keyboard on Certificate…: the button clicked, its chooser cancelled.
chooser=$(open_certificate '^Save the Certificate$')
xdotool windowfocus --sync "$chooser" key Escape || true
xdotool mousemove 1590 990
xdotool windowfocus --sync "$wid" || true
# Two rebuilds with the keyboard given back to the button.
seen=$(count "Details: Certificate… at ")
wait_count "Details: Certificate… at " $((seen + 2))
ok "Certificate… holds the keyboard, its chooser cancelled"

close_incident "$incident"
closed_and_alive "with the keyboard on its Certificate…"
import -window root "$work/closed-selected.png"
ok "closed with the keyboard on its Certificate…: the board lives on, no critical"

# Again with the keyboard on the incident's row in the queue, where the
# click that selects it leaves it: the case the walk-through saw.
second=$(new_incident)
wait_for "$work/board.log" "Incidents drawn: 1" 15
focused=$(count "Focus on GtkListItemWidget")
select_first
wait_count "Focus on GtkListItemWidget" $((focused + 1))
close_incident "$second"
closed_and_alive "with the keyboard on its row in the queue"
ok "closed with the keyboard on its row in the queue: the board lives on, no critical"
