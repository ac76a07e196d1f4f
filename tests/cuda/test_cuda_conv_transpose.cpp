// The CUDA ConvTranspose kernels on the GPU against the naive ONNX reference of the CPU kernel
// tests (the geometries of tests/kernels/conv_transpose_cases.h): the dense pass with bias, the
// output mask, and the delta pass on listed pixels with the count read on the device. The same
// arithmetic is checked on the CPU by test_conv_transpose_gather.cpp. fp16 storage: the dense
// pass on half-rounded input against the reference on the same values.
#include <string>
#include <vector>

#include "kernels/cuda/conv_transpose.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/kernels/conv_transpose_cases.h"
#include "tests/kernels/reference_conv.h"

namespace dcnn::cuda::test {
namespace {

TEST_F(CudaTest, ConvTransposeDenseMatchesReference) {
  for (const cpu::test::TransposeCase& c : cpu::test::kTransposeCases) {
    const cpu::ConvTransposeGeometry g = cpu::test::geometry_of(c);
    const auto in = random_floats(size_t(g.in_h) * g.in_w * g.cin, 1);
    const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, 2);
    const auto bias = random_floats(size_t(g.cout), 3);
    DeviceBuffer<float> dw(pack_weights_for_conv_transpose(g, w.data())), din(in), dbias(bias);
    DeviceBuffer<float> dout(size_t(g.out_h) * g.out_w * g.cout);
    ASSERT_CUDA(conv_transpose(g, dw.get(), dbias.get(), din.get(), dout.get(), nullptr, int64_t{0}, 0));
    expect_near_scaled(dout.download(), cpu::test::reference_conv_transpose(g, in, w, bias.data()), 1e-4f,
                       std::string("dense ") + c.name);
  }
}

TEST_F(CudaTest, ConvTransposeFp16DenseMatchesReference) {
  for (const cpu::test::TransposeCase& c : cpu::test::kTransposeCases) {
    const cpu::ConvTransposeGeometry g = cpu::test::geometry_of(c);
    const auto in = round_to_half(random_floats(size_t(g.in_h) * g.in_w * g.cin, 1));
    const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, 2);
    const auto bias = random_floats(size_t(g.cout), 3);
    DeviceBuffer<float> dw(pack_weights_for_conv_transpose(g, w.data())), dbias(bias);
    DeviceBuffer<__half> din(to_half(in)), dout(size_t(g.out_h) * g.out_w * g.cout);
    ASSERT_CUDA(
        conv_transpose(g, dw.get(), dbias.get(), din.get(), dout.get(), nullptr, int64_t{0}, 0));
    expect_near_scaled(to_float(dout.download()),
                       cpu::test::reference_conv_transpose(g, in, w, bias.data()), 1e-2f,
                       std::string("fp16 dense ") + c.name);
  }
}

// Masked input (the delta invariant): the output mask marks exactly the reached outputs, and the
// listed pass writes those (count on the device; list entries past it are never written).
TEST_F(CudaTest, ConvTransposeDeltaOnListedPixels) {
  for (const cpu::test::TransposeCase& c : cpu::test::kTransposeCases) {
    const cpu::ConvTransposeGeometry g = cpu::test::geometry_of(c);
    const size_t in_pixels = size_t(g.in_h) * g.in_w, out_pixels = size_t(g.out_h) * g.out_w;
    auto in = random_floats(in_pixels * g.cin, 4);
    const auto w = random_floats(size_t(g.cin) * (g.cout / g.groups) * g.kh * g.kw, 5);
    const std::vector<uint8_t> in_mask = random_mask(in_pixels, 6, 0.15);
    zero_inactive(in, in_mask, g.cin);
    const auto full = cpu::test::reference_conv_transpose(g, in, w, nullptr);

    DeviceBuffer<uint8_t> dmask(in_mask), dout_mask(out_pixels);
    ASSERT_CUDA(conv_transpose_mask(g, dmask.get(), dout_mask.get(), 0));
    const std::vector<uint8_t> out_mask = dout_mask.download();
    std::vector<uint8_t> want_mask(out_pixels, 0);
    for (size_t p = 0; p < in_pixels; ++p) {
      if (!in_mask[p]) continue;
      for (int ky = 0; ky < g.kh; ++ky)
        for (int kx = 0; kx < g.kw; ++kx) {
          const int oy = int(p / size_t(g.in_w)) * g.stride_h - g.pad_top + ky * g.dil_h;
          const int ox = int(p % size_t(g.in_w)) * g.stride_w - g.pad_left + kx * g.dil_w;
          if (oy >= 0 && oy < g.out_h && ox >= 0 && ox < g.out_w) want_mask[size_t(oy) * g.out_w + ox] = 1;
        }
    }
    ASSERT_EQ(out_mask, want_mask) << c.name;

    const std::vector<int32_t> list = list_of(out_mask);
    // Entries past the count: pixels that must stay untouched.
    const std::vector<int32_t> padded = pad_with_inactive(list, out_mask, 40);
    const std::vector<float> want = at_listed_pixels(full, list, g.cout, 5.f);
    DeviceBuffer<float> dw(pack_weights_for_conv_transpose(g, w.data())), din(in);
    DeviceBuffer<float> dout(std::vector<float>(full.size(), 5.f));
    DeviceBuffer<int32_t> dlist(padded);
    DeviceBuffer<int> dcount(std::vector<int>{int(list.size())});
    ASSERT_CUDA(conv_transpose(g, dw.get(), nullptr, din.get(), dout.get(), dlist.get(), dcount.get(),
                               int64_t(padded.size()), 0));
    expect_near_scaled(dout.download(), want, 1e-4f, std::string("delta ") + c.name);
  }
}

}  // namespace
}  // namespace dcnn::cuda::test
