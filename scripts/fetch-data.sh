#!/usr/bin/env bash
# Fetch the demo/test video: vtest.avi (768x576, 795 frames, static outdoor camera) from Debian's
# opencv-doc package, without installing the 270 MB package: `apt-get download` the .deb into the
# cache and extract only that one file into <repo>/data/vtest.avi. Idempotent; sha256 verified.
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

mkdir -p "$CACHE"
deb="$(ls "$CACHE"/opencv-doc_*.deb 2>/dev/null | head -n1 || true)"
if [[ -z "$deb" ]]; then
  # apt-get download needs current package lists; refresh them only when the first try fails
  # (an update needs root and network and is slow).
  if ! (cd "$CACHE" && apt-get download opencv-doc); then
    echo "fetch-data: apt-get download failed; running apt-get update and retrying" >&2
    apt-get update -qq || die "apt-get update failed (are Debian mirrors reachable? root?)"
    (cd "$CACHE" && apt-get download opencv-doc) || die "apt-get download opencv-doc failed"
  fi
  deb="$(ls "$CACHE"/opencv-doc_*.deb | head -n1)"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "$MEMBER" ||
  die "cannot extract $MEMBER from $deb"
actual="$(sha_of "$tmp/$MEMBER")"
[[ "$actual" == "$SHA256_VTEST" ]] ||
  die "vtest.avi from $deb: sha256 mismatch: expected $SHA256_VTEST, got $actual"
mkdir -p "$(dirname "$OUT")"
mv "$tmp/$MEMBER" "$OUT"
echo "fetch-data: vtest.avi: extracted -> $OUT"
