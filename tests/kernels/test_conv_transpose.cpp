// conv_transpose_dense / conv_transpose_sparse_accumulate against the naive ONNX reference:
// strides 1..3 (including phases no tap reaches), output padding, dilation, groups.
#include <gtest/gtest.h>

#include <omp.h>

#include <limits>
#include <stdexcept>

#include "kernels/cpu/conv.h"
#include "tests/kernels/conv_transpose_cases.h"
#include "tests/kernels/reference_conv.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

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

INSTANTIATE_TEST_SUITE_P(Shapes, ConvTransposeKernel, ::testing::ValuesIn(kTransposeCases),
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
