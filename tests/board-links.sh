#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The board does not link GDAL (docs/decisions.md, "GDAL only for files"):
# GDAL and the libraries only it pulls in cost every board ~43 MB and
# ~120 ms at start, and are loaded with the GIS file module at the first
# import or export instead. A new call into GDAL from the board's code
# would fail its link; a dependency added back to it would show here.
set -uo pipefail

dozor=${1:?usage: board-links.sh PATH-TO-DOZOR PATH-TO-MODULE}
module=${2:?}
n=0 failures=0
check() {
  n=$((n + 1))
  if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2: $3"; failures=$((failures + 1)); fi
}

needed=$(readelf -d "$dozor" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ]
check $? "the board's ELF names the libraries it needs" "readelf found no NEEDED entry"
gdal=$(grep -i 'gdal' <<<"$needed")
[ -z "$gdal" ]
check $? "the board needs no GDAL library directly" "$gdal"

# What the dynamic loader maps at start, through every library.
mapped=$(ldd "$dozor" | grep -i 'libgdal')
[ -z "$mapped" ]
check $? "the board maps no libgdal at start, through any library" "$mapped"

calls=$(nm -D --undefined-only "$dozor" | grep -c ' U \(OGR\|GDAL\|OCT\|OSR\|CPL\|VSI\)')
[ "$calls" = 0 ]
check $? "the board calls no GDAL function" "$calls GDAL symbols undefined in it"

# The module it loads instead holds GDAL, and exports its table only.
# (ldd's whole output first: grep -q would stop reading early, and ldd's
# SIGPIPE would fail the pipeline under pipefail.)
module_libs=$(ldd "$module")
grep -q 'libgdal' <<<"$module_libs"
check $? "the GIS file module links libgdal" "$(head -n 3 <<<"$module_libs")"
exported=$(nm -D --defined-only "$module" | awk '$2 ~ /[TDBR]/ && $3 !~ /^_/ { print $3 }')
[ "$exported" = "dozor_gis_files_table" ]
check $? "the module exports its table and nothing else" "$exported"

echo "1..$n"
[ "$failures" = 0 ]
