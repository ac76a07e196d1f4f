// Channel concatenation: out[p][offset_k + j] = in_k[p][j]. Linear; for deltas an input that is
// inactive at p holds zeros there, which is exactly its (absent) change, so the output mask is
// the union of the input masks (add.h, mask_union).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

constexpr int kMaxConcatInputs = 16;

// Passed to the kernel by value, so no device-side pointer table has to be kept up to date.
struct ConcatInputs {
  const float* data[kMaxConcatInputs] = {};
  int channels[kMaxConcatInputs] = {};
  int count = 0;
};

// For the n listed pixels (device list; null: pixels 0..n-1). out_c must equal the sum of the
// input channels; more than kMaxConcatInputs inputs is cudaErrorInvalidValue.
cudaError_t concat(const ConcatInputs& inputs, float* out, int out_c, const int32_t* list,
                   int64_t n, cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
cudaError_t concat(const ConcatInputs& inputs, float* out, int out_c, const int32_t* list,
                   const int* count, int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
