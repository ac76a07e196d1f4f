#include "kernels/cuda/frame_convert.h"

#include "kernels/cuda/launch.cuh"

namespace dcnn::cuda {
namespace {

__global__ void frame_to_input_kernel(FramePlanes f, InputMapping m, float* __restrict__ out) {
  const int64_t p = blockIdx.x * int64_t{blockDim.x} + threadIdx.x;
  if (p >= int64_t{m.out_w} * m.out_h) return;
  float v[3];
  frame::input_pixel(f, m, static_cast<int>(p % m.out_w), static_cast<int>(p / m.out_w), v);
  out[p * 3 + 0] = v[0];
  out[p * 3 + 1] = v[1];
  out[p * 3 + 2] = v[2];
}

int planes_used(FrameFormat f) {
  if (f == FrameFormat::I420) return 3;
  if (f == FrameFormat::NV12) return 2;
  return 1;
}

}  // namespace

cudaError_t frame_to_input(const FramePlanes& f, const InputMapping& m, float* out, cudaStream_t stream) {
  if (f.width <= 0 || f.height <= 0 || m.out_w <= 0 || m.out_h <= 0 || !out) return cudaErrorInvalidValue;
  if (m.content_w <= 0 || m.content_h <= 0 || m.content_x < 0 || m.content_y < 0 ||
      m.content_x + m.content_w > m.out_w || m.content_y + m.content_h > m.out_h)
    return cudaErrorInvalidValue;
  for (int p = 0; p < planes_used(f.format); ++p)
    if (!f.planes[p] || f.strides[p] <= 0) return cudaErrorInvalidValue;
  const int64_t n = int64_t{m.out_w} * m.out_h;
  frame_to_input_kernel<<<detail::blocks_for(n), detail::kBlock, 0, stream>>>(f, m, out);
  return cudaGetLastError();
}

}  // namespace dcnn::cuda
