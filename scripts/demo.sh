#!/usr/bin/env bash
# The README's main command: set up (if needed), then run the deltacnn pipeline on the bundled
# video with the default pose model, writing out/demo.mp4 (annotated) and out/demo.jsonl (one
# JSON record per frame), and print a summary: frames, dense vs delta time per frame, speedup,
# agreement of delta results with dense.
# Environment: DEMO_CONFIG (default configs/movenet-multipose.yaml), DEMO_VIDEO (data/vtest.avi;
#              any container and codec GStreamer's decodebin plays):
#              a relative path is taken from the current directory, the defaults from the
#              repository; DEMO_EVAL_FRAMES (frames for the dense-vs-delta comparison, default
#              150; 0 = all), DEMO_BACKEND (auto|cpu|cuda, default auto), DELTACNN_BUILD_DIR
#              (build; absolute or relative to the repository).
# Ctrl-C during the pipeline finalises out/demo.mp4 and out/demo.jsonl with what was processed,
# skips the comparison and the summary, and exits with status 130.
set -euo pipefail
case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: takes no arguments (got '$1'); settings come from the environment (--help)" >&2; exit 2 ;;
esac
die() { echo "demo.sh: $*" >&2; exit 2; }
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The settings are checked before the set-up (which can take long): a typo is one line.
# The caller's relative paths are resolved before cd "$repo".
from_caller() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
config="configs/movenet-multipose.yaml"
video="data/vtest.avi"
if [ -n "${DEMO_CONFIG:-}" ]; then
  config="$(from_caller "$DEMO_CONFIG")"
  [ -f "$config" ] || die "DEMO_CONFIG '$config' is not a file"
fi
if [ -n "${DEMO_VIDEO:-}" ]; then
  video="$(from_caller "$DEMO_VIDEO")"
  [ -f "$video" ] || die "DEMO_VIDEO '$video' is not a file"
fi
backend="${DEMO_BACKEND:-auto}"
case "$backend" in auto|cpu|cuda) ;; *) die "DEMO_BACKEND is auto, cpu or cuda (got '$backend')" ;; esac
eval_frames="${DEMO_EVAL_FRAMES:-150}"
case "$eval_frames" in
  ''|*[!0-9]*) die "DEMO_EVAL_FRAMES is a whole number of frames, 0 = all (got '$eval_frames')" ;;
esac
[ ${#eval_frames} -le 9 ] || die "DEMO_EVAL_FRAMES '$eval_frames' is too large"
eval_frames=$((10#$eval_frames))
[ "$eval_frames" -ne 1 ] || die "DEMO_EVAL_FRAMES is 0 (all) or at least 2: the first frame runs dense in both streams"
build="${DELTACNN_BUILD_DIR:-build}"
case "$build" in /*) build_dir="$build" ;; *) build_dir="$repo/$build" ;; esac
cd "$repo"
"$repo/scripts/setup.sh"

mkdir -p out
export GST_PLUGIN_PATH="$build_dir/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"

echo "[demo] pipeline: $video -> deltacnn ($config, backend=$backend) -> out/demo.mp4 + out/demo.jsonl"
start=$(date +%s.%N)
# Ctrl-C reaches gst-launch too, which (-e) sends EOS and finalises the files, then exits 0;
# without the trap the script would go on to the comparison and the summary.
interrupted=""
trap 'interrupted=1' INT
status=0
gst-launch-1.0 -q -e \
  filesrc location="$video" ! decodebin ! videoconvert ! video/x-raw,format=BGRx ! \
  deltacnn config-file-path="$config" backend="$backend" ! \
  deltacnnjson location=out/demo.jsonl ! \
  deltacnnoverlay show-stats=true ! videoconvert ! \
  x264enc speed-preset=ultrafast tune=zerolatency ! mp4mux ! filesink location=out/demo.mp4 ||
  status=$?
trap - INT
if [ -n "$interrupted" ]; then
  echo "[demo] interrupted: out/demo.mp4 and out/demo.jsonl hold the frames processed so far;" \
       "no comparison, no summary" >&2
  exit 130
fi
[ $status -eq 0 ] || { echo "[demo] the pipeline failed (gst-launch exit $status)" >&2; exit $status; }
end=$(date +%s.%N)

echo "[demo] dense vs delta on the first ${eval_frames} frames (0 = all)"
eval_args=(--config "$config" --video "$video" --json)
[ "$eval_frames" != "0" ] && eval_args+=(--frames "$eval_frames")
[ "$backend" != "auto" ] && eval_args+=(--backend "$backend")
"$build_dir/tools/eval/deltacnn-eval" "${eval_args[@]}" | tee out/demo-eval.txt

/usr/bin/python3 - "$start" "$end" <<'PY'
import json, sys
start, end = float(sys.argv[1]), float(sys.argv[2])
records = [json.loads(l) for l in open("out/demo.jsonl") if l.strip()]
n = len(records)
infer = [r["stats"]["infer_ms"] for r in records]
people = sum(len(r["objects"]) for r in records)
ev = None
for line in open("out/demo-eval.txt"):
    line = line.strip()
    if line.startswith("{"):
        ev = json.loads(line)
print("\n==================== deltacnn demo summary ====================")
print(f"frames processed by the pipeline : {n}  (wall {end - start:.1f} s, {n / max(end - start, 1e-9):.1f} fps)")
print(f"objects found (all frames)       : {people}  (mean {people / max(n, 1):.2f} per frame)")
print(f"pipeline delta inference         : {sum(infer) / max(n, 1):.1f} ms/frame (mean, incl. keyframes)")
if ev:
    print(f"dense vs delta ({ev['frames']} frames)      : {ev['dense_ms']:.1f} ms vs {ev['delta_ms']:.1f} ms per frame -> speedup {ev['speedup']:.2f}x")
    agree = {k: ev[k] for k in ("kpt_agree", "count_agree", "det_f1") if k in ev}
    # null: nothing to compare (a video without people or objects)
    print("agreement of delta with dense    : " + ", ".join(
        f"{k} {v:.3f}" if v is not None else f"{k} n/a (no objects to compare)" for k, v in agree.items()))
print("outputs                          : out/demo.mp4  out/demo.jsonl  out/demo-eval.txt")
PY
