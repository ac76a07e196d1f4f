#include "kernels/cuda/conv_sparse_wmma.h"

#include <mma.h>

#include <atomic>

#include "kernels/cuda/conv_gather.cuh"

namespace dcnn::cuda {
namespace {

namespace wmma = nvcuda::wmma;

constexpr int kTileRows = 64;  // output pixels per block
constexpr int kTileCols = 64;  // output channels (of one group) per block
constexpr int kTileK = 16;     // reduction step = the fragment's K
constexpr int kThreads = 256;  // 8 warps; warp w owns fragment row w / 2, columns 2 * (w % 2) + {0, 1}
constexpr int kLoads = 4;      // tile elements each thread gathers per operand and step
// Row strides of the shared tiles, in elements: multiples of 8 halves / 4 floats as WMMA needs,
// padded past the tile width so the gather's stores spread over banks.
constexpr int kStrideA = kTileK + 8;
constexpr int kStrideB = kTileCols + 8;
constexpr int kStrideC = kTileCols + 4;
constexpr int kMaxDevices = 64;

__global__ void __launch_bounds__(kThreads)
    conv_wmma_kernel(ConvShape s, const __half* __restrict__ weights, const __half* __restrict__ in,
                     const int32_t* __restrict__ list, const int* __restrict__ count,
                     __half* __restrict__ out) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 700
  const int n = *count;
  const int row0 = blockIdx.y * kTileRows;
  if (row0 >= n) return;  // the list is shorter than the capacity the grid was sized for

  const Window2D& w = s.window;
  const int cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  const int k_group = w.kh * w.kw * cin_g;
  const int col_tiles = (cout_g + kTileCols - 1) / kTileCols;
  const int g = blockIdx.x / col_tiles;
  const int col0 = (blockIdx.x % col_tiles) * kTileCols;
  const int tid = threadIdx.x, warp = tid / 32;

  // WMMA loads and stores need 256-bit aligned fragment origins; every origin below is a multiple
  // of 16 rows / 16 columns of these strides from the aligned base.
  __shared__ __align__(32) __half a_tile[kTileRows * kStrideA];  // [row][k]
  __shared__ __align__(32) __half b_tile[kTileK * kStrideB];     // [k][col]
  __shared__ __align__(32) float c_tile[kTileRows * kStrideC];   // [row][col]

  // The gathered rows of this thread: load_row + 16 i at reduction offset load_k.
  const int load_k = tid % kTileK, load_row = tid / kTileK;
  detail::GatherRows<kLoads> rows;
  rows.init(w, list, n, row0 + load_row);
  const int load_col = tid % kTileCols, load_kb = tid / kTileCols;
  const __half* w_group = weights + static_cast<int64_t>(g) * k_group * cout_g;
  const __half* in_group = in + g * cin_g;
  const __half zero = __float2half_rn(0.f);

  const int frag_row = warp / 2, frag_col = 2 * (warp % 2);
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2];
  wmma::fill_fragment(acc[0], 0.f);
  wmma::fill_fragment(acc[1], 0.f);

  for (int k0 = 0; k0 < k_group; k0 += kTileK) {
    {
      const detail::GatherTap tap = detail::gather_tap(k0 + load_k, k_group, cin_g, w.kw);
#pragma unroll
      for (int i = 0; i < kLoads; ++i) {
        const __half* src = detail::gather_source(rows, i, tap, w, s.cin, in_group);
        a_tile[(load_row + 16 * i) * kStrideA + load_k] = src ? *src : zero;
      }
#pragma unroll
      for (int j = 0; j < kLoads; ++j) {
        const int kk = load_kb + 4 * j, k2 = k0 + kk, col = col0 + load_col;
        b_tile[kk * kStrideB + load_col] =
            (k2 < k_group && col < cout_g) ? w_group[static_cast<int64_t>(k2) * cout_g + col] : zero;
      }
    }
    __syncthreads();
    wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> a;
    wmma::load_matrix_sync(a, a_tile + frag_row * 16 * kStrideA, kStrideA);
#pragma unroll
    for (int j = 0; j < 2; ++j) {
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> b;
      wmma::load_matrix_sync(b, b_tile + (frag_col + j) * 16, kStrideB);
      wmma::mma_sync(acc[j], a, b, acc[j]);
    }
    __syncthreads();
  }

#pragma unroll
  for (int j = 0; j < 2; ++j)
    wmma::store_matrix_sync(c_tile + frag_row * 16 * kStrideC + (frag_col + j) * 16, acc[j], kStrideC,
                            wmma::mem_row_major);
  __syncthreads();
  // Scatter to the listed pixels, consecutive threads on consecutive channels of one pixel.
  for (int e = tid; e < kTileRows * kTileCols; e += kThreads) {
    const int r = e / kTileCols, c = e % kTileCols;
    if (row0 + r >= n || col0 + c >= cout_g) continue;
    out[static_cast<int64_t>(list[row0 + r]) * s.cout + g * cout_g + col0 + c] =
        __float2half_rn(c_tile[r * kStrideC + c]);
  }
#else
  __trap();  // compiled without tensor cores; wmma_available() never launches this
#endif
}

}  // namespace

bool wmma_available() {
  // Asked per launch, so the answer is kept per device (0 unknown, 1 no, 2 yes).
  static std::atomic<int> known[kMaxDevices];
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess) return false;
  const bool cacheable = device >= 0 && device < kMaxDevices;
  if (cacheable && known[device].load(std::memory_order_relaxed) != 0)
    return known[device].load(std::memory_order_relaxed) == 2;
  int major = 0;
  if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device) != cudaSuccess)
    return false;
  // The device having tensor cores is not enough: the code it runs must have been compiled for
  // them. Built for an older virtual architecture only (-Dgpu_arch=61, say), a newer card
  // JIT-compiles that PTX, in which the kernel's body is compiled out.
  cudaFuncAttributes compiled{};
  const bool usable = major >= 7 && cudaFuncGetAttributes(&compiled, conv_wmma_kernel) == cudaSuccess &&
                      compiled.ptxVersion >= 70;
  if (cacheable) known[device].store(usable ? 2 : 1, std::memory_order_relaxed);
  return usable;
}

cudaError_t conv_sparse_wmma(const ConvShape& s, const __half* weights, const __half* in,
                             const int32_t* list, const int* count, int capacity, __half* out,
                             cudaStream_t stream) {
  if (!conv_shape_is_valid(s) || capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  const int cout_g = s.cout / s.groups;
  const unsigned col_blocks =
      static_cast<unsigned>(((cout_g + kTileCols - 1) / kTileCols) * s.groups);
  const unsigned row_blocks = static_cast<unsigned>((capacity + kTileRows - 1) / kTileRows);
  if (row_blocks > 65535u) return cudaErrorInvalidValue;  // grid.y limit: 4.19 M pixels
  conv_wmma_kernel<<<dim3(col_blocks, row_blocks), kThreads, 0, stream>>>(s, weights, in, list,
                                                                          count, out);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
