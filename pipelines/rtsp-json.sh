#!/usr/bin/env bash
# RTSP camera -> deltacnn -> JSON lines (one record per frame) on stdout or into a file.
#   pipelines/rtsp-json.sh rtsp://camera.local:554/stream1 out/camera1.jsonl
#   pipelines/rtsp-json.sh rtsp://camera.local:554/stream1 - | jq .objects
# Expected: one JSON object per frame: {"frame","pts","width","height","objects":[...],"stats":{...}}.
# The camera lost (closed, or silent for CAMERA_TIMEOUT_S=10 s) or not reachable: reconnects
# after RECONNECT_DELAY_S=5 s and appends to the same file (RECONNECT_DELAY_S=0: exit instead).
# OUTPUT's directory is created if missing; an OUTPUT that cannot be written is refused (exit 2).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
(( $# >= 1 && $# <= 2 )) || usage_error "usage: $0 RTSP_URL [OUTPUT.jsonl|-]"
url="$1"
check_deployment
out="${2:--}"
# An output that cannot open would fail every reconnect for ever: refused here (exit 2).
[ "$out" = - ] || require_append OUTPUT "$out"
src=()
rtsp_source src "$url"
run_camera -q -e "${src[@]}" ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnjson location="$out" append=true ! fakesink sync=false
