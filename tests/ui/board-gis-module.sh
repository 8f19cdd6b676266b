#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The board without its GIS file module (docs/decisions.md, "GDAL only for
# files"): it starts, draws the city's streets (plain GeoJSON, read without
# GDAL) and maps no GDAL; choosing Import shows one clear error in the
# import window and the board goes on; so does an export. With the module
# reachable, GDAL is mapped only once a file has been read.
set -euo pipefail

dozor=${1:?usage: board-gis-module.sh PATH-TO-DOZOR SOURCE-ROOT}
root=${2:?}
test=board-gis-module
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor

gdal_mapped() { grep -c 'libgdal' "/proc/$board/maps" || true; }

# --- No module: Import says so, the board goes on ----------------------------
XDG_CONFIG_HOME=$work/a/config XDG_CACHE_HOME=$work/a/cache XDG_DATA_HOME=$work/a/data \
  DOZOR_MODULE_DIR=$work/no-such-dir \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2389,76.9453 --zoom 13 \
  --import "$root/data/almaty/districts.geojson" >"$work/board-a.log" 2>&1 &
board=$!
wait_for "$work/board-a.log" "Link state: live" 30
wait_for "$work/board-a.log" "Import file refused: This board cannot read or write GIS files: its module “$work/no-such-dir/dozor-gis-files.so” could not be loaded" 30
ok "choosing Import without the module says in the import window that the board cannot read GIS files"

wait_for "$work/board-a.log" "Street map: [0-9]* ways in a" 60
grep -q "read through GDAL" "$work/board-a.log" && fail "the street map needed GDAL"
ok "the streets are read without the module"

sleep 2
kill -0 "$board" 2>/dev/null || fail "the board is gone after the refused import"
[ "$(gdal_mapped)" = 0 ] || fail "the board maps GDAL without its module"
ok "the board goes on, and maps no GDAL"

xdotool windowmove "$(focus_window "Import a GIS Layer")" 300 100
sleep 1
import -window root "$work/board-no-module.png"
stop_board

XDG_CONFIG_HOME=$work/a/config XDG_CACHE_HOME=$work/a/cache XDG_DATA_HOME=$work/a/data \
  DOZOR_MODULE_DIR=$work/no-such-dir \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --export "$work/board.gpkg" \
  >"$work/board-b.log" 2>&1 &
board=$!
wait_for "$work/board-b.log" "Export refused: This board cannot read or write GIS files" 30
sleep 1
kill -0 "$board" 2>/dev/null || fail "the board is gone after the refused export"
[ ! -e "$work/board.gpkg" ] || fail "a file was written"
ok "an export without the module is refused the same way, and writes nothing"
stop_board

# --- With the module: GDAL only once a file is read -----------------------------
XDG_CONFIG_HOME=$work/c/config XDG_CACHE_HOME=$work/c/cache XDG_DATA_HOME=$work/c/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --center 43.2389,76.9453 --zoom 13 \
  >"$work/board-c.log" 2>&1 &
board=$!
wait_for "$work/board-c.log" "Link state: live" 30
wait_for "$work/board-c.log" "Street map: [0-9]* ways in a" 60
sleep 2
[ "$(gdal_mapped)" = 0 ] || fail "the board mapped GDAL before any import"
ok "a board that has read no GIS file maps no GDAL"
stop_board

XDG_CONFIG_HOME=$work/c/config XDG_CACHE_HOME=$work/c/cache XDG_DATA_HOME=$work/c/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" \
  --import "$root/data/almaty/districts.geojson" >"$work/board-d.log" 2>&1 &
board=$!
wait_for "$work/board-d.log" "Link state: live" 30
wait_for "$work/board-d.log" "Import file read: 1 layers, 8 features" 30
wait_for "$work/board-d.log" "Import check: Ready to import 8 districts" 30
[ "$(gdal_mapped)" -gt 0 ] || fail "the import read a file without GDAL mapped"
grep -q "GIS file module loaded from" "$work/board-d.log" || fail "the module's loading was not logged"
ok "the first import loads the module, and GDAL with it"
xdotool windowmove "$(focus_window "Import a GIS Layer")" 300 100
sleep 3
import -window root "$work/board-module.png"
stop_board

echo "1..$n"
