// Sparse conv (gather + cuBLAS + scatter), depthwise conv and dense cuDNN conv against a CPU
// reference loop on random data with odd sizes and channel counts, fp32 and fp16 storage.
#include <cublas_v2.h>
#include <cudnn.h>

#include <vector>

#include "kernels/cuda/conv_dense.h"
#include "kernels/cuda/conv_shape.h"
#include "kernels/cuda/conv_sparse.h"
#include "kernels/cuda/conv_sparse_tiled.h"
#include "kernels/cuda/conv_sparse_wmma.h"
#include "kernels/cuda/depthwise_conv.h"
#include "tests/cuda/cuda_test_support.h"

namespace dcnn::cuda::test {
namespace {

struct ConvCase {
  const char* name;
  int h, w, cin, cout, k, stride, dil, pad_begin, pad_end, groups;
};

ConvShape shape_of(const ConvCase& c) {
  ConvShape s;
  s.window = make_window(c.h, c.w, c.k, c.stride, c.dil, c.pad_begin, c.pad_end);
  s.cin = c.cin;
  s.cout = c.cout;
  s.groups = c.groups;
  return s;
}

RefConv ref_of(const ConvShape& s) { return RefConv{s.window, s.cin, s.cout, s.groups}; }

std::vector<float> weights_for(const ConvShape& s, uint32_t seed) {
  // Scaled like He initialisation so outputs stay O(1) whatever the fan-in.
  float bound = std::sqrt(3.f / (s.window.kh * s.window.kw * (s.cin / s.groups)));
  return random_floats(size_t(s.cout) * (s.cin / s.groups) * s.window.kh * s.window.kw, seed,
                       -bound, bound);
}

class CudaConv : public CudaTest {
 protected:
  void SetUp() override {
    CudaTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_EQ(cublasCreate(&cublas_), CUBLAS_STATUS_SUCCESS);
    ASSERT_EQ(cudnnCreate(&cudnn_), CUDNN_STATUS_SUCCESS);
  }
  void TearDown() override {
    if (cublas_) cublasDestroy(cublas_);
    if (cudnn_) cudnnDestroy(cudnn_);
  }
  cublasHandle_t cublas_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
};

const ConvCase kCases[] = {
    {"3x3_s1_same", 23, 17, 13, 29, 3, 1, 1, 1, 1, 1},
    {"3x3_s2_tf_same", 24, 18, 8, 16, 3, 2, 1, 0, 1, 1},  // pads bottom/right only
    {"1x1", 19, 21, 37, 11, 1, 1, 1, 0, 0, 1},
    {"5x5_dil2", 21, 19, 5, 7, 5, 1, 2, 4, 4, 1},
    {"3x3_grouped", 15, 13, 12, 18, 3, 1, 1, 1, 1, 3},
    {"7x7_s2_rgb", 33, 31, 3, 24, 7, 2, 1, 3, 3, 1},
};

TEST_F(CudaConv, SparseMatchesReferenceAtListedPixelsOnly) {
  for (const ConvCase& c : kCases) {
    ConvShape s = shape_of(c);
    ASSERT_TRUE(conv_shape_is_valid(s)) << c.name;
    const Window2D& w = s.window;
    std::vector<float> oihw = weights_for(s, 1);
    std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * s.cin, 2);
    std::vector<uint8_t> in_mask = random_mask(size_t(w.in_h) * w.in_w, 3, 0.2);
    zero_inactive(in, in_mask, s.cin);
    std::vector<uint8_t> out_mask = random_mask(size_t(w.out_h) * w.out_w, 4, 0.4);
    std::vector<int32_t> list = list_of(out_mask);

    const std::vector<float> want = at_listed_pixels(ref_of(s).dense(in, oihw, nullptr), list, s.cout, 5.f);

    DeviceBuffer<float> dw(pack_weights_for_gemm(s, oihw.data())), din(in), dout(want.size());
    DeviceBuffer<int32_t> dlist(list);
    // Full scratch (one chunk) and a scratch for 7 rows (many chunks) must agree.
    for (int rows : {static_cast<int>(list.size()), 7}) {
      ASSERT_CUDA(dout.upload(std::vector<float>(want.size(), 5.f)));
      size_t bytes = conv_sparse_scratch_bytes(s, rows, Storage::F32);
      DeviceBuffer<char> scratch(bytes);
      ASSERT_STATUS(conv_sparse(cublas_, s, dw.get(), din.get(), dlist.get(),
                                static_cast<int>(list.size()), dout.get(), scratch.get(), bytes,
                                0));
      expect_near_scaled(dout.download(), want, 1e-4f,
                         std::string(c.name) + " rows/chunk " + std::to_string(rows));
    }
  }
}

TEST_F(CudaConv, TiledSparseReadsTheCountOnTheDevice) {
  for (const ConvCase& c : kCases) {
    ConvShape s = shape_of(c);
    const Window2D& w = s.window;
    std::vector<float> oihw = weights_for(s, 15);
    std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * s.cin, 16);
    std::vector<uint8_t> out_mask = random_mask(size_t(w.out_h) * w.out_w, 17, 0.5);
    std::vector<int32_t> list = list_of(out_mask);
    const int n = static_cast<int>(list.size());
    // Entries past the count name pixels outside the list: writing them would show below.
    const std::vector<int32_t> padded_list = pad_with_inactive(list, out_mask, 70);
    const std::vector<float> want = at_listed_pixels(ref_of(s).dense(in, oihw, nullptr), list, s.cout, 5.f);

    DeviceBuffer<float> dw(pack_weights_for_gemm(s, oihw.data())), din(in);
    DeviceBuffer<float> dout(std::vector<float>(want.size(), 5.f));
    DeviceBuffer<int32_t> dlist(padded_list);
    DeviceBuffer<int> dcount(std::vector<int>{n});
    ASSERT_CUDA(conv_sparse_tiled(s, dw.get(), din.get(), dlist.get(), dcount.get(),
                                  static_cast<int>(padded_list.size()), dout.get(), 0));
    expect_near_scaled(dout.download(), want, 1e-4f, std::string("tiled ") + c.name);

    // fp16 storage: operands rounded like the kernel sees them, output rounded to half.
    const std::vector<float> want16 = at_listed_pixels(
        ref_of(s).dense(to_float(to_half(in)), to_float(to_half(oihw)), nullptr), list, s.cout, 5.f);
    DeviceBuffer<__half> dw16(to_half(pack_weights_for_gemm(s, oihw.data()))), din16(to_half(in));
    DeviceBuffer<__half> dout16(to_half(std::vector<float>(want.size(), 5.f)));
    ASSERT_CUDA(conv_sparse_tiled(s, dw16.get(), din16.get(), dlist.get(), dcount.get(),
                                  static_cast<int>(padded_list.size()), dout16.get(), 0));
    expect_near_scaled(to_float(dout16.download()), want16, 1e-3f,
                       std::string("tiled fp16 ") + c.name);
  }
  // A count of zero writes nothing.
  ConvShape s = shape_of(kCases[0]);
  DeviceBuffer<float> dw(size_t(s.cout) * s.cin * 9), din(size_t(23) * 17 * s.cin);
  std::vector<float> sentinel(size_t(23) * 17 * s.cout, 5.f);
  DeviceBuffer<float> dout(sentinel);
  DeviceBuffer<int32_t> dlist(std::vector<int32_t>{0, 1, 2});
  DeviceBuffer<int> dcount(std::vector<int>{0});
  ASSERT_CUDA(
      conv_sparse_tiled(s, dw.get(), din.get(), dlist.get(), dcount.get(), 3, dout.get(), 0));
  EXPECT_EQ(dout.download(), sentinel);
}

TEST_F(CudaConv, SparseFp16StorageAccumulatesInFp32) {
  ConvShape s = shape_of(kCases[0]);
  const Window2D& w = s.window;
  std::vector<float> oihw = weights_for(s, 6);
  std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * s.cin, 7);
  // The reference sees the same fp16-rounded operands, so only accumulation error remains.
  std::vector<float> in_rounded = to_float(to_half(in)), w_rounded = to_float(to_half(oihw));
  std::vector<int32_t> list(size_t(w.out_h) * w.out_w);
  for (size_t i = 0; i < list.size(); ++i) list[i] = static_cast<int32_t>(i);
  std::vector<float> want = ref_of(s).dense(in_rounded, w_rounded, nullptr);

  DeviceBuffer<__half> dw(to_half(pack_weights_for_gemm(s, oihw.data()))), din(to_half(in));
  DeviceBuffer<__half> dout(want.size());
  DeviceBuffer<int32_t> dlist(list);
  size_t bytes = conv_sparse_scratch_bytes(s, static_cast<int>(list.size()), Storage::F16);
  DeviceBuffer<char> scratch(bytes);
  ASSERT_STATUS(conv_sparse(cublas_, s, dw.get(), din.get(), dlist.get(),
                            static_cast<int>(list.size()), dout.get(), scratch.get(), bytes, 0));
  // Output rounding to fp16: 2^-11 relative.
  expect_near_scaled(to_float(dout.download()), want, 1e-3f, "fp16");
}

TEST_F(CudaConv, SparseReportsTooSmallScratch) {
  ConvShape s = shape_of(kCases[0]);
  DeviceBuffer<float> buf(1024);
  DeviceBuffer<int32_t> list(std::vector<int32_t>{0});
  Status st =
      conv_sparse(cublas_, s, buf.get(), buf.get(), list.get(), 1, buf.get(), buf.get(), 100, 0);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("scratch"), std::string::npos) << st.message;
}

TEST_F(CudaConv, DepthwiseDenseWithBiasAndSparseWithout) {
  for (auto [k, stride, pad_begin, pad_end] :
       {std::tuple<int, int, int, int>{3, 1, 1, 1}, {3, 2, 0, 1}, {5, 1, 2, 2}}) {
    ConvShape s;
    s.window = make_window(27, 19, k, stride, 1, pad_begin, pad_end);
    s.cin = s.cout = s.groups = 35;
    const Window2D& w = s.window;
    std::vector<float> oihw = weights_for(s, 8), bias = random_floats(s.cout, 9);
    std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * s.cin, 10);
    std::vector<float> want = ref_of(s).dense(in, oihw, bias.data());
    DeviceBuffer<float> dw(pack_weights_for_depthwise(s, oihw.data())), dbias(bias), din(in);
    DeviceBuffer<float> dout(want.size());
    ASSERT_CUDA(depthwise_conv(s, dw.get(), dbias.get(), din.get(), dout.get(), nullptr, 0, 0));
    expect_near_scaled(dout.download(), want, 1e-5f, "dense k" + std::to_string(k));

    std::vector<uint8_t> out_mask = random_mask(size_t(w.out_h) * w.out_w, 11, 0.3);
    std::vector<int32_t> list = list_of(out_mask);
    std::vector<float> nobias = ref_of(s).dense(in, oihw, nullptr);
    std::vector<float> want_sparse(want.size(), -1.f);
    for (int32_t p : list)
      for (int ch = 0; ch < s.cout; ++ch)
        want_sparse[size_t(p) * s.cout + ch] = nobias[size_t(p) * s.cout + ch];
    DeviceBuffer<int32_t> dlist(list);
    ASSERT_CUDA(dout.upload(std::vector<float>(want.size(), -1.f)));
    ASSERT_CUDA(depthwise_conv(s, dw.get(), nullptr, din.get(), dout.get(), dlist.get(),
                               static_cast<int64_t>(list.size()), 0));
    expect_near_scaled(dout.download(), want_sparse, 1e-5f, "sparse k" + std::to_string(k));

    // fp16 storage, fp32 accumulation.
    std::vector<float> in_rounded = to_float(to_half(in));
    std::vector<float> want16 = ref_of(s).dense(in_rounded, oihw, bias.data());
    DeviceBuffer<__half> din16(to_half(in)), dout16(want.size());
    ASSERT_CUDA(depthwise_conv(s, dw.get(), dbias.get(), din16.get(), dout16.get(), nullptr, 0, 0));
    expect_near_scaled(to_float(dout16.download()), want16, 1e-3f, "fp16 k" + std::to_string(k));
  }
  ConvShape bad;
  bad.window = make_window(8, 8, 3, 1, 1, 1, 1);
  bad.cin = 4;
  bad.cout = 8;
  bad.groups = 4;
  EXPECT_EQ(depthwise_conv(bad, nullptr, nullptr, static_cast<const float*>(nullptr), nullptr,
                           nullptr, 0, 0),
            cudaErrorInvalidValue);
}

TEST_F(CudaConv, CudnnDenseMatchesReferenceIncludingAsymmetricPadding) {
  for (const ConvCase& c : kCases) {
    ConvShape s = shape_of(c);
    const Window2D& w = s.window;
    std::vector<float> oihw = weights_for(s, 12), bias = random_floats(s.cout, 13);
    std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * s.cin, 14);
    std::vector<float> want = ref_of(s).dense(in, oihw, bias.data());

    CudnnConv conv;
    ASSERT_STATUS(conv.configure(cudnn_, s, Storage::F32, size_t{64} << 20));
    DeviceBuffer<char> workspace(std::max<size_t>(conv.workspace_bytes(), 1));
    DeviceBuffer<float> dw(pack_weights_for_cudnn(s, oihw.data())), dbias(bias), din(in);
    DeviceBuffer<float> dout(want.size());
    ASSERT_STATUS(conv.forward(cudnn_, din.get(), dw.get(), dbias.get(), dout.get(),
                               workspace.get(), conv.workspace_bytes(), 0));
    // FMA math (no TF32): fp32 tolerance.
    expect_near_scaled(dout.download(), want, 1e-4f, std::string("cudnn fp32 ") + c.name);

    CudnnConv conv16;
    ASSERT_STATUS(conv16.configure(cudnn_, s, Storage::F16, size_t{64} << 20));
    DeviceBuffer<char> workspace16(std::max<size_t>(conv16.workspace_bytes(), 1));
    DeviceBuffer<__half> dw16(to_half(pack_weights_for_cudnn(s, oihw.data())));
    DeviceBuffer<__half> dbias16(to_half(bias)), din16(to_half(in)), dout16(want.size());
    ASSERT_STATUS(conv16.forward(cudnn_, din16.get(), dw16.get(), dbias16.get(), dout16.get(),
                                 workspace16.get(), conv16.workspace_bytes(), 0));
    std::vector<float> want16 = ref_of(s).dense(to_float(to_half(in)), to_float(to_half(oihw)),
                                                to_float(to_half(bias)).data());
    expect_near_scaled(to_float(dout16.download()), want16, 2e-3f,
                       std::string("cudnn fp16 ") + c.name);
  }
}

TEST_F(CudaConv, CudnnReportsMisuseWithAMessage) {
  CudnnConv conv;
  Status st = conv.forward(cudnn_, nullptr, nullptr, nullptr, nullptr, nullptr, 0, 0);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("configure"), std::string::npos) << st.message;
  ConvShape s = shape_of(kCases[4]);
  s.groups = 5;  // 12 input channels are not divisible into 5 groups
  st = conv.configure(cudnn_, s, Storage::F32, 1 << 20);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("invalid convolution shape"), std::string::npos) << st.message;
}

// The tensor-core fp16 form against the reference on the fp16-rounded operands and against the
// FMA fp16 form, on every case (odd channel counts leave partial fragments and tiles), with a
// list longer than one 64-row tile and a count below its length.
TEST_F(CudaConv, TensorCoreFp16MatchesReferenceAndFmaForm) {
  if (!wmma_available()) GTEST_SKIP() << "no tensor cores (compute capability < 7.0)";
  for (const ConvCase& c : kCases) {
    ConvShape s = shape_of(c);
    const Window2D& w = s.window;
    std::vector<float> oihw = weights_for(s, 21);
    std::vector<float> in = random_floats(size_t(w.in_h) * w.in_w * s.cin, 22);
    std::vector<uint8_t> out_mask = random_mask(size_t(w.out_h) * w.out_w, 23, 0.6);
    std::vector<int32_t> list = list_of(out_mask);
    const int n = static_cast<int>(list.size());
    const std::vector<int32_t> padded_list = pad_with_inactive(list, out_mask, 70);
    const std::vector<float> want = at_listed_pixels(
        ref_of(s).dense(to_float(to_half(in)), to_float(to_half(oihw)), nullptr), list, s.cout, 5.f);

    DeviceBuffer<__half> dw(to_half(pack_weights_for_gemm(s, oihw.data()))), din(to_half(in));
    DeviceBuffer<int32_t> dlist(padded_list);
    DeviceBuffer<int> dcount(std::vector<int>{n});
    DeviceBuffer<__half> tc(to_half(std::vector<float>(want.size(), 5.f)));
    DeviceBuffer<__half> fma(to_half(std::vector<float>(want.size(), 5.f)));
    ASSERT_CUDA(conv_sparse_wmma(s, dw.get(), din.get(), dlist.get(), dcount.get(),
                                 static_cast<int>(padded_list.size()), tc.get(), 0));
    ASSERT_CUDA(conv_sparse_tiled_fma(s, dw.get(), din.get(), dlist.get(), dcount.get(),
                                      static_cast<int>(padded_list.size()), fma.get(), 0));
    const std::vector<float> got = to_float(tc.download());
    expect_near_scaled(got, want, 1e-3f, std::string("tensor cores ") + c.name);
    expect_near_scaled(got, to_float(fma.download()), 1e-3f, std::string("tensor cores vs FMA ") + c.name);
  }
}

}  // namespace
}  // namespace dcnn::cuda::test
