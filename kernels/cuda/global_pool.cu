#include "kernels/cuda/global_pool.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

constexpr int kChannelsPerBlock = 32;  // one warp reads 32 consecutive channels: coalesced
constexpr int kRows = 8;               // pixels summed side by side per block
constexpr int kMaxChunks = 128;        // enough blocks to fill an H100 for large maps
constexpr int64_t kMinPixelsPerChunk = 256;

// Block (32 channels x 8 rows) sums its chunk of pixels for 32 channels into partial[chunk][c].
template <typename T>
__global__ void partial_sum_kernel(const T* __restrict__ in, const int32_t* __restrict__ list,
                                   const int* __restrict__ count, int64_t n, int c,
                                   int64_t per_chunk, float* __restrict__ partial) {
  __shared__ float rows[kRows][kChannelsPerBlock];
  // With a device count the chunking is fixed by the capacity; chunks past the count sum to 0.
  if (count) n = min(n, static_cast<int64_t>(*count));

  int ch = blockIdx.x * kChannelsPerBlock + threadIdx.x;
  int64_t begin = blockIdx.y * per_chunk;
  int64_t end = begin + per_chunk < n ? begin + per_chunk : n;
  float sum = 0.f;
  if (ch < c)
    for (int64_t i = begin + threadIdx.y; i < end; i += kRows)
      sum += detail::load(in + detail::listed_pixel(list, i) * c + ch);
  rows[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y == 0 && ch < c) {
    float total = 0.f;
    for (int r = 0; r < kRows; ++r) total += rows[r][threadIdx.x];
    partial[int64_t{blockIdx.y} * c + ch] = total;
  }
}

template <typename T>
__global__ void finish_kernel(const float* __restrict__ partial, int chunks, int c, float scale,
                              T* __restrict__ out) {
  int ch = blockIdx.x * blockDim.x + threadIdx.x;
  if (ch >= c) return;
  float total = 0.f;
  for (int k = 0; k < chunks; ++k) total += partial[int64_t{k} * c + ch];
  detail::store(out + ch, scale * total);
}

template <typename T>
cudaError_t launch(const T* in, const int32_t* list, const int* count, int64_t n, int c,
                   float scale, float* scratch, T* out, cudaStream_t stream) {
  int64_t chunks = (n + kMinPixelsPerChunk - 1) / kMinPixelsPerChunk;
  if (chunks > kMaxChunks) chunks = kMaxChunks;
  int64_t per_chunk = (n + chunks - 1) / chunks;
  chunks = (n + per_chunk - 1) / per_chunk;  // no empty trailing chunk
  dim3 grid((c + kChannelsPerBlock - 1) / kChannelsPerBlock, static_cast<unsigned>(chunks));
  partial_sum_kernel<T><<<grid, dim3(kChannelsPerBlock, kRows), 0, stream>>>(
      in, list, count, n, c, per_chunk, scratch);
  finish_kernel<T><<<detail::blocks_for(c), detail::kBlock, 0, stream>>>(
      scratch, static_cast<int>(chunks), c, scale, out);
  return cudaGetLastError();
}

}  // namespace

int64_t global_sum_scratch_floats(int c) { return int64_t{kMaxChunks} * c; }

template <typename T>
cudaError_t global_sum(const T* in, const int32_t* list, int64_t n, int c, float scale,
                       float* scratch, T* out, cudaStream_t stream) {
  if (n < 0 || c <= 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaMemsetAsync(out, 0, sizeof(T) * c, stream);
  return launch(in, list, nullptr, n, c, scale, scratch, out, stream);
}

template <typename T>
cudaError_t global_sum(const T* in, const int32_t* list, const int* count, int64_t capacity,
                       int c, float scale, float* scratch, T* out, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaMemsetAsync(out, 0, sizeof(T) * c, stream);
  return launch(in, list, count, capacity, c, scale, scratch, out, stream);
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t global_sum<T>(const T*, const int32_t*, int64_t, int, float, float*,   \
                                     T*, cudaStream_t);                                       \
  template cudaError_t global_sum<T>(const T*, const int32_t*, const int*, int64_t, int,      \
                                     float, float*, T*, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
