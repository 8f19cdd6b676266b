#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A board started by a service unit must refuse a bad command line with a
# message and exit code 2, before it opens any window.
set -uo pipefail

dozor=${1:?usage: command-line.sh PATH-TO-DOZOR}
failures=0
count=0

expect() {
  local want=$1 pattern=$2 out status
  shift 2
  count=$((count + 1))
  out=$("$dozor" "$@" 2>&1 </dev/null)
  status=$?
  if [ "$status" -ne "$want" ] || ! grep -q -- "$pattern" <<<"$out"; then
    echo "not ok $count - dozor $* gave exit $status (wanted $want) and said: $out"
    failures=$((failures + 1))
  else
    echo "ok $count - dozor $* → exit $status"
  fi
}

expect 2 "--zoom" --zoom 40
expect 2 "--zoom" --zoom -1
expect 2 "--zoom" --zoom nan
expect 2 "--zoom" --zoom 12abc
expect 2 "--center" --center 100,0
expect 2 "--center" --center 43.2
expect 2 "--center" --center 43.2,76.9,1
expect 2 "--center" --center north,east
expect 2 "--center" --center 43.2,inf
expect 2 "--wall" --wall
expect 0 "dozor 0" --version
expect 2 "--import" --import /tmp/districts.geojson
expect 2 "--export" --export /tmp/situation.gpkg
expect 2 "--import" --wall --backend http://127.0.0.1:8470 --import /tmp/districts.geojson

# The backend and its credentials: a wrong address, a missing or shared
# credentials file, a file without a password.
creds=$(mktemp -d)
trap 'rm -rf "$creds"' EXIT
printf 'supervisor\nsecret\n' >"$creds/shared"
chmod 644 "$creds/shared"
printf 'supervisor\n' >"$creds/half"
chmod 600 "$creds/half"
printf 'supervisor\nsecret\n' >"$creds/good"
chmod 600 "$creds/good"
expect 2 "--backend" --backend ftp://example.org --credentials "$creds/good"
expect 2 "--backend" --backend not-a-url --credentials "$creds/good"
expect 2 "--credentials" --wall --backend http://127.0.0.1:8470
expect 2 "chmod 600" --backend http://127.0.0.1:8470 --credentials "$creds/shared"
expect 2 "second" --backend http://127.0.0.1:8470 --credentials "$creds/half"
expect 2 "No such file" --backend http://127.0.0.1:8470 --credentials "$creds/missing"

# A wall's config file (docs/wall.md): a bad one is refused before any
# window opens, naming the file and the line.
cat >"$creds/wall.conf" <<'EOF'
[wall]
backend = http://127.0.0.1:8470
credentials = good
distance_m = 8

[monitor left]
connector = HDMI-1
shows = radar
EOF
expect 2 "wall.conf:8: shows takes map" --wall --wall-config "$creds/wall.conf"
sed -i 's/^shows = radar/shows = map/; s/^distance_m = 8/distance_m = 8 m/' "$creds/wall.conf"
expect 2 "wall.conf:4: distance_m" --wall --wall-config "$creds/wall.conf"
sed -i 's/^distance_m = 8 m/distance_m = 8/; s/^credentials = good/credentials = shared/' "$creds/wall.conf"
expect 2 "chmod 600" --wall --wall-config "$creds/wall.conf"
sed -i 's/^credentials = shared/credentials = good/' "$creds/wall.conf"
expect 2 "--wall-config" --wall-config "$creds/wall.conf"
expect 2 "--wall-config" --wall --wall-config "$creds/wall.conf" --backend http://127.0.0.1:8470
expect 2 "nonexistent.conf" --wall --wall-config "$creds/nonexistent.conf"
printf '[wall]\nbackend = http://127.0.0.1:8470\n[wall]\n' >"$creds/twice.conf"
expect 2 "twice.conf:3: " --wall --wall-config "$creds/twice.conf"

# The refusal is in the operator's language.
LC_ALL=C.UTF-8 LANGUAGE=ru expect 2 "принимает число от 0 до 19" --zoom 40
LC_ALL=C.UTF-8 LANGUAGE=kk expect 2 "0-ден 19-ге дейінгі санды" --zoom 40

echo "1..$count"
[ "$failures" -eq 0 ]
