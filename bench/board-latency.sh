#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# From a fix to the screen: dozord runs the Almaty scenario with N cars (each
# reports every 5 s, so N/5 positions a second), the board follows it under
# Xvfb at city zoom, and logs for every frame that shows new positions how
# old the oldest of them is at the end of that frame. Prints percentiles;
# never fails on time.
#
#   meson devenv -C build ../bench/board-latency.sh [CARS] [SECONDS]
set -euo pipefail

cars=${1:-10000} seconds=${2:-40}
: "${DOZORD:?run through meson devenv}" "${DOZORCTL:?}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$DOZORD")/..
work=$(mktemp -d)
server= board= url=
# shellcheck source=scenario-server.sh
. "$here/scenario-server.sh"
# xvfb-run does not pass its signal on: the board (its child) is stopped
# first, or it outlives the benchmark and skews the next one.
trap '[ -n "$board" ] && { pkill -P "$board" 2>/dev/null; kill "$board" 2>/dev/null; }; [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

start_scenario "$work" "$cars" wall wall

XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache GSETTINGS_BACKEND=memory G_MESSAGES_DEBUG=Dozor \
  GDK_BACKEND=x11 NO_AT_BRIDGE=1 xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
  "$build/app/dozor" --backend "$url" --credentials "$work/credentials" --center 43.2389,76.9453 --zoom 12 \
  >"$work/board.log" 2>&1 &
board=$!
sleep "$seconds"

{ grep -o 'oldest new [0-9.]*' "$work/board.log" || true; } | awk '{ print $3 }' | sort -n >"$work/latency.txt"
n=$(wc -l <"$work/latency.txt")
echo "cars $cars ($((cars / 5)) positions/s), $seconds s, frames with new positions: $n"
echo "$(grep -o "Units drawn: [0-9]*" "$work/board.log" | tail -n 1 || true)"
[ "$n" -gt 0 ] || { grep -v -i tile "$work/board.log" | tail -n 20; exit 1; }
awk '{ v[NR] = $1 } END {
  printf "fix to screen, oldest new fix per frame: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    v[int(NR * 0.50) + (NR * 0.50 > int(NR * 0.50))], v[int(NR * 0.95) + (NR * 0.95 > int(NR * 0.95))],
    v[int(NR * 0.99) + (NR * 0.99 > int(NR * 0.99))], v[NR] }' "$work/latency.txt"
