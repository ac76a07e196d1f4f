// Accumulation of deltas into a dense tensor: the output heads (densify node) and the
// accumulated inputs that stateful ops (max pooling, tensor products) keep.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// dense[p] += delta[p] for the n listed pixels (device list; null: pixels 0..n-1), c channels.
cudaError_t accumulate_pixels(float* dense, const float* delta, const int32_t* list, int64_t n,
                              int c, cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
cudaError_t accumulate_pixels(float* dense, const float* delta, const int32_t* list,
                              const int* count, int64_t capacity, int c, cudaStream_t stream);

}  // namespace dcnn::cuda
