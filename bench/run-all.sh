#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The board's benchmarks of issue 14, one after another, each printing its
# own figures (docs/performance.md says what they mean):
#   1. bench-units at 1920x1080: 1, 5k, 10k, 50k and 100k units, fixes in
#      200-ms ticks, ShumateMarkerLayer at 5k;
#   2. bench-units at 1920x1080, 10k and 50k units, fixes arriving
#      continuously, each unit every 5 s;
#   3. bench-units at 3840x2160: 1, 10k and 50k units;
#   4. cold-start.sh with 5,000 and with 10,000 cars;
#   5. board-latency.sh with 5,000 cars;
#   6. board-memory.sh: desk with 200 cars, wall with 5,000;
#   7. wall-frames.sh: a wall's frame times on two 3840x2160 monitors, 200
#      and 5,000 cars, GL and cairo renderers (Xorg's dummy driver);
#   8. bench-history.sh, if present.
# The bench-units runs get an Xvfb screen of their size; the scripts start
# their own. Never fails on time: a step that does not run to its end is
# named at the end, and the script exits 1 only for such a step.
#
#   meson devenv -C build ../bench/run-all.sh [--quick]
#
# --quick: 40 frames per arm instead of 150, 2 cold-start rounds, 30 s of
# fix-to-screen (to check the script, not to quote).
set -uo pipefail

: "${DOZORD:?run through meson devenv}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$(dirname "$DOZORD")/.." && pwd)
frames=150 rounds=3 seconds=60
if [ "${1:-}" = --quick ]; then
  frames=40 rounds=2 seconds=30
fi
failed=()

step() {
  local name=$1
  shift
  echo
  echo "==== $name ($(date -u '+%Y-%m-%d %H:%M:%S UTC'))"
  echo "# $*"
  "$@"
  local status=$?
  [ "$status" -eq 0 ] || { echo "# $name: exited with status $status"; failed+=("$name"); }
}

units_at() {
  local size=$1
  shift
  xvfb-run -a -s "-screen 0 ${size}x24 -nolisten tcp" "$build/bench/bench-units" "$size" --frames="$frames" "$@"
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "build: $build ($(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo 'not a git tree'))"

step "bench-units 1920x1080, ticks" \
  units_at 1920x1080 --units=1,5000,10000,50000,100000 --markers=5000 --sprites=10000
step "bench-units 1920x1080, continuous" \
  units_at 1920x1080 --units=10000,50000 --markers=0 --no-repeat --arrival=continuous --report-seconds=5
step "bench-units 3840x2160, ticks" \
  units_at 3840x2160 --units=1,10000,50000 --markers=0 --no-repeat
step "bench-stream 20 clients, 2,000/s" "$build/bench/bench-stream" 20 2000 20 200 --batch
step "bench-stream 100 clients, 10,000/s" "$build/bench/bench-stream" 100 10000 10 200 --batch
step "cold-start 5000" "$here/cold-start.sh" 5000 "$rounds"
step "cold-start 10000" "$here/cold-start.sh" 10000 "$rounds"
step "board-latency 5000" "$here/board-latency.sh" 5000 "$seconds"
step "board-memory 200/5000" "$here/board-memory.sh" 200 5000 "$seconds"
step "wall-frames 200/5000" "$here/wall-frames.sh" "$seconds"
if [ -x "$here/bench-history.sh" ]; then
  step "bench-history" "$here/bench-history.sh"
fi

echo
echo "load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
if [ "${#failed[@]}" -gt 0 ]; then
  printf 'did not run to the end: %s\n' "${failed[@]}"
  exit 1
fi
echo "every step ran to its end"
