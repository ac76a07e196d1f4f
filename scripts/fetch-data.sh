#!/usr/bin/env bash
# Fetch the demo/test video: vtest.avi (768x576, 795 frames, static outdoor camera) from Debian's
# opencv-doc package, without installing the 270 MB package: `apt-get download` the .deb into the
# cache and extract only that one file into <repo>/data/vtest.avi. Idempotent; sha256 verified.
# A cached .deb that does not extract (a download cut short) is deleted and downloaded once more.
# Environment: DELTACNN_CACHE (default ~/.cache/deltacnn).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DELTACNN_CACHE:-$HOME/.cache/deltacnn}"
OUT="$REPO/data/vtest.avi"
MEMBER="./usr/share/doc/opencv-doc/examples/data/vtest.avi"
SHA256_VTEST=45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf

die() { echo "fetch-data: $*" >&2; exit 1; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "$OUT" && "$(sha_of "$OUT")" == "$SHA256_VTEST" ]]; then
  echo "fetch-data: vtest.avi: up to date ($OUT)"
  exit 0
fi

cached_deb() {
  local f
  for f in "$CACHE"/opencv-doc_*.deb; do
    [[ -f "$f" ]] && { printf '%s\n' "$f"; return; }
  done
  return 0
}

download_deb() {
  # apt-get download needs current package lists; refresh them only when the first try fails
  # (an update needs root and network and is slow).
  if ! (cd "$CACHE" && apt-get download opencv-doc); then
    echo "fetch-data: apt-get download failed; running apt-get update and retrying" >&2
    apt-get update -qq || die "apt-get update failed (are Debian mirrors reachable? root?)"
    (cd "$CACHE" && apt-get download opencv-doc) || die "apt-get download opencv-doc failed"
  fi
  deb="$(cached_deb)"
  [[ -n "$deb" ]] || die "apt-get download left no opencv-doc_*.deb in $CACHE"
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp" "$tmp.err"' EXIT
# Extracts vtest.avi from $deb into $tmp and checks it; on failure says why (in $why).
extract_vtest() {
  local actual
  rm -rf "${tmp:?}/"*
  if ! dpkg-deb --fsys-tarfile "$deb" 2>"$tmp.err" | tar -x -C "$tmp" "$MEMBER" 2>>"$tmp.err"; then
    why="cannot extract $MEMBER ($(tail -1 "$tmp.err"))"
    return 1
  fi
  actual="$(sha_of "$tmp/$MEMBER")"
  if [[ "$actual" != "$SHA256_VTEST" ]]; then
    why="vtest.avi: sha256 mismatch: expected $SHA256_VTEST, got $actual"
    return 1
  fi
}

mkdir -p "$CACHE"
deb="$(cached_deb)"
why=""
if [[ -n "$deb" ]] && ! extract_vtest; then
  # A download cut short (or a damaged file) would otherwise fail every run: fetch it again.
  echo "fetch-data: the cached $deb is unusable ($why); deleting it and downloading again" >&2
  rm -f "$deb"
  deb=""
fi
if [[ -z "$deb" ]]; then
  download_deb
  extract_vtest || die "$why in the downloaded $deb (delete it to try again)"
fi
mkdir -p "$(dirname "$OUT")"
mv "$tmp/$MEMBER" "$OUT"
echo "fetch-data: vtest.avi: extracted -> $OUT"
