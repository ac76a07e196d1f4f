#include "kernels/cpu/depthwise.h"

#include <omp.h>

#include <algorithm>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/isa.h"
#include "kernels/cpu/simd_vectors.h"

namespace dcnn::cpu {
namespace {

// Channels accumulated in registers across all taps before the output is stored: 32 floats are
// two AVX-512 or four AVX2 registers, so the compiler keeps the whole block in registers and the
// output is written once instead of once per tap.
constexpr int kChannelBlock = 32;

// First and one-past-last kernel index whose input coordinate origin + k*dil lies in [0, size).
inline void valid_taps(int origin, int dil, int k, int size, int& lo, int& hi) {
  lo = origin >= 0 ? 0 : (-origin + dil - 1) / dil;
  hi = size - origin <= 0 ? 0 : (size - origin + dil - 1) / dil;
  lo = std::min(lo, k);
  hi = std::clamp(hi, lo, k);
}

// Channels [c0, c0 + N) of one pixel over its valid taps, accumulated in registers and stored
// once.
template <int N>
__attribute__((always_inline)) inline void pixel_block(const ConvGeometry& g, const float* __restrict w,
                                                       const float* __restrict bias, const float* __restrict in,
                                                       int iy0, int ix0, int ky_lo, int ky_hi, int kx_lo, int kx_hi,
                                                       int c0, float* __restrict out) {
  const int c_total = g.cin;
  float acc[N];
  for (int j = 0; j < N; ++j) acc[j] = bias ? bias[c0 + j] : 0.f;
  for (int ky = ky_lo; ky < ky_hi; ++ky) {
    const int iy = iy0 + ky * g.dil_h;
    for (int kx = kx_lo; kx < kx_hi; ++kx) {
      const int ix = ix0 + kx * g.dil_w;
      const float* __restrict src = in + (int64_t{iy} * g.in_w + ix) * c_total + c0;
      const float* __restrict wt = w + int64_t{ky * g.kw + kx} * c_total + c0;
      for (int j = 0; j < N; ++j) acc[j] += src[j] * wt[j];
    }
  }
  for (int j = 0; j < N; ++j) out[c0 + j] = acc[j];
}

// One output pixel, all channels. out starts at bias (or 0) and gets every valid tap added.
// Blocks of kChannelBlock, then of 8 (a 24-channel map is all remainder after the 32s: the
// scalar loop below cost 3x), then the rest in place.
__attribute__((always_inline)) inline void depthwise_pixel(const ConvGeometry& g, const float* __restrict w,
                                                           const float* __restrict bias, const float* __restrict in,
                                                           int oy, int ox, float* __restrict out) {
  const int c_total = g.cin;
  const int iy0 = oy * g.stride_h - g.pad_top;
  const int ix0 = ox * g.stride_w - g.pad_left;
  int ky_lo, ky_hi, kx_lo, kx_hi;
  valid_taps(iy0, g.dil_h, g.kh, g.in_h, ky_lo, ky_hi);
  valid_taps(ix0, g.dil_w, g.kw, g.in_w, kx_lo, kx_hi);

  int c0 = 0;
  for (; c0 + kChannelBlock <= c_total; c0 += kChannelBlock)
    pixel_block<kChannelBlock>(g, w, bias, in, iy0, ix0, ky_lo, ky_hi, kx_lo, kx_hi, c0, out);
  for (; c0 + 8 <= c_total; c0 += 8) pixel_block<8>(g, w, bias, in, iy0, ix0, ky_lo, ky_hi, kx_lo, kx_hi, c0, out);
  if (c0 == c_total) return;
  // Remaining channels (fewer than 8): accumulate in place.
  for (int c = c0; c < c_total; ++c) out[c] = bias ? bias[c] : 0.f;
  for (int ky = ky_lo; ky < ky_hi; ++ky) {
    const int iy = iy0 + ky * g.dil_h;
    for (int kx = kx_lo; kx < kx_hi; ++kx) {
      const int ix = ix0 + kx * g.dil_w;
      const float* __restrict src = in + (int64_t{iy} * g.in_w + ix) * c_total;
      const float* __restrict wt = w + int64_t{ky * g.kw + kx} * c_total;
      for (int c = c0; c < c_total; ++c) out[c] += src[c] * wt[c];
    }
  }
}

// Four consecutive output pixels of one row whose windows lie inside the input on every tap,
// all channels: the kernel behind every list and row of the hot loops. Per tap and block of 16
// channels the weights are loaded once for the four pixels, so the loop issues 1.25 loads per
// FMA instead of the single pixel's 2 (it was load-bound: 1.66x oneDNN's time on a 3x3 C144
// map). 4 x 16 accumulators are 4 AVX-512 or 8 AVX2 registers.
constexpr int kQuad = 4;

// The quad kernel's vectors: one register of each ISA's width (simd_vectors.h; isa.h says why
// not one 64-byte type through target_clones). The pop is after the per-ISA functions.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
using simd::V16;
using simd::V8;
using simd::V4;

// Whether output pixels ox0 .. ox0+3 of row oy exist and every tap of their windows lies inside
// the input: what the quad kernel needs.
inline bool quad_fits(const ConvGeometry& g, int oy, int ox0) {
  const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox0 * g.stride_w - g.pad_left;
  return ox0 + kQuad <= g.out_w && iy0 >= 0 && iy0 + (g.kh - 1) * g.dil_h < g.in_h && ix0 >= 0 &&
         ix0 + (kQuad - 1) * g.stride_w + (g.kw - 1) * g.dil_w < g.in_w;
}

// Channels [c0, c0 + P * lanes(V)) of the four pixels: 4 x P accumulators.
template <typename V, int P>
__attribute__((always_inline)) inline void quad_block(const ConvGeometry& g, const float* __restrict w,
                                                      const float* __restrict bias, const float* origin,
                                                      int64_t pixel_step, int c0, float* __restrict out,
                                                      int64_t out_step) {
  constexpr int L = simd::lanes<V>();
  const int c_total = g.cin;
  V acc[kQuad][P];
  for (int q = 0; q < P; ++q) {
    const V start = bias ? simd::load<V>(bias + c0 + q * L) : V{};
    for (int p = 0; p < kQuad; ++p) acc[p][q] = start;
  }
  for (int ky = 0; ky < g.kh; ++ky) {
    const float* row = origin + int64_t{ky} * g.dil_h * g.in_w * c_total + c0;
    const float* wrow = w + int64_t{ky} * g.kw * c_total + c0;
    for (int kx = 0; kx < g.kw; ++kx) {
      const float* src = row + int64_t{kx} * g.dil_w * c_total;
      for (int q = 0; q < P; ++q) {
        const V wt = simd::load<V>(wrow + int64_t{kx} * c_total + q * L);
        for (int p = 0; p < kQuad; ++p) acc[p][q] += simd::load<V>(src + p * pixel_step + q * L) * wt;
      }
    }
  }
  for (int p = 0; p < kQuad; ++p)
    for (int q = 0; q < P; ++q) simd::store<V>(out + p * out_step + c0 + q * L, acc[p][q]);
}

// out: four rows of cout floats, out_step apart. Channels in blocks of P vectors V (P * lanes
// channels: 16 on AVX-512 and AVX2, 8 on the baseline), then one vector, then 8 and 4 where V is
// wider (MoveNet's 24-channel decoder and heads: a block of 8 instead of the scalar tap-by-tap
// loop, which made 24 channels cost 3x 32 per pixel, 4.9 against 1.6 us per 128 listed pixels),
// then fewer than 4 tap by tap.
template <typename V, int P>
__attribute__((always_inline)) inline void depthwise_quad(const ConvGeometry& g, const float* __restrict w,
                                                          const float* __restrict bias,
                                                          const float* __restrict in, int oy, int ox0,
                                                          float* __restrict out, int64_t out_step) {
  constexpr int L = simd::lanes<V>();
  const int c_total = g.cin;
  const int iy0 = oy * g.stride_h - g.pad_top;
  const int ix0 = ox0 * g.stride_w - g.pad_left;
  const int64_t pixel_step = int64_t{g.stride_w} * c_total;  // between the four windows
  const float* origin = in + (int64_t{iy0} * g.in_w + ix0) * c_total;
  int c0 = 0;
  for (; c0 + P * L <= c_total; c0 += P * L) quad_block<V, P>(g, w, bias, origin, pixel_step, c0, out, out_step);
  if constexpr (P > 1)
    for (; c0 + L <= c_total; c0 += L) quad_block<V, 1>(g, w, bias, origin, pixel_step, c0, out, out_step);
  if constexpr (L > 8)
    if (c0 + 8 <= c_total) quad_block<V8, 1>(g, w, bias, origin, pixel_step, c0, out, out_step), c0 += 8;
  if constexpr (L > 4)
    if (c0 + 4 <= c_total) quad_block<V4, 1>(g, w, bias, origin, pixel_step, c0, out, out_step), c0 += 4;
  if (c0 == c_total) return;
  for (int p = 0; p < kQuad; ++p) {
    float* __restrict o = out + p * out_step;
    for (int c = c0; c < c_total; ++c) o[c] = bias ? bias[c] : 0.f;
    for (int ky = 0; ky < g.kh; ++ky)
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* __restrict src =
            origin + p * pixel_step + (int64_t{ky} * g.dil_h * g.in_w + int64_t{kx} * g.dil_w) * c_total;
        const float* __restrict wt = w + int64_t{ky * g.kw + kx} * c_total;
        for (int c = c0; c < c_total; ++c) o[c] += src[c] * wt[c];
      }
  }
}

int64_t depthwise_flops(const ConvGeometry& g, int64_t pixels) {
  return 2 * pixels * g.kh * g.kw * g.cin;
}

// Whether listed pixels i .. i+3 (the first at oy, ox) are four consecutive pixels of one row
// that the quad kernel can take (lists need not be sorted).
inline bool is_quad(const ConvGeometry& g, const int32_t* pixels, int n, int i, int oy, int ox) {
  if (i + kQuad > n) return false;
  for (int k = 1; k < kQuad; ++k)
    if (pixels[i + k] != pixels[i] + k) return false;
  return quad_fits(g, oy, ox);
}

// Output rows oy0 .. oy1-1, every pixel.
template <typename V, int P>
__attribute__((always_inline)) inline void rows_impl(const ConvGeometry& g, const float* w, const float* bias,
                                                     const float* in, int oy0, int oy1, float* out) {
  for (int oy = oy0; oy < oy1; ++oy) {
    float* row = out + int64_t{oy} * g.out_w * g.cout;
    for (int ox = 0; ox < g.out_w;) {
      if (quad_fits(g, oy, ox)) {
        depthwise_quad<V, P>(g, w, bias, in, oy, ox, row + int64_t{ox} * g.cout, g.cout);
        ox += kQuad;
      } else {
        depthwise_pixel(g, w, bias, in, oy, ox, row + int64_t{ox} * g.cout);
        ++ox;
      }
    }
  }
}

// The n listed pixels, no bias; pixel i's row goes to out + i * cout (Compact) or to its own
// place out + pixels[i] * cout. Runs of four consecutive pixels of one row (candidate lists are
// ascending and mostly runs) take the quad kernel; the last 1-3 pixels of a run of four or more
// go as one quad ending at the run's end, which recomputes up to three pixels already written
// (the same values: quads and single pixels sum the same taps in the same order), at the cost of
// a quad instead of up to three single pixels at 2.5-3x a quad pixel's cost each; the rest
// (short runs, windows over the border) go one by one.
template <typename V, int P, bool Compact>
__attribute__((always_inline)) inline void listed_impl(const ConvGeometry& g, const float* w, const float* in,
                                                       const int32_t* pixels, int n, float* out) {
  int run_start = 0;  // first list index of the current run of consecutive pixels of one row
  for (int i = 0; i < n;) {
    const int p = pixels[i];
    const int oy = p / g.out_w, ox = p % g.out_w;
    if (i == 0 || pixels[i - 1] != p - 1 || ox == 0) run_start = i;
    float* dst = out + int64_t{Compact ? i : p} * g.cout;
    if (is_quad(g, pixels, n, i, oy, ox)) {
      depthwise_quad<V, P>(g, w, nullptr, in, oy, ox, dst, g.cout);
      i += kQuad;
      continue;
    }
    // The run's tail: how many pixels are left in it from i.
    int left = 1;
    while (left < kQuad - 1 && i + left < n && pixels[i + left] == p + left && ox + left < g.out_w) ++left;
    const int back = kQuad - left;  // pixels of the run before i the tail quad recomputes
    if (i - back >= run_start && (i + left == n || pixels[i + left] != p + left || ox + left == g.out_w) &&
        quad_fits(g, oy, ox - back)) {
      depthwise_quad<V, P>(g, w, nullptr, in, oy, ox - back, out + int64_t{Compact ? i - back : p - back} * g.cout,
                           g.cout);
      i += left;
      continue;
    }
    depthwise_pixel(g, w, nullptr, in, oy, ox, dst);
    ++i;
  }
}

// One function per ISA and entry point (isa.h): AVX-512 one 16-float vector per block, AVX2
// two 8-float ones (8 accumulators, as the 16-float block had there), the baseline two 4-float.
#define DCNN_DEPTHWISE_VARIANTS(SUFFIX, TARGET, V, P)                                                            \
  TARGET void rows_##SUFFIX(const ConvGeometry& g, const float* w, const float* bias, const float* in, int oy0,   \
                            int oy1, float* out) {                                                               \
    rows_impl<V, P>(g, w, bias, in, oy0, oy1, out);                                                              \
  }                                                                                                              \
  TARGET void list_##SUFFIX(const ConvGeometry& g, const float* w, const float* in, const int32_t* pixels, int n, \
                            float* out) {                                                                        \
    listed_impl<V, P, false>(g, w, in, pixels, n, out);                                                          \
  }                                                                                                              \
  TARGET void compact_##SUFFIX(const ConvGeometry& g, const float* w, const float* in, const int32_t* pixels,     \
                               int n, float* rows) {                                                             \
    listed_impl<V, P, true>(g, w, in, pixels, n, rows);                                                          \
  }
DCNN_DEPTHWISE_VARIANTS(avx512, __attribute__((target("arch=x86-64-v4"))), V16, 1)
DCNN_DEPTHWISE_VARIANTS(avx2, __attribute__((target("arch=x86-64-v3"))), V8, 2)
DCNN_DEPTHWISE_VARIANTS(baseline, , V4, 2)
#undef DCNN_DEPTHWISE_VARIANTS

#pragma GCC diagnostic pop

void depthwise_rows(const ConvGeometry& g, const float* w, const float* bias, const float* in, int oy0, int oy1,
                    float* out) {
  switch (kernel_isa()) {
    case Isa::Avx512: return rows_avx512(g, w, bias, in, oy0, oy1, out);
    case Isa::Avx2: return rows_avx2(g, w, bias, in, oy0, oy1, out);
    case Isa::Baseline: break;
  }
  rows_baseline(g, w, bias, in, oy0, oy1, out);
}

void depthwise_list(const ConvGeometry& g, const float* w, const float* in, const int32_t* pixels, int n,
                    float* out) {
  switch (kernel_isa()) {
    case Isa::Avx512: return list_avx512(g, w, in, pixels, n, out);
    case Isa::Avx2: return list_avx2(g, w, in, pixels, n, out);
    case Isa::Baseline: break;
  }
  list_baseline(g, w, in, pixels, n, out);
}

void depthwise_compact(const ConvGeometry& g, const float* w, const float* in, const int32_t* pixels, int n,
                       float* rows) {
  switch (kernel_isa()) {
    case Isa::Avx512: return compact_avx512(g, w, in, pixels, n, rows);
    case Isa::Avx2: return compact_avx2(g, w, in, pixels, n, rows);
    case Isa::Baseline: break;
  }
  compact_baseline(g, w, in, pixels, n, rows);
}

}  // namespace

void depthwise_rows_of(const ConvGeometry& g, const float* w, const float* in, const int32_t* pixels, int n,
                       float* rows) {
  depthwise_compact(g, w, in, pixels, n, rows);
}

void depthwise_dense_rows(const ConvGeometry& g, const float* w, const float* bias, const float* in, int oy0,
                          int oy1, float* out) {
  depthwise_rows(g, w, bias, in, oy0, oy1, out);
}

void depthwise_dense(const ConvGeometry& g, const float* w, const float* bias, const float* in,
                     float* out) {
  const int threads = std::min(threads_for_flops(depthwise_flops(g, int64_t{g.out_h} * g.out_w)), g.out_h);
  if (threads <= 1) {
    depthwise_rows(g, w, bias, in, 0, g.out_h, out);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    depthwise_rows(g, w, bias, in, g.out_h * t / nt, g.out_h * (t + 1) / nt, out);
  }
}

void depthwise_sparse(const ConvGeometry& g, const float* w, const float* in,
                      const int32_t* pixels, int n, float* out) {
  const int threads = std::min(threads_for_flops(depthwise_flops(g, n)), n);
  if (threads <= 1) {
    depthwise_list(g, w, in, pixels, n, out);
    return;
  }
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    const int i0 = int(int64_t{n} * t / nt), i1 = int(int64_t{n} * (t + 1) / nt);
    depthwise_list(g, w, in, pixels + i0, i1 - i0, out);
  }
}

}  // namespace dcnn::cpu
