#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, or when po/zh_CN.po lacks a translation (or has a fuzzy one)
# for a string of the sources.
set -euo pipefail
src=${1:?source root}
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
with_strings=$( (grep -rlE '(\b_|\bN_|\bC_|\bNC_|ngettext)\s*\(' src --include='*.c' || true;
                 grep -rl 'translatable="yes"' data --include='*.ui' 2>/dev/null || true) | sort)
missing=$(comm -13 <(echo "$listed") <(echo "$with_strings") | sed '/^$/d')
if [[ -n "$missing" ]]; then
  echo "Files with translatable strings missing from po/POTFILES.in:"
  echo "$missing"
  exit 1
fi

xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --add-comments=Translators \
  -f <(echo "$listed") -o "$tmp/shuangti.pot"
for po in po/*.po; do
  msgmerge --quiet --no-fuzzy-matching "$po" "$tmp/shuangti.pot" -o "$tmp/merged.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1)
  echo "$po: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "$po is incomplete. Untranslated:"
      msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep '^msgid' | tail -n +2
      exit 1;;
  esac
done
