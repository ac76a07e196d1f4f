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

// Grid of a launch sized by a capacity while the real count is read on the device: capped at
// kMaxGridBlocks (about two waves of 256-thread blocks on an H100), with the kernel looping
// grid-stride over the rest, so a nearly empty list does not cost a full-map grid of idle blocks.
constexpr int64_t kMaxGridBlocks = 1024;
inline unsigned capped_blocks(int64_t work, int per_block = kBlock) {
  const int64_t blocks = (work + per_block - 1) / per_block;
  return static_cast<unsigned>(blocks < kMaxGridBlocks ? blocks : kMaxGridBlocks);
}

// Element i of a pixel list, or pixel i itself when the list is null (dense: all pixels).
__device__ __forceinline__ int64_t listed_pixel(const int32_t* list, int64_t i) {
  return list ? static_cast<int64_t>(list[i]) : i;
}

}  // namespace dcnn::cuda::detail
