// Channel concatenation: out[p][offset_k + j] = in_k[p][j]. Linear; for deltas an input that is
// inactive at p holds zeros there, which is exactly its (absent) change, so the output mask is
// the union of the input masks (add.h, mask_union). Values are fp32 or fp16 (`T`: float or
// __half), copied as they are.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

constexpr int kMaxConcatInputs = 16;

// Passed to the kernel by value, so no device-side pointer table has to be kept up to date.
template <typename T>
struct ConcatInputs {
  const T* data[kMaxConcatInputs] = {};
  int channels[kMaxConcatInputs] = {};
  int count = 0;
};

// For the n listed pixels (device list; null: pixels 0..n-1). out_c must equal the sum of the
// input channels; more than kMaxConcatInputs inputs is cudaErrorInvalidValue.
template <typename T>
cudaError_t concat(const ConcatInputs<T>& inputs, T* out, int out_c, const int32_t* list,
                   int64_t n, cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
template <typename T>
cudaError_t concat(const ConcatInputs<T>& inputs, T* out, int out_c, const int32_t* list,
                   const int* count, int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
