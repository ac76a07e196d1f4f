#include "kernels/cuda/concat.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void concat_kernel(ConcatInputs<T> in, T* __restrict__ out, int out_c,
                              const int32_t* __restrict__ list,
                              const int* __restrict__ count, int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * out_c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % out_c);
    int64_t p = detail::listed_pixel(list, t / out_c);
    int k = 0, first = 0;
    while (ch >= first + in.channels[k]) first += in.channels[k++];
    out[p * out_c + ch] = in.data[k][p * in.channels[k] + (ch - first)];
  }
}

template <typename T>
bool inputs_ok(const ConcatInputs<T>& inputs, int out_c) {
  if (inputs.count <= 0 || inputs.count > kMaxConcatInputs || out_c <= 0) return false;
  int sum = 0;
  for (int k = 0; k < inputs.count; ++k) {
    if (inputs.channels[k] <= 0 || !inputs.data[k]) return false;
    sum += inputs.channels[k];
  }
  return sum == out_c;
}

}  // namespace

template <typename T>
cudaError_t concat(const ConcatInputs<T>& inputs, T* out, int out_c, const int32_t* list,
                   const int* count, int64_t capacity, cudaStream_t stream) {
  if (!inputs_ok(inputs, out_c) || capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  concat_kernel<T><<<detail::capped_blocks(capacity * out_c), detail::kBlock, 0, stream>>>(
      inputs, out, out_c, list, count, capacity);
  return cudaGetLastError();
}

template <typename T>
cudaError_t concat(const ConcatInputs<T>& inputs, T* out, int out_c, const int32_t* list,
                   int64_t n, cudaStream_t stream) {
  if (inputs.count <= 0 || inputs.count > kMaxConcatInputs || n < 0 || out_c <= 0)
    return cudaErrorInvalidValue;
  int sum = 0;
  for (int k = 0; k < inputs.count; ++k) {
    if (inputs.channels[k] <= 0 || !inputs.data[k]) return cudaErrorInvalidValue;
    sum += inputs.channels[k];
  }
  if (sum != out_c) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  concat_kernel<T><<<detail::blocks_for(n * out_c), detail::kBlock, 0, stream>>>(
      inputs, out, out_c, list, nullptr, n);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t concat<T>(const ConcatInputs<T>&, T*, int, const int32_t*, int64_t,    \
                                 cudaStream_t);                                               \
  template cudaError_t concat<T>(const ConcatInputs<T>&, T*, int, const int32_t*, const int*, \
                                 int64_t, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
