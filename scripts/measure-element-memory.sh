#!/usr/bin/env bash
# Peak resident memory of gst-launch-1.0 running deltacnn on 30 vtest frames, as the issue
# measures it: one element (delta or dense); or one and two delta elements after a tee, sharing
# one model (model-instance-id), whose difference is what a second stream adds.
# Usage: measure-element-memory.sh CONFIG [one-delta|one-dense|tee-one-delta|tee-two-delta]
# Prints "MEASUREMENT: N MB". A pipeline that fails (a CONFIG that does not load, a missing
# plugin) prints gst-launch's errors and exits non-zero without a figure.
# Environment: DELTACNN_BUILD_DIR (build; absolute or relative to the repository).
set -euo pipefail
usage="usage: $(basename "$0") CONFIG [one-delta|one-dense|tee-one-delta|tee-two-delta]"
case "${1:-}" in
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "$usage" >&2
  exit 2
fi
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cfg="$1"
what="${2:-one-delta}"
case "$what" in
  one-delta|one-dense|tee-one-delta|tee-two-delta) ;;
  *) echo "measure-element-memory.sh: unknown measurement '$what'; expected one-delta, one-dense, tee-one-delta or tee-two-delta" >&2
     exit 2 ;;
esac
if [ ! -f "$cfg" ] || [ ! -r "$cfg" ]; then
  echo "measure-element-memory.sh: CONFIG '$cfg' is not a readable file" >&2
  exit 2
fi
video="$repo/data/vtest.avi"
[ -f "$video" ] || { echo "measure-element-memory.sh: $video is missing: run ./scripts/setup.sh" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "measure-element-memory.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
build="${DELTACNN_BUILD_DIR:-build}"
case "$build" in /*) ;; *) build="$repo/$build" ;; esac
export GST_PLUGIN_PATH="$build/gst/elements" OMP_WAIT_POLICY=passive
# One argv word per gst-launch word: locations with spaces stay one word.
pipe=(filesrc "location=$video" ! avidemux ! identity eos-after=31 ! avdec_msmpeg4 ! videoconvert !
      "video/x-raw,format=BGRx" !)
case "$what" in
  one-delta) pipe+=(deltacnn "config-file-path=$cfg" mode=delta ! fakesink) ;;
  one-dense) pipe+=(deltacnn "config-file-path=$cfg" mode=dense ! fakesink) ;;
  # The same tee and queue around one and two elements, so the difference is the second stream
  # (small queues: a default queue may hold 10 MB of frames).
  tee-one-delta|tee-two-delta)
    branch=(queue max-size-buffers=2 ! deltacnn "config-file-path=$cfg" model-instance-id=m ! fakesink)
    pipe+=(tee name=t t. ! "${branch[@]}")
    [ "$what" = tee-two-delta ] && pipe+=(t. ! "${branch[@]}") ;;
esac
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
/usr/bin/time -v -o "$tmp/time" gst-launch-1.0 -q "${pipe[@]}" >"$tmp/log" 2>&1 || status=$?
if [ $status -ne 0 ]; then
  cat "$tmp/log" >&2
  echo "measure-element-memory.sh: $what: the pipeline failed (exit $status); no measurement" >&2
  exit 1
fi
awk -v w="$what" '/Maximum resident/ {printf "%s: %.0f MB\n", w, $6/1024; found=1}
                  END {exit !found}' "$tmp/time" ||
  { echo "measure-element-memory.sh: /usr/bin/time reported no peak RSS" >&2; exit 1; }
