#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# wall-service.sh SOURCE-ROOT DOZOR: the wall's systemd --user unit
# (data/dozor-wall.service, docs/wall.md "Self-healing") is one systemd
# accepts, and it restarts the wall whatever ends it, without a start
# limit. systemd-analyze verifies it as a user unit; the unit names
# `dozor`, which systemd finds in /usr/bin or /usr/local/bin once
# installed, so the copy verified here names the build's board instead.
set -euo pipefail

root=${1:?usage: wall-service.sh SOURCE-ROOT DOZOR} dozor=${2:?}
unit=$root/data/dozor-wall.service
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { echo "wall-service: $*" >&2; exit 1; }

# key SECTION KEY: the value the unit gives KEY in [SECTION] (the last one).
key() {
  awk -v s="[$1]" -v k="$2" '/^\[/ { in_s = ($0 == s) } in_s && index($0, k "=") == 1 { v = substr($0, length(k) + 2) }
    END { print v }' "$unit"
}
[ "$(key Service Restart)" = always ] || fail "Restart is “$(key Service Restart)”, not always"
[ "$(key Unit StartLimitIntervalSec)" = 0 ] || fail "a start limit would stop the restarts: StartLimitIntervalSec=$(key Unit StartLimitIntervalSec)"
case $(key Service ExecStart) in
  "dozor --wall --wall-config "*) ;;
  *) fail "ExecStart does not start a wall: $(key Service ExecStart)" ;;
esac
ok "Restart=always, no start limit, ExecStart runs dozor --wall --wall-config"

systemd_analyze=$(command -v systemd-analyze) || fail "no systemd-analyze: install systemd"
mkdir -m 700 "$work/runtime"
sed "s|^ExecStart=dozor |ExecStart=$dozor |" "$unit" >"$work/dozor-wall.service"
if ! XDG_RUNTIME_DIR=$work/runtime HOME=$work "$systemd_analyze" verify --user "$work/dozor-wall.service" \
  >"$work/verify.log" 2>&1; then
  fail "systemd-analyze verify: $(tr '\n' ' ' <"$work/verify.log")"
fi
[ ! -s "$work/verify.log" ] || fail "systemd-analyze verify warns: $(tr '\n' ' ' <"$work/verify.log")"
ok "systemd-analyze verify --user accepts it"
echo "1..$n"
