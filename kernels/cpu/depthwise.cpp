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
inline void depthwise_pixel(const ConvGeometry& g, const float* __restrict w,
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
  if (c0 == c_total) return;
  // Remaining channels (c_total not a multiple of the block): accumulate in place.
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

int64_t depthwise_flops(const ConvGeometry& g, int64_t pixels) {
  return 2 * pixels * g.kh * g.kw * g.cin;
}

// Output rows oy0 .. oy1-1, every pixel.
DCNN_SIMD_CLONES void depthwise_rows(const ConvGeometry& g, const float* w, const float* bias,
                                     const float* in, int oy0, int oy1, float* out) {
  for (int oy = oy0; oy < oy1; ++oy) {
    float* row = out + int64_t{oy} * g.out_w * g.cout;
    for (int ox = 0; ox < g.out_w; ++ox)
      depthwise_pixel(g, w, bias, in, oy, ox, row + int64_t{ox} * g.cout);
  }
}

// The n listed pixels, no bias.
DCNN_SIMD_CLONES void depthwise_list(const ConvGeometry& g, const float* w, const float* in,
                                     const int32_t* pixels, int n, float* out) {
  for (int i = 0; i < n; ++i) {
    const int p = pixels[i];
    depthwise_pixel(g, w, nullptr, in, p / g.out_w, p % g.out_w, out + int64_t{p} * g.cout);
  }
}

DCNN_SIMD_CLONES void depthwise_compact(const ConvGeometry& g, const float* w, const float* in,
                                        const int32_t* pixels, int n, float* rows) {
  for (int i = 0; i < n; ++i) {
    const int p = pixels[i];
    depthwise_pixel(g, w, nullptr, in, p / g.out_w, p % g.out_w, rows + int64_t{i} * g.cout);
  }
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
