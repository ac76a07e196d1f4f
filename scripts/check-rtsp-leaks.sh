#!/usr/bin/env bash
# Leak check of the RTSP client scenario: examples/nvr-reader reads a stand-in camera
# (tests/rtsp/rtsp-test-server) under valgrind; the camera is SIGKILLed mid-stream, the
# reader must end (bus ERROR or EOS), tear down and exit. Reports "definitely lost" blocks;
# exits 1 if any is attributable to deltacnn code (a stack frame in the plugin, the engine,
# the meta library or the example), 0 otherwise. Not part of meson test: takes minutes.
#   scripts/check-rtsp-leaks.sh            (DELTACNN_BUILD_DIR=build, CONFIG=movenet-lightning)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${DELTACNN_BUILD_DIR:-build}"
config="${CONFIG:-configs/movenet-lightning.yaml}"
reader="$repo/$build/examples/nvr-reader"
server_bin="$repo/$build/tests/rtsp/rtsp-test-server"
frames_before_kill="${FRAMES_BEFORE_KILL:-3}"
for f in "$reader" "$server_bin"; do
  [ -x "$f" ] || { echo "check-rtsp-leaks.sh: $f is missing: build $build first" >&2; exit 2; }
done
for f in "$config" data/vtest.avi; do
  [ -f "$f" ] || { echo "check-rtsp-leaks.sh: $f is missing: run ./scripts/setup.sh" >&2; exit 2; }
done
command -v valgrind >/dev/null || { echo "check-rtsp-leaks.sh: valgrind is not installed" >&2; exit 2; }

work="$(mktemp -d)"
echo "logs in $work"
server_pid=""
reader_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
  [ -n "$reader_pid" ] && kill -9 "$reader_pid" 2>/dev/null || true
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# 2 fps: under valgrind the reader runs ~50x slower; the leaky queue of nvr-reader drops what it
# cannot keep up with, and a slow camera keeps the decoder (in the same process) affordable.
"$server_bin" "$port" data/vtest.avi "${SERVER_FPS:-2}" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -qs READY "$work/server.log" && break; sleep 0.2; done
grep -qs READY "$work/server.log" || { echo "server did not start:"; cat "$work/server.log"; exit 2; }

export GST_PLUGIN_PATH="$repo/$build/gst/elements"
export GST_REGISTRY="$work/registry.bin"
# Plugin scanning in a child process would run outside valgrind anyway; make the registry
# before, so the valgrind run does not scan.
gst-inspect-1.0 deltacnn >/dev/null
export G_SLICE=always-malloc G_DEBUG=gc-friendly OMP_NUM_THREADS=1
valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
  --num-callers=40 --suppressions="$repo/tests/rtsp/valgrind.supp" \
  --log-file="$work/valgrind.log" \
  "$reader" "$config" "rtsp://127.0.0.1:$port/test" >"$work/reader.out" 2>"$work/reader.err" &
reader_pid=$!

# Kill the camera once the reader has processed a few frames (bounded: 15 minutes).
deadline=$((SECONDS + 900))
until grep -q "^frame $frames_before_kill objects" "$work/reader.out"; do
  if ! kill -0 "$reader_pid" 2>/dev/null; then echo "reader ended before the kill:"; cat "$work/reader.err"; break; fi
  [ $SECONDS -lt $deadline ] || { echo "reader too slow: no frame $frames_before_kill in 15 min"; exit 2; }
  sleep 1
done
echo "killing the camera (pid $server_pid) after $(grep -c '^frame .* objects' "$work/reader.out") frames"
kill -9 "$server_pid"; server_pid=""
killed_at=$SECONDS
# The reader must end on its own (bus ERROR or EOS); give valgrind 10 minutes for teardown.
for _ in $(seq 600); do kill -0 "$reader_pid" 2>/dev/null || break; sleep 1; done
if kill -0 "$reader_pid" 2>/dev/null; then echo "FAIL: the reader did not end within 10 min of the kill"; exit 1; fi
reader_rc=0; wait "$reader_pid" || reader_rc=$?
reader_pid=""
echo "reader exited with $reader_rc $((SECONDS - killed_at)) s after the kill; its stderr:"
sed 's/^/  /' "$work/reader.err" | head -5

python3 "$repo/scripts/valgrind_definite_leaks.py" "$work/valgrind.log"
