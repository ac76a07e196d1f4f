#include "kernels/cuda/resize.h"

#include "kernels/cuda/element.cuh"
#include "kernels/cuda/launch.cuh"
#include "kernels/cuda/resize_taps.h"

namespace dcnn::cuda {
namespace {

template <typename T>
__global__ void resize_kernel(ResizeGeometry g, const T* __restrict__ in, T* __restrict__ out,
                              const int32_t* __restrict__ list, const int* __restrict__ count,
                              int64_t n) {
  if (count) n = min(n, static_cast<int64_t>(*count));
  const int64_t total = n * g.c;
  for (int64_t t = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; t < total;
       t += int64_t{gridDim.x} * blockDim.x) {
    int ch = static_cast<int>(t % g.c);
    int64_t p = detail::listed_pixel(list, t / g.c);
    int oy = static_cast<int>(p / g.out_w), ox = static_cast<int>(p % g.out_w);
    resize_taps::Taps ty = resize_taps::axis_taps(g, oy, g.in_h, g.out_h, g.scale_h);
    resize_taps::Taps tx = resize_taps::axis_taps(g, ox, g.in_w, g.out_w, g.scale_w);
    auto at = [&](int y, int x) {
      return detail::load(in + (int64_t{y} * g.in_w + x) * g.c + ch);
    };
    float top = (1.f - tx.w) * at(ty.i0, tx.i0) + tx.w * at(ty.i0, tx.i1);
    float bottom = (1.f - tx.w) * at(ty.i1, tx.i0) + tx.w * at(ty.i1, tx.i1);
    detail::store(out + p * g.c + ch, (1.f - ty.w) * top + ty.w * bottom);
  }
}

__global__ void resize_mask_kernel(ResizeGeometry g, const uint8_t* __restrict__ in_mask,
                                   uint8_t* __restrict__ out_mask) {
  int64_t p = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (p >= int64_t{g.out_h} * g.out_w) return;
  int oy = static_cast<int>(p / g.out_w), ox = static_cast<int>(p % g.out_w);
  resize_taps::Taps ty = resize_taps::axis_taps(g, oy, g.in_h, g.out_h, g.scale_h);
  resize_taps::Taps tx = resize_taps::axis_taps(g, ox, g.in_w, g.out_w, g.scale_w);
  out_mask[p] = resize_taps::footprint_active(g, in_mask, ty, tx) ? 1 : 0;
}

bool geometry_ok(const ResizeGeometry& g) {
  return g.in_h > 0 && g.in_w > 0 && g.out_h > 0 && g.out_w > 0 && g.c > 0 && g.scale_h >= 0.f &&
         g.scale_w >= 0.f;
}

}  // namespace

template <typename T>
cudaError_t resize(const ResizeGeometry& g, const T* in, T* out, const int32_t* list, int64_t n,
                   cudaStream_t stream) {
  if (!geometry_ok(g) || n < 0) return cudaErrorInvalidValue;
  if (n == 0) return cudaSuccess;
  resize_kernel<T><<<detail::blocks_for(n * g.c), detail::kBlock, 0, stream>>>(g, in, out, list,
                                                                               nullptr, n);
  return cudaGetLastError();
}

template <typename T>
cudaError_t resize(const ResizeGeometry& g, const T* in, T* out, const int32_t* list,
                   const int* count, int64_t capacity, cudaStream_t stream) {
  if (!geometry_ok(g) || capacity < 0 || !count || !list) return cudaErrorInvalidValue;
  if (capacity == 0) return cudaSuccess;
  resize_kernel<T><<<detail::capped_blocks(capacity * g.c), detail::kBlock, 0, stream>>>(
      g, in, out, list, count, capacity);
  return cudaGetLastError();
}

#define DCNN_INSTANTIATE(T)                                                                   \
  template cudaError_t resize<T>(const ResizeGeometry&, const T*, T*, const int32_t*, int64_t, \
                                 cudaStream_t);                                               \
  template cudaError_t resize<T>(const ResizeGeometry&, const T*, T*, const int32_t*,         \
                                 const int*, int64_t, cudaStream_t);
DCNN_INSTANTIATE(float)
DCNN_INSTANTIATE(__half)
#undef DCNN_INSTANTIATE

cudaError_t resize_mask(const ResizeGeometry& g, const uint8_t* in_mask, uint8_t* out_mask,
                        cudaStream_t stream) {
  if (!geometry_ok(g)) return cudaErrorInvalidValue;
  int64_t n = int64_t{g.out_h} * g.out_w;
  resize_mask_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(g, in_mask, out_mask);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
