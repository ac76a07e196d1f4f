#!/usr/bin/env bash
# RTSP camera -> deltacnn -> JSON lines (one record per frame) on stdout or into a file.
#   pipelines/rtsp-json.sh rtsp://camera.local:554/stream1 out/camera1.jsonl
#   pipelines/rtsp-json.sh rtsp://camera.local:554/stream1 - | jq .objects
# Expected: one JSON object per frame: {"frame","pts","width","height","objects":[...],"stats":{...}}.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
url="${1:?usage: $0 RTSP_URL [OUTPUT.jsonl|-]}"
out="${2:--}"
src=()
rtsp_source src "$url"
exec gst-launch-1.0 -q -e "${src[@]}" ! \
  deltacnn config-file-path="$CONFIG" backend="$BACKEND" ! \
  deltacnnjson location="$out" ! fakesink sync=false
