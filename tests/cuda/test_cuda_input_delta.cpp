// GPU input delta against a CPU loop on the same data, and the input stage's normalised outputs
// in fp32 and fp16 storage. Skips (with the reason) when this machine has no usable CUDA device,
// as on CI.
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <cmath>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "kernels/cuda/device.h"
#include "kernels/cuda/input_delta.h"
#include "kernels/cuda/input_stage.h"
#include "tests/cuda/cuda_test_support.h"

namespace {

#define ASSERT_CUDA(expr) ASSERT_EQ((expr), cudaSuccess) << #expr

class CudaInputDelta : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (dcnn::cuda::device_count(&why) == 0) GTEST_SKIP() << "no usable CUDA device: " << why;
    std::printf("device: %s\n", dcnn::cuda::describe_device(0).c_str());
  }
};

TEST_F(CudaInputDelta, MatchesCpuLoopAndKeepsDriftForLater) {
  const int pixels = 37 * 53, channels = 3;
  const float threshold = 8.f;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pix(0.f, 255.f), noise(-12.f, 12.f);
  std::vector<float> ref(pixels * channels), x(pixels * channels);
  for (auto& v : ref) v = pix(rng);
  for (size_t i = 0; i < x.size(); ++i) x[i] = ref[i] + noise(rng);

  // CPU expectation.
  std::vector<float> want_ref = ref, want_delta(x.size(), 0.f);
  std::vector<uint8_t> want_mask(pixels, 0);
  int want_active = 0;
  for (int p = 0; p < pixels; ++p) {
    float m = 0.f;
    for (int c = 0; c < channels; ++c) m = std::fmax(m, std::fabs(x[p * 3 + c] - ref[p * 3 + c]));
    if (m > threshold) {
      ++want_active;
      want_mask[p] = 1;
      for (int c = 0; c < channels; ++c) {
        want_delta[p * 3 + c] = x[p * 3 + c] - ref[p * 3 + c];
        want_ref[p * 3 + c] = x[p * 3 + c];
      }
    }
  }
  ASSERT_GT(want_active, 0);
  ASSERT_LT(want_active, pixels);

  float *dx, *dref, *ddelta;
  uint8_t* dmask;
  int* dcount;
  size_t bytes = x.size() * sizeof(float);
  ASSERT_CUDA(cudaMalloc(&dx, bytes));
  ASSERT_CUDA(cudaMalloc(&dref, bytes));
  ASSERT_CUDA(cudaMalloc(&ddelta, bytes));
  ASSERT_CUDA(cudaMalloc(&dmask, pixels));
  ASSERT_CUDA(cudaMalloc(&dcount, sizeof(int)));
  ASSERT_CUDA(cudaMemcpy(dx, x.data(), bytes, cudaMemcpyHostToDevice));
  ASSERT_CUDA(cudaMemcpy(dref, ref.data(), bytes, cudaMemcpyHostToDevice));
  ASSERT_CUDA(cudaMemset(dcount, 0, sizeof(int)));
  ASSERT_CUDA(dcnn::cuda::input_delta(dx, dref, ddelta, dmask, pixels, channels, threshold, dcount, 0));
  ASSERT_CUDA(cudaDeviceSynchronize());

  std::vector<float> got_ref(x.size()), got_delta(x.size());
  std::vector<uint8_t> got_mask(pixels);
  int got_active = 0;
  ASSERT_CUDA(cudaMemcpy(got_ref.data(), dref, bytes, cudaMemcpyDeviceToHost));
  ASSERT_CUDA(cudaMemcpy(got_delta.data(), ddelta, bytes, cudaMemcpyDeviceToHost));
  ASSERT_CUDA(cudaMemcpy(got_mask.data(), dmask, pixels, cudaMemcpyDeviceToHost));
  ASSERT_CUDA(cudaMemcpy(&got_active, dcount, sizeof(int), cudaMemcpyDeviceToHost));
  EXPECT_EQ(got_active, want_active);
  EXPECT_EQ(got_mask, want_mask);
  EXPECT_EQ(got_delta, want_delta);
  EXPECT_EQ(got_ref, want_ref);  // inactive pixels keep their old reference
  cudaFree(dx); cudaFree(dref); cudaFree(ddelta); cudaFree(dmask); cudaFree(dcount);
}

}  // namespace

namespace dcnn::cuda::test {
namespace {

// input_dense and input_delta_emit with fp32 and fp16 outputs (frame and reference stay fp32):
// the fp16 output is the fp32 one within fp16 rounding; the reference is updated exactly.
template <typename T>
void check_input_stage(float tol) {
  const int pixels = 37 * 53;
  const size_t n = size_t(pixels) * kInputChannels;
  const std::vector<float> x = random_floats(n, 71, 0.f, 255.f);
  const std::vector<float> ref = random_floats(n, 72, 0.f, 255.f);
  InputNormalisation norm;
  for (int ch = 0; ch < kInputChannels; ++ch) {
    norm.mean[ch] = 100.f + 10.f * ch;
    norm.inv_std[ch] = 1.f / (55.f + 3.f * ch);
  }
  auto read = [](const DeviceBuffer<T>& b) {
    if constexpr (std::is_same_v<T, float>)
      return b.download();
    else
      return to_float(b.download());
  };

  std::vector<float> want(n);
  for (size_t i = 0; i < n; ++i)
    want[i] = (x[i] - norm.mean[i % kInputChannels]) * norm.inv_std[i % kInputChannels];
  DeviceBuffer<float> dx(x), dref(ref);
  DeviceBuffer<T> dout(n);
  ASSERT_TRUE(dx.ok() && dref.ok() && dout.ok());
  ASSERT_CUDA(input_dense(dx.get(), dref.get(), norm, dout.get(), pixels, 0));
  expect_near_scaled(read(dout), want, tol, "dense");
  EXPECT_EQ(dref.download(), x);

  // Emit at listed pixels (count on the device); the others keep their output and reference.
  const std::vector<uint8_t> mask = random_mask(pixels, 73, 0.3);
  const std::vector<int32_t> list = list_of(mask);
  std::vector<float> want_out(n, 0.f), want_ref = ref;
  for (int32_t p : list)
    for (int ch = 0; ch < kInputChannels; ++ch) {
      const size_t i = size_t(p) * kInputChannels + ch;
      want_out[i] = (x[i] - ref[i]) * norm.inv_std[ch];
      want_ref[i] = x[i];
    }
  DeviceBuffer<float> dref2(ref);
  DeviceBuffer<T> dout2(n);
  DeviceBuffer<int32_t> dlist(list);
  DeviceBuffer<int> dcount(std::vector<int>{int(list.size())});
  ASSERT_TRUE(dref2.ok() && dout2.ok() && dlist.ok() && dcount.ok());
  ASSERT_CUDA(cudaMemset(dout2.get(), 0, n * sizeof(T)));
  ASSERT_CUDA(input_delta_emit(dx.get(), dref2.get(), norm, dout2.get(), dlist.get(), dcount.get(),
                               static_cast<int64_t>(list.size()), 0));
  expect_near_scaled(read(dout2), want_out, tol, "emit");
  EXPECT_EQ(dref2.download(), want_ref);
}

TEST_F(CudaTest, InputStageFp32) { check_input_stage<float>(1e-5f); }
TEST_F(CudaTest, InputStageFp16) { check_input_stage<__half>(1e-2f); }

}  // namespace
}  // namespace dcnn::cuda::test
