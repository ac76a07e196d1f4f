#include "kernels/cuda/depthwise_conv.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void depthwise_kernel(Window2D w, int c, const float* __restrict__ weights,
                                 const float* __restrict__ bias, const T* __restrict__ in,
                                 T* __restrict__ out, const int32_t* __restrict__ list,
                                 const int* __restrict__ count, int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t p = detail::listed_pixel(list, t / c);
    int oy = static_cast<int>(p / w.out_w), ox = static_cast<int>(p % w.out_w);
    float acc = bias ? bias[ch] : 0.f;
    for (int ky = 0; ky < w.kh; ++ky) {
      int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
      if (iy < 0 || iy >= w.in_h) continue;
      for (int kx = 0; kx < w.kw; ++kx) {
        int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
        if (ix < 0 || ix >= w.in_w) continue;
        acc = fmaf(weights[(ky * w.kw + kx) * c + ch],
                   detail::load(in + (int64_t{iy} * w.in_w + ix) * c + ch), acc);
      }
    }
    detail::store(out + p * c + ch, acc);
  }
}

template <typename T>
cudaError_t launch(const ConvShape& s, const float* weights, const float* bias, const T* in, T* out,
                   const int32_t* list, const int* count, int64_t n, cudaStream_t stream) {
  if (!conv_shape_is_valid(s) || s.groups != s.cin || s.cin != s.cout) return cudaErrorInvalidValue;
  if (count && !list) return cudaErrorInvalidValue;
  if (!list) n = int64_t{s.window.out_h} * s.window.out_w;
  if (n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  const unsigned blocks = count ? detail::capped_blocks(n * s.cout) : detail::blocks_for(n * s.cout);
  depthwise_kernel<T><<<blocks, detail::kBlock, 0, stream>>>(
      s.window, s.cout, weights, bias, in, out, list, count, n);
  return cudaGetLastError();
}

}  // namespace

cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const float* in, float* out, const int32_t* list, int64_t n,
                           cudaStream_t stream) {
  return launch(s, weights, bias, in, out, list, nullptr, n, stream);
}

cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const __half* in, __half* out, const int32_t* list, int64_t n,
                           cudaStream_t stream) {
  return launch(s, weights, bias, in, out, list, nullptr, n, stream);
}

cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const float* in, float* out, const int32_t* list, const int* count,
                           int64_t capacity, cudaStream_t stream) {
  if (!count || !list) return cudaErrorInvalidValue;
  return launch(s, weights, bias, in, out, list, count, capacity, stream);
}

cudaError_t depthwise_conv(const ConvShape& s, const float* weights, const float* bias,
                           const __half* in, __half* out, const int32_t* list, const int* count,
                           int64_t capacity, cudaStream_t stream) {
  if (!count || !list) return cudaErrorInvalidValue;
  return launch(s, weights, bias, in, out, list, count, capacity, stream);
}

}  // namespace dcnn::cuda
