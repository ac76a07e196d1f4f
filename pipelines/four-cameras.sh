#!/usr/bin/env bash
# Four cameras, one model in memory, each camera reconnecting on its own. Runs
# examples/deltacnn-cameras (built with the plugin): the four deltacnn elements share
# model-instance-id, so the weights and the runner threads are loaded once; each keeps its own
# delta state (a camera's static background is its own). A camera that cannot be reached at
# start, freezes for CAMERA_TIMEOUT_S (default 10) or drops its connection is torn down alone
# and tried again every RECONNECT_DELAY_S (default 5; 0: not again) seconds; the others go on.
#   pipelines/four-cameras.sh rtsp://cam1/s rtsp://cam2/s rtsp://cam3/s rtsp://cam4/s [OUTDIR]
# Files or rtsp:// URLs may be mixed; files are read once. Expected: OUTDIR/camera{1..4}.jsonl,
# one record per frame, appended to across reconnects; track events name camera1..camera4.
# Ctrl-C / SIGTERM: every camera gets its EOS, then exit status 130.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
(( $# >= 4 && $# <= 5 )) || usage_error "usage: $0 SRC1 SRC2 SRC3 SRC4 [OUTDIR]"
outdir="${5:-out}"
for i in 1 2 3 4; do
  case "${!i}" in *://*) ;; *) require_file "SRC$i" "${!i}" ;; esac
done
program="$build_dir/examples/deltacnn-cameras"
[ -x "$program" ] || { echo "$(basename "$0"): $program is not built (run ./scripts/setup.sh)" >&2; exit 2; }
exec "$program" --config "$CONFIG" --backend "$BACKEND" --output-dir "$outdir" \
  --camera-timeout "$CAMERA_TIMEOUT_S" --reconnect-delay "$RECONNECT_DELAY_S" \
  --model-instance-id shared-pose "$1" "$2" "$3" "$4"
