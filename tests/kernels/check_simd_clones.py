#!/usr/bin/env python3
"""Every hot loop must run in the ISA of the CPU it runs on (kernels/cpu/simd_dispatch.h).

DCNN_SIMD_CLONES compiles a function for AVX-512, AVX2 and the SSE2 baseline and the loader
binds the best. A helper it calls that GCC keeps out of line (a template, say) is compiled once,
for the baseline, and every clone calls that copy: the loop then runs 4-wide on an AVX-512
machine and nothing fails, it is only 2-4x slower (depthwise_listed, 2026-12-04). This test
disassembles the engine library and fails for any call (or tail call) from an AVX-512 clone to a local
dcnn::cpu function that is not itself a clone, naming both.

usage: check_simd_clones.py LIBRARY
"""
import re
import shutil
import subprocess
import sys


def short_name(symbol: str) -> str:
    """The demangled name without its parameter list and clone suffix; template arguments may
    hold parentheses ("fire_loop<(dcnn::kern::ActFn)0, false>"), so only a '(' outside <...>
    and outside "(anonymous namespace)" starts the parameters."""
    symbol = symbol.split(" [clone")[0].replace("(anonymous namespace)", "{anon}")
    depth = 0
    for i, ch in enumerate(symbol):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0:
            symbol = symbol[:i]
            break
    return symbol.replace("{anon}", "(anonymous namespace)")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    library = sys.argv[1]
    objdump = shutil.which("objdump")
    if not objdump:
        print("SKIP: objdump not found (binutils)")
        return 77
    text = subprocess.run([objdump, "-d", "--no-show-raw-insn", "-C", library], check=True,
                          capture_output=True, text=True).stdout
    function = re.compile(r"^[0-9a-f]+ <(.*)>:$")
    # Calls, and jumps to another function's start (tail calls); jumps inside a function
    # name an offset (<f+0x1c>).
    call = re.compile(r"\s(?:call|jmp)\s+[0-9a-f]+ <(.*?)(\+0x[0-9a-f]+)?>$")
    current, clones, bad = None, 0, []
    for line in text.splitlines():
        m = function.match(line)
        if m:
            current = m.group(1)
            if "[clone .arch_x86_64_v4]" in current:
                clones += 1
            continue
        if not current or "[clone .arch_x86_64_v4]" not in current:
            continue
        m = call.search(line)
        if not m or m.group(2):  # no call, or a jump inside a function
            continue
        target = m.group(1)
        if "@plt" in target or "[clone ." in target or "dcnn::cpu::" not in target:
            continue
        bad.append((short_name(current), short_name(target)))
    if clones == 0:
        print(f"SKIP: {library} has no AVX-512 clones (not an x86-64 GCC build)")
        return 77
    for caller, callee in sorted(set(bad)):
        print(f"FAIL: {caller} [AVX-512 clone] calls {callee}, which is compiled for the baseline ISA "
              "only; make it always_inline or give it DCNN_SIMD_CLONES")
    print(f"{clones} AVX-512 clones checked, {len(set(bad))} call(s) into baseline-only code")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
