// InputStabilizer's exposure target (stabilize.exposure_settle): a stream whose reference frame
// was taken on a bright flicker feeds the network the reference's brightness until the target
// settles on the mean exposure of the frames after it, then a target that follows slow changes
// and maps a flicker away (exposure_target.h).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "engine/core/error.h"
#include "engine/stabilize/input_stabilizer.h"
#include "tests/stabilize/textured_scene.h"

namespace dcnn {
namespace {

constexpr int kWidth = 192, kHeight = 144;

// The scene at `gain` as an H x W x 3 model input (0..255; kept below 255 so that no gain
// here saturates).
std::vector<float> frame_at(const cv::Mat& scene, double gain) {
  std::vector<float> rgb(size_t(kWidth) * kHeight * 3);
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x)
      for (int c = 0; c < 3; ++c) rgb[(size_t(y) * kWidth + x) * 3 + c] = float(gain * scene.at<float>(y, x));
  return rgb;
}

// Mean of what the network is fed over the mean of the scene: the exposure it sees.
double fed_gain(const StabilizeResult& r, const cv::Mat& scene) {
  const double fed = std::accumulate(r.frame, r.frame + size_t(kWidth) * kHeight * 3, 0.0) / (kWidth * kHeight * 3.0);
  return fed / cv::mean(scene)[0];
}

StabilizeSettings shift_only() {
  StabilizeSettings s;
  s.shift = true;
  return s;
}

StabilizeSettings exposure_only(int settle) {
  StabilizeSettings s;
  s.exposure = true;
  s.exposure_settle = settle;
  return s;
}

// Flicker around 1.0 with the reference taken at 1.1: gains whose mean over the reference and
// the next eight frames is 1.0 exactly.
const std::vector<double> kGains = {1.10, 0.92, 1.04, 0.95, 0.97, 1.02, 0.93, 1.05, 1.02};

TEST(InputStabilizerExposure, SettlesOnTheMeanExposureAfterTheReference) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 3) * 0.8;
  InputStabilizer st(exposure_only(8), kWidth, kHeight);
  for (size_t t = 0; t < kGains.size(); ++t) {
    const std::vector<float> in = frame_at(scene, kGains[t]);
    const StabilizeResult r = st.apply(in.data());
    if (t == 0) {
      EXPECT_TRUE(r.new_reference);
      EXPECT_NEAR(fed_gain(r, scene), 1.10, 0.005);
    } else if (t < 8) {  // warming up: the reference's exposure
      EXPECT_FALSE(r.new_reference) << "frame " << t;
      EXPECT_NEAR(fed_gain(r, scene), 1.10, 0.01) << "frame " << t;
      EXPECT_DOUBLE_EQ(r.target_gain, 1.0);
    } else {  // settled: a keyframe at the mean exposure
      EXPECT_TRUE(r.new_reference) << "the settled exposure needs a keyframe";
      EXPECT_NEAR(r.target_gain, 1.0 / 1.10, 0.01);
      EXPECT_NEAR(fed_gain(r, scene), 1.0, 0.01);
    }
  }
  // From then on every frame is fed near the settled exposure (the target follows each fit a
  // little: at most 0.015 here), with no further keyframe.
  for (double gain : {0.91, 1.08, 1.0, 0.96}) {
    const std::vector<float> in = frame_at(scene, gain);
    const StabilizeResult r = st.apply(in.data());
    EXPECT_FALSE(r.new_reference) << "gain " << gain;
    EXPECT_NEAR(fed_gain(r, scene), 1.0, 0.015) << "gain " << gain;
  }
  // A reset starts over: the next reference's exposure until it settles again.
  st.reset();
  const std::vector<float> bright = frame_at(scene, 1.08);
  EXPECT_TRUE(st.apply(bright.data()).new_reference);
  const std::vector<float> dark = frame_at(scene, 0.95);
  EXPECT_NEAR(fed_gain(st.apply(dark.data()), scene), 1.08, 0.01);
}

TEST(InputStabilizerExposure, SettleZeroKeepsTheReferenceExposure) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 3) * 0.8;
  InputStabilizer st(exposure_only(0), kWidth, kHeight);
  for (size_t t = 0; t < kGains.size() + 4; ++t) {
    const std::vector<float> in = frame_at(scene, kGains[t % kGains.size()]);
    const StabilizeResult r = st.apply(in.data());
    EXPECT_EQ(r.new_reference, t == 0) << "frame " << t;
    EXPECT_NEAR(fed_gain(r, scene), 1.10, 0.01) << "frame " << t;
  }
}

TEST(InputStabilizerExposure, AMeanWithinTheNegligibleChangeNeedsNoKeyframe) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 3) * 0.8;
  InputStabilizer st(exposure_only(4), kWidth, kHeight);
  for (double gain : {1.0, 1.003, 0.998, 1.002, 0.999, 1.04}) {
    const std::vector<float> in = frame_at(scene, gain);
    const StabilizeResult r = st.apply(in.data());
    if (gain != 1.0) {
      EXPECT_FALSE(r.new_reference) << "gain " << gain;
    }
  }
}

// After settling, a slow drift of the camera's exposure (auto-exposure: 0.1 % per frame here,
// vtest's own drift reaches 0.05 %) reaches the network with a lag of about exposure_settle
// frames of it, with no keyframe; a flicker on top of it is still mapped to the running target.
TEST(InputStabilizerExposure, TheSettledTargetFollowsASlowDrift) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 3) * 0.8;
  constexpr int kSettle = 8;
  InputStabilizer st(exposure_only(kSettle), kWidth, kHeight);
  double gain = 1.0;
  for (int t = 0; t <= kSettle; ++t) {  // the reference, then the steady frames it settles on
    const std::vector<float> in = frame_at(scene, gain);
    EXPECT_EQ(st.apply(in.data()).new_reference, t == 0) << "frame " << t;
  }
  StabilizeResult r;
  std::vector<float> in;  // alive while r.frame may point at it (a frame fed as it came)
  for (int t = 1; t <= 60; ++t) {
    gain = 1.0 + 0.001 * t;
    in = frame_at(scene, gain);
    r = st.apply(in.data());
    EXPECT_FALSE(r.new_reference) << "drift frame " << t;
  }
  // Fed at the camera's exposure to within the lag (8 frames x 0.001), not at the reference's
  // (a fixed target fed 1.0: 0.06 off).
  EXPECT_NEAR(fed_gain(r, scene), gain, 0.012);
  EXPECT_GT(r.target_gain, 1.045);
  // A flicker of +-8 % on the drifted exposure: fed at the running target.
  for (double flicker : {1.08, 0.92}) {
    in = frame_at(scene, gain * flicker);
    r = st.apply(in.data());
    EXPECT_TRUE(r.exposure_compensated) << "flicker " << flicker;
    EXPECT_NEAR(fed_gain(r, scene), gain, 0.02) << "flicker " << flicker;
  }
}

// A frame with nothing to apply is fed as it came (no copy), yet the border strip it showed is
// what a later move keeps where its source leaves the frame.
TEST(InputStabilizerShift, AStillFrameIsFedAsItCameAndItsBorderKept) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 5) * 0.8;
  InputStabilizer st(shift_only(), kWidth, kHeight);
  const std::vector<float> first = frame_at(scene, 1.0);
  ASSERT_TRUE(st.apply(first.data()).new_reference);
  // The same scene with its outer 4 columns brighter: no shift, so fed as it is.
  std::vector<float> still = first;
  for (int y = 0; y < kHeight; ++y)
    for (int x : {0, 1, 2, 3, kWidth - 4, kWidth - 3, kWidth - 2, kWidth - 1})
      for (int c = 0; c < 3; ++c) still[(size_t(y) * kWidth + x) * 3 + c] += 20.f;
  const StabilizeResult r1 = st.apply(still.data());
  EXPECT_FALSE(r1.new_reference);
  EXPECT_EQ(r1.dx, 0.0);
  EXPECT_EQ(r1.dy, 0.0);
  EXPECT_EQ(r1.frame, still.data()) << "nothing to apply: the input itself, no copy";
  // Then the camera moves 2.4 px: the column whose source left the frame keeps the still
  // frame's (brighter) value, what the network saw there last.
  const std::vector<float> moved = frame_at(test::shifted(scene, 2.4, 0.0), 1.0);
  const StabilizeResult r2 = st.apply(moved.data());
  ASSERT_GT(std::fabs(r2.dx), 2.0);
  ASSERT_NE(r2.frame, moved.data());
  const int x = r2.dx > 0 ? kWidth - 1 : 0;
  for (int y : {0, kHeight / 2, kHeight - 1}) {
    const size_t at = (size_t(y) * kWidth + x) * 3;
    EXPECT_FLOAT_EQ(r2.frame[at], still[at]) << "row " << y << " column " << x;
  }
}

// A frame the network runs dense renews the reference when the camera has moved: it is fed as it
// came, and the frames after it are moved by what the camera did since. A frame that runs as
// delta, or a still camera's dense frame, keeps the reference.
TEST(InputStabilizerShift, AMovedCamerasDenseFrameStartsANewReference) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 8) * 0.8;
  InputStabilizer st(shift_only(), kWidth, kHeight);
  const std::vector<float> first = frame_at(scene, 1.0);
  ASSERT_TRUE(st.apply(first.data()).new_reference);
  EXPECT_FALSE(st.apply(first.data(), true).new_reference) << "a still camera's dense frame keeps it";
  const std::vector<float> moved = frame_at(test::shifted(scene, 2.4, 0.0), 1.0);
  const StabilizeResult delta_frame = st.apply(moved.data());
  ASSERT_FALSE(delta_frame.new_reference);
  ASSERT_NEAR(delta_frame.dx, 2.4, 0.1);
  const std::vector<float> further = frame_at(test::shifted(scene, 3.4, 0.0), 1.0);
  const StabilizeResult dense_frame = st.apply(further.data(), true);
  EXPECT_TRUE(dense_frame.new_reference);
  EXPECT_EQ(dense_frame.dx, 0.0);
  EXPECT_EQ(dense_frame.dy, 0.0);
  const std::vector<float> last = frame_at(test::shifted(scene, 4.4, 0.0), 1.0);
  const StabilizeResult after = st.apply(last.data());
  EXPECT_FALSE(after.new_reference);
  EXPECT_NEAR(after.dx, 1.0, 0.1) << "moved by the camera's move since the dense frame";
  // Without the dense frame the same sequence stays on the first reference.
  InputStabilizer kept(shift_only(), kWidth, kHeight);
  kept.apply(first.data());
  kept.apply(moved.data());
  const StabilizeResult delta_again = kept.apply(further.data());
  EXPECT_FALSE(delta_again.new_reference);
  EXPECT_NEAR(delta_again.dx, 3.4, 0.1);
}

// A still camera takes the shortcut (one fit at the samples: no luma plane) on all but one frame
// in 32, is fed as it came, and a slow exposure drift meanwhile still reaches the exposure target
// without a compensated frame; a move of 0.3 px takes the full path and is followed.
TEST(InputStabilizerStill, AStillCameraTakesTheShortcutAndADriftOrMoveIsStillSeen) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 6) * 0.8;
  StabilizeSettings s;
  s.shift = true;
  s.exposure = true;
  s.exposure_settle = 4;
  InputStabilizer st(s, kWidth, kHeight);
  std::vector<float> in;
  int full = 0, compensated = 0;
  double gain = 1.0;
  StabilizeResult r;
  for (int t = 0; t < 200; ++t) {
    if (t > 40) gain += 0.0005;  // vtest's drift
    in = frame_at(scene, gain);
    r = st.apply(in.data());
    if (t > 4) {
      full += r.ms.luma > 0.0;
      compensated += r.exposure_compensated;
      EXPECT_EQ(r.frame, in.data()) << "frame " << t << ": a still camera's frame is fed as it came";
    }
  }
  EXPECT_LE(full, 195 / 32 + 6) << "the shortcut was not taken";
  EXPECT_GE(full, 195 / 32) << "the full path runs once in 32 frames";
  EXPECT_EQ(compensated, 0);
  EXPECT_NEAR(r.target_gain, gain, 0.01) << "the drift reached the target";
  // The camera moves by 0.3 px: the shortcut sees it, the full path moves the frame back.
  in = frame_at(test::shifted(scene, 0.3, 0.0), gain);
  r = st.apply(in.data());
  EXPECT_GT(r.ms.luma, 0.0);
  EXPECT_NEAR(r.dx, 0.3, 0.05);
  EXPECT_NE(r.frame, in.data());
}

// A camera that starts on black frames (an RTSP source before its first picture): a reference
// without texture holds no samples to fit; the stream goes on, and the first textured frame
// becomes the reference.
TEST(InputStabilizerShift, ABlackFirstFrameIsNoError) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 7) * 0.8;
  StabilizeSettings s;
  s.shift = true;
  s.exposure = true;
  InputStabilizer st(s, kWidth, kHeight);
  const std::vector<float> black(size_t(kWidth) * kHeight * 3, 0.f), textured = frame_at(scene, 1.0);
  ASSERT_TRUE(st.apply(black.data()).new_reference);
  for (int t = 0; t < 3; ++t) EXPECT_NO_THROW(st.apply(black.data())) << "black frame " << t;
  StabilizeResult r;
  ASSERT_NO_THROW(r = st.apply(textured.data()));
  EXPECT_TRUE(r.new_reference) << "the first textured frame starts a new reference";
  ASSERT_NO_THROW(r = st.apply(textured.data()));
  EXPECT_EQ(r.dx, 0.0);
  EXPECT_EQ(r.frame, textured.data());
}

// A camera covered (or black at night) after a textured start, shift alone and with exposure:
// the black frames were an error with `shift` (the still path's fit had no samples) and a new
// reference, a keyframe, on every frame with both (phase correlation on a flat picture has no
// confidence). Now the first flat frame renews the reference, the others are fed as they came,
// and the picture coming back starts one new reference.
TEST(InputStabilizerShift, ACoveredCameraRenewsItsReferenceOnceAndAgainWhenUncovered) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 11) * 0.8;
  const std::vector<float> black(size_t(kWidth) * kHeight * 3, 0.f), textured = frame_at(scene, 1.0);
  for (const bool exposure : {false, true}) {
    StabilizeSettings s;
    s.shift = true;
    s.exposure = exposure;
    InputStabilizer st(s, kWidth, kHeight);
    int renewals = 0;
    for (int t = 0; t < 12; ++t) {  // settles the exposure target, takes the still path
      StabilizeResult r;
      ASSERT_NO_THROW(r = st.apply(textured.data())) << "textured frame " << t;
      renewals += r.new_reference;
    }
    EXPECT_EQ(renewals, 1) << "exposure " << exposure;
    renewals = 0;
    for (int t = 0; t < 20; ++t) {
      StabilizeResult r;
      ASSERT_NO_THROW(r = st.apply(black.data())) << "black frame " << t << ", exposure " << exposure;
      renewals += r.new_reference;
      if (t > 0) {
        EXPECT_EQ(r.frame, black.data()) << "black frame " << t;
      }
    }
    EXPECT_EQ(renewals, 1) << "exposure " << exposure << ": one renewal when covered";
    StabilizeResult r;
    ASSERT_NO_THROW(r = st.apply(textured.data()));
    EXPECT_TRUE(r.new_reference) << "uncovered: a new reference";
  }
}

// A still camera with walkers: a third of the picture (a strongly textured region) moves by
// 3 px a frame while the rest stands. The full path runs on the frame after each move; whatever
// the phase correlation locks on, the frame is moved only by a shift that explains the picture
// better than no shift, and here no shift does (the background is the larger part).
TEST(InputStabilizerShift, WalkersOnAStillCameraDoNotMoveTheFrame) {
  const cv::Mat background = test::textured_scene(kHeight, kWidth, 8) * 0.8;
  const cv::Mat walkers = test::textured_scene(kHeight, kWidth, 9) * 0.8;
  StabilizeSettings s;
  s.shift = true;
  InputStabilizer st(s, kWidth, kHeight);
  int moved = 0;
  for (int t = 0; t < 40; ++t) {
    cv::Mat frame = background.clone();
    const cv::Mat walking = test::shifted(walkers, 3.0 * t, 0.0);
    const cv::Rect region(kWidth / 3, 0, kWidth / 3 + 8, kHeight);
    walking(region).copyTo(frame(region));
    const std::vector<float> in = frame_at(frame, 1.0);
    const StabilizeResult r = st.apply(in.data());
    if (r.dx != 0.0 || r.dy != 0.0) {
      ++moved;
      ADD_FAILURE() << "frame " << t << " moved by " << r.dx << ", " << r.dy;
    }
  }
  EXPECT_EQ(moved, 0);
}

// A lasting step of the exposure (an IR switch at dusk, a light): mapped back while delta frames
// run, and once it has lasted 8 frames the next dense frame renews the reference there, so that
// the network sees the camera's own picture again. A flicker, even a strong one, does not.
TEST(InputStabilizerExposure, ADenseFrameAfterALastingStepRenewsTheReference) {
  const cv::Mat scene = test::textured_scene(kHeight, kWidth, 3) * 0.8;
  InputStabilizer st(exposure_only(0), kWidth, kHeight);  // target: the reference's exposure
  const std::vector<float> reference = frame_at(scene, 1.0), step = frame_at(scene, 1.25);
  ASSERT_TRUE(st.apply(reference.data()).new_reference);
  // A +-20 % flicker, alternating, with a dense frame after it: the reference stays.
  for (int t = 0; t < 12; ++t) {
    const std::vector<float> flicker = frame_at(scene, t % 2 ? 1.2 : 0.8);
    EXPECT_TRUE(st.apply(flicker.data()).exposure_compensated) << "flicker frame " << t;
  }
  const std::vector<float> dark = frame_at(scene, 0.8);
  EXPECT_FALSE(st.apply(dark.data(), /*runs_dense=*/true).new_reference) << "a flicker keeps the reference";
  // The step: 7 delta frames mapped back, then a dense one that still keeps the reference (the
  // step has not lasted 8 fits), then the 8th fit, then a dense frame that renews it.
  StabilizeResult r;
  for (int t = 0; t < 7; ++t) {
    r = st.apply(step.data());
    EXPECT_TRUE(r.exposure_compensated) << "step frame " << t;
    EXPECT_NEAR(fed_gain(r, scene), 1.0, 0.01) << "mapped back to the reference's exposure";
  }
  EXPECT_FALSE(st.apply(step.data(), /*runs_dense=*/true).new_reference) << "7 fits are not yet a lasting step";
  r = st.apply(step.data(), /*runs_dense=*/true);
  EXPECT_TRUE(r.new_reference) << "the dense frame after 8 far fits renews the reference";
  EXPECT_NEAR(fed_gain(r, scene), 1.25, 0.01);
  r = st.apply(step.data());
  EXPECT_FALSE(r.exposure_compensated) << "the camera's own exposure from then on";
  EXPECT_FALSE(r.new_reference);
}

TEST(InputStabilizerExposure, NegativeSettleIsAConfigErrorNamingTheKey) {
  StabilizeSettings s = exposure_only(-1);
  try {
    InputStabilizer st(s, kWidth, kHeight);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Config);
    EXPECT_NE(std::string(e.what()).find("stabilize.exposure_settle"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace dcnn
