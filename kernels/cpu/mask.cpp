#include "kernels/cpu/mask.h"

#include <cstring>

namespace dcnn::cpu {

Footprint1D window_footprint(int in, int out, int kernel, int stride, int dilation, int pad) {
  Footprint1D f;
  f.n_out = out;
  f.begin.reserve(size_t(out) + 1);
  f.begin.push_back(0);
  for (int o = 0; o < out; ++o) {
    for (int k = 0; k < kernel; ++k) {
      int i = o * stride - pad + k * dilation;
      if (i >= 0 && i < in) f.index.push_back(i);
    }
    f.begin.push_back(int32_t(f.index.size()));
  }
  return f;
}

Footprint1D transposed_footprint(int in, int out, int kernel, int stride, int dilation, int pad) {
  std::vector<std::vector<int32_t>> inputs(size_t(out > 0 ? out : 0));
  for (int i = 0; i < in; ++i)
    for (int k = 0; k < kernel; ++k) {
      int o = i * stride - pad + k * dilation;
      if (o >= 0 && o < out && (inputs[o].empty() || inputs[o].back() != i)) inputs[o].push_back(i);
    }
  Footprint1D f;
  f.n_out = out;
  f.begin.push_back(0);
  for (int o = 0; o < out; ++o) {
    f.index.insert(f.index.end(), inputs[o].begin(), inputs[o].end());
    f.begin.push_back(int32_t(f.index.size()));
  }
  return f;
}

void footprint_mask(const uint8_t* in_mask, int in_h, int in_w, const Footprint1D& rows,
                    const Footprint1D& cols, uint8_t* scratch, uint8_t* out_mask) {
  const int out_w = cols.n_out, out_h = rows.n_out;
  // Pass 1: along x, for every input row.
#pragma omp parallel for schedule(static) if (int64_t(in_h) * out_w > 65536)
  for (int iy = 0; iy < in_h; ++iy) {
    const uint8_t* src = in_mask + int64_t(iy) * in_w;
    uint8_t* dst = scratch + int64_t(iy) * out_w;
    for (int ox = 0; ox < out_w; ++ox) {
      uint8_t any = 0;
      for (int32_t j = cols.begin[ox]; j < cols.begin[ox + 1]; ++j) any |= src[cols.index[j]];
      dst[ox] = any ? 1 : 0;
    }
  }
  // Pass 2: along y.
#pragma omp parallel for schedule(static) if (int64_t(out_h) * out_w > 65536)
  for (int oy = 0; oy < out_h; ++oy) {
    uint8_t* dst = out_mask + int64_t(oy) * out_w;
    std::memset(dst, 0, size_t(out_w));
    for (int32_t j = rows.begin[oy]; j < rows.begin[oy + 1]; ++j) {
      const uint8_t* src = scratch + int64_t(rows.index[j]) * out_w;
      for (int ox = 0; ox < out_w; ++ox) dst[ox] |= src[ox];
    }
  }
}

int compact_mask(const uint8_t* mask, int64_t n, int32_t* list) {
  int count = 0;
  int64_t i = 0;
  // Skip runs of inactive pixels eight at a time: masks are mostly zero in steady state.
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, mask + i, 8);
    if (!word) continue;
    for (int64_t j = i; j < i + 8; ++j)
      if (mask[j]) list[count++] = int32_t(j);
  }
  for (; i < n; ++i)
    if (mask[i]) list[count++] = int32_t(i);
  return count;
}

int compact_list(int32_t* list, int n, const uint8_t* mask) {
  int kept = 0;
  for (int i = 0; i < n; ++i)
    if (mask[list[i]]) list[kept++] = list[i];
  return kept;
}

void clear_pixels(float* values, uint8_t* mask, const int32_t* list, int n, int c) {
#pragma omp parallel for schedule(static) if (int64_t(n) * c > 65536)
  for (int i = 0; i < n; ++i) {
    std::memset(values + int64_t(list[i]) * c, 0, sizeof(float) * size_t(c));
    mask[list[i]] = 0;
  }
}

void mask_or(uint8_t* dst, const uint8_t* src, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] |= src[i];
}

}  // namespace dcnn::cpu
