#include "kernels/cuda/mask_dilate.h"

#include "kernels/cuda/compact.h"
#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

// One thread per output pixel; windows are small (3x3, 5x5), so a direct scan that stops at
// the first active tap beats a separable two-pass scheme that needs an intermediate buffer.
__global__ void dilate_kernel(const uint8_t* __restrict__ in_mask, Window2D w,
                              uint8_t* __restrict__ out_mask) {
  int64_t o = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (o >= int64_t{w.out_h} * w.out_w) return;
  int oy = static_cast<int>(o / w.out_w), ox = static_cast<int>(o % w.out_w);
  uint8_t any = 0;
  for (int ky = 0; ky < w.kh && !any; ++ky) {
    int iy = oy * w.stride_h - w.pad_top + ky * w.dil_h;
    if (iy < 0 || iy >= w.in_h) continue;
    const uint8_t* row = in_mask + int64_t{iy} * w.in_w;
    for (int kx = 0; kx < w.kw; ++kx) {
      int ix = ox * w.stride_w - w.pad_left + kx * w.dil_w;
      if (ix >= 0 && ix < w.in_w && row[ix]) {
        any = 1;
        break;
      }
    }
  }
  out_mask[o] = any;
}

}  // namespace

cudaError_t dilate_mask(const uint8_t* in_mask, const Window2D& w, uint8_t* out_mask,
                        cudaStream_t stream) {
  if (!window_is_valid(w)) return cudaErrorInvalidValue;
  int64_t n = int64_t{w.out_h} * w.out_w;
  dilate_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(in_mask, w, out_mask);
  return cudaGetLastError();
}

cudaError_t dilate_mask_to_list(const uint8_t* in_mask, const Window2D& w, uint8_t* out_mask,
                                int32_t* list, int* count, int* scratch, cudaStream_t stream) {
  cudaError_t err = dilate_mask(in_mask, w, out_mask, stream);
  if (err != cudaSuccess) return err;
  return compact_mask(out_mask, int64_t{w.out_h} * w.out_w, list, count, scratch, stream);
}

}  // namespace dcnn::cuda
