// engine/core's frame description -> the on-GPU pre-processing kernel's (kernels/cuda/
// frame_sample.h). Inline and CUDA-runtime free, so the CPU test of the kernel's arithmetic
// (tests/cuda/test_frame_sample.cpp) maps frames exactly as the executor does.
#pragma once

#include "engine/core/image.h"
#include "kernels/cuda/frame_sample.h"

namespace dcnn::cuda_exec {

// The kernel's view of `view`, reading planes at `planes` with the strides of `view` (the
// caller passes device copies; the same host pointers for a CPU run).
inline cuda::FramePlanes to_frame_planes(const ImageView& view, const uint8_t* const planes[3],
                                         const int strides[3]) {
  static_assert(int(PixelFormat::NV12) == int(cuda::FrameFormat::NV12) &&
                    int(PixelFormat::RGB) == int(cuda::FrameFormat::RGB),
                "cuda::FrameFormat follows dcnn::PixelFormat");
  cuda::FramePlanes f;
  f.format = static_cast<cuda::FrameFormat>(static_cast<int>(view.format));
  f.width = view.width;
  f.height = view.height;
  for (int p = 0; p < 3; ++p) {
    f.planes[p] = planes[p];
    f.strides[p] = strides[p];
  }
  f.yuv = yuv_to_rgb_coefficients(view.yuv_matrix, view.yuv_full_range);
  return f;
}

inline cuda::InputMapping to_input_mapping(const FramePlacement& p) {
  cuda::InputMapping m;
  m.out_w = p.width;
  m.out_h = p.height;
  m.content_x = p.content_x;
  m.content_y = p.content_y;
  m.content_w = p.content_w;
  m.content_h = p.content_h;
  m.pad_value = p.pad_value;
  m.bgr = p.bgr;
  return m;
}

}  // namespace dcnn::cuda_exec
