// Exposure estimation (engine/stabilize/exposure.h) against known synthetic gains and offsets:
// exact recovery on a static scene, robust to moving objects and noise, a real scene change is
// not called global, a flat scene, bad input.
#include <gtest/gtest.h>

#include "engine/core/error.h"
#include "engine/stabilize/exposure.h"
#include "tests/stabilize/textured_scene.h"

namespace dcnn::test {
namespace {

TEST(Exposure, RecoversGainAndOffset) {
  const cv::Mat ref = textured_scene(576, 768, 5);
  ExposureEstimator est;
  for (double gain : {0.9, 1.0, 1.1})
    for (double offset : {-8.0, 0.0, 5.0}) {
      const cv::Mat frame = ref * gain + offset;
      const ExposureEstimate e = est.estimate(ref, frame);
      EXPECT_NEAR(e.gain, gain, 1e-3) << gain << " " << offset;
      EXPECT_NEAR(e.offset, offset, 0.2) << gain << " " << offset;
      EXPECT_TRUE(e.global);
      EXPECT_GT(e.inlier_fraction, 0.95);
    }
}

TEST(Exposure, MovingObjectsAndNoiseDoNotPullTheFit) {
  const cv::Mat ref = textured_scene(576, 768, 6);
  cv::Mat frame = ref * 1.08 - 4.0;
  for (int k = 0; k < 3; ++k) frame(cv::Rect(100 + 200 * k, 150, 80, 230)).setTo(cv::Scalar(230 - 50 * k));
  cv::Mat noise(frame.size(), CV_32FC1);
  cv::randn(noise, 0, 2);
  frame += noise;
  const ExposureEstimate e = ExposureEstimator().estimate(ref, frame);
  EXPECT_NEAR(e.gain, 1.08, 0.01);
  EXPECT_NEAR(e.offset, -4.0, 1.5);
  EXPECT_TRUE(e.global);
  EXPECT_LT(e.residual, 3.0);
}

TEST(Exposure, AnotherSceneIsNotGlobal) {
  const ExposureEstimate e = ExposureEstimator().estimate(textured_scene(288, 384, 7), textured_scene(288, 384, 8));
  EXPECT_FALSE(e.global);
  EXPECT_LT(e.inlier_fraction, 0.8);
}

TEST(Exposure, FlatSceneGivesAnOffsetOnly) {
  const cv::Mat ref(64, 64, CV_32FC1, cv::Scalar(100));
  const ExposureEstimate e = ExposureEstimator(1).estimate(ref, ref + 7.0);
  EXPECT_DOUBLE_EQ(e.gain, 1.0);
  EXPECT_NEAR(e.offset, 7.0, 1e-4);
}

TEST(Exposure, BadInputIsAClearError) {
  EXPECT_THROW(ExposureEstimator(0), Error);
  EXPECT_THROW(ExposureEstimator(4, 1.5), Error);
  EXPECT_THROW(ExposureEstimator(4, 0.8, 0.0), Error);
  EXPECT_THROW(ExposureEstimator().estimate(cv::Mat(64, 64, CV_32FC1), cv::Mat(64, 32, CV_32FC1)), Error);
  EXPECT_THROW(ExposureEstimator().estimate(cv::Mat(64, 64, CV_32FC3), cv::Mat(64, 64, CV_32FC3)), Error);
}

}  // namespace
}  // namespace dcnn::test
