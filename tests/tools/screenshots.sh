#!/bin/sh
# tests/tools/screenshots.sh (`make screenshots`): retakes screenshots/*.png from a real
# terminal — xterm under Xvfb with DejaVu Sans Mono and IPAGothic for Japanese — attached to a
# tmux session that runs the dashboard, driven with send-keys and captured with ImageMagick.
# Data: the fake cloud's demo world after a real `pipetop refresh`; when that refresh stores no
# pipelines (linking not in this build), the mkdb fixture instead, and it says so. On the demo
# world it also reruns the failed export from the dashboard (dialog, progress, panel).
set -eu
PIPETOP=${PIPETOP:?set PIPETOP}
FAKECLOUD=${FAKECLOUD:?set FAKECLOUD}
MKDB=${MKDB:?set MKDB}
out=${SCREENSHOTS_DIR:-screenshots}

missing=""
for b in Xvfb xterm import xwininfo tmux fc-list; do
    command -v "$b" >/dev/null 2>&1 || missing="$missing $b"
done
if [ -n "$missing" ]; then
    echo "screenshots: missing$missing; install: apt-get install xvfb xterm x11-utils" \
        "imagemagick fonts-ipafont-gothic fonts-dejavu-core tmux" >&2
    exit 1
fi
fc-list :lang=ja | grep -q . || {
    echo "screenshots: no Japanese font; install: apt-get install fonts-ipafont-gothic" >&2
    exit 1
}

work=$(mktemp -d /tmp/pipetop-shots-XXXXXX)
T="tmux -L pipetop-shots-$$"
fcpid= xpid= tpid=
cleanup() {
    $T kill-server 2>/dev/null || true
    for p in $tpid $xpid $fcpid; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The demo world, refreshed for real.
mkdir -p "$work/fc" "$work/home"
"$FAKECLOUD" --scenario tests/scenarios/demo.json --workdir "$work/fc" >"$work/fc.out" 2>"$work/fc.err" &
fcpid=$!
i=0
until grep -q '^READY' "$work/fc.out" 2>/dev/null; do
    i=$((i + 1))
    [ $i -gt 100 ] && { echo "screenshots: fake cloud not ready: $(cat "$work/fc.err")" >&2; exit 1; }
    sleep 0.1
done
. "$work/fc/env.sh"
cp "$PIPETOP_CONFIG" "$work/pipetop.ini" # the fake's config names the demo's export rule
export PIPETOP_CONFIG="$work/pipetop.ini" PIPETOP_DB="$work/history.db" HOME="$work/home"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
"$PIPETOP" refresh >"$work/refresh.out" 2>&1 || true
source="the fake cloud's demo world (tests/scenarios/demo.json) after pipetop refresh"
if ! "$PIPETOP" status --offline 2>/dev/null | grep -q '^[^ ]' ||
    "$PIPETOP" status --offline 2>/dev/null | grep -q 'no pipelines'; then
    echo "screenshots: the demo refresh stored no pipelines ($(tail -n 3 "$work/refresh.out"));" \
        "using the mkdb fixture database instead" >&2
    rm -f "$work/history.db"*
    PIPETOP_TIMEZONE=UTC "$MKDB" "$work/history.db"
    printf '[general]\ntimezone = UTC\n' >"$work/pipetop.ini"
    source="the mkdb fixture database (tests/tools/mkdb.c)"
fi

# A real terminal: xterm on a virtual X display, attached to the dashboard's tmux session.
disp=:$((90 + $$ % 100))
Xvfb "$disp" -screen 0 1400x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
xpid=$!
sleep 1
offline=
[ "$source" = "${source#the mkdb}" ] || offline=--offline # the fixture has no cloud behind it
$T new-session -d -s shot -x 110 -y 32 "$PIPETOP $offline"
$T set-option -t shot status off >/dev/null
DISPLAY=$disp xterm -T pipetop-shot -geometry 110x32+0+0 -fa 'DejaVu Sans Mono' -fd IPAGothic \
    -fs 11 -bg '#1d1f21' -fg '#e0e0e0' -u8 -e $T attach -t shot >"$work/xterm.log" 2>&1 &
tpid=$!
sleep 2
win=$(DISPLAY=$disp xwininfo -name pipetop-shot | sed -n 's/^xwininfo: Window id: \(0x[0-9a-f]*\).*/\1/p')
[ -n "$win" ] || { echo "screenshots: the xterm window did not appear" >&2; exit 1; }

mkdir -p "$out"
shot() { # shot NAME KEYS...: sends the keys, waits for the screen, captures the window
    name=$1
    shift
    [ $# -gt 0 ] && $T send-keys -t shot "$@"
    sleep 1
    DISPLAY=$disp import -window "$win" "$out/$name.png"
    echo "screenshots: $out/$name.png"
}
shot grid
shot day-detail n Enter g j L
shot tables Escape : t a b l e s Enter
$T send-keys -t shot / m a r t . u s e r s Enter Enter / C-u Enter
shot schema
shot command-log Escape @
shot help '?'
if [ -z "$offline" ]; then # operator actions need the cloud: rerun the demo's failed export
    $T send-keys -t shot q : g r i d Enter / u s e r s Enter n r
    sleep 4 # the dialog plans from a fresh read of the clouds
    shot confirm-dialog
    $T send-keys -t shot y
    sleep 5
    shot action-progress
    sleep 20
    shot action-panel a
fi
echo "screenshots: taken from $source"
