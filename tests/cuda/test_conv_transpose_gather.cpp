// The CUDA ConvTranspose kernel's arithmetic (kernels/cuda/conv_transpose_gather.h, the same
// inline code the kernel runs) on the CPU, against the naive ONNX reference of the CPU kernel
// tests: the weight packing, the inversion of "input i writes o = i * stride - pad + k * dil",
// the output mask and the delta rule (listed outputs of a masked input). Needs no GPU, so it runs
// in CI; the kernel itself on a GPU is tests/cuda/test_cuda_conv.cpp (ConvTransposeKernel*).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/conv_transpose.h"
#include "kernels/cuda/conv_transpose_gather.h"
#include "tests/kernels/conv_transpose_cases.h"
#include "tests/kernels/reference_conv.h"
#include "tests/kernels/test_util.h"

namespace dcnn::cpu::test {
namespace {

// Every output of the gather over the whole map (the dense pass).
std::vector<float> gather_all(const cuda::ConvTransposeShape& s, const std::vector<float>& packed,
                              const std::vector<float>& in, const float* bias) {
  std::vector<float> out(size_t(s.out_h) * s.out_w * s.cout);
  for (int oy = 0; oy < s.out_h; ++oy)
    for (int ox = 0; ox < s.out_w; ++ox)
      for (int co = 0; co < s.cout; ++co)
        out[(size_t(oy) * s.out_w + ox) * s.cout + co] =
            cuda::gather::output_value(s, packed.data(), in.data(), oy, ox, co, bias ? bias[co] : 0.f);
  return out;
}

class ConvTransposeGather : public ::testing::TestWithParam<TransposeCase> {};

TEST_P(ConvTransposeGather, DenseMatchesReference) {
  const TransposeCase& c = GetParam();
  const ConvTransposeGeometry g = geometry_of(c);
  ASSERT_TRUE(cuda::conv_transpose_shape_is_valid(g)) << c.name;
  std::mt19937 rng(91);
  const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, rng);
  const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, rng);
  const auto bias = random_floats(size_t(g.cout), rng);
  const auto packed = cuda::pack_weights_for_conv_transpose(g, w.data());
  expect_close(reference_conv_transpose(g, in, w, bias.data()), gather_all(g, packed, in, bias.data()),
               std::string(c.name) + " bias");
  expect_close(reference_conv_transpose(g, in, w, nullptr), gather_all(g, packed, in, nullptr),
               std::string(c.name) + " no bias");
}

// Delta rule: with inactive inputs zeroed, the outputs the mask marks equal the reference conv
// of the masked input, and every output it leaves out is exactly 0 there (so computing only the
// listed outputs loses nothing).
TEST_P(ConvTransposeGather, MaskMarksExactlyTheOutputsActiveInputsReach) {
  const TransposeCase& c = GetParam();
  const ConvTransposeGeometry g = geometry_of(c);
  std::mt19937 rng(92);
  const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, rng);
  const auto packed = cuda::pack_weights_for_conv_transpose(g, w.data());
  const int in_pixels = g.in_h * g.in_w;
  for (double fraction : {0.02, 0.2, 1.0}) {
    auto in = random_floats(size_t(in_pixels) * g.cin, rng);
    std::vector<uint8_t> mask(size_t(in_pixels), 0);
    for (int32_t p : random_pixel_list(in_pixels, fraction, rng)) mask[size_t(p)] = 1;
    for (int p = 0; p < in_pixels; ++p)
      if (!mask[size_t(p)]) std::fill(in.begin() + size_t(p) * g.cin, in.begin() + size_t(p + 1) * g.cin, 0.f);
    const auto dense = reference_conv_transpose(g, in, w, nullptr);
    const std::string what = std::string(c.name) + " fraction " + std::to_string(fraction);
    std::vector<float> listed(dense.size(), 0.f);
    for (int oy = 0; oy < g.out_h; ++oy)
      for (int ox = 0; ox < g.out_w; ++ox) {
        const size_t q = size_t(oy) * g.out_w + ox;
        // Reached by the definition: some active input writes (oy, ox) through some tap.
        bool reached = false;
        for (int p = 0; p < in_pixels && !reached; ++p) {
          if (!mask[size_t(p)]) continue;
          for (int ky = 0; ky < g.kh && !reached; ++ky)
            for (int kx = 0; kx < g.kw && !reached; ++kx)
              reached = (p / g.in_w) * g.stride_h - g.pad_top + ky * g.dil_h == oy &&
                        (p % g.in_w) * g.stride_w - g.pad_left + kx * g.dil_w == ox;
        }
        ASSERT_EQ(cuda::gather::output_reached(g, mask.data(), oy, ox), reached)
            << what << " output (" << oy << ", " << ox << ")";
        for (int co = 0; co < g.cout; ++co) {
          if (reached)
            listed[q * g.cout + co] = cuda::gather::output_value(g, packed.data(), in.data(), oy, ox, co, 0.f);
          else
            ASSERT_EQ(dense[q * g.cout + co], 0.f) << what << ": an unmarked output is not zero";
        }
      }
    expect_close(dense, listed, what);
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, ConvTransposeGather, ::testing::ValuesIn(kTransposeCases),
                         [](const ::testing::TestParamInfo<TransposeCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ConvTransposeGatherShape, RejectsChannelsGroupsDoNotDivide) {
  cuda::ConvTransposeShape s;
  s.in_h = s.in_w = s.out_h = s.out_w = 4;
  s.cin = 6;
  s.cout = 4;
  s.groups = 4;  // 6 % 4 != 0
  EXPECT_FALSE(cuda::conv_transpose_shape_is_valid(s));
  s.groups = 2;
  EXPECT_TRUE(cuda::conv_transpose_shape_is_valid(s));
  s.stride_h = 0;
  EXPECT_FALSE(cuda::conv_transpose_shape_is_valid(s));
}

}  // namespace
}  // namespace dcnn::cpu::test
