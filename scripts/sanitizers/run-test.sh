#!/usr/bin/env bash
# meson test --wrapper for scripts/sanitize.sh. Sanitized test binaries start unsanitized
# programs that dlopen our ASan-linked plugin (gst-inspect-1.0 in gst_overlay_json); those
# need the ASan runtime first in the library list, so it is preloaded here, and the children
# inherit it. The Python test (models_tfjs2onnx) runs the interpreter, which is not ours and
# not sanitized: it runs as is.
set -euo pipefail
case "$(basename "$1")" in
  python*) exec "$@" ;;
esac
asan="$(gcc -print-file-name=libasan.so)"
export LD_PRELOAD="$(readlink -f "$asan")${LD_PRELOAD:+ $LD_PRELOAD}"
exec "$@"
