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
  passed=$(grep -hoE '^\[  PASSED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
  failed=$(grep -hoE '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
  skipped=$(grep -hoE '^\[  SKIPPED \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
  [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
  echo "gtest: $passed passed, $failed failed, $skipped skipped"
fi
exit "$rc"
