// Per-pixel arithmetic of the on-GPU pre-processing (kernels/cuda/frame_convert.cu) as
// __host__ __device__ inline functions: the kernel runs them on the GPU, and
// tests/cuda/test_frame_sample.cpp runs the same code on the CPU against the CPU pre-processing
// (engine/pre, OpenCV), so the conversion is checked on machines without a GPU.
//
// What it reproduces of the CPU path: YUV -> RGB in the frame's matrix and range, in the
// integer form of engine/core/yuv.h (for BT.601 limited range OpenCV's cvtColor's: 20-bit
// fixed point, 4:2:0 chroma shared by each 2x2 block), rounded to 8 bits; then, when the
// content size differs from the frame, bilinear resampling with OpenCV's INTER_LINEAR
// coordinates (pixel centres, edge clamp, no antialiasing) in float, rounded to the
// nearest integer as an 8-bit result would be. A same-size frame is copied exactly.
#pragma once

#include <cmath>
#include <cstdint>

#include "engine/core/yuv.h"
#include "kernels/common/host_device.h"

namespace dcnn::cuda {

// Same order as dcnn::PixelFormat (engine/core/image.h).
enum class FrameFormat : int { RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420, NV12 };

// A frame's planes where the kernel reads them (device memory on the GPU).
struct FramePlanes {
  FrameFormat format = FrameFormat::RGB;
  int width = 0, height = 0;
  const uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};
  YuvToRgb yuv{};  // I420 / NV12: the frame's matrix and range (engine/core/yuv.h)
};

// Where the frame lands in the model input: the content rectangle (the whole input when
// stretching, centred when letterboxing), the border value, and the model's channel order.
struct InputMapping {
  int out_w = 0, out_h = 0;
  int content_x = 0, content_y = 0, content_w = 0, content_h = 0;
  float pad_value = 0.f;
  bool bgr = false;
};

namespace frame {

// The RGB value of frame pixel (x, y).
DCNN_HOST_DEVICE inline void rgb_at(const FramePlanes& f, int x, int y, uint8_t rgb[3]) {
  switch (f.format) {
    case FrameFormat::I420: {
      const int cy = y / 2, cx = x / 2;
      yuv_to_rgb(f.planes[0][int64_t{y} * f.strides[0] + x], f.planes[1][int64_t{cy} * f.strides[1] + cx],
                 f.planes[2][int64_t{cy} * f.strides[2] + cx], f.yuv, rgb);
      return;
    }
    case FrameFormat::NV12: {
      const uint8_t* uv = f.planes[1] + int64_t{y / 2} * f.strides[1] + 2 * (x / 2);
      yuv_to_rgb(f.planes[0][int64_t{y} * f.strides[0] + x], uv[0], uv[1], f.yuv, rgb);
      return;
    }
    default: break;
  }
  const bool three = f.format == FrameFormat::RGB || f.format == FrameFormat::BGR;
  const uint8_t* p = f.planes[0] + int64_t{y} * f.strides[0] + int64_t{x} * (three ? 3 : 4);
  const bool bgr_order = f.format == FrameFormat::BGR || f.format == FrameFormat::BGRx ||
                         f.format == FrameFormat::BGRA;
  rgb[0] = p[bgr_order ? 2 : 0];
  rgb[1] = p[1];
  rgb[2] = p[bgr_order ? 0 : 2];
}

// OpenCV INTER_LINEAR source coordinate of destination index d: the integer tap i0 and the
// weight of tap i0 + 1, clamped at the edges.
DCNN_HOST_DEVICE inline void linear_tap(int d, int dst_size, int src_size, int* i0, float* frac) {
  const double scale = double(src_size) / double(dst_size);
  float f = static_cast<float>((d + 0.5) * scale - 0.5);
  int i = static_cast<int>(floorf(f));
  f -= static_cast<float>(i);
  if (i < 0) {
    i = 0;
    f = 0.f;
  }
  if (i >= src_size - 1) {
    i = src_size - 1;
    f = 0.f;
  }
  *i0 = i;
  *frac = f;
}

// Model-input pixel (ox, oy): three values in 0..255, in the model's channel order.
DCNN_HOST_DEVICE inline void input_pixel(const FramePlanes& f, const InputMapping& m, int ox, int oy,
                                         float out[3]) {
  const int x = ox - m.content_x, y = oy - m.content_y;
  if (x < 0 || y < 0 || x >= m.content_w || y >= m.content_h) {
    out[0] = out[1] = out[2] = m.pad_value;
    return;
  }
  float rgb[3];
  if (m.content_w == f.width && m.content_h == f.height) {
    uint8_t p[3];
    rgb_at(f, x, y, p);
    for (int c = 0; c < 3; ++c) rgb[c] = p[c];
  } else {
    int x0, y0;
    float fx, fy;
    linear_tap(x, m.content_w, f.width, &x0, &fx);
    linear_tap(y, m.content_h, f.height, &y0, &fy);
    const int x1 = x0 + 1 < f.width ? x0 + 1 : x0, y1 = y0 + 1 < f.height ? y0 + 1 : y0;
    uint8_t p00[3], p01[3], p10[3], p11[3];
    rgb_at(f, x0, y0, p00);
    rgb_at(f, x1, y0, p01);
    rgb_at(f, x0, y1, p10);
    rgb_at(f, x1, y1, p11);
    for (int c = 0; c < 3; ++c) {
      const float top = (1.f - fx) * p00[c] + fx * p01[c];
      const float bottom = (1.f - fx) * p10[c] + fx * p11[c];
      const float v = (1.f - fy) * top + fy * bottom;
      rgb[c] = static_cast<float>(static_cast<int>(v + 0.5f));  // v >= 0: round half up
    }
  }
  out[0] = rgb[m.bgr ? 2 : 0];
  out[1] = rgb[1];
  out[2] = rgb[m.bgr ? 0 : 2];
}

}  // namespace frame
}  // namespace dcnn::cuda
