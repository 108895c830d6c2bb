#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The help's sources: every page valid Mallard (yelp-check), every page and
# figure listed in help/meson.build (or it would not be installed), and the
# metainfo's screenshot addresses naming files of this repository. Screenshots
# that scripts/screenshots does not make yet are listed, not failed: the
# pages show them once they exist.
#   check-help.sh SOURCE-ROOT
set -euo pipefail
cd "${1:?source root}"
status=0

if ! out=$(cd help/C && yelp-check validate ./*.page 2>&1) || [[ -n "$out" ]]; then
  echo "help/C: not valid Mallard:"; echo "$out"; status=1
fi

for page in help/C/*.page; do
  grep -q "'$(basename "$page")'" help/meson.build || { echo "$page is not in help_pages (help/meson.build)"; status=1; }
done
figures=$(grep -ho 'src="figures/[^"]*"' help/C/*.page | sed 's/src="figures\///; s/"$//' | sort -u)
for f in $figures; do
  grep -q "'$f'" help/meson.build || { echo "figures/$f is shown but not in help_figures (help/meson.build)"; status=1; }
  for lang in en zh_CN; do
    [[ -f docs/screenshots/$lang/$f ]] || echo "# not made yet: docs/screenshots/$lang/$f"
  done
done

base=https://github.com/shuangti/shuangti/raw/main/
urls=$(grep -o "${base}[^<]*" data/io.github.shuangti.Shuangti.metainfo.xml.in)
[[ -n "$urls" ]] || { echo "the metainfo shows no screenshot"; status=1; }
for url in $urls; do
  [[ -f ${url#"$base"} ]] || { echo "the metainfo shows $url, but ${url#"$base"} is not in the repository"; status=1; }
done
exit $status
