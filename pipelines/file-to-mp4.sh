#!/usr/bin/env bash
# Video file -> deltacnn -> overlay -> H.264 MP4.
#   pipelines/file-to-mp4.sh data/vtest.avi out/annotated.mp4
# Expected: out/annotated.mp4 with pose skeletons (or boxes) and a stats line drawn on every
# frame; EOS ends the pipeline cleanly. CONFIG=configs/centernet.yaml for detection.
# OUTPUT defaults to out/annotated.mp4 and is replaced; one that is the input file itself is
# refused (exit 2), since it would be truncated before it is read.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
(( $# >= 1 && $# <= 2 )) || usage_error "usage: $0 INPUT_VIDEO [OUTPUT.mp4]"
in="$1"
out="${2:-out/annotated.mp4}"
require_file INPUT_VIDEO "$in"   # before the output exists: a typo must not truncate it
# filesink truncates OUTPUT before the input is read: the same file (also through a symlink, a
# hard link, or the default output when re-annotating an earlier result) would be destroyed.
if [ "$(realpath -m -- "$in")" = "$(realpath -m -- "$out")" ] || [ "$in" -ef "$out" ]; then
  usage_error "OUTPUT '$out' is the input file; name another output"
fi
check_deployment
mkdir -p "$(dirname "$out")"
src=()
file_source src "$in"
exec gst-launch-1.0 -e "${src[@]}" ! video/x-raw,format=BGRx ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnoverlay show-stats=true ! videoconvert ! \
  x264enc speed-preset=veryfast ! h264parse ! mp4mux ! filesink location="$out"
