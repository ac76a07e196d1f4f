// Random frames in every pixel format for the pre-processing tests (CPU and GPU), mapped for the
// kernel as the CUDA executor maps them (engine/exec/cuda/frame_mapping.h, placement from
// frame_placement, as engine/pre places it).
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "engine/config/config.h"
#include "engine/core/image.h"
#include "engine/decode/decoder.h"
#include "engine/exec/cuda/frame_mapping.h"
#include "kernels/cuda/frame_sample.h"

namespace dcnn::test {

// Planes with padded strides; `smooth` gives gradients plus noise (resampling tests: random
// bytes would make every interpolation rounding a coin toss), else uniform random bytes. YUV
// samples stay in the legal BT.601 range (Y 16..235, chroma 16..240).
struct RandomFrame {
  ImageView view;
  std::vector<std::vector<uint8_t>> planes;

  RandomFrame(PixelFormat format, int w, int h, unsigned seed, bool smooth = false) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-6, 6), byte(0, 255);
    view.format = format;
    view.width = w;
    view.height = h;
    const bool yuv = format == PixelFormat::I420 || format == PixelFormat::NV12;
    for (int p = 0; p < plane_count(format); ++p) {
      const int row = plane_row_bytes(view, p), rows = plane_rows(view, p), stride = row + 7;
      planes.emplace_back(size_t(stride) * rows);
      for (int y = 0; y < rows; ++y)
        for (int i = 0; i < stride; ++i) {
          int v = smooth ? int(128 + 90 * std::sin(0.11 * i + 0.07 * y + p)) + noise(rng) : byte(rng);
          if (yuv) v = std::clamp(v, 16, p == 0 ? 235 : 240);
          planes.back()[size_t(y) * stride + i] = uint8_t(std::clamp(v, 0, 255));
        }
      view.strides[p] = stride;
    }
    for (size_t p = 0; p < planes.size(); ++p) view.planes[p] = planes[p].data();
  }
};

// A model input of w x h with the given resize and channel order, border value 114.
inline InputConfig model_input(int w, int h, ResizeKind resize, ColorOrder order) {
  InputConfig cfg;
  cfg.width = w;
  cfg.height = h;
  cfg.resize = resize;
  cfg.color = order;
  cfg.pad_value = 114.f;
  return cfg;
}

inline cuda::FramePlanes frame_planes(const ImageView& v) {
  return cuda_exec::to_frame_planes(v, v.planes, v.strides);
}

inline cuda::InputMapping input_mapping(const ImageView& v, const InputConfig& cfg) {
  return cuda_exec::to_input_mapping(frame_placement(cfg, v.width, v.height));
}

// The model input the host computes with the kernel's own per-pixel code.
inline std::vector<float> host_input(const RandomFrame& frame, const InputConfig& cfg) {
  const cuda::InputMapping m = input_mapping(frame.view, cfg);
  const cuda::FramePlanes planes = frame_planes(frame.view);
  std::vector<float> out(size_t(cfg.width) * cfg.height * 3);
  for (int y = 0; y < cfg.height; ++y)
    for (int x = 0; x < cfg.width; ++x) cuda::frame::input_pixel(planes, m, x, y, &out[(size_t(y) * cfg.width + x) * 3]);
  return out;
}

}  // namespace dcnn::test
