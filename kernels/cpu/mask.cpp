#include "kernels/cpu/mask.h"

#include <algorithm>
#include <cstring>

#include "kernels/cpu/simd_dispatch.h"

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
  f.is_window = true;
  f.window = {in, kernel, stride, dilation, pad};
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

namespace {

bool is_identity(const Footprint1D& f) {
  return f.is_window && f.window.kernel == 1 && f.window.stride == 1 && f.window.pad == 0 && f.window.in == f.n_out;
}

// Whether any byte of mask[0..n) is set: eight at a time (masks are mostly zero).
bool any_set(const uint8_t* mask, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, mask + i, 8);
    if (word) return true;
  }
  for (; i < n; ++i)
    if (mask[i]) return true;
  return false;
}

// even[i] = src[2i], odd[i] = src[2i + 1]: byte pairs read as one 16-bit word, which the
// compiler vectorises (a truncating narrow and a shift).
DCNN_SIMD_CLONES void split_even_odd(const uint8_t* src, int n, uint8_t* even, uint8_t* odd) {
  const int pairs = n / 2;
  for (int i = 0; i < pairs; ++i) {
    uint16_t v;
    std::memcpy(&v, src + 2 * i, 2);
    even[i] = uint8_t(v);
    odd[i] = uint8_t(v >> 8);
  }
  if (n & 1) even[pairs] = src[n - 1];
}

// dst[o] = OR of src over o's window along x. A window is kernel taps at o * stride - pad +
// t * dilation: one OR of a shifted copy of the row per tap, which the compiler vectorises;
// at stride 2 (stems and downsampling blocks) the row is split into its even and odd bytes
// first, so those taps are contiguous too (strided byte loads did not vectorise: the stem's
// 576x768 mask took 8x a stride-1 mask of its output size). Other strides read strided; other
// footprints (transposed convs, resize) walk their index lists.
DCNN_SIMD_CLONES void footprint_row(const uint8_t* src, const Footprint1D& cols, uint8_t* dst) {
  const int out_w = cols.n_out;
  if (!cols.is_window) {
    for (int ox = 0; ox < out_w; ++ox) {
      uint8_t any = 0;
      for (int32_t j = cols.begin[ox]; j < cols.begin[ox + 1]; ++j) any |= src[cols.index[j]];
      dst[ox] = any ? 1 : 0;
    }
    return;
  }
  const Footprint1D::Window& w = cols.window;
  std::memset(dst, 0, size_t(out_w));
  uint8_t *even = nullptr, *odd = nullptr;
  if (w.stride == 2) {
    thread_local std::vector<uint8_t> halves;
    if (halves.size() < size_t(w.in) + 1) halves.resize(size_t(w.in) + 1);
    even = halves.data();
    odd = even + (w.in + 1) / 2;
    split_even_odd(src, w.in, even, odd);
  }
  for (int t = 0; t < w.kernel; ++t) {
    const int off = t * w.dilation - w.pad;  // o reads o * stride + off
    // Valid o: 0 <= o * stride + off < in.
    const int lo = off >= 0 ? 0 : (-off + w.stride - 1) / w.stride;
    const int hi = std::min(out_w, w.in - off <= 0 ? 0 : (w.in - off - 1) / w.stride + 1);
    if (w.stride == 1) {
      const uint8_t* s = src + off;
      for (int o = lo; o < hi; ++o) dst[o] |= s[o];
    } else if (w.stride == 2) {
      // o * 2 + off = (o + q) * 2 + r: tap t reads the even or odd half from o + q.
      const int r = off & 1, q = (off - r) / 2;
      const uint8_t* s = (r ? odd : even) + q;
      for (int o = lo; o < hi; ++o) dst[o] |= s[o];
    } else {
      for (int o = lo; o < hi; ++o) dst[o] |= src[int64_t{o} * w.stride + off];
    }
  }
}

DCNN_SIMD_CLONES void or_row(uint8_t* dst, const uint8_t* src, int n) {
  for (int i = 0; i < n; ++i) dst[i] |= src[i];
}

}  // namespace

void footprint_mask(const uint8_t* in_mask, int in_h, int in_w, const Footprint1D& rows,
                    const Footprint1D& cols, uint8_t* scratch, uint8_t* out_mask) {
  const int out_w = cols.n_out, out_h = rows.n_out;
  if (is_identity(rows) && is_identity(cols)) {  // a 1x1 stride-1 conv: the same pixels
    std::memcpy(out_mask, in_mask, size_t(out_h) * size_t(out_w));
    return;
  }
  // Which input rows hold an active pixel: the others are skipped in both passes (in steady
  // state most rows of a mask are empty).
  thread_local std::vector<uint8_t> row_set_store;
  if (row_set_store.size() < size_t(in_h)) row_set_store.resize(size_t(in_h));
  uint8_t* row_set = row_set_store.data();
  // Pass 1: along x, for every input row with an active pixel.
#pragma omp parallel for schedule(static) if (int64_t(in_h) * out_w > 65536)
  for (int iy = 0; iy < in_h; ++iy) {
    const uint8_t* src = in_mask + int64_t(iy) * in_w;
    row_set[iy] = any_set(src, in_w) ? 1 : 0;
    if (row_set[iy]) footprint_row(src, cols, scratch + int64_t(iy) * out_w);
  }
  // Pass 2: along y, over the rows that passed.
#pragma omp parallel for schedule(static) if (int64_t(out_h) * out_w > 65536)
  for (int oy = 0; oy < out_h; ++oy) {
    uint8_t* dst = out_mask + int64_t(oy) * out_w;
    std::memset(dst, 0, size_t(out_w));
    for (int32_t j = rows.begin[oy]; j < rows.begin[oy + 1]; ++j)
      if (row_set[rows.index[j]]) or_row(dst, scratch + int64_t(rows.index[j]) * out_w, out_w);
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
