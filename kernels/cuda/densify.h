// Accumulation of deltas into a dense tensor: the output heads (densify node) and the
// accumulated inputs that stateful ops (max pooling, tensor products) keep. The delta is fp32 or
// fp16 (`T`: float or __half); the dense accumulator (state) is fp32. Also the elementwise
// conversion between fp32 and fp16 storage.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// dense[p] += delta[p] for the n listed pixels (device list; null: pixels 0..n-1), c channels.
template <typename T>
cudaError_t accumulate_pixels(float* dense, const T* delta, const int32_t* list, int64_t n, int c,
                              cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
template <typename T>
cudaError_t accumulate_pixels(float* dense, const T* delta, const int32_t* list,
                              const int* count, int64_t capacity, int c, cudaStream_t stream);

// out[i] = in[i] for n elements, rounded to nearest when narrowing to fp16. n == 0 is a no-op;
// null pointers with n > 0 (or n < 0) are cudaErrorInvalidValue. in and out must not overlap
// unless they are the same buffer of the same type.
template <typename TIn, typename TOut>
cudaError_t convert(const TIn* in, TOut* out, int64_t n, cudaStream_t stream);

}  // namespace dcnn::cuda
