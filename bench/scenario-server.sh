# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the board's benchmarks that follow dozord's Almaty scenario
# (board-latency.sh, board-memory.sh, board-heaptrack.sh, cold-start.sh);
# not run on its own.
#
# start_scenario DIR CARS USER ROLE: a store in DIR with USER (password
# "bench bench bench", DIR/credentials for the board), dozord running the
# scenario with CARS cars on a free loopback port. Sets $server (its pid)
# and $url; exits when dozord does not start. Needs $DOZORD, $DOZORCTL and
# $here (the bench directory).
start_scenario() {
  local dir=$1 cars=$2 user=$3 role=$4

  printf 'bench bench bench\n' >"$dir/password"
  "$DOZORCTL" --db "$dir/db.sqlite" user add "$user" --role "$role" --password-file "$dir/password" >/dev/null
  (umask 077 && printf '%s\nbench bench bench\n' "$user" >"$dir/credentials")
  DOZOR_DATA_DIR=${DOZOR_DATA_DIR:-$here/../data} "$DOZORD" --db "$dir/db.sqlite" --listen 127.0.0.1:0 \
    --scenario almaty --seed 3 --units "$cars" >"$dir/server.out" 2>"$dir/server.err" &
  server=$!
  for _ in $(seq 1 600); do grep -q "listening on" "$dir/server.out" && break; sleep 0.1; done
  url=$(sed -n 's/^listening on //p' "$dir/server.out")
  [ -n "$url" ] || { echo "dozord did not start" >&2; cat "$dir/server.err" >&2; exit 1; }
}

# start_xvfb WIDTHxHEIGHT: an X server of that size on the first display
# number no X server holds. Sets $display_pid and $display (":N").
start_xvfb() {
  local n
  for n in $(seq 90 140); do [ -e "/tmp/.X11-unix/X$n" ] || break; done
  Xvfb ":$n" -screen 0 "$1x24" -nolisten tcp >/dev/null 2>&1 &
  display_pid=$! display=":$n"
  sleep 1
}

# stop_processes: ends the board, dozord and the X server the caller
# started ($board, $server, $display_pid), waits for each, and forgets them.
stop_processes() {
  local pid
  for pid in "$board" "$server" "$display_pid"; do
    [ -n "$pid" ] && { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  done
  board= server= display_pid=
}
