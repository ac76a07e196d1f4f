#include "kernels/cpu/input_delta.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "kernels/cpu/simd_dispatch.h"

namespace dcnn::cpu {

void input_change_mask(const float* x, const float* ref, int64_t pixels, int c, float threshold,
                       uint8_t* mask) {
  // std::max, not std::fmax: fmax's NaN rules made every element a libm call on the baseline
  // ISA (0.9 % of a MultiPose delta run). Both ignore a NaN difference here (peak stays), and
  // the inputs are 8-bit pixels anyway.
#pragma omp parallel for schedule(static) if (pixels > 16384)
  for (int64_t p = 0; p < pixels; ++p) {
    float peak = 0.f;
    for (int ch = 0; ch < c; ++ch) peak = std::max(peak, std::fabs(x[p * c + ch] - ref[p * c + ch]));
    mask[p] = peak > threshold ? 1 : 0;
  }
}

void input_change_mask_phase_tolerant(const float* x, const float* ref, int h, int w, int c,
                                      float threshold, uint8_t* mask) {
  // Separable 3x3 min/max of ref: per output row, the element-wise min/max of the (up to) three
  // reference rows, then a 3-tap min/max along the row (stride c). std::min/max, not std::fmin:
  // fmin's NaN rules kept the compiler from vectorising, and this pass took 95 ms at 768x576
  // (measured) against 4 ms for the plain test.
  const int row = w * c;
#pragma omp parallel if (int64_t(h) * w > 16384)
  {
    const size_t n = size_t(row);
    std::vector<float> vlo(n), vhi(n), lo(n), hi(n);
#pragma omp for schedule(static)
    for (int y = 0; y < h; ++y) {
      const int y0 = std::max(0, y - 1), y1 = std::min(h - 1, y + 1);
      const float* first = ref + int64_t(y0) * row;
      std::copy(first, first + row, vlo.begin());
      std::copy(first, first + row, vhi.begin());
      for (int ny = y0 + 1; ny <= y1; ++ny) {
        const float* r = ref + int64_t(ny) * row;
        for (int k = 0; k < row; ++k) {
          vlo[k] = std::min(vlo[k], r[k]);
          vhi[k] = std::max(vhi[k], r[k]);
        }
      }
      for (int k = 0; k < row; ++k) {
        const int left = k >= c ? k - c : k, right = k + c < row ? k + c : k;
        lo[k] = std::min(std::min(vlo[left], vlo[k]), vlo[right]);
        hi[k] = std::max(std::max(vhi[left], vhi[k]), vhi[right]);
      }
      const float* v = x + int64_t(y) * row;
      uint8_t* m = mask + int64_t(y) * w;
      for (int xx = 0; xx < w; ++xx) {
        float outside = 0.f;
        for (int ch = 0; ch < c; ++ch) {
          const int k = xx * c + ch;
          outside = std::max(outside, std::max(lo[k] - v[k], v[k] - hi[k]));
        }
        m[xx] = outside > threshold ? 1 : 0;
      }
    }
  }
}

namespace {

// One band of `block` rows [y0, y1): acc (w * c floats) holds the sum over its rows of x - ref
// per column and channel, in row order. Sets every pixel of the band's tiles whose mean
// max_c |sum| / count exceeds the threshold (channels beyond 4 are not tested).
void mark_band_tiles(const float* acc, int w, int c, int y0, int y1, int block, float threshold, uint8_t* mask) {
  const int cs = std::min(c, 4);
  for (int x0 = 0; x0 < w; x0 += block) {
    const int x1 = std::min(w, x0 + block);
    float sum[4] = {0.f, 0.f, 0.f, 0.f};
    for (int px = x0; px < x1; ++px)
      for (int ch = 0; ch < cs; ++ch) sum[ch] += acc[int64_t(px) * c + ch];
    const float count = float((y1 - y0) * (x1 - x0));
    float peak = 0.f;
    for (int ch = 0; ch < cs; ++ch) peak = std::max(peak, std::fabs(sum[ch]) / count);
    if (peak <= threshold) continue;
    for (int y = y0; y < y1; ++y) std::memset(mask + int64_t(y) * w + x0, 1, size_t(x1 - x0));
  }
}

// One row of a band: acc += x - ref; with pixel_threshold >= 0 also the row's per-pixel test.
// C > 0 fixes the channel count (C = 0: c at run time): three channels (the model input) get
// their own loop, whose constant stride lets the compiler vectorise the per-pixel maximum (the
// runtime-c loop ran scalar: 0.48 ms a frame).
template <int C>
DCNN_SIMD_CLONES void band_row_of(const float* __restrict xr, const float* __restrict rr, int w, int c,
                                  float* __restrict acc, float pixel_threshold, uint8_t* __restrict mr) {
  const int channels = C > 0 ? C : c;
  for (int64_t i = 0; i < int64_t(w) * channels; ++i) acc[i] += xr[i] - rr[i];
  if (pixel_threshold < 0.f) return;
  for (int px = 0; px < w; ++px) {
    float peak = 0.f;
    for (int ch = 0; ch < channels; ++ch)
      peak = std::max(peak, std::fabs(xr[int64_t(px) * channels + ch] - rr[int64_t(px) * channels + ch]));
    mr[px] = peak > pixel_threshold ? 1 : 0;
  }
}

void band_row(const float* xr, const float* rr, int w, int c, float* acc, float pixel_threshold, uint8_t* mr) {
  if (c == 3) return band_row_of<3>(xr, rr, w, c, acc, pixel_threshold, mr);
  band_row_of<0>(xr, rr, w, c, acc, pixel_threshold, mr);
}

// The band passes of input_block_change_mask and input_change_masks: per band of rows, the
// column sums as above (a vector add per row, where a running sum per tile was a chain of
// dependent scalar adds: 0.42 ms at 768x576 on two threads, against 0.3 for reading the data),
// and with pixel_threshold >= 0 the per-pixel test of the same rows while they are loaded.
void band_passes(const float* x, const float* ref, int h, int w, int c, int block, float block_threshold,
                 float pixel_threshold, uint8_t* mask) {
  const int bands = (h + block - 1) / block;
  const int64_t row = int64_t(w) * c;
#pragma omp parallel if (int64_t(h) * w > 16384)
  {
    std::vector<float> acc(static_cast<size_t>(row));
#pragma omp for schedule(static)
    for (int band = 0; band < bands; ++band) {
      const int y0 = band * block, y1 = std::min(h, y0 + block);
      std::fill(acc.begin(), acc.end(), 0.f);
      for (int y = y0; y < y1; ++y)
        band_row(x + int64_t(y) * row, ref + int64_t(y) * row, w, c, acc.data(), pixel_threshold,
                 mask + int64_t(y) * w);
      mark_band_tiles(acc.data(), w, c, y0, y1, block, block_threshold, mask);
    }
  }
}

}  // namespace

void input_block_change_mask(const float* x, const float* ref, int h, int w, int c, int block,
                             float threshold, uint8_t* mask) {
  band_passes(x, ref, h, w, c, block, threshold, -1.f, mask);
}

void input_change_masks(const float* x, const float* ref, int h, int w, int c, float threshold, int block,
                        float block_threshold, uint8_t* mask) {
  band_passes(x, ref, h, w, c, block, block_threshold, threshold, mask);
}

void input_clear_ignored(uint8_t* mask, const uint8_t* ignore, int64_t pixels) {
  // Branch-free: the compiler vectorises it; a mask byte is 0 or 1, ignore 0 or 1.
  for (int64_t p = 0; p < pixels; ++p) mask[p] = uint8_t(mask[p] & (ignore[p] ^ 1));
}

void input_delta_emit(const float* x, float* ref, const float* inv_std, float* out,
                      const int32_t* list, int n, int c) {
#pragma omp parallel for schedule(static) if (int64_t(n) * c > 65536)
  for (int i = 0; i < n; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    for (int ch = 0; ch < c; ++ch) {
      out[base + ch] = (x[base + ch] - ref[base + ch]) * inv_std[ch];
      ref[base + ch] = x[base + ch];
    }
  }
}

void input_emit_values(const float* x, float* ref, const float* mean, const float* inv_std, float* out,
                       const int32_t* list, int n, int c) {
#pragma omp parallel for schedule(static) if (int64_t(n) * c > 65536)
  for (int i = 0; i < n; ++i) {
    const int64_t base = int64_t(list[i]) * c;
    for (int ch = 0; ch < c; ++ch) {
      out[base + ch] = (x[base + ch] - mean[ch]) * inv_std[ch];
      ref[base + ch] = x[base + ch];
    }
  }
}

void input_dense(const float* x, float* ref, const float* mean, const float* inv_std, float* out,
                 int64_t pixels, int c) {
  if (ref) std::memcpy(ref, x, sizeof(float) * size_t(pixels * c));
#pragma omp parallel for schedule(static) if (pixels > 16384)
  for (int64_t p = 0; p < pixels; ++p)
    for (int ch = 0; ch < c; ++ch) out[p * c + ch] = (x[p * c + ch] - mean[ch]) * inv_std[ch];
}

}  // namespace dcnn::cpu
