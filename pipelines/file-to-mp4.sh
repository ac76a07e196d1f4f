#!/usr/bin/env bash
# Video file -> deltacnn -> overlay -> H.264 MP4.
#   pipelines/file-to-mp4.sh data/vtest.avi out/annotated.mp4
# Expected: out/annotated.mp4 with pose skeletons (or boxes) and a stats line drawn on every
# frame; EOS ends the pipeline cleanly. CONFIG=configs/centernet.yaml for detection.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -ge 1 ] || usage_error "usage: $0 INPUT_VIDEO [OUTPUT.mp4]"
in="$1"
out="${2:-out/annotated.mp4}"
require_file INPUT_VIDEO "$in"   # before the output exists: a typo must not truncate it
check_deployment
mkdir -p "$(dirname "$out")"
src=()
file_source src "$in"
exec gst-launch-1.0 -e "${src[@]}" ! video/x-raw,format=BGRx ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnoverlay show-stats=true ! videoconvert ! \
  x264enc speed-preset=veryfast ! h264parse ! mp4mux ! filesink location="$out"
