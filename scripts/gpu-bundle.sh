#!/usr/bin/env bash
# Packs what a GPU machine needs to run the CUDA tests and the benchmark into gpu-bundle/
# (gitignored), from a CUDA-enabled build:
#
#   PATH=/usr/local/cuda/bin:$PATH meson setup build -Dcuda=enabled && ninja -C build
#   scripts/gpu-bundle.sh [BUILD_DIR (default: build)] [--no-bench] [--no-models] [--video FILE]
#
# Carrying it to a GPU machine and running it is then one command, e.g.
#   rsync -a gpu-bundle/ gpu-host:gpu-bundle/ && ssh gpu-host gpu-bundle/run.sh
# or, with this workplace's device tool, name `gpu-bundle` in `carry` and run `gpu-bundle/run.sh`
# (the bundle stays under 60 MiB so it fits that tool's 64 MiB working-tree limit).
#
# What goes in:
#   payload.tar.xz  bin/: the GPU test binaries (tests/cuda/test_cuda_*), deltacnn-cuda-bench
#            (CUDA streams benchmark and agreement, no OpenCV codecs) and, when built and not
#            --no-bench, deltacnn-bench; lib/: every shared library they load (ldd) except the
#            C/C++ runtime and the CUDA driver, runtime, cuBLAS and cuDNN, which the GPU machine
#            has in its own matching versions; under their sonames, debug sections stripped,
#            xz-compressed (binaries 15 MiB -> 2 MiB; OpenBLAS 36 -> 4 MiB). run.sh unpacks it
#            into a temporary directory (the bundle may be read-only there)
#   configs/ the YAML deployment files; models/ the ONNX models as .onnx.xz (MultiPose 19 ->
#            about 8 MiB) while they fit the size budget, the goal models (MultiPose, CenterNet)
#            first
#   data/    with --video FILE, that video: the benchmarks and the agreement run on its frames
#            instead of synthetic ones (all of vtest.avi, 8 MB, fits beside every model)
#   run.sh   sets LD_LIBRARY_PATH (bundle libs + wherever the machine keeps CUDA/cuDNN), prints
#            the device (nvidia-smi), runs the GPU tests, then the benchmarks; exit status 1 if
#            any of them failed
set -euo pipefail

readonly LIMIT_BYTES=$((60 * 1024 * 1024))
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=""
with_bench=1
with_models=1
video=""
expect_video=0
for arg in "$@"; do
  if ((expect_video)); then video="$arg"; expect_video=0; continue; fi
  case "$arg" in
    --video) expect_video=1 ;;
    --no-bench) with_bench=0 ;;
    --no-models) with_models=0 ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    -*) echo "gpu-bundle: unknown option '$arg' (expected --no-bench, --no-models, --video FILE)" >&2; exit 2 ;;
    *) build="$arg" ;;
  esac
done
((expect_video == 0)) || { echo "gpu-bundle: --video needs a file" >&2; exit 2; }
[[ -z "$video" || -f "$video" ]] || { echo "gpu-bundle: --video $video: no such file" >&2; exit 2; }
build=${build:-build}
[[ "$build" = /* ]] || build="$root/$build"
out="$root/gpu-bundle"

die() { echo "gpu-bundle: $*" >&2; exit 1; }

[[ -d "$build" ]] || die "build directory $build does not exist (configure with -Dcuda=enabled first)"
grep -q "DELTACNN_WITH_CUDA=1" "$build/compile_commands.json" 2>/dev/null ||
  die "$build is not a CUDA-enabled build (meson setup ... -Dcuda=enabled)"
shopt -s nullglob
tests=("$build"/tests/cuda/test_cuda_*)
shopt -u nullglob
binaries=()
for t in "${tests[@]}"; do [[ -f "$t" && -x "$t" ]] && binaries+=("$t"); done
((${#binaries[@]} > 0)) || die "no GPU test binaries in $build/tests/cuda (run: ninja -C $build)"
bench="$build/tools/bench/deltacnn-bench"
if ((with_bench)) && [[ -x "$bench" ]]; then binaries+=("$bench"); else bench=""; fi
cuda_bench="$build/tools/bench/deltacnn-cuda-bench"
[[ -x "$cuda_bench" ]] && binaries+=("$cuda_bench")

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/configs" "$out/models" "$out/data"
[[ -z "$video" ]] || cp "$video" "$out/data/"
cp "${binaries[@]}" "$out/bin/"
strip --strip-debug "$out"/bin/* 2>/dev/null || true
# The CUDA backend module: programs that use the engine library open it at run time
# (engine/exec/cuda_backend.h); run.sh points DELTACNN_CUDA_MODULE at it.
cuda_module="$build/engine/api/libdeltacnn-cuda.so"
[[ -f "$cuda_module" ]] || die "$cuda_module is missing (run: ninja -C $build)"
cp "$cuda_module" "$out/lib/"

# Libraries the GPU machine provides itself: the C/C++ runtime (its own glibc/libstdc++ are at
# least as new as Debian 12's) and the NVIDIA driver/CUDA/cuDNN stack, which must match its
# driver and is far too large to carry.
is_provided() {
  case "$1" in
    linux-vdso.so*|ld-linux*|libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|libutil.so*|\
    libresolv.so*|libstdc++.so*|libgcc_s.so*) return 0 ;;
    libcuda.so*|libnvidia-*|libcudart.so*|libcublas.so*|libcublasLt.so*|libcudnn*|libnvrtc*|\
    libnvJitLink*|libcufft*|libcurand*|libcusparse*|libcusolver*|libnvToolsExt*) return 0 ;;
  esac
  return 1
}

missing=()
while read -r soname path; do
  is_provided "$soname" && continue
  if [[ "$path" == "not" || ! -f "$path" ]]; then missing+=("$soname"); continue; fi
  [[ -e "$out/lib/$soname" ]] && continue
  cp -L "$path" "$out/lib/$soname"
  chmod u+w "$out/lib/$soname"
  strip --strip-debug "$out/lib/$soname" 2>/dev/null || true
done < <(for b in "${binaries[@]}" "$cuda_module"; do ldd "$b"; done |
         awk '$2 == "=>" { print $1, $3 }' | sort -u)
((${#missing[@]} == 0)) || die "ldd cannot resolve ${missing[*]} on this machine"
# Packed before the models are counted, so the size budget sees the packed size.
XZ_OPT=-9 tar -cJf "$out/payload.tar.xz" -C "$out" bin lib
rm -rf "$out/lib" "$out/bin"

cp "$root"/configs/*.yaml "$out/configs/" 2>/dev/null || true
[[ -d "$root/configs/labels" ]] && cp -r "$root/configs/labels" "$out/configs/"

bytes_of() { du -sb "$1" | cut -f1; }

# Models (xz-compressed) while they fit: the goal models first, then the rest smallest first;
# the *.opencv.onnx copies only serve the OpenCV reference on the CPU and are left out.
skipped_models=()
if ((with_models)); then
  while read -r size model; do
    packed="$out/models/$(basename "$model").xz"
    xz -9 -T0 -c "$model" > "$packed"
    if (($(bytes_of "$out") > LIMIT_BYTES)); then
      rm -f "$packed"
      skipped_models+=("$(basename "$model") ($((size / 1024 / 1024)) MiB)")
    fi
  done < <(find "$root/models" -maxdepth 1 -name '*.onnx' ! -name '*.opencv.onnx' -printf '%s %p\n' \
             2>/dev/null | sort -n |
             awk '{ goal = ($2 ~ /multipose\.onnx$/) ? 0 : ($2 ~ /centernet\.onnx$/) ? 1 : 2; print goal, $0 }' |
             sort -s -n -k1,1 | cut -d' ' -f2-)
fi

cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs the bundled GPU tests, then the benchmarks, on this machine's GPU. Exit status 1 when
# any of them failed. BENCH_FRAMES (default 60) sets the benchmark length. Lent GPU time is
# short: the benchmarks run the issue's goal models first (MultiPose, CenterNet), and none starts
# once RUN_BUDGET_S seconds (default 480) have passed since run.sh began; each one skipped says so.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"

# The bundle's binaries, libraries and models, packed by gpu-bundle.sh, are unpacked outside the
# bundle, which may be read-only, next to a copy of the configs (which name ../models/X.onnx);
# everything below runs there.
unpacked=$(mktemp -d)
trap 'rm -rf "$unpacked"' EXIT
tar -xJf "$here/payload.tar.xz" -C "$unpacked" || { echo "run.sh: cannot unpack payload.tar.xz (xz missing?)" >&2; exit 1; }
mkdir -p "$unpacked/models"
for m in "$here"/models/*.onnx.xz; do
  [[ -e "$m" ]] || continue
  xz -dc "$m" > "$unpacked/models/$(basename "${m%.xz}")" || { echo "run.sh: cannot unpack $m" >&2; exit 1; }
done
cp -r "$here/configs" "$unpacked/"
video=""
for v in "$here"/data/*; do [[ -f "$v" ]] && video=$v && break; done
cd "$unpacked"
# CUDA runtime, cuBLAS and cuDNN come from this machine: the toolkit, the system, or the
# NVIDIA wheels of a Python environment.
lib_dirs="$unpacked/lib"
for want in libcudart.so.13 libcublas.so.13 libcudnn.so.9; do
  dir=""
  for d in /usr/local/cuda/lib64 /usr/local/cuda/targets/x86_64-linux/lib /usr/lib/x86_64-linux-gnu \
           /usr/local/nvidia/lib64; do
    [[ -e "$d/$want" ]] && { dir=$d; break; }
  done
  [[ -n "$dir" ]] || dir=$(find / -xdev \( -path /proc -o -path /sys \) -prune -o -name "$want" -print 2>/dev/null |
                           head -n1 | xargs -r dirname)
  if [[ -n "$dir" ]]; then lib_dirs="$lib_dirs:$dir"; else echo "run.sh: $want not found on this machine" >&2; fi
done
export LD_LIBRARY_PATH="$lib_dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export DELTACNN_CUDA_MODULE="$unpacked/lib/libdeltacnn-cuda.so"
export DELTACNN_SOURCE_ROOT="$unpacked" DELTACNN_BUILD_ROOT="$unpacked"

echo "== device"
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv ||
  echo "nvidia-smi failed or is missing"
unresolved=$(ldd bin/* 2>/dev/null | grep "not found" | sort -u)
[[ -z "$unresolved" ]] || echo "run.sh: unresolved libraries:"$'\n'"$unresolved" >&2

status=0
failed=()
budget=${RUN_BUDGET_S:-480}
# Frames of the bundled video the agreement runs over (default 795: all of vtest; 0: none).
agreement_frames=${AGREEMENT_FRAMES:-795}
over_budget() {
  if ((SECONDS > budget)); then echo "== skipped $1: past RUN_BUDGET_S=$budget s"; return 0; fi
  return 1
}
# Goal models first, then the rest; BENCH_CONFIGS (space-separated paths) narrows the list.
configs=()
for c in configs/movenet-multipose.yaml configs/centernet.yaml ${BENCH_CONFIGS:-configs/*.yaml}; do
  [[ -z "${BENCH_CONFIGS:-}" || " $BENCH_CONFIGS " == *" $c "* ]] || continue
  [[ -e "$c" ]] || continue
  [[ " ${configs[*]-} " == *" $c "* ]] || configs+=("$c")
done
for t in bin/test_cuda_*; do
  echo "== $t (at ${SECONDS} s)"
  # A kernel that never ran before may hang the GPU: no test binary gets more than
  # TEST_TIMEOUT_S (default 120) seconds.
  timeout "${TEST_TIMEOUT_S:-120}" "./$t" --gtest_brief=1 || { rc=$?; status=1; failed+=("$t (rc $rc)"); }
done

# The config's model file (model.onnx is relative to the config: configs/../models/x.onnx in the
# bundle); says "$2 $config: skipped" and fails when it is not in the bundle.
bundled_model_of() {
  local config=$1 onnx
  onnx=$(sed -n 's/^[[:space:]]*onnx:[[:space:]]*"\{0,1\}\([^"#[:space:]]*\).*/\1/p' "$config" | head -n1)
  if [[ -n "$onnx" && "$onnx" != /* ]]; then onnx="$(dirname "$config")/$onnx"; fi
  if [[ -n "$onnx" && ! -e "$onnx" ]]; then
    echo "== $2 $config: skipped, its model $onnx is not in the bundle"
    return 1
  fi
}

# deltacnn-bench (only in a bundle made without --no-bench): on the bundled video when there is
# one (data/), else synthetic frames. BENCH_BACKENDS (default "cuda") adds the CPU backend.
video_args=(--synthetic)
[[ -z "$video" ]] || video_args=(--video "$video")
if [[ -x bin/deltacnn-bench ]]; then
  for config in "${configs[@]}"; do
    bundled_model_of "$config" bench || continue
    for backend in ${BENCH_BACKENDS:-cuda}; do
      over_budget "bench $config --backend $backend" && continue
      echo "== bench $config --backend $backend ${video_args[*]}"
      timeout "${BENCH_TIMEOUT_S:-300}" bin/deltacnn-bench --config "$config" "${video_args[@]}" --frames "${BENCH_FRAMES:-60}" \
        --backend "$backend" --json || { status=1; failed+=("bench $config $backend"); }
    done
  done
fi

# The bundled video as raw RGB at a config's input size (resized as `resize: stretch` does), for
# deltacnn-cuda-bench --raw-frames; decoded by this machine's own OpenCV (python3 cv2), so the
# bundle carries no codecs. Prints the file's path, or nothing where it cannot be made.
raw_frames_for() {
  local config=$1 w h order out
  [[ -n "$video" ]] || return 0
  w=$(sed -n 's/^[[:space:]]*width:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$config" | head -n1)
  h=$(sed -n 's/^[[:space:]]*height:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$config" | head -n1)
  order=$(sed -n 's/^[[:space:]]*color:[[:space:]]*\([a-z]*\).*/\1/p' "$config" | head -n1)
  [[ -n "$w" && -n "$h" ]] || return 0
  out="$unpacked/frames-${w}x${h}-${order:-rgb}.raw"
  local count=${BENCH_FRAMES:-60}
  ((agreement_frames > count)) && count=$agreement_frames
  if [[ ! -s "$out" ]]; then
    python3 - "$video" "$w" "$h" "${order:-rgb}" "$count" "$out" <<'PY' >&2 || { rm -f "$out"; return 0; }
import sys, cv2
video, w, h, order, count, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6]
cap = cv2.VideoCapture(video)
n = 0
with open(out, "wb") as f:
    while n < count:
        ok, frame = cap.read()
        if not ok:
            break
        if frame.shape[1] != w or frame.shape[0] != h:
            frame = cv2.resize(frame, (w, h), interpolation=cv2.INTER_LINEAR)
        if order == "rgb":
            frame = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
        f.write(frame.tobytes())
        n += 1
print(f"run.sh: decoded {n} frames of {video} at {w}x{h} {order} into {out}")
PY
  fi
  [[ -s "$out" ]] && echo "$out"
  return 0
}

# CUDA streams benchmark (cuDNN dense vs our dense vs our delta at 1, 8, 32 streams, threaded and
# stepped together, after the decoded results' agreement of delta with dense) on every config
# whose model is in the bundle, fp32 and fp16 storage; on the
# bundled video where this machine's python3 has OpenCV to decode it, else synthetic frames.
if [[ -x bin/deltacnn-cuda-bench ]]; then
  for config in "${configs[@]}"; do
    bundled_model_of "$config" "cuda bench" || continue
    # BENCH_PRECISIONS="fp32" halves the time when device time is short.
    for precision in ${BENCH_PRECISIONS:-fp32 fp16}; do
      over_budget "cuda bench $config --precision $precision" && continue
      raw=$(raw_frames_for "$config")
      frame_args=()
      # With real frames, deltacnn-eval's agreement first.
      [[ -z "$raw" ]] || frame_args=(--raw-frames "$raw")
      [[ -z "$raw" || "$agreement_frames" == 0 ]] || frame_args+=(--agreement-frames "$agreement_frames")
      echo "== cuda bench $config --precision $precision ${frame_args[*]-} (at ${SECONDS} s)"
      timeout "${BENCH_TIMEOUT_S:-300}" bin/deltacnn-cuda-bench --config "$config" --frames "${BENCH_FRAMES:-60}" \
        --precision "$precision" --layers --json "${frame_args[@]}" ||
        { status=1; failed+=("cuda bench $config $precision"); }
    done
  done
fi

if ((status)); then echo "FAILED: ${failed[*]}"; else echo "all passed"; fi
exit $status
RUN
chmod +x "$out/run.sh"

total=$(bytes_of "$out")
echo "gpu-bundle: $out: ${#binaries[@]} binaries, $(tar -tJf "$out/payload.tar.xz" | grep -c '\.so') libraries," \
     "$(ls "$out/models" | wc -l) models, $((total / 1024)) KiB"
for m in "${skipped_models[@]}"; do echo "gpu-bundle: left out $m: over the 60 MiB budget"; done
if ((total > LIMIT_BYTES)); then
  echo "gpu-bundle: bundle is $((total / 1024 / 1024)) MiB ($total bytes), over the 60 MiB limit;" \
       "largest files:" >&2
  find "$out" -type f -printf '%s %P\n' | sort -rn | head -n 10 |
    awk '{ printf "  %8.1f MiB  %s\n", $1 / 1048576, $2 }' >&2
  echo "gpu-bundle: try --no-bench (the benchmark pulls in OpenCV and its codecs) or --no-models" >&2
  exit 1
fi
