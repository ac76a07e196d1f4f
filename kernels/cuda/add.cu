#include "kernels/cuda/add.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void add_kernel(const float* a, const float* b, bool b_broadcast, float coef_a,
                           float coef_b, float* out, const int32_t* __restrict__ list,
                           const int* __restrict__ count, int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t i = detail::listed_pixel(list, t / c) * c + ch;
    out[i] = coef_a * a[i] + coef_b * b[b_broadcast ? ch : i];
  }
}

__global__ void mask_union_kernel(uint8_t* __restrict__ dst, const uint8_t* __restrict__ src,
                                  int64_t n) {
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i < n) dst[i] = dst[i] | src[i];
}

}  // namespace

cudaError_t add(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b,
                float* out, const int32_t* list, int64_t n, int c, cudaStream_t stream) {
  if (n < 0 || c <= 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  add_kernel<<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(a, b, b_broadcast, coef_a,
                                                                       coef_b, out, list, nullptr,
                                                                       n, c);
  return cudaGetLastError();
}

cudaError_t add(const float* a, const float* b, bool b_broadcast, float coef_a, float coef_b,
                float* out, const int32_t* list, const int* count, int64_t capacity, int c,
                cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  add_kernel<<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      a, b, b_broadcast, coef_a, coef_b, out, list, count, capacity, c);
  return cudaGetLastError();
}

cudaError_t mask_union(uint8_t* dst, const uint8_t* src, int64_t n, cudaStream_t stream) {
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  mask_union_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(dst, src, n);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
