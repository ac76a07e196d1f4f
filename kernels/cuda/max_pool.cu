#include "kernels/cuda/max_pool.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void max_pool_kernel(Window2D w, int c, const float* __restrict__ in, float* prev_out,
                                bool emit_delta, float* out, const int32_t* __restrict__ list,
                                const int* __restrict__ count, int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t p = detail::listed_pixel(list, t / c);
    int oy = static_cast<int>(p / w.out_w), ox = static_cast<int>(p % w.out_w);
    float m = -INFINITY;
    for (int ky = 0; ky < w.kh; ++ky) {
      int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
      if (iy < 0 || iy >= w.in_h) continue;
      for (int kx = 0; kx < w.kw; ++kx) {
        int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
        if (ix < 0 || ix >= w.in_w) continue;
        m = fmaxf(m, in[(int64_t{iy} * w.in_w + ix) * c + ch]);
      }
    }
    int64_t i = p * c + ch;
    if (!prev_out) {
      out[i] = m;
      continue;
    }
    if (emit_delta) out[i] = m - prev_out[i];
    prev_out[i] = m;
  }
}

}  // namespace

cudaError_t max_pool(const Window2D& w, int c, const float* in, float* prev_out, bool emit_delta,
                     float* out, const int32_t* list, int64_t n, cudaStream_t stream) {
  if (!window_is_valid(w) || c <= 0 || n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  max_pool_kernel<<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(
      w, c, in, prev_out, emit_delta, out, list, nullptr, n);
  return cudaGetLastError();
}

cudaError_t max_pool(const Window2D& w, int c, const float* in, float* prev_out, bool emit_delta,
                     float* out, const int32_t* list, const int* count, int64_t capacity,
                     cudaStream_t stream) {
  if (!window_is_valid(w) || c <= 0 || capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  max_pool_kernel<<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      w, c, in, prev_out, emit_delta, out, list, count, capacity);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
