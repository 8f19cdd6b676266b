#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# make-locales.sh DIR LOCALE…: each LOCALE (ru_RU.UTF-8) compiled into DIR
# with localedef, for a test run with LOCPATH=DIR: the test then has the
# Russian and Kazakh locales whatever the machine has generated (Debian's
# locales package brings their sources). A fresh DIR each time.
set -eu
dir=$1
shift
rm -rf "$dir"
mkdir -p "$dir"
for locale in "$@"; do
  # Exit status 1 is localedef's "warnings, output written".
  localedef -i "${locale%%.*}" -f "${locale#*.}" "$dir/$locale" || [ -f "$dir/$locale/LC_CTYPE" ] ||
    { echo "make-locales.sh: localedef could not make $locale (is Debian's locales package installed?)" >&2; exit 1; }
done
