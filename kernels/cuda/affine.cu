#include "kernels/cuda/affine.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void affine_kernel(const float* x, float* out, const float* __restrict__ scale,
                              const float* __restrict__ shift, const int32_t* __restrict__ list,
                              const int* __restrict__ count, int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t i = detail::listed_pixel(list, t / c) * c + ch;
    float v = scale[ch] * x[i];
    out[i] = shift ? v + shift[ch] : v;
  }
}

}  // namespace

cudaError_t affine(const float* x, float* out, const float* scale, const float* shift,
                   int64_t pixels, int c, cudaStream_t stream) {
  if (pixels < 0 || c <= 0 || !scale) return cudaErrorInvalidValue;
  if (pixels == 0) return cudaSuccess;
  affine_kernel<<<detail::blocks_for(pixels * c), detail::kBlock, 0, stream>>>(
      x, out, scale, shift, nullptr, nullptr, pixels, c);
  return cudaGetLastError();
}

cudaError_t affine(const float* x, float* out, const float* scale, const int32_t* list,
                   const int* count, int64_t capacity, int c, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !scale || !list || !count) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  affine_kernel<<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      x, out, scale, nullptr, list, count, capacity, c);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
