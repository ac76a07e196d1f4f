#include "kernels/cpu/gather_gemm.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {
namespace {

// GCC generic vectors: one zmm in the AVX-512 clone, two ymm in the AVX2 one, four xmm in the
// baseline. aligned(4): loads and stores at any float address.
typedef float v16 __attribute__((vector_size(64), aligned(4)));

// Always inlined into the clones: an out-of-line copy would be built for the baseline ISA and
// pass vectors in memory (GCC's -Wpsabi note about the ABI of 64-byte vectors is about that
// copy, which never exists).
#pragma GCC diagnostic ignored "-Wpsabi"
inline __attribute__((always_inline)) v16 load(const float* p) { return *reinterpret_cast<const v16*>(p); }
inline __attribute__((always_inline)) void store(float* p, v16 v) { *reinterpret_cast<v16*>(p) = v; }

// K is walked in chunks of kChunkK so that the B panel a row block reads (kChunkK x 32 floats,
// 32 KiB) stays in L1 while the rows go past, and the rows' chunk (a few hundred rows of
// kChunkK) in L2: B of a stride-32 projection (1440 x 480) is 2.7 MB, and read whole for every
// 4 rows it made the kernel memory-bound (1.8x slower than sgemm on block_16_project).
constexpr int kChunkK = 256;

// R rows (pointers a[0..R)) times columns [j, j + 16 * P) of B over k in [k0, k1), into C:
// accumulators start at 0 on the first chunk and at C's partial sums after it. Every element is
// summed in k order, whatever R, P and the chunking, so a row's result does not depend on the
// rows it is blocked with.
template <int R, int P>
inline __attribute__((always_inline)) void rows_panel(const float* const* a, const PaddedB& b, int j, int k0,
                                                      int k1, float* c, int ldc) {
  const int ld = b.ld;
  const float* bv = b.values.data() + j;
  v16 acc[R][P];
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < P; ++q) acc[r][q] = k0 == 0 ? v16{} : load(c + int64_t{r} * ldc + j + 16 * q);
  for (int kk = k0; kk < k1; ++kk) {
    v16 bq[P];
    for (int q = 0; q < P; ++q) bq[q] = load(bv + int64_t{kk} * ld + 16 * q);
    for (int r = 0; r < R; ++r) {
      const float s = a[r][kk];
      for (int q = 0; q < P; ++q) acc[r][q] += s * bq[q];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < P; ++q) store(c + int64_t{r} * ldc + j + 16 * q, acc[r][q]);
}

template <int R, int P>
inline __attribute__((always_inline)) void panel_all_rows(const float* a, int64_t stride, const int32_t* index,
                                                          int m, const PaddedB& b, int j, int k0, int k1,
                                                          float* c, int ldc) {
  auto row = [&](int i) { return a + (index ? int64_t{index[i]} : int64_t{i}) * stride; };
  int i = 0;
  for (; i + R <= m; i += R) {
    const float* rows[R];
    for (int r = 0; r < R; ++r) rows[r] = row(i + r);
    rows_panel<R, P>(rows, b, j, k0, k1, c + int64_t{i} * ldc, ldc);
  }
  for (; i < m; ++i) {
    const float* rows[1] = {row(i)};
    rows_panel<1, P>(rows, b, j, k0, k1, c + int64_t{i} * ldc, ldc);
  }
}

// R rows per block: 8 x 2 panels is 16 accumulators plus 2 B vectors of the 32 zmm registers
// AVX-512 has; AVX2's 16 ymm hold half a v16 each, so there 4 x 2 (16 ymm of accumulators
// already) is the most that does not spill. Both are built for every ISA (target clones); the
// caller picks by the CPU.
template <int R>
DCNN_SIMD_CLONES void gather_gemm_loop(const float* a, int64_t stride, const int32_t* index, int m,
                                       const PaddedB& b, float* c, int ldc) {
  for (int k0 = 0; k0 < b.k; k0 += kChunkK) {
    const int k1 = std::min(b.k, k0 + kChunkK);
    int j = 0;
    for (; j + 32 <= b.ld; j += 32) panel_all_rows<R, 2>(a, stride, index, m, b, j, k0, k1, c, ldc);
    if (j < b.ld) panel_all_rows<R, 1>(a, stride, index, m, b, j, k0, k1, c, ldc);
  }
}

bool has_avx512() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes;
}

}  // namespace

PaddedB pad_b(const float* b, int k, int n, int ldb) {
  PaddedB p;
  p.k = k;
  p.n = n;
  p.ld = (n + 15) / 16 * 16;
  p.values.assign(size_t(k) * size_t(p.ld), 0.f);
  for (int kk = 0; kk < k; ++kk)
    std::copy(b + int64_t{kk} * ldb, b + int64_t{kk} * ldb + n, p.values.begin() + int64_t{kk} * p.ld);
  return p;
}

void gather_gemm(const float* a, int64_t stride, const int32_t* index, int m, const PaddedB& b, float* c,
                 int ldc) {
  if (m <= 0 || b.ld == 0) return;
  if (has_avx512())
    gather_gemm_loop<8>(a, stride, index, m, b, c, ldc);
  else
    gather_gemm_loop<4>(a, stride, index, m, b, c, ldc);
}

}  // namespace dcnn::cpu
