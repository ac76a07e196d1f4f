# Sourced by the pipeline scripts: finds the repo, the plugin in build/, and the default config.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${DELTACNN_BUILD_DIR:-build}"
if [ -d "$repo/$build/gst" ]; then
  export GST_PLUGIN_PATH="$repo/$build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
fi
CONFIG="${CONFIG:-$repo/configs/movenet-multipose.yaml}"
BACKEND="${BACKEND:-auto}"
# RTSP cameras: TCP interleaving survives NAT and lossy Wi-Fi better than UDP; 200 ms jitter
# buffer; decodebin picks the camera's codec (H.264, H.265, MJPEG).
rtsp_source() {
  echo "rtspsrc location=$1 protocols=tcp latency=200 ! decodebin ! videoconvert"
}
