// A decoded video frame in system memory as the engine takes it (from a mapped GstBuffer, an
// OpenCV Mat, a test), and its validation. Backend-neutral: the CPU pre-processing
// (engine/pre) and the CUDA executor's on-GPU pre-processing both read it.
#pragma once

#include <cstdint>
#include <string>

#include "engine/core/yuv.h"

namespace dcnn {

enum class PixelFormat { RGB, BGR, RGBx, BGRx, RGBA, BGRA, I420, NV12 };

// Packed formats use plane 0; I420 uses planes 0 (Y), 1 (U), 2 (V); NV12 uses planes 0 (Y) and
// 1 (UV). Strides in bytes.
struct ImageView {
  PixelFormat format = PixelFormat::RGB;
  int width = 0;
  int height = 0;
  const uint8_t* planes[3] = {nullptr, nullptr, nullptr};
  int strides[3] = {0, 0, 0};
  // I420 / NV12 only: the matrix and range of the YUV values (engine/core/yuv.h).
  YuvMatrix yuv_matrix = YuvMatrix::Bt601;
  bool yuv_full_range = false;
};

const char* to_string(PixelFormat format) noexcept;

// Bytes per pixel of a packed format (3 or 4), 0 for the YUV 4:2:0 formats.
int packed_channels(PixelFormat format) noexcept;

// Largest frame width or height check_image_view accepts. Far above any video a camera or
// decoder produces (8K is 7680), and small enough that a row's bytes (4 x width) and every
// stride x rows product of a valid view fit the ints and int64s the pre-processing uses.
constexpr int kMaxFrameSide = 1 << 16;

// Number of planes a format uses, and the bytes of one row of plane p at the view's size
// (chroma planes of 4:2:0 formats cover (width + 1) / 2 columns and (height + 1) / 2 rows).
// Defined for sizes up to kMaxFrameSide (call check_image_view first).
int plane_count(PixelFormat format) noexcept;
int plane_row_bytes(const ImageView& view, int plane) noexcept;
int plane_rows(const ImageView& view, int plane) noexcept;

// Where a frame lands in a model input of width x height: the content rectangle (the whole
// input when stretching, centred when letterboxing), the border value in 0..255 pixel units,
// and the model's channel order. Made by Preprocessor::placement (engine/pre).
struct FramePlacement {
  int width = 0, height = 0;
  int content_x = 0, content_y = 0, content_w = 0, content_h = 0;
  float pad_value = 0.f;
  bool bgr = false;
};

// Throws dcnn::Error(Input) naming the format, size and plane when the view cannot be read: a
// non-positive size or one above kMaxFrameSide, a null plane, a stride smaller than a row, an
// unknown format.
void check_image_view(const ImageView& view);

}  // namespace dcnn
