#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Memory of the board: dozord runs the Almaty scenario, and the board
# follows it under Xvfb, first as a desk (a supervisor, DESK_CARS cars,
# 1920×1080) and then as a wall (--wall, WALL_CARS cars, WALL_SCREEN). After
# SETTLE seconds live, the board's RSS and PSS are printed with where they
# sit (from /proc/PID/smaps): the main heap, the malloc arenas of threads,
# other anonymous memory (large allocations such as the map's images, and
# Mesa's buffers), shared memory with the X server, libraries, fonts, the
# map's data files and the rest. Prints figures; never fails on size.
#
#   meson devenv -C build ../bench/board-memory.sh [DESK_CARS] [WALL_CARS] [SETTLE]
#
# WALL_SCREEN=3840x2160 measures the wall at 4K (default 1920x1080).
# BOARD=path/to/dozor measures another build. FLOOR=0 leaves out the
# platform's floor (bench/board-floor, a libadwaita window with one label at
# the board's screen size), measured first under the same load.
# PAN=N then drags the map N times by 700 pixels, two drags east for one
# back west, with xdotool (the desk only; a wall is not dragged), and
# reports the board again SETTLE seconds after the last drag: what panning
# about leaves held (the tile source's cache, the overlays' tiles).
# TRACE_MMAPS=1 runs the board under gdb and prints where its anonymous
# mappings of 128 KiB or more were made (bench/mmap-sites.py): slow, for
# finding the sites, not for the figures.
set -euo pipefail

desk_cars=${1:-200} wall_cars=${2:-5000} settle=${3:-30}
wall_screen=${WALL_SCREEN:-1920x1080}
: "${DOZORD:?run through meson devenv}" "${DOZORCTL:?}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(dirname "$DOZORD")/..
board_exe=${BOARD:-$build/app/dozor}
floor_exe=$build/bench/board-floor
trace=()
[ "${TRACE_MMAPS:-0}" = 0 ] || trace=(gdb -q -batch -ex "set startup-with-shell off" -ex "set breakpoint pending on"
  -ex "handle SIGPIPE SIG32 SIG33 SIGUSR1 nostop noprint pass" -ex start -ex "source $here/mmap-sites.py" -ex continue --args)
work=$(mktemp -d)
server= board= display_pid= url= display=
# shellcheck source=scenario-server.sh
. "$here/scenario-server.sh"
trap 'stop_processes; rm -rf "$work"' EXIT

# Sums one field of smaps (kB) per kind of mapping. Thread arenas are
# anonymous mappings that start on a 64 MiB boundary (glibc's HEAP_MAX_SIZE).
breakdown() {
  awk -v field="$2" '
    /^[0-9a-f]+-[0-9a-f]+ / {
      split($1, range, "-"); path = $6
      for (i = 7; i <= NF; i++) path = path " " $i
      # mawk has no strtonum: 64 MiB-aligned is "[048c]000000" at the end.
      aligned = range[1] ~ /[048c]000000$/
      if (path == "[heap]") kind = "heap (main arena)"
      else if (path == "" && aligned) kind = "thread arenas"
      else if (path == "") kind = "other anonymous"
      else if (path ~ /^\[stack/) kind = "stacks"
      else if (path ~ /^\/(SYSV|dev\/shm|memfd:|dev\/dri)/ || path ~ /^\/memfd:/) kind = "shared with X/GL"
      else if (path ~ /\.so(\.[0-9.]+)?$/ || path ~ /\/ld-linux/) kind = "libraries"
      else if (path ~ /\.(ttf|otf|pfb|cache-[0-9]+)$/ || path ~ /fontconfig/) kind = "fonts"
      else if (path ~ /\.(mbtiles|sqlite|geojson|gpkg)(-shm)?$/) kind = "map and board files"
      else if (path ~ /^\[/) kind = "kernel ([vdso] …)"
      else kind = "other files"
      next
    }
    $1 == field ":" { sum[kind] += $2 }
    END { for (k in sum) printf "  %-22s %8.1f MB\n", k, sum[k] / 1024 }' "/proc/$1/smaps" | sort -k1,1
}

report() {
  local label=$1 pid=$2
  local rss pss anon file shmem
  rss=$(awk '$1 == "Rss:" { print $2 }' "/proc/$pid/smaps_rollup")
  pss=$(awk '$1 == "Pss:" { print $2 }' "/proc/$pid/smaps_rollup")
  anon=$(awk '$1 == "Pss_Anon:" { print $2 }' "/proc/$pid/smaps_rollup")
  file=$(awk '$1 == "Pss_File:" { print $2 }' "/proc/$pid/smaps_rollup")
  shmem=$(awk '$1 == "Pss_Shmem:" { print $2 }' "/proc/$pid/smaps_rollup")
  printf '%s: RSS %.1f MB, PSS %.1f MB (anonymous %.1f, files %.1f, shared memory %.1f), peak RSS %s, threads %s\n' \
    "$label" "$((rss))e-3" "$((pss))e-3" "$((anon))e-3" "$((file))e-3" "$((shmem))e-3" \
    "$(awk '$1 == "VmHWM:" { printf "%.1f MB", $2 / 1024 }' "/proc/$pid/status")" \
    "$(awk '$1 == "Threads:" { print $2 }' "/proc/$pid/status")"
  echo " RSS by kind of mapping:"
  breakdown "$pid" Rss
  echo " PSS by kind of mapping:"
  breakdown "$pid" Pss
  echo " largest anonymous mappings (RSS MB):"
  awk '/^[0-9a-f]+-[0-9a-f]+ / { anon = (NF == 5); range = $1 } anon && $1 == "Rss:" && $2 >= 4096 { printf "  %s %.1f\n", range, $2 / 1024 }' \
    "/proc/$pid/smaps" | sort -k2,2 -n -r | head -n 8
}

# One run: dozord with CARS cars, the board as USER with ARGS, on a screen of SIZE.
measure() {
  local label=$1 cars=$2 size=$3 user=$4 role=$5
  shift 5
  rm -rf "$work/run" && mkdir -p "$work/run"
  start_xvfb "$size"
  start_scenario "$work/run" "$cars" "$user" "$role"

  DISPLAY=$display XDG_DATA_HOME=$work/run/data XDG_CACHE_HOME=$work/run/cache GSETTINGS_BACKEND=memory \
    G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1 MMAP_LOG=$work/run/mmaps.log \
    ${trace[@]+"${trace[@]}"} "$board_exe" --backend "$url" --credentials "$work/run/credentials" --center 43.2389,76.9453 --zoom 12 "$@" \
    >"$work/run/board.log" 2>&1 &
  board=$!
  for _ in $(seq 1 600); do grep -q "Link state: live" "$work/run/board.log" && break; sleep 0.1; done
  grep -q "Link state: live" "$work/run/board.log" || { echo "$label: the board did not go live" >&2; tail "$work/run/board.log" >&2; exit 1; }
  sleep "$settle"
  local pid=$board
  [ -z "${trace[*]:-}" ] || pid=$(pgrep -P "$board" -x dozor)
  report "$label, $cars cars, $size, ${settle} s live ($(grep -o 'Units drawn: [0-9]*' "$work/run/board.log" | tail -n 1))" "$pid"
  if [ "${PAN:-0}" -gt 0 ] && [ "$role" != wall ]; then
    pan "$display" "$PAN"
    sleep "$settle"
    report "$label after $PAN drags, ${settle} s later ($(grep -o 'Basemap tiles kept: [0-9]*' "$work/run/board.log" | tail -n 1))" "$pid"
  fi
  if [ -n "${trace[*]:-}" ]; then
    echo " where the anonymous mappings were made (mmap-sites.py: RSS, mappings, stack):"
    python3 "$here/mmap-sites.py" "$work/run/mmaps.log" "/proc/$pid/smaps"
  fi
  stop_processes
}

# Drags the map on DISPLAY COUNT times: east, east, west, … so that both
# new tiles and tiles seen before come into view, 3 s apart for the tiles
# to be composed, as a supervisor looking about the city would.
pan() {
  local display=$1 count=$2 i step x dx
  # The desk's window is 1280×800 (its default) with the map right of the
  # side pane, which ends at x = 417.
  for i in $(seq 1 "$count"); do
    x=1200 dx=-35
    [ $((i % 3)) = 0 ] && x=500 dx=35
    DISPLAY=$display xdotool mousemove $x 500 mousedown 1
    for step in $(seq 1 20); do DISPLAY=$display xdotool mousemove $((x + step * dx)) 500; done
    DISPLAY=$display xdotool mouseup 1
    sleep 3
  done
}

# The same for a window that only shows one label: what GTK and its
# renderer cost any program on this display, which the board cannot change.
measure_floor() {
  start_xvfb 1920x1080
  DISPLAY=$display GDK_BACKEND=x11 NO_AT_BRIDGE=1 GSETTINGS_BACKEND=memory "$floor_exe" 1920 1080 >"$work/floor.log" 2>&1 &
  board=$!
  for _ in $(seq 1 600); do grep -q "First frame" "$work/floor.log" && break; sleep 0.1; done
  grep -q "First frame" "$work/floor.log" || { echo "floor: the window did not draw" >&2; cat "$work/floor.log" >&2; exit 1; }
  sleep 5
  report "floor (one label, 1920x1080, 5 s after its first frame)" "$board"
  stop_processes
}

echo "machine: $(nproc) cores, load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
[ "${FLOOR:-1}" = 0 ] || [ ! -x "$floor_exe" ] || measure_floor
measure "desk" "$desk_cars" 1920x1080 sup supervisor
measure "wall" "$wall_cars" "$wall_screen" wall wall --wall
echo "machine after: load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
