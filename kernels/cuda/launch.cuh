// Launch helpers shared by the .cu files of this folder (device code only, not a public header).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace dcnn::cuda::detail {

// 256 threads: 8 warps per block keeps enough blocks resident per SM on every size we launch
// for and is a multiple of the warp size for the ballot-based kernels.
constexpr int kBlock = 256;

inline unsigned blocks_for(int64_t work, int per_block = kBlock) {
  return static_cast<unsigned>((work + per_block - 1) / per_block);
}

// Element i of a pixel list, or pixel i itself when the list is null (dense: all pixels).
__device__ __forceinline__ int64_t listed_pixel(const int32_t* list, int64_t i) {
  return list ? static_cast<int64_t>(list[i]) : i;
}

}  // namespace dcnn::cuda::detail
