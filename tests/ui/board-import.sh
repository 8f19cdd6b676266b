#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# GIS import from the board, against a real dozord: a supervisor opens the
# Almaty districts (--import), the map shows them in amber before anything
# is sent, and "Import for Everyone" (Alt+I) puts exactly those eight
# districts on the backend; a file with an entity bomb is refused with a
# message and nothing sent; an operator may keep a file as a local overlay
# but not import it for everyone; and what a board shows exports to a
# GeoPackage that GDAL reads back.
set -euo pipefail

dozor=${1:?usage: board-import.sh PATH-TO-DOZOR SOURCE-ROOT}
root=${2:?}
test=board-import
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor op:operator
token=$(token sup)

zones() { curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -r '[.zones[].name] | sort | join(",")'; }

# start_board NAME USER FILE
start_board() {
  XDG_CONFIG_HOME=$work/$1/config XDG_CACHE_HOME=$work/$1/cache XDG_DATA_HOME=$work/$1/data \
    "$dozor" --backend "$url" --credentials "$work/$2.credentials" --import "$3" \
    >"$work/board-$1.log" 2>&1 &
  board=$!
  wait_for "$work/board-$1.log" "Link state: live" 30
}

# The import window, above the board (Xvfb has no window manager to keep
# it there) and focused for its mnemonics.
focus_import() {
  xdotool windowmove "$(focus_window "Import a GIS Layer")" 900 0
  sleep 0.5
}

# amber: how many pixels of the preview's amber the board's window (at 0,0,
# 1200×800) shows. The whole window: how far right the map's centre lies
# depends on the sidebar's width, which follows the longest label.
amber() {
  import -window root "$work/$1.png"
  convert "$work/$1.png" -crop 1200x800+0+0 -fuzz 8% -fill black +opaque '#ffcc1a' -fill white -opaque '#ffcc1a' \
    -format '%[fx:int(mean*w*h)]' info:
}

# --- A supervisor imports the districts -------------------------------------
start_board a sup "$root/data/almaty/districts.geojson"
wid=$(timeout 10 xdotool search --sync --onlyvisible --name '^Dozor$' | head -n 1) || fail "no board window"
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1200 800
wait_for "$work/board-a.log" "Import file read: 1 layers, 8 features" 30
wait_for "$work/board-a.log" "Import check: Ready to import 8 districts" 30
ok "the file is read and checked: 8 districts"

sleep 3
pixels=$(amber before)
# The outlines alone, at the zoom that frames the city in the map's part of
# the window: about 900–1,300 pixels here; the basemap by itself has none.
[ "$pixels" -gt 400 ] || fail "the preview is not on the map ($pixels amber pixels)"
[ -z "$(zones)" ] || fail "something reached the backend before the import: $(zones)"
ok "the map shows the districts in amber ($pixels pixels) and nothing is sent yet"

focus_import
xdotool key alt+i
wait_for "$work/board-a.log" "Import done: 8 districts" 20
[ "$(zones)" = "Alatau,Almaly,Auezov,Bostandyk,Jetysu,Medeu,Nauryzbai,Turksib" ] ||
  fail "the backend has “$(zones)”, not the eight districts"
ok "Import for Everyone puts exactly the eight districts on the backend"

wait_for "$work/board-a.log" "Message: Imported 8 districts for every board" 5
ok "the board says what was imported"
stop_board

# --- A hostile file changes nothing --------------------------------------------
start_board b sup "$root/tests/data/gis/entities.kml"
wait_for "$work/board-b.log" "Import file refused: “entities.kml”: it declares a DTD or XML entities" 30
focus_import
xdotool key alt+i
sleep 1
[ "$(zones)" = "Alatau,Almaly,Auezov,Bostandyk,Jetysu,Medeu,Nauryzbai,Turksib" ] || fail "the backend changed: $(zones)"
ok "an entity bomb is refused with a message naming the file, and nothing is sent"
stop_board

# --- An operator: a local overlay, never an import -----------------------------
cat >"$work/sectors.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "Алмалы-1", "district": "Almaly"},
  "geometry": {"type": "Polygon", "coordinates": [[[76.90, 43.24], [76.92, 43.24], [76.92, 43.26], [76.90, 43.26], [76.90, 43.24]]]}}
]}
JSON
start_board c op "$work/sectors.geojson"
wait_for "$work/board-c.log" "Import check: Ready to import 1 district\." 30
focus_import
xdotool key alt+i
sleep 1
[ "$(zones)" = "Alatau,Almaly,Auezov,Bostandyk,Jetysu,Medeu,Nauryzbai,Turksib" ] || fail "an operator imported: $(zones)"
xdotool key alt+t
wait_for "$work/board-c.log" "is shown on this board only" 10
ok "an operator cannot import for everyone, but can keep the file as a local overlay"

stop_board

# --- Export what the board shows ---------------------------------------------
XDG_CONFIG_HOME=$work/d/config XDG_CACHE_HOME=$work/d/cache XDG_DATA_HOME=$work/d/data \
  "$dozor" --backend "$url" --credentials "$work/sup.credentials" --export "$work/board.gpkg" \
  >"$work/board-d.log" 2>&1 &
board=$!
wait_for "$work/board-d.log" "Export done: 8 features to $work/board.gpkg" 30
info=$(ogrinfo -so "$work/board.gpkg" zones 2>&1)
grep -q "Feature Count: 8" <<<"$info" && grep -q 'ID\["EPSG",4326\]' <<<"$info" ||
  fail "the exported GeoPackage is not the eight districts in EPSG:4326: $info"
ok "the board exports what it shows: 8 districts in a GeoPackage, EPSG:4326"

echo "1..$n"
