#!/usr/bin/env bash
# Build the project with AddressSanitizer + UndefinedBehaviorSanitizer in its own build
# directory (build-sanitize, CUDA off: device code cannot be sanitized) and run every test
# suite there. Any sanitizer report fails the test that produced it (halt_on_error,
# -fno-sanitize-recover=all). Re-running reuses the build directory.
#
#   scripts/sanitize.sh                 # build + all suites
#   scripts/sanitize.sh --suite gst     # extra arguments go to `meson test`
#
# Environment: DELTACNN_SANITIZE_BUILD_DIR (default build-sanitize), JOBS (default nproc),
# DELTACNN_SANITIZE_TIMEOUT_MULTIPLIER (default 6: instrumented code is 2-5x slower).
# Suppressions for reports in third-party libraries live in scripts/sanitizers/, one comment
# per entry saying which library and why it is not ours.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
build="${DELTACNN_SANITIZE_BUILD_DIR:-build-sanitize}"
jobs="${JOBS:-$(nproc)}"
supp="$repo/scripts/sanitizers"
start=$(date +%s)

# The models and the test video (scripts/test.sh does the same through setup.sh).
if [ ! -e models ] || [ ! -e data/vtest.avi ]; then
  "$repo/scripts/setup.sh"
fi

# ------------------------------------------------------------------ configure (once) and build
# -fno-sanitize-recover=all: UBSan aborts on the first report instead of printing and going on.
# b_lundef=false: sanitized shared objects (the plugin) leave the runtime's symbols to the
# executable, as -fsanitize requires. debugoptimized: -O2 -g and assertions on, so reports have
# line numbers and asserts also run.
san_flags='-fno-sanitize-recover=all -fno-omit-frame-pointer'
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" \
    -Dcuda=disabled \
    -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined \
    -Db_lundef=false \
    "-Dc_args=$san_flags" "-Dcpp_args=$san_flags" \
    "-Dc_link_args=-fno-sanitize-recover=all" "-Dcpp_link_args=-fno-sanitize-recover=all"
fi
build_start=$(date +%s)
nice -n 10 ninja -C "$build" -j "$jobs"
build_s=$(( $(date +%s) - build_start ))

# ------------------------------------------------------------------ sanitizer run-time options
# halt_on_error + exitcode: the first report ends the process with a failure meson sees.
# detect_leaks: LeakSanitizer at exit (suppressions: third-party leaks only).
# fast_unwind_on_malloc=0: the system libraries (GLib, OpenBLAS, ...) have no frame pointers, so
# the fast unwinder stops at their first frame and suppressions could not see who allocated.
# intercept_tls_get_addr=0: with GCC 12's LeakSanitizer and Debian 12's glibc, the leak check
# at exit of a process that ran a GStreamer pipeline dies with "Tracer caught signal 11" while
# reading a thread's dynamic TLS ("DTLS ... at 0x000200003516-0x002600004618", a bogus range:
# the runtime's __tls_get_addr bookkeeping does not match this glibc). Without the
# interception, dynamic TLS is not tracked and the check completes.
export ASAN_OPTIONS="detect_leaks=1:intercept_tls_get_addr=0:fast_unwind_on_malloc=0:halt_on_error=1:abort_on_error=0:exitcode=23:print_stacktrace=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:suppressions=$supp/asan.supp"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=24:suppressions=$supp/ubsan.supp"
export LSAN_OPTIONS="print_suppressions=0:suppressions=$supp/lsan.supp"
# GStreamer: scan plugins inside the (sanitized) test process instead of forking the
# unsanitized gst-plugin-scanner, which cannot dlopen our ASan-linked plugin ("ASan runtime
# does not come first in initial library list"). The tests set GST_REGISTRY to a file in the
# build dir, so the scan is cached per build directory.
export GST_REGISTRY_FORK=no
# Unsanitized programs the tests start that load our plugin (gst-inspect-1.0 in
# gst_overlay_json) need the ASan runtime preloaded; the wrapper does that for sanitized test
# binaries only (not for the Python test, whose interpreter LSan would flag).
wrapper="$supp/run-test.sh"

# ------------------------------------------------------------------ tests
test_start=$(date +%s)
rc=0
meson test -C "$build" --print-errorlogs --num-processes "${NUM_PROCESSES:-2}" \
  --timeout-multiplier "${DELTACNN_SANITIZE_TIMEOUT_MULTIPLIER:-6}" \
  --wrapper "$wrapper" --logbase sanitize --no-rebuild "$@" || rc=$?
test_s=$(( $(date +%s) - test_start ))

# ------------------------------------------------------------------ summary
# meson names the logs after --logbase and the wrapper.
log="$build/meson-logs/sanitize-run-test.sh.json"
summary="suites: ? passed, ? failed"
if [ -f "$log" ]; then
  summary=$(python3 - "$log" <<'PY'
import json, sys
res = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if line:
        t = json.loads(line)
        res[t["name"]] = t["result"]
ok = sum(1 for r in res.values() if r in ("OK", "EXPECTEDFAIL"))
skip = sum(1 for r in res.values() if r == "SKIP")
bad = sorted(n for n, r in res.items() if r not in ("OK", "EXPECTEDFAIL", "SKIP"))
print(f"suites: {ok} passed, {len(bad)} failed, {skip} skipped" + (f" ({', '.join(bad)})" if bad else ""))
PY
)
fi
reports=$(grep -cE "ERROR: (Address|Leak)Sanitizer|Sanitizer has encountered|runtime error:" "$build/meson-logs/sanitize-run-test.sh.txt" 2>/dev/null || true)
echo "[sanitize] $summary; sanitizer reports: ${reports:-0}; build ${build_s} s, tests ${test_s} s, total $(( $(date +%s) - start )) s"
exit "$rc"
