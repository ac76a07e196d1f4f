// A small GEMM whose A rows lie anywhere in memory: C[i][0..n) = A_i[0..k) * B[k][n), with row
// i of A at a + index[i] * stride (or a + i * stride without an index). The sparse convs' rows
// are their candidates' pixels in the input map; sgemm needs them copied into one matrix first
// and, at a few hundred rows of 24-144 columns, spends more on packing and dispatch than on the
// product (docs/cpu-engine.md, section 12). Register-blocked per ISA (8 rows x 32 floats on
// AVX-512, 6 x 16 on AVX2, 4 x 8 on the baseline), picked at run time. B is kept padded to whole
// 16-column panels (GemmB).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/common/activation.h"
#include "kernels/cpu/aligned_floats.h"
#include "kernels/cpu/isa.h"

namespace dcnn::cpu {

// B[k][n] as gather_gemm reads it: rows ld = padded_ld(n) floats apart (whole 16-column panels),
// the columns from n to ld zero. A view: the conv kernels point it at their packed weights when
// n is whole panels already, and at a padded copy (pad_b) only when it is not.
struct GemmB {
  const float* values = nullptr;
  int k = 0, n = 0, ld = 0;
  // The same B as bf16 pairs (gather_gemm_bf16.h) where the conv runs in bf16, else null:
  // gather_gemm then multiplies in bf16.
  const uint32_t* pairs = nullptr;
};
inline int padded_ld(int n) { return (n + 15) / 16 * 16; }
// B (rows ldb apart) copied into that layout: k * padded_ld(n) floats.
AlignedFloats pad_b(const float* b, int k, int n, int ldb);

// What gather_gemm does with a finished row instead of leaving it in C: adds the bias, applies
// an activation with a vector form here (Identity, Relu, Clip: gather_gemm_fuses) and stores the
// n values at dst + dst_rows[i] * ld_dst, or dst + i * ld_dst without dst_rows (the fused pairs'
// expanded rows go straight to their buffer slots, without a pass of activate_rows over the
// product; dst may be C itself). Needs b.n == b.ld (no
// padding columns: the bias has n values). C still receives the partial sums of K > 256.
struct GemmEpilogue {
  const float* bias = nullptr;  // [n], or null
  kern::ActSpec act;
  float* dst = nullptr;
  int64_t ld_dst = 0;
  const int32_t* dst_rows = nullptr;  // null: row i to row i
};
bool gather_gemm_fuses(const kern::ActSpec& act);

// With b.pairs, the product is gather_gemm_bf16's (every ISA argument alike).
// C rows have room for ld = b.ld columns; columns from n on are padding: those up to the next
// multiple of 8 (AVX-512; 4 on AVX2 and the baseline) are written with 0, the rest may be left
// untouched (half-width vectors do the last columns). Runs in the calling thread. Rows listed by `index`
// may repeat and come in any order; each is computed on its own, so a row's result does not
// depend on which other rows share its block.
void gather_gemm(const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b, float* c, int ldc,
                 const GemmEpilogue* epilogue = nullptr);

// dst row dst_rows[i] (or i) = act(A_i * B + bias), rows b.n == b.ld floats apart: through the
// epilogue where it has the activation, else gather_gemm into `c` (m x b.ld) and activate_rows.
void gather_gemm_activated(const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b,
                           const float* bias, const kern::ActSpec& act, float* c, float* dst,
                           const int32_t* dst_rows);

// One ISA's variant (kernel_isa() picks for gather_gemm), so that a test checks every variant
// this CPU can run (the AVX2 and baseline ones on an AVX-512 machine too).
void gather_gemm_on(Isa isa, const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b, float* c,
                    int ldc, const GemmEpilogue* epilogue = nullptr);

}  // namespace dcnn::cpu
