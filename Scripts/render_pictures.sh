#!/usr/bin/env bash
# Draws the pictures docs/ shows, the way BrowserRenderingTests and LessonPageTests check them:
# chainrule writes each SVG (and a lesson page) and headless Chromium screenshots it into
# docs/images/: an SVG at its own size, the page at 1000 pixels wide, its top 2700 (the model,
# the graph and the forward and backward passes).
#   Scripts/render_pictures.sh [path/to/chainrule]     (default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
if [ $# -ge 1 ]; then
  BIN=$1
else
  swift build -c release --product chainrule >/dev/null
  BIN=$(swift build -c release --show-bin-path)/chainrule
fi
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$CHROMIUM" ]; then
  echo "chromium is missing: apt-get install -y chromium" >&2
  exit 1
fi
TOYAT='beta0=1,beta1=2,beta2=-3,beta3=0.4,omega0=0.1,omega1=-0.4,omega2=2,omega3=3,x=2.3,y=2'
TOYSTART='beta0=0,beta1=0,beta2=0,beta3=0,omega0=1,omega1=1,omega2=1,omega3=1'
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$BIN" graph -f Examples/toy-model.chain --at "$TOYAT" -o "$work/toy-model-graph.svg" >/dev/null
# The network without a point: its boxes stay small enough to read at the page's width.
"$BIN" graph -f Examples/sigmoid-network.chain -o "$work/sigmoid-network-graph.svg" >/dev/null
"$BIN" train -f Examples/toy-model-steps.chain --data Examples/toy-data.csv --lr 0.05 --epochs 60 \
  --at "$TOYSTART" --compare --plot "$work/training-compare.svg" >/dev/null

mkdir -p docs/images
for svg in "$work"/*.svg; do
  name=$(basename "$svg" .svg)
  # The picture's size, from its root element's width and height.
  width=$(grep -o -m1 'width="[0-9.]*"' "$svg" | head -1 | tr -dc '0-9.')
  height=$(grep -o -m1 'height="[0-9.]*"' "$svg" | head -1 | tr -dc '0-9.')
  width=$(printf '%.0f' "$width")
  height=$(printf '%.0f' "$height")
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
    --user-data-dir="$work/profile" --window-size="$width,$height" --screenshot="docs/images/$name.png" \
    "file://$svg" >/dev/null 2>&1
  echo "wrote docs/images/$name.png (${width}×${height})"
done

"$BIN" html -f Examples/toy-model.chain --at "$TOYAT" -o "$work/lesson-toy-model.html" >/dev/null
"$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --user-data-dir="$work/profile" --window-size=1000,2700 --screenshot=docs/images/lesson-toy-model.png \
  "file://$work/lesson-toy-model.html" >/dev/null 2>&1
echo "wrote docs/images/lesson-toy-model.png (1000×2700, the top of the page)"
