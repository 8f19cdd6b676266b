#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# How big dozord's database grows in one hour of the Almaty scenario:
# runs the scenario 60 times faster than real time (--speed 60) on a fresh
# database, stops it with SIGTERM once the hour's fixes are in (720 reports
# of every car), and prints the file size and what takes the space.
# Run: meson devenv -C build ../bench/scenario-hour.sh [UNITS] (needs sqlite3)
set -euo pipefail
units=${1:-200}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

dozord --db "$work/dozord.sqlite" --listen 127.0.0.1:0 --scenario almaty --seed 1 \
  --units "$units" --speed 60 >"$work/out" 2>"$work/err" &
pid=$!
until grep -q listening "$work/out"; do sleep 0.1; done
start=$(date +%s%N)

want=$((units * 720))
until [ "$(sqlite3 "$work/dozord.sqlite" 'SELECT COUNT(*) FROM positions')" -ge "$want" ]; do sleep 0.5; done
kill -TERM "$pid"
wait "$pid" || true
took=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')

db="$work/dozord.sqlite"
printf 'one simulated hour, %s cars: %s s of real time\n' "$units" "$took"
sqlite3 "$db" "SELECT printf('positions %d, events kept %d (seq up to %d), incidents %d, zones %d, routes %d',
  (SELECT COUNT(*) FROM positions), (SELECT COUNT(*) FROM events), (SELECT MAX(seq) FROM events),
  (SELECT COUNT(*) FROM incidents), (SELECT COUNT(*) FROM zones), (SELECT COUNT(*) FROM routes))"
awk -v size="$(stat -c %s "$db")" 'BEGIN { printf "database file: %.1f MiB\n", size / 1048576 }'
sqlite3 "$db" "SELECT printf('  %-28s %7.1f MiB', name, SUM(pgsize) / 1048576.0) FROM dbstat
  GROUP BY name HAVING SUM(pgsize) > 65536 ORDER BY SUM(pgsize) DESC"
