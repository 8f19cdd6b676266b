#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 18, item 2: the outgoing duty officer opens the shift handover
# (Ctrl+Shift+H), finds it pre-filled from dozord's draft, adds a remark
# and signs it off; the same officer is not offered to accept it; the
# incoming officer, another supervisor, accepts it on their board, and the
# board shows what is still open of what was handed over, following the
# closings live.
set -euo pipefail

dozor=${1:?usage: board-handover.sh PATH-TO-DOZOR}
test=board-handover
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor sup2:supervisor
token=$(token sup)

# start NAME USER: a board in its own directories, logging to
# $work/board-NAME.log; its window's id in $wid.
start() {
  local name=$1 user=$2
  XDG_CONFIG_HOME=$work/$name/config XDG_CACHE_HOME=$work/$name/cache XDG_DATA_HOME=$work/$name/data \
    "$dozor" --backend "$url" --credentials "$work/$user.credentials" --center 43.2385,76.9460 --zoom 14 \
    >"$work/board-$name.log" 2>&1 &
  board=$!
  wait_for "$work/board-$name.log" "Link state: live" 30
  wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
  xdotool windowmove "$wid" 0 0 windowsize "$wid" 1400 900
  xdotool windowraise "$wid" windowfocus --sync "$wid"
  sleep 0.5
}

incident() {
  api "$token" POST incidents "{\"type\":\"$1\",\"priority\":2,\"address\":\"$2\",\"location\":{\"lat\":43.2389,\"lon\":$3}}" |
    jq -r .id
}
theft=$(incident theft "пр. Абая, 10" 76.9470)
robbery=$(incident robbery "ул. Панфилова, 98" 76.9430)
number_robbery=$(api "$token" GET snapshot | jq -r ".incidents[] | select(.id == \"$robbery\") | .number")

# --- The outgoing officer signs off -------------------------------------------------
start out sup
xdotool key ctrl+shift+h
wait_for "$work/board-out.log" "Handover dialog open" 10
wait_for "$work/board-out.log" "Handover draft shown: 2 open, 0 under control, 0 plans" 15
ok "the handover opens pre-filled from the draft: the 2 open incidents"
focus_window "Shift Handover" >/dev/null
xdotool key ctrl+End
xdotool type --delay 20 "Quiet night, all patrols on their routes."
sleep 0.5
import -window root "$work/handover-draft.png"
xdotool key alt+s
wait_for "$work/board-out.log" "Handover signed by sup" 10
handover=$(api "$token" GET handovers | jq -c '.handovers[0]')
[ "$(jq -r .signed_by <<<"$handover")" = sup ] || fail "the server has $handover"
[ "$(jq -r .accepted_by <<<"$handover")" = null ] || fail "the server has $handover"
jq -r .text <<<"$handover" | grep -q "$number_robbery" || fail "the text does not name the open incident: $handover"
jq -r .text <<<"$handover" | grep -q "Quiet night, all patrols on their routes." || fail "the remark is lost: $handover"
[ "$(jq -r '.incident_ids | length' <<<"$handover")" = 2 ] || fail "not both incidents handed over: $handover"
ok "signed off by sup with the draft and the remark; the server keeps who and when"
import -window root "$work/handover-signed.png"

# The one who signed is shown it waits, and not offered to accept.
xdotool key Escape
sleep 0.5
xdotool windowraise "$wid" windowfocus --sync "$wid"
xdotool key ctrl+shift+h
wait_for "$work/board-out.log" "Handover pending: signed by this user, for another to accept" 10
! grep -q "Handover to accept" "$work/board-out.log" || fail "the signer was offered to accept"
ok "the officer who signed is not offered to accept it"
stop_board

# --- One of them is closed before the next shift takes over ---------------------------
curl -sf -X PATCH "$url/api/v1/incidents/$theft" -H "Authorization: Bearer $token" -H 'If-Match: 1' \
  -d '{"status":"closed"}' >/dev/null || fail "could not close the theft"
[ "$(api "$token" GET snapshot | jq '.incidents | length')" = 1 ] || fail "the theft is still open"

# --- The incoming officer accepts ---------------------------------------------------
start in sup2
xdotool key ctrl+shift+h
wait_for "$work/board-in.log" "Handover to accept: signed by sup" 15
focus_window "Shift Handover" >/dev/null
sleep 0.5
import -window root "$work/handover-to-accept.png"
xdotool key alt+a
wait_for "$work/board-in.log" "Handover accepted by sup2" 10
wait_for "$work/board-in.log" "Handover banner shown: 1 still open" 10
accepted=$(api "$token" GET handovers | jq -c '.handovers[0]')
[ "$(jq -r .accepted_by <<<"$accepted")" = sup2 ] || fail "the server has $accepted"
[ "$(jq -r .signed_by <<<"$accepted")" = sup ] || fail "the server has $accepted"
[ "$(jq -r .accepted_at <<<"$accepted")" != null ] || fail "the server has $accepted"
ok "accepted by sup2; the server keeps both names and times"
sleep 0.5
import -window root "$work/handover-accepted.png"
xdotool key Escape
sleep 0.5
import -window root "$work/handover-banner.png"
ok "the incoming board shows the 1 incident still open of the 2 handed over"

# Closing the last one is followed live.
curl -sf -X PATCH "$url/api/v1/incidents/$robbery" -H "Authorization: Bearer $token" -H 'If-Match: 1' \
  -d '{"status":"closed"}' >/dev/null || fail "could not close the robbery"
wait_for "$work/board-in.log" "Handover banner shown: 0 still open" 10
ok "closing the last one updates the banner: nothing handed over is still open"

echo "1..$n"
