#include "kernels/cuda/input_delta.h"

namespace dcnn::cuda {
namespace {

// One thread per pixel: input images have 3 channels, so a warp-per-pixel layout would leave
// most lanes idle; per-pixel threads keep loads coalesced across neighbouring pixels.
__global__ void input_delta_kernel(const float* __restrict__ x, float* __restrict__ ref,
                                   float* __restrict__ delta, uint8_t* __restrict__ mask,
                                   int pixels, int channels, float threshold,
                                   int* __restrict__ active_count) {
  int p = blockIdx.x * blockDim.x + threadIdx.x;
  bool active = false;
  if (p < pixels) {
    const float* xp = x + static_cast<size_t>(p) * channels;
    float* rp = ref + static_cast<size_t>(p) * channels;
    float max_abs = 0.f;
    for (int c = 0; c < channels; ++c) max_abs = fmaxf(max_abs, fabsf(xp[c] - rp[c]));
    active = max_abs > threshold;
    float* dp = delta + static_cast<size_t>(p) * channels;
    for (int c = 0; c < channels; ++c) {
      float d = xp[c] - rp[c];
      dp[c] = active ? d : 0.f;
      if (active) rp[c] = xp[c];
    }
    mask[p] = active ? 1 : 0;
  }
  // One atomic per warp instead of one per active pixel.
  unsigned ballot = __ballot_sync(0xffffffffu, active);
  if ((threadIdx.x & 31) == 0 && ballot) atomicAdd(active_count, __popc(ballot));
}

}  // namespace

cudaError_t input_delta(const float* x, float* ref, float* delta, uint8_t* mask, int pixels,
                        int channels, float threshold, int* active_count, cudaStream_t stream) {
  if (pixels <= 0) return cudaSuccess;
  constexpr int kThreads = 256;
  int blocks = (pixels + kThreads - 1) / kThreads;
  input_delta_kernel<<<blocks, kThreads, 0, stream>>>(x, ref, delta, mask, pixels, channels,
                                                       threshold, active_count);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
