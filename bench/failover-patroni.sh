#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A real PostgreSQL failover under Patroni, as the boards see it (issue 19,
# item 5; docs/operations-postgresql.md). A demonstration and a benchmark,
# not a test: it prints figures and never fails on time.
#
#   meson devenv -C build ../bench/failover-patroni.sh [conninfo|haproxy|both] [--old-backoff]
#
# (DOZORD, DOZORCTL and BENCH_FAILOVER name the programs otherwise.) Needs
# Debian's patroni, etcd-server and haproxy, and postgresql-15; it starts
# everything itself on 127.0.0.1, on free ports, in a temporary directory
# that it removes at the end, and stops every process it started:
#
# - a one-member etcd (Patroni's leader lock);
# - two Patroni members, pg1 and pg2, PostgreSQL 15 from Debian, with
#   synchronous replication as operations-postgresql.md sets it
#   (synchronous_mode, maximum_lag_on_failover 0, use_pg_rewind), and
#   primary_start_timeout 0 so that a crashed primary fails over rather
#   than being restarted in place;
# - two dozords on the database, either through a two-host conninfo with
#   target_session_attrs=read-write (the page's recommendation) or through
#   HAProxy's primary port, which asks each Patroni's REST API
#   (GET /primary); "both" runs the two one after the other;
# - HAProxy in front of the two dozords for the boards, checking
#   GET /api/v1/health.
#
# Run as root, etcd, Patroni and PostgreSQL run as `nobody` (PostgreSQL
# refuses root), through setpriv, as tests/pg-fixture.c does.
#
# For each layout, bench-failover (bench/bench-failover.c) is run three
# times through the balancer: while the primary's postmaster gets SIGKILL
# (Patroni, still running, fails over), while `patronictl switchover`
# moves the primary, and while the primary's node is lost (its Patroni and
# its postmaster get SIGKILL at once: the leader key must expire, ttl 30 s;
# the node's Patroni is started again afterwards). Each time it
# follows the stream with six clients as the board does (batch=1, resuming
# with since= after the board's own backoff), posts positions, incidents
# and dispatches, each command with an Idempotency-Key and sent again with
# it after a 503 or a lost answer, and prints:
#
# - when Patroni's REST API showed the other member as a running primary,
#   counted from the kill (or from the switchover command);
# - for each client, how long it was not live (closed, to the first
#   heartbeat of its new stream, as the board's pill shows it) and why the
#   stream closed;
# - the seqs each client received against the database's last seq: lost
#   (a gap), twice, out of order, resets; every client must have every seq
#   from its first to the last exactly once;
# - the commands answered 503 (or not answered) and sent again with their
#   key, and how they ended;
# - incidents made once per key, and no unit with two active dispatches
#   (from the events), nor in the database at the end.
#
# bench-failover exits non-zero when a seq is lost or twice, or a unit was
# dispatched twice, or an incident made twice: those are faults, not times.
set -eu

mode=${1:-both}
# Further arguments go to bench-failover (--old-backoff: the board's
# reconnection as it was before 4503 had a shorter cap).
shift || true
extra=("$@")
here=$(cd "$(dirname "$0")" && pwd)
DOZORD=${DOZORD:-dozord}
DOZORCTL=${DOZORCTL:-dozorctl}
BENCH_FAILOVER=${BENCH_FAILOVER:-$(dirname "$DOZORD")/../bench/bench-failover}
PG_BINDIR=${DOZOR_PG_BINDIR:-/usr/lib/postgresql/15/bin}

for program in patroni patronictl etcd haproxy curl python3 "$PG_BINDIR/postgres" "$DOZORD" "$DOZORCTL" "$BENCH_FAILOVER"; do
  if ! command -v "$program" >/dev/null; then
    echo "failover-patroni: $program is missing (apt-get install patroni etcd-server haproxy postgresql-15 curl;" \
         "run through meson devenv -C build)" >&2
    exit 2
  fi
done

. "$here/pg-user.sh" dozor-patroni
pids=()

cleanup() {
  # Patroni first: it would start PostgreSQL again behind our back.
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  # PostgreSQL left behind by a killed Patroni: only postmasters of our own
  # data directories.
  for pidfile in "$dir"/pg?/data/postmaster.pid; do
    [ -f "$pidfile" ] && kill -QUIT "$(head -1 "$pidfile")" 2>/dev/null || true
  done
  sleep 0.5
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Free ports on loopback, asked of the kernel (several developers share
# the machine: no fixed port).
free_ports() {
  python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}
read -r etcd_client etcd_peer pg1_port pg2_port rest1 rest2 haproxy_pg haproxy_http dozord_a dozord_b <<<"$(free_ports 10)"

log() { printf '%s %s\n' "$(date -u +%H:%M:%S.%N | cut -c1-12)" "$*"; }

superuser_password=$(head -c 12 /dev/urandom | base64 | tr -d '+/=')
replication_password=$(head -c 12 /dev/urandom | base64 | tr -d '+/=')
dozord_password=$(head -c 12 /dev/urandom | base64 | tr -d '+/=')

# --- etcd, one member ------------------------------------------------------
mkdir -p "$dir/etcd"
chown nobody "$dir/etcd" 2>/dev/null || true
"${as[@]}" etcd --name e1 --data-dir "$dir/etcd/data" \
  --listen-client-urls "http://127.0.0.1:$etcd_client" --advertise-client-urls "http://127.0.0.1:$etcd_client" \
  --listen-peer-urls "http://127.0.0.1:$etcd_peer" --initial-advertise-peer-urls "http://127.0.0.1:$etcd_peer" \
  --initial-cluster "e1=http://127.0.0.1:$etcd_peer" --initial-cluster-state new \
  --listen-metrics-urls '' >"$dir/etcd/etcd.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  curl -fs "http://127.0.0.1:$etcd_client/health" | grep -q '"health":"true"' && break
  sleep 0.2
done
log "etcd on 127.0.0.1:$etcd_client"

# --- Patroni: two members ----------------------------------------------------
# The configuration of docs/operations-postgresql.md, on loopback. The
# socket directory is the member's own, which only `nobody` can enter, so
# local connections are trusted; everything over TCP needs its password.
member_config() {
  local name=$1 port=$2 rest=$3
  cat <<EOF
scope: dozor
namespace: /service/
name: $name

restapi:
  listen: 127.0.0.1:$rest
  connect_address: 127.0.0.1:$rest

etcd3:
  hosts: 127.0.0.1:$etcd_client

bootstrap:
  dcs:
    ttl: 30
    loop_wait: 10
    retry_timeout: 10
    maximum_lag_on_failover: 0
    primary_start_timeout: 0
    synchronous_mode: true
    synchronous_mode_strict: false
    synchronous_node_count: 1
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_level: replica
        hot_standby: "on"
        max_wal_senders: 10
        max_replication_slots: 10
        wal_log_hints: "on"
        max_connections: 60
        shared_buffers: 32MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums

postgresql:
  listen: 127.0.0.1:$port
  connect_address: 127.0.0.1:$port
  use_unix_socket: true
  data_dir: $dir/$name/data
  bin_dir: $PG_BINDIR
  pgpass: $dir/$name/pgpass
  parameters:
    unix_socket_directories: $dir/$name
  authentication:
    superuser:
      username: postgres
      password: "$superuser_password"
    replication:
      username: replicator
      password: "$replication_password"
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all postgres 127.0.0.1/32 scram-sha-256
    - host dozor dozord 127.0.0.1/32 scram-sha-256
EOF
}

for member in "pg1 $pg1_port $rest1" "pg2 $pg2_port $rest2"; do
  set -- $member
  mkdir -p "$dir/$1"
  member_config "$1" "$2" "$3" >"$dir/$1/patroni.yml"
  chown -R nobody "$dir/$1" 2>/dev/null || true
  chmod 700 "$dir/$1"
done
start_patroni() {
  "${as[@]}" env HOME="$dir/$1" patroni "$dir/$1/patroni.yml" >>"$dir/$1/patroni.log" 2>&1 &
  pids+=($!)
  echo $! >"$dir/$1/patroni.pid"
}
start_patroni pg1
# pg1 bootstraps alone, so that it is the first primary.
for _ in $(seq 600); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rest1/primary")" = 200 ] && break
  sleep 0.2
done
start_patroni pg2

patronictl_() { "${as[@]}" env HOME="$dir" patronictl -c "$dir/pg1/patroni.yml" "$@"; }

# Both running, one of them the synchronous standby.
wait_healthy() {
  for _ in $(seq 900); do
    if patronictl_ list -f json 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)
ok = len(m) == 2 and all(x["State"] in ("running", "streaming") for x in m) \
     and sorted(x["Role"] for x in m) == ["Leader", "Sync Standby"]
sys.exit(0 if ok else 1)'; then
      return 0
    fi
    sleep 0.2
  done
  echo "failover-patroni: the Patroni cluster did not become healthy:" >&2
  patronictl_ list >&2 || true
  tail -20 "$dir"/pg?/patroni.log >&2
  exit 1
}
wait_healthy
log "Patroni: pg1 on 127.0.0.1:$pg1_port, pg2 on 127.0.0.1:$pg2_port"
patronictl_ list

# The database and its role, once, on the primary (the page's commands).
psql_primary() { "${as[@]}" "$PG_BINDIR/psql" -X -q -h "$dir/pg1" -p "$pg1_port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_primary -c "CREATE ROLE dozord LOGIN PASSWORD '$dozord_password'"
psql_primary -c "CREATE DATABASE dozor OWNER dozord"
# dozord and dozorctl run as the caller: the password in a .pgpass of theirs.
printf '127.0.0.1:*:dozor:dozord:%s\n' "$dozord_password" >"$dir/dozord.pgpass"
chmod 600 "$dir/dozord.pgpass"
export PGPASSFILE=$dir/dozord.pgpass
printf 'bench password\n' >"$dir/password"

# --- HAProxy -----------------------------------------------------------------
# One process for both roles: the primary's port for PostgreSQL (Patroni's
# REST API says which member is primary) and the boards' front to the
# dozords.
cat >"$dir/haproxy.cfg" <<EOF
global
    maxconn 2000

defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h

listen postgres_primary
    bind 127.0.0.1:$haproxy_pg
    mode tcp
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server pg1 127.0.0.1:$pg1_port check port $rest1
    server pg2 127.0.0.1:$pg2_port check port $rest2

frontend dozor
    bind 127.0.0.1:$haproxy_http
    mode http
    option http-server-close
    default_backend dozord

backend dozord
    mode http
    balance leastconn
    option httpchk GET /api/v1/health
    default-server inter 1s fall 2 rise 1
    server a 127.0.0.1:$dozord_a check
    server b 127.0.0.1:$dozord_b check
EOF
haproxy -db -f "$dir/haproxy.cfg" >>"$dir/haproxy.log" 2>&1 &
pids+=($!)
log "HAProxy: PostgreSQL primary on 127.0.0.1:$haproxy_pg, dozords on 127.0.0.1:$haproxy_http"

leader() {
  for rest in $rest1 $rest2; do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$rest/primary")" = 200 ]; then
      [ "$rest" = "$rest1" ] && echo pg1 || echo pg2
      return
    fi
  done
}
rest_of() { [ "$1" = pg1 ] && echo "$rest1" || echo "$rest2"; }

# Faults, run by bench-failover at its mid-point; each prints when the
# other member answered GET /primary 200 (a running primary, read-write).
cat >"$dir/fault" <<EOF
#!/bin/bash
set -eu
kind=\$1 old=\$2 new=\$3 rest_new=\$4
start=\$(date +%s.%N)
case \$kind in
  kill9)
    pid=\$(head -1 "$dir/\$old/data/postmaster.pid")
    kill -KILL "\$pid"
    echo "SIGKILL to \$old's postmaster (pid \$pid)" ;;
  node)
    # The whole machine: Patroni and PostgreSQL at once. The leader key
    # expires after ttl; no one demotes anything.
    pid=\$(head -1 "$dir/\$old/data/postmaster.pid")
    kill -KILL "\$(cat "$dir/\$old/patroni.pid")" "\$pid"
    echo "SIGKILL to \$old's Patroni and postmaster (pid \$pid): the node is lost" ;;
  switchover)
    ${as[*]} env HOME="$dir" patronictl -c "$dir/pg1/patroni.yml" switchover --leader "\$old" --candidate "\$new" --force >"$dir/switchover.log" 2>&1 &
    echo "patronictl switchover --leader \$old --candidate \$new" ;;
esac
while [ "\$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:\$rest_new/primary")" != 200 ]; do sleep 0.05; done
echo "promoted: \$new answered GET /primary 200 after \$(awk -v a="\$start" -v b="\$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
wait
EOF
chmod 755 "$dir/fault"

run_layout() {
  local layout=$1 db
  case $layout in
    conninfo) db="host=127.0.0.1,127.0.0.1 port=$pg1_port,$pg2_port dbname=dozor user=dozord target_session_attrs=read-write connect_timeout=5" ;;
    haproxy) db="host=127.0.0.1 port=$haproxy_pg dbname=dozor user=dozord connect_timeout=5" ;;
  esac
  echo
  echo "=== dozords on the database through $layout: $db"
  "$DOZORCTL" --db "$db" user add "sup-$layout" --role supervisor --password-file "$dir/password" >/dev/null
  "$DOZORCTL" --db "$db" user add "gps-$layout" --role tracker --password-file "$dir/password" >/dev/null
  "$DOZORCTL" --db "$db" user add "wall-$layout" --role wall --password-file "$dir/password" >/dev/null
  "$DOZORD" --db "$db" --listen "127.0.0.1:$dozord_a" >"$dir/dozord-a-$layout.log" 2>&1 &
  local a=$!
  "$DOZORD" --db "$db" --listen "127.0.0.1:$dozord_b" >"$dir/dozord-b-$layout.log" 2>&1 &
  local b=$!
  pids+=($a $b)
  for _ in $(seq 300); do
    curl -fs "http://127.0.0.1:$haproxy_http/api/v1/health" >/dev/null && \
      curl -fs "http://127.0.0.1:$dozord_a/api/v1/health" >/dev/null && \
      curl -fs "http://127.0.0.1:$dozord_b/api/v1/health" >/dev/null && break
    sleep 0.2
  done
  for kind in kill9 switchover node; do
    local old new
    wait_healthy
    # HAProxy must see the primary too before the next round.
    sleep 3
    old=$(leader)
    [ "$old" = pg1 ] && new=pg2 || new=pg1
    echo
    echo "--- $layout, $kind of the primary $old (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    "$BENCH_FAILOVER" --url "http://127.0.0.1:$haproxy_http" --users "$layout" --round "$layout-$kind" \
      --fault "$dir/fault $kind $old $new $(rest_of "$new")" "${extra[@]}" || status=$?
    patronictl_ list
    # What the balancers saw of their servers during the round.
    grep -a -E 'is (DOWN|UP)' "$dir/haproxy.log" | sed "s/^/haproxy: /" || true
    : >"$dir/haproxy.log"
    # The lost node comes back: its Patroni rewinds it into a replica.
    [ "$kind" = node ] && start_patroni "$old"
  done
  kill -TERM $a $b 2>/dev/null || true
  wait $a $b 2>/dev/null || true
}

status=0
case $mode in
  conninfo|haproxy) run_layout "$mode" ;;
  both) run_layout conninfo; run_layout haproxy ;;
  *) echo "usage: failover-patroni.sh [conninfo|haproxy|both]" >&2; exit 2 ;;
esac
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
