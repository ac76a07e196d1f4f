#include "kernels/cuda/clear_pixels.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void clear_kernel(T* __restrict__ values, uint8_t* __restrict__ mask,
                             const int32_t* __restrict__ list, const int* __restrict__ count,
                             int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int64_t p = list[t / c];
    int ch = static_cast<int>(t % c);
    detail::store(values + p * c + ch, 0.f);
    if (mask && ch == 0) mask[p] = 0;
  }
}

}  // namespace

template <typename T>
cudaError_t clear_pixels(T* values, uint8_t* mask, const int32_t* list, int64_t n, int c,
                         cudaStream_t stream) {
  if (n < 0 || c <= 0 || (n > 0 && !list)) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  clear_kernel<T><<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(values, mask, list,
                                                                            nullptr, n, c);
  return cudaGetLastError();
}

template <typename T>
cudaError_t clear_pixels(T* values, uint8_t* mask, const int32_t* list, const int* count,
                         int64_t capacity, int c, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  clear_kernel<T><<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      values, mask, list, count, capacity, c);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t clear_pixels<T>(T*, uint8_t*, const int32_t*, int64_t, int,            \
                                       cudaStream_t);                                         \
  template cudaError_t clear_pixels<T>(T*, uint8_t*, const int32_t*, const int*, int64_t, int, \
                                       cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
