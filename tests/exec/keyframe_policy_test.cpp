// KeyframePolicy on its own: which frames run dense for given activity, independent of any op.
#include "engine/exec/keyframe_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace dcnn {
namespace {

// Runs `frames` frames with the given activity per delta frame (keyframes report 1) and returns
// the pattern: 'K' for a keyframe, 'd' for a delta frame.
std::string pattern(KeyframePolicy& p, int frames, float delta_activity) {
  std::string out;
  for (int f = 0; f < frames; ++f) {
    const bool key = p.next_is_keyframe();
    out += key ? 'K' : 'd';
    p.after_frame(key, key ? 1.f : delta_activity);
  }
  return out;
}

TEST(KeyframePolicy, PeriodicIntervalCountsFromTheLastDenseFrame) {
  KeyframePolicy p(4, 1.f);
  EXPECT_EQ(pattern(p, 9, 0.9f), "KdddKdddK");
  p.force();
  EXPECT_EQ(pattern(p, 5, 0.9f), "KdddK");
}

TEST(KeyframePolicy, NoIntervalAndNoBreakEvenMeansOneKeyframe) {
  KeyframePolicy p(0, 1.f);
  EXPECT_EQ(pattern(p, 6, 1.f), "Kddddd");  // activity 1 is not above a break-even of 1
}

TEST(KeyframePolicy, BusySceneDoublesTheDenseRunUpTo16) {
  KeyframePolicy p(0, 0.5f);
  const std::string expected = std::string("Kd") + "K" + "d" + "KK" + "d" + "KKKK" + "d" +
                               std::string(8, 'K') + "d" + std::string(16, 'K') + "d" +
                               std::string(16, 'K') + "d";
  EXPECT_EQ(pattern(p, int(expected.size()), 0.8f), expected);
}

TEST(KeyframePolicy, OnlyTheLastDenseFrameOfABusyRunKeepsTheState) {
  KeyframePolicy p(0, 0.5f);
  std::string keeps;
  for (int f = 0; f < 12; ++f) {
    const bool key = p.next_is_keyframe();
    keeps += !key ? 'd' : p.keeps_state() ? 'S' : 'x';
    p.after_frame(key, key ? 1.f : 0.8f);
  }
  // First frame, runs of 1 and 2, then a run of 4 of which only the last keeps the state.
  EXPECT_EQ(keeps, "SdSdxSdxxxSd");
}

TEST(KeyframePolicy, ACalmProbeReturnsToDeltaAtOnce) {
  KeyframePolicy p(0, 0.5f);
  EXPECT_EQ(pattern(p, 8, 0.8f), "KdKdKKdK");  // busy: dense runs of 1, 2, then 4 started
  EXPECT_EQ(pattern(p, 3, 0.1f), "KKK");       // the run of 4 finishes first
  EXPECT_EQ(pattern(p, 4, 0.1f), "dddd");      // the probe was calm: delta from then on
  EXPECT_EQ(pattern(p, 3, 0.8f), "dKd");       // busy again: the run starts at 1 again
}

TEST(KeyframePolicy, BusyKeyframesRestartThePeriodicInterval) {
  KeyframePolicy p(5, 0.5f);
  std::string out = pattern(p, 2, 0.8f);  // K, then a busy delta frame
  out += pattern(p, 6, 0.1f);             // its dense frame, then calm delta until the interval
  EXPECT_EQ(out, "KdKddddK");
}

}  // namespace
}  // namespace dcnn
