# SPDX-License-Identifier: GPL-3.0-or-later
# Sourced by the PostgreSQL scripts of bench/: sets `as`, the command
# prefix that runs PostgreSQL's programs as a user it accepts, and `dir`,
# a new temporary directory that user owns, named after $1.
#
# PostgreSQL refuses to run as root: then it runs as `nobody` through
# setpriv, as tests/pg-fixture.c does, in the system's temporary
# directory (TMPDIR ignored), which nobody can walk to.
if [ "$(id -u)" = 0 ]; then
  as=(setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups --)
  dir=$(env -u TMPDIR mktemp -d -t "$1-XXXXXX")
  chown nobody "$dir"
else
  as=()
  dir=$(mktemp -d -t "$1-XXXXXX")
fi
