// ExposureTarget: the exposure the stabiliser feeds the network, against fit sequences of the
// three kinds a camera produces (engine/stabilize/exposure_target.h): a still camera's slow
// auto-exposure drift must be followed closely, a frame-to-frame flicker must barely move it,
// and settling must say when a keyframe is due.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "engine/stabilize/exposure_target.h"

namespace dcnn {
namespace {

constexpr int kSettle = 16;

// Settles a target on `settle_frames` fits of gain 1 (offset 0): no keyframe.
ExposureTarget settled_at_one() {
  ExposureTarget t(kSettle);
  for (int i = 0; i < kSettle; ++i) EXPECT_FALSE(t.add(1.0, 0.0, true)) << "frame " << i;
  return t;
}

// vtest's own drift: 0.05 % a frame, fits scattered by 0.1 %. The target stays within 0.5 % of
// the camera's exposure, so a still camera's frames need no compensation at all (1 %).
TEST(ExposureTarget, FollowsASlowDriftClosely) {
  ExposureTarget t = settled_at_one();
  std::mt19937 rng(7);
  std::normal_distribution<double> scatter(0.0, 0.001);
  double worst = 0.0;
  for (int f = 1; f <= 300; ++f) {
    const double exposure = 1.0 + 0.0005 * f;
    EXPECT_FALSE(t.add(exposure + scatter(rng), 0.0, true));
    if (f > 30) worst = std::max(worst, std::fabs(t.gain() - exposure));
  }
  EXPECT_LT(worst, 0.005);
}

// A +-10 % flicker (uniform per frame) on a steady exposure: once the filter has measured the
// flicker, the target moves by well under the 1 % a compensation would bother with, and its mean
// is the exposure.
TEST(ExposureTarget, AFlickerBarelyMovesIt) {
  ExposureTarget t(kSettle);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> flicker(0.9, 1.1);
  for (int i = 0; i < kSettle; ++i) t.add(flicker(rng), 0.0, true);
  std::vector<double> targets;
  for (int f = 0; f < 600; ++f) {
    EXPECT_FALSE(t.add(flicker(rng), 0.0, true));
    if (f >= 100) targets.push_back(t.gain());
  }
  double mean = 0.0, var = 0.0;
  for (double g : targets) mean += g / targets.size();
  for (double g : targets) var += (g - mean) * (g - mean) / targets.size();
  EXPECT_NEAR(mean, 1.0, 0.015);
  EXPECT_LT(std::sqrt(var), 0.007) << "the target's wobble";
}

// Settling on a mean 8 % darker is a keyframe; the target is the mean; fits the stabiliser would
// not use (a real scene change) count neither before nor after.
TEST(ExposureTarget, SettlesOnTheMeanOfUsableFits) {
  ExposureTarget t(4);
  EXPECT_FALSE(t.add(0.9, 2.0, true));
  EXPECT_FALSE(t.add(3.0, 50.0, false));
  EXPECT_FALSE(t.add(0.9, 2.0, true));
  EXPECT_TRUE(t.add(0.88, 1.0, true)) << "the fourth frame settles it";
  EXPECT_NEAR(t.gain(), (1.0 + 0.9 + 0.9 + 0.88) / 4, 1e-12) << "the reference counts as gain 1";
  EXPECT_NEAR(t.offset(), (0.0 + 2.0 + 2.0 + 1.0) / 4, 1e-12);
  const double settled = t.gain();
  EXPECT_FALSE(t.add(3.0, 50.0, false));
  EXPECT_EQ(t.gain(), settled);
  // A restart (new reference): its own exposure until it settles again.
  t.restart();
  EXPECT_EQ(t.gain(), 1.0);
  EXPECT_EQ(t.offset(), 0.0);
}

TEST(ExposureTarget, SettleZeroKeepsTheReferenceExposure) {
  ExposureTarget t(0);
  for (int f = 0; f < 50; ++f) EXPECT_FALSE(t.add(0.8, -5.0, true));
  EXPECT_EQ(t.gain(), 1.0);
  EXPECT_EQ(t.offset(), 0.0);
}

}  // namespace
}  // namespace dcnn
