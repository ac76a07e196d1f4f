// Unit tests of the executor's CPU kernels against brute-force definitions: receptive-field
// masks (conv and transposed-conv footprints with stride, dilation, padding), mask compaction,
// and the activation step's bookkeeping (nothing is ever dropped).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "kernels/cpu/activation.h"
#include "kernels/cpu/mask.h"

namespace dcnn::cpu {
namespace {

std::vector<uint8_t> random_mask(int n, float density, std::mt19937& rng) {
  std::bernoulli_distribution b(density);
  std::vector<uint8_t> m(static_cast<size_t>(n), 0);
  for (auto& v : m) v = b(rng) ? 1 : 0;
  return m;
}

struct Geo {
  int in_h, in_w, k, stride, dil, pad;
};

TEST(MaskKernels, WindowFootprintMatchesBruteForce) {
  std::mt19937 rng(3);
  for (Geo g : {Geo{13, 17, 3, 1, 1, 1}, Geo{13, 17, 3, 2, 1, 1}, Geo{20, 9, 5, 1, 2, 4},
                Geo{16, 16, 1, 2, 1, 0}, Geo{11, 14, 7, 2, 1, 3}, Geo{9, 9, 2, 2, 1, 0},
                Geo{12, 10, 1, 1, 1, 0}, Geo{10, 23, 3, 3, 2, 2}, Geo{8, 40, 3, 2, 1, 0},
                // stride 2 on rows long enough for vector loops, even and odd widths, every pad
                Geo{6, 768, 3, 2, 1, 1}, Geo{5, 385, 3, 2, 1, 1}, Geo{4, 131, 3, 2, 1, 0}, Geo{4, 130, 5, 2, 2, 3}}) {
    const int out_h = (g.in_h + 2 * g.pad - g.dil * (g.k - 1) - 1) / g.stride + 1;
    const int out_w = (g.in_w + 2 * g.pad - g.dil * (g.k - 1) - 1) / g.stride + 1;
    Footprint1D rows = window_footprint(g.in_h, out_h, g.k, g.stride, g.dil, g.pad);
    Footprint1D cols = window_footprint(g.in_w, out_w, g.k, g.stride, g.dil, g.pad);
    // The last case: active pixels in a few rows only (footprint_mask skips empty rows).
    for (float density : {0.f, 0.02f, 0.2f, 1.f, -1.f}) {
      auto in = random_mask(g.in_h * g.in_w, density < 0.f ? 0.3f : density, rng);
      if (density < 0.f)
        for (int y = 0; y < g.in_h; ++y)
          if (y % 4 != 1) std::fill(in.begin() + y * g.in_w, in.begin() + (y + 1) * g.in_w, uint8_t{0});
      std::vector<uint8_t> scratch(size_t(g.in_h) * out_w), out(size_t(out_h) * out_w);
      footprint_mask(in.data(), g.in_h, g.in_w, rows, cols, scratch.data(), out.data());
      for (int oy = 0; oy < out_h; ++oy)
        for (int ox = 0; ox < out_w; ++ox) {
          uint8_t expect = 0;
          for (int ky = 0; ky < g.k; ++ky)
            for (int kx = 0; kx < g.k; ++kx) {
              const int iy = oy * g.stride - g.pad + ky * g.dil, ix = ox * g.stride - g.pad + kx * g.dil;
              if (iy >= 0 && iy < g.in_h && ix >= 0 && ix < g.in_w && in[size_t(iy) * g.in_w + ix]) expect = 1;
            }
          ASSERT_EQ(out[size_t(oy) * out_w + ox], expect) << "k " << g.k << " s " << g.stride << " at " << oy << "," << ox;
        }
    }
  }
}

TEST(MaskKernels, TransposedFootprintMatchesBruteForce) {
  std::mt19937 rng(4);
  for (Geo g : {Geo{7, 9, 4, 2, 1, 1}, Geo{6, 5, 3, 1, 1, 1}, Geo{5, 6, 3, 2, 2, 0}, Geo{4, 4, 6, 4, 1, 1}}) {
    const int out_h = (g.in_h - 1) * g.stride - 2 * g.pad + g.dil * (g.k - 1) + 1;
    const int out_w = (g.in_w - 1) * g.stride - 2 * g.pad + g.dil * (g.k - 1) + 1;
    Footprint1D rows = transposed_footprint(g.in_h, out_h, g.k, g.stride, g.dil, g.pad);
    Footprint1D cols = transposed_footprint(g.in_w, out_w, g.k, g.stride, g.dil, g.pad);
    auto in = random_mask(g.in_h * g.in_w, 0.15f, rng);
    std::vector<uint8_t> scratch(size_t(g.in_h) * out_w), out(size_t(out_h) * out_w), expect(out.size(), 0);
    footprint_mask(in.data(), g.in_h, g.in_w, rows, cols, scratch.data(), out.data());
    for (int iy = 0; iy < g.in_h; ++iy)
      for (int ix = 0; ix < g.in_w; ++ix)
        if (in[size_t(iy) * g.in_w + ix])
          for (int ky = 0; ky < g.k; ++ky)
            for (int kx = 0; kx < g.k; ++kx) {
              const int oy = iy * g.stride - g.pad + ky * g.dil, ox = ix * g.stride - g.pad + kx * g.dil;
              if (oy >= 0 && oy < out_h && ox >= 0 && ox < out_w) expect[size_t(oy) * out_w + ox] = 1;
            }
    EXPECT_EQ(out, expect) << "k " << g.k << " s " << g.stride;
  }
}

TEST(MaskKernels, CompactionKeepsOrderAndDropsCleared) {
  std::mt19937 rng(5);
  auto mask = random_mask(1001, 0.3f, rng);
  std::vector<int32_t> list(mask.size());
  const int n = compact_mask(mask.data(), int64_t(mask.size()), list.data());
  int expect = 0;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) {
      ASSERT_EQ(list[size_t(expect++)], int32_t(i));
    }
  }
  ASSERT_EQ(n, expect);
  for (int i = 0; i < n; i += 2) mask[size_t(list[size_t(i)])] = 0;
  const int kept = compact_list(list.data(), n, mask.data());
  EXPECT_EQ(kept, n / 2);
  for (int i = 1; i < kept; ++i) EXPECT_LT(list[size_t(i - 1)], list[size_t(i)]);
}

TEST(ActivationKernel, TruncationNeverDropsAChange) {
  // Whatever eps does to what is emitted, acc + res must track the sum of all input deltas, and
  // the emitted outputs must sum to g(acc) - g(initial).
  std::mt19937 rng(6);
  std::normal_distribution<float> nd(0.f, 0.05f);
  const int pixels = 16, c = 8;
  for (kern::ActFn fn : {kern::ActFn::Relu, kern::ActFn::Clip, kern::ActFn::Sigmoid, kern::ActFn::HardSwish}) {
    kern::ActSpec a{fn, 0.f, 1.f};
    std::vector<float> x0(pixels * c), acc(x0.size()), res(x0.size()), out(x0.size());
    for (auto& v : x0) v = nd(rng) * 10.f;
    std::vector<double> total(x0.begin(), x0.end()), emitted(x0.size(), 0.0);
    activation_dense(a, x0.data(), out.data(), acc.data(), res.data(), pixels, c);
    for (size_t i = 0; i < out.size(); ++i) emitted[i] = out[i];
    std::vector<int32_t> list(pixels);
    std::vector<uint8_t> mask(pixels);
    std::vector<float> d(x0.size());
    for (int frame = 0; frame < 200; ++frame) {
      for (size_t i = 0; i < d.size(); ++i) total[i] += (d[i] = nd(rng));
      for (int p = 0; p < pixels; ++p) list[size_t(p)] = p, mask[size_t(p)] = 1;
      activation_delta(a, d.data(), out.data(), acc.data(), res.data(), list.data(), pixels, c, 0.02f, mask.data());
      for (size_t i = 0; i < out.size(); ++i) emitted[i] += out[i];
      for (int p = 0; p < pixels; ++p) {
        if (mask[size_t(p)]) continue;
        for (int ch = 0; ch < c; ++ch) ASSERT_EQ(out[size_t(p) * c + ch], 0.f);
      }
    }
    for (size_t i = 0; i < acc.size(); ++i) {
      EXPECT_NEAR(double(acc[i]) + res[i], total[i], 1e-4);
      EXPECT_NEAR(emitted[i], kern::activate(a, acc[i]), 1e-4);
    }
  }
}

}  // namespace
}  // namespace dcnn::cpu
