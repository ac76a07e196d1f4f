// conv_dense / conv_sparse against the naive ONNX reference on shapes covering every code path:
// pointwise GEMM, im2col + GEMM (strides, dilation, asymmetric pads, kernels 1..7), grouped,
// depthwise (channel counts with and without a remainder block), 1x1 maps.
#include <gtest/gtest.h>

#include <omp.h>

#include <limits>
#include <stdexcept>

#include "kernels/cpu/conv.h"
#include "tests/kernels/reference_conv.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

struct ConvCase {
  const char* name;
  int in_h, in_w, cin, cout, kh, kw;
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_bottom, pad_left, pad_right;
  int groups;
};

ConvGeometry geometry_of(const ConvCase& c) {
  ConvGeometry g;
  g.in_h = c.in_h;
  g.in_w = c.in_w;
  g.cin = c.cin;
  g.cout = c.cout;
  g.kh = c.kh;
  g.kw = c.kw;
  g.stride_h = c.stride_h;
  g.stride_w = c.stride_w;
  g.dil_h = c.dil_h;
  g.dil_w = c.dil_w;
  g.pad_top = c.pad_top;
  g.pad_left = c.pad_left;
  g.groups = c.groups;
  g.out_h = conv_out_size(c.in_h, c.kh, c.stride_h, c.dil_h, c.pad_top, c.pad_bottom);
  g.out_w = conv_out_size(c.in_w, c.kw, c.stride_w, c.dil_w, c.pad_left, c.pad_right);
  return g;
}

const ConvCase kCases[] = {
    // name                 h   w  cin cout kh kw sh sw dh dw  pt pb pl pr  groups
    {"stem3x3s2",          33, 27,   3, 16, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1},
    {"stem3x3s2_asym",     32, 24,   3, 16, 3, 3, 2, 2, 1, 1, 0, 1, 0, 1, 1},
    {"pointwise",          17, 13,  24, 40, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {"pointwise_big",      48, 36,  96, 24, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {"pointwise_s2",       17, 13,  24, 40, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1},
    {"pointwise_padded",    9,  7,  12, 10, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1},
    {"se_1x1_map",          1,  1,  64, 16, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
    {"conv3x3",            15, 11,  19,  7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"conv3x3_head",       48, 36,  64, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"conv3x3_on_1x1",      1,  1,   8,  5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"conv3x3_dil2",       14, 15,  10,  9, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1},
    {"conv5x5_dil2_mixed", 19, 16,   6, 11, 5, 5, 1, 2, 2, 1, 4, 3, 2, 1, 1},
    {"conv7x7s2_asym",     23, 21,   5,  8, 7, 7, 2, 2, 1, 1, 3, 2, 2, 3, 1},
    {"conv1x7",            12, 18,   7,  6, 1, 7, 1, 1, 1, 1, 0, 0, 3, 3, 1},
    {"grouped2",           13, 10,   8,  6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},
    {"grouped4_s2",        16, 13,  16, 12, 3, 3, 2, 2, 1, 1, 1, 0, 1, 0, 4},
    {"grouped_multiplier", 11,  9,   6, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6},
    {"single_channel",     10, 10,   1,  1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"depthwise3x3",       21, 17,  37, 37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 37},
    {"depthwise3x3_96",    24, 18,  96, 96, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 96},
    {"depthwise3x3s2",     21, 17,  40, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 40},
    {"depthwise5x5s2",     22, 19,  72, 72, 5, 5, 2, 2, 1, 1, 2, 2, 2, 2, 72},
    {"depthwise5x5_asym",  13, 11,  16, 16, 5, 5, 1, 1, 1, 1, 2, 1, 1, 2, 16},
    {"depthwise3x3_dil2",  12, 14,  33, 33, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 33},
    {"depthwise7x7_tiny",   3,  4,   8,  8, 7, 7, 1, 1, 1, 1, 3, 3, 3, 3, 8},
    // 16 + 8 (MoveNet's 24-channel decoder and heads) and 16 + 16 + 8 + 5 / 32 + 8 + 5: every
    // channel block of the quad and single-pixel kernels.
    {"depthwise3x3_24",    20, 22,  24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 24},
    {"depthwise3x3_45",    15, 19,  45, 45, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 45},
};

class ConvKernel : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvKernel, DenseMatchesReferenceWithAndWithoutBias) {
  const ConvCase& c = GetParam();
  const ConvGeometry g = geometry_of(c);
  std::mt19937 rng(1234);
  const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
  const auto w = random_floats(size_t(g.cout) * (g.cin / g.groups) * g.kh * g.kw, rng);
  const auto bias = random_floats(size_t(g.cout), rng);
  const PackedConv packed = pack_conv(g, w.data(), bias.data());

  std::vector<float> out(size_t(g.out_h) * g.out_w * g.cout, std::numeric_limits<float>::quiet_NaN());
  conv_dense(packed, in.data(), out.data(), true);
  expect_close(reference_conv(g, in, w, bias.data()), out, std::string(c.name) + " with bias");

  std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
  conv_dense(packed, in.data(), out.data(), false);
  expect_close(reference_conv(g, in, w, nullptr), out, std::string(c.name) + " without bias");
}

TEST_P(ConvKernel, NullBiasPacksAsZero) {
  const ConvCase& c = GetParam();
  const ConvGeometry g = geometry_of(c);
  std::mt19937 rng(99);
  const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
  const auto w = random_floats(size_t(g.cout) * (g.cin / g.groups) * g.kh * g.kw, rng);
  const PackedConv packed = pack_conv(g, w.data(), nullptr);
  std::vector<float> out(size_t(g.out_h) * g.out_w * g.cout);
  conv_dense(packed, in.data(), out.data(), true);
  expect_close(reference_conv(g, in, w, nullptr), out, c.name);
}

// The delta path: input zero outside an active set, outputs computed only at listed pixels.
// Listed pixels must equal the dense result (no bias); every other pixel must stay untouched.
// Lists come shuffled (no runs), sorted (short runs) and as blobs (long runs of consecutive
// pixels, which the kernel computes in place), at several densities.
TEST_P(ConvKernel, SparseEqualsDenseAtListedPixels) {
  const ConvCase& c = GetParam();
  const ConvGeometry g = geometry_of(c);
  std::mt19937 rng(4321);
  const auto w = random_floats(size_t(g.cout) * (g.cin / g.groups) * g.kh * g.kw, rng);
  const auto bias = random_floats(size_t(g.cout), rng);
  const PackedConv packed = pack_conv(g, w.data(), bias.data());
  const int in_pixels = g.in_h * g.in_w, out_pixels = g.out_h * g.out_w;

  for (const char* kind : {"shuffled", "sorted", "blobs"})
    for (double fraction : {0.01, 0.1, 0.5, 1.0}) {
      auto in = random_floats(size_t(in_pixels) * g.cin, rng);
      const auto active = random_pixel_list(in_pixels, fraction, rng);
      std::vector<char> is_active(in_pixels, 0);
      for (int32_t p : active) is_active[p] = 1;
      for (int p = 0; p < in_pixels; ++p)
        if (!is_active[p]) std::fill(in.begin() + size_t(p) * g.cin, in.begin() + size_t(p + 1) * g.cin, 0.f);

      const auto dense = reference_conv(g, in, w, nullptr);
      const double listed_fraction = std::min(1.0, fraction * 3);
      const std::string k(kind);
      const auto listed = k == "blobs" ? random_blob_pixel_list(g.out_h, g.out_w, listed_fraction, rng)
                                       : random_pixel_list(out_pixels, listed_fraction, rng, k == "shuffled");
      const float sentinel = 12345.f;
      std::vector<float> out(size_t(out_pixels) * g.cout, sentinel);
      conv_sparse(packed, in.data(), listed.data(), int(listed.size()), out.data());

      std::vector<float> expected(out.size(), sentinel);
      for (int32_t p : listed)
        std::copy(dense.begin() + size_t(p) * g.cout, dense.begin() + size_t(p + 1) * g.cout,
                  expected.begin() + size_t(p) * g.cout);
      expect_close(expected, out, std::string(c.name) + " " + kind + " fraction " + std::to_string(fraction));
    }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvKernel, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ConvCase>& info) {
                           return std::string(info.param.name);
                         });

// Listed depthwise pixels in runs of every length 1..9, at the left border, inside and at the
// right border: runs of four take the quad kernel, their last 1-3 pixels a quad ending at the
// run's end that recomputes pixels already written, shorter runs and border pixels the
// single-pixel path. Every pixel's values must equal the reference and, bit for bit, the same
// pixel listed alone (a value must not depend on the list it is computed in: the cell heads
// and the whole-map pass compute the same pixel in different lists).
TEST(ConvKernel, DepthwiseRunsOfEveryLengthEqualThePixelAlone) {
  for (const int channels : {40, 24, 3}) {
    ConvCase c{"runs", 6, 24, channels, channels, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, channels};
    const ConvGeometry g = geometry_of(c);
    std::mt19937 rng(77);
    const auto w = random_floats(size_t(g.cout) * g.kh * g.kw, rng);
    const auto bias = random_floats(size_t(g.cout), rng);
    const PackedConv packed = pack_conv(g, w.data(), bias.data());
    const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
    const auto dense = reference_conv(g, in, w, nullptr);
    for (int length = 1; length <= 9; ++length)
      for (const int start : {0, 1, 5, g.out_w - length - 1, g.out_w - length}) {
        if (start < 0) continue;
        std::vector<int32_t> listed;
        for (int y = 0; y < g.out_h; ++y)
          for (int x = start; x < start + length; ++x) listed.push_back(y * g.out_w + x);
        const std::string what = "c " + std::to_string(channels) + " run " + std::to_string(length) + " from " +
                                 std::to_string(start);
        std::vector<float> out(size_t(g.out_h) * g.out_w * g.cout, 0.f);
        conv_sparse(packed, in.data(), listed.data(), int(listed.size()), out.data());
        std::vector<float> expected(out.size(), 0.f), alone(out.size(), 0.f);
        for (const int32_t p : listed) {
          std::copy(dense.begin() + size_t(p) * g.cout, dense.begin() + size_t(p + 1) * g.cout,
                    expected.begin() + size_t(p) * g.cout);
          conv_sparse(packed, in.data(), &p, 1, alone.data());
        }
        expect_close(expected, out, what);
        EXPECT_EQ(out, alone) << what;
      }
  }
}

// Random geometries beyond the hand-picked list: odd sizes and channel counts, all strides,
// dilations, kernel sizes and group counts the models use.
TEST(ConvKernelRandom, DenseAndSparseMatchReference) {
  std::mt19937 rng(2026);
  auto pick = [&](std::initializer_list<int> v) {
    return *(v.begin() + std::uniform_int_distribution<int>(0, int(v.size()) - 1)(rng));
  };
  size_t checked = 0;
  for (int trial = 0; trial < 60; ++trial) {
    ConvCase c{};
    c.name = "random";
    c.kh = pick({1, 3, 5, 7});
    c.kw = pick({1, 3, 5, 7});
    c.stride_h = pick({1, 2});
    c.stride_w = pick({1, 2});
    c.dil_h = pick({1, 1, 2});
    c.dil_w = pick({1, 1, 2});
    c.pad_top = std::uniform_int_distribution<int>(0, c.kh / 2 * c.dil_h)(rng);
    c.pad_bottom = std::uniform_int_distribution<int>(0, c.kh / 2 * c.dil_h)(rng);
    c.pad_left = std::uniform_int_distribution<int>(0, c.kw / 2 * c.dil_w)(rng);
    c.pad_right = std::uniform_int_distribution<int>(0, c.kw / 2 * c.dil_w)(rng);
    const int kind = pick({0, 1, 2});  // dense, grouped, depthwise
    const int base = std::uniform_int_distribution<int>(1, 9)(rng);
    c.groups = kind == 0 ? 1 : kind == 1 ? pick({2, 3}) : base * 4 + 1;
    c.cin = kind == 2 ? c.groups : c.groups * std::uniform_int_distribution<int>(1, 13)(rng);
    c.cout = kind == 2 ? c.groups : c.groups * std::uniform_int_distribution<int>(1, 11)(rng);
    c.in_h = std::max(c.dil_h * (c.kh - 1) + 1 - c.pad_top - c.pad_bottom, 1) +
             std::uniform_int_distribution<int>(3, 30)(rng);
    c.in_w = std::max(c.dil_w * (c.kw - 1) + 1 - c.pad_left - c.pad_right, 1) +
             std::uniform_int_distribution<int>(3, 30)(rng);
    const ConvGeometry g = geometry_of(c);
    ASSERT_GT(g.out_h, 0);
    ASSERT_GT(g.out_w, 0);
    const std::string what = "trial " + std::to_string(trial) + " k" + std::to_string(c.kh) + "x" +
                             std::to_string(c.kw) + " s" + std::to_string(c.stride_h) +
                             std::to_string(c.stride_w) + " d" + std::to_string(c.dil_h) +
                             std::to_string(c.dil_w) + " g" + std::to_string(c.groups) + " cin" +
                             std::to_string(c.cin) + " cout" + std::to_string(c.cout);

    const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
    const auto w = random_floats(size_t(g.cout) * (g.cin / g.groups) * g.kh * g.kw, rng);
    const auto bias = random_floats(size_t(g.cout), rng);
    const PackedConv packed = pack_conv(g, w.data(), bias.data());
    std::vector<float> out(size_t(g.out_h) * g.out_w * g.cout);
    conv_dense(packed, in.data(), out.data(), true);
    expect_close(reference_conv(g, in, w, bias.data()), out, what + " dense");

    const auto dense_nobias = reference_conv(g, in, w, nullptr);
    const auto listed = trial % 2 ? random_blob_pixel_list(g.out_h, g.out_w, 0.3, rng)
                                  : random_pixel_list(g.out_h * g.out_w, 0.3, rng);
    std::vector<float> sparse(out.size(), -7.f), expected(out.size(), -7.f);
    conv_sparse(packed, in.data(), listed.data(), int(listed.size()), sparse.data());
    for (int32_t p : listed)
      for (int co = 0; co < g.cout; ++co)
        expected[size_t(p) * g.cout + co] = dense_nobias[size_t(p) * g.cout + co];
    expect_close(expected, sparse, what + " sparse");
    checked += out.size();
  }
  // Guards against the generator degenerating into trivially small problems.
  EXPECT_GT(checked, size_t{100000});
}

// The executor compares delta results with dense ones and replays streams; the kernels must
// give bit-identical results whatever the thread count (blocks do not depend on it).
TEST(ConvKernelThreads, ResultsDoNotDependOnThreadCount) {
  const ConvCase cases[] = {
      {"pointwise", 40, 36, 48, 40, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1},
      {"conv3x3", 40, 36, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
      {"depthwise", 60, 48, 128, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 128},
  };
  const int saved = omp_get_max_threads();
  for (const ConvCase& c : cases) {
    const ConvGeometry g = geometry_of(c);
    std::mt19937 rng(5);
    const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
    const auto w = random_floats(size_t(g.cout) * (g.cin / g.groups) * g.kh * g.kw, rng);
    const PackedConv packed = pack_conv(g, w.data(), nullptr);
    const auto listed = random_blob_pixel_list(g.out_h, g.out_w, 0.6, rng);
    std::vector<std::vector<float>> dense, sparse;
    for (int threads : {1, 2, 3}) {
      omp_set_num_threads(threads);
      dense.emplace_back(size_t(g.out_h) * g.out_w * g.cout, 0.f);
      sparse.emplace_back(dense.back().size(), 0.f);
      conv_dense(packed, in.data(), dense.back().data(), false);
      conv_sparse(packed, in.data(), listed.data(), int(listed.size()), sparse.back().data());
    }
    for (size_t t = 1; t < dense.size(); ++t) {
      EXPECT_EQ(dense[0], dense[t]) << c.name << " dense, thread count #" << t;
      EXPECT_EQ(sparse[0], sparse[t]) << c.name << " sparse, thread count #" << t;
    }
  }
  omp_set_num_threads(saved);
}

TEST(ConvKernelErrors, PackRejectsChannelsNotDivisibleByGroups) {
  ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = 4;
  g.cin = 6;
  g.cout = 4;
  g.groups = 4;
  std::vector<float> w(64, 0.f);
  try {
    pack_conv(g, w.data(), nullptr);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cin = 6"), std::string::npos) << e.what();
  }
}

TEST(ConvKernelErrors, PackRejectsNonPositiveStride) {
  ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = 4;
  g.cin = g.cout = 2;
  g.stride_w = 0;
  std::vector<float> w(4, 0.f);
  EXPECT_THROW(pack_conv(g, w.data(), nullptr), std::invalid_argument);
}

TEST(ConvKernelErrors, PackRejectsOutputSizeInconsistentWithInput) {
  ConvGeometry g;
  g.in_h = g.in_w = 4;
  g.out_h = 40;  // a 1x1 stride-1 conv cannot produce 40 rows from 4
  g.out_w = 4;
  g.cin = g.cout = 2;
  std::vector<float> w(4, 0.f);
  try {
    pack_conv(g, w.data(), nullptr);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("out_h = 40"), std::string::npos) << e.what();
  }
}

TEST(ConvKernelErrors, SparseRejectsPixelOutsideOutput) {
  ConvGeometry g;
  g.in_h = g.in_w = g.out_h = g.out_w = 4;
  g.cin = g.cout = 2;
  std::vector<float> w(4, 1.f), in(32, 1.f), out(32, 0.f);
  const PackedConv p = pack_conv(g, w.data(), nullptr);
  const int32_t pixels[] = {3, 16};
  try {
    conv_sparse(p, in.data(), pixels, 2, out.data());
    FAIL() << "expected std::out_of_range";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("out_pixels[1] = 16"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dcnn::cpu::test
