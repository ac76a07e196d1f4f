#include "kernels/cuda/compact.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;
constexpr int kIterations = 8;  // items per thread: 2048 mask bytes per block
constexpr int64_t kItemsPerBlock = int64_t{kThreads} * kIterations;

// Pass 1: number of set bytes in each block's range.
__global__ void count_kernel(const uint8_t* __restrict__ mask, int64_t n,
                             int* __restrict__ block_counts) {
  int64_t base = blockIdx.x * kItemsPerBlock;
  int total = 0;
  for (int it = 0; it < kIterations; ++it) {
    int64_t i = base + it * kThreads + threadIdx.x;
    total += __syncthreads_count(i < n && mask[i] != 0);
  }
  if (threadIdx.x == 0) block_counts[blockIdx.x] = total;
}

// Inclusive scan of one value per thread across the block; returns the block total too.
__device__ int block_inclusive_scan(int v, int* warp_sums, int* total) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int off = 1; off < 32; off <<= 1) {
    int up = __shfl_up_sync(0xffffffffu, v, off);
    if (lane >= off) v += up;
  }
  if (lane == 31) warp_sums[warp] = v;
  __syncthreads();
  int before = 0, sum = 0;
  for (int w = 0; w < kWarps; ++w) {
    if (w < warp) before += warp_sums[w];
    sum += warp_sums[w];
  }
  __syncthreads();  // warp_sums is reused by the next call
  *total = sum;
  return v + before;
}

// Pass 2 (one block): block counts -> exclusive offsets in place; grand total -> *count.
__global__ void scan_kernel(int* __restrict__ counts, int blocks, int* __restrict__ count) {
  __shared__ int warp_sums[kWarps];
  int running = 0;
  for (int base = 0; base < blocks; base += kThreads) {
    int i = base + threadIdx.x;
    int v = i < blocks ? counts[i] : 0;
    int chunk_total = 0;
    int inclusive = block_inclusive_scan(v, warp_sums, &chunk_total);
    if (i < blocks) counts[i] = running + inclusive - v;
    running += chunk_total;
  }
  if (threadIdx.x == 0) *count = running;
}

// Pass 3: each block writes its set indices from its offset on, in index order.
__global__ void write_kernel(const uint8_t* __restrict__ mask, int64_t n,
                             const int* __restrict__ offsets, int32_t* __restrict__ list) {
  __shared__ int warp_sums[kWarps];
  int64_t base = blockIdx.x * kItemsPerBlock;
  int offset = offsets[blockIdx.x];
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int it = 0; it < kIterations; ++it) {
    int64_t i = base + it * kThreads + threadIdx.x;
    bool set = i < n && mask[i] != 0;
    unsigned ballot = __ballot_sync(0xffffffffu, set);
    if (lane == 0) warp_sums[warp] = __popc(ballot);
    __syncthreads();
    int before = 0, total = 0;
    for (int w = 0; w < kWarps; ++w) {
      if (w < warp) before += warp_sums[w];
      total += warp_sums[w];
    }
    if (set) {
      unsigned lower_lanes = (1u << lane) - 1u;
      list[offset + before + __popc(ballot & lower_lanes)] = static_cast<int32_t>(i);
    }
    offset += total;
    __syncthreads();  // warp_sums is rewritten next iteration
  }
}

}  // namespace

int64_t compact_scratch_ints(int64_t n) { return (n + kItemsPerBlock - 1) / kItemsPerBlock; }

cudaError_t compact_mask(const uint8_t* mask, int64_t n, int32_t* list, int* count, int* scratch,
                         cudaStream_t stream) {
  if (n < 0 || n > INT32_MAX) return cudaErrorInvalidValue;  // indices are int32
  if (n == 0) return cudaMemsetAsync(count, 0, sizeof(int), stream);
  int blocks = static_cast<int>(compact_scratch_ints(n));
  count_kernel<<<blocks, kThreads, 0, stream>>>(mask, n, scratch);
  scan_kernel<<<1, kThreads, 0, stream>>>(scratch, blocks, count);
  write_kernel<<<blocks, kThreads, 0, stream>>>(mask, n, scratch, list);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
