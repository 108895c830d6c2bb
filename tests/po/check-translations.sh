#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a source file with translatable strings is missing from
# po/POTFILES.in, when po/*.po lacks a translation (or has a fuzzy one) for a
# string of the sources (code, .ui, the desktop file and the metainfo), when
# help/LANG/LANG.po lacks one for a string of the help pages, or when a
# catalogue's plural forms are not those of its language.
set -euo pipefail
src=${1:?source root}
cd "$src"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

listed=$(grep -v '^#' po/POTFILES.in | sed '/^$/d' | sort)
with_strings=$( (grep -rlE '(\b_|\bN_|\bC_|\bNC_|ngettext)\s*\(' src --include='*.c' || true;
                 grep -rl 'translatable="yes"' data --include='*.ui' 2>/dev/null || true;
                 ls data/*.desktop.in data/*.metainfo.xml.in 2>/dev/null || true) | sort)
missing=$(comm -13 <(echo "$listed") <(echo "$with_strings") | sed '/^$/d')
if [[ -n "$missing" ]]; then
  echo "Files with translatable strings missing from po/POTFILES.in:"
  echo "$missing"
  exit 1
fi

# Chinese has one form: a catalogue that says otherwise picks wrong forms.
check_plurals() {
  local po=$1 lang
  lang=$(basename "$po" .po)
  case "$lang" in
    zh_*|ja|ko|vi)
      if ! grep -q '^"Plural-Forms: nplurals=1; plural=0;\\n"$' "$po"; then
        echo "$po: the header must say Plural-Forms: nplurals=1; plural=0;"
        exit 1
      fi;;
  esac
}

# Fails with the untranslated and fuzzy messages of $1 merged with $2.
check_complete() {
  local po=$1 pot=$2 stats
  check_plurals "$po"
  msgmerge --quiet --no-fuzzy-matching "$po" "$pot" -o "$tmp/merged.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$tmp/merged.po" 2>&1)
  echo "$po: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*)
      echo "$po is incomplete. Untranslated or fuzzy:"
      msgattrib --only-fuzzy --no-obsolete "$tmp/merged.po" | grep '^msgid' | tail -n +2 || true
      msgattrib --untranslated --no-obsolete "$tmp/merged.po" | grep '^msgid' | tail -n +2 || true
      exit 1;;
  esac
}

xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --add-comments=Translators \
  -f <(echo "$listed") -o "$tmp/shuangti.pot"
# The desktop file and the metainfo are in the template too.
for f in data/io.github.shuangti.Shuangti.desktop.in data/io.github.shuangti.Shuangti.metainfo.xml.in; do
  if ! grep -q "^#: $f:" "$tmp/shuangti.pot"; then
    echo "xgettext took no string from $f"
    exit 1
  fi
done
for po in po/*.po; do
  check_complete "$po" "$tmp/shuangti.pot"
done

# The help: the template as itstool makes it (gnome.yelp's help-…-pot).
if [[ -d help/C ]]; then
  itstool -o "$tmp/help.pot" help/C/*.page help/C/legal.xml
  for lang in $(cat help/LINGUAS); do
    check_complete "help/$lang/$lang.po" "$tmp/help.pot"
  done
fi
