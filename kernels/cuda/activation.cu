#include "kernels/cuda/activation.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void activation_dense_kernel(kern::ActSpec a, const T* x, T* out, float* acc,
                                        float* res, int64_t total) {
  int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (i >= total) return;
  float v = detail::load(x + i);
  if (acc) {
    acc[i] = v;
    res[i] = 0.f;
  }
  detail::store(out + i, kern::activate(a, v));
}

// One warp per listed pixel: the fire decision needs the max over all channels of the pixel,
// which a warp reduces with shuffles; lanes stride over the channels so loads stay coalesced.
// Pass 1 finds the max change, pass 2 recomputes (cheaper than a per-channel scratch) and
// writes. d and out may alias: every element is read before the same thread writes it.
template <typename T>
__global__ void activation_delta_kernel(kern::ActSpec a, const T* d, T* out,
                                        float* __restrict__ acc, float* __restrict__ res,
                                        const int32_t* __restrict__ list,
                                        const int* __restrict__ count, int n, int c, float eps,
                                        uint8_t* __restrict__ mask) {
  const int first_warp = static_cast<int>((blockIdx.x * int64_t{blockDim.x} + threadIdx.x) >> 5);
  const int warps = static_cast<int>((int64_t{gridDim.x} * blockDim.x) >> 5);
  int lane = threadIdx.x & 31;
  if (count) n = min(n, *count);
  // Warp-stride over the listed pixels; the loop bound is per warp, so warps stay converged.
  for (int warp = first_warp; warp < n; warp += warps) {
    int64_t base = int64_t{list[warp]} * c;
    float max_change = 0.f;
    for (int ch = lane; ch < c; ch += 32) {
      int64_t i = base + ch;
      float r = res[i] + detail::load(d + i);
      float before = acc[i];
      max_change =
          fmaxf(max_change, fabsf(kern::activate(a, before + r) - kern::activate(a, before)));
    }
    for (int off = 16; off > 0; off >>= 1)
      max_change = fmaxf(max_change, __shfl_xor_sync(0xffffffffu, max_change, off));
    bool fire = max_change > eps;
    for (int ch = lane; ch < c; ch += 32) {
      int64_t i = base + ch;
      float r = res[i] + detail::load(d + i);
      float before = acc[i];
      float cand = before + r;
      if (fire) {
        detail::store(out + i, kern::activate(a, cand) - kern::activate(a, before));
        acc[i] = cand;
        res[i] = 0.f;
      } else {
        detail::store(out + i, 0.f);
        res[i] = r;
      }
    }
    if (!fire && lane == 0) mask[list[warp]] = 0;
  }
}

}  // namespace

template <typename T>
cudaError_t activation_dense(const kern::ActSpec& a, const T* x, T* out, float* acc, float* res,
                             int64_t pixels, int c, cudaStream_t stream) {
  if (pixels < 0 || c <= 0 || (acc && !res)) return cudaErrorInvalidValue;
  int64_t total = pixels * c;
  if (total == 0) return cudaSuccess;
  activation_dense_kernel<T><<<detail::blocks_for(total), detail::kBlock, 0, stream>>>(
      a, x, out, acc, res, total);
  return cudaGetLastError();
}

template <typename T>
cudaError_t activation_delta(const kern::ActSpec& a, const T* d, T* out, float* acc, float* res,
                             const int32_t* list, int n, int c, float eps, uint8_t* mask,
                             cudaStream_t stream) {
  if (n < 0 || c <= 0 || eps < 0.f) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  int64_t threads = int64_t{n} * 32;
  activation_delta_kernel<T><<<detail::blocks_for(threads), detail::kBlock, 0, stream>>>(
      a, d, out, acc, res, list, nullptr, n, c, eps, mask);
  return cudaGetLastError();
}

template <typename T>
cudaError_t activation_delta(const kern::ActSpec& a, const T* d, T* out, float* acc, float* res,
                             const int32_t* list, const int* count, int capacity, int c,
                             float eps, uint8_t* mask, cudaStream_t stream) {
  if (capacity < 0 || c <= 0 || eps < 0.f || !count) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  int64_t threads = int64_t{capacity} * 32;
  activation_delta_kernel<T><<<detail::capped_blocks(threads), detail::kBlock, 0, stream>>>(
      a, d, out, acc, res, list, count, capacity, c, eps, mask);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t activation_dense<T>(const kern::ActSpec&, const T*, T*, float*, float*, \
                                           int64_t, int, cudaStream_t);                       \
  template cudaError_t activation_delta<T>(const kern::ActSpec&, const T*, T*, float*, float*, \
                                           const int32_t*, int, int, float, uint8_t*,         \
                                           cudaStream_t);                                     \
  template cudaError_t activation_delta<T>(const kern::ActSpec&, const T*, T*, float*, float*, \
                                           const int32_t*, const int*, int, int, float,       \
                                           uint8_t*, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

}  // namespace dcnn::cuda
