#!/usr/bin/env bash
# Regenerate tests/data/reference/<model>/frame<N>.json: outputs of the ORIGINAL TF.js models
# (no conversion involved) on vtest frames 0, 200 and 400, computed by the TF.js runtime with its
# wasm backend. The test suite 'models' checks the converted ONNX files (OpenCV DNN and the
# deltacnn engine) against them.
# Needs: ./scripts/fetch-models.sh and ./scripts/fetch-data.sh run first, node + npm,
# python3-opencv. The npm packages go into the cache (DELTACNN_CACHE, default ~/.cache/deltacnn),
# never into the repo.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DELTACNN_CACHE:-$HOME/.cache/deltacnn}"
PYTHON="${PYTHON:-/usr/bin/python3}"
SOURCES="$CACHE/human-models-3.0.4"
RUNNER_DIR="$CACHE/tfjs-reference"

die() { echo "make-reference: $*" >&2; exit 1; }

[[ -f "$REPO/data/vtest.avi" ]] || die "data/vtest.avi is missing: run ./scripts/fetch-data.sh"
[[ -f "$SOURCES/centernet.json" ]] || die "$SOURCES has no models: run ./scripts/fetch-models.sh"
if ! "$PYTHON" -c 'import cv2' 2>/dev/null; then
  echo "make-reference: installing python3-opencv" >&2
  apt-get install -y python3-opencv || die "python3-opencv is needed (apt-get install python3-opencv)"
fi

# npm install the pinned TF.js runtime next to a copy of package.json in the cache.
mkdir -p "$RUNNER_DIR"
if ! cmp -s "$REPO/tools/tfjs-reference/package.json" "$RUNNER_DIR/package.json" ||
   [[ ! -d "$RUNNER_DIR/node_modules/@tensorflow/tfjs-backend-wasm" ]]; then
  cp "$REPO/tools/tfjs-reference/package.json" "$RUNNER_DIR/package.json"
  (cd "$RUNNER_DIR" && npm install --no-audit --no-fund --silent) ||
    die "npm install of the TF.js runtime failed"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$PYTHON" "$REPO/tools/tfjs-reference/make_jobs.py" "$REPO" "$SOURCES" "$work" "$work/jobs.txt"
while read -r job; do
  NODE_PATH="$RUNNER_DIR/node_modules" node "$REPO/tools/tfjs-reference/run-reference.js" "$job" ||
    die "TF.js run failed for $job"
done <"$work/jobs.txt"
du -sh "$REPO/tests/data/reference"
