#!/usr/bin/env bash
# RTSP camera -> deltacnn -> overlay -> H.264 re-encode into a fragmented MP4 (NVR recording).
#   pipelines/rtsp-reencode.sh rtsp://camera.local:554/stream1 out/camera1.mp4
# Expected: a growing, playable out/camera1.mp4 (fragmented, so a crash or power cut keeps what
# was written); Ctrl-C sends EOS and closes the file properly.
# Does not reconnect: a camera lost ends it, with an error after CAMERA_TIMEOUT_S=10 s of
# silence; run it under a supervisor with a new OUTPUT each time.
# An existing, non-empty OUTPUT (default out/camera.mp4) is an earlier recording: it is refused
# (exit 2) and left as it was, because the file is truncated when the pipeline starts, before
# the camera answers (an unreachable camera would leave it empty). OVERWRITE=1 replaces it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
(( $# >= 1 && $# <= 2 )) || usage_error "usage: $0 RTSP_URL [OUTPUT.mp4]"
url="$1"
check_deployment
out="${2:-out/camera.mp4}"
[ ! -d "$out" ] || usage_error "OUTPUT '$out' is a directory; name the .mp4 file to write"
if [ -s "$out" ] && [ "${OVERWRITE:-0}" != 1 ]; then
  usage_error "OUTPUT '$out' exists (an earlier recording?): name a new file, or set OVERWRITE=1 to replace it"
fi
mkdir -p "$(dirname "$out")"
src=()
rtsp_source src "$url"
exec gst-launch-1.0 -e "${src[@]}" ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnoverlay ! videoconvert ! \
  x264enc speed-preset=veryfast tune=zerolatency key-int-max=50 ! h264parse ! \
  mp4mux fragment-duration=1000 ! filesink location="$out"
