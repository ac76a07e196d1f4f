#!/usr/bin/env bash
# Four cameras, one model in memory: the four deltacnn elements share model-instance-id, so
# the weights are loaded once; each keeps its own delta state (a camera's static background
# is its own). Each camera writes its own JSON lines file.
#   pipelines/four-cameras.sh rtsp://cam1/s rtsp://cam2/s rtsp://cam3/s rtsp://cam4/s [OUTDIR]
# Files or rtsp:// URLs may be mixed. Expected: OUTDIR/camera{1..4}.jsonl, one record per frame.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
[ $# -ge 4 ] || { echo "usage: $0 SRC1 SRC2 SRC3 SRC4 [OUTDIR]" >&2; exit 2; }
outdir="${5:-out}"
for i in 1 2 3 4; do
  case "${!i}" in rtsp://*) ;; *) require_file "SRC$i" "${!i}" ;; esac
done
mkdir -p "$outdir"
branches=()
for i in 1 2 3 4; do
  src="${!i}"
  case "$src" in
    rtsp://*) rtsp_source branches "$src" ;;
    *) file_source branches "$src" ;;
  esac
  branches+=(! deltacnn name=cam$i "config-file-path=$CONFIG" "backend=$BACKEND"
             model-instance-id=shared-pose unique-id=$i !
             deltacnnjson "location=$outdir/camera$i.jsonl" ! fakesink sync=false)
done
exec gst-launch-1.0 -e "${branches[@]}"
