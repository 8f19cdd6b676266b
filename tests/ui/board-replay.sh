#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Issue 18, item 5: a supervisor replays the whole board. A history is
# made through the API (a unit, an incident it is sent to, readiness
# raised, the incident closed); Ctrl+Shift+P asks for the window, the
# replay opens in a board of its own under a teal "REPLAY — not live" bar
# and shows the state at its start; the keyboard seeks to the middle and
# to the end, Space plays it to the end; the replay makes no command
# (Ctrl+N opens no intake there, the backend gets nothing); Back to Live
# (Alt+B) brings the live board back, without the bar. The replay is
# opened more than a minute after the unit's last fix, when the live board
# counts it stale: the replay's board reckons from its own moment, where
# the fix is seconds old, and counts it current. The header's clock and
# the link label show the replayed moment, the crisis log that moment's
# episodes: none before readiness is raised, its episode at the end.
set -euo pipefail

dozor=${1:?usage: board-replay.sh PATH-TO-DOZOR}
test=board-replay
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor gps:tracker
sup=$(token sup)
gps=$(token gps)
# Local time with seconds, as the dialog takes it (the test's TZ is the board's).
stamp() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }
# The header's clock: the locale's date and time of day (dozor_format_header_clock).
header() { date -d "@$1" '+%x  %X'; }
fix() {
  api "$gps" POST positions "{\"positions\":[{\"unit_id\":\"$unit\",\"lat\":$1,\"lon\":$2,\"speed\":8,\"time\":\"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\"}]}" >/dev/null
}

# The window starts on a whole second (the dialog takes seconds), at
# least a second after dozord archived its first state; the history's
# steps come 3 s apart from it.
from=$(($(date +%s) + 2))
sleep "$(awk -v t="$from" -v now="$(date +%s.%N)" 'BEGIN { print t - now }')"
unit=$(api "$sup" POST units '{"call_sign":"Беркут-7","kind":"car"}' | jq -r .id)
fix 43.2360 76.9400
sleep 3
incident=$(api "$sup" POST incidents '{"type":"robbery","priority":1,"location":{"lat":43.2389,"lon":76.9453},"address":"пл. Республики"}' | jq -r .id)
api "$sup" POST dispatches "{\"unit_id\":\"$unit\",\"incident_id\":\"$incident\"}" | jq -e '.status == "active"' >/dev/null ||
  fail "the dispatch was refused"
fix 43.2375 76.9430
last_fix=$(date +%s)
sleep 3
raised_at=$(api "$sup" PUT readiness '{"level":"high","reason":"Митинг"}' | jq -r 'select(.level == "high") | .raised_at')
[ -n "$raised_at" ] || fail "readiness was not raised"
sleep 3
version=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" | jq -r ".incidents[0].version")
curl -sf -X PATCH "$url/api/v1/incidents/$incident" -H "Authorization: Bearer $sup" -H "If-Match: $version" \
  -d '{"status":"closed"}' >/dev/null || fail "the incident was not closed"
sleep 1
to=$((from + 12))
sleep 2
ok "a history: a unit, an incident it is sent to, readiness raised, the incident closed"

XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2385,76.9440 --zoom 15 \
  >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Link state: live" 30
live=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$live" 0 0 windowsize "$live" 1400 900 windowfocus --sync "$live"
sleep 1

# teal SHOT WINDOW: pixels of the replay bar's teal in the window's top 200 rows.
teal() {
  import -window "$2" "$work/$1.png"
  convert "$work/$1.png" -crop x200+0+0 +repage -fuzz 3% -fill black +opaque '#00b3b3' -fill white -opaque '#00b3b3' \
    -format '%[fx:round(mean*w*h)]' info:
}
[ "$(teal live-before "$live")" -eq 0 ] || fail "the live board shows the replay's teal already"

# press_until WINDOW PATTERN KEY: the key to the focused window until the
# log says PATTERN (a busy machine may lose a press to a window that is
# still taking the focus), three tries of 10 s.
press_until() {
  for _ in 1 2 3; do
    xdotool windowfocus --sync "$1" key "$3"
    for _ in $(seq 1 100); do grep -q -- "$2" "$work/board.log" && return 0; sleep 0.1; done
  done
  fail "$3 gave no “$2” in board.log"
}
# A minute after the last fix the live board counts the unit stale.
sleep "$(awk -v t="$((last_fix + 62))" -v now="$(date +%s.%N)" 'BEGIN { d = t - now; print (d > 0 ? d : 0) }')"
wait_for "$work/board.log" "Unit counts: .* Stale 1" 10
mark=$(wc -l <"$work/board.log")
press_until "$live" "Replay dialog open" ctrl+shift+p
dialog=$(focus_window "Replay")
xdotool key alt+f ctrl+a
xdotool type --delay 20 "$(stamp "$from")"
xdotool key alt+t ctrl+a
xdotool type --delay 20 "$(stamp "$to")"
xdotool key alt+s
wait_for "$work/board.log" "Replay shown at" 30
replay=$(timeout 10 xdotool search --sync --onlyvisible --name '^Replay — Dozor$' | head -n 1) || fail "no replay window"
xdotool windowmove "$replay" 0 0 windowsize "$replay" 1400 900
sleep 2
xdotool search --onlyvisible --name '^Dozor$' >/dev/null 2>&1 && fail "the live board stayed on screen under the replay"
grep -q "Replay shown at .*: 0 units, 0 incidents, 0 dispatches, 0 plans, readiness normal" "$work/board.log" ||
  fail "the start is not the state then: $(grep 'Replay shown' "$work/board.log" | tail -n 1)"
# Drawn once the resized window has rendered: a few tries.
for _ in $(seq 1 10); do
  shown=$(teal replay-start "$replay")
  [ "$shown" -gt 5000 ] && break
  sleep 1
done
[ "$shown" -gt 5000 ] || fail "the replay's bar has $shown teal pixels"
ok "Ctrl+Shift+P, the window typed in: the replay opens alone under its teal bar ($shown pixels), at the start's state"

# since_mark TEXT: whether the board logged TEXT (fixed) since the replay was asked for.
since_mark() { tail -n +"$((mark + 1))" "$work/board.log" | grep -qF -- "$1"; }
# wait_since_mark TEXT: until it has, 10 s at most.
wait_since_mark() {
  for _ in $(seq 1 100); do since_mark "$1" && return 0; sleep 0.1; done
  fail "no “$1” in board.log since the replay was asked for; the last clock and link lines: $(tail -n +"$((mark + 1))" "$work/board.log" | grep -E 'Clock shows|Link label' | tail -n 4)"
}
wait_since_mark "Clock shows: $(header "$from")"
wait_since_mark "Link label: Not live: replay of $(header "$from")"
since_mark "Link label: ● Live" && fail "the replay's link label said live"
ok "the header's clock and the link label show the replay's start, $(header "$from"), not now ($(header "$(date +%s)"))"

# The timeline has the focus: each arrow moves a twentieth (0.6 s). Step
# by step, each shown before the next, the replay passes the dispatch
# (3 s in) before readiness is raised (6 s in).
xdotool windowfocus --sync "$replay"
middle="Replay shown at .*: 1 units, 1 incidents, 1 dispatches, 0 plans, readiness normal"
for _ in $(seq 1 20); do
  shown=$(count "Replay shown at")
  xdotool key Right
  wait_count "Replay shown at" $((shown + 1))
  [ "$(count "$middle")" -gt 0 ] && break
  [ "$(count "Replay shown at .*readiness high")" -gt 0 ] && fail "the arrows passed the dispatch unseen"
done
[ "$(count "$middle")" -gt 0 ] || fail "twenty arrows did not reach the dispatch"
sleep 1
import -window "$replay" "$work/replay-middle.png"
ok "the arrows seek to the middle: the incident and its dispatch, readiness still normal"

# The crisis log reads the journal up to the moment shown: readiness is
# raised only later, so there is no episode yet, though there is one now.
wait_since_mark "Crisis log episodes: 0"
since_mark "Crisis log episodes: 1" && fail "the replay's crisis log showed an episode raised after its moment"
ok "the replay's crisis log, before readiness was raised, has no episode"

# The replay's unit list counts from the replayed moment: the fix is
# seconds old there, though more than a minute old now.
replay_counts() { tail -n +"$((mark + 1))" "$work/board.log" | grep "Unit counts: .*Dispatched 1 " | tail -n 1; }
for _ in $(seq 1 50); do
  [[ "$(replay_counts)" == *"Stale 0"* ]] && break
  sleep 0.1
done
[[ "$(replay_counts)" == *"Stale 0"* ]] ||
  fail "the replay counts a fix seconds old at its moment as stale: $(replay_counts)"
ok "the replay's counts reckon from its moment: the unit's fix is current there"

xdotool key End
wait_count "Replay shown at .*: 1 units, 0 incidents, 0 dispatches, 0 plans, readiness high" 1
ok "End seeks to the end: the incident closed, readiness high"

wait_since_mark "Clock shows: $(header "$to")"
wait_since_mark "Link label: Not live: replay of $(header "$to")"
wait_since_mark "Crisis log episodes: 1"
ok "at the end the clock and the link label show $(header "$to"), and the crisis log the episode raised by then"

# The banner's "raised … ago" is reckoned from the replayed moment: at the
# end, the seconds from readiness raised to the window's end (now it is
# more than a minute).
aged=$(awk -v t="$to" -v r="$(date -d "$raised_at" +%s.%N)" 'BEGIN { print int(t - r) }')
banner="Readiness banner age: raised by sup · $aged${nbsp}s ago"
wait_since_mark "$banner"
ok "after the seek to the end, the readiness banner says “raised by sup · $aged s ago”, from the replay's end"

start="Replay shown at .*: 0 units, 0 incidents, 0 dispatches, 0 plans, readiness normal"
end="Replay shown at .*: 1 units, 0 incidents, 0 dispatches, 0 plans, readiness high"
starts=$(count "$start") ends=$(count "$end")
xdotool key Home
wait_count "$start" $((starts + 1))
played=$(($(wc -l <"$work/board.log") + 1))
xdotool key space
# Played at 1×, the twelve seconds end within half a minute.
for _ in $(seq 1 300); do [ "$(count "$end")" -gt "$ends" ] && break; sleep 0.1; done
[ "$(count "$end")" -gt "$ends" ] || fail "Space did not play the replay to its end"
# Played, the banner's age follows the replay's clock between events too
# (none comes after readiness is raised but the incident's closing): it
# ends at the end's age, counted up to there.
played_ages=$(tail -n +"$played" "$work/board.log" | grep "Readiness banner age: " || true)
[[ "$(tail -n 1 <<<"$played_ages")" == *"$banner" ]] ||
  fail "played to the end, the banner's age is not the end's: $(tail -n 1 <<<"$played_ages")"
[ "$(wc -l <<<"$played_ages")" -ge 3 ] || fail "played, the banner's age moved only at events: $played_ages"
ok "played to the end, the banner's age follows the replay's clock to “$aged s ago”"
sleep 1
import -window "$replay" "$work/replay-end.png"
ok "Space plays it to the end, which shows what End showed"

# The crisis log's page (Ctrl+Shift+L), for a person to look at.
xdotool key ctrl+shift+l
sleep 1
import -window "$replay" "$work/replay-crisis-log.png"

xdotool key ctrl+n
sleep 1
grep -q "Intake open" "$work/board.log" && fail "Ctrl+N opened an intake in the replay"
[ "$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $sup" | jq '.incidents | length')" = 0 ] ||
  fail "the backend got an incident during the replay"
ok "the replay is read-only: Ctrl+N opens no intake"

press_until "$replay" "Replay ended: back to live" alt+b
live=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "the live board did not come back"
xdotool search --onlyvisible --name '^Replay — Dozor$' >/dev/null 2>&1 && fail "the replay stayed on screen"
sleep 1
after=$(teal live-after "$live")
[ "$after" -eq 0 ] || fail "the live board shows $after teal pixels after the replay"
ok "Alt+B goes back to live: the live board, without the bar"

echo "1..$n"
