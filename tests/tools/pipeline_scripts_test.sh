#!/usr/bin/env bash
# The pipeline scripts (pipelines/*.sh) as a user runs them: --help prints the usage, a mistyped
# input or CONFIG is one line and exit 2 before any output exists (an existing output file is
# left as it was), locations with spaces reach the pipeline as one word (file-to-mp4.sh and
# four-cameras.sh on a 5-frame clip named "clip 5.avi", MoveNet Lightning), and rtsp-json.sh
# reconnects to a camera that froze and came back. Also what must never happen: an OUTPUT that
# is the input or an earlier recording truncated, a reconnecting script retrying an output or
# setting that can never work; and the scripts/ helpers run offline in scratch trees or with
# stand-ins (measure-element-memory.sh, soak.sh, demo.sh's checks before its set-up,
# fetch-models.sh and fetch-data.sh healing a truncated file, plot-bench.sh).
set -uo pipefail
src="${DELTACNN_SOURCE_ROOT:?}"
build="${DELTACNN_BUILD_ROOT:?}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DELTACNN_BUILD_DIR="$(realpath --relative-to="$src" "$build")"
export CONFIG="$src/configs/movenet-lightning.yaml" BACKEND=cpu
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for script in file-to-mp4 four-cameras rtsp-json rtsp-display rtsp-reencode rtsp-mqtt; do
  out="$("$src/pipelines/$script.sh" --help 2>&1)"; rc=$?
  [ $rc -eq 0 ] || fail "$script.sh --help exited $rc"
  grep -q "pipelines/$script.sh" <<<"$out" || fail "$script.sh --help does not show its usage: $out"
done

echo precious > "$work/keep.mp4"
err="$("$src/pipelines/file-to-mp4.sh" "$work/typo.avi" "$work/keep.mp4" 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "file-to-mp4.sh with a missing input exited $rc, expected 2"
[ "$err" = "file-to-mp4.sh: INPUT_VIDEO '$work/typo.avi' is not a readable file" ] || fail "message: $err"
[ "$(cat "$work/keep.mp4")" = precious ] || fail "the existing output was changed"
# OUTPUT that is the input (also through the default out/annotated.mp4 when re-annotating an
# earlier result): refused before filesink truncates it; extra arguments are refused too.
echo precious > "$work/in.mp4"
err="$(timeout 60 "$src/pipelines/file-to-mp4.sh" "$work/in.mp4" "$work/./in.mp4" 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "file-to-mp4.sh with OUTPUT = INPUT exited $rc, expected 2"
grep -q "is the input file" <<<"$err" || fail "file-to-mp4.sh with OUTPUT = INPUT: $err"
mkdir -p "$work/re/out" && echo precious > "$work/re/out/annotated.mp4"
err="$(cd "$work/re" && timeout 60 "$src/pipelines/file-to-mp4.sh" out/annotated.mp4 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "file-to-mp4.sh re-annotating out/annotated.mp4 exited $rc, expected 2"
[ "$(cat "$work/in.mp4")$(cat "$work/re/out/annotated.mp4")" = preciousprecious ] ||
  fail "file-to-mp4.sh truncated its input"
err="$(timeout 60 "$src/pipelines/file-to-mp4.sh" "$work/in.mp4" "$work/x.mp4" extra 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "file-to-mp4.sh with an extra argument exited $rc, expected 2"
grep -q "usage: " <<<"$err" || fail "file-to-mp4.sh with an extra argument: $err"
[ ! -e "$work/x.mp4" ] || fail "file-to-mp4.sh with an extra argument created its output"
# A CONFIG that exists but does not load (a misspelt key): refused before the output is touched.
sed 's/^delta:$/delta:\n  input_treshold: 3/' "$src/configs/movenet-lightning.yaml" > "$work/typo.yaml"
sed -i "s|onnx: *\.\./models/|onnx: $src/models/|" "$work/typo.yaml"
grep -q input_treshold "$work/typo.yaml" || fail "could not write the misspelt YAML"
for script in file-to-mp4 rtsp-reencode; do
  if [ $script = file-to-mp4 ]; then input="$src/data/vtest.avi"; else input=rtsp://127.0.0.1:9/x; fi
  err="$(CONFIG="$work/typo.yaml" "$src/pipelines/$script.sh" "$input" "$work/keep.mp4" 2>&1)"; rc=$?
  [ $rc -eq 2 ] || fail "$script.sh with a CONFIG that does not load exited $rc, expected 2"
  grep -q "input_treshold: unknown key" <<<"$err" || fail "$script.sh does not name the key: $err"
  [ "$(cat "$work/keep.mp4")" = precious ] || fail "$script.sh truncated the existing output"
done
# rtsp-reencode.sh: an earlier recording is refused (filesink would truncate it before the
# camera answers; this one cannot be reached), unless OVERWRITE=1.
err="$(timeout 60 "$src/pipelines/rtsp-reencode.sh" rtsp://127.0.0.1:9/x "$work/keep.mp4" 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "rtsp-reencode.sh with an existing OUTPUT exited $rc, expected 2"
grep -q "OVERWRITE=1" <<<"$err" || fail "rtsp-reencode.sh with an existing OUTPUT: $err"
[ "$(cat "$work/keep.mp4")" = precious ] || fail "rtsp-reencode.sh truncated an existing recording"
# Outputs and settings the reconnecting scripts could never open: refused at start (exit 2,
# naming the value) instead of "reconnecting" for ever (timeout: the old behaviour's loop).
check_refused() {  # expected text, then the command
  local want="$1" err rc; shift
  err="$(RECONNECT_DELAY_S=1 timeout 20 "$@" 2>&1)"; rc=$?
  [ $rc -eq 2 ] || fail "$(basename "$1") ${*:2}: exited $rc, expected 2: $(tail -1 <<<"$err")"
  grep -qF -- "$want" <<<"$err" || fail "$(basename "$1") ${*:2}: the message does not name $want: $err"
}
check_refused "'/proc/none/cam.jsonl'" "$src/pipelines/rtsp-json.sh" rtsp://127.0.0.1:9/x /proc/none/cam.jsonl
check_refused "'$work'" "$src/pipelines/rtsp-json.sh" rtsp://127.0.0.1:9/x "$work"
check_refused "'18x3'" "$src/pipelines/rtsp-mqtt.sh" rtsp://127.0.0.1:9/x cam1 localhost 18x3
check_refused "'/proc/none/ev.jsonl'" "$src/pipelines/rtsp-mqtt.sh" rtsp://127.0.0.1:9/x cam1 localhost 1883 /proc/none/ev.jsonl
MQTT_CAFILE="$work/none.pem" check_refused "'$work/none.pem'" "$src/pipelines/rtsp-mqtt.sh" rtsp://127.0.0.1:9/x cam1
# An extra argument (a misplaced option, a path with an unquoted space): the usage and exit 2.
for script in file-to-mp4 rtsp-display rtsp-reencode rtsp-json rtsp-mqtt four-cameras; do
  err="$("$src/pipelines/$script.sh" a b c d e f 2>&1)"; rc=$?
  [ $rc -eq 2 ] || fail "$script.sh with six arguments exited $rc, expected 2"
  grep -q "usage: .*$script.sh" <<<"$err" || fail "$script.sh with six arguments: $err"
done
# A missing argument: the usage and exit 2, as every other usage error.
for script in file-to-mp4 rtsp-display rtsp-reencode rtsp-json rtsp-mqtt four-cameras; do
  err="$("$src/pipelines/$script.sh" 2>&1)"; rc=$?
  [ $rc -eq 2 ] || fail "$script.sh without arguments exited $rc, expected 2"
  grep -q "usage: .*$script.sh" <<<"$err" || fail "$script.sh without arguments: $err"
done
err="$(CONFIG="$work/none.yaml" "$src/pipelines/four-cameras.sh" a b c d "$work/fc" 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "four-cameras.sh with a missing CONFIG exited $rc, expected 2"
[ "$err" = "four-cameras.sh: CONFIG '$work/none.yaml' is not a readable file" ] || fail "message: $err"
[ ! -e "$work/fc" ] || fail "four-cameras.sh created its output directory before failing"

# scripts/measure-element-memory.sh: the usage for a missing argument; a pipeline that fails
# (a CONFIG that does not load, here at a path with a space, which must reach deltacnn as one
# word) prints gst's error and no figure; a good CONFIG at such a path is measured.
err="$("$src/scripts/measure-element-memory.sh" 2>&1)"; rc=$?
[ $rc -eq 2 ] || fail "measure-element-memory.sh without arguments exited $rc, expected 2"
grep -q "^usage: measure-element-memory.sh CONFIG" <<<"$err" || fail "measure-element-memory.sh without arguments: $err"
cp "$work/typo.yaml" "$work/my typo.yaml"
out="$(timeout 120 "$src/scripts/measure-element-memory.sh" "$work/my typo.yaml" 2>"$work/mem.err")"; rc=$?
[ $rc -ne 0 ] || fail "measure-element-memory.sh with a CONFIG that does not load exited 0"
[ -z "$out" ] || fail "measure-element-memory.sh printed a figure for a failed pipeline: $out"
grep -qF "config-file-path='$work/my typo.yaml'" "$work/mem.err" ||
  fail "measure-element-memory.sh does not show deltacnn's error: $(tail -3 "$work/mem.err")"
sed "s|onnx: *\.\./models/|onnx: $src/models/|" "$src/configs/movenet-lightning.yaml" > "$work/my config.yaml"
out="$(timeout 120 "$src/scripts/measure-element-memory.sh" "$work/my config.yaml" 2>&1)"; rc=$?
[ $rc -eq 0 ] && grep -qE "^one-delta: [0-9]+ MB$" <<<"$out" ||
  fail "measure-element-memory.sh on '$work/my config.yaml' (exit $rc): $out"

# scripts/fetch-models.sh in a scratch tree (its own models/, a cache whose sources link to the
# real cache's): a second run converts nothing and needs no npm; a truncated model, or a size
# changed in the script's MODELS, is converted again (and only that one).
cache_src="${DELTACNN_CACHE:-$HOME/.cache/deltacnn}/human-models-3.0.4"
if [ -f "$cache_src/posenet.json" ]; then
  fm="$work/fm"
  mkdir -p "$fm/tree/scripts" "$fm/tree/tools" "$fm/cache/human-models-3.0.4" "$fm/bin"
  cp "$src/scripts/fetch-models.sh" "$fm/tree/scripts/"
  # (the two small models only: a few seconds of conversion instead of ten)
  sed -i '/^  "movenet-multipose /d; /^  "centernet /d' "$fm/tree/scripts/fetch-models.sh"
  cp "$src/tools/tfjs2onnx.py" "$src/tools/tfjs_model.py" "$fm/tree/tools/"
  ln -s "$cache_src"/* "$fm/cache/human-models-3.0.4/"
  for tool in bash dirname sha256sum cut tr tar gzip mkdir mv rm cat; do
    ln -s "$(command -v $tool)" "$fm/bin/$tool"
  done
  timeout_bin="$(command -v timeout)"  # (the run without npm has a PATH of these tools only)
  fetch_models() { DELTACNN_CACHE="$fm/cache" "$timeout_bin" 300 "$fm/tree/scripts/fetch-models.sh" > "$fm/log" 2>&1; }
  converted() { grep -c ": converted" "$fm/log"; }
  fetch_models || fail "fetch-models.sh in a scratch tree: $(tail -3 "$fm/log")"
  [ "$(converted)" -eq 2 ] || fail "fetch-models.sh converted $(converted) of 2 models: $(cat "$fm/log")"
  cp "$fm/tree/models/posenet.onnx" "$fm/posenet.onnx"
  (PATH="$fm/bin" fetch_models) || fail "fetch-models.sh, all up to date, without npm: $(tail -3 "$fm/log")"
  [ "$(grep -c "up to date" "$fm/log")" -eq 2 ] || fail "fetch-models.sh second run: $(cat "$fm/log")"
  truncate -s 1000 "$fm/tree/models/posenet.onnx"
  fetch_models || fail "fetch-models.sh after a truncated model: $(tail -3 "$fm/log")"
  [ "$(converted)" -eq 1 ] && grep -q "posenet 385x385: converted" "$fm/log" ||
    fail "fetch-models.sh did not heal a truncated posenet.onnx: $(cat "$fm/log")"
  cmp -s "$fm/posenet.onnx" "$fm/tree/models/posenet.onnx" || fail "posenet.onnx converted again differs"
  sed -i 's/"posenet 385 385"/"posenet 353 353"/' "$fm/tree/scripts/fetch-models.sh"
  fetch_models || fail "fetch-models.sh after a size change: $(tail -3 "$fm/log")"
  [ "$(converted)" -eq 1 ] && grep -q "posenet 353x353: converted" "$fm/log" ||
    fail "fetch-models.sh did not convert again for a changed size: $(cat "$fm/log")"
else
  echo "skipped the fetch-models.sh checks: $cache_src has no sources (run ./scripts/setup.sh)"
fi

# scripts/fetch-data.sh with a truncated .deb in its cache (a download cut short): deleted and
# downloaded once more (a stand-in apt-get links the real cache's .deb), not "cannot extract"
# on every run; a second run is up to date and downloads nothing.
real_deb="$(ls "${DELTACNN_CACHE:-$HOME/.cache/deltacnn}"/opencv-doc_*.deb 2>/dev/null | head -n1)"
if [ -n "$real_deb" ]; then
  fd="$work/fd"
  mkdir -p "$fd/tree/scripts" "$fd/cache" "$fd/bin"
  cp "$src/scripts/fetch-data.sh" "$fd/tree/scripts/"
  head -c 100000 "$real_deb" > "$fd/cache/$(basename "$real_deb")"
  printf '#!/bin/sh\necho "apt-get $*" >> "%s"\nln -s "%s" .\n' "$fd/apt.log" "$real_deb" > "$fd/bin/apt-get"
  chmod +x "$fd/bin/apt-get"
  fetch_data() { PATH="$fd/bin:$PATH" DELTACNN_CACHE="$fd/cache" timeout 120 "$fd/tree/scripts/fetch-data.sh" > "$fd/log" 2>&1; }
  fetch_data || fail "fetch-data.sh with a truncated .deb in the cache: $(cat "$fd/log")"
  [ "$(cat "$fd/apt.log" 2>/dev/null)" = "apt-get download opencv-doc" ] ||
    fail "fetch-data.sh did not download the truncated .deb once more: $(cat "$fd/apt.log" 2>/dev/null)"
  grep -q "unusable.*deleting it" "$fd/log" || fail "fetch-data.sh does not say it replaced the .deb: $(cat "$fd/log")"
  cmp -s "$fd/tree/data/vtest.avi" "$src/data/vtest.avi" || fail "fetch-data.sh extracted no good vtest.avi"
  fetch_data && grep -q "up to date" "$fd/log" && [ "$(wc -l < "$fd/apt.log")" -eq 1 ] ||
    fail "fetch-data.sh second run: $(cat "$fd/log")"
else
  echo "skipped the fetch-data.sh check: no opencv-doc .deb in the cache (run ./scripts/setup.sh)"
fi

# scripts/plot-bench.sh: --help and a usage error install nothing (a stand-in apt-get would
# say so) and the usage error goes to stderr; plot_bench.py skips the incomplete last row an
# interrupted bench leaves, with a warning naming file and line (a stand-in matplotlib: the
# check is of the CSV handling, and Debian's python3-matplotlib may not be installed).
pb="$work/pb"
mkdir -p "$pb/bin" "$pb/py/matplotlib"
printf '#!/bin/sh\necho "apt-get $*" >> "%s"\nexit 1\n' "$pb/apt.log" > "$pb/bin/apt-get"
chmod +x "$pb/bin/apt-get"
out="$(PATH="$pb/bin:$PATH" "$src/scripts/plot-bench.sh" --help 2>&1)"; rc=$?
[ $rc -eq 0 ] && grep -q "^Usage: plot_bench.py" <<<"$out" || fail "plot-bench.sh --help (exit $rc): $out"
out="$(PATH="$pb/bin:$PATH" "$src/scripts/plot-bench.sh" out.png 2>"$pb/err")"; rc=$?
[ $rc -eq 2 ] && [ -z "$out" ] && grep -q "Usage: plot_bench.py" "$pb/err" ||
  fail "plot-bench.sh with one argument (exit $rc): stdout '$out', stderr $(cat "$pb/err")"
[ ! -e "$pb/apt.log" ] || fail "plot-bench.sh ran apt-get for --help or a usage error: $(cat "$pb/apt.log")"
echo 'def use(backend): pass' > "$pb/py/matplotlib/__init__.py"
cat > "$pb/py/matplotlib/pyplot.py" <<'PY'
from unittest import mock
def subplots(**kwargs):
    fig, ax = mock.MagicMock(), mock.MagicMock()
    fig.savefig.side_effect = lambda path, **kw: open(path, "w").write("png")
    ax.get_legend_handles_labels.return_value = ([], [])
    ax.twinx.return_value.get_legend_handles_labels.return_value = ([], [])
    return fig, ax
PY
printf 'frame,dense_ms,delta_ms,keyframe,input_active,mean_active\n0,10.5,10.4,1,1.0,1.0\n1,10.2,3.1,0,0.2,0.3\n2,10.1,2' > "$pb/run.csv"
PYTHONPATH="$pb/py" /usr/bin/python3 "$src/tools/bench/plot_bench.py" "$pb/out.png" T "$pb/run.csv" > "$pb/log" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -s "$pb/out.png" ] || fail "plot_bench.py on a truncated CSV (exit $rc): $(cat "$pb/log")"
grep -qF "$pb/run.csv line 4: incomplete last row" "$pb/log" || fail "plot_bench.py did not warn: $(cat "$pb/log")"

clip="$work/clip 5.avi"
gst-launch-1.0 -q videotestsrc num-buffers=5 pattern=ball ! video/x-raw,width=192,height=144 ! \
  jpegenc ! avimux ! filesink location="$clip" || fail "could not make the test clip"
if timeout 300 "$src/pipelines/file-to-mp4.sh" "$clip" "$work/out dir/clip.mp4" > "$work/f.log" 2>&1; then
  [ -s "$work/out dir/clip.mp4" ] || fail "file-to-mp4.sh wrote no MP4"
else
  fail "file-to-mp4.sh on '$clip': $(tail -3 "$work/f.log")"
fi
# scripts/soak.sh with a stand-in soak program (it prints its arguments) in a build directory
# given as an absolute path: --help prints the usage and runs nothing, an argument or too few
# SOAK_FRAMES for a verdict (>= 1500) is refused before the run, and relative SOAK_CONFIG /
# SOAK_VIDEO are taken from the caller's directory.
mkdir -p "$work/fake build/examples"
printf '#!/bin/sh\nprintf "SOAK RAN"; printf " [%%s]" "$@"; echo\n' > "$work/fake build/examples/deltacnn-soak"
chmod +x "$work/fake build/examples/deltacnn-soak"
soak() { (cd "$work" && DELTACNN_BUILD_DIR="$work/fake build" timeout 20 "$src/scripts/soak.sh" "$@" 2>&1); }
out="$(soak --help)"; rc=$?
[ $rc -eq 0 ] && grep -q "SOAK_FRAMES" <<<"$out" || fail "soak.sh --help (exit $rc): $out"
out="$(soak --frames 100)"; rc=$?
[ $rc -eq 2 ] || fail "soak.sh with an argument exited $rc, expected 2"
grep -q "SOAK RAN" <<<"$out" && fail "soak.sh --help or an argument started the soak: $out"
out="$(SOAK_FRAMES=1000 soak)"; rc=$?
[ $rc -eq 2 ] && grep -q "at least 1500" <<<"$out" || fail "soak.sh with SOAK_FRAMES=1000 (exit $rc): $out"
out="$(SOAK_CONFIG="my config.yaml" SOAK_VIDEO="clip 5.avi" SOAK_FRAMES=1500 soak)"; rc=$?
[ $rc -eq 0 ] && grep -qF "[--config] [$work/my config.yaml] [--video] [$work/clip 5.avi] [--frames] [1500]" <<<"$out" ||
  fail "soak.sh with relative SOAK_CONFIG/SOAK_VIDEO and an absolute build (exit $rc): $out"
# scripts/demo.sh checks its settings before the set-up (none of these may reach setup.sh):
# DEMO_EVAL_FRAMES and DEMO_BACKEND, and a relative DEMO_VIDEO taken from the caller's directory.
demo() { (cd "$work" && timeout 20 "$src/scripts/demo.sh" "$@" 2>&1); }
out="$(demo --help)"; rc=$?
[ $rc -eq 0 ] && grep -q "Ctrl-C" <<<"$out" || fail "demo.sh --help (exit $rc): $out"
out="$(DEMO_EVAL_FRAMES=abc demo)"; rc=$?
[ $rc -eq 2 ] && grep -q "DEMO_EVAL_FRAMES .*'abc'" <<<"$out" || fail "demo.sh with DEMO_EVAL_FRAMES=abc (exit $rc): $out"
out="$(DEMO_BACKEND=gpu demo)"; rc=$?
[ $rc -eq 2 ] && grep -q "'gpu'" <<<"$out" || fail "demo.sh with DEMO_BACKEND=gpu (exit $rc): $out"
out="$(DEMO_VIDEO="clip 5.avi" DEMO_EVAL_FRAMES=-1 demo)"; rc=$?
[ $rc -eq 2 ] && grep -q "DEMO_EVAL_FRAMES .*'-1'" <<<"$out" ||
  fail "demo.sh with DEMO_VIDEO relative to the caller (exit $rc): $out"
out="$(DEMO_VIDEO=none.avi demo)"; rc=$?
[ $rc -eq 2 ] && grep -qF "'$work/none.avi'" <<<"$out" || fail "demo.sh with a missing DEMO_VIDEO (exit $rc): $out"
if timeout 300 "$src/pipelines/four-cameras.sh" "$clip" "$clip" "$clip" "$clip" "$work/fc" > "$work/c.log" 2>&1; then
  for i in 1 2 3 4; do
    n=$(wc -l < "$work/fc/camera$i.jsonl")
    [ "$n" -eq 5 ] || fail "four-cameras.sh: camera$i.jsonl has $n records, expected 5"
  done
else
  fail "four-cameras.sh on '$clip': $(tail -3 "$work/c.log")"
fi
# rtsp-json.sh against the stand-in camera: frozen (SIGSTOP) it is lost after CAMERA_TIMEOUT_S,
# the script reconnects, and once the camera is back the records go on in the same file; SIGTERM
# ends the script (status 130) with every line whole.
server="$build/tests/rtsp/rtsp-test-server"
if [ -x "$server" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  start_camera() {
    "$server" "$port" "$src/data/vtest.avi" > "$work/server.log" 2>&1 &
    camera=$!
    for _ in $(seq 50); do grep -q READY "$work/server.log" 2>/dev/null && return 0; sleep 0.1; done
    fail "the test camera did not start: $(cat "$work/server.log")"
  }
  records() { [ -f "$work/cam.jsonl" ] && wc -l < "$work/cam.jsonl" || echo 0; }
  at_least() { [ "$(records)" -ge "$1" ]; }  # (re-read on every try of wait_until)
  wait_until() {  # seconds, then a condition
    local limit=$1; shift
    for _ in $(seq $((limit * 10))); do "$@" && return 0; sleep 0.1; done
    return 1
  }
  start_camera
  RECONNECT_DELAY_S=1 CAMERA_TIMEOUT_S=3 "$src/pipelines/rtsp-json.sh" "rtsp://127.0.0.1:$port/test" \
    "$work/cam.jsonl" > "$work/rtsp.log" 2>&1 &
  script=$!
  wait_until 60 at_least 10 || fail "rtsp-json.sh wrote $(records) records in 60 s"
  kill -STOP "$camera"
  wait_until 20 grep -q "reconnecting in 1 s" "$work/rtsp.log" || fail "a frozen camera was not noticed in 20 s"
  kill -9 "$camera"; kill -CONT "$camera" 2>/dev/null; wait "$camera" 2>/dev/null
  before=$(records)
  start_camera
  wait_until 60 at_least $((before + 10)) || fail "no records after the camera came back ($(records))"
  kill -TERM "$script"
  status=0; wait "$script" || status=$?
  [ $status -eq 130 ] || fail "rtsp-json.sh ended with $status on SIGTERM, expected 130"
  python3 -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$work/cam.jsonl" ||
    fail "cam.jsonl has a broken line"
  kill -9 "$camera" 2>/dev/null
else
  echo "skipped the RTSP reconnect check: $server is not built"
fi

[ $failures -eq 0 ] && echo "pipeline scripts: all checks passed"
exit $((failures > 0))
