#include "kernels/cuda/densify.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void accumulate_kernel(float* __restrict__ dense, const T* __restrict__ delta,
                                  const int32_t* __restrict__ list, const int* __restrict__ count,
                                  int64_t n, int c) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int64_t i = detail::listed_pixel(list, t / c) * c + t % c;
    dense[i] += detail::load(delta + i);
  }
}

template <typename TIn, typename TOut>
__global__ void convert_kernel(const TIn* in, TOut* out, int64_t n) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    detail::store(out + i, detail::load(in + i));
}

}  // namespace

template <typename T>
cudaError_t accumulate_pixels(float* dense, const T* delta, const int32_t* list, int64_t n, int c,
                              cudaStream_t stream) {
  if (n < 0 || c <= 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  accumulate_kernel<T><<<detail::blocks_for(n * c), detail::kBlock, 0, stream>>>(
      dense, delta, list, nullptr, n, c);
  return cudaGetLastError();
}

template <typename T>
cudaError_t accumulate_pixels(float* dense, const T* delta, const int32_t* list,
                              const int* count, int64_t capacity, int c, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  accumulate_kernel<T><<<detail::capped_blocks(capacity * c), detail::kBlock, 0, stream>>>(
      dense, delta, list, count, capacity, c);
  return cudaGetLastError();
}

template <typename TIn, typename TOut>
cudaError_t convert(const TIn* in, TOut* out, int64_t n, cudaStream_t stream) {
  if (n < 0 || (n > 0 && (!in || !out))) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  // Grid-stride with a capped grid: n may exceed what one thread per element could launch.
  convert_kernel<TIn, TOut><<<detail::capped_blocks(n), detail::kBlock, 0, stream>>>(in, out, n);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t accumulate_pixels<T>(float*, const T*, const int32_t*, int64_t, int,   \
                                            cudaStream_t);                                    \
  template cudaError_t accumulate_pixels<T>(float*, const T*, const int32_t*, const int*,     \
                                            int64_t, int, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

template cudaError_t convert<float, __half>(const float*, __half*, int64_t, cudaStream_t);
template cudaError_t convert<__half, float>(const __half*, float*, int64_t, cudaStream_t);
template cudaError_t convert<float, float>(const float*, float*, int64_t, cudaStream_t);
template cudaError_t convert<__half, __half>(const __half*, __half*, int64_t, cudaStream_t);

}  // namespace dcnn::cuda
