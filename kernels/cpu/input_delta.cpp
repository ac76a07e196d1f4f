#include "kernels/cpu/input_delta.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace dcnn::cpu {

void input_change_mask(const float* x, const float* ref, int64_t pixels, int c, float threshold,
                       uint8_t* mask) {
#pragma omp parallel for schedule(static) if (pixels > 16384)
  for (int64_t p = 0; p < pixels; ++p) {
    float peak = 0.f;
    for (int ch = 0; ch < c; ++ch) peak = std::fmax(peak, std::fabs(x[p * c + ch] - ref[p * c + ch]));
    mask[p] = peak > threshold ? 1 : 0;
  }
}

void input_change_mask_phase_tolerant(const float* x, const float* ref, int h, int w, int c,
                                      float threshold, uint8_t* mask) {
#pragma omp parallel for schedule(static) if (int64_t(h) * w > 16384)
  for (int y = 0; y < h; ++y) {
    const int y0 = std::max(0, y - 1), y1 = std::min(h - 1, y + 1);
    for (int xx = 0; xx < w; ++xx) {
      const int x0 = std::max(0, xx - 1), x1 = std::min(w - 1, xx + 1);
      float lo[4] = {1e30f, 1e30f, 1e30f, 1e30f}, hi[4] = {-1e30f, -1e30f, -1e30f, -1e30f};
      for (int ny = y0; ny <= y1; ++ny)
        for (int nx = x0; nx <= x1; ++nx) {
          const float* r = ref + (int64_t(ny) * w + nx) * c;
          for (int ch = 0; ch < c; ++ch) {
            lo[ch] = std::fmin(lo[ch], r[ch]);
            hi[ch] = std::fmax(hi[ch], r[ch]);
          }
        }
      const float* v = x + (int64_t(y) * w + xx) * c;
      float outside = 0.f;
      for (int ch = 0; ch < c; ++ch) outside = std::fmax(outside, std::fmax(lo[ch] - v[ch], v[ch] - hi[ch]));
      mask[int64_t(y) * w + xx] = outside > threshold ? 1 : 0;
    }
  }
}

void input_block_change_mask(const float* x, const float* ref, int h, int w, int c, int block,
                             float threshold, uint8_t* mask) {
  const int tiles_y = (h + block - 1) / block;
  const int tiles_x = (w + block - 1) / block;
#pragma omp parallel for schedule(static) if (int64_t(h) * w > 16384)
  for (int ty = 0; ty < tiles_y; ++ty) {
    const int y0 = ty * block, y1 = std::min(h, y0 + block);
    for (int tx = 0; tx < tiles_x; ++tx) {
      const int x0 = tx * block, x1 = std::min(w, x0 + block);
      float sum[4] = {0.f, 0.f, 0.f, 0.f};
      for (int y = y0; y < y1; ++y)
        for (int xx = x0; xx < x1; ++xx) {
          const int64_t base = (int64_t(y) * w + xx) * c;
          for (int ch = 0; ch < c && ch < 4; ++ch) sum[ch] += x[base + ch] - ref[base + ch];
        }
      const float count = float((y1 - y0) * (x1 - x0));
      float peak = 0.f;
      for (int ch = 0; ch < c && ch < 4; ++ch) peak = std::fmax(peak, std::fabs(sum[ch]) / count);
      if (peak <= threshold) continue;
      for (int y = y0; y < y1; ++y) std::memset(mask + int64_t(y) * w + x0, 1, size_t(x1 - x0));
    }
  }
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
