#include "kernels/cuda/mask_ops.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void fill_if_any_kernel(uint8_t* __restrict__ mask, int64_t n,
                                   const int* __restrict__ count) {
  if (*count <= 0) return;
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i < n) mask[i] = 1;
}

template <typename T>
__global__ void zero_inactive_kernel(T* __restrict__ values, const uint8_t* __restrict__ mask,
                                     int64_t total, int c) {
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i < total && !mask[i / c]) detail::store(values + i, 0.f);
}

}  // namespace

cudaError_t fill_mask_if_any(uint8_t* mask, int64_t n, const int* count, cudaStream_t stream) {
  if (n < 0 || !count) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  fill_if_any_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(mask, n, count);
  return cudaGetLastError();
}

template <typename T>
cudaError_t zero_inactive_pixels(T* values, const uint8_t* mask, int64_t pixels, int c,
                                 cudaStream_t stream) {
  if (pixels < 0 || c <= 0) return cudaErrorInvalidValue;
  if (pixels == 0) return cudaSuccess;
  zero_inactive_kernel<T><<<detail::blocks_for(pixels * c), detail::kBlock, 0, stream>>>(
      values, mask, pixels * c, c);
  return cudaGetLastError();
}

template cudaError_t zero_inactive_pixels<float>(float*, const uint8_t*, int64_t, int,
                                                 cudaStream_t);
template cudaError_t zero_inactive_pixels<__half>(__half*, const uint8_t*, int64_t, int,
                                                  cudaStream_t);

}  // namespace dcnn::cuda
