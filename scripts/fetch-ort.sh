#!/usr/bin/env bash
# Install the benchmark reference runtime: onnxruntime-node 1.30.0 (npm, MIT; its tarball bundles
# the Linux x64 CPU libonnxruntime) into the download cache, never into the repo. Used only by
# `deltacnn-bench --reference onnxruntime` (tools/bench/ort-reference.js); the engine does not
# depend on it. ONNXRUNTIME_NODE_INSTALL=skip stops its post-install script from fetching a CUDA
# provider from a host this machine cannot reach.
# Idempotent: a second run finds the pinned version and downloads nothing.
# Environment: DELTACNN_CACHE (default ~/.cache/deltacnn).
# Prints the node_modules folder to put on NODE_PATH as its last line.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DELTACNN_CACHE:-$HOME/.cache/deltacnn}"
DIR="$CACHE/ort-reference"
VERSION="1.30.0"
log() { printf '[fetch-ort] %s\n' "$*" >&2; }
die() { printf '[fetch-ort] ERROR: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null || die "npm is missing: run ./scripts/setup.sh (it installs nodejs and npm)"
installed() {
  [ -f "$DIR/node_modules/onnxruntime-node/package.json" ] &&
    node -e "process.exit(require('$DIR/node_modules/onnxruntime-node/package.json').version === '$VERSION' ? 0 : 1)" &&
    [ -f "$DIR/node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1" ]
}
if installed; then
  log "onnxruntime-node $VERSION: present in $DIR"
else
  log "installing onnxruntime-node@$VERSION into $DIR (about 115 MB)"
  mkdir -p "$DIR"
  (cd "$DIR" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent --save-exact \
      "onnxruntime-node@$VERSION") || die "npm install onnxruntime-node@$VERSION failed (is the npm registry reachable?)"
  installed || die "onnxruntime-node@$VERSION installed but its Linux x64 CPU library is missing"
fi
# The runner script must load: a broken install is found here, not in the middle of a benchmark.
NODE_PATH="$DIR/node_modules" node -e "require('onnxruntime-node')" ||
  die "onnxruntime-node in $DIR does not load under node $(node --version)"
echo "$DIR/node_modules"
