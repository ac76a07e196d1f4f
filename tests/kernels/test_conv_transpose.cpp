// conv_transpose_dense / conv_transpose_sparse_accumulate against the naive ONNX reference:
// strides 1..3 (including phases no tap reaches), output padding, dilation, groups.
#include <gtest/gtest.h>

#include <omp.h>

#include <limits>
#include <stdexcept>

#include "kernels/cpu/conv.h"
#include "tests/kernels/reference_conv.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

struct TransposeCase {
  const char* name;
  int in_h, in_w, cin, cout, kh, kw;
  int stride_h, stride_w, dil_h, dil_w;
  int pad_top, pad_bottom, pad_left, pad_right;
  int out_pad_h, out_pad_w;
  int groups;
};

ConvTransposeGeometry geometry_of(const TransposeCase& c) {
  ConvTransposeGeometry g;
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
  g.out_h = conv_transpose_out_size(c.in_h, c.kh, c.stride_h, c.dil_h, c.pad_top, c.pad_bottom, c.out_pad_h);
  g.out_w = conv_transpose_out_size(c.in_w, c.kw, c.stride_w, c.dil_w, c.pad_left, c.pad_right, c.out_pad_w);
  return g;
}

const TransposeCase kCases[] = {
    // name               h   w cin cout kh kw sh sw dh dw pt pb pl pr oph opw groups
    {"up2x2s2",          9,  7, 16,  8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 1},
    {"k4s2p1",          10,  8, 12, 10, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1},
    {"k3s2p1_outpad",    7, 11,  9,  5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1},
    {"k3s1p1",          12,  9,  6,  7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1},
    {"k3s1_dil2",        8, 10,  5,  4, 3, 3, 1, 1, 2, 2, 2, 1, 1, 2, 0, 0, 1},
    {"k2s3_empty_phase", 6,  5,  4,  3, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 2, 1},
    {"k5s2_asym",        7,  6,  3,  6, 5, 5, 2, 2, 1, 1, 2, 1, 1, 2, 1, 0, 1},
    {"grouped2",         8,  8,  8,  6, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 2},
    {"depthwise_up",     9, 11, 24, 24, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 24},
    {"large_k4s2",      24, 18, 64, 32, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1},
};

class ConvTransposeKernel : public ::testing::TestWithParam<TransposeCase> {};

TEST_P(ConvTransposeKernel, DenseMatchesReference) {
  const TransposeCase& c = GetParam();
  const ConvTransposeGeometry g = geometry_of(c);
  std::mt19937 rng(77);
  const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
  const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, rng);
  const auto bias = random_floats(size_t(g.cout), rng);
  const PackedConvTranspose packed = pack_conv_transpose(g, w.data(), bias.data());
  std::vector<float> out(size_t(g.out_h) * g.out_w * g.cout, std::numeric_limits<float>::quiet_NaN());
  conv_transpose_dense(packed, in.data(), out.data(), true);
  expect_close(reference_conv_transpose(g, in, w, bias.data()), out, std::string(c.name) + " bias");
  std::fill(out.begin(), out.end(), std::numeric_limits<float>::quiet_NaN());
  conv_transpose_dense(packed, in.data(), out.data(), false);
  expect_close(reference_conv_transpose(g, in, w, nullptr), out, std::string(c.name) + " no bias");
}

// Sparse accumulate: the caller zeroed every output pixel the active inputs reach; those must
// end up equal to the dense transposed conv of the masked input, all others keep their value.
TEST_P(ConvTransposeKernel, SparseAccumulateEqualsDenseOfMaskedInput) {
  const TransposeCase& c = GetParam();
  const ConvTransposeGeometry g = geometry_of(c);
  std::mt19937 rng(78);
  const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, rng);
  const PackedConvTranspose packed = pack_conv_transpose(g, w.data(), nullptr);
  const int in_pixels = g.in_h * g.in_w;
  for (double fraction : {0.02, 0.2, 1.0}) {
    auto in = random_floats(size_t(in_pixels) * g.cin, rng);
    const auto active = random_pixel_list(in_pixels, fraction, rng);
    std::vector<char> is_active(in_pixels, 0);
    for (int32_t p : active) is_active[p] = 1;
    for (int p = 0; p < in_pixels; ++p)
      if (!is_active[p]) std::fill(in.begin() + size_t(p) * g.cin, in.begin() + size_t(p + 1) * g.cin, 0.f);
    const auto dense = reference_conv_transpose(g, in, w, nullptr);

    // Output pixels reached by an active input, from the definition.
    std::vector<char> reached(size_t(g.out_h) * g.out_w, 0);
    for (int32_t p : active)
      for (int ky = 0; ky < g.kh; ++ky)
        for (int kx = 0; kx < g.kw; ++kx) {
          const int oy = (p / g.in_w) * g.stride_h - g.pad_top + ky * g.dil_h;
          const int ox = (p % g.in_w) * g.stride_w - g.pad_left + kx * g.dil_w;
          if (oy >= 0 && oy < g.out_h && ox >= 0 && ox < g.out_w) reached[size_t(oy) * g.out_w + ox] = 1;
        }
    auto out = random_floats(dense.size(), rng, 5.f, 6.f);
    auto expected = out;
    for (size_t q = 0; q < reached.size(); ++q)
      if (reached[q])
        for (int co = 0; co < g.cout; ++co) {
          out[q * g.cout + co] = 0.f;
          expected[q * g.cout + co] = dense[q * g.cout + co];
        }
    conv_transpose_sparse_accumulate(packed, in.data(), active.data(), int(active.size()), out.data());
    expect_close(expected, out, std::string(c.name) + " fraction " + std::to_string(fraction));
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvTransposeKernel, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<TransposeCase>& info) {
                           return std::string(info.param.name);
                         });

// Overlapping patches are added in pixel order, not in thread order: bit-identical results for
// any thread count.
TEST(ConvTransposeKernelThreads, ResultsDoNotDependOnThreadCount) {
  const TransposeCase c = {"k4s2", 36, 30, 48, 32, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0, 1};
  const ConvTransposeGeometry g = geometry_of(c);
  std::mt19937 rng(9);
  const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
  const auto w = random_floats(size_t(g.cin) * g.cout * g.kh * g.kw, rng);
  const PackedConvTranspose packed = pack_conv_transpose(g, w.data(), nullptr);
  const auto active = random_pixel_list(g.in_h * g.in_w, 0.5, rng);
  const int saved = omp_get_max_threads();
  std::vector<std::vector<float>> dense, sparse;
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    dense.emplace_back(size_t(g.out_h) * g.out_w * g.cout, 0.f);
    sparse.emplace_back(dense.back().size(), 0.f);
    conv_transpose_dense(packed, in.data(), dense.back().data(), false);
    conv_transpose_sparse_accumulate(packed, in.data(), active.data(), int(active.size()), sparse.back().data());
  }
  omp_set_num_threads(saved);
  for (size_t t = 1; t < dense.size(); ++t) {
    EXPECT_EQ(dense[0], dense[t]) << "dense, thread count #" << t;
    EXPECT_EQ(sparse[0], sparse[t]) << "sparse, thread count #" << t;
  }
}

TEST(ConvTransposeKernelErrors, PackRejectsCoutNotDivisibleByGroups) {
  ConvTransposeGeometry g;
  g.in_h = g.in_w = 4;
  g.out_h = g.out_w = 8;
  g.cin = 4;
  g.cout = 3;
  g.groups = 2;
  g.kh = g.kw = 2;
  g.stride_h = g.stride_w = 2;
  std::vector<float> w(64, 0.f);
  try {
    pack_conv_transpose(g, w.data(), nullptr);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cout = 3"), std::string::npos) << e.what();
  }
}

TEST(ConvTransposeKernelErrors, SparseRejectsPixelOutsideInput) {
  ConvTransposeGeometry g;
  g.in_h = g.in_w = 2;
  g.out_h = g.out_w = 4;
  g.cin = g.cout = 1;
  g.kh = g.kw = 2;
  g.stride_h = g.stride_w = 2;
  std::vector<float> w(4, 1.f), in(4, 1.f), out(16, 0.f);
  const PackedConvTranspose p = pack_conv_transpose(g, w.data(), nullptr);
  const int32_t pixels[] = {-1};
  EXPECT_THROW(conv_transpose_sparse_accumulate(p, in.data(), pixels, 1, out.data()), std::out_of_range);
}

}  // namespace
}  // namespace dcnn::cpu::test
