#include "kernels/cuda/avg_pool.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void avg_pool_kernel(Window2D w, int c, bool count_include_pad,
                                const T* __restrict__ in, T* __restrict__ out,
                                const int32_t* __restrict__ list,
                                const int* __restrict__ count, int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t p = detail::listed_pixel(list, t / c);
    int oy = static_cast<int>(p / w.out_w), ox = static_cast<int>(p % w.out_w);
    float sum = 0.f;
    int taps = 0;
    for (int ky = 0; ky < w.kh; ++ky) {
      int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
      bool row_in = iy >= 0 && iy < w.in_h;
      bool row_padded = iy >= -w.pad_top && iy < w.in_h + w.pad_bottom;
      for (int kx = 0; kx < w.kw; ++kx) {
        int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
        bool col_in = ix >= 0 && ix < w.in_w;
        if (row_in && col_in) {
          sum += detail::load(in + (int64_t{iy} * w.in_w + ix) * c + ch);
          ++taps;
        } else if (count_include_pad && row_padded && ix >= -w.pad_left &&
                   ix < w.in_w + w.pad_right) {
          ++taps;
        }
      }
    }
    // Times the reciprocal, as the CPU kernel does, so that the two backends round alike.
    detail::store(out + p * c + ch, taps > 0 ? sum * (1.f / static_cast<float>(taps)) : 0.f);
  }
}

}  // namespace

template <typename T>
cudaError_t avg_pool(const Window2D& w, int c, bool count_include_pad, const T* in, T* out,
                     const int32_t* list, int64_t n, cudaStream_t stream) {
  if (!window_is_valid(w) || c <= 0 || n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  avg_pool_kernel<T><<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(
      w, c, count_include_pad, in, out, list, nullptr, n);
  return cudaGetLastError();
}

template <typename T>
cudaError_t avg_pool(const Window2D& w, int c, bool count_include_pad, const T* in, T* out,
                     const int32_t* list, const int* count, int64_t capacity, cudaStream_t stream) {
  if (!window_is_valid(w) || c <= 0 || capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  avg_pool_kernel<T><<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      w, c, count_include_pad, in, out, list, count, capacity);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t avg_pool<T>(const Window2D&, int, bool, const T*, T*, const int32_t*,  \
                                   int64_t, cudaStream_t);                                    \
  template cudaError_t avg_pool<T>(const Window2D&, int, bool, const T*, T*, const int32_t*,  \
                                   const int*, int64_t, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
