// Restores the delta invariant cheaply: sparse kernels write only their listed pixels, so
// before the next frame a caller clears the pixels it wrote last time instead of zeroing the
// whole tensor (which would cost a full-map memset per layer per frame). Values are fp32 or
// fp16 (`T`: float or __half).
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// Zeroes the c values and (when mask is not null) the mask byte of each of the n listed
// pixels (device list).
template <typename T>
cudaError_t clear_pixels(T* values, uint8_t* mask, const int32_t* list, int64_t n, int c,
                         cudaStream_t stream);
// The same with the count read on the device (graph-capturable); grid sized for `capacity`.
template <typename T>
cudaError_t clear_pixels(T* values, uint8_t* mask, const int32_t* list, const int* count,
                         int64_t capacity, int c, cudaStream_t stream);

}  // namespace dcnn::cuda
