#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Frame times of the wall at wall sizes (issue 16, item 6): two monitors of
# 3840×2160, side by side, from an X server of the script's own (Xorg with
# the dummy video driver, as tests/ui/board-wall-two-heads.sh starts it;
# docs/wall.md says why not Xvfb). The left monitor shows the map, the
# right one the figures (at 8 m on this panel they fill a monitor of
# their own). dozord runs
# the Almaty scenario, first with 200 cars (the demo), then with 5,000.
# The wall logs each frame it paints (DOZOR_FRAME_LOG, app/dozor-frame-log.c);
# after SETTLE seconds live, SECONDS of frames are taken, and for each
# monitor the script prints how many frames, the paint time's mean, p50
# and p95 (nearest rank), how many took over 50 ms, and the frame rate
# reached (frames / SECONDS). A wall paints only when something changes
# (a car moves, the clock ticks), so the rate is what the load asked for
# and the wall kept up with, not a maximum. Prints figures; never fails on
# time, only when something does not start.
#
#   meson devenv -C build ../bench/wall-frames.sh [SECONDS] [--shots DIR]
#
# SECONDS defaults to 60, SETTLE (environment) to 20. Each number of cars
# is run with GTK's GL renderer and with its cairo renderer (RENDERERS,
# "gl cairo"): on this X server GL is Mesa's software rasteriser, which
# redraws the whole 3840×2160 window each frame, while cairo redraws only
# what changed. --shots DIR keeps a screenshot of each monitor at the end
# of each run: DIR/wall-CARS-RENDERER-map.png and …-figures.png. CARS
# (environment) changes the runs ("200 5000"); BOARD=path/to/dozor
# measures another build. The room: 86″ panels (1895 × 1066 mm) seen from
# 8 m.
set -euo pipefail

seconds=60 shots=
while [ $# -gt 0 ]; do
  case $1 in
    --shots) shots=${2:?--shots takes a folder}; shift 2 ;;
    *) seconds=$1; shift ;;
  esac
done
settle=${SETTLE:-20}
runs=${CARS:-200 5000}
renderers=${RENDERERS:-gl cairo}
: "${DOZORD:?run through meson devenv}" "${DOZORCTL:?}"
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$(dirname "$DOZORD")/.." && pwd)
board_exe=${BOARD:-$build/app/dozor}
command -v Xorg >/dev/null || { echo "no Xorg: install xserver-xorg-core" >&2; exit 1; }
[ -f /usr/lib/xorg/modules/drivers/dummy_drv.so ] || { echo "no dummy driver: install xserver-xorg-video-dummy" >&2; exit 1; }
[ -z "$shots" ] || mkdir -p "$shots"
work=$(mktemp -d)
server= board= display_pid= url=
# shellcheck source=scenario-server.sh
. "$here/scenario-server.sh"
stop() {
  for pid in "$board" "$server"; do
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  done
  board= server=
}
trap 'stop; [ -z "$display_pid" ] || { kill "$display_pid" 2>/dev/null; wait "$display_pid" 2>/dev/null; }; rm -rf "$work"' EXIT

# --- The X server: two 3840×2160 heads ---------------------------------------
w=3840 h=2160 mm_w=1895 mm_h=1066
# shellcheck source=../tests/ui/dummy-xorg.sh
. "$here/../tests/ui/dummy-xorg.sh"
# 128 MiB of video memory: 7680 × 2160 at 32 bits a pixel, and room to
# spare. CVT reduced blanking, 60 Hz.
mode="${w}x${h} 533.25 3840 3888 3920 4000 2160 2163 2168 2222 +hsync -vsync"
started=0
start_dummy_xorg "$work" 131072 "$mode" "$mode" "$((2 * w)) $h" || started=$?
display_pid=$xorg_pid
[ "$started" -eq 0 ] || exit 1
xrandr --output DUMMY0 --set WIDTH_MM "$mm_w" --set HEIGHT_MM "$mm_h" \
       --output DUMMY1 --set WIDTH_MM "$mm_w" --set HEIGHT_MM "$mm_h"
monitors=$(xrandr --listmonitors | grep -o 'DUMMY[01] [^ ]*' | paste -sd ' ')
case $monitors in
  *"DUMMY0 ${w}/${mm_w}x${h}/${mm_h}+0+0"*"DUMMY1 ${w}/${mm_w}x${h}/${mm_h}+${w}+0"*) ;;
  *) echo "the X server's monitors are not two of ${w}x${h}: $monitors" >&2; exit 1 ;;
esac

echo "machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "load average at start: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "build: $build ($(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo 'not a git tree'))"
echo "X: Xorg dummy driver on $DISPLAY, $monitors; wall at 8 m; ${settle} s to settle, then ${seconds} s measured"

# stats FILE LABEL: per monitor, the frames of FILE (the lines taken).
stats() {
  local file=$1 label=$2 name renderer
  for name in map figures; do
    renderer=$(awk -v n="$name" '$1 == "#" && $2 == n { r = $4 } END { print r }' "$work/run/frames.log")
    awk -v n="$name" '$1 == n { print $4 / 1000 }' "$file" | sort -n | awk -v label="$label" -v name="$name" \
      -v renderer="$renderer" -v seconds="$seconds" '
      { t[NR] = $1; sum += $1; if ($1 > 50) over++ }
      END {
        if (NR == 0) { printf "%s, %s: no frame in %d s\n", label, name, seconds; exit }
        p50 = t[int((NR * 50 + 99) / 100)]; p95 = t[int((NR * 95 + 99) / 100)]
        printf "%s, monitor %s (%s): %d frames in %d s, %.2f frames/s; paint mean %.1f ms, p50 %.1f, p95 %.1f, max %.1f; %d over 50 ms\n",
          label, name, renderer, NR, seconds, NR / seconds, sum / NR, p50, p95, t[NR], over + 0
      }'
  done
}

for cars in $runs; do
for renderer in $renderers; do
  rm -rf "$work/run" && mkdir -p "$work/run"
  start_scenario "$work/run" "$cars" wall wall
  cat >"$work/run/wall.conf" <<EOF
[wall]
backend = $url
credentials = credentials
distance_m = 8
center = 43.2389, 76.9453
zoom = 12

[monitor map]
connector = DUMMY0
shows = map

[monitor figures]
connector = DUMMY1
shows = figures
EOF
  GSK_RENDERER=$renderer DOZOR_FRAME_LOG=$work/run/frames.log XDG_DATA_HOME=$work/run/data XDG_CACHE_HOME=$work/run/cache \
    XDG_CONFIG_HOME=$work/run/config GSETTINGS_BACKEND=memory G_MESSAGES_DEBUG=Dozor GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
    "$board_exe" --wall --wall-config "$work/run/wall.conf" >"$work/run/board.log" 2>&1 &
  board=$!
  for _ in $(seq 1 600); do grep -q "Link state: live" "$work/run/board.log" && break; sleep 0.1; done
  grep -q "Link state: live" "$work/run/board.log" ||
    { echo "$cars cars: the wall did not go live" >&2; tail "$work/run/board.log" >&2; exit 1; }
  sleep "$settle"
  from=$(wc -l <"$work/run/frames.log")
  sleep "$seconds"
  to=$(wc -l <"$work/run/frames.log")
  sed -n "$((from + 1)),${to}p" "$work/run/frames.log" >"$work/run/taken.log"
  echo "# $cars cars, $renderer: $(grep -o 'Wall monitor [a-z]*: [0-9.]* px/mm.*' "$work/run/board.log" | paste -sd ';');" \
    "$(grep -o 'Units drawn: [0-9]*' "$work/run/board.log" | tail -n 1)"
  stats "$work/run/taken.log" "$cars cars"
  if [ -n "$shots" ]; then
    import -window root -crop "${w}x${h}+0+0" +repage "$shots/wall-$cars-$renderer-map.png"
    import -window root -crop "${w}x${h}+${w}+0" +repage "$shots/wall-$cars-$renderer-figures.png"
    cp "$work/run/board.log" "$shots/wall-$cars-$renderer-board.log"
  fi
  stop
done
done
echo "load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)"
