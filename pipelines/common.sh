# Sourced by the pipeline scripts: finds the repo, the plugin in build/, and the default config.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DELTACNN_BUILD_DIR:-build}"
case "$build" in /*) build_dir="$build" ;; *) build_dir="$repo/$build" ;; esac  # absolute or repo-relative
if [ -d "$build_dir/gst" ]; then
  export GST_PLUGIN_PATH="$build_dir/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
fi
CONFIG="${CONFIG:-$repo/configs/movenet-multipose.yaml}"
BACKEND="${BACKEND:-auto}"
case "$BACKEND" in
  auto|cpu|cuda) ;;
  *) echo "$(basename "$0"): BACKEND is auto, cpu or cuda (got '$BACKEND')" >&2; exit 2 ;;
esac
# RTSP cameras: TCP interleaving survives NAT and lossy Wi-Fi better than UDP; 200 ms jitter
# buffer; decodebin picks the camera's codec (H.264, H.265, MJPEG). A camera does not wait for
# the analytics: when inference is slower than the camera, the leaky queue drops the oldest
# decoded frames; without it the backlog (and latency, memory, and the time Ctrl-C/EOS takes to
# get through) grows without bound. The queue flags the frame after a drop DISCONT, on which
# deltacnn resets (a dense pass: measured 60 of 80 frames dense); videorate drop-only=true
# passes every frame with its timestamp but clears that flag (1 dense frame of 86), and a
# dropped frame needs no reset: the next delta is taken against the last processed frame.
# A camera whose connection closes (reboot, power loss) ends the stream with EOS within a
# fraction of a second. One that stops sending but keeps the connection open (a hung camera, a
# pulled cable behind a switch) ended it only after rtspsrc's RTP source timeout, measured 27 s;
# the watchdog makes that an ERROR after CAMERA_TIMEOUT_S (default 10) seconds without a frame.
CAMERA_TIMEOUT_S="${CAMERA_TIMEOUT_S:-10}"
RECONNECT_DELAY_S="${RECONNECT_DELAY_S:-5}"
for value in "$CAMERA_TIMEOUT_S" "$RECONNECT_DELAY_S"; do
  case "$value" in
    ''|*[!0-9]*) echo "$(basename "$0"): CAMERA_TIMEOUT_S and RECONNECT_DELAY_S are whole seconds (got '$value')" >&2
                 exit 2 ;;
  esac
  # (the watchdog takes milliseconds in an int; a day is more than any camera needs; 10#: a
  # leading zero is not octal)
  if [ ${#value} -gt 5 ] || [ $((10#$value)) -gt 86400 ]; then
    echo "$(basename "$0"): CAMERA_TIMEOUT_S and RECONNECT_DELAY_S are at most 86400 seconds (got '$value')" >&2
    exit 2
  fi
done
CAMERA_TIMEOUT_S=$((10#$CAMERA_TIMEOUT_S)) RECONNECT_DELAY_S=$((10#$RECONNECT_DELAY_S))
rtsp_source() {
  local -n words_=$1  # the array to append to: one gst-launch word each, the URL one word
  words_+=(rtspsrc "location=$2" protocols=tcp latency=200 tcp-timeout=5000000 timeout=5000000 !
           decodebin !)
  # Right after the decoder, in the camera's thread: it times the camera, not the inference
  # behind the leaky queue (there, a slow model would look like a silent camera).
  [ "$CAMERA_TIMEOUT_S" -gt 0 ] && words_+=(watchdog "timeout=$((CAMERA_TIMEOUT_S * 1000))" !)
  words_+=(videoconvert !
           queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream !
           videorate drop-only=true)
  return 0
}

# Runs `gst-launch-1.0 "$@"` for a camera. When the run ends (the camera closed the stream,
# froze past CAMERA_TIMEOUT_S, or could not be reached at all) it waits RECONNECT_DELAY_S
# (default 5) seconds and starts again, until interrupted (Ctrl-C, SIGTERM: the running
# pipeline gets its EOS and finalises its files first). A camera that reboots therefore comes
# back by itself, and output files the scripts write with append=true keep the earlier runs'
# records (a new run_id in the events tells the runs apart). RECONNECT_DELAY_S=0: one run,
# exiting with gst-launch's status.
run_camera() {
  if [ "$RECONNECT_DELAY_S" -eq 0 ]; then
    exec gst-launch-1.0 "$@"
  fi
  set -m  # the pipeline in its own process group: Ctrl-C reaches it through the trap below
  local stopping="" child="" status=0
  trap 'stopping=1; [ -n "$child" ] && kill -INT "$child" 2>/dev/null' INT TERM
  while [ -z "$stopping" ]; do
    gst-launch-1.0 "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    [ -n "$stopping" ] && { wait "$child" || true; break; }  # the trap interrupted the wait
    child=""
    echo "$(basename "$0"): the camera stream ended (gst-launch exit $status); reconnecting in" \
         "$RECONNECT_DELAY_S s (RECONNECT_DELAY_S=0: exit instead)" >&2
    sleep "$RECONNECT_DELAY_S" & wait $! || true
  done
  exit 130
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
#   usage_error USAGE           says USAGE on stderr and exits 2 (a missing argument)
#   check_deployment            exits 2 unless CONFIG loads as the element would load it
#                               (tools/check/deltacnn-check: the YAML, the model on BACKEND):
#                               an existing file is no proof, and filesink truncates its
#                               output before deltacnn reads the YAML
#   require_append WHAT PATH    exits 2 unless PATH (a file appended to, never truncated) can be
#                               opened for appending: its directory is created if missing. A
#                               script that reconnects would otherwise retry an output that can
#                               never open (a typo in a directory, no permission) for ever
#   require_port WHAT VALUE     exits 2 unless VALUE is a TCP port number, 1..65535
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
usage_error() {
  echo "$(basename "$0"): $1" >&2
  exit 2
}
require_append() {
  local dir
  dir="$(dirname -- "$2")"
  [ ! -d "$2" ] || usage_error "$1 '$2' is a directory; name a file"
  if ! mkdir -p -- "$dir" 2>/dev/null || [ ! -d "$dir" ]; then
    usage_error "$1 '$2': cannot create its directory '$dir'"
  fi
  # Opening it is the only reliable test (root passes every -w test, a read-only mount does not).
  if ! { : >>"$2"; } 2>/dev/null; then
    usage_error "$1 '$2' cannot be opened for writing (permissions, a read-only file system?)"
  fi
}
require_port() {
  case "$2" in
    ''|*[!0-9]*) usage_error "$1 '$2' is not a port number (1..65535)" ;;
  esac
  if [ ${#2} -gt 5 ] || [ $((10#$2)) -lt 1 ] || [ $((10#$2)) -gt 65535 ]; then
    usage_error "$1 '$2' is not a port number (1..65535)"
  fi
}
check_deployment() {
  local check="$build_dir/tools/check/deltacnn-check" log
  [ -x "$check" ] || check="$(command -v deltacnn-check || true)"
  [ -n "$check" ] || return 0  # not built or installed: the element says it at start
  # Quiet when it loads (the element posts the same warnings again); its error line otherwise.
  if ! log="$("$check" --config "$CONFIG" --backend "$BACKEND" 2>&1 >/dev/null)"; then
    echo "$(basename "$0"): CONFIG '$CONFIG' does not load:" >&2
    echo "$log" >&2
    exit 2
  fi
}
# (Sourced without arguments, this file sees the script's own.)
pipeline_help "$@"
require_file CONFIG "$CONFIG"
