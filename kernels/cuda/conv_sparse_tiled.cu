#include "kernels/cuda/conv_sparse_tiled.h"

#include "kernels/cuda/conv_gather.cuh"
#include "kernels/cuda/conv_sparse_wmma.h"
#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

constexpr int kTileRows = 64;  // output pixels per block
constexpr int kTileCols = 64;  // output channels (of one group) per block
constexpr int kTileK = 16;     // reduction step
constexpr int kThreads = 256;  // 16 x 16, each thread owns a 4 x 4 block of outputs
constexpr int kPerThread = 4;

template <typename T>
__global__ void __launch_bounds__(kThreads)
    conv_tiled_kernel(ConvShape s, const T* __restrict__ weights, const T* __restrict__ in,
                      const int32_t* __restrict__ list, const int* __restrict__ count,
                      T* __restrict__ out) {
  const int n = *count;
  const int row0 = blockIdx.y * kTileRows;
  if (row0 >= n) return;  // the list is shorter than the capacity the grid was sized for

  const Window2D& w = s.window;
  const int cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  const int k_group = w.kh * w.kw * cin_g;
  const int col_tiles = (cout_g + kTileCols - 1) / kTileCols;
  const int g = blockIdx.x / col_tiles;
  const int col0 = (blockIdx.x % col_tiles) * kTileCols;
  const int tid = threadIdx.x;

  // +1 column: the gather stores 16 consecutive k of one row per half-warp, which would all
  // land in one bank without the pad.
  __shared__ float a_tile[kTileK][kTileRows + 1];
  __shared__ float b_tile[kTileK][kTileCols];

  // This thread gathers rows load_row + 16 * i at reduction offset load_k; their window
  // origins are fixed for the whole reduction.
  const int load_k = tid % kTileK, load_row = tid / kTileK;
  detail::GatherRows<kPerThread> rows;
  rows.init(w, list, n, row0 + load_row);
  // Weights: this thread loads column load_col at reduction offsets load_kb + 4 * j.
  const int load_col = tid % kTileCols, load_kb = tid / kTileCols;
  const T* w_group = weights + static_cast<int64_t>(g) * k_group * cout_g;
  const T* in_group = in + g * cin_g;

  const int ty = tid / 16, tx = tid % 16;
  float acc[kPerThread][kPerThread] = {};

  for (int k0 = 0; k0 < k_group; k0 += kTileK) {
    {
      const detail::GatherTap tap = detail::gather_tap(k0 + load_k, k_group, cin_g, w.kw);
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) {
        const T* src = detail::gather_source(rows, i, tap, w, s.cin, in_group);
        a_tile[load_k][load_row + 16 * i] = src ? detail::load(src) : 0.f;
      }
#pragma unroll
      for (int j = 0; j < kPerThread; ++j) {
        const int kk = load_kb + 4 * j, k2 = k0 + kk, col = col0 + load_col;
        b_tile[kk][load_col] = (k2 < k_group && col < cout_g)
                                   ? detail::load(w_group + static_cast<int64_t>(k2) * cout_g + col)
                                   : 0.f;
      }
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kTileK; ++kk) {
      float a[kPerThread], b[kPerThread];
#pragma unroll
      for (int i = 0; i < kPerThread; ++i) a[i] = a_tile[kk][ty + 16 * i];
#pragma unroll
      for (int j = 0; j < kPerThread; ++j) b[j] = b_tile[kk][tx + 16 * j];
#pragma unroll
      for (int i = 0; i < kPerThread; ++i)
#pragma unroll
        for (int j = 0; j < kPerThread; ++j) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < kPerThread; ++i) {
    const int r = row0 + ty + 16 * i;
    if (r >= n) continue;
    T* out_row = out + static_cast<int64_t>(list[r]) * s.cout + g * cout_g;
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) {
      const int col = col0 + tx + 16 * j;
      if (col < cout_g) detail::store(out_row + col, acc[i][j]);
    }
  }
}

template <typename T>
cudaError_t launch(const ConvShape& s, const T* weights, const T* in, const int32_t* list,
                   const int* count, int capacity, T* out, cudaStream_t stream) {
  if (!conv_shape_is_valid(s) || capacity < 0 || !count) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  const int cout_g = s.cout / s.groups;
  const unsigned col_blocks =
      static_cast<unsigned>(((cout_g + kTileCols - 1) / kTileCols) * s.groups);
  const unsigned row_blocks = static_cast<unsigned>((capacity + kTileRows - 1) / kTileRows);
  if (row_blocks > 65535u) return cudaErrorInvalidValue;  // grid.y limit: 4.19 M pixels
  conv_tiled_kernel<T>
      <<<dim3(col_blocks, row_blocks), kThreads, 0, stream>>>(s, weights, in, list, count, out);
  return cudaGetLastError();
}

}  // namespace

cudaError_t conv_sparse_tiled(const ConvShape& s, const float* weights, const float* in,
                              const int32_t* list, const int* count, int capacity, float* out,
                              cudaStream_t stream) {
  return launch(s, weights, in, list, count, capacity, out, stream);
}

// fp16: tensor cores where the device has them (conv_sparse_wmma.h), FMAs otherwise.
cudaError_t conv_sparse_tiled(const ConvShape& s, const __half* weights, const __half* in,
                              const int32_t* list, const int* count, int capacity, __half* out,
                              cudaStream_t stream) {
  if (wmma_available()) return conv_sparse_wmma(s, weights, in, list, count, capacity, out, stream);
  return conv_sparse_tiled_fma(s, weights, in, list, count, capacity, out, stream);
}

cudaError_t conv_sparse_tiled_fma(const ConvShape& s, const __half* weights, const __half* in,
                                  const int32_t* list, const int* count, int capacity, __half* out,
                                  cudaStream_t stream) {
  return launch(s, weights, in, list, count, capacity, out, stream);
}

}  // namespace dcnn::cuda
