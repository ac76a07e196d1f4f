// deltacnn-eval's synthetic camera trouble (tools/eval/perturb.h): the clips its agreement
// figures are measured on, so each kind must perturb what it says and nothing else, the same way
// for the same seed on every machine.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "tools/eval/perturb.h"

namespace dcnn::eval {
namespace {

std::vector<FramePerturbation> clip(Perturbation kind, uint32_t seed, int frames) {
  Perturber p(kind, seed);
  std::vector<FramePerturbation> out;
  for (int f = 0; f < frames; ++f) out.push_back(p.next());
  return out;
}

TEST(EvalPerturb, EachKindPerturbsWhatItSays) {
  constexpr int kFrames = 300;
  for (const FramePerturbation& f : clip(Perturbation::None, 1, kFrames)) {
    EXPECT_EQ(f.dx, 0.0);
    EXPECT_EQ(f.dy, 0.0);
    EXPECT_EQ(f.gain, 1.0);
  }
  const auto shake = clip(Perturbation::Shake, 1, kFrames), flicker = clip(Perturbation::Flicker, 1, kFrames),
             both = clip(Perturbation::ShakeFlicker, 1, kFrames), drift = clip(Perturbation::Drift, 1, kFrames);
  double shake_spread = 0.0, gain_spread = 0.0;
  for (int f = 0; f < kFrames; ++f) {
    for (const FramePerturbation* p : {&shake[f], &both[f]}) {
      EXPECT_GE(p->dx, 0.0);
      EXPECT_LT(p->dx, 3.0);
      EXPECT_GE(p->dy, 0.0);
      EXPECT_LT(p->dy, 3.0);
    }
    for (const FramePerturbation* p : {&flicker[f], &both[f]}) {
      EXPECT_GE(p->gain, 0.9);
      EXPECT_LT(p->gain, 1.1);
    }
    EXPECT_EQ(shake[f].gain, 1.0) << "frame " << f;
    EXPECT_EQ(flicker[f].dx, 0.0) << "frame " << f;
    EXPECT_NEAR(drift[f].dx - 0.2 * f, 1.5, 1.5) << "frame " << f << ": the pan plus a shake";
    shake_spread += std::abs(both[f].dx - 1.5);
    gain_spread += std::abs(both[f].gain - 1.0);
  }
  EXPECT_GT(shake_spread / kFrames, 0.5) << "shake-flicker shakes";
  EXPECT_GT(gain_spread / kFrames, 0.03) << "shake-flicker flickers";
  // The shake is drawn first: the first frame's offset is the plain shake's.
  EXPECT_EQ(both[0].dx, shake[0].dx);
  EXPECT_EQ(both[0].dy, shake[0].dy);
}

TEST(EvalPerturb, TheSameSeedGivesTheSameClip) {
  const auto a = clip(Perturbation::ShakeFlicker, 7, 50), b = clip(Perturbation::ShakeFlicker, 7, 50),
             c = clip(Perturbation::ShakeFlicker, 8, 50);
  int differ = 0;
  for (size_t f = 0; f < a.size(); ++f) {
    EXPECT_EQ(a[f].dx, b[f].dx);
    EXPECT_EQ(a[f].gain, b[f].gain);
    differ += a[f].dx != c[f].dx;
  }
  EXPECT_GT(differ, 40) << "another seed, another clip";
}

TEST(EvalPerturb, NamesAndBadNames) {
  EXPECT_EQ(perturbation_from("shake-flicker"), Perturbation::ShakeFlicker);
  EXPECT_EQ(perturbation_from("drift"), Perturbation::Drift);
  try {
    perturbation_from("wobble");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'wobble'; expected none, shake, drift, flicker or shake-flicker"),
              std::string::npos)
        << e.what();
  }
}

TEST(EvalPerturb, ObjectsFoundOnTheMovedFrameGoBack) {
  FramePerturbation p;
  p.dx = 2.5;
  p.dy = -1.0;
  Detection d;
  d.x_min = 12.5f, d.y_min = 9.f, d.x_max = 22.5f, d.y_max = 29.f;
  d.keypoints = {{17.5f, 19.f, 0.9f}};
  std::vector<Detection> objects = {d};
  to_original(objects, p);
  EXPECT_FLOAT_EQ(objects[0].x_min, 10.f);
  EXPECT_FLOAT_EQ(objects[0].y_max, 30.f);
  EXPECT_FLOAT_EQ(objects[0].keypoints[0].x, 15.f);
  EXPECT_FLOAT_EQ(objects[0].keypoints[0].y, 20.f);
}

}  // namespace
}  // namespace dcnn::eval
