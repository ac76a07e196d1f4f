#!/usr/bin/env bash
# The element test suites (tests/gst: gst_glue, gst_element; tests/mqtt: mqtt, which starts a
# real mosquitto broker) under valgrind memcheck, with the
# suppressions of GLib/GStreamer/OpenCV/OpenBLAS one-time allocations in tests/rtsp/valgrind.supp.
# Fails (exit 1) on any "definitely lost" block whose stack reaches deltacnn code, or on a
# failing test; prints the loss summary of each suite. Not part of meson test: under valgrind
# the suites run ~50x slower (the full gst_element suite takes hours on 2 cores: 10 of its 42 tests ran in about 75 minutes on a loaded 2-vCPU VM).
#   scripts/valgrind-element-tests.sh                       # both suites, every test
#   scripts/valgrind-element-tests.sh 'DeltaCnnErrorsTest.*' # a gtest filter for gst_element
#   SUITES=mqtt scripts/valgrind-element-tests.sh            # only deltacnnpublish
# Environment: DELTACNN_BUILD_DIR (build); SUITES (gst_glue gst_element mqtt); MQTT_FILTER
# (default: every mqtt test but the broker restart, whose real-time schedule valgrind's
# slowdown breaks).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${DELTACNN_BUILD_DIR:-build}"
filter="${1:-*}"
command -v valgrind >/dev/null || { echo "valgrind-element-tests.sh: valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }
suites="${SUITES:-gst_glue gst_element mqtt}"
mqtt_filter="${MQTT_FILTER:-*:-Mqtt.BrokerKilledAndRestartedMidStream}"
declare -A binary=([gst_glue]="$build/tests/gst/gst_glue_test"
                   [gst_element]="$build/tests/gst/gst_element_test"
                   [mqtt]="$build/tests/mqtt/mqtt_test")
for suite in $suites; do
  bin="${binary[$suite]:?unknown suite $suite (gst_glue, gst_element, mqtt)}"
  [ -x "$bin" ] || { echo "valgrind-element-tests.sh: $bin is missing: run ninja -C $build" >&2; exit 2; }
done

work="$(mktemp -d)"
echo "logs in $work"
export DELTACNN_SOURCE_ROOT="$repo" DELTACNN_BUILD_ROOT="$repo/$build"
export GST_PLUGIN_PATH="$repo/$build/gst/elements"
export GST_REGISTRY="$work/registry.bin"
# Scan the plugins once outside valgrind (the scanner is a child process it would not follow).
gst-inspect-1.0 deltacnn >/dev/null
# Plain malloc for GLib's slices, so valgrind sees every block; one OpenMP thread keeps the
# run affordable (the leak picture does not depend on the team size).
export G_SLICE=always-malloc G_DEBUG=gc-friendly OMP_NUM_THREADS=1

status=0
run() {  # name binary gtest-filter
  local log="$work/$1.valgrind.log"
  echo "== $1 (filter '$3')"
  if ! valgrind --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
      --num-callers=40 --suppressions="$repo/tests/rtsp/valgrind.supp" --log-file="$log" \
      "$2" --gtest_filter="$3" >"$work/$1.out" 2>&1; then
    echo "FAIL: $1 exited non-zero under valgrind:"; grep -E "FAILED|Failure" "$work/$1.out" | head -20
    status=1
  fi
  grep -E "^\[  (PASSED|FAILED)  \]" "$work/$1.out" | head -3 || true
  python3 "$repo/scripts/valgrind_definite_leaks.py" "$log" || status=1
}
SECONDS=0
for suite in $suites; do
  case "$suite" in
    gst_element) run gst_element "${binary[$suite]}" "$filter" ;;
    mqtt) run mqtt "${binary[$suite]}" "$mqtt_filter" ;;
    *) run "$suite" "${binary[$suite]}" '*' ;;
  esac
done
echo "valgrind-element-tests: $([ $status -eq 0 ] && echo OK || echo FAILED) in ${SECONDS} s"
exit $status
