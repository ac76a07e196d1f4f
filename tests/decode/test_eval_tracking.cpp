// deltacnn-eval's tracking numbers (tools/eval/track_stats.cpp, tracking_variants.cpp): births
// and blinks of published ids, and the variants replayed on decoded candidates.
#include <gtest/gtest.h>

#include "tools/eval/track_stats.h"
#include "tools/eval/tracking_variants.h"

namespace {

dcnn::Detection object(int id, float x, float score = 0.5f, int label = 0) {
  dcnn::Detection d;
  d.id = id;
  d.label_id = label;
  d.confidence = score;
  d.x_min = x, d.y_min = 0, d.x_max = x + 10, d.y_max = 20;
  return d;
}

TEST(EvalTrackStats, BirthsAndBlinks) {
  dcnn::eval::TrackStatsCounter c;
  c.add_frame({object(0, 0), object(1, 100)});
  c.add_frame({object(0, 1)});               // id 1 missing for a frame, then back: no end
  c.add_frame({object(0, 2), object(1, 100)});
  c.add_frame({object(1, 100)});             // id 0 ends at frame 2 ...
  c.add_frame({object(1, 100), object(2, 3)});  // ... id 2 starts 2 frames later in its place: a blink
  c.add_frame({object(1, 100)});
  for (int f = 0; f < 4; ++f) c.add_frame({});  // id 1 and id 2 end
  c.add_frame({object(3, 100)});             // 5 frames after id 1: too late for a blink
  c.add_frame({object(4, 40)});              // elsewhere: a birth, no blink
  const dcnn::eval::TrackStats s = c.stats();
  EXPECT_EQ(s.frames, 12);
  EXPECT_EQ(s.births, 5);
  EXPECT_EQ(s.blinks, 1);
  EXPECT_NEAR(s.births_per_100_frames(), 500.0 / 12.0, 1e-9);
}

TEST(EvalTrackStats, ABlinkNeedsTheSameLabelAndOverlap) {
  dcnn::eval::TrackStatsCounter c;
  c.add_frame({object(0, 0, 0.5f, 0), object(1, 100, 0.5f, 0)});
  c.add_frame({object(2, 0, 0.5f, 1), object(3, 106, 0.5f, 0)});  // other label; IoU 4/16
  EXPECT_EQ(c.stats().blinks, 0);
}

// The variants on candidates that hover at the cut-off: off and no-hysteresis blink, the
// configured hysteresis does not.
TEST(EvalTrackingVariants, HysteresisRemovesTheBlinksOfAHoveringScore) {
  dcnn::TrackerSettings configured;
  configured.score_on = 0.25f;
  configured.score_off = 0.15f;
  configured.max_misses = 0;  // so that no-hysteresis cannot bridge the low frames either
  std::vector<std::vector<dcnn::Detection>> candidates;
  for (int f = 0; f < 10; ++f) candidates.push_back({object(-1, float(f), f % 2 ? 0.2f : 0.3f)});
  EXPECT_FLOAT_EQ(dcnn::eval::lowest_cut_off(configured), 0.15f);
  const auto variants = dcnn::eval::tracking_variants(configured);
  ASSERT_EQ(variants.size(), 3u);
  std::vector<long> blinks, published;
  for (const auto& v : variants) {
    dcnn::eval::TrackStatsCounter c;
    long n = 0;
    for (const auto& frame : dcnn::eval::publish(v, candidates)) {
      c.add_frame(frame);
      n += long(frame.size());
    }
    blinks.push_back(c.stats().blinks);
    published.push_back(n);
  }
  EXPECT_EQ(variants[0].name, "off");
  EXPECT_EQ(variants[2].name, "hysteresis");
  EXPECT_EQ(published, (std::vector<long>{5, 5, 10}));
  EXPECT_EQ(blinks, (std::vector<long>{4, 4, 0}));
}

}  // namespace
