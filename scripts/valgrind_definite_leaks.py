#!/usr/bin/env python3
"""Reads a valgrind log (--leak-check=full): prints the definite-loss summary and every
"definitely lost" record whose stack passes through deltacnn code (the plugin, the engine, the
meta library, the examples, the tests' own binaries); exits 1 if there is any, or if valgrind
did not finish (no summary), 0 otherwise. Used by scripts/check-rtsp-leaks.sh and
scripts/valgrind-element-tests.sh.

Usage: valgrind_definite_leaks.py LOG [LOG ...]
"""
import re
import sys

OURS = r"deltacnn|dcnn::|nvr-reader|libdcnn|gstdeltacnn"


def check(path):
    log = open(path).read()
    # One loss record: from "... are definitely lost in loss record" to the next blank line.
    records = re.findall(r"==\d+== ([\d,]+ \(?[\d, a-z]*\)? ?bytes in [\d,]+ blocks are definitely lost.*?)\n==\d+== \n",
                         log, re.S)
    ours = [r for r in records if re.search(OURS, r)]
    summary = re.search(r"definitely lost: .*", log)
    print(f"{path}: valgrind", summary.group(0) if summary else "no leak summary (did valgrind finish?)")
    print(f"definite loss records: {len(records)}, attributable to deltacnn: {len(ours)}")
    for r in ours:
        print("---- ours ----\n" + re.sub(r"==\d+== ", "", r))
    errors = re.search(r"ERROR SUMMARY: (\d+) errors", log)
    print("valgrind", errors.group(0) if errors else "no ERROR SUMMARY")
    return bool(ours) or (not summary and not errors)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    failed = [p for p in sys.argv[1:] if check(p)]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
