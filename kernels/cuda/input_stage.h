// The executor's input stage on the GPU, on raw pixels (0..255, NHWC, 3 channels), mirroring
// kernels/cpu/input_delta.h so both backends apply the same rule:
//   change mask: max_c |x - ref| > threshold;
//   block test (optional): a block x block tile whose per-channel mean of (x - ref) exceeds the
//   block threshold in magnitude (max over channels) is active as a whole;
//   emit, at the listed (possibly dilated) pixels: out = (x - ref) * inv_std[c], ref = x;
//   dense pass: out = (x - mean[c]) * inv_std[c], ref = x.
// input_delta.h is the older fused form (no normalisation, no dilation); the executor uses these.
// The frame x and the reference (state) are fp32; out is fp32 or fp16 (`T`: float or __half).
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

constexpr int kInputChannels = 3;

// Passed to the kernels by value.
struct InputNormalisation {
  float mean[kInputChannels] = {0.f, 0.f, 0.f};
  float inv_std[kInputChannels] = {1.f, 1.f, 1.f};
};

// mask[p] = max_c |x - ref| > threshold for every pixel.
cudaError_t input_change_mask(const float* x, const float* ref, int64_t pixels, float threshold,
                              uint8_t* mask, cudaStream_t stream);

// Sets mask[p] = 1 for every pixel of each block x block tile (edge tiles clipped) where
// max_c |mean over the tile of (x - ref)| > threshold; other mask bytes are left as they are.
// One thread per tile sums in row-major order, as kernels/cpu/input_delta.cpp does, so both
// backends take the same decision on the same frame.
cudaError_t input_block_change_mask(const float* x, const float* ref, int h, int w, int block,
                                    float threshold, uint8_t* mask, cudaStream_t stream);

// Zone masks: mask[p] = 0 wherever ignore[p] is set (after the other tests and dilation, before
// the list is compacted), as kernels/cpu/input_delta.h's input_clear_ignored.
cudaError_t input_clear_ignored(uint8_t* mask, const uint8_t* ignore, int64_t pixels,
                                cudaStream_t stream);

// For the listed pixels (count read on the device; grid sized for `capacity`):
// out = (x - ref) * inv_std, ref = x.
template <typename T>
cudaError_t input_delta_emit(const float* x, float* ref, const InputNormalisation& norm, T* out,
                             const int32_t* list, const int* count, int64_t capacity,
                             cudaStream_t stream);

// Dense pass over all pixels: out = (x - mean) * inv_std; ref = x when ref is not null.
template <typename T>
cudaError_t input_dense(const float* x, float* ref, const InputNormalisation& norm, T* out,
                        int64_t pixels, cudaStream_t stream);

}  // namespace dcnn::cuda
