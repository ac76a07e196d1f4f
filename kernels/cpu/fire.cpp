#include "kernels/cpu/fire.h"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include <immintrin.h>

#include "kernels/cpu/isa.h"
#include "kernels/cpu/scratch.h"
#include "kernels/cpu/simd_dispatch.h"

#pragma GCC diagnostic ignored "-Wpsabi"  // the per-ISA helpers are always inlined (simd_vectors.h)
// GCC 12's _mm512_max_ps / _mm512_min_ps pass _mm512_undefined_ps() as the unused merge source,
// which its own -Wmaybe-uninitialized then reports at every inlined call (a false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace dcnn::cpu {
namespace {

using kern::ActFn;

// Threads for a fire step over n pixels of c values that its caller runs outside any parallel
// region (the elementwise ops, the dense forms) on maps mostly out of cache: one thread alone
// is held to its share of the memory bandwidth. Below 64Ki values a second thread's fork/join
// costs about what it saves; inside a parallel region it stays on the calling thread.
int fire_threads(int n, int c) {
  return int64_t{n} * c >= (int64_t{1} << 16) && !omp_in_parallel() ? omp_get_max_threads() : 1;
}

// The stored row of the pixel kPrefetchAhead ahead, so that its loads do not wait on memory.
// (Plain code, inlined into every ISA's loop; the prefetch instruction is in the baseline ISA.)
constexpr int kPrefetchAhead = 6;
inline __attribute__((always_inline)) void prefetch_row(const float* row, int c) {
  for (int j = 0; j < c; j += 16) __builtin_prefetch(row + j, 0, 3);
  __builtin_prefetch(row + c - 1, 0, 3);
}

// The activation kind is a template argument so each loop vectorises (as in activation.cpp).
// AtPixels: row i is at rows + pixels[i] * ld (a full-size map) instead of rows + i * ld.
template <ActFn F, bool AtPixels>
DCNN_SIMD_CLONES int fire_loop(const float* rows, int64_t ld, const int32_t* pixels, int n, int c,
                               const float* bias, float eps, float* stored, uint8_t* fired, float alpha,
                               float beta, const float* residual) {
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const float* __restrict r = rows + (AtPixels ? int64_t{pixels[i]} : int64_t{i}) * ld;
    float* __restrict s = stored + int64_t{pixels[i]} * c;
    const float* __restrict res = residual ? residual + int64_t{pixels[i]} * c : nullptr;
    if (i + kPrefetchAhead < n) prefetch_row(stored + int64_t{pixels[i + kPrefetchAhead]} * c, c);
    // Two passes over the row (it is in cache): whether any channel changed by more than eps
    // (max over channels > eps), then, only for a pixel that fires, the same values again into
    // the stored map. The test is an OR of comparisons under `omp simd`: written as a running
    // float max, GCC kept it scalar (no reassociation without -ffast-math; 5 % of a MultiPose
    // run, all vmaxss).
    int over = 0;
#pragma omp simd reduction(| : over)
    for (int j = 0; j < c; ++j) {
      const float a = kern::activate_as<F>(bias ? r[j] + bias[j] : r[j], alpha, beta);
      const float v = res ? a + res[j] : a;
      over |= std::fabs(v - s[j]) > eps;
    }
    if (over) {
      for (int j = 0; j < c; ++j) {
        const float a = kern::activate_as<F>(bias ? r[j] + bias[j] : r[j], alpha, beta);
        s[j] = res ? a + res[j] : a;
      }
      fired[pixels[i]] = 1;
      ++count;
    }
  }
  return count;
}

// The fire loops of the activations with a vector form (Identity, Relu, Clip: every conv's,
// pair's and block's fire step in the shipped models), per ISA with intrinsics. GCC's omp simd
// loop above reduces the channel test to a scalar per pixel through a chain of shuffles (and a
// stack spill) and does the channels past the last whole vector one by one, which on the 24-,
// 40- and 17/34-channel maps of the projections and heads was about a third of the fire step's
// samples (perf, MultiPose vtest). Here the test is a mask OR (AVX-512) or a movemask (AVX2),
// the last channels are masked loads, and the test stops at the first channel over eps: the
// stored values it would still read are about to be overwritten. Same values as activate_as
// (max / min with the same operand order as maxf / minf) and the same comparison (NaN: no fire).
#define DCNN_V4 __attribute__((target("arch=x86-64-v4"), always_inline)) inline
#define DCNN_V3 __attribute__((target("arch=x86-64-v3"), always_inline)) inline

// One vector of a pixel's values from channel j: bias, activation (k: the lanes that exist).
// res (may be null): the residual row added after the activation (fire.h).
template <ActFn F>
DCNN_V4 __m512 value16(const float* r, const float* bias, const float* res, int j, __mmask16 k, __m512 lo,
                       __m512 hi) {
  __m512 v = _mm512_maskz_loadu_ps(k, r + j);
  if (bias) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, bias + j));
  if constexpr (F == ActFn::Relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
  if constexpr (F == ActFn::Clip) v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
  if (res) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(k, res + j));
  return v;
}
DCNN_V4 __mmask16 over16(__m512 v, const float* s, int j, __mmask16 k, __m512 eps) {
  return _mm512_mask_cmp_ps_mask(k, _mm512_abs_ps(_mm512_sub_ps(v, _mm512_maskz_loadu_ps(k, s + j))), eps,
                                 _CMP_GT_OQ);
}

template <ActFn F, bool AtPixels>
__attribute__((target("arch=x86-64-v4"))) int fire_avx512(const float* rows, int64_t ld, const int32_t* pixels,
                                                          int n, int c, const float* bias, float eps, float* stored,
                                                          uint8_t* fired, float alpha, float beta,
                                                          const float* residual) {
  const __m512 lo = _mm512_set1_ps(alpha), hi = _mm512_set1_ps(beta), e = _mm512_set1_ps(eps);
  const int whole = c & ~15;
  const __mmask16 all = 0xFFFF, tail = __mmask16((1u << (c & 15)) - 1u);
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const float* r = rows + (AtPixels ? int64_t{pixels[i]} : int64_t{i}) * ld;
    float* s = stored + int64_t{pixels[i]} * c;
    const float* res = residual ? residual + int64_t{pixels[i]} * c : nullptr;
    if (i + kPrefetchAhead < n) prefetch_row(stored + int64_t{pixels[i + kPrefetchAhead]} * c, c);
    __mmask16 any = 0;
    for (int j = 0; j < whole && !any; j += 16) any = over16(value16<F>(r, bias, res, j, all, lo, hi), s, j, all, e);
    if (!any && tail) any = over16(value16<F>(r, bias, res, whole, tail, lo, hi), s, whole, tail, e);
    if (!any) continue;
    for (int j = 0; j < whole; j += 16) _mm512_storeu_ps(s + j, value16<F>(r, bias, res, j, all, lo, hi));
    if (tail) _mm512_mask_storeu_ps(s + whole, tail, value16<F>(r, bias, res, whole, tail, lo, hi));
    fired[pixels[i]] = 1;
    ++count;
  }
  return count;
}

// AVX2: the last channels through maskload / maskstore (mask: all bits set where a lane exists;
// masked-off lanes load as 0 in both operands, so they never count as over).
template <ActFn F>
DCNN_V3 __m256 value8(const float* r, const float* bias, const float* res, int j, __m256i k, bool masked, __m256 lo,
                      __m256 hi) {
  __m256 v = masked ? _mm256_maskload_ps(r + j, k) : _mm256_loadu_ps(r + j);
  if (bias) v = _mm256_add_ps(v, masked ? _mm256_maskload_ps(bias + j, k) : _mm256_loadu_ps(bias + j));
  if constexpr (F == ActFn::Relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
  if constexpr (F == ActFn::Clip) v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
  if (res) v = _mm256_add_ps(v, masked ? _mm256_maskload_ps(res + j, k) : _mm256_loadu_ps(res + j));
  return v;
}
DCNN_V3 int over8(__m256 v, const float* s, int j, __m256i k, bool masked, __m256 eps) {
  const __m256 old = masked ? _mm256_maskload_ps(s + j, k) : _mm256_loadu_ps(s + j);
  const __m256 diff = _mm256_andnot_ps(_mm256_set1_ps(-0.f), _mm256_sub_ps(v, old));
  return _mm256_movemask_ps(_mm256_cmp_ps(diff, eps, _CMP_GT_OQ));
}

template <ActFn F, bool AtPixels>
__attribute__((target("arch=x86-64-v3"))) int fire_avx2(const float* rows, int64_t ld, const int32_t* pixels, int n,
                                                        int c, const float* bias, float eps, float* stored,
                                                        uint8_t* fired, float alpha, float beta,
                                                        const float* residual) {
  const __m256 lo = _mm256_set1_ps(alpha), hi = _mm256_set1_ps(beta), e = _mm256_set1_ps(eps);
  const int whole = c & ~7, left = c & 7;
  const __m256i tail = _mm256_cmpgt_epi32(_mm256_set1_epi32(left), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const float* r = rows + (AtPixels ? int64_t{pixels[i]} : int64_t{i}) * ld;
    float* s = stored + int64_t{pixels[i]} * c;
    const float* res = residual ? residual + int64_t{pixels[i]} * c : nullptr;
    if (i + kPrefetchAhead < n) prefetch_row(stored + int64_t{pixels[i + kPrefetchAhead]} * c, c);
    int any = 0;
    for (int j = 0; j < whole && !any; j += 8)
      any = over8(value8<F>(r, bias, res, j, tail, false, lo, hi), s, j, tail, false, e);
    if (!any && left) any = over8(value8<F>(r, bias, res, whole, tail, true, lo, hi), s, whole, tail, true, e);
    if (!any) continue;
    for (int j = 0; j < whole; j += 8) _mm256_storeu_ps(s + j, value8<F>(r, bias, res, j, tail, false, lo, hi));
    if (left) _mm256_maskstore_ps(s + whole, tail, value8<F>(r, bias, res, whole, tail, true, lo, hi));
    fired[pixels[i]] = 1;
    ++count;
  }
  return count;
}

#undef DCNN_V4
#undef DCNN_V3

// The ISA's loop for F where it has one, else the generic one.
template <ActFn F, bool AtPixels>
int fire_on_isa(const float* rows, int64_t ld, const int32_t* pixels, int n, int c, const float* bias, float eps,
                float* stored, uint8_t* fired, float alpha, float beta, const float* residual) {
  if constexpr (F == ActFn::Identity || F == ActFn::Relu || F == ActFn::Clip) {
    switch (kernel_isa()) {
      case Isa::Avx512: return fire_avx512<F, AtPixels>(rows, ld, pixels, n, c, bias, eps, stored, fired, alpha, beta, residual);
      case Isa::Avx2: return fire_avx2<F, AtPixels>(rows, ld, pixels, n, c, bias, eps, stored, fired, alpha, beta, residual);
      case Isa::Baseline: break;
    }
  }
  return fire_loop<F, AtPixels>(rows, ld, pixels, n, c, bias, eps, stored, fired, alpha, beta, residual);
}

template <bool AtPixels>
int fire_dispatch(const kern::ActSpec& a, const float* rows, int64_t ld, const int32_t* pixels, int n, int c,
                  const float* bias, float eps, float* stored, uint8_t* fired, const float* residual) {
#define DCNN_FIRE_CASE(K) \
  case ActFn::K: return fire_on_isa<ActFn::K, AtPixels>(rows, ld, pixels, n, c, bias, eps, stored, fired, a.alpha, a.beta, residual);
  switch (a.fn) {
    DCNN_FIRE_CASE(Identity)
    DCNN_FIRE_CASE(Relu)
    DCNN_FIRE_CASE(Clip)
    DCNN_FIRE_CASE(LeakyRelu)
    DCNN_FIRE_CASE(Sigmoid)
    DCNN_FIRE_CASE(HardSigmoid)
    DCNN_FIRE_CASE(HardSwish)
  }
#undef DCNN_FIRE_CASE
  return 0;
}

}  // namespace

int fire_rows(const kern::ActSpec& a, const float* rows, int64_t ld, const int32_t* pixels, int n, int c,
              const float* bias, float eps, float* stored, uint8_t* fired, const float* residual) {
  return fire_dispatch<false>(a, rows, ld, pixels, n, c, bias, eps, stored, fired, residual);
}

int fire_at_pixels(const kern::ActSpec& a, const float* values, const int32_t* pixels, int n, int c, float eps,
                   float* stored, uint8_t* fired, const float* residual) {
  // Pixels are distinct, so the threads' stores and flags never meet.
  const int threads = fire_threads(n, c);
  if (threads <= 1) return fire_dispatch<true>(a, values, c, pixels, n, c, nullptr, eps, stored, fired, residual);
  int total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total)
  for (int t = 0; t < threads; ++t) {
    const int i0 = int(int64_t{n} * t / threads), i1 = int(int64_t{n} * (t + 1) / threads);
    total += fire_dispatch<true>(a, values, c, pixels + i0, i1 - i0, c, nullptr, eps, stored, fired, residual);
  }
  return total;
}

int fire_computed(const kern::ActSpec& a, const RowsCompute& compute, const int32_t* pixels, int n, int c,
                  float eps, float* stored, uint8_t* fired, const float* residual) {
  if (n <= 0) return 0;
  constexpr int kBlock = 128;  // 128 rows: 32 KiB at 64 channels, in cache for the fire step
  const int blocks = (n + kBlock - 1) / kBlock;
  const int threads = std::min(fire_threads(n, c), blocks);
  int total = 0;
#pragma omp parallel for num_threads(threads) schedule(static) reduction(+ : total) if (threads > 1)
  for (int b = 0; b < blocks; ++b) {
    const int i0 = b * kBlock, m = std::min(kBlock, n - i0);
    float* rows = scratch_floats(ScratchSlot::Product, size_t(m) * size_t(c));
    compute(pixels + i0, m, rows);
    total += fire_dispatch<false>(a, rows, c, pixels + i0, m, c, nullptr, eps, stored, fired, residual);
  }
  return total;
}

}  // namespace dcnn::cpu
