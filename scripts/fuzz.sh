#!/usr/bin/env bash
# Coverage-guided fuzzing of the engine's input surfaces with libFuzzer (issue 14):
#   yaml_config  - the YAML deployment loader (engine/config)
#   onnx_import  - the ONNX importer, shape inference and the graph passes (engine/ir)
#   preprocess   - frame pre-processing: pixel formats, sizes, strides (engine/pre)
# Configures build-fuzz with clang-14, AddressSanitizer + UndefinedBehaviorSanitizer
# (-fno-sanitize-recover=all) and -Dfuzzers=enabled, builds only the three harnesses, and runs
# each for a bounded time on a copy of its seed corpus (tests/fuzz/corpus/<target>/, never
# grown by a run) with its dictionary (tests/fuzz/<target>.dict). Prints per target: executions,
# exec/s, final corpus size and libFuzzer's coverage (cov: edges, ft: features).
#
#   scripts/fuzz.sh            # 60 s per target
#   scripts/fuzz.sh 600        # longer runs
#   scripts/fuzz.sh 60 preprocess onnx_import   # some targets only
#
# Exit status: non-zero when any target crashed, hung (-timeout), ran out of memory
# (-rss_limit_mb / -malloc_limit_mb), leaked, or tripped a sanitizer. Its input is copied to
# tests/fuzz/regressions/<target>/: fix the bug, check the file in, and the normal test suite
# replays it from then on (meson test --suite fuzz).
# Environment: DELTACNN_FUZZ_BUILD_DIR (default build-fuzz), JOBS (default nproc).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
seconds="${1:-60}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(yaml_config onnx_import preprocess)
build="${DELTACNN_FUZZ_BUILD_DIR:-build-fuzz}"
jobs="${JOBS:-$(nproc)}"
log() { printf '[fuzz] %s\n' "$*"; }
die() { printf '[fuzz] ERROR: %s\n' "$*" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -gt 0 ] || die "seconds per target: '$seconds'; expected a positive whole number"
for t in "${targets[@]}"; do
  [ -d "tests/fuzz/corpus/$t" ] || die "unknown target '$t'; expected yaml_config, onnx_import or preprocess"
done
command -v clang++-14 >/dev/null \
  || die "clang++-14 not found: run ./scripts/setup.sh (scripts/packages.txt lists clang-14 and libclang-rt-14-dev, which holds libFuzzer)"
start=$(date +%s)

# ------------------------------------------------------------------ configure (once) and build
# fuzzers=enabled adds -fsanitize=fuzzer-no-link to all code (libFuzzer sees the engine's
# coverage) and links the harnesses with -fsanitize=fuzzer. b_lundef=false: sanitized code
# leaves the runtime's symbols to the executable. No plugin and no tools: the harnesses link
# only the engine areas they fuzz.
san_flags='-fno-sanitize-recover=all -fno-omit-frame-pointer'
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 meson setup "$build" \
    -Dcuda=disabled -Dplugin=disabled -Dtools=false -Dfuzzers=enabled \
    -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false \
    "-Dc_args=$san_flags" "-Dcpp_args=$san_flags" \
    "-Dc_link_args=-fno-sanitize-recover=all" "-Dcpp_link_args=-fno-sanitize-recover=all" \
    >/dev/null || die "meson setup failed (see $build/meson-logs/meson-log.txt)"
fi
build_start=$(date +%s)
nice -n 10 ninja -C "$build" -j "$jobs" "${targets[@]/#/tests/fuzz/fuzz-}" || die "build failed"
build_s=$(( $(date +%s) - build_start ))

# ------------------------------------------------------------------ run-time options
# halt_on_error: the first report ends the run as a crash libFuzzer saves the input of.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:print_stacktrace=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer

# ------------------------------------------------------------------ fuzz each target
rc=0
summary=()
for t in "${targets[@]}"; do
  work="$build/fuzz-run/$t"
  rm -rf "$work"
  mkdir -p "$work/artifacts"
  cp -r "tests/fuzz/corpus/$t" "$work/corpus"  # a copy: the checked-in seeds stay small
  log "$t: ${seconds} s on $(ls "$work/corpus" | wc -l) seeds"
  t_start=$(date +%s)
  # -timeout: one input running 10 s is a hang. -rss_limit_mb/-malloc_limit_mb: an input that
  # makes the engine take gigabytes is a bug (corrupt sizes must be rejected, not allocated).
  # The regressions folder is read as a second corpus: fixed crashes stay covered.
  frc=0
  "$build/tests/fuzz/fuzz-$t" "$work/corpus" "tests/fuzz/regressions/$t" \
    -dict="tests/fuzz/$t.dict" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    -artifact_prefix="$work/artifacts/" >"$work/log.txt" 2>&1 || frc=$?
  t_s=$(( $(date +%s) - t_start ))
  final_stat() { sed -n "s/^stat::$1: *//p" "$work/log.txt" | tail -1; }
  # Coverage from the last status line (DONE, or the last before a crash).
  cov=$({ grep -oE 'cov: [0-9]+ ft: [0-9]+' "$work/log.txt" || true; } | tail -1)
  # What cov: is out of: the edges instrumented in the harness and the engine code it links.
  edges=$(sed -n 's/.*(\([0-9]*\) inline 8-bit counters).*/\1/p' "$work/log.txt" | head -1)
  line="$t: $(final_stat number_of_executed_units) execs, $(final_stat average_exec_per_sec) exec/s, ${t_s} s, corpus $(ls "$work/corpus" | wc -l) files, ${cov:-cov: ? ft: ?} (of ${edges:-?} edges), peak RSS $(final_stat peak_rss_mb) MB"
  if [ "$frc" -ne 0 ]; then
    rc=1
    mkdir -p "tests/fuzz/regressions/$t"
    found=$(ls "$work/artifacts")
    cp "$work/artifacts/"* "tests/fuzz/regressions/$t/" 2>/dev/null || true
    line="$line; FAILED (exit $frc): $(echo $found) copied to tests/fuzz/regressions/$t/, log $work/log.txt"
    grep -E -m1 -A12 'ERROR: |runtime error:|fuzz_[a-z_]+: |uncaught exception|terminate called' "$work/log.txt" >&2 || tail -30 "$work/log.txt" >&2
  fi
  log "$line"
  summary+=("$line")
done

log "build ${build_s} s, total $(( $(date +%s) - start )) s"
for line in "${summary[@]}"; do log "$line"; done
exit "$rc"
