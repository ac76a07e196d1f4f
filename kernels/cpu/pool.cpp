#include "kernels/cpu/pool.h"

#include <algorithm>
#include <limits>

namespace dcnn::cpu {

void max_pool(const float* in, int in_w, int c, const Footprint1D& rows, const Footprint1D& cols,
              float* prev_out, bool emit_delta, float* out, uint8_t* mask, const int32_t* list,
              int64_t n) {
  const int out_w = cols.n_out;
#pragma omp parallel for schedule(static) if (n * c > 32768)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pixel = list ? int64_t(list[i]) : i;
    const int oy = int(pixel / out_w), ox = int(pixel % out_w);
    float* op = out + pixel * c;
    for (int ch = 0; ch < c; ++ch) op[ch] = -std::numeric_limits<float>::infinity();
    for (int32_t r = rows.begin[oy]; r < rows.begin[oy + 1]; ++r)
      for (int32_t q = cols.begin[ox]; q < cols.begin[ox + 1]; ++q) {
        const float* ip = in + (int64_t(rows.index[r]) * in_w + cols.index[q]) * c;
        for (int ch = 0; ch < c; ++ch) op[ch] = std::max(op[ch], ip[ch]);
      }
    if (!prev_out) continue;
    float* pp = prev_out + pixel * c;
    bool changed = false;
    for (int ch = 0; ch < c; ++ch) {
      const float v = op[ch];
      if (emit_delta) {
        op[ch] = v - pp[ch];
        changed |= op[ch] != 0.f;
      }
      pp[ch] = v;
    }
    if (mask && emit_delta && !changed) mask[pixel] = 0;
  }
}

void avg_pool(const float* in, int in_w, int c, const Footprint1D& rows, const Footprint1D& cols,
              int kernel_area, float* out, const int32_t* list, int64_t n) {
  const int out_w = cols.n_out;
#pragma omp parallel for schedule(static) if (n * c > 32768)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t pixel = list ? int64_t(list[i]) : i;
    const int oy = int(pixel / out_w), ox = int(pixel % out_w);
    float* op = out + pixel * c;
    for (int ch = 0; ch < c; ++ch) op[ch] = 0.f;
    for (int32_t r = rows.begin[oy]; r < rows.begin[oy + 1]; ++r)
      for (int32_t q = cols.begin[ox]; q < cols.begin[ox + 1]; ++q) {
        const float* ip = in + (int64_t(rows.index[r]) * in_w + cols.index[q]) * c;
        for (int ch = 0; ch < c; ++ch) op[ch] += ip[ch];
      }
    const int count = kernel_area > 0 ? kernel_area
                                      : (rows.begin[oy + 1] - rows.begin[oy]) *
                                            (cols.begin[ox + 1] - cols.begin[ox]);
    const float inv = count > 0 ? 1.f / float(count) : 0.f;
    for (int ch = 0; ch < c; ++ch) op[ch] *= inv;
  }
}

}  // namespace dcnn::cpu
