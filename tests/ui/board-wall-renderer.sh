#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A wall on a machine whose GL is software draws with GTK's cairo renderer
# (app/dozor-renderer.c): a wall's frames are mostly unchanged, and cairo
# repaints only what changed where GL on llvmpipe repaints the whole wall.
# What the wall's operator sees in its log, and which renderer drew the
# first frame:
# - --wall here (this machine's GL as it is: software unless a render node
#   in /dev/dri can be opened) and with LIBGL_ALWAYS_SOFTWARE=1;
# - GSK_RENDERER=gl, set by whoever starts the wall, is kept;
# - a desk board is left to GTK's own choice (GL).
set -euo pipefail

dozor=${1:?usage: board-wall-renderer.sh PATH-TO-DOZOR}
test=board-wall-renderer
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor


drew_with() {
  grep -m1 -o "First frame (Gsk[A-Za-z]*)" "$work/board-$1.log" | grep -o "Gsk[A-Za-z]*"
}

software=yes
for node in /dev/dri/renderD*; do
  [ -r "$node" ] && [ -w "$node" ] && software=no
done

unset GSK_RENDERER LIBGL_ALWAYS_SOFTWARE GALLIUM_DRIVER
start_named_board wall "First frame" --wall
if [ "$software" = yes ]; then
  [ "$(drew_with wall)" = GskCairoRenderer ] || fail "a wall without a GPU drew with $(drew_with wall), not cairo"
  grep -q "The wall draws with GTK's cairo renderer" "$work/board-wall.log" || fail "the wall did not say why it draws with cairo"
  ok "a wall on this machine (no GPU render node) draws with cairo, and says so"
else
  [ "$(drew_with wall)" = GskGLRenderer ] || fail "a wall with a GPU drew with $(drew_with wall), not GL"
  ok "a wall on this machine (a GPU render node) keeps GL"
fi
stop_board

LIBGL_ALWAYS_SOFTWARE=1 start_named_board wall-soft "First frame" --wall
[ "$(drew_with wall-soft)" = GskCairoRenderer ] || fail "a wall with LIBGL_ALWAYS_SOFTWARE=1 drew with $(drew_with wall-soft)"
ok "a wall asked for software GL (LIBGL_ALWAYS_SOFTWARE=1) draws with cairo"
stop_board

GSK_RENDERER=gl start_named_board wall-gl "First frame" --wall
[ "$(drew_with wall-gl)" = GskGLRenderer ] || fail "GSK_RENDERER=gl was not kept: the wall drew with $(drew_with wall-gl)"
! grep -q "The wall draws with GTK's cairo renderer" "$work/board-wall-gl.log" || fail "the wall said cairo under GSK_RENDERER=gl"
ok "GSK_RENDERER=gl, set by whoever starts the wall, is kept"
stop_board

start_named_board desk "First frame"
[ "$(drew_with desk)" = GskGLRenderer ] || fail "a desk board drew with $(drew_with desk), not GTK's GL"
ok "a desk board is left to GTK's own choice (GL)"
stop_board

echo "1..$n"
