#!/usr/bin/env bash
# The README's test command: set up (if needed) and run the whole test suite.
# GPU suites skip with a message when no NVIDIA GPU is present.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/scripts/setup.sh"
build="${DELTACNN_BUILD_DIR:-build}"
rc=0
meson test -C "$build" --print-errorlogs --num-processes "$(nproc)" "$@" || rc=$?
# One closing line with GoogleTest case counts summed over every suite (meson itself counts
# test binaries only).
log="$build/meson-logs/testlog.txt"
if [ -f "$log" ]; then
  # grep finds nothing for a clean run; keep pipefail from treating that as an error.
  count() { { grep -hoE "^\[  $1 *\] [0-9]+ test" "$log" || true; } | awk '{s+=$(NF-1)} END {print s+0}'; }
  passed=$(count PASSED)
  failed=$(count FAILED)
  skipped=$(count SKIPPED)
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  echo "gtest: $passed passed, $failed failed, $skipped skipped"
fi
exit "$rc"
