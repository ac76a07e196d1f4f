#!/usr/bin/env bash
# Soak: vtest looped like an endless camera (segment seeks, no flush, no periodic keyframe)
# through two deltacnn elements after a tee, mode=dense and mode=delta sharing one model.
# Checks that resident memory grows by <= 5 MB after warm-up (frame 1000) and that delta agrees
# with dense as well on the last 500 frames as on the first 500 (examples/deltacnn-soak.c).
#   scripts/soak.sh                      # 10,000 frames, MoveNet Lightning
#   SOAK_FRAMES=3000 SOAK_CONFIG=configs/movenet-multipose.yaml scripts/soak.sh
# Environment: SOAK_FRAMES (10000), SOAK_CONFIG (configs/movenet-lightning.yaml),
#   SOAK_VIDEO (data/vtest.avi), SOAK_KEYFRAME_INTERVAL (0 = never; -1 = the YAML's),
#   SOAK_TOLERANCE (0.05), DELTACNN_BUILD_DIR (build). Exit status: the soak program's
#   (0 pass, 1 a check failed, 2 error). Takes long: about 2 x frames x inference time.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${DELTACNN_BUILD_DIR:-build}"
soak="$repo/$build/examples/deltacnn-soak"
[ -x "$soak" ] || { echo "soak.sh: $soak is missing: build it (ninja -C $build examples/deltacnn-soak)" >&2; exit 2; }
config="${SOAK_CONFIG:-configs/movenet-lightning.yaml}"
video="${SOAK_VIDEO:-data/vtest.avi}"
for f in "$config" "$video"; do
  [ -f "$f" ] || { echo "soak.sh: $f is missing: run ./scripts/setup.sh" >&2; exit 2; }
done
export GST_PLUGIN_PATH="$repo/$build/gst/elements${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
# A registry of its own: never touch the user's.
export GST_REGISTRY="$repo/$build/examples/registry-soak.bin"
exec "$soak" --config "$config" --video "$video" --frames "${SOAK_FRAMES:-10000}" \
  --keyframe-interval "${SOAK_KEYFRAME_INTERVAL:-0}" --tolerance "${SOAK_TOLERANCE:-0.05}"
