// Random data and comparison helpers shared by the kernel tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/conv.h"

namespace dcnn::cpu::test {

inline std::vector<float> random_floats(size_t n, std::mt19937& rng, float lo = -1.f, float hi = 1.f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// gather_gemm's epilogue: bias and activation, each row i to dst + rows[i] * ld.
inline GemmEpilogue epilogue_into(const float* bias, const kern::ActSpec& act, float* dst, int64_t ld,
                                  const int32_t* rows) {
  GemmEpilogue e;
  e.bias = bias;
  e.act = act;
  e.dst = dst;
  e.ld_dst = ld;
  e.dst_rows = rows;
  return e;
}

// ONNX output size of a conv axis with explicit begin/end pads.
inline int conv_out_size(int in, int k, int stride, int dil, int pad_begin, int pad_end) {
  return (in + pad_begin + pad_end - dil * (k - 1) - 1) / stride + 1;
}

// A 3x3 depthwise conv, padding 1, over an h x w map of c channels (the MobileNet block shape).
inline ConvGeometry depthwise3x3(int h, int w, int c, int stride) {
  ConvGeometry g;
  g.in_h = h;
  g.in_w = w;
  g.cin = g.cout = g.groups = c;
  g.kh = g.kw = 3;
  g.stride_h = g.stride_w = stride;
  g.pad_top = g.pad_left = 1;
  g.out_h = conv_out_size(h, 3, stride, 1, 1, 1);
  g.out_w = conv_out_size(w, 3, stride, 1, 1, 1);
  return g;
}

// ONNX output size of a transposed conv axis.
inline int conv_transpose_out_size(int in, int k, int stride, int dil, int pad_begin, int pad_end,
                                   int output_padding) {
  return (in - 1) * stride - pad_begin - pad_end + dil * (k - 1) + 1 + output_padding;
}

// Max |a-b| must not exceed 1e-4 x scale, scale = max(1, max |expected|): float accumulation
// over K terms loses a few ulps of the output's magnitude, not of each term.
inline void expect_close(const std::vector<float>& expected, const std::vector<float>& actual,
                         const std::string& what) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  float scale = 1.f, worst = 0.f;
  size_t worst_at = 0;
  for (float e : expected) scale = std::max(scale, std::fabs(e));
  for (size_t i = 0; i < expected.size(); ++i) {
    const float d = std::fabs(expected[i] - actual[i]);
    if (!(d <= worst)) {  // also catches NaN
      worst = std::isnan(d) ? INFINITY : d;
      worst_at = i;
    }
  }
  EXPECT_LE(worst, 1e-4f * scale) << what << ": worst at flat index " << worst_at << " expected "
                                  << expected[worst_at] << " got " << actual[worst_at];
}

// A random subset of 0..count-1 holding about `fraction` of it (at least one), shuffled so the
// kernels see unsorted lists too.
inline std::vector<int32_t> random_pixel_list(int count, double fraction, std::mt19937& rng,
                                              bool shuffle = true) {
  std::vector<int32_t> all(count);
  std::iota(all.begin(), all.end(), 0);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(std::max<size_t>(1, size_t(count * fraction)));
  if (!shuffle) std::sort(all.begin(), all.end());
  return all;
}

// Pixels of random rectangles (like the blobs of moving objects in a delta mask) covering about
// `fraction` of an h x w map, sorted: long runs of consecutive indices plus ragged edges.
inline std::vector<int32_t> random_blob_pixel_list(int h, int w, double fraction, std::mt19937& rng) {
  std::vector<char> on(size_t(h) * w, 0);
  size_t covered = 0;
  const size_t want = std::max<size_t>(1, size_t(fraction * h * w));
  while (covered < want) {
    const int bh = std::uniform_int_distribution<int>(1, std::max(1, h / 3))(rng);
    const int bw = std::uniform_int_distribution<int>(1, std::max(1, w / 2))(rng);
    const int y0 = std::uniform_int_distribution<int>(0, h - 1)(rng);
    const int x0 = std::uniform_int_distribution<int>(0, w - 1)(rng);
    for (int y = y0; y < std::min(h, y0 + bh); ++y)
      for (int x = x0; x < std::min(w, x0 + bw); ++x)
        if (!on[size_t(y) * w + x]) {
          on[size_t(y) * w + x] = 1;
          ++covered;
        }
  }
  std::vector<int32_t> list;
  for (size_t i = 0; i < on.size(); ++i)
    if (on[i]) list.push_back(int32_t(i));
  return list;
}

}  // namespace dcnn::cpu::test
