// Stable ids across frames by greedy IoU matching.
#include <gtest/gtest.h>

#include "engine/decode/decoder.h"

namespace {

dcnn::Detection box(float x, float y, float w, float h, int label = 0) {
  dcnn::Detection d;
  d.label_id = label;
  d.x_min = x, d.y_min = y, d.x_max = x + w, d.y_max = y + h;
  d.confidence = 0.9f;
  return d;
}

TEST(IdAssigner, KeepsIdsOfMovingObjectsAndNumbersNewOnes) {
  dcnn::IdAssigner ids(0.3f);
  std::vector<dcnn::Detection> f1 = {box(0, 0, 10, 20), box(50, 0, 10, 20)};
  ids.assign(f1);
  EXPECT_EQ(f1[0].id, 0);
  EXPECT_EQ(f1[1].id, 1);
  // Both move by 1-2 px and swap order in the list; a third appears.
  std::vector<dcnn::Detection> f2 = {box(52, 1, 10, 20), box(100, 0, 10, 10), box(1, 0, 10, 20)};
  ids.assign(f2);
  EXPECT_EQ(f2[0].id, 1);
  EXPECT_EQ(f2[1].id, 2);
  EXPECT_EQ(f2[2].id, 0);
  // Stable over many frames of slow motion.
  std::vector<dcnn::Detection> f;
  for (int i = 0; i < 50; ++i) {
    f = {box(1.f + i * 0.5f, 0, 10, 20), box(52.f - i * 0.5f, 1, 10, 20)};
    ids.assign(f);
    ASSERT_EQ(f[0].id, 0) << i;
    ASSERT_EQ(f[1].id, 1) << i;
  }
}

TEST(IdAssigner, LabelsMustMatchAndLowOverlapGetsANewId) {
  dcnn::IdAssigner ids(0.5f);
  std::vector<dcnn::Detection> f1 = {box(0, 0, 10, 10, 0)};
  ids.assign(f1);
  std::vector<dcnn::Detection> f2 = {box(0, 0, 10, 10, 1)};  // same place, other class
  ids.assign(f2);
  EXPECT_EQ(f2[0].id, 1);
  std::vector<dcnn::Detection> f3 = {box(6, 0, 10, 10, 1)};  // IoU 4/16 = 0.25 < 0.5
  ids.assign(f3);
  EXPECT_EQ(f3[0].id, 2);
}

TEST(IdAssigner, GreedyPrefersTheBestOverlap) {
  dcnn::IdAssigner ids(0.1f);
  std::vector<dcnn::Detection> f1 = {box(0, 0, 10, 10), box(8, 0, 10, 10)};
  ids.assign(f1);
  // The new box overlaps id 1 better than id 0: it takes id 1; id 0's object vanished.
  std::vector<dcnn::Detection> f2 = {box(7, 0, 10, 10)};
  ids.assign(f2);
  EXPECT_EQ(f2[0].id, 1);
}

TEST(IdAssigner, ResetForgetsThePreviousFrameButNeverReusesIds) {
  dcnn::IdAssigner ids;
  std::vector<dcnn::Detection> f1 = {box(0, 0, 10, 10)};
  ids.assign(f1);
  ids.reset();
  std::vector<dcnn::Detection> f2 = {box(0, 0, 10, 10)};
  ids.assign(f2);
  EXPECT_EQ(f2[0].id, 1);
}

}  // namespace
