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
  echo "rtspsrc location=$1 protocols=tcp latency=200 tcp-timeout=5000000 timeout=5000000 !" \
       "decodebin ! videoconvert !" \
       "queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream !" \
       "videorate drop-only=true"
}
