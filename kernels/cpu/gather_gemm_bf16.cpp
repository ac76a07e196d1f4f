#include "kernels/cpu/gather_gemm_bf16.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/cpu/gemm_epilogue_finish.h"
#include "kernels/cpu/scratch.h"

// Vectors are passed only between always-inlined helpers of the AVX-512 functions (as in
// gather_gemm.cpp; simd_vectors.h says why GCC's note is silenced).
#pragma GCC diagnostic ignored "-Wpsabi"

namespace dcnn::cpu {
namespace {

#define DCNN_BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16,fma")))

// Rows converted to pairs at a time: their pairs (at most kRowBlock x ceil(K / 2) words, 92 KiB
// for K = 1440) stay in L2 while every column panel of B goes past them.
constexpr int kRowBlock = 64;
// Pairs of k walked per chunk, so that the B panel a row block reads (128 x 32 words, 16 KiB)
// stays in L1 while the rows go past: the fp32 kernel's 256 floats of k.
constexpr int kChunkPairs = 128;

// Row `src` (k floats) as ceil(k / 2) pairs; an odd k's last pair has 0 in its high half.
DCNN_BF16_TARGET void to_pairs(const float* src, int k, uint32_t* dst) {
  int kk = 0;
  for (; kk + 32 <= k; kk += 32) {
    const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + kk + 16), _mm512_loadu_ps(src + kk));
    _mm512_storeu_si512(dst + kk / 2, (__m512i)v);
  }
  if (kk < k) {
    const int left = k - kk;
    const __mmask16 lo = __mmask16((1u << std::min(left, 16)) - 1);
    const __mmask16 hi = left > 16 ? __mmask16((1u << (left - 16)) - 1) : __mmask16(0);
    const __m512bh v = _mm512_cvtne2ps_pbh(_mm512_maskz_loadu_ps(hi, src + kk + 16), _mm512_maskz_loadu_ps(lo, src + kk));
    const int words = (left + 1) / 2;
    _mm512_mask_storeu_epi32(dst + kk / 2, __mmask16((1u << words) - 1), (__m512i)v);
  }
}

// R rows of pairs (ap, la words apart) times P zmm of columns from j and, with H, one ymm after
// them (the last 8 columns of a half panel, in the same pass: MoveNet's 24-, 40- and 56-wide
// projections walk their rows once), over pairs [p0, p1). Accumulators start at 0 on the first
// chunk and at C's partial sums after it; they go back to C or, after the last chunk with an
// epilogue, through it to out[r].
template <int R, int P, bool H>
DCNN_BF16_TARGET inline void rows_panel(const uint32_t* ap, int64_t la, const GemmB& b, int j, int p0, int p1,
                                        int pairs, float* c, int ldc, const GemmEpilogue* ep, float* const* out) {
  const uint32_t* bv = b.pairs + j;
  constexpr int Q = P > 0 ? P : 1;  // (no zero-length arrays)
  __m512 acc[R][Q];
  __m256 tail[R];
  for (int r = 0; r < R; ++r) {
    const float* cr = c + int64_t{r} * ldc + j;
    for (int q = 0; q < P; ++q) acc[r][q] = p0 == 0 ? _mm512_setzero_ps() : _mm512_loadu_ps(cr + 16 * q);
    if constexpr (H) tail[r] = p0 == 0 ? _mm256_setzero_ps() : _mm256_loadu_ps(cr + 16 * P);
  }
  const uint32_t* arow[R];
  for (int r = 0; r < R; ++r) arow[r] = ap + r * la;
  for (int kp = p0; kp < p1; ++kp) {
    const uint32_t* brow = bv + int64_t{kp} * b.ld;
    __m512bh bq[Q];
    for (int q = 0; q < P; ++q) bq[q] = (__m512bh)_mm512_loadu_si512(brow + 16 * q);
    __m256bh bt{};
    if constexpr (H) bt = (__m256bh)_mm256_loadu_si256(reinterpret_cast<const __m256i*>(brow + 16 * P));
    for (int r = 0; r < R; ++r) {
      const int pair = int(arow[r][kp]);
      if constexpr (P > 0) {
        const __m512bh s = (__m512bh)_mm512_set1_epi32(pair);
        for (int q = 0; q < P; ++q) acc[r][q] = _mm512_dpbf16_ps(acc[r][q], s, bq[q]);
      }
      if constexpr (H) tail[r] = _mm256_dpbf16_ps(tail[r], (__m256bh)_mm256_set1_epi32(pair), bt);
    }
  }
  const bool finished = ep && p1 == pairs;
  for (int r = 0; r < R; ++r) {
    float* dst = finished ? out[r] + j : c + int64_t{r} * ldc + j;
    for (int q = 0; q < P; ++q)
      _mm512_storeu_ps(dst + 16 * q, finished ? finish<__m512>(acc[r][q], *ep, j + 16 * q) : acc[r][q]);
    if constexpr (H) _mm256_storeu_ps(dst + 16 * P, finished ? finish<__m256>(tail[r], *ep, j + 16 * P) : tail[r]);
  }
}

// Every row of the block for one group of columns (at most three vectors), 8 rows at a time:
// up to 24 accumulators, the B vectors and a broadcast in the 32 registers.
template <int P, bool H>
DCNN_BF16_TARGET inline void panel_block_rows(const uint32_t* ap, int64_t la, int rows, const GemmB& b, int j,
                                              int p0, int p1, int pairs, float* c, int ldc,
                                              const GemmEpilogue* ep, float* const* outs) {
  constexpr int R = 8;
  int i = 0;
  for (; i + R <= rows; i += R)
    rows_panel<R, P, H>(ap + i * la, la, b, j, p0, p1, pairs, c + int64_t{i} * ldc, ldc, ep, outs + i);
  for (; i < rows; ++i)
    rows_panel<1, P, H>(ap + i * la, la, b, j, p0, p1, pairs, c + int64_t{i} * ldc, ldc, ep, outs + i);
}

// Columns [j, cols) (cols a multiple of 8) as groups: one pass for up to 56 columns (three
// vectors), else pairs of zmm and then what is left as one group (four vectors in one pass,
// 6 rows x 4, measured 1.2x fp32 against 1.7x for two passes of two).
DCNN_BF16_TARGET inline void all_columns(const uint32_t* ap, int64_t la, int rows, const GemmB& b, int cols,
                                         int p0, int p1, int pairs, float* c, int ldc, const GemmEpilogue* ep,
                                         float* const* outs) {
  int j = 0;
  if (cols > 56)
    for (; cols - j > 24; j += 32) panel_block_rows<2, false>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
  switch (cols - j) {
    case 8: return panel_block_rows<0, true>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    case 16: return panel_block_rows<1, false>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    case 24: return panel_block_rows<1, true>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    case 32: return panel_block_rows<2, false>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    case 40: return panel_block_rows<2, true>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    case 48: return panel_block_rows<3, false>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    case 56: return panel_block_rows<3, true>(ap, la, rows, b, j, p0, p1, pairs, c, ldc, ep, outs);
    default: return;  // 0
  }
}

}  // namespace

bool cpu_has_bf16() {
  static const bool has = [] {
    __builtin_cpu_init();
    return kernel_isa() == Isa::Avx512 && __builtin_cpu_supports("avx512bf16");
  }();
  return has;
}

AlignedWords pack_b_pairs(const GemmB& b) {
  const int pairs = (b.k + 1) / 2;
  AlignedWords out(size_t(pairs) * size_t(b.ld), 0u);
  // Round to nearest even, as the hardware converts A (vcvtne2ps2bf16); no NaN in weights.
  auto bf16 = [](float f) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    return (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  };
  for (int kp = 0; kp < pairs; ++kp)
    for (int j = 0; j < b.ld; ++j) {
      const uint32_t lo = bf16(b.values[int64_t{2 * kp} * b.ld + j]);
      const uint32_t hi = 2 * kp + 1 < b.k ? bf16(b.values[int64_t{2 * kp + 1} * b.ld + j]) : 0u;
      out[size_t(kp) * size_t(b.ld) + size_t(j)] = lo | (hi << 16);
    }
  return out;
}

DCNN_BF16_TARGET void gather_gemm_bf16(const float* a, int64_t stride, const int32_t* index, int m,
                                       const GemmB& b, float* c, int ldc, const GemmEpilogue* ep) {
  if (m <= 0 || b.ld == 0) return;
  const int pairs = (b.k + 1) / 2;
  const int64_t la = (pairs + 15) / 16 * 16;  // words per converted row, whole zmm
  uint32_t* ap = reinterpret_cast<uint32_t*>(scratch_floats(ScratchSlot::Pairs, size_t(kRowBlock) * size_t(la)));
  const int cols = (b.n + 7) / 8 * 8;  // <= ld; the last 8 columns of a half panel in a ymm
  for (int i0 = 0; i0 < m; i0 += kRowBlock) {
    const int rows = std::min(kRowBlock, m - i0);
    float* outs[kRowBlock];
    for (int r = 0; r < rows; ++r) {
      const int i = i0 + r;
      to_pairs(a + (index ? int64_t{index[i]} : int64_t{i}) * stride, b.k, ap + r * la);
      outs[r] = ep ? ep->dst + (ep->dst_rows ? int64_t{ep->dst_rows[i]} : int64_t{i}) * ep->ld_dst : nullptr;
    }
    float* cb = c + int64_t{i0} * ldc;
    for (int p0 = 0; p0 < pairs; p0 += kChunkPairs) {
      const int p1 = std::min(pairs, p0 + kChunkPairs);
      all_columns(ap, la, rows, b, cols, p0, p1, pairs, cb, ldc, ep, outs);
    }
  }
}

}  // namespace dcnn::cpu
