#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Cold start from the local copy: a board follows dozord's Almaty scenario
# with N cars until it has saved its copy of the situation; then, with the
# backend gone, the board is started ROUNDS times and the time from launch
# to the first image of the units (those in view) is printed (the log's
# "Units drawn" line comes when that image is handed to the frame), with the
# first frame of the window and the time from it to the units, and when the
# frame showing the units has been painted ("on screen": the unit layer's
# first "Fix latency" line, logged after that frame). Each round
# also starts the board once for a user with no copy: its first frame is
# the floor that GTK, the renderer and the board's own set-up put under
# any start. Each round ends with the platform's floor (bench/board-floor:
# a libadwaita window of the board's default size showing one label) on
# the same display: launch → its first frame, what GTK, libadwaita and the
# renderer cost before any of the board's own work. Prints figures; never
# fails on time.
#
#   meson devenv -C build ../bench/cold-start.sh [CARS] [ROUNDS]
#
# DOZOR_BOARDS="A B" times each of those board executables in turn every
# round (two builds compared on the same copy and the same machine load).
set -euo pipefail

cars=${1:-5000} rounds=${2:-5}
: "${DOZORD:?run through meson devenv}" "${DOZORCTL:?}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$DOZORD")/..
floor_exe=$build/bench/board-floor
work=$(mktemp -d)
server= board= display_pid= url= display=
# shellcheck source=scenario-server.sh
. "$here/scenario-server.sh"
trap 'stop_processes; rm -rf "$work"' EXIT

# One display for every round, as on a workstation where X already runs.
start_xvfb 1920x1080
export DISPLAY=$display XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache GSETTINGS_BACKEND=memory \
  G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1
sleep 1

start_scenario "$work" "$cars" wall wall
# Another user's board has no copy: it starts empty.
(umask 077 && printf 'nobody\nbench bench bench\n' >"$work/no-copy")

board_args=(--backend "$url" --credentials "$work/credentials" --center 43.2389,76.9453 --zoom 12)
read -r -a boards <<<"${DOZOR_BOARDS:-$build/app/dozor}"
"${boards[0]}" "${board_args[@]}" >"$work/live.log" 2>&1 &
board=$!
for _ in $(seq 1 600); do grep -q "Local copy saved" "$work/live.log" && break; sleep 0.1; done
grep -q "Local copy saved" "$work/live.log" || { echo "the board saved no copy" >&2; exit 1; }
kill "$board" "$server"; wait "$board" "$server" 2>/dev/null || true
board= server=
echo "copy of $cars cars: $(du -k "$work"/data/dozor/*situation.sqlite* | awk '{ s += $1 } END { print s }') KiB"

stamp() { { grep -m1 "$1" "$work/cold.log" || true; } | { grep -o '[0-9]*:[0-9]*:[0-9.]*' || true; } | head -n 1; }
# Milliseconds from the launch (date +%s.%N) to a log time of the same day.
since() { echo "$1 $2" | awk 'function s(t,  a) { split(t, a, ":"); return a[1] * 3600 + a[2] * 60 + a[3] }
  { day = $1 - ($1 % 86400); printf "%.0f", (s($2) - ($1 - day)) * 1000 }'; }

for round in $(seq 1 "$rounds"); do
  for b in "${!boards[@]}"; do
    label=
    [ "${#boards[@]}" -gt 1 ] && label="board $((b + 1)), "
    start=$(date +%s.%N)
    "${boards[$b]}" "${board_args[@]}" >"$work/cold.log" 2>&1 &
    board=$!
    for _ in $(seq 1 300); do grep -q "Units drawn: " "$work/cold.log" && break; sleep 0.02; done
    # CPU time is less at the mercy of the other users of a shared machine
    # than wall time: what the board used until the units were seen (the
    # poll adds up to 20 ms), all threads and the main one alone.
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$board/stat" 2>/dev/null || true)
    main_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }' "/proc/$board/task/$board/stat" 2>/dev/null || true)
    for _ in $(seq 1 300); do grep -q "Fix latency: " "$work/cold.log" && break; sleep 0.02; done
    drawn=$(stamp "Units drawn: ") painted=$(stamp "Fix latency: ") restored=$(stamp "Local copy restored") first=$(stamp "Link state")
    frame=$(stamp "First frame")
    count=$({ grep -m1 -o "Units drawn: [0-9]*" "$work/cold.log" || true; } | grep -o '[0-9]*$')
    kill "$board"; wait "$board" 2>/dev/null || true; board=
    [ -n "${BENCH_KEEP_LOG:-}" ] && cp "$work/cold.log" "$BENCH_KEEP_LOG"
    [ -n "$drawn" ] && [ -n "$restored" ] || { echo "${label}round $round: the copy was not drawn"; continue; }
    line="${label}round $round: launch → first log $(since "$start" "$first") ms, → copy restored $(since "$start" "$restored") ms"
    # A build from before the "First frame" line has none.
    if [ -n "$frame" ]; then
      line="$line, → first frame $(since "$start" "$frame") ms"
    fi
    line="$line, → $count units drawn $(since "$start" "$drawn") ms"
    if [ -n "$frame" ]; then
      line="$line (first frame → units $(( $(since "$start" "$drawn") - $(since "$start" "$frame") )) ms)"
    fi
    # "Units drawn" comes when the tiles are handed to the map; the unit
    # layer's first "Fix latency" line when the frame showing them has been
    # painted: what the user sees.
    if [ -n "$painted" ]; then
      line="$line, → on screen $(since "$start" "$painted") ms"
      if [ -n "$frame" ]; then
        line="$line (first frame → on screen $(( $(since "$start" "$painted") - $(since "$start" "$frame") )) ms)"
      fi
    fi
    echo "$line; CPU ${cpu:-?} ms (main thread ${main_cpu:-?} ms)"

    # The same board with nothing to restore: launch → its first frame.
    start=$(date +%s.%N)
    "${boards[$b]}" --backend "$url" --credentials "$work/no-copy" --center 43.2389,76.9453 --zoom 12 \
      >"$work/cold.log" 2>&1 &
    board=$!
    for _ in $(seq 1 300); do grep -q "First frame" "$work/cold.log" && break; sleep 0.02; done
    frame=$(stamp "First frame")
    kill "$board"; wait "$board" 2>/dev/null || true; board=
    if [ -n "$frame" ]; then
      echo "${label}round $round, no copy: launch → first frame $(since "$start" "$frame") ms"
    fi
  done

  # The platform alone, under the same load as the boards of this round.
  if [ -x "$floor_exe" ]; then
    start=$(date +%s.%N)
    "$floor_exe" 1280 800 >"$work/cold.log" 2>&1 &
    board=$!
    for _ in $(seq 1 300); do grep -q "First frame" "$work/cold.log" && break; sleep 0.02; done
    frame=$(stamp "First frame")
    kill "$board"; wait "$board" 2>/dev/null || true; board=
    if [ -n "$frame" ]; then echo "round $round, platform floor: launch → first frame $(since "$start" "$frame") ms"; fi
  fi
done
