// GPU input delta against a CPU loop on the same data. Skips (with the reason) when this
// machine has no usable CUDA device, as on CI.
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/device.h"
#include "kernels/cuda/input_delta.h"

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
