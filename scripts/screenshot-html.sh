#!/usr/bin/env bash
# Render an HTML report in headless Chromium and save a PNG, to look at the
# checklist as a browser draws it.  scripts/screenshot-html.sh IN.html OUT.png [WIDTHxHEIGHT]
set -euo pipefail
in=${1:?usage: screenshot-html.sh IN.html OUT.png [1200x3000]}
out=${2:?usage: screenshot-html.sh IN.html OUT.png [1200x3000]}
size=${3:-1200x3000}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "screenshot-html: no chromium (apt-get install chromium)" >&2; exit 2; }
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size="${size/x/,}" --screenshot="$out" "file://$(realpath "$in")" >/dev/null 2>&1
[ -s "$out" ] || { echo "screenshot-html: no screenshot written" >&2; exit 1; }
echo "$out"
