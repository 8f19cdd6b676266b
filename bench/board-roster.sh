#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The duty roster window at a shift's size: dozord runs the Almaty scenario
# with CARS cars; ENTRIES of them get an entry for the current shift, in one
# CSV through `dozorctl roster import` while the board runs (a car with a patrol route of the
# scenario is put on it); the others report without one. A supervisor's
# board follows it; after WARMUP s of the stream the script imports the
# roster and at once presses Ctrl+Alt+R, then twice more, 5 s apart, and prints how long each press took
# to run (the board logs "Roster pane shown") and the window to be mapped,
# and what the pane's updates cost the main thread meanwhile (the board
# logs each with its time). Never fails on time.
#
#   meson devenv -C build xvfb-run -a -s "-screen 0 1600x1000x24" ../bench/board-roster.sh [CARS] [ENTRIES] [WARMUP]
set -euo pipefail

cars=${1:-200} entries=${2:-200} warmup=${3:-20}
: "${DOZORD:?run through meson devenv}" "${DOZORCTL:?}" "${DISPLAY:?run under xvfb-run}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$DOZORD")/..
work=$(mktemp -d)
server= board= url=
# shellcheck source=scenario-server.sh
. "$here/scenario-server.sh"
trap '[ -n "$board" ] && kill "$board" 2>/dev/null; [ -n "$server" ] && kill "$server" 2>/dev/null; wait; rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
start_scenario "$work" "$cars" sup supervisor
token=$(curl -sf -X POST "$url/api/v1/session" -d '{"username":"sup","password":"bench bench bench"}' | jq -r .token)
curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" >"$work/snapshot.json"
from=$(date -u -d '-1 hour' +%Y-%m-%dT%H:00:00Z)
to=$(date -u -d '+11 hour' +%Y-%m-%dT%H:00:00Z)
jq -r --arg day "$(date -u -d '-1 hour' +%Y-%m-%d)" --arg from "$from" --arg to "$to" --argjson n "$entries" '
  "shift_date,from,to,call_sign,crew,vehicle,radio,weapons,route",
  ((.routes // []) as $routes | .units[:$n] | to_entries[] | .key as $i | .value as $u
   | [$day, $from, $to, $u.call_sign, "Сапаров Н./сержант/АЛ-\($i)", "Lada Vesta \($i) KZ 02", "Р-\($i)",
      "ПМ \($i)", ([$routes[] | select(.unit_id == $u.id) | .name][0] // "")] | @csv)' \
  "$work/snapshot.json" >"$work/roster.csv"

XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache XDG_CONFIG_HOME=$work/config GSETTINGS_BACKEND=memory \
  G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
  "$build/app/dozor" --backend "$url" --credentials "$work/credentials" >"$work/board.log" 2>&1 &
board=$!
for _ in $(seq 1 600); do grep -q "Roster pane: 0 entries" "$work/board.log" && break; sleep 0.1; done
wid=$(timeout 20 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1)
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 900
sleep "$warmup"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
start=$(now_ms) mark=$(wc -l <"$work/board.log")
# The shift's roster arrives while the board runs, as at a shift's start.
"$DOZORCTL" roster import "$work/roster.csv" --backend "$url" --credentials "$work/credentials" >/dev/null
for press in 1 2 3; do
  shown=$(grep -c "Roster pane shown" "$work/board.log" || true)
  xdotool windowfocus "$wid" 2>/dev/null || true
  t0=$(now_ms)
  xdotool key ctrl+alt+r
  for _ in $(seq 1 1200); do
    [ "$(grep -c "Roster pane shown" "$work/board.log" || true)" -gt "$shown" ] && break
    sleep 0.05
  done
  t1=$(now_ms)
  roster=$(timeout 120 xdotool search --sync --onlyvisible --name '^Duty Roster$' | head -n 1) || true
  t2=$(now_ms)
  # No window manager: the window opens over the board's corner.
  [ -z "$roster" ] || xdotool windowmove "$roster" 1040 0
  echo "press $press: Ctrl+Alt+R ran after $((t1 - t0)) ms, the window mapped after $((t2 - t0)) ms"
  if [ "$press" = 1 ]; then
    for _ in $(seq 1 3000); do grep -q "Roster pane: $entries entries" "$work/board.log" && break; sleep 0.1; done
    echo "all $entries entries listed $(($(now_ms) - t0)) ms after the import and the press"
    # ROSTER_SHOT=FILE keeps the screen as it was then.
    [ -z "${ROSTER_SHOT:-}" ] || { sleep 3; import -window root "$ROSTER_SHOT"; }
  fi
  sleep 5
done
took=$(($(now_ms) - start))
tail -n +"$mark" "$work/board.log" | grep -o "Roster pane: [0-9]* entries, [0-9]* flags in [0-9.]* ms" |
  awk -v span="$took" '{ n++; ms += $8; if ($8 > max) max = $8; line = $0 }
    END { printf "pane updates in the %.1f s of presses: %d, %.0f ms in all (%.1f%% of the main thread), longest %.1f ms\nlast: %s\n",
          span / 1000, n, ms, ms / span * 100, max, line }'
echo "load average after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
