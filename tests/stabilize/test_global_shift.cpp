// Camera-shift estimation (engine/stabilize/global_shift.h) against known synthetic shifts of a
// textured scene: integer and sub-pixel, with moving objects, with noise; low confidence for a
// frame that is not a shifted copy (a scene cut); clear errors for bad input.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

#include "engine/core/error.h"
#include "engine/stabilize/global_shift.h"
#include "engine/stabilize/luma.h"
#include "tests/stabilize/textured_scene.h"

namespace dcnn::test {
namespace {

constexpr double kSubpixelBound = 0.1;  // full-resolution pixels, at downscale 2 (measured worst 0.06)

TEST(GlobalShift, RecoversIntegerAndSubpixelShifts) {
  const cv::Mat scene = textured_scene(576, 768, 1);
  GlobalShiftEstimator est(2);
  est.set_reference(scene);
  const cv::Point2d shifts[] = {{0, 0}, {1, 0}, {0, -2}, {3, 3}, {0.5, -0.25}, {-1.75, 2.5}, {12, -9}};
  for (const cv::Point2d& s : shifts) {
    const ShiftEstimate e = est.estimate(shifted(scene, s.x, s.y));
    EXPECT_NEAR(e.dx, s.x, kSubpixelBound) << "shift " << s;
    EXPECT_NEAR(e.dy, s.y, kSubpixelBound) << "shift " << s;
    EXPECT_GT(e.confidence, 0.3) << "shift " << s;
  }
}

// The bound the docs state: the worst error over a grid of sub-pixel shifts on three scenes
// (measured 0.071 px; printed so a change of the estimator shows in the log).
TEST(GlobalShift, WorstSubpixelErrorOverAGrid) {
  double worst = 0.0;
  for (int seed : {11, 12, 13}) {
    const cv::Mat scene = textured_scene(576, 768, seed);
    GlobalShiftEstimator est(2);
    est.set_reference(scene);
    for (double dy = -3.0; dy <= 3.0; dy += 0.75)
      for (double dx = -3.0; dx <= 3.0; dx += 0.35) {
        const ShiftEstimate e = est.estimate(shifted(scene, dx, dy));
        worst = std::max({worst, std::fabs(e.dx - dx), std::fabs(e.dy - dy)});
      }
  }
  std::cout << "worst sub-pixel error at downscale 2: " << worst << " px\n";
  EXPECT_LT(worst, kSubpixelBound);
}

// A flickering exposure (gain and offset change with the shift) must not bias the shift: the
// refinement fits the gain and offset with it.
TEST(GlobalShift, ExposureChangeDoesNotBiasTheShift) {
  const cv::Mat scene = textured_scene(576, 768, 14);
  GlobalShiftEstimator est(2);
  est.set_reference(scene);
  for (double gain : {0.9, 1.1}) {
    const cv::Mat frame = shifted(scene, 1.4, -0.6) * gain + 6.0;
    const ShiftEstimate e = est.estimate(frame);
    EXPECT_NEAR(e.dx, 1.4, kSubpixelBound) << "gain " << gain;
    EXPECT_NEAR(e.dy, -0.6, kSubpixelBound) << "gain " << gain;
  }
}

TEST(GlobalShift, MovingObjectsAndNoiseDoNotPullTheEstimate) {
  const cv::Mat scene = textured_scene(576, 768, 2);
  GlobalShiftEstimator est(2);
  est.set_reference(scene);
  cv::Mat frame = shifted(scene, 2.25, -1.5);
  // Three "people" (10 % of the picture) that moved on their own, and sensor noise.
  for (int k = 0; k < 3; ++k) frame(cv::Rect(100 + 200 * k, 150, 80, 230)).setTo(cv::Scalar(40 + 60 * k));
  cv::Mat noise(frame.size(), CV_32FC1);
  cv::randn(noise, 0, 3);
  frame += noise;
  const ShiftEstimate e = est.estimate(frame);
  EXPECT_NEAR(e.dx, 2.25, 0.25);
  EXPECT_NEAR(e.dy, -1.5, 0.25);
}

TEST(GlobalShift, AnotherSceneHasLowConfidence) {
  GlobalShiftEstimator est(2);
  est.set_reference(textured_scene(576, 768, 3));
  const double same = est.estimate(shifted(textured_scene(576, 768, 3), 1, 1)).confidence;
  const double other = est.estimate(textured_scene(576, 768, 4)).confidence;
  EXPECT_LT(other, 0.1);
  EXPECT_GT(same, 4 * other);
}

TEST(GlobalShift, BadInputIsAClearError) {
  EXPECT_THROW(GlobalShiftEstimator(0), Error);
  GlobalShiftEstimator est(2);
  EXPECT_THROW(est.estimate(textured_scene(64, 64, 1)), Error);  // no reference yet
  EXPECT_THROW(est.set_reference(textured_scene(12, 12, 1)), Error);  // 6x6 after downscaling
  est.set_reference(textured_scene(64, 64, 1));
  try {
    est.estimate(textured_scene(64, 80, 1));
    FAIL() << "a size change must be an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("80x64"), std::string::npos) << e.what();
  }
}

TEST(GlobalShift, LumaOfTheModelInput) {
  const float rgb[6] = {255.f, 0.f, 0.f, 0.f, 0.f, 255.f};
  const cv::Mat l = luma_of(rgb, 2, 1);
  EXPECT_NEAR(l.at<float>(0, 0), 0.299f * 255.f, 1e-3f);
  EXPECT_NEAR(l.at<float>(0, 1), 0.114f * 255.f, 1e-3f);
}

// A grey scene as the model input (H x W x 3 floats): its luma is the scene.
std::vector<float> grey_rgb(const cv::Mat& scene) {
  std::vector<float> rgb(scene.total() * 3);
  for (int y = 0; y < scene.rows; ++y)
    for (int x = 0; x < scene.cols; ++x)
      for (int c = 0; c < 3; ++c) rgb[(size_t(y) * scene.cols + x) * 3 + c] = scene.at<float>(y, x);
  return rgb;
}

// The still camera's quick test (fit_still_rgb): no move and no brightness change on the
// reference itself; a 0.3 px move found to within 0.03 px; a brighter frame's gain; a move of
// several pixels never mistaken for a still camera (the stabiliser's cut is 0.08 px).
TEST(GlobalShift, StillFitSeesAStillCameraAndNothingElse) {
  const cv::Mat scene = textured_scene(288, 384, 4);
  GlobalShiftEstimator est(2);
  const std::vector<float> ref = grey_rgb(scene);
  est.set_reference_rgb(ref.data(), half_luma_of(ref.data(), scene.cols, scene.rows), scene.size());
  const StillFit same = est.fit_still_rgb(ref.data());
  ASSERT_TRUE(same.fitted);
  EXPECT_NEAR(same.dx, 0.0, 0.01);
  EXPECT_NEAR(same.dy, 0.0, 0.01);
  EXPECT_NEAR(same.gain, 1.0, 0.002);
  EXPECT_GT(same.inlier_fraction, 0.9);
  const StillFit moved = est.fit_still_rgb(grey_rgb(shifted(scene, 0.3, -0.2)).data());
  ASSERT_TRUE(moved.fitted);
  EXPECT_NEAR(moved.dx, 0.3, 0.03);
  EXPECT_NEAR(moved.dy, -0.2, 0.03);
  const StillFit brighter = est.fit_still_rgb(grey_rgb(scene * 1.05).data());
  EXPECT_NEAR(brighter.gain, 1.05, 0.005);
  for (const cv::Point2d s : {cv::Point2d(2.0, 0.0), cv::Point2d(-1.5, 2.5), cv::Point2d(9.0, -7.0)}) {
    const StillFit f = est.fit_still_rgb(grey_rgb(shifted(scene, s.x, s.y)).data());
    EXPECT_TRUE(!f.fitted || std::hypot(f.dx, f.dy) > 0.5) << "shift " << s << ": fit " << f.dx << ", " << f.dy;
  }
}

// The residual sigma says how well a shift explains the picture: the full estimate of a frame
// moved by 2.5 px leaves residuals at the level of its noise, the fit from no shift many times
// that; on the reference itself both are small (the stabiliser keeps the better of the two).
TEST(GlobalShift, ResidualSigmaTellsTheShiftThatExplainsThePicture) {
  const cv::Mat scene = textured_scene(288, 384, 5);
  GlobalShiftEstimator est(2);
  const std::vector<float> ref = grey_rgb(scene);
  est.set_reference_rgb(ref.data(), half_luma_of(ref.data(), scene.cols, scene.rows), scene.size());
  const std::vector<float> moved = grey_rgb(shifted(scene, 2.5, -1.0));
  const ShiftEstimate e = est.estimate_rgb(moved.data(), half_luma_of(moved.data(), scene.cols, scene.rows));
  const StillFit from_zero = est.fit_still_rgb(moved.data());
  ASSERT_GE(e.residual_sigma, 0.0);
  EXPECT_NEAR(e.dx, 2.5, 0.1);
  EXPECT_LT(e.residual_sigma, 2.0);
  EXPECT_TRUE(!from_zero.fitted || from_zero.residual_sigma > 4.0 * e.residual_sigma)
      << "no shift: sigma " << from_zero.residual_sigma << " against " << e.residual_sigma;
  const ShiftEstimate same = est.estimate_rgb(ref.data(), half_luma_of(ref.data(), scene.cols, scene.rows));
  EXPECT_LT(same.residual_sigma, 2.0);
  EXPECT_LT(est.fit_still_rgb(ref.data()).residual_sigma, 2.0);
}

}  // namespace
}  // namespace dcnn::test
