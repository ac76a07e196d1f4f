#include "kernels/cuda/add.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void add_kernel(const T* a, const T* b, bool b_broadcast, float coef_a,
                           float coef_b, T* out, const int32_t* __restrict__ list,
                           const int* __restrict__ count, int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t i = detail::listed_pixel(list, t / c) * c + ch;
    detail::store(out + i, coef_a * detail::load(a + i) +
                               coef_b * detail::load(b + (b_broadcast ? ch : i)));
  }
}

__global__ void mask_union_kernel(uint8_t* __restrict__ dst, const uint8_t* __restrict__ src,
                                  int64_t n) {
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i < n) dst[i] = dst[i] | src[i];
}

}  // namespace

template <typename T>
cudaError_t add(const T* a, const T* b, bool b_broadcast, float coef_a, float coef_b, T* out,
                const int32_t* list, int64_t n, int c, cudaStream_t stream) {
  if (n < 0 || c <= 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  add_kernel<T><<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(
      a, b, b_broadcast, coef_a, coef_b, out, list, nullptr, n, c);
  return cudaGetLastError();
}

template <typename T>
cudaError_t add(const T* a, const T* b, bool b_broadcast, float coef_a, float coef_b, T* out,
                const int32_t* list, const int* count, int64_t capacity, int c,
                cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  add_kernel<T><<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      a, b, b_broadcast, coef_a, coef_b, out, list, count, capacity, c);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t add<T>(const T*, const T*, bool, float, float, T*, const int32_t*,     \
                              int64_t, int, cudaStream_t);                                    \
  template cudaError_t add<T>(const T*, const T*, bool, float, float, T*, const int32_t*,     \
                              const int*, int64_t, int, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

cudaError_t mask_union(uint8_t* dst, const uint8_t* src, int64_t n, cudaStream_t stream) {
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  mask_union_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(dst, src, n);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
