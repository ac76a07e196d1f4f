// Element access shared by the .cu files of this folder (device code only, not a public header):
// tensor values are stored as fp32 or fp16 (`__half`), arithmetic is always fp32. load widens,
// store narrows with round-to-nearest-even.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

namespace dcnn::cuda::detail {

__device__ __forceinline__ float load(const float* p) { return *p; }
__device__ __forceinline__ float load(const __half* p) { return __half2float(*p); }
__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__half* p, float v) { *p = __float2half_rn(v); }

}  // namespace dcnn::cuda::detail
