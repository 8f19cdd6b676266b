#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Point-in-time recovery of dozord's database with PostgreSQL's own tools
# (docs/operations-postgresql.md, "Backup"): a demonstration, not a test.
#
#   meson devenv -C build ../bench/pitr-postgres.sh
#
# In a temporary directory it removes afterwards (PostgreSQL as `nobody`
# when run as root, on a socket only): a cluster with WAL archiving
# (archive_mode, an archive_command copying each segment), the dozor
# database owned by a role that is not a superuser, a base backup with
# `pg_basebackup -X stream`, then through dozord incident A, a moment T,
# incident B. The cluster is thrown away; the base backup is restored
# with `restore_command`, `recovery_target_time` = T and recovery.signal,
# and dozord started on the restored database. Checked, and printed:
# A is there and B is not, the event log ends where it ended at T, and a
# board that had seen B's events (since beyond the log) gets `reset`.
# Exits 1 when one of those does not hold.
set -eu

DOZORD=${DOZORD:-dozord}
DOZORCTL=${DOZORCTL:-dozorctl}
bin=${DOZOR_PG_BINDIR:-/usr/lib/postgresql/15/bin}

. "$(dirname "$0")/pg-user.sh" dozor-pitr
dozord_pid=
cleanup() {
  [ -n "$dozord_pid" ] && kill "$dozord_pid" 2>/dev/null || true
  for data in "$dir/data" "$dir/restored"; do
    [ -f "$data/postmaster.pid" ] && "${as[@]}" "$bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

pg() { "${as[@]}" "$@"; }
psql_() { pg "$bin/psql" -X -q -At -h "$dir" -U postgres -v ON_ERROR_STOP=1 "$@"; }
start() {
  pg "$bin/pg_ctl" -D "$1" -l "$dir/$(basename "$1").log" -w -t 120 \
    -o "-k $dir -c listen_addresses= -c unix_socket_permissions=0700" start >/dev/null
}
fail() { echo "pitr-postgres: $*" >&2; exit 1; }

pg mkdir "$dir/archive"
pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
cat >>"$dir/data/postgresql.conf" <<EOF
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $dir/archive/%f && cp %p $dir/archive/%f'
EOF
start "$dir/data"
psql_ -d postgres -c "CREATE ROLE dozord LOGIN" -c "CREATE DATABASE dozor OWNER dozord"
db="host=$dir dbname=dozor user=dozord"
printf 'bench password\n' >"$dir/password"
chmod 644 "$dir/password"
"$DOZORCTL" --db "$db" user add sup --role supervisor --password-file "$dir/password" >/dev/null

pg "$bin/pg_basebackup" -h "$dir" -U postgres -D "$dir/base" -X stream -c fast
echo "base backup: $(du -sh "$dir/base" | cut -f1)"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
serve() {
  "$DOZORD" --db "$db" --listen "127.0.0.1:$port" >>"$dir/dozord.log" 2>&1 &
  dozord_pid=$!
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && return; sleep 0.2; done
  fail "dozord did not start"
}
api() { curl -s -H "Authorization: Bearer $token" -H "Content-Type: application/json" "$@"; }
seq_now() { curl -s "http://127.0.0.1:$port/api/v1/health" | python3 -c 'import json, sys; print(json.load(sys.stdin)["seq"])'; }

serve
token=$(curl -s -X POST "http://127.0.0.1:$port/api/v1/session" -d '{"username":"sup","password":"bench password"}' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
a=$(api -X POST -H "Idempotency-Key: pitr-a" "http://127.0.0.1:$port/api/v1/incidents" \
      -d '{"type":"theft","location":{"lat":43.25,"lon":76.95},"description":"A"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])')
seq_a=$(seq_now)
sleep 1.5
target=$(psql_ -d postgres -c "SELECT now()")
sleep 1.5
b=$(api -X POST -H "Idempotency-Key: pitr-b" "http://127.0.0.1:$port/api/v1/incidents" \
      -d '{"type":"theft","location":{"lat":43.26,"lon":76.96},"description":"B"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["number"])')
seq_b=$(seq_now)
echo "incident A $a (log at seq $seq_a), then the target time $target, then incident B $b (seq $seq_b)"
kill "$dozord_pid"; wait "$dozord_pid" 2>/dev/null || true; dozord_pid=
# The segment holding B must reach the archive before the machine is lost.
psql_ -d postgres -c "SELECT pg_switch_wal()" >/dev/null
for _ in $(seq 100); do
  [ "$(psql_ -d postgres -c "SELECT archived_count > 0 AND last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1) FROM pg_stat_archiver")" = t ] && break
  sleep 0.2
done
pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null
echo "archived WAL segments: $(ls "$dir/archive" | grep -c -v '\.')"

# The restore: the base backup, every archived segment up to the target.
pg cp -a "$dir/base" "$dir/restored"
cat >>"$dir/restored/postgresql.conf" <<EOF
restore_command = 'cp $dir/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
pg touch "$dir/restored/recovery.signal"
started=$(date +%s.%N)
start "$dir/restored"
for _ in $(seq 600); do
  [ "$(psql_ -d postgres -c "SELECT pg_is_in_recovery()")" = f ] && break
  sleep 0.2
done
echo "recovered to $target and promoted in $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
grep -a -E "recovery stopping|last completed transaction" "$dir/restored.log" | sed 's/^/postgres: /' || true

serve
status=0
numbers=$(api "http://127.0.0.1:$port/api/v1/incidents" | python3 -c '
import json, sys
answer = json.load(sys.stdin)
items = answer["incidents"]
print(" ".join(sorted(i["number"] for i in items)))')
seq_restored=$(seq_now)
echo "after the restore: incidents [$numbers], the log at seq $seq_restored"
case " $numbers " in *" $a "*) ;; *) echo "FAULT: incident A is missing"; status=1 ;; esac
case " $numbers " in *" $b "*) echo "FAULT: incident B came back"; status=1 ;; esac
[ "$seq_restored" = "$seq_a" ] || { echo "FAULT: the log is at $seq_restored, not $seq_a"; status=1; }
# A board that saw B's events resumes with a since beyond the log.
reset=$(TOKEN=$token python3 - "$port" "$seq_b" <<'EOF'
import base64, json, os, socket, sys
port, since = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
key = base64.b64encode(os.urandom(16)).decode()
token = os.environ["TOKEN"]
s.sendall((f"GET /api/v1/stream?since={since}&token={token} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
data = b""
while b"\r\n\r\n" not in data:
    data += s.recv(4096)
data = data.split(b"\r\n\r\n", 1)[1]
while len(data) < 2:
    data += s.recv(4096)
length = data[1] & 0x7f
head = 2 if length < 126 else 4
while len(data) < head:
    data += s.recv(4096)
if length == 126:
    length = int.from_bytes(data[2:4], "big")
while len(data) < head + length:
    data += s.recv(4096)
print(json.loads(data[head:head + length])["type"])
EOF
)
echo "a board resuming with since=$seq_b gets: $reset"
[ "$reset" = reset ] || { echo "FAULT: no reset"; status=1; }
exit $status
