#!/usr/bin/env bash
# Draw the checklist HTML in headless Chromium and save a PNG, to look at
# the banner verdict, the timeline legends, the zoomed axis's years and the
# "expired N days before the window" marker as a browser shows them.
#   scripts/screenshot-checklist.sh [OUT.png]   (default: bin/checklist.png)
# Builds ome-preflight, writes the lab into a temporary folder, runs a
# checklist of four file pairs (one passes, three fail: different
# intermediates, a leaf that expired ten days ago, a leaf that expires
# inside the 4h window) and screenshots checklist.html at 1280x2000.
# OME_LANG=ko (or nl) draws it in that language (Korean needs a Hangul
# font: apt-get install fonts-nanum).
# Needs chromium (apt-get install chromium). Talks to no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/bin/checklist.png}
mkdir -p "$(dirname "$out")"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$root" && CGO_ENABLED=0 go build -o "$work/ome-preflight" .)
"$work/ome-preflight" fixtures write "$work/lab" >/dev/null
cat > "$work/lab/inventory.yaml" <<'YAML'
pairs:
  - name: dc1-good
    window: 4h
    source: { chain: good-pair/source.pem }
    target: { chain: good-pair/target.pem }
  - name: dc2-expired-leaf
    window: 4h
    source: { chain: expired-one-side/source.pem }
    target: { chain: expired-one-side/target.pem }
  - name: dc3-kb-invalid
    window: 4h
    source: { chain: different-intermediates/source.pem }
    target: { chain: different-intermediates/target.pem }
  - name: dc4-window
    window: 4h
    source: { chain: window-too-long/source.pem }
    target: { chain: window-too-long/target.pem }
YAML
rc=0
"$work/ome-preflight" --lang "${OME_LANG:-en}" checklist --out "$work/out" "$work/lab/inventory.yaml" || rc=$?
# Three pairs fail: exit 1 is the expected verdict; anything else is not.
[ "$rc" -eq 1 ] || { echo "screenshot-checklist: checklist exited $rc, want 1 (three failing pairs)" >&2; exit 1; }
"$root/scripts/screenshot-html.sh" "$work/out/checklist.html" "$out" "${SIZE:-1280x2000}"
