#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The Flatpak manifest as flatpak-builder reads it (any warning, such as an
# unknown property, is fatal), and what the packaging promises: a supported
# GNOME runtime, the app's id and command, the app alone (no server), local
# sources, and no permission beyond network, display, GPU and IPC.
#   check-manifest.sh MANIFEST APP-METAINFO
set -euo pipefail
manifest=$1 metainfo=$2
shown=$(mktemp)
trap 'rm -f "$shown"' EXIT
G_DEBUG=fatal-warnings flatpak-builder --show-manifest "$manifest" > "$shown"
python3 - "$shown" "$metainfo" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
errors = []
def check(cond, what):
    if not cond:
        errors.append(what)
check(m['runtime'] == 'org.gnome.Platform' and m['sdk'] == 'org.gnome.Sdk', 'the GNOME runtime and SDK')
check(int(m['runtime-version']) >= 49, 'GNOME runtime 49 or newer (47 and 48 are end-of-life)')
meta_id = re.search(r'<id>([^<]+)</id>', open(sys.argv[2]).read()).group(1)
check(m['id'] == meta_id, f'the id {m["id"]} is the metainfo id {meta_id}')
check(m['command'] == 'shuangti', 'the command shuangti')
allowed = {'--share=network', '--share=ipc', '--socket=wayland', '--socket=fallback-x11', '--device=dri'}
check(set(m['finish-args']) == allowed, f'finish-args exactly {sorted(allowed)}: {m["finish-args"]}')
app = m['modules'][-1]
check(app['name'] == 'shuangti' and app['buildsystem'] == 'meson', 'the app built last, with meson')
check('-Dserver=false' in app.get('config-opts', []), 'the app alone: -Dserver=false')
check(app['sources'] == [s for s in app['sources'] if s['type'] == 'dir'], 'the app from the local tree (type dir)')
for mod in m['modules']:
    for s in mod.get('sources', []):
        if s['type'] in ('archive', 'file'):
            check(re.fullmatch(r'[0-9a-f]{64}', s.get('sha256', '')), f'{mod["name"]}: a sha256 for {s.get("url")}')
if errors:
    print('\n'.join('manifest: ' + e for e in errors))
    sys.exit(1)
print('manifest ok:', m['id'], m['runtime'], m['runtime-version'], len(m['modules']), 'modules')
PY
