// Per-channel y = scale[c] * x + shift[c] (ONNX Mul/Add by constants, BatchNorm that could not
// be folded into a conv). Linear: on deltas the shift cancels (pass shift = null). Values are
// fp32 or fp16 (`T`: float or __half), computed in fp32; scale and shift are fp32.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// Dense: every pixel of a `pixels` x c map. scale and shift are c floats on the device; shift
// may be null. out may alias x.
template <typename T>
cudaError_t affine(const T* x, T* out, const float* scale, const float* shift, int64_t pixels,
                   int c, cudaStream_t stream);
// The listed pixels only (count read on the device; grid sized for `capacity`), no shift.
template <typename T>
cudaError_t affine(const T* x, T* out, const float* scale, const int32_t* list, const int* count,
                   int64_t capacity, int c, cudaStream_t stream);

}  // namespace dcnn::cuda
