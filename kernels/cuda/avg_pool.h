// Average pooling. Linear, so the same kernel serves dense values and deltas (inactive input
// pixels of a delta map hold 0). Values are fp32 or fp16 (`T`: float or __half), summed in fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/cuda/window.h"

namespace dcnn::cuda {

// For the n listed output pixels (device list; null: pixels 0..n-1), c channels. The divisor is
// the number of taps inside the input, or with count_include_pad the taps inside the padded
// input [-pad_top, in_h + pad_bottom) x [-pad_left, in_w + pad_right) (ONNX semantics).
template <typename T>
cudaError_t avg_pool(const Window2D& w, int c, bool count_include_pad, const T* in, T* out,
                     const int32_t* list, int64_t n, cudaStream_t stream);
// The same with the count of listed pixels read on the device (graph-capturable); the grid is
// sized for `capacity` pixels.
template <typename T>
cudaError_t avg_pool(const Window2D& w, int c, bool count_include_pad, const T* in, T* out,
                     const int32_t* list, const int* count, int64_t capacity, cudaStream_t stream);

}  // namespace dcnn::cuda
