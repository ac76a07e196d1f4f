#include "kernels/cuda/conv_transpose.h"

#include "kernels/cuda/conv_transpose_gather.h"
#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void mask_kernel(ConvTransposeShape s, const uint8_t* __restrict__ in_mask,
                            uint8_t* __restrict__ out_mask) {
  const int64_t o = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (o >= int64_t{s.out_h} * s.out_w) return;
  out_mask[o] = gather::output_reached(s, in_mask, static_cast<int>(o / s.out_w),
                                       static_cast<int>(o % s.out_w)) ? 1 : 0;
}

template <typename T>
__global__ void conv_transpose_kernel(ConvTransposeShape s, const float* __restrict__ weights,
                                      const float* __restrict__ bias, const T* __restrict__ in,
                                      T* __restrict__ out, const int32_t* __restrict__ list,
                                      const int* __restrict__ count, int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * s.cout;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    const int co_all = static_cast<int>(t % s.cout);
    const int64_t p = detail::listed_pixel(list, t / s.cout);
    const int oy = static_cast<int>(p / s.out_w), ox = static_cast<int>(p % s.out_w);
    const float acc = gather::output_value(s, weights, in, oy, ox, co_all, bias ? bias[co_all] : 0.f);
    detail::store(out + p * s.cout + co_all, acc);
  }
}

template <typename T>
cudaError_t launch(const ConvTransposeShape& s, const float* weights, const float* bias, const T* in,
                   T* out, const int32_t* list, const int* count, int64_t n, cudaStream_t stream) {
  if (!conv_transpose_shape_is_valid(s) || !weights || !in || !out) return cudaErrorInvalidValue;
  if (count && !list) return cudaErrorInvalidValue;
  if (!list) n = int64_t{s.out_h} * s.out_w;
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  const unsigned blocks = count ? detail::capped_blocks(n * s.cout) : detail::blocks_for(n * s.cout);
  conv_transpose_kernel<T><<<blocks, detail::kBlock, 0, stream>>>(s, weights, bias, in, out, list,
                                                                  count, n);
  return cudaGetLastError();
}

}  // namespace

cudaError_t conv_transpose_mask(const ConvTransposeShape& s, const uint8_t* in_mask, uint8_t* out_mask,
                                cudaStream_t stream) {
  if (!conv_transpose_shape_is_valid(s) || !in_mask || !out_mask) return cudaErrorInvalidValue;
  const int64_t n = int64_t{s.out_h} * s.out_w;
  mask_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(s, in_mask, out_mask);
  return cudaGetLastError();
}

template <typename T>
cudaError_t conv_transpose(const ConvTransposeShape& s, const float* weights, const float* bias,
                           const T* in, T* out, const int32_t* list, int64_t n,
                           cudaStream_t stream) {
  return launch(s, weights, bias, in, out, list, nullptr, n, stream);
}

template <typename T>
cudaError_t conv_transpose(const ConvTransposeShape& s, const float* weights, const float* bias,
                           const T* in, T* out, const int32_t* list, const int* count,
                           int64_t capacity, cudaStream_t stream) {
  if (!count || !list) return cudaErrorInvalidValue;
  return launch(s, weights, bias, in, out, list, count, capacity, stream);
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t conv_transpose<T>(const ConvTransposeShape&, const float*, const float*, \
                                         const T*, T*, const int32_t*, int64_t, cudaStream_t); \
  template cudaError_t conv_transpose<T>(const ConvTransposeShape&, const float*, const float*, \
                                         const T*, T*, const int32_t*, const int*, int64_t,   \
                                         cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
