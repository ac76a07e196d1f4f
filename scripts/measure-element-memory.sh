#!/usr/bin/env bash
# Peak resident memory of gst-launch-1.0 running deltacnn on 30 vtest frames, as the issue
# measures it: one element (delta or dense); or one and two delta elements after a tee, sharing
# one model (model-instance-id), whose difference is what a second stream adds.
# Usage: measure-element-memory.sh CONFIG [one-delta|one-dense|tee-one-delta|tee-two-delta]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cfg="${1:?usage: $0 CONFIG [one-delta|one-dense|tee-one-delta|tee-two-delta]}"
what="${2:-one-delta}"
build="${DELTACNN_BUILD_DIR:-$repo/build}"
export GST_PLUGIN_PATH="$build/gst/elements" OMP_WAIT_POLICY=passive
src="filesrc location=$repo/data/vtest.avi ! avidemux ! identity eos-after=31 ! avdec_msmpeg4 ! videoconvert ! video/x-raw,format=BGRx"
case "$what" in
  one-delta) pipe="$src ! deltacnn config-file-path=$cfg mode=delta ! fakesink" ;;
  one-dense) pipe="$src ! deltacnn config-file-path=$cfg mode=dense ! fakesink" ;;
  # The same tee and queue around one and two elements, so the difference is the second stream
  # (small queues: a default queue may hold 10 MB of frames).
  tee-one-delta|tee-two-delta)
    branch="queue max-size-buffers=2 ! deltacnn config-file-path=$cfg model-instance-id=m ! fakesink"
    pipe="$src ! tee name=t t. ! $branch"
    [ "$what" = tee-two-delta ] && pipe="$pipe t. ! $branch" ;;
  *) echo "unknown measurement '$what'; expected one-delta, one-dense, tee-one-delta or tee-two-delta" >&2; exit 2 ;;
esac
# shellcheck disable=SC2086
/usr/bin/time -v gst-launch-1.0 -q $pipe 2>&1 >/dev/null | awk -v w="$what" '/Maximum resident/ {printf "%s: %.0f MB\n", w, $6/1024}'
