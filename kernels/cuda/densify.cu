#include "kernels/cuda/densify.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void accumulate_kernel(float* __restrict__ dense, const float* __restrict__ delta,
                                  const int32_t* __restrict__ list, const int* __restrict__ count,
                                  int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int64_t i = detail::listed_pixel(list, t / c) * c + t % c;
    dense[i] += delta[i];
  }
}

}  // namespace

cudaError_t accumulate_pixels(float* dense, const float* delta, const int32_t* list, int64_t n,
                              int c, cudaStream_t stream) {
  if (n < 0 || c <= 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  accumulate_kernel<<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(dense, delta, list,
                                                                              nullptr, n, c);
  return cudaGetLastError();
}

cudaError_t accumulate_pixels(float* dense, const float* delta, const int32_t* list,
                              const int* count, int64_t capacity, int c, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  accumulate_kernel<<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      dense, delta, list, count, capacity, c);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
