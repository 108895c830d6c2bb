#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The HTML copy of the help, opened in the web browser where no help viewer
# (yelp) is installed: OUT/LANG/index.html for C (English) and each LANG
# given, translated from help/LANG/LANG.po, with the screenshots of
# docs/screenshots/ (en for C).
#   build-html.sh OUT HELP-SOURCE-DIR SCREENSHOTS-DIR LANG…
set -euo pipefail
out=$(realpath -m "$1") help=$2 shots=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$out"
for lang in C "$@"; do
  pages="$tmp/$lang"
  mkdir -p "$pages/figures" "$out/$lang"
  if [[ $lang == C ]]; then
    cp "$help"/C/*.page "$help"/C/legal.xml "$pages/"
    shotdir=$shots/en
  else
    msgfmt -o "$tmp/$lang.mo" "$help/$lang/$lang.po"
    itstool -m "$tmp/$lang.mo" --lang "$lang" -o "$pages/" "$help"/C/*.page "$help"/C/legal.xml
    shotdir=$shots/$lang
  fi
  # yelp-build copies the figures the pages show; a screenshot not made
  # yet is left out (-i) rather than failing the build.
  cp "$shotdir"/*.png "$pages/figures/"
  (cd "$pages" && yelp-build html -i -o "$out/$lang/" ./*.page) 2> "$tmp/log" \
    || { cat "$tmp/log" >&2; exit 1; }
  grep -v '^Warning: No source found for figures/' "$tmp/log" >&2 || true
done
