#include "kernels/cuda/max_pool.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

// One warp per listed pixel, lanes over channels: the warp can tell (ballot) whether any channel
// of the pixel changed, which the mask update needs.
template <typename TIn, typename TOut>
__global__ void max_pool_kernel(Window2D w, int c, const TIn* __restrict__ in, float* prev_out,
                                bool emit_delta, TOut* out, uint8_t* __restrict__ mask,
                                const int32_t* __restrict__ list, const int* __restrict__ count,
                                int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t warps = (int64_t{gridDim.x} * blockDim.x) >> 5;
  const int lane = threadIdx.x & 31;
  // Warp-stride over the pixels; the bound is per warp, so warps stay converged for the ballot.
  for (int64_t warp = (blockIdx.x * int64_t{blockDim.x} + threadIdx.x) >> 5; warp < n; warp += warps) {
    const int64_t p = detail::listed_pixel(list, warp);
    const int oy = static_cast<int>(p / w.out_w), ox = static_cast<int>(p % w.out_w);
    bool changed = false;
    for (int ch = lane; ch < c; ch += 32) {
      float m = -INFINITY;
      for (int ky = 0; ky < w.kh; ++ky) {
        const int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
        if (iy < 0 || iy >= w.in_h) continue;
        for (int kx = 0; kx < w.kw; ++kx) {
          const int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
          if (ix < 0 || ix >= w.in_w) continue;
          m = fmaxf(m, detail::load(in + (int64_t{iy} * w.in_w + ix) * c + ch));
        }
      }
      const int64_t i = p * c + ch;
      if (!prev_out) {
        detail::store(out + i, m);
        continue;
      }
      const float v = emit_delta ? m - prev_out[i] : m;
      detail::store(out + i, v);
      changed |= v != 0.f;
      prev_out[i] = m;
    }
    if (mask && emit_delta && prev_out && !__any_sync(0xffffffffu, changed) && lane == 0) mask[p] = 0;
  }
}

}  // namespace

template <typename TIn, typename TOut>
cudaError_t max_pool(const Window2D& w, int c, const TIn* in, float* prev_out, bool emit_delta,
                     TOut* out, uint8_t* mask, const int32_t* list, int64_t n,
                     cudaStream_t stream) {
  if (!window_is_valid(w) || c <= 0 || n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  max_pool_kernel<TIn, TOut><<<detail::blocks_for(n * 32), detail::kBlock, 0, stream>>>(
      w, c, in, prev_out, emit_delta, out, mask, list, nullptr, n);
  return cudaGetLastError();
}

template <typename TIn, typename TOut>
cudaError_t max_pool(const Window2D& w, int c, const TIn* in, float* prev_out, bool emit_delta,
                     TOut* out, uint8_t* mask, const int32_t* list, const int* count,
                     int64_t capacity, cudaStream_t stream) {
  if (!window_is_valid(w) || c <= 0 || capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  max_pool_kernel<TIn, TOut><<<detail::capped_blocks(capacity * 32), detail::kBlock, 0, stream>>>(
      w, c, in, prev_out, emit_delta, out, mask, list, count, capacity);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(TIn, TOut)                                                            \
  template cudaError_t max_pool<TIn, TOut>(const Window2D&, int, const TIn*, float*, bool,     \
                                           TOut*, uint8_t*, const int32_t*, int64_t,          \
                                           cudaStream_t);                                      \
  template cudaError_t max_pool<TIn, TOut>(const Window2D&, int, const TIn*, float*, bool,     \
                                           TOut*, uint8_t*, const int32_t*, const int*,       \
                                           int64_t, cudaStream_t);
DCNN_INSTANTIATE(float, float)
DCNN_INSTANTIATE(__half, __half)
DCNN_INSTANTIATE(float, __half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
