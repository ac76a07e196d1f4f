#include "kernels/cpu/depthwise.h"

#include <omp.h>

#include <algorithm>

#include "kernels/cpu/gemm.h"
#include "kernels/cpu/simd_dispatch.h"

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

// One output pixel, all channels. out starts at bias (or 0) and gets every valid tap added.
__attribute__((always_inline)) inline void depthwise_pixel(const ConvGeometry& g, const float* __restrict w,
                            const float* __restrict bias, const float* __restrict in, int oy,
                            int ox, float* __restrict out) {
  const int c_total = g.cin;
  const int iy0 = oy * g.stride_h - g.pad_top;
  const int ix0 = ox * g.stride_w - g.pad_left;
  int ky_lo, ky_hi, kx_lo, kx_hi;
  valid_taps(iy0, g.dil_h, g.kh, g.in_h, ky_lo, ky_hi);
  valid_taps(ix0, g.dil_w, g.kw, g.in_w, kx_lo, kx_hi);

  int c0 = 0;
  for (; c0 + kChannelBlock <= c_total; c0 += kChannelBlock) {
    float acc[kChannelBlock];
    for (int j = 0; j < kChannelBlock; ++j) acc[j] = bias ? bias[c0 + j] : 0.f;
    for (int ky = ky_lo; ky < ky_hi; ++ky) {
      const int iy = iy0 + ky * g.dil_h;
      for (int kx = kx_lo; kx < kx_hi; ++kx) {
        const int ix = ix0 + kx * g.dil_w;
        const float* __restrict src = in + (int64_t{iy} * g.in_w + ix) * c_total + c0;
        const float* __restrict wt = w + int64_t{ky * g.kw + kx} * c_total + c0;
        for (int j = 0; j < kChannelBlock; ++j) acc[j] += src[j] * wt[j];
      }
    }
    for (int j = 0; j < kChannelBlock; ++j) out[c0 + j] = acc[j];
  }
  // Then blocks of 8 (a 24-channel map is all remainder): the scalar loop below cost 3x.
  for (; c0 + 8 <= c_total; c0 += 8) {
    float acc[8];
    for (int j = 0; j < 8; ++j) acc[j] = bias ? bias[c0 + j] : 0.f;
    for (int ky = ky_lo; ky < ky_hi; ++ky) {
      const int iy = iy0 + ky * g.dil_h;
      for (int kx = kx_lo; kx < kx_hi; ++kx) {
        const int ix = ix0 + kx * g.dil_w;
        const float* __restrict src = in + (int64_t{iy} * g.in_w + ix) * c_total + c0;
        const float* __restrict wt = w + int64_t{ky * g.kw + kx} * c_total + c0;
        for (int j = 0; j < 8; ++j) acc[j] += src[j] * wt[j];
      }
    }
    for (int j = 0; j < 8; ++j) out[c0 + j] = acc[j];
  }
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
constexpr int kQuadChannels = 16;

// 16 floats as one value: GCC keeps it in one AVX-512 or two AVX2 registers (or four SSE ones
// in the baseline clone), which the plain-array form of this loop did not get (it measured no
// faster than one pixel at a time). Loads and stores are unaligned.
// (-Wpsabi warns that the baseline clone would pass V16 differently from the AVX-512 one; the
// helpers are always inlined, so no V16 ever crosses a call. The pop is after depthwise_quad.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float V16 __attribute__((vector_size(64)));
__attribute__((always_inline)) inline V16 load16(const float* p) {
  V16 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
__attribute__((always_inline)) inline void store16(float* p, V16 v) { __builtin_memcpy(p, &v, sizeof v); }
// 8 floats for the channels left after the blocks of 16 (MoveNet's 24-channel decoder and heads):
// a block of 8 instead of the scalar tap-by-tap loop, which made a 24-channel map cost 3x a
// 32-channel one per pixel (4.9 against 1.6 us per 128 listed pixels, measured).
typedef float V8 __attribute__((vector_size(32)));
__attribute__((always_inline)) inline V8 load8(const float* p) {
  V8 v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
__attribute__((always_inline)) inline void store8(float* p, V8 v) { __builtin_memcpy(p, &v, sizeof v); }

// Whether output pixels ox0 .. ox0+3 of row oy exist and every tap of their windows lies inside
// the input: what the quad kernel needs.
inline bool quad_fits(const ConvGeometry& g, int oy, int ox0) {
  const int iy0 = oy * g.stride_h - g.pad_top, ix0 = ox0 * g.stride_w - g.pad_left;
  return ox0 + kQuad <= g.out_w && iy0 >= 0 && iy0 + (g.kh - 1) * g.dil_h < g.in_h && ix0 >= 0 &&
         ix0 + (kQuad - 1) * g.stride_w + (g.kw - 1) * g.dil_w < g.in_w;
}

// out: four rows of cout floats, out_step apart.
__attribute__((always_inline)) inline void depthwise_quad(const ConvGeometry& g, const float* __restrict w, const float* __restrict bias,
                           const float* __restrict in, int oy, int ox0, float* __restrict out,
                           int64_t out_step) {
  const int c_total = g.cin;
  const int iy0 = oy * g.stride_h - g.pad_top;
  const int ix0 = ox0 * g.stride_w - g.pad_left;
  const int64_t pixel_step = int64_t{g.stride_w} * c_total;  // between the four windows
  const float* __restrict origin = in + (int64_t{iy0} * g.in_w + ix0) * c_total;
  int c0 = 0;
  for (; c0 + kQuadChannels <= c_total; c0 += kQuadChannels) {
    V16 acc0, acc1, acc2, acc3;
    if (bias) {
      acc0 = load16(bias + c0);
    } else {
      acc0 = V16{};
    }
    acc1 = acc2 = acc3 = acc0;
    for (int ky = 0; ky < g.kh; ++ky) {
      const float* row = origin + int64_t{ky} * g.dil_h * g.in_w * c_total + c0;
      const float* wrow = w + int64_t{ky} * g.kw * c_total + c0;
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* src = row + int64_t{kx} * g.dil_w * c_total;
        const V16 wt = load16(wrow + int64_t{kx} * c_total);
        acc0 += load16(src) * wt;
        acc1 += load16(src + pixel_step) * wt;
        acc2 += load16(src + 2 * pixel_step) * wt;
        acc3 += load16(src + 3 * pixel_step) * wt;
      }
    }
    store16(out + c0, acc0);
    store16(out + out_step + c0, acc1);
    store16(out + 2 * out_step + c0, acc2);
    store16(out + 3 * out_step + c0, acc3);
  }
  if (c0 + 8 <= c_total) {
    V8 acc0, acc1, acc2, acc3;
    acc0 = bias ? load8(bias + c0) : V8{};
    acc1 = acc2 = acc3 = acc0;
    for (int ky = 0; ky < g.kh; ++ky) {
      const float* row = origin + int64_t{ky} * g.dil_h * g.in_w * c_total + c0;
      const float* wrow = w + int64_t{ky} * g.kw * c_total + c0;
      for (int kx = 0; kx < g.kw; ++kx) {
        const float* src = row + int64_t{kx} * g.dil_w * c_total;
        const V8 wt = load8(wrow + int64_t{kx} * c_total);
        acc0 += load8(src) * wt;
        acc1 += load8(src + pixel_step) * wt;
        acc2 += load8(src + 2 * pixel_step) * wt;
        acc3 += load8(src + 3 * pixel_step) * wt;
      }
    }
    store8(out + c0, acc0);
    store8(out + out_step + c0, acc1);
    store8(out + 2 * out_step + c0, acc2);
    store8(out + 3 * out_step + c0, acc3);
    c0 += 8;
  }
  if (c0 == c_total) return;
  // Remaining channels (fewer than 8), tap by tap.
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

#pragma GCC diagnostic pop

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
DCNN_SIMD_CLONES void depthwise_rows(const ConvGeometry& g, const float* w, const float* bias,
                                     const float* in, int oy0, int oy1, float* out) {
  for (int oy = oy0; oy < oy1; ++oy) {
    float* row = out + int64_t{oy} * g.out_w * g.cout;
    for (int ox = 0; ox < g.out_w;) {
      if (quad_fits(g, oy, ox)) {
        depthwise_quad(g, w, bias, in, oy, ox, row + int64_t{ox} * g.cout, g.cout);
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
// ascending and mostly runs) take the quad kernel; the rest go one by one. Always inlined: as a
// template GCC kept one out-of-line copy, compiled for the baseline ISA (SSE2), which every
// clone of its callers then called, so the listed depthwise ran 4-wide instead of 16-wide.
template <bool Compact>
__attribute__((always_inline)) inline void depthwise_listed(const ConvGeometry& g, const float* w, const float* in, const int32_t* pixels, int n,
                             float* out) {
  for (int i = 0; i < n;) {
    const int p = pixels[i];
    const int oy = p / g.out_w, ox = p % g.out_w;
    float* dst = out + int64_t{Compact ? i : p} * g.cout;
    if (is_quad(g, pixels, n, i, oy, ox)) {
      depthwise_quad(g, w, nullptr, in, oy, ox, dst, g.cout);
      i += kQuad;
    } else {
      depthwise_pixel(g, w, nullptr, in, oy, ox, dst);
      ++i;
    }
  }
}

DCNN_SIMD_CLONES void depthwise_list(const ConvGeometry& g, const float* w, const float* in,
                                     const int32_t* pixels, int n, float* out) {
  depthwise_listed<false>(g, w, in, pixels, n, out);
}

DCNN_SIMD_CLONES void depthwise_compact(const ConvGeometry& g, const float* w, const float* in,
                                        const int32_t* pixels, int n, float* rows) {
  depthwise_listed<true>(g, w, in, pixels, n, rows);
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
