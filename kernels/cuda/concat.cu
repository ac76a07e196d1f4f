#include "kernels/cuda/concat.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void concat_kernel(ConcatInputs in, float* __restrict__ out, int out_c,
                              const int32_t* __restrict__ list, int64_t n) {
  int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (t >= n * out_c) return;
  int ch = static_cast<int>(t % out_c);
  int64_t p = detail::listed_pixel(list, t / out_c);
  int k = 0, first = 0;
  while (ch >= first + in.channels[k]) first += in.channels[k++];
  out[p * out_c + ch] = in.data[k][p * in.channels[k] + (ch - first)];
}

}  // namespace

cudaError_t concat(const ConcatInputs& inputs, float* out, int out_c, const int32_t* list,
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
  concat_kernel<<<detail::blocks_for(n * out_c), detail::kBlock, 0, stream>>>(inputs, out, out_c,
                                                                              list, n);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
