// The on-GPU pre-processing's per-pixel code (kernels/cuda/frame_sample.h, the same inline
// functions the kernel runs) on the CPU, against the CPU pre-processing (engine/pre: OpenCV's
// cvtColor and resize): every pixel format, odd sizes and padded strides, both channel orders,
// stretch and letterbox, up- and downscaling. The colour conversion and same-size copies must be
// exact; resampling may differ from OpenCV's 11-bit fixed-point interpolation by one level.
// Needs no GPU (suite cuda-host); the kernel on a GPU is test_cuda_frame_convert.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/pre/preprocess.h"
#include "kernels/cuda/frame_sample.h"
#include "tests/cuda/frame_fixture.h"

namespace dcnn::test {
namespace {

// Worst |gpu - cpu| over the model input, and how many values differ at all.
struct Gap {
  float worst = 0.f;
  int64_t differing = 0;
};

Gap compare(const RandomFrame& frame, const InputConfig& cfg) {
  std::vector<float> cpu(size_t(cfg.width) * cfg.height * 3);
  Preprocessor(cfg).run(frame.view, cpu.data());
  const std::vector<float> gpu_code = host_input(frame, cfg);
  Gap gap;
  for (size_t i = 0; i < cpu.size(); ++i) {
    const float d = std::fabs(gpu_code[i] - cpu[i]);
    gap.worst = std::max(gap.worst, d);
    if (d > 0.f) ++gap.differing;
  }
  return gap;
}

const PixelFormat kFormats[] = {PixelFormat::RGB,  PixelFormat::BGR,  PixelFormat::RGBx, PixelFormat::BGRx,
                                PixelFormat::RGBA, PixelFormat::BGRA, PixelFormat::I420, PixelFormat::NV12};

TEST(FrameSample, SameSizeIsExactForEveryFormatAndOrder) {
  for (PixelFormat format : kFormats)
    for (ColorOrder order : {ColorOrder::RGB, ColorOrder::BGR}) {
      const RandomFrame frame(format, 37, 29, 5);  // odd: 4:2:0 chroma of the last row/column
      const Gap gap = compare(frame, model_input(37, 29, ResizeKind::Stretch, order));
      EXPECT_EQ(gap.worst, 0.f) << to_string(format) << (order == ColorOrder::BGR ? " to BGR" : " to RGB")
                                << ": " << gap.differing << " values differ";
    }
}

// Other matrices and ranges than BT.601 limited: the CPU converts them with the same integer
// form (engine/core/yuv.h) the kernel runs, so the two are equal.
TEST(FrameSample, EveryYuvMatrixAndRangeIsExact) {
  for (YuvMatrix matrix : {YuvMatrix::Bt601, YuvMatrix::Bt709, YuvMatrix::Bt2020})
    for (const bool full : {false, true})
      for (PixelFormat format : {PixelFormat::I420, PixelFormat::NV12}) {
        RandomFrame frame(format, 37, 29, 9);
        frame.view.yuv_matrix = matrix;
        frame.view.yuv_full_range = full;
        const Gap gap = compare(frame, model_input(37, 29, ResizeKind::Stretch, ColorOrder::BGR));
        EXPECT_EQ(gap.worst, 0.f) << to_string(matrix) << (full ? " full " : " limited ") << to_string(format);
      }
}

TEST(FrameSample, ResizeWithinOneLevelOfOpenCv) {
  struct Case {
    int fw, fh, mw, mh;
    ResizeKind resize;
  };
  const Case cases[] = {
      {96, 72, 48, 36, ResizeKind::Stretch},    // 2x down (OpenCV's area fast path)
      {101, 77, 64, 48, ResizeKind::Stretch},   // odd down
      {40, 30, 96, 64, ResizeKind::Stretch},    // up, unequal axes
      {120, 50, 64, 64, ResizeKind::Letterbox}, // wide frame: bars top and bottom
      {45, 90, 64, 48, ResizeKind::Letterbox},  // tall frame: bars left and right
  };
  for (const Case& c : cases)
    for (PixelFormat format : {PixelFormat::RGB, PixelFormat::BGRx, PixelFormat::I420, PixelFormat::NV12}) {
      const RandomFrame frame(format, c.fw, c.fh, 9, /*smooth=*/true);
      const Gap gap = compare(frame, model_input(c.mw, c.mh, c.resize, ColorOrder::RGB));
      EXPECT_LE(gap.worst, 1.f) << to_string(format) << " " << c.fw << "x" << c.fh << " -> " << c.mw
                                << "x" << c.mh << ": " << gap.differing << " values differ";
    }
}

// The border of a letterboxed input holds the pad value exactly, on both sides.
TEST(FrameSample, LetterboxBorderHoldsThePadValue) {
  const RandomFrame frame(PixelFormat::RGB, 120, 50, 3);
  const InputConfig cfg = model_input(64, 64, ResizeKind::Letterbox, ColorOrder::RGB);
  const cuda::InputMapping m = input_mapping(frame.view, cfg);
  ASSERT_GT(m.content_y, 0);
  float v[3];
  cuda::frame::input_pixel(frame_planes(frame.view), m, 10, 0, v);
  EXPECT_EQ(v[0], 114.f);
  cuda::frame::input_pixel(frame_planes(frame.view), m, 10, 63, v);
  EXPECT_EQ(v[2], 114.f);
}

}  // namespace
}  // namespace dcnn::test
