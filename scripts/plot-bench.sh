#!/usr/bin/env bash
# Draw docs/benchmarks.png-style plots from deltacnn-bench --csv runs (tools/bench/plot_bench.py).
# Installs Debian's python3-matplotlib on first use (it is needed for plots only, so setup.sh
# leaves it out; --help and a usage error install nothing).
# Usage: scripts/plot-bench.sh OUT.png TITLE RUN.csv[:LABEL] ... [--ort MS]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# --help and a usage error need no matplotlib: never install anything for them.
if [ $# -lt 3 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
  exec /usr/bin/python3 "$repo/tools/bench/plot_bench.py" "$@"
fi
if ! /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "[plot-bench] installing python3-matplotlib" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends python3-matplotlib >/dev/null ||
    { $SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
        --no-install-recommends python3-matplotlib >/dev/null; } ||
    { echo "[plot-bench] ERROR: apt-get install python3-matplotlib failed" >&2; exit 1; }
fi
exec /usr/bin/python3 "$repo/tools/bench/plot_bench.py" "$@"
