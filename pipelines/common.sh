# Sourced by the pipeline scripts: finds the repo, the plugin in build/, and the default config.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DELTACNN_BUILD_DIR:-build}"
if [ -d "$repo/$build/gst" ]; then
  export GST_PLUGIN_PATH="$repo/$build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
fi
CONFIG="${CONFIG:-$repo/configs/movenet-multipose.yaml}"
BACKEND="${BACKEND:-auto}"
# RTSP cameras: TCP interleaving survives NAT and lossy Wi-Fi better than UDP; 200 ms jitter
# buffer; decodebin picks the camera's codec (H.264, H.265, MJPEG). A camera does not wait for
# the analytics: when inference is slower than the camera, the leaky queue drops the oldest
# decoded frames; without it the backlog (and latency, memory, and the time Ctrl-C/EOS takes to
# get through) grows without bound. The queue flags the frame after a drop DISCONT, on which
# deltacnn resets (a dense pass: measured 60 of 80 frames dense); videorate drop-only=true
# passes every frame with its timestamp but clears that flag (1 dense frame of 86), and a
# dropped frame needs no reset: the next delta is taken against the last processed frame.
# tcp-timeout/timeout (5 s) turn a vanished camera into an EOS/error instead of a silent stall.
rtsp_source() {
  local -n words_=$1  # the array to append to: one gst-launch word each, the URL one word
  words_+=(rtspsrc "location=$2" protocols=tcp latency=200 tcp-timeout=5000000 timeout=5000000 !
           decodebin ! videoconvert !
           queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream !
           videorate drop-only=true)
}

# A video file, decoded: appended to the array named $1 like rtsp_source (spaces and '!' in
# the path stay part of the location).
file_source() {
  local -n words_=$1
  words_+=(filesrc "location=$2" ! decodebin ! videoconvert)
}

# What every script checks before it starts gst-launch or creates an output: --help, the
# input files and the config, so that a typo is one clear line and not a page of GStreamer
# errors after an output file was already truncated.
#   pipeline_help "$@"          prints the script's header comment and exits on -h / --help
#   require_file WHAT PATH      exits 2 unless PATH is a readable file
pipeline_help() {
  case "${1:-}" in
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  esac
}
require_file() {
  if [ ! -f "$2" ] || [ ! -r "$2" ]; then
    echo "$(basename "$0"): $1 '$2' is not a readable file" >&2
    exit 2
  fi
}
# (Sourced without arguments, this file sees the script's own.)
pipeline_help "$@"
require_file CONFIG "$CONFIG"
