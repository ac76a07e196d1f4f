#include "kernels/cuda/affine.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void affine_kernel(const T* x, T* out, const float* __restrict__ scale,
                              const float* __restrict__ shift, const int32_t* __restrict__ list,
                              const int* __restrict__ count, int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t i = detail::listed_pixel(list, t / c) * c + ch;
    float v = scale[ch] * detail::load(x + i);
    detail::store(out + i, shift ? v + shift[ch] : v);
  }
}

}  // namespace

template <typename T>
cudaError_t affine(const T* x, T* out, const float* scale, const float* shift, int64_t pixels,
                   int c, cudaStream_t stream) {
  if (pixels < 0 || c <= 0 || !scale) return cudaErrorInvalidValue;
  if (pixels == 0) return cudaSuccess;
  affine_kernel<T><<<detail::blocks_for(pixels * c), detail::kBlock, 0, stream>>>(
      x, out, scale, shift, nullptr, nullptr, pixels, c);
  return cudaGetLastError();
}

template <typename T>
cudaError_t affine(const T* x, T* out, const float* scale, const int32_t* list, const int* count,
                   int64_t capacity, int c, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !scale || !list || !count) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  affine_kernel<T><<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      x, out, scale, nullptr, list, count, capacity, c);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t affine<T>(const T*, T*, const float*, const float*, int64_t, int,      \
                                 cudaStream_t);                                               \
  template cudaError_t affine<T>(const T*, T*, const float*, const int32_t*, const int*,      \
                                 int64_t, int, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
