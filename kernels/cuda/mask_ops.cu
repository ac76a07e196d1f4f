#include "kernels/cuda/mask_ops.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void fill_if_any_kernel(uint8_t* __restrict__ mask, int64_t n,
                                   const int* __restrict__ count) {
  if (*count <= 0) return;
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i < n) mask[i] = 1;
}

__global__ void zero_inactive_kernel(float* __restrict__ values, const uint8_t* __restrict__ mask,
                                     int64_t total, int c) {
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i < total && !mask[i / c]) values[i] = 0.f;
}

// One warp per listed pixel (channel loop + ballot), like activation_delta.
__global__ void drop_unchanged_kernel(const float* __restrict__ values,
                                      const int32_t* __restrict__ list,
                                      const int* __restrict__ count, int64_t capacity, int c,
                                      uint8_t* __restrict__ mask) {
  const int64_t warps = (int64_t{gridDim.x} * blockDim.x) >> 5;
  int lane = threadIdx.x & 31;
  int64_t n = min(capacity, static_cast<int64_t>(*count));
  // Warp-stride over the listed pixels; the bound is per warp, so warps stay converged.
  for (int64_t warp = (blockIdx.x * int64_t{blockDim.x} + threadIdx.x) >> 5; warp < n; warp += warps) {
    int64_t base = int64_t{list[warp]} * c;
    bool changed = false;
    for (int ch = lane; ch < c; ch += 32) changed |= values[base + ch] != 0.f;
    if (!__any_sync(0xffffffffu, changed) && lane == 0) mask[list[warp]] = 0;
  }
}

}  // namespace

cudaError_t fill_mask_if_any(uint8_t* mask, int64_t n, const int* count, cudaStream_t stream) {
  if (n < 0 || !count) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  fill_if_any_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(mask, n, count);
  return cudaGetLastError();
}

cudaError_t zero_inactive_pixels(float* values, const uint8_t* mask, int64_t pixels, int c,
                                 cudaStream_t stream) {
  if (pixels < 0 || c <= 0) return cudaErrorInvalidValue;
  if (pixels == 0) return cudaSuccess;
  zero_inactive_kernel<<<detail::blocks_for(pixels * c), detail::kBlock, 0, stream>>>(
      values, mask, pixels * c, c);
  return cudaGetLastError();
}

cudaError_t drop_unchanged_pixels(const float* values, const int32_t* list, const int* count,
                                  int64_t capacity, int c, uint8_t* mask, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  drop_unchanged_kernel<<<detail::capped_blocks(capacity * 32), detail::kBlock, 0, stream>>>(
      values, list, count, capacity, c, mask);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
