// Runtime ISA dispatch for the hand-written (non-BLAS) hot loops. The project builds for the
// baseline x86-64 ISA (SSE2) so one binary runs on any NVR box; OpenBLAS already picks its
// kernels at run time, and DCNN_SIMD_CLONES gives our own loops the same: GCC compiles the
// function for AVX-512 (x86-64-v4), AVX2+FMA (x86-64-v3) and the baseline, and the dynamic
// loader binds the best one for the CPU it runs on (an ifunc). Measured 2-3x on the depthwise
// loops versus SSE2 alone.
//
// It suits loops over plain arrays, which GCC vectorises per clone. A loop written with GCC's
// generic vector types of 64 bytes does not: the AVX2 clone lowers them through general
// registers and the stack. Those kernels are built once per ISA instead (isa.h).
//
// Put it on functions that contain the loops themselves, not on ones with OpenMP pragmas:
// the outlined OpenMP body would not inherit the target. for_each_share (parallel_shares.h)
// is the parallel region that calls such a function on each thread's range.
#pragma once

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__ELF__)
#define DCNN_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define DCNN_SIMD_CLONES
#endif
