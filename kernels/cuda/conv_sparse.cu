#include "kernels/cuda/conv_sparse.h"

#include <string>

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
struct Types;
template <>
struct Types<float> {
  static constexpr cudaDataType_t kData = CUDA_R_32F;
  static constexpr Storage kStorage = Storage::F32;
};
template <>
struct Types<__half> {
  static constexpr cudaDataType_t kData = CUDA_R_16F;
  static constexpr Storage kStorage = Storage::F16;
};

__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__half* p, float v) { *p = __float2half_rn(v); }

// rows[i][g][ky][kx][ci] = in[iy][ix][g * cin_g + ci] of listed output pixel row0 + i, 0 where
// the tap falls into padding. Consecutive threads take consecutive k, so the writes are
// contiguous and the reads run along the input channels.
template <typename T>
__global__ void gather_kernel(ConvShape s, const T* __restrict__ in,
                              const int32_t* __restrict__ list, int row0, int rows,
                              T* __restrict__ gathered) {
  const Window2D& w = s.window;
  const int cin_g = s.cin / s.groups;
  const int64_t k_group = int64_t{w.kh} * w.kw * cin_g;
  const int64_t k_total = k_group * s.groups;
  int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (t >= rows * k_total) return;
  int64_t i = t / k_total, k = t % k_total;
  int g = static_cast<int>(k / k_group);
  int r = static_cast<int>(k % k_group);
  int ci = r % cin_g;
  int kx = (r / cin_g) % w.kw;
  int ky = r / (cin_g * w.kw);
  int p = list[row0 + i];
  int oy = p / w.out_w, ox = p % w.out_w;
  int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
  int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
  T v{};
  if (iy >= 0 && iy < w.in_h && ix >= 0 && ix < w.in_w)
    v = in[(int64_t{iy} * w.in_w + ix) * s.cin + g * cin_g + ci];
  gathered[t] = v;
}

// out[list[row0 + i]][co] = product[i][co].
template <typename T>
__global__ void scatter_kernel(const float* __restrict__ product, const int32_t* __restrict__ list,
                               int row0, int rows, int cout, T* __restrict__ out) {
  int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (t >= int64_t{rows} * cout) return;
  int64_t i = t / cout;
  int co = static_cast<int>(t % cout);
  store(out + int64_t{list[row0 + i]} * cout + co, product[t]);
}

size_t align_up(size_t v) { return (v + 255) & ~size_t{255}; }
// The product matrix starts on a 256-byte boundary after the gathered rows.
constexpr size_t kAlignSlack = 256;

size_t k_total(const ConvShape& s) {
  return static_cast<size_t>(s.window.kh) * s.window.kw * (s.cin / s.groups) * s.groups;
}

// Gathered row (storage type) plus product row (fp32).
size_t bytes_per_row(const ConvShape& s, Storage storage) {
  return k_total(s) * storage_bytes(storage) + static_cast<size_t>(s.cout) * sizeof(float);
}

template <typename T>
Status run(cublasHandle_t handle, const ConvShape& s, const T* weights, const T* in,
           const int32_t* list, int n, T* out, void* scratch, size_t scratch_bytes,
           cudaStream_t stream) {
  if (!conv_shape_is_valid(s) || n < 0)
    return Status::failure("conv_sparse: invalid shape or negative pixel count");
  if (n == 0) return Status::success();
  const size_t per_row = bytes_per_row(s, Types<T>::kStorage);
  int64_t fit = scratch_bytes > kAlignSlack
                    ? static_cast<int64_t>((scratch_bytes - kAlignSlack) / per_row)
                    : 0;
  if (fit < 1)
    return Status::failure("conv_sparse: scratch of " + std::to_string(scratch_bytes) +
                           " bytes holds no row; need at least " +
                           std::to_string(per_row + kAlignSlack));
  const int chunk = static_cast<int>(fit < n ? fit : n);
  const size_t K = k_total(s);
  T* gathered = static_cast<T*>(scratch);
  float* product =
      reinterpret_cast<float*>(static_cast<char*>(scratch) + align_up(chunk * K * sizeof(T)));

  DCNN_CUDA_TRY(check_cublas(cublasSetStream(handle, stream), "cublasSetStream"));
  DCNN_CUDA_TRY(
      check_cublas(cublasSetPointerMode(handle, CUBLAS_POINTER_MODE_HOST), "cublasSetPointerMode"));
  DCNN_CUDA_TRY(check_cublas(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode"));

  const int cin_g = s.cin / s.groups, cout_g = s.cout / s.groups;
  const int k_group = s.window.kh * s.window.kw * cin_g;
  const float alpha = 1.f, beta = 0.f;
  for (int row0 = 0; row0 < n; row0 += chunk) {
    const int rows = n - row0 < chunk ? n - row0 : chunk;
    gather_kernel<T><<<detail::blocks_for(int64_t{rows} * static_cast<int64_t>(K)), detail::kBlock,
                       0, stream>>>(s, in, list, row0, rows, gathered);
    DCNN_CUDA_TRY(check_cuda(cudaGetLastError(), "conv_sparse gather launch"));
    // Row-major product[rows][cout] = gathered[rows][K] x W[K][cout], per group. cuBLAS is
    // column-major, so this is product^T = W^T x gathered^T with W^T (cout_g x k_group, ld
    // cout_g) and gathered^T (k_group x rows, ld K).
    for (int g = 0; g < s.groups; ++g) {
      DCNN_CUDA_TRY(check_cublas(
          cublasGemmEx(handle, CUBLAS_OP_N, CUBLAS_OP_N, cout_g, rows, k_group, &alpha,
                       weights + static_cast<size_t>(g) * k_group * cout_g, Types<T>::kData, cout_g,
                       gathered + static_cast<size_t>(g) * k_group, Types<T>::kData,
                       static_cast<int>(K), &beta, product + static_cast<size_t>(g) * cout_g,
                       CUDA_R_32F, s.cout, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
          "conv_sparse cublasGemmEx"));
    }
    scatter_kernel<T><<<detail::blocks_for(int64_t{rows} * s.cout), detail::kBlock, 0, stream>>>(
        product, list, row0, rows, s.cout, out);
    DCNN_CUDA_TRY(check_cuda(cudaGetLastError(), "conv_sparse scatter launch"));
  }
  return Status::success();
}

}  // namespace

size_t conv_sparse_scratch_bytes(const ConvShape& s, int rows, Storage storage) {
  if (rows <= 0) return 0;
  return static_cast<size_t>(rows) * bytes_per_row(s, storage) + kAlignSlack;
}

Status conv_sparse(cublasHandle_t handle, const ConvShape& s, const float* weights, const float* in,
                   const int32_t* list, int n, float* out, void* scratch, size_t scratch_bytes,
                   cudaStream_t stream) {
  return run(handle, s, weights, in, list, n, out, scratch, scratch_bytes, stream);
}

Status conv_sparse(cublasHandle_t handle, const ConvShape& s, const __half* weights,
                   const __half* in, const int32_t* list, int n, __half* out, void* scratch,
                   size_t scratch_bytes, cudaStream_t stream) {
  return run(handle, s, weights, in, list, n, out, scratch, scratch_bytes, stream);
}

}  // namespace dcnn::cuda
