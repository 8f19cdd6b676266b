#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# po-complete.sh SOURCE-ROOT LANG: extracts the strings the sources have now
# (the same xgettext run as meson's dozor-pot target), merges them into
# po/LANG.po and fails if any is untranslated or fuzzy, naming them. A stale
# catalogue therefore fails too, not only a half-translated one.
set -euo pipefail
root=$1 lang=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

grep -v '^#' "$root/po/POTFILES.in" | sed '/^$/d' >"$work/files"
(cd "$root" && xgettext --package-name=dozor --from-code=UTF-8 --add-comments \
   --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
   --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
   --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
   --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
   --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
   --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
   --flag=g_markup_printf_escaped:1:c-format \
   --files-from="$work/files" -o "$work/dozor.pot")

msgmerge --quiet --no-fuzzy-matching "$root/po/$lang.po" "$work/dozor.pot" -o "$work/$lang.po"
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$work/$lang.po" 2>&1)
echo "po/$lang.po against the sources: $stats"
case "$stats" in
  *untranslated*|*fuzzy*)
    msgattrib --untranslated --only-fuzzy "$work/$lang.po" 2>/dev/null || true
    msgattrib --untranslated "$work/$lang.po" | grep '^msgid' | head -n 40
    exit 1 ;;
esac
