#!/usr/bin/env bash
# RTSP camera -> deltacnn -> overlay -> H.264 re-encode into a fragmented MP4 (NVR recording).
#   pipelines/rtsp-reencode.sh rtsp://camera.local:554/stream1 out/camera1.mp4
# Expected: a growing, playable out/camera1.mp4 (fragmented, so a crash or power cut keeps what
# was written); Ctrl-C sends EOS and closes the file properly.
# Does not reconnect (a new run would replace the recording): a camera lost ends it, with an
# error after CAMERA_TIMEOUT_S=10 s of silence; run it under a supervisor with a new OUTPUT.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -ge 1 ] || usage_error "usage: $0 RTSP_URL [OUTPUT.mp4]"
url="$1"
check_deployment
out="${2:-out/camera.mp4}"
mkdir -p "$(dirname "$out")"
src=()
rtsp_source src "$url"
exec gst-launch-1.0 -e "${src[@]}" ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnoverlay ! videoconvert ! \
  x264enc speed-preset=veryfast tune=zerolatency key-int-max=50 ! h264parse ! \
  mp4mux fragment-duration=1000 ! filesink location="$out"
