#include "kernels/cuda/binary.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename TIn, typename TOut>
__global__ void binary_kernel(BinaryFn fn, BroadcastView<TIn> a, BroadcastView<TIn> b, int out_w,
                              int c, float* prev_out, bool emit_delta, TOut* out,
                              const int32_t* __restrict__ list,
                              const int* __restrict__ count, int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % c);
    int64_t p = detail::listed_pixel(list, t / c);
    int64_t y = p / out_w, x = p % out_w;
    float va = detail::load(a.data + (y * a.sy + x * a.sx + ch * a.sc));
    float vb = detail::load(b.data + (y * b.sy + x * b.sx + ch * b.sc));
    float f = fn == BinaryFn::Mul ? va * vb : va / vb;
    int64_t i = p * c + ch;
    if (!prev_out) {
      detail::store(out + i, f);
      continue;
    }
    detail::store(out + i, emit_delta ? f - prev_out[i] : f);
    prev_out[i] = f;
  }
}

}  // namespace

template <typename TIn, typename TOut>
cudaError_t binary(BinaryFn fn, const BroadcastView<TIn>& a, const BroadcastView<TIn>& b,
                   int out_w, int c, float* prev_out, bool emit_delta, TOut* out,
                   const int32_t* list, int64_t n, cudaStream_t stream) {
  if (n < 0 || c <= 0 || out_w <= 0 || !a.data || !b.data) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  binary_kernel<TIn, TOut><<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(
      fn, a, b, out_w, c, prev_out, emit_delta, out, list, nullptr, n);
  return cudaGetLastError();
}

template <typename TIn, typename TOut>
cudaError_t binary(BinaryFn fn, const BroadcastView<TIn>& a, const BroadcastView<TIn>& b,
                   int out_w, int c, float* prev_out, bool emit_delta, TOut* out,
                   const int32_t* list, const int* count, int64_t capacity, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || out_w <= 0 || !a.data || !b.data || !count || !list)
    return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  binary_kernel<TIn, TOut><<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      fn, a, b, out_w, c, prev_out, emit_delta, out, list, count, capacity);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(TIn, TOut)                                                            \
  template cudaError_t binary<TIn, TOut>(BinaryFn, const BroadcastView<TIn>&,                  \
                                         const BroadcastView<TIn>&, int, int, float*, bool,    \
                                         TOut*, const int32_t*, int64_t, cudaStream_t);        \
  template cudaError_t binary<TIn, TOut>(BinaryFn, const BroadcastView<TIn>&,                  \
                                         const BroadcastView<TIn>&, int, int, float*, bool,    \
                                         TOut*, const int32_t*, const int*, int64_t,           \
                                         cudaStream_t);
DCNN_INSTANTIATE(float, float)
DCNN_INSTANTIATE(__half, __half)
DCNN_INSTANTIATE(float, __half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
