#!/usr/bin/env bash
# Soak: vtest looped like an endless camera (segment seeks, no flush, no periodic keyframe)
# through two deltacnn elements after a tee, mode=dense and mode=delta sharing one model.
# Checks that resident memory grows by <= 5 MB after warm-up (frame 1000) and that delta agrees
# with dense as well on the last 500 frames as on the first 500 (examples/deltacnn-soak.c).
#   scripts/soak.sh                      # 10,000 frames, MoveNet Lightning
#   SOAK_FRAMES=3000 SOAK_CONFIG=configs/movenet-multipose.yaml scripts/soak.sh
# Takes no arguments; settings come from the environment:
#   SOAK_FRAMES (10000; at least 1500, three 500-frame windows, for a verdict),
#   SOAK_CONFIG (configs/movenet-lightning.yaml), SOAK_VIDEO (data/vtest.avi): a relative path
#   is taken from the current directory, the defaults from the repository;
#   SOAK_KEYFRAME_INTERVAL (0 = never; -1 = the YAML's), SOAK_TOLERANCE (0.05),
#   DELTACNN_BUILD_DIR (build; absolute or relative to the repository).
# Exit status: the soak program's (0 pass, 1 a check failed, 2 error; 2 also for a setting
# refused here). Takes long: about 2 x frames x inference time.
set -euo pipefail
case "${1:-}" in
  -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
die() { echo "soak.sh: $*" >&2; exit 2; }
[ $# -eq 0 ] || die "takes no arguments (got '$1'); settings come from the environment (--help)"
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The caller's relative paths, resolved before anything changes directory.
from_caller() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
if [ -n "${SOAK_CONFIG:-}" ]; then config="$(from_caller "$SOAK_CONFIG")"
else config="$repo/configs/movenet-lightning.yaml"; fi
if [ -n "${SOAK_VIDEO:-}" ]; then video="$(from_caller "$SOAK_VIDEO")"
else video="$repo/data/vtest.avi"; fi
build="${DELTACNN_BUILD_DIR:-build}"
case "$build" in /*) build_dir="$build" ;; *) build_dir="$repo/$build" ;; esac
soak="$build_dir/examples/deltacnn-soak"
[ -x "$soak" ] || die "$soak is missing: build it (ninja -C $build_dir examples/deltacnn-soak)"
[ -f "$config" ] || die "SOAK_CONFIG '$config' is missing (the default comes with ./scripts/setup.sh)"
[ -f "$video" ] || die "SOAK_VIDEO '$video' is missing (the default comes with ./scripts/setup.sh)"
frames="${SOAK_FRAMES:-10000}"
keyframe_interval="${SOAK_KEYFRAME_INTERVAL:-0}"
tolerance="${SOAK_TOLERANCE:-0.05}"
# Checked here and not after the run: the verdict compares the first 500-frame window with
# the last full one after the warm-up (frame 1000), so it needs three windows.
case "$frames" in ''|*[!0-9]*) die "SOAK_FRAMES is a whole number of frames (got '$frames')" ;; esac
[ ${#frames} -le 12 ] || die "SOAK_FRAMES '$frames' is too large"
[ $((10#$frames)) -ge 1500 ] ||
  die "SOAK_FRAMES must be at least 1500 for a verdict (three 500-frame windows; got '$frames')"
case "$keyframe_interval" in
  -1|0|[1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]|[1-9][0-9][0-9][0-9][0-9]) ;;
  *) die "SOAK_KEYFRAME_INTERVAL is -1, 0 or a number of frames up to 99999 (got '$keyframe_interval')" ;;
esac
[[ "$tolerance" =~ ^([0-9]+\.?[0-9]*|\.[0-9]+)$ ]] ||
  die "SOAK_TOLERANCE is a non-negative number, a fraction (got '$tolerance')"
cd "$repo"
export GST_PLUGIN_PATH="$build_dir/gst/elements${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
# A registry of its own: never touch the user's.
export GST_REGISTRY="$build_dir/examples/registry-soak.bin"
exec "$soak" --config "$config" --video "$video" --frames "$((10#$frames))" \
  --keyframe-interval "$keyframe_interval" --tolerance "$tolerance"
