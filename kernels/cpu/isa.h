// Which x86 vector ISA the hand-written kernels with per-ISA variants run (gather_gemm, the
// depthwise convs). Those kernels are built once per ISA with a vector type of that ISA's
// register width and picked here at run time, rather than compiled from one body through
// target_clones: a 64-byte GCC vector in an AVX2 clone is lowered through general registers and
// the stack (measured: 2-4x slower loops, docs/cpu-engine.md section 12). Loops written with
// plain arrays keep DCNN_SIMD_CLONES (simd_dispatch.h).
#pragma once

namespace dcnn::cpu {

enum class Isa { Baseline, Avx2, Avx512 };

// Whether this CPU runs code built for `isa` (AVX2: x86-64-v3; AVX-512: x86-64-v4).
bool cpu_runs(Isa isa);

// The widest ISA this CPU runs, or a narrower one named by DELTACNN_CPU_ISA (baseline, avx2,
// avx512) so that tests and comparisons can run every variant on one machine; a name this CPU
// cannot run is refused with a warning on stderr and the widest one is used. Read once.
Isa kernel_isa();

const char* to_string(Isa isa);

}  // namespace dcnn::cpu
