#include "kernels/cpu/gather_gemm.h"

#include <algorithm>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/gather_gemm_bf16.h"
#include "kernels/cpu/gemm_epilogue_finish.h"
#include "kernels/cpu/simd_vectors.h"

namespace dcnn::cpu {
namespace {

// Each ISA gets its own function with its own vector type (simd_vectors.h) rather than one type
// for all through target_clones: GCC lowers a 64-byte vector on AVX2 through general registers
// and the stack (the AVX2 clone of a v16 version spent more instructions moving than
// multiplying; kernels/cpu/isa.h).
#pragma GCC diagnostic ignored "-Wpsabi"  // see simd_vectors.h
using simd::load;
using simd::store;
using simd::V16;
using simd::V8;
using simd::V4;

// K is walked in chunks of kChunkK so that the B panel a row block reads (kChunkK x 32 floats,
// 32 KiB) stays in L1 while the rows go past, and the rows' chunk (a few hundred rows of
// kChunkK) in L2: B of a stride-32 projection (1440 x 480) is 2.7 MB, and read whole for every
// few rows it made the kernel memory-bound (1.8x slower than sgemm on block_16_project).
constexpr int kChunkK = 256;

// R rows (pointers a[0..R)) times P vectors of columns of B from column j, over k in [k0, k1):
// accumulators start at 0 on the first chunk and at C's partial sums after it; they go back to
// C, or, on the last chunk with an epilogue, through it to out[r]. Every element is summed in k
// order, whatever R, P and the chunking, so a row's result does not depend on the rows it is
// blocked with.
template <typename V, int R, int P>
inline __attribute__((always_inline)) void rows_panel(const float* const* a, const GemmB& b, int j, int k0,
                                                      int k1, float* c, int ldc, const GemmEpilogue* ep,
                                                      float* const* out) {
  constexpr int L = simd::lanes<V>();
  const int ld = b.ld;
  const float* bv = b.values + j;
  V acc[R][P];
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < P; ++q) acc[r][q] = k0 == 0 ? V{} : load<V>(c + int64_t{r} * ldc + j + L * q);
  for (int kk = k0; kk < k1; ++kk) {
    V bq[P];
    for (int q = 0; q < P; ++q) bq[q] = load<V>(bv + int64_t{kk} * ld + L * q);
    for (int r = 0; r < R; ++r) {
      const float s = a[r][kk];
      for (int q = 0; q < P; ++q) acc[r][q] += s * bq[q];
    }
  }
  if (ep && k1 == b.k) {
    for (int r = 0; r < R; ++r)
      for (int q = 0; q < P; ++q) store<V>(out[r] + j + L * q, finish<V>(acc[r][q], *ep, j + L * q));
    return;
  }
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < P; ++q) store<V>(c + int64_t{r} * ldc + j + L * q, acc[r][q]);
}

template <typename V, int R, int P>
inline __attribute__((always_inline)) void panel_all_rows(const float* a, int64_t stride, const int32_t* index,
                                                          int m, const GemmB& b, int j, int k0, int k1,
                                                          float* c, int ldc, const GemmEpilogue* ep) {
  auto row = [&](int i) { return a + (index ? int64_t{index[i]} : int64_t{i}) * stride; };
  auto dst = [&](int i) {
    return ep ? ep->dst + (ep->dst_rows ? int64_t{ep->dst_rows[i]} : int64_t{i}) * ep->ld_dst : nullptr;
  };
  int i = 0;
  for (; i + R <= m; i += R) {
    const float* rows[R];
    float* outs[R];
    for (int r = 0; r < R; ++r) rows[r] = row(i + r), outs[r] = dst(i + r);
    rows_panel<V, R, P>(rows, b, j, k0, k1, c + int64_t{i} * ldc, ldc, ep, outs);
  }
  for (; i < m; ++i) {
    const float* rows[1] = {row(i)};
    float* outs[1] = {dst(i)};
    rows_panel<V, 1, P>(rows, b, j, k0, k1, c + int64_t{i} * ldc, ldc, ep, outs);
  }
}

// Columns P vectors at a time, then one vector at a time (ld is whole 16-column panels, so a
// vector of any of the three widths divides what is left).
// Where the columns end half a vector into the last panel (n = 24, 40: 8 past a 16-column
// panel), a vector of half the width H does them (H = V for none): with AVX-512 a 24- or 40-wide
// output (MoveNet's projections and FPN convs) computed 8 padding columns of zeros, a quarter
// and a sixth of the work.
template <typename V, typename H, int R, int P>
inline __attribute__((always_inline)) void gather_gemm_body(const float* a, int64_t stride, const int32_t* index,
                                                            int m, const GemmB& b, float* c, int ldc,
                                                            const GemmEpilogue* ep) {
  constexpr int L = simd::lanes<V>(), LH = simd::lanes<H>();
  const int cols = (b.n + LH - 1) / LH * LH;  // <= ld: ld is whole 16-column panels
  for (int k0 = 0; k0 < b.k; k0 += kChunkK) {
    const int k1 = std::min(b.k, k0 + kChunkK);
    int j = 0;
    for (; j + P * L <= cols; j += P * L) panel_all_rows<V, R, P>(a, stride, index, m, b, j, k0, k1, c, ldc, ep);
    for (; j + L <= cols; j += L) panel_all_rows<V, R, 1>(a, stride, index, m, b, j, k0, k1, c, ldc, ep);
    for (; j < cols; j += LH) panel_all_rows<H, R, 1>(a, stride, index, m, b, j, k0, k1, c, ldc, ep);
  }
}

// Register blocks: AVX-512, 8 rows x 2 zmm = 16 accumulators of 32 registers; AVX2, 6 rows x 2
// ymm = 12 of 16; the baseline, 4 rows x 2 xmm = 8 of 16 (no FMA there: multiply, then add).
__attribute__((target("arch=x86-64-v4"))) void gather_gemm_avx512(const float* a, int64_t stride,
                                                                  const int32_t* index, int m, const GemmB& b,
                                                                  float* c, int ldc, const GemmEpilogue* ep) {
  gather_gemm_body<V16, V8, 8, 2>(a, stride, index, m, b, c, ldc, ep);
}
__attribute__((target("arch=x86-64-v3"))) void gather_gemm_avx2(const float* a, int64_t stride,
                                                                const int32_t* index, int m, const GemmB& b,
                                                                float* c, int ldc, const GemmEpilogue* ep) {
  gather_gemm_body<V8, V4, 6, 2>(a, stride, index, m, b, c, ldc, ep);
}
void gather_gemm_baseline(const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b, float* c,
                          int ldc, const GemmEpilogue* ep) {
  gather_gemm_body<V4, V4, 4, 2>(a, stride, index, m, b, c, ldc, ep);
}

using GatherGemmFn = void (*)(const float*, int64_t, const int32_t*, int, const GemmB&, float*, int,
                              const GemmEpilogue*);
GatherGemmFn variant(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return gather_gemm_avx512;
    case Isa::Avx2: return gather_gemm_avx2;
    case Isa::Baseline: break;
  }
  return gather_gemm_baseline;
}

}  // namespace

AlignedFloats pad_b(const float* b, int k, int n, int ldb) {
  const int ld = padded_ld(n);
  AlignedFloats padded(size_t(k) * size_t(ld), 0.f);
  for (int kk = 0; kk < k; ++kk)
    std::copy(b + int64_t{kk} * ldb, b + int64_t{kk} * ldb + n, padded.begin() + int64_t{kk} * ld);
  return padded;
}

bool gather_gemm_fuses(const kern::ActSpec& act) {
  return act.fn == kern::ActFn::Identity || act.fn == kern::ActFn::Relu || act.fn == kern::ActFn::Clip;
}

void gather_gemm_on(Isa isa, const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b, float* c,
                    int ldc, const GemmEpilogue* epilogue) {
  if (m <= 0 || b.ld == 0) return;
  if (b.pairs) return gather_gemm_bf16(a, stride, index, m, b, c, ldc, epilogue);
  variant(isa)(a, stride, index, m, b, c, ldc, epilogue);
}

void gather_gemm(const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b, float* c, int ldc,
                 const GemmEpilogue* epilogue) {
  gather_gemm_on(kernel_isa(), a, stride, index, m, b, c, ldc, epilogue);
}

void gather_gemm_activated(const float* a, int64_t stride, const int32_t* index, int m, const GemmB& b,
                           const float* bias, const kern::ActSpec& act, float* c, float* dst,
                           const int32_t* dst_rows) {
  if (!gather_gemm_fuses(act)) {
    gather_gemm(a, stride, index, m, b, c, b.ld);
    activate_rows(act, c, dst_rows, m, b.n, bias, dst);
    return;
  }
  GemmEpilogue epilogue;
  epilogue.bias = bias;
  epilogue.act = act;
  epilogue.dst = dst;
  epilogue.ld_dst = b.n;
  epilogue.dst_rows = dst_rows;
  gather_gemm(a, stride, index, m, b, c, b.ld, &epilogue);
}

}  // namespace dcnn::cpu
