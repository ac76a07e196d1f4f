// On-GPU pre-processing (kernels/cuda/frame_convert.h) against its per-pixel code run on the host
// (frame_sample.h, which test_frame_sample.cpp holds to the CPU pre-processing, OpenCV, without a
// GPU) on every pixel format: exact at the model's size, within one level when resampling (the
// device may contract the interpolation into FMAs, which moves a rounding now and then); and the
// CUDA executor fed frames (Executor::submit_frame) against the same executor fed that host
// conversion. No OpenCV here, so the GPU bundle stays small.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine/exec/executor.h"
#include "kernels/cuda/frame_convert.h"
#include "tests/cuda/cuda_test_support.h"
#include "tests/cuda/executor_compare.h"
#include "tests/cuda/frame_fixture.h"
#include "tests/exec/delta_harness.h"
#include "tests/exec/networks.h"

namespace dcnn::test {
namespace {

using dcnn::cuda::test::CudaTest;

// The frame's planes copied to the device with their strides.
struct DeviceFrame {
  std::vector<std::unique_ptr<cuda::test::DeviceBuffer<uint8_t>>> planes;
  cuda::FramePlanes view;
  explicit DeviceFrame(const RandomFrame& f) {
    const uint8_t* device[3] = {nullptr, nullptr, nullptr};
    for (size_t p = 0; p < f.planes.size(); ++p) {
      planes.push_back(std::make_unique<cuda::test::DeviceBuffer<uint8_t>>(f.planes[p]));
      device[p] = planes.back()->get();
    }
    view = cuda_exec::to_frame_planes(f.view, device, f.view.strides);
  }
};

TEST_F(CudaTest, FrameToInputMatchesHostConversion) {
  const PixelFormat formats[] = {PixelFormat::RGB, PixelFormat::BGR, PixelFormat::RGBx, PixelFormat::BGRx,
                                 PixelFormat::RGBA, PixelFormat::BGRA, PixelFormat::I420, PixelFormat::NV12};
  struct Case {
    int fw, fh, mw, mh;
    ResizeKind resize;
    float bound;
  };
  const Case cases[] = {{37, 29, 37, 29, ResizeKind::Stretch, 0.f},
                        {101, 77, 64, 48, ResizeKind::Stretch, 1.f},
                        {120, 50, 64, 64, ResizeKind::Letterbox, 1.f}};
  for (const Case& c : cases)
    for (PixelFormat format : formats) {
      const RandomFrame frame(format, c.fw, c.fh, 11, c.bound > 0.f);
      const InputConfig cfg = model_input(c.mw, c.mh, c.resize, ColorOrder::BGR);
      const std::vector<float> want = host_input(frame, cfg);
      DeviceFrame device(frame);
      cuda::test::DeviceBuffer<float> out(want.size());
      ASSERT_CUDA(cuda::frame_to_input(device.view, input_mapping(frame.view, cfg), out.get(), 0));
      const std::vector<float> got = out.download();
      float worst = 0.f;
      for (size_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::fabs(got[i] - want[i]));
      EXPECT_LE(worst, c.bound) << to_string(format) << " " << c.fw << "x" << c.fh << " -> " << c.mw << "x" << c.mh;
    }
}

// Frames at the model's size convert exactly, so a stream fed frames equals one fed the
// host-converted floats bit for bit; a letterboxed NV12 stream stays within rounding.
TEST_F(CudaTest, ExecutorSubmitFrameMatchesHostPreprocessing) {
  auto model = compile_model(fpn_upsample_add(48, 64), Backend::Cuda, test_normalization());
  ASSERT_TRUE(Executor(model, ExecMode::Delta, exact_settings()).takes_frames());
  for (const bool letterbox : {false, true}) {
    const InputConfig cfg = model_input(64, 48, letterbox ? ResizeKind::Letterbox : ResizeKind::Stretch,
                                        ColorOrder::RGB);
    Executor frames(model, ExecMode::Delta, exact_settings()), floats(model, ExecMode::Delta, exact_settings());
    float worst = 0.f;
    for (int f = 0; f < 12; ++f) {
      const RandomFrame frame(letterbox ? PixelFormat::NV12 : PixelFormat::RGB, letterbox ? 90 : 64,
                              letterbox ? 40 : 48, 100 + unsigned(f % 3), /*smooth=*/true);
      frames.submit_frame(frame.view, frame_placement(cfg, frame.view.width, frame.view.height));
      frames.finish();
      floats.run(host_input(frame, cfg).data());
      worst = std::max(worst, head_difference(frames, floats, floats));
    }
    if (letterbox)
      EXPECT_LE(worst, 2e-2f) << "letterboxed NV12: resampling differs by at most one level";
    else
      EXPECT_EQ(worst, 0.f) << "same-size RGB frames";
  }
}

}  // namespace
}  // namespace dcnn::test
