// The stabiliser's fused shift + exposure pass (engine/stabilize/shift_warp.h): exact bilinear
// values inside, the exposed border left as it was, whole-pixel shifts copy, the exposure map
// and its clamp.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

#include "engine/stabilize/shift_warp.h"

namespace dcnn::test {
namespace {

constexpr int kW = 41, kH = 23;
constexpr float kUntouched = -7.f;  // what the output held before: must survive on the border

cv::Mat random_rgb(int seed) {
  cv::Mat m(kH, kW, CV_32FC3);
  cv::RNG(seed).fill(m, cv::RNG::UNIFORM, 0.f, 255.f);
  return m;
}

// Bilinear value of channel c at (x, y), or kUntouched when the 2x2 footprint leaves the image.
float expected_at(const cv::Mat& in, double x, double y, int c) {
  const int ix = int(std::floor(x)), iy = int(std::floor(y));
  const double fx = x - ix, fy = y - iy;
  const int ix1 = fx > 0 ? ix + 1 : ix, iy1 = fy > 0 ? iy + 1 : iy;
  if (ix < 0 || iy < 0 || ix1 >= in.cols || iy1 >= in.rows) return kUntouched;
  auto v = [&](int yy, int xx) { return double(in.at<cv::Vec3f>(yy, xx)[c]); };
  return float((1 - fy) * ((1 - fx) * v(iy, ix) + fx * v(iy, ix1)) + fy * ((1 - fx) * v(iy1, ix) + fx * v(iy1, ix1)));
}

void check_shift(double dx, double dy) {
  const cv::Mat in = random_rgb(3);
  std::vector<float> out(size_t(kW) * kH * 3, kUntouched);
  shift_and_scale(in.ptr<float>(), out.data(), kW, kH, dx, dy, 1.f, 0.f);
  int border = 0;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x)
      for (int c = 0; c < 3; ++c) {
        const float want = expected_at(in, x + dx, y + dy, c);
        border += want == kUntouched;
        ASSERT_NEAR(out[(size_t(y) * kW + x) * 3 + c], want, 1e-3) << "shift " << dx << "," << dy << " at " << x << "," << y;
      }
  if (dx != 0.0 || dy != 0.0) {
    EXPECT_GT(border, 0) << "a shift must expose a border";
  }
}

TEST(ShiftWarp, SubpixelShiftsAreExactBilinearAndLeaveTheBorder) {
  for (double dx : {0.0, 0.25, -1.5, 2.0, 3.7})
    for (double dy : {0.0, 0.5, -2.25, 1.0}) check_shift(dx, dy);
}

TEST(ShiftWarp, ExposureMapIsAppliedAndClamped) {
  const cv::Mat in = random_rgb(4);
  std::vector<float> out(size_t(kW) * kH * 3, kUntouched);
  const float gain = 1.1f, offset = 20.f;
  shift_and_scale(in.ptr<float>(), out.data(), kW, kH, 0.5, 0.0, 1.f / gain, -offset / gain);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x + 1 < kW; ++x)
      for (int c = 0; c < 3; ++c) {
        const float want = std::min(255.f, std::max(0.f, (expected_at(in, x + 0.5, y, c) - offset) / gain));
        ASSERT_NEAR(out[(size_t(y) * kW + x) * 3 + c], want, 1e-3) << x << "," << y;
      }
}

TEST(ShiftWarp, ShiftLargerThanTheImageTouchesNothing) {
  const cv::Mat in = random_rgb(5);
  std::vector<float> out(size_t(kW) * kH * 3, kUntouched);
  shift_and_scale(in.ptr<float>(), out.data(), kW, kH, kW + 0.5, 0.0, 1.f, 0.f);
  for (float v : out) ASSERT_EQ(v, kUntouched);
}

}  // namespace
}  // namespace dcnn::test
