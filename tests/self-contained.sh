#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# self-contained.sh SOURCE-ROOT: the repository stands alone. A user's clone
# has nothing beside it, so no tracked file may refer to a path outside the
# repository: a folder beside the clone, a way up out of the source root, a
# home directory or a build machine's own absolute path. Paths that are
# really meant (scratch files in /tmp in an example, a path a test makes
# itself) are listed, each with its reason, in self-contained.allow.
set -u

root=${1:?usage: self-contained.sh SOURCE-ROOT}
cd "$root" || exit 1
allow=tests/self-contained.allow
n=0
failures=0

# What the guard looks for, one extended regular expression each. Written so
# that this file does not match itself.
q="'"
patterns=(
  # the folder beside the clone
  '\.\./shar[e]d'
  # up out of the source root: $root/.., meson.project_source_root() / '..'
  "(root|ROOT|srcdir|SRCDIR|source_root\\(\\))[}\"$q]?( / $q|/)\\.\\.(/|$q|\$)"
  # home directories and a build machine's own folders
  '(^|[^[:alnum:]_.])/(hom[e]|roo[t]|User[s]|wor[k]|mn[t]|medi[a])/'
  # scratch space, only where listed
  '(^|[^[:alnum:]_.])/(tm[p]|var/tm[p])/'
  # a home directory
  "(^|[[:space:]\"$q=])~/"
)

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }

# The files: what git tracks, or in an unpacked tarball every file but the
# build trees. Translations are left out: they repeat the sources' strings.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -d '' files < <(git ls-files -z -- . ':(exclude)po/*.po')
else
  mapfile -d '' files < <(find . -type f ! -path './.git/*' ! -path './build*' ! -path './po/*.po' \
    -printf '%P\0')
fi
if [ "${#files[@]}" -lt 50 ]; then
  not_ok "found only ${#files[@]} files in $root"
  echo "1..$n"
  exit 1
fi

# allowed FILE LINE: an entry of the allow list names FILE and text in LINE.
allowed() {
  local file=$1 line=$2 a_file a_text
  while IFS=$'\t' read -r a_file a_text _; do
    case $a_file in ''|'#'*) continue ;; esac
    if [ "$a_file" = "$file" ] && [[ $line == *"$a_text"* ]]; then
      return 0
    fi
  done <"$allow"
  return 1
}

for pattern in "${patterns[@]}"; do
  hits=()
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    text=${rest#*:}
    case $file in tests/self-contained.sh|"$allow") continue ;; esac
    allowed "$file" "$text" || hits+=("$hit")
  done < <(printf '%s\0' "${files[@]}" | xargs -0 grep -nIE -- "$pattern" 2>/dev/null)
  if [ "${#hits[@]}" -eq 0 ]; then
    ok "no tracked file refers outside the repository by /$pattern/"
  else
    not_ok "${#hits[@]} line(s) refer outside the repository by /$pattern/"
    printf '%s\n' "${hits[@]}" | sed 's/^/#   /'
  fi
done

# Every entry of the allow list still matches something, so it cannot grow
# stale and hide a new path of the same file.
stale=0
while IFS=$'\t' read -r a_file a_text _; do
  case $a_file in ''|'#'*) continue ;; esac
  if ! grep -qF -- "$a_text" "$a_file" 2>/dev/null; then
    stale=$((stale + 1))
    echo "# stale entry: $a_file: $a_text"
  fi
done <"$allow"
if [ "$stale" -eq 0 ]; then
  ok "every entry of $allow still names a line"
else
  not_ok "$stale entries of $allow name no line any more"
fi

echo "1..$n"
[ "$failures" -eq 0 ]
