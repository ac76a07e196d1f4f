// gather_gemm in bf16 (the CPU's `precision=bf16`): the rows of A and the weights rounded to
// bfloat16 (8 bits of mantissa, round to nearest even), products summed in fp32 by AVX-512
// BF16 dot products (vdpbf16ps: two products per lane and instruction, twice the fp32 FMA's
// rate; measured on the 2-vCPU Zen 5: 454 against 227 GFLOP/s in a register-only loop). The
// delta engine's time is mostly this GEMM at 70-90 % of the fp32 peak, so halving its
// instructions is what is left to gain there (docs/cpu-engine.md, section 15).
//
// Each row is computed on its own in a fixed order (pairs of k in k order, fp32 partial sums
// through C between chunks), so, as in gather_gemm, a row's result does not depend on the rows
// it is blocked with: a recomputed pixel equals the same pixel of a dense pass in bf16, and
// threshold 0 still reproduces dense exactly when dense runs this kernel too.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/cpu/aligned_floats.h"
#include "kernels/cpu/gather_gemm.h"

namespace dcnn::cpu {


// Whether this CPU has AVX-512 BF16 (Zen 4 and 5, Intel Cooper Lake and Sapphire Rapids on) and
// the kernels run AVX-512: DELTACNN_CPU_ISA=avx2 or baseline (isa.h) turns bf16 off too, so that
// a test can run a bf16 config as a machine without it would.
bool cpu_has_bf16();

// B in gather_gemm's padded fp32 layout (k rows of ld) as bf16 pairs, GemmB::pairs: word
// kp * ld + j holds B[2kp][j] in its low half and B[2kp+1][j] in its high half (0 past an odd
// k), the layout vdpbf16ps multiplies with a broadcast pair of A. ceil(k / 2) * ld words.
AlignedWords pack_b_pairs(const GemmB& b);

// gather_gemm's contract (rows by index, C with ld columns, the epilogue) in bf16, B from
// b.pairs. Only on a CPU with cpu_has_bf16(). Runs in the calling thread.
void gather_gemm_bf16(const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b, float* c,
                      int ldc, const GemmEpilogue* epilogue = nullptr);

}  // namespace dcnn::cpu
