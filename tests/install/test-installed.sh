#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `meson install` gives a working app: installs the build into a temporary
# DESTDIR, checks what a desktop needs is there, starts Shuangti the way the
# desktop does (`gio launch` of the installed desktop file, in Chinese),
# waits for its window, and opens the help: with F1 in the help viewer when
# there is one (a stub yelp records what it was asked to open), and from the
# main menu in the web browser otherwise (a stub browser). Run under xvfb-run; starts its own
# D-Bus session.
#   test-installed.sh BUILDDIR APP_ID SERVER(true|false)
set -euo pipefail
build=$(realpath "$1") app_id=$2 server=$3
help_id=io.github.shuangti.Shuangti

tmp=$(mktemp -d)
cleanup() {
  # Only the app this test started: its process id, from its window.
  if [[ -n "${app_pid:-}" ]]; then kill "$app_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { echo "not ok - $*"; exit 1; }

# --- install ---------------------------------------------------------------
meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/dest" >"$tmp/install.log" 2>&1 \
  || { sed 's/^/# /' "$tmp/install.log"; fail "meson install"; }
prefix=$(meson introspect "$build" --buildoptions |
         python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
root=$tmp/dest$prefix
share=$root/share
for f in bin/shuangti \
         "share/applications/$app_id.desktop" \
         "share/metainfo/$app_id.metainfo.xml" \
         "share/icons/hicolor/scalable/apps/$app_id.svg" \
         "share/icons/hicolor/symbolic/apps/$app_id-symbolic.svg" \
         share/glib-2.0/schemas/io.github.shuangti.Shuangti.gschema.xml \
         share/locale/zh_CN/LC_MESSAGES/shuangti.mo \
         "share/help/C/$help_id/index.page" \
         "share/help/zh_CN/$help_id/index.page" \
         "share/help/zh_CN/$help_id/figures/participants-search.png" \
         share/shuangti/html/C/index.html \
         share/shuangti/html/zh_CN/index.html; do
  [[ -f "$root/$f" ]] || fail "installed: $f is missing"
done
ok "installed: binary, desktop file, metainfo, icons, schema, translation, help"
grep -qx 'Name\[zh_CN\]=双提升台账' "$share/applications/$app_id.desktop" \
  || fail "the installed desktop file has no Chinese name"
grep -q '<summary xml:lang="zh_CN">' "$share/metainfo/$app_id.metainfo.xml" \
  || fail "the installed metainfo has no Chinese summary"
ok "the desktop file and the metainfo are translated"

if [[ $server == true ]]; then
  unit=$(find "$tmp/dest" -path '*/systemd/system/shuangti-server.service')
  [[ -n "$unit" && -x "$root/bin/shuangti-server" ]] || fail "shuangti-server or its systemd unit is not installed"
  grep -qx "ExecStart=$prefix/bin/shuangti-server \$SHUANGTI_SERVER_OPTIONS" "$unit" \
    || fail "the unit does not start the installed server: $(grep ExecStart "$unit")"
  ok "shuangti-server and its systemd unit ($unit)"
fi

# What a distribution's triggers do after installing.
glib-compile-schemas --strict "$share/glib-2.0/schemas"

# --- a desktop session of our own ------------------------------------------
export HOME=$tmp/home XDG_DATA_HOME=$tmp/home/.local/share XDG_CONFIG_HOME=$tmp/home/.config \
       XDG_CACHE_HOME=$tmp/home/.cache XDG_DATA_DIRS=$share:/usr/share
export PATH=$root/bin:$PATH LANGUAGE=zh_CN LC_ALL=C.UTF-8 ST_LOCALEDIR=$share/locale
export GSETTINGS_BACKEND=memory GDK_BACKEND=x11 GSK_RENDERER=cairo NO_AT_BRIDGE=1 GTK_A11Y=none
unset GSETTINGS_SCHEMA_DIR
mkdir -p "$XDG_DATA_HOME/applications" "$XDG_CONFIG_HOME"
gsettings list-keys io.github.shuangti.Shuangti | grep -qx window-width \
  || fail "the installed settings schema is not found through XDG_DATA_DIRS"
ok "the installed settings schema is found"

# The stub help viewer and browser write what they are asked to open.
for stub in help-viewer browser; do
  printf '#!/bin/sh\necho "$1" >> "%s/opened-by-%s"\n' "$tmp" "$stub" > "$tmp/$stub"
  chmod +x "$tmp/$stub"
done
cat > "$XDG_DATA_HOME/applications/stub-help-viewer.desktop" <<EOD
[Desktop Entry]
Type=Application
Name=Stub help viewer
Exec=$tmp/help-viewer %u
MimeType=x-scheme-handler/help;
EOD
cat > "$XDG_DATA_HOME/applications/stub-browser.desktop" <<EOD
[Desktop Entry]
Type=Application
Name=Stub browser
Exec=$tmp/browser %u
MimeType=text/html;
EOD
# A real yelp, if this machine has one, is kept out of the test.
cat > "$XDG_CONFIG_HOME/mimeapps.list" <<EOD
[Default Applications]
x-scheme-handler/help=stub-help-viewer.desktop
text/html=stub-browser.desktop
[Removed Associations]
x-scheme-handler/help=yelp.desktop;
EOD

wait_for() { # SECONDS COMMAND…: until COMMAND succeeds
  local end=$((SECONDS + $1)); shift
  until "$@"; do
    (( SECONDS < end )) || return 1
    sleep 0.2
  done
}
window_id() { xdotool search --onlyvisible --name '^双提升台账$' 2>/dev/null | head -n 1; }
has_window() { [[ -n "$(window_id)" ]]; }

# The app's actions on the session bus (gapplication wants D-Bus activation).
app_actions() { # METHOD ARG…
  local path=/${app_id//./\/}
  gdbus call --session --dest "$app_id" --object-path "$path" --method "org.gtk.Actions.$1" "${@:2}"
}
start_app() {
  gio launch "$share/applications/$app_id.desktop"
  wait_for 60 has_window || fail "no window titled 双提升台账 within 60 s of gio launch"
  app_pid=$(xdotool getwindowpid "$(window_id)")
}
stop_app() {
  app_actions Activate quit '[]' '{}' >/dev/null
  wait_for 30 bash -c "! kill -0 $app_pid 2>/dev/null" || fail "the app did not quit"
  app_pid=
}
press_f1() {
  local wid
  wid=$(window_id)
  xdotool windowfocus --sync "$wid"
  xdotool key --clearmodifiers F1
}

start_app
ok "started from its desktop file: a window titled 双提升台账 (pid $app_pid)"
# On a GLib before 2.76 it starts itself again with GLib's slab allocator
# off (st_application_prefer_malloc), under its own name.
[[ $(cat "/proc/$app_pid/comm") == shuangti ]] || fail "the app's process is named $(cat "/proc/$app_pid/comm")"
if ! pkg-config --atleast-version=2.76 glib-2.0; then
  tr '\0' '\n' < "/proc/$app_pid/environ" | grep -qx G_SLICE=always-malloc \
    || fail "the app runs with GLib's slab allocator"
fi
ok "the app's process: named shuangti, GLib's slices from malloc"
actions=$(app_actions List)
[[ $actions == *"'help'"* ]] || fail "the app has no help action: $actions"

press_f1
wait_for 30 test -s "$tmp/opened-by-help-viewer" || fail "F1 opened nothing in the help viewer"
[[ $(cat "$tmp/opened-by-help-viewer") == "help:$help_id" ]] \
  || fail "the help viewer was asked for $(cat "$tmp/opened-by-help-viewer")"
ok "F1 opens help:$help_id in the help viewer"
stop_app

# No help viewer: the HTML copy in the browser, in the user's language.
rm "$XDG_DATA_HOME/applications/stub-help-viewer.desktop"
sed -i '/^x-scheme-handler\/help=stub/d' "$XDG_CONFIG_HOME/mimeapps.list"
start_app
# From the main menu this time: F10 opens it, H is the mnemonic of Help (帮助(_H)).
visible_windows() { xdotool search --onlyvisible --pid "$app_pid" 2>/dev/null | wc -l; }
windows=$(visible_windows)
xdotool windowfocus --sync "$(window_id)"
xdotool key --clearmodifiers F10
wait_for 10 test "$(visible_windows)" -gt "$windows" || fail "F10 did not open the main menu"
xdotool key --clearmodifiers h
wait_for 30 test -s "$tmp/opened-by-browser" || fail "Help in the main menu opened nothing without a help viewer"
# %u in Exec: a local file comes as a path or a file:// URI.
html=$share/shuangti/html/zh_CN/index.html
opened=$(cat "$tmp/opened-by-browser")
[[ $opened == "$html" || $opened == "file://$html" ]] \
  || fail "the browser was asked for $opened, not $html"
grep -q '双提升台账帮助' "$share/shuangti/html/zh_CN/index.html" || fail "the Chinese HTML help is not Chinese"
ok "without a help viewer, Help in the main menu opens the Chinese HTML copy in the browser"
stop_app
echo "1..$n"
