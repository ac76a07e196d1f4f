#!/usr/bin/env bash
# meson test --wrapper for scripts/sanitize.sh. Sanitized test binaries start unsanitized
# programs that dlopen our ASan-linked plugin (gst-inspect-1.0 in gst_overlay_json); those
# need the ASan runtime first in the library list, so it is preloaded here, and the children
# inherit it. The Python test (models_tfjs2onnx) runs the interpreter, which is not ours and
# not sanitized: it runs as is.
set -euo pipefail
case "$(basename "$1")" in
  python*) exec "$@" ;;
  # The shell-script tests (pipeline_scripts_test.sh) run bash, python3 and gst-launch-1.0 with
  # the runtime preloaded: memory errors in our plugin under gst-launch are still caught, but
  # LeakSanitizer would report bash's and Python's own allocations kept until exit, which are
  # not ours. Our code's leaks are checked by the sanitized test binaries.
  bash|sh) export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" ;;
esac
asan="$(gcc -print-file-name=libasan.so)"
# libstdc++ right after it: in a C program (gst-launch-1.0) libstdc++ arrives later, by dlopen
# with a plugin, and ASan's __cxa_throw interceptor, resolved at start, then has no real
# function to call: the first C++ exception (libproxy's, in rtspsrc's proxy lookup) aborted
# with "CHECK failed: ... real___cxa_throw != 0" and the RTSP script test wrote no record.
stdcxx="$(gcc -print-file-name=libstdc++.so.6)"
export LD_PRELOAD="$(readlink -f "$asan") $(readlink -f "$stdcxx")${LD_PRELOAD:+ $LD_PRELOAD}"
exec "$@"
