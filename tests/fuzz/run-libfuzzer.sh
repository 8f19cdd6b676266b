#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# run-libfuzzer.sh FUZZER CORPUS SECONDS [DICTIONARY]: a bounded libFuzzer run that
# starts from a copy of the corpus (libFuzzer adds what it finds to its
# first directory, and the source tree stays as it is). TAP: one test,
# failed by any crash, leak, timeout or sanitizer report.
set -uo pipefail

fuzzer=${1:?usage: run-libfuzzer.sh FUZZER CORPUS SECONDS}
corpus=${2:?}
seconds=${3:?}
dict=${4:+-dict=$4}
# In memory when it can be: the targets' databases sync every commit. Their
# temporary files go there too, so that even a crashed run leaves nothing.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts" "$work/tmp"
export TMPDIR="$work/tmp"
cp "$corpus"/* "$work/corpus/"

# The suppressions name functions and libraries: without a symbolizer a
# leak's stack has no names, and a library's known leak would fail the run
# (as on a machine with clang but without LLVM's tools). Debian's llvm-14
# has it; setup.sh installs that package.
symbolizer=$(command -v llvm-symbolizer || ls /usr/lib/llvm-*/bin/llvm-symbolizer 2>/dev/null | tail -n 1)
if [ -z "$symbolizer" ]; then
  echo "1..1"
  echo "not ok 1 - no llvm-symbolizer: install Debian's llvm-14 (build-aux/debian-packages.txt)"
  exit 1
fi
export ASAN_SYMBOLIZER_PATH=$symbolizer

# Full stacks on every allocation: GDAL is built without frame pointers,
# and the suppressions must see the library a leak comes from.
export ASAN_OPTIONS=${ASAN_OPTIONS:-fast_unwind_on_malloc=0:malloc_context_size=30}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(dirname "$0")/lsan-suppressions.txt}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

"$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=131072 \
  -print_final_stats=1 $dict -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
status=$?

# What failed first (a harness's assertion is far above libFuzzer's own
# stack), then how the run ended.
grep -m 5 -E 'Bail out|ERROR:|runtime error' "$work/log" | sed 's/^/# /'
sed 's/^/# /' "$work/log" | tail -n 25
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
echo "1..1"
if [ "$status" -eq 0 ]; then
  echo "ok 1 - ${runs:-?} executions in ${seconds} s, no crash"
else
  echo "not ok 1 - libFuzzer stopped with status $status; the input is in the log above"
  for artifact in "$work"/artifacts/*; do
    [ -f "$artifact" ] && echo "# $(basename "$artifact"): $(base64 -w0 "$artifact")"
  done
  # meson's --print-errorlogs shows a TAP test's stderr only, and a CI log
  # is often all there is of a failure found by chance: the report and the
  # input go there too, so that it can be replayed (tests/fuzz/README.md).
  {
    echo "== libFuzzer report (first errors, then the end of its log) =="
    grep -m 5 -E 'Bail out|ERROR:|runtime error' "$work/log"
    grep -A 60 -m 1 -E '^==[0-9]+==ERROR|Bail out|runtime error' "$work/log"
    tail -n 25 "$work/log"
    for artifact in "$work"/artifacts/*; do
      [ -f "$artifact" ] && echo "input $(basename "$artifact") (base64): $(base64 -w0 "$artifact")"
    done
  } >&2
  exit 1
fi
