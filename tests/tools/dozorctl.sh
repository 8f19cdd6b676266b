#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# dozorctl as an admin uses it, against a real dozord on loopback: GIS
# files in (districts, sectors, routes; a hostile file changes nothing),
# layers out in the formats GIS people open, users and tokens, and a backup
# taken while dozord runs, restored while it is stopped.
set -uo pipefail

dozorctl=${1:?usage: dozorctl.sh DOZORCTL DOZORD SOURCE-ROOT}
dozord=${2:?}
root=${3:?}
work=$(mktemp -d)
url=
server=
pg_server=
count=0
failures=0

cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  [ -n "$pg_server" ] && kill "$pg_server" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ok() { count=$((count + 1)); echo "ok $count - $*"; }
# A failure's first line is the TAP line; whatever else it says (a command's
# output runs to many lines) follows as "#" comments, never as stray text.
not_ok() {
  count=$((count + 1)); failures=$((failures + 1))
  local first rest
  first=${*%%$'\n'*}
  echo "not ok $count - $first"
  if [ "$first" != "$*" ]; then
    rest=${*#*$'\n'}
    printf '%s\n' "$rest" | sed 's/^/#   /'
  fi
}

# check DESCRIPTION WANTED-STATUS PATTERN COMMAND…: the exit status and what it said.
check() {
  local what=$1 want=$2 pattern=$3 out status
  shift 3
  out=$("$@" 2>&1 </dev/null)
  status=$?
  if [ "$status" -eq "$want" ] && grep -q -- "$pattern" <<<"$out"; then
    ok "$what"
  else
    not_ok "$what: exit $status (wanted $want), said: $out"
  fi
}

same() {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got “$2”, wanted “$3”"; fi
}

# launch DB NAME: dozord on DB, on a port the kernel picks (a port picked
# here could be another test's dozord by the time this one binds it, and
# the test would talk to that one); sets $launched to its pid and
# $launched_url from the line it prints once it accepts connections.
launch() {
  "$dozord" --db "$1" --listen 127.0.0.1:0 >"$work/$2.out" 2>>"$work/$2.log" &
  launched=$!
  launched_url=
  # Bounded at 60 s for a loaded machine; it ends early if dozord exits.
  for _ in $(seq 600); do
    launched_url=$(sed -n 's/^listening on //p' "$work/$2.out")
    [ -n "$launched_url" ] && return 0
    kill -0 "$launched" 2>/dev/null || break
    sleep 0.1
  done
  echo "# dozord did not start:"; sed 's/^/# /' "$work/$2.out" "$work/$2.log"
  exit 1
}

# dozord on the SQLite store; $url and $backend name it, a new port each time.
start_server() {
  launch "$work/dozord.sqlite" dozord
  server=$launched url=$launched_url
  backend=(--backend "$url" --credentials "$work/credentials")
}

stop_server() {
  kill "$server"; wait "$server" 2>/dev/null; server=
}

api() { # METHOD PATH [BODY]
  curl -s -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $RANDOM$RANDOM" ${3:+--data "$3"} "$url$2"
}

zones() { api GET /api/v1/snapshot | jq -r '[.zones[] | .name] | sort | join(",")'; }

printf 'correct horse battery\n' >"$work/password"
(umask 077; printf 'sup\ncorrect horse battery\n' >"$work/credentials")
"$dozorctl" --db "$work/dozord.sqlite" user add sup --role supervisor --password-file "$work/password" >/dev/null
"$dozorctl" --db "$work/dozord.sqlite" user add op --role operator --password-file "$work/password" >/dev/null
start_server
token=$(curl -s --data '{"username":"sup","password":"correct horse battery"}' "$url/api/v1/session" | jq -r .token)
districts=$root/data/almaty/districts.geojson

# --- The command line itself -------------------------------------------------
for command in "user add" "user list" "user remove" "token revoke" backup restore import export migrate-store; do
  # shellcheck disable=SC2086
  check "dozorctl $command --help" 0 "Usage:" "$dozorctl" $command --help
done
check "an unknown command is refused with the usage" 2 "no command" "$dozorctl" frobnicate
# --- A PostgreSQL store (issue 19) -------------------------------------------
# tests/pg-run.c gives an empty database of a throwaway cluster. A bad target
# exits with the reason and never echoes the password; a conninfo never
# becomes a new SQLite file; the SQLite-only commands say what to use.
pg=${DOZOR_TEST_PG_URI:?run under tests/pg-run, which gives an empty PostgreSQL database}
bad_pg="postgresql://dozor:Sekret-Pw-42@127.0.0.1:1/dozor?connect_timeout=5"
check "dozorctl on an unreachable PostgreSQL says why" 1 "127.0.0.1" "$dozorctl" --db "$bad_pg" user list
check "dozord on an unreachable PostgreSQL says why" 1 "127.0.0.1" \
  "$dozord" --db "$bad_pg" --listen 127.0.0.1:0
said=$("$dozorctl" --db "$bad_pg" user list 2>&1; "$dozord" --db "$bad_pg" --listen 127.0.0.1:0 2>&1)
if grep -q "Sekret-Pw-42" <<<"$said"; then not_ok "the password was echoed: $said"; else ok "no password in what they said"; fi
check "dozorctl on a conninfo of no server says why" 1 "nosuch" \
  env -C "$work" "$dozorctl" --db "dbname=dozor host=$work/nosuch connect_timeout=5" user list
if [ -e "$work/dbname=dozor host=$work/nosuch connect_timeout=5" ] || ls "$work" | grep -q dbname; then
  not_ok "a conninfo made a SQLite file"
else
  ok "no SQLite file named after the conninfo"
fi
check "backup refuses a PostgreSQL store, naming pg_dump" 2 "pg_dump" "$dozorctl" --db "$pg" backup "$work/pg.backup"
check "restore refuses a PostgreSQL store, naming pg_dump" 2 "pg_dump" "$dozorctl" --db "$pg" restore "$work/pg.backup"
check "dozorctl adds a user to the PostgreSQL store" 0 "" \
  "$dozorctl" --db "$pg" user add pgsup --role supervisor --password-file "$work/password"
check "dozorctl lists it" 0 "pgsup" "$dozorctl" --db "$pg" user list
launch "$pg" dozord-pg
pg_server=$launched pg_url=$launched_url
pg_login=$(curl -s --data '{"username":"pgsup","password":"correct horse battery"}' \
  "$pg_url/api/v1/session" | jq -r .token)
if [ -n "$pg_login" ] && [ "$pg_login" != null ]; then
  ok "dozord on PostgreSQL logs in the user dozorctl added"
else
  not_ok "dozord on PostgreSQL did not log pgsup in
$(cat "$work/dozord-pg.out" "$work/dozord-pg.log")"
fi
check "dozorctl revokes its token on the PostgreSQL store" 0 "" "$dozorctl" --db "$pg" token revoke pgsup
same "the revoked token is refused by dozord" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $pg_login" "$pg_url/api/v1/snapshot")" 401
kill "$pg_server"; wait "$pg_server" 2>/dev/null; pg_server=
check "import needs --kind" 2 "Usage" "$dozorctl" import "$districts" "${backend[@]}"
check "a kind that does not exist" 2 "district, sector, route, poi, camera or post" "$dozorctl" import "$districts" --kind street "${backend[@]}"
check "sectors need their district" 2 "district" "$dozorctl" import "$districts" --kind sector "${backend[@]}"

# --- Import -------------------------------------------------------------------
check "a dry run shows the file's features" 0 "8 features" "$dozorctl" import "$districts" --kind district --dry-run
same "a dry run sends nothing" "$(zones)" ""
check "the eight districts are imported" 0 "8 created" "$dozorctl" import "$districts" --kind district "${backend[@]}"
same "every board's snapshot has them" "$(zones)" "Alatau,Almaly,Auezov,Bostandyk,Jetysu,Medeu,Nauryzbai,Turksib"
check "importing them again is refused, naming the zone" 1 "Alatau" "$dozorctl" import "$districts" --kind district "${backend[@]}"
check "--update replaces their geometry" 0 "8 updated" "$dozorctl" import "$districts" --kind district --update "${backend[@]}"
same "updated, each is at version 2" "$(api GET /api/v1/snapshot | jq -r '[.zones[].version] | unique | join(",")')" "2"

cat >"$work/sectors.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"title": "Алмалы-1", "okrug": "Almaly"},
  "geometry": {"type": "Polygon", "coordinates": [[[76.90, 43.24], [76.92, 43.24], [76.92, 43.26], [76.90, 43.26], [76.90, 43.24]]]}},
 {"type": "Feature", "properties": {"title": "Алмалы-2", "okrug": "Almaly"},
  "geometry": {"type": "Polygon", "coordinates": [[[76.92, 43.24], [76.94, 43.24], [76.94, 43.26], [76.92, 43.26], [76.92, 43.24]]]}}
]}
JSON
check "sectors with their district from a field" 0 "2 created" \
  "$dozorctl" import "$work/sectors.geojson" --kind sector --district-field okrug "${backend[@]}"
same "the sectors belong to Almaly" \
  "$(api GET /api/v1/snapshot | jq -r '(.zones[] | select(.name == "Almaly") | .id) as $d | [.zones[] | select(.parent_id == $d) | .name] | sort | join(",")')" \
  "Алмалы-1,Алмалы-2"

api POST /api/v1/units '{"call_sign":"Беркут-12","kind":"car"}' >/dev/null
cat >"$work/routes.csv" <<'CSV'
name,wkt,sector,car
Маршрут 12,"LINESTRING (76.901 43.241, 76.915 43.255, 76.901 43.241)",Алмалы-1,Беркут-12
CSV
check "a route from a CSV with its sector and unit" 0 "1 created" \
  "$dozorctl" import "$work/routes.csv" --kind route --zone-field sector --unit-field car "${backend[@]}"
same "the route is assigned to Беркут-12" \
  "$(api GET /api/v1/snapshot | jq -r '(.units[] | select(.call_sign == "Беркут-12") | .id) as $u | .routes[] | select(.unit_id == $u) | .name')" \
  "Маршрут 12"

before=$(api GET /api/v1/snapshot | jq -c '[.zones, .routes] | length, (.[0] | length)')
check "an entity bomb is refused, naming the file" 1 "entities.kml" \
  "$dozorctl" import "$root/tests/data/gis/entities.kml" --kind district "${backend[@]}"
check "a projected file without its CRS is refused with a hint" 1 "EPSG:code" \
  "$dozorctl" import "$root/tests/data/gis/projected-without-crs.geojson" --kind district "${backend[@]}"
cat >"$work/half-bad.geojson" <<'JSON'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"name": "Новый-1", "d": "Almaly"},
  "geometry": {"type": "Polygon", "coordinates": [[[76.95, 43.24], [76.96, 43.24], [76.96, 43.25], [76.95, 43.24]]]}},
 {"type": "Feature", "properties": {"name": "Новый-2", "d": "Нет такого района"},
  "geometry": {"type": "Polygon", "coordinates": [[[76.96, 43.24], [76.97, 43.24], [76.97, 43.25], [76.96, 43.24]]]}}
]}
JSON
check "a file with one bad feature is refused whole" 1 "Нет такого района" \
  "$dozorctl" import "$work/half-bad.geojson" --kind sector --district-field d "${backend[@]}"
same "and nothing of it was applied" "$(api GET /api/v1/snapshot | jq -c '[.zones, .routes] | length, (.[0] | length)')" "$before"
check "an operator may not import" 1 "403\|may not" \
  env HOME="$work" "$dozorctl" import "$districts" --kind district --backend "$url" \
  --credentials <(printf 'op\ncorrect horse battery\n')

# Points of interest from OpenStreetMap (© OpenStreetMap contributors; the
# extract and its source are in tests/data/osm/README.md) and cameras from a
# CSV.
pois=$root/tests/data/osm/astana-pois.geojson
check "points of interest without a name are refused" 1 "name" \
  "$dozorctl" import "$pois" --kind poi --only poi_category=healthcare --dry-run
check "… or left out when asked" 0 "3 features without a name are left out" \
  "$dozorctl" import "$pois" --kind poi --only poi_category=healthcare --skip-unnamed --category-field amenity --dry-run
check "hospitals and pharmacies of Astana imported" 0 "101 created" \
  "$dozorctl" import "$pois" --kind poi --only poi_category=healthcare --skip-unnamed --category-field amenity "${backend[@]}"
check "an update needs unique names" 1 "more than once" \
  "$dozorctl" import "$pois" --kind poi --only poi_category=healthcare --skip-unnamed --update "${backend[@]}"
cat >"$work/cameras.csv" <<'CSV'
id,name,lat,lon,url
1,Камера пл. Республики,43.2389,76.9453,rtsp://10.0.0.5/cam1
2,Камера Абая-Фурманова,43.2420,76.9500,
CSV
check "cameras with their stream addresses" 0 "2 created" \
  "$dozorctl" import "$work/cameras.csv" --kind camera --stream-field url "${backend[@]}"
same "every board sees the camera's stream" \
  "$(api GET /api/v1/snapshot | jq -r '.places[] | select(.kind == "camera" and .stream_url != null) | .stream_url')" \
  "rtsp://10.0.0.5/cam1"
printf 'name,lat,lon,url\nК-3,43.25,76.96,rtsp://admin:secret@10.0.0.7/cam\n' >"$work/secret.csv"
check "a camera URL with a password is refused" 1 "password" \
  "$dozorctl" import "$work/secret.csv" --kind camera --stream-field url "${backend[@]}"

# --- Export -------------------------------------------------------------------
check "export all to a GeoPackage" 0 "Wrote" "$dozorctl" export all "$work/all.gpkg" "${backend[@]}"
info=$(ogrinfo -so "$work/all.gpkg" zones 2>&1)
if grep -q 'ID\["EPSG",4326\]' <<<"$info" && grep -q "version: Integer64" <<<"$info" && grep -q "Feature Count: 10" <<<"$info"; then
  ok "the GeoPackage's zones are in EPSG:4326 with typed fields"
else
  not_ok "the GeoPackage's zones: $info"
fi
check "GeoJSON holds one layer: all is refused" 1 "one layer" "$dozorctl" export all "$work/all.geojson" "${backend[@]}"
check "export places to GPX" 0 "103 features" "$dozorctl" export places "$work/places.gpx" "${backend[@]}"
check "export zones to GeoJSON" 0 "10 features" "$dozorctl" export zones "$work/zones.geojson" "${backend[@]}"
check "what was exported imports again, its districts only" 0 "8 (district): 0 created, 8 updated" \
  "$dozorctl" import "$work/zones.geojson" --kind district --only kind=district --update "${backend[@]}"
check "--only that matches nothing" 1 "no feature has kind" \
  "$dozorctl" import "$work/zones.geojson" --kind district --only kind=street --dry-run

# --- Users and tokens ---------------------------------------------------------
check "user list shows the roles" 0 "op *operator" "$dozorctl" --db "$work/dozord.sqlite" user list
check "token revoke ends every session" 0 "sessions of “sup” ended" "$dozorctl" --db "$work/dozord.sqlite" token revoke sup
same "a revoked token is refused" "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url/api/v1/snapshot")" "401"
token=$(curl -s --data '{"username":"sup","password":"correct horse battery"}' "$url/api/v1/session" | jq -r .token)
check "removing a user who does not exist" 1 "no user" "$dozorctl" --db "$work/dozord.sqlite" user remove nobody
check "user remove" 0 "removed" "$dozorctl" --db "$work/dozord.sqlite" user remove op

# --- Backup and restore ---------------------------------------------------------
check "backup while dozord runs" 0 "Backed up" "$dozorctl" --db "$work/dozord.sqlite" backup "$work/backup.sqlite"
saved=$(zones)
check "restore is refused while dozord runs" 1 "another process" \
  "$dozorctl" --db "$work/dozord.sqlite" restore "$work/backup.sqlite"
api POST /api/v1/zones '{"kind":"district","name":"После копии","geometry":{"type":"Polygon","coordinates":[[[77.0,43.0],[77.1,43.0],[77.1,43.1],[77.0,43.0]]]}}' >/dev/null
stop_server
check "a GeoPackage is not a backup" 1 "not a Dozor store" "$dozorctl" --db "$work/dozord.sqlite" restore "$work/all.gpkg"
check "restore with dozord stopped" 0 "Restored" "$dozorctl" --db "$work/dozord.sqlite" restore "$work/backup.sqlite"
start_server
token=$(curl -s --data '{"username":"sup","password":"correct horse battery"}' "$url/api/v1/session" | jq -r .token)
same "the restored store has the zones of the backup, not the later one" "$(zones)" "$saved"

echo "1..$count"
[ "$failures" -eq 0 ]
