#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tap-strict.sh COMMAND [ARG…]: runs a TAP test and fails it when its
# standard output holds a line that is not TAP.
#
# meson 1.0 (Debian 12) only warns about such lines ("Unknown TAP output
# lines") and counts the test as passed, so a failure whose message ran onto
# a second line, or a program printing to the wrong stream, went unseen. Each
# line is passed on as it comes (meson shows progress and enforces its
# timeout as usual); a stray line is passed on as a "#" comment, said on
# standard error, and makes the test exit 1 once the command has ended.
# TAP's YAML blocks are refused too: no test of ours writes them.
set -u

if [ $# -eq 0 ]; then
  echo "usage: tap-strict.sh COMMAND [ARG…]" >&2
  exit 2
fi

strict_filter() {
  local line stray=0
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in
      ok|'ok '*|'not ok'|'not ok '*|'#'*|'1..'*|'TAP version '*|'Bail out!'*|'')
        printf '%s\n' "$line" ;;
      *)
        stray=$((stray + 1))
        printf '# not TAP: %s\n' "$line"
        printf 'tap-strict: line not TAP: %s\n' "$line" >&2 ;;
    esac
  done
  if [ "$stray" -gt 0 ]; then
    printf 'tap-strict: %d line(s) of standard output were not TAP\n' "$stray" >&2
    return 1
  fi
}

"$@" | strict_filter
status=("${PIPESTATUS[@]}")
if [ "${status[0]}" -ne 0 ]; then
  exit "${status[0]}"
fi
exit "${status[1]}"
