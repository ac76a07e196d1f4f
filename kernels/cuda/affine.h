// Per-channel y = scale[c] * x + shift[c] (ONNX Mul/Add by constants, BatchNorm that could not
// be folded into a conv). Linear: on deltas the shift cancels (pass shift = null).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda {

// Dense: every pixel of a `pixels` x c map. scale and shift are c floats on the device; shift
// may be null. out may alias x.
cudaError_t affine(const float* x, float* out, const float* scale, const float* shift,
                   int64_t pixels, int c, cudaStream_t stream);
// The listed pixels only (count read on the device; grid sized for `capacity`), no shift.
cudaError_t affine(const float* x, float* out, const float* scale, const int32_t* list,
                   const int* count, int64_t capacity, int c, cudaStream_t stream);

}  // namespace dcnn::cuda
