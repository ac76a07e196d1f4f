#!/usr/bin/env bash
# RTSP camera -> deltacnn -> overlay -> screen.
#   pipelines/rtsp-display.sh rtsp://camera.local:554/stream1
# Expected: a window with the live video, skeletons/boxes and the stats line. sync=false and the
# leaky queue of rtsp_source keep latency from building up when inference is slower than the camera.
# Reconnects after RECONNECT_DELAY_S=5 s when the camera is lost (CAMERA_TIMEOUT_S=10 s silent).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -eq 1 ] || usage_error "usage: $0 RTSP_URL"
url="$1"
check_deployment
src=()
rtsp_source src "$url"
run_camera "${src[@]}" ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnoverlay show-stats=true ! videoconvert ! autovideosink sync=false
