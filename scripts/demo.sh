#!/usr/bin/env bash
# The README's main command: set up (if needed), then run the deltacnn pipeline on the bundled
# video with the default pose model, writing out/demo.mp4 (annotated) and out/demo.jsonl (one
# JSON record per frame), and print a summary: frames, dense vs delta time per frame, speedup,
# agreement of delta results with dense.
# Environment: DEMO_CONFIG (default configs/movenet-multipose.yaml), DEMO_VIDEO (data/vtest.avi),
#              DEMO_EVAL_FRAMES (frames for the dense-vs-delta comparison, default 150; 0 = all),
#              DEMO_BACKEND (auto|cpu|cuda, default auto).
set -euo pipefail
case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "demo.sh: takes no arguments (got '$1'); settings come from the environment (--help)" >&2; exit 2 ;;
esac
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
"$repo/scripts/setup.sh"

build="${DELTACNN_BUILD_DIR:-build}"
config="${DEMO_CONFIG:-configs/movenet-multipose.yaml}"
video="${DEMO_VIDEO:-data/vtest.avi}"
backend="${DEMO_BACKEND:-auto}"
eval_frames="${DEMO_EVAL_FRAMES:-150}"
mkdir -p out
export GST_PLUGIN_PATH="$repo/$build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"

echo "[demo] pipeline: $video -> deltacnn ($config, backend=$backend) -> out/demo.mp4 + out/demo.jsonl"
start=$(date +%s.%N)
gst-launch-1.0 -q -e \
  filesrc location="$video" ! avidemux ! avdec_msmpeg4 ! videoconvert ! video/x-raw,format=BGRx ! \
  deltacnn config-file-path="$config" backend="$backend" ! \
  deltacnnjson location=out/demo.jsonl ! \
  deltacnnoverlay show-stats=true ! videoconvert ! \
  x264enc speed-preset=ultrafast tune=zerolatency ! mp4mux ! filesink location=out/demo.mp4
end=$(date +%s.%N)

echo "[demo] dense vs delta on the first ${eval_frames} frames (0 = all)"
eval_args=(--config "$config" --video "$video" --json)
[ "$eval_frames" != "0" ] && eval_args+=(--frames "$eval_frames")
[ "$backend" != "auto" ] && eval_args+=(--backend "$backend")
"$build/tools/eval/deltacnn-eval" "${eval_args[@]}" | tee out/demo-eval.txt

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
