#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The board's main heap by allocation site, beside the platform's floor's:
# heaptrack (Debian's) records the floor (bench/board-floor, a libadwaita
# window with one label, at the board's window size) for SECONDS after its
# first frame, then a supervisor's desk board following dozord's Almaty
# scenario with CARS cars for SECONDS after the link went live, both under
# Xvfb at 1920×1080 on the renderer GTK picks (GL on llvmpipe here). Each
# process is ended with SIGTERM: what it still held then is heaptrack's
# "leaked", which is the live heap at that moment. heap-sites.py then sums
# it by subsystem and by function for the board and the floor, with the
# difference. Prints figures; never fails on size. Slow (heaptrack records
# every allocation): for finding sites, not for the RSS figures, which are
# board-memory.sh's.
#
#   meson devenv -C build ../bench/board-heaptrack.sh [CARS] [SECONDS] [OUTDIR]
#
# OUTDIR keeps the recordings (heaptrack.*.zst, open them with
# heaptrack_print) and the folded stacks; by default a temporary directory,
# removed at the end. BOARD=path/to/dozor records another build.
set -euo pipefail

cars=${1:-200} seconds=${2:-40} out=${3:-}
: "${DOZORD:?run through meson devenv}" "${DOZORCTL:?}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$DOZORD")/..
board_exe=${BOARD:-$build/app/dozor}
floor_exe=$build/bench/board-floor
work=$(mktemp -d)
[ -n "$out" ] || out=$work/out
mkdir -p "$out"
server= board= display_pid= url= display=
# shellcheck source=scenario-server.sh
. "$here/scenario-server.sh"
trap 'stop_processes; rm -rf "$work"' EXIT

# Ends the program heaptrack started (its child), waits for heaptrack to
# write the recording, and folds what was still allocated.
finish() {
  local name=$1 tracer=$2 exe_name=$3 child
  child=$(pgrep -P "$tracer" -x "$exe_name" || true)
  [ -n "$child" ] && kill "$child"
  wait "$tracer" 2>/dev/null || true
  board=
  heaptrack_print -f "$out/heaptrack.$name.zst" --disable-builtin-suppressions \
    -F "$out/$name.folded" --flamegraph-cost-type leaked >"$out/$name.txt"
}

echo "machine: $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg), $(date -u +%H:%M) UTC"

start_xvfb 1920x1080
DISPLAY=$display GDK_BACKEND=x11 NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory \
  heaptrack -o "$out/heaptrack.floor" "$floor_exe" 1280 800 >"$work/floor.log" 2>&1 &
board=$!
for _ in $(seq 1 1200); do grep -q "First frame" "$work/floor.log" && break; sleep 0.1; done
grep -q "First frame" "$work/floor.log" || { echo "floor: the window did not draw" >&2; cat "$work/floor.log" >&2; exit 1; }
sleep "$seconds"
finish floor "$board" board-floor
stop_processes

start_xvfb 1920x1080
mkdir -p "$work/run"
start_scenario "$work/run" "$cars" sup supervisor
DISPLAY=$display XDG_DATA_HOME=$work/run/data XDG_CACHE_HOME=$work/run/cache GSETTINGS_BACKEND=memory \
  G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
  heaptrack -o "$out/heaptrack.board" "$board_exe" --backend "$url" --credentials "$work/run/credentials" \
  --center 43.2389,76.9453 --zoom 12 >"$work/run/board.log" 2>&1 &
board=$!
for _ in $(seq 1 1200); do grep -q "Link state: live" "$work/run/board.log" && break; sleep 0.1; done
grep -q "Link state: live" "$work/run/board.log" || { echo "board: did not go live" >&2; tail "$work/run/board.log" >&2; exit 1; }
sleep "$seconds"
echo "board: $(grep -o 'Units drawn: [0-9]*' "$work/run/board.log" | tail -n 1)"
finish board "$board" "$(basename "$board_exe")"
stop_processes

grep -h "peak heap memory consumption\|total memory leaked\|calls to allocation" "$out/floor.txt" | sed 's/^/floor: /'
grep -h "peak heap memory consumption\|total memory leaked\|calls to allocation" "$out/board.txt" | sed 's/^/board: /'
python3 "$here/heap-sites.py" "$out/board.folded" "$out/floor.folded"
echo "machine after: load average $(cut -d ' ' -f 1-3 /proc/loadavg), $(date -u +%H:%M) UTC"
