#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# One entry point for a fresh Debian 12 machine:
#   build-aux/setup.sh run    install what is missing, build, start the demo
#                             backend (Almaty scenario) and the board
#   build-aux/setup.sh test   install what is missing, build, run every test
# Packages come from Debian's archive only; nothing else is downloaded.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${DOZOR_BUILD_DIR:-$root/build}

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_packages() {
  local missing=() pkg sudo=
  while read -r pkg; do
    case "$pkg" in ''|'#'*) continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done <"$here/debian-packages.txt"

  if [ ${#missing[@]} -eq 0 ]; then
    say "All Debian packages are installed"
    return
  fi

  [ "$(id -u)" -eq 0 ] || sudo=sudo
  say "Installing ${#missing[@]} Debian packages: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  if [ ! -f "$build/build.ninja" ]; then
    say "Configuring in $build"
    meson setup "$build" "$root"
  fi
  say "Building"
  meson compile -C "$build"
}

# The demo: dozord with the Almaty scenario on 127.0.0.1:8470, its users made
# with the password in data/demo/password, then the board following it.
run_demo() {
  local demo="$build/demo" user pid status=0
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "No display: start this from a desktop session (or under xvfb-run)." >&2
    exit 1
  fi

  mkdir -p "$demo"
  for user in supervisor:supervisor operator:operator wall:wall tracker:tracker admin:admin; do
    "$build/tools/dozorctl" --db "$demo/dozord.sqlite" user add "${user%%:*}" --role "${user##*:}" \
      --password-file "$root/data/demo/password" >/dev/null
  done

  say "Starting dozord with the Almaty scenario on http://127.0.0.1:8470"
  DOZOR_DATA_DIR="$root/data" "$build/server/dozord" --db "$demo/dozord.sqlite" \
    --listen 127.0.0.1:8470 --scenario almaty --seed 1 &
  pid=$!
  # Expanded now: $pid is local and gone by the time the shell exits.
  trap "kill $pid 2>/dev/null" EXIT

  # The board logs in as the demo supervisor; the file stays private.
  (umask 077 && printf 'supervisor\n%s\n' "$(head -n 1 "$root/data/demo/password")" >"$demo/credentials")

  say "Starting the board, following http://127.0.0.1:8470 as supervisor"
  meson devenv -C "$build" "$build/app/dozor" --backend http://127.0.0.1:8470 \
    --credentials "$demo/credentials" "$@" || status=$?
  return "$status"
}

run_tests() {
  say "Running the test suite (UI tests on a virtual X display)"
  # A fixed screen size: the screenshot checks measure the middle of the map.
  local status=0 logs=("$build/meson-logs/testlog.json") fuzz_status=0
  local fuzz_log=${DOZOR_FUZZ_BUILD_DIR:-$root/build-fuzz}/meson-logs/testlog.json
  xvfb-run -a -s "-screen 0 1600x1000x24 -nolisten tcp" \
    dbus-run-session -- meson test -C "$build" --print-errorlogs "$@" || status=$?

  # When the whole suite was asked for, libFuzzer too: a build of its own
  # with clang and the sanitizers, of the fuzz targets only.
  if [ $# -eq 0 ]; then
    rm -f "$fuzz_log"
    fuzz_tests || fuzz_status=$?
    logs+=("$fuzz_log")
    [ "$fuzz_status" -eq 0 ] || status=$fuzz_status
  fi

  # One plain closing line that any CI can read, last, over both runs. A
  # fuzz build that failed wrote no log: it counts as one failure.
  local passed=0 failed=0 skipped=0 log ok skip all
  for log in "${logs[@]}"; do
    if [ ! -f "$log" ]; then
      failed=$((failed + 1))
      continue
    fi
    ok=$(grep -c '"result": "OK"' "$log" || true)
    skip=$(grep -c '"result": "SKIP"' "$log" || true)
    all=$(grep -c '"result"' "$log" || true)
    passed=$((passed + ok)) skipped=$((skipped + skip)) failed=$((failed + all - ok - skip))
  done
  echo "tests: $passed passed, $failed failed, $skipped skipped"
  return "$status"
}

# Every fuzz target under libFuzzer: DOZOR_FUZZ_SECONDS (default 180) is
# their time together, shared out evenly (tests/fuzz/README.md).
fuzz_tests() {
  local fuzz_build=${DOZOR_FUZZ_BUILD_DIR:-$root/build-fuzz} seconds=${DOZOR_FUZZ_SECONDS:-180}
  say "Fuzzing with libFuzzer for ${seconds} s in all (clang, ASan, UBSan)"
  if [ ! -f "$fuzz_build/build.ninja" ]; then
    CC=clang meson setup "$fuzz_build" "$root" -Dfuzz=true -Dui_tests=false \
      -Dfuzz_seconds="$seconds" >/dev/null
  else
    meson configure "$fuzz_build" -Dfuzz_seconds="$seconds" >/dev/null
  fi
  meson compile -C "$fuzz_build" fuzz-import fuzz-json fuzz-situation fuzz-http >/dev/null &&
    meson test -C "$fuzz_build" --no-rebuild --print-errorlogs --suite fuzz \
      fuzz-import-libfuzzer fuzz-json-libfuzzer fuzz-situation-libfuzzer fuzz-http-libfuzzer
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  run) install_packages; build; run_demo "$@" ;;
  test) install_packages; build; run_tests "$@" ;;
  *) echo "usage: $0 run|test [arguments for dozor or meson test]" >&2; exit 2 ;;
esac
