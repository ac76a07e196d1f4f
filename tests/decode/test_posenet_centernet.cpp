// PoseNet and CenterNet decoders on synthetic heads with hand-worked results.
#include <gtest/gtest.h>

#include "engine/decode/decoder.h"
#include "tests/decode/synthetic_heads.h"

using dcnn::DecoderConfig;
using dcnn::DecoderKind;
using dcnn::FrameGeometry;
using dcnn::ResizeKind;
using dcnn::test::logit;
using dcnn::test::SyntheticHeads;

namespace {

// PoseNet, 9x9 grid at stride 16 (129x129 model). Person A: nose root at cell (4, 4) with
// offset (1, 2) -> (65, 66). displacement_fwd of edge 4 (nose -> left shoulder) at (4, 4) is
// (+32, -16) -> (97, 50) -> cell (6, 3), refined with the shoulder offset (1.5, -0.5) there ->
// (97.5, 47.5). Edge 5 (left shoulder -> left elbow) at (6, 3) is (+16, 0) -> cell (7, 3) ->
// (112, 48). Every other part stays at the nose cell (zero displacements) -> (64, 64).
SyntheticHeads posenet_heads() {
  SyntheticHeads h;
  h.add("heatmap", 9, 9, 17, -10.f);
  h.add("offset", 9, 9, 34, 0.f);
  h.add("displacement_fwd", 9, 9, 32, 0.f);
  h.add("displacement_bwd", 9, 9, 32, 0.f);
  h.at("heatmap", 4, 4, 0) = logit(0.95f);
  h.at("offset", 4, 4, 0) = 1.f;
  h.at("offset", 4, 4, 17) = 2.f;
  h.at("displacement_fwd", 4, 4, 4) = 32.f;
  h.at("displacement_fwd", 4, 4, 4 + 16) = -16.f;
  h.at("heatmap", 6, 3, 5) = logit(0.9f);
  h.at("offset", 6, 3, 5) = 1.5f;
  h.at("offset", 6, 3, 5 + 17) = -0.5f;
  h.at("displacement_fwd", 6, 3, 5) = 16.f;
  h.at("heatmap", 7, 3, 7) = logit(0.7f);
  return h;
}

DecoderConfig posenet_config() {
  DecoderConfig c;
  c.kind = DecoderKind::PoseNet;
  c.output_stride = 16;
  c.max_objects = 10;
  c.nms_iou = 0.5f;  // 20 px keypoint radius
  c.keypoint_threshold = 0.5f;
  return c;
}

TEST(PoseNet, FollowsTheDisplacementsFromTheRoot) {
  const SyntheticHeads h = posenet_heads();
  const auto dec = dcnn::make_decoder(posenet_config(), h.names());
  // 258x258 frame stretched to 129x129: frame = 2 * model.
  const auto g = FrameGeometry::make(258, 258, 129, 129, ResizeKind::Stretch);
  const auto poses = dec->decode(h.views(), g, 0.1f);
  // The shoulder and elbow peaks are roots too, but lie on person A's parts: suppressed.
  ASSERT_EQ(poses.size(), 1u);
  const auto& k = poses[0].keypoints;
  ASSERT_EQ(k.size(), 17u);
  EXPECT_NEAR(k[0].y, 65 * 2, 1e-3f);
  EXPECT_NEAR(k[0].x, 66 * 2, 1e-3f);
  EXPECT_NEAR(k[0].score, 0.95f, 1e-5f);
  EXPECT_NEAR(k[5].y, 97.5f * 2, 1e-3f);
  EXPECT_NEAR(k[5].x, 47.5f * 2, 1e-3f);
  EXPECT_NEAR(k[5].score, 0.9f, 1e-5f);
  EXPECT_NEAR(k[7].y, 112 * 2, 1e-3f);
  EXPECT_NEAR(k[7].x, 48 * 2, 1e-3f);
  EXPECT_NEAR(k[7].score, 0.7f, 1e-5f);
  EXPECT_NEAR(k[1].y, 64 * 2, 1e-3f);
  EXPECT_NEAR(k[16].x, 64 * 2, 1e-3f);
  const float tiny = 1.f / (1.f + std::exp(10.f));
  EXPECT_NEAR(poses[0].confidence, (0.95f + 0.9f + 0.7f + 14 * tiny) / 17.f, 1e-5f);
  // Box: the extent of the parts scoring >= keypoint_threshold (nose, shoulder, elbow).
  EXPECT_NEAR(poses[0].x_min, 47.5f * 2, 1e-3f);
  EXPECT_NEAR(poses[0].x_max, 66 * 2, 1e-3f);
  EXPECT_NEAR(poses[0].y_min, 65 * 2, 1e-3f);
  EXPECT_NEAR(poses[0].y_max, 112 * 2, 1e-3f);
}

TEST(PoseNet, BackwardDisplacementsReachTheParents) {
  SyntheticHeads h;
  h.add("heatmap", 9, 9, 17, -10.f);
  h.add("offset", 9, 9, 34, 0.f);
  h.add("displacement_fwd", 9, 9, 32, 0.f);
  h.add("displacement_bwd", 9, 9, 32, 0.f);
  // Root: left wrist (9) at cell (6, 6) -> (96, 96). Edge 6 is elbow(7) -> wrist(9); its
  // backward displacement (-32, 0) leads to the elbow at cell (4, 6) -> (64, 96).
  h.at("heatmap", 6, 6, 9) = logit(0.8f);
  h.at("displacement_bwd", 6, 6, 6) = -32.f;
  h.at("heatmap", 4, 6, 7) = logit(0.6f);
  const auto dec = dcnn::make_decoder(posenet_config(), h.names());
  const auto g = FrameGeometry::make(129, 129, 129, 129, ResizeKind::Stretch);
  const auto poses = dec->decode(h.views(), g, 0.05f);
  ASSERT_EQ(poses.size(), 1u);
  EXPECT_NEAR(poses[0].keypoints[9].y, 96.f, 1e-3f);
  EXPECT_NEAR(poses[0].keypoints[7].y, 64.f, 1e-3f);
  EXPECT_NEAR(poses[0].keypoints[7].x, 96.f, 1e-3f);
  EXPECT_NEAR(poses[0].keypoints[7].score, 0.6f, 1e-5f);
}

TEST(PoseNet, TwoPeopleThresholdAndMaxObjects) {
  SyntheticHeads h = posenet_heads();
  h.at("heatmap", 1, 7, 0) = logit(0.85f);  // person B's nose, far from A
  auto cfg = posenet_config();
  const auto g = FrameGeometry::make(129, 129, 129, 129, ResizeKind::Stretch);
  auto poses = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.03f);
  ASSERT_EQ(poses.size(), 2u);
  EXPECT_NEAR(poses[1].keypoints[0].y, 16.f, 1e-3f);
  EXPECT_NEAR(poses[1].keypoints[0].x, 112.f, 1e-3f);
  // B's score counts only its nose (its other parts sit on... its own cell, far from A).
  EXPECT_GT(poses[0].confidence, poses[1].confidence);
  // Threshold between the two pose scores keeps A only.
  poses = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.1f);
  EXPECT_EQ(poses.size(), 1u);
  cfg.max_objects = 1;
  poses = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.03f);
  ASSERT_EQ(poses.size(), 1u);
  EXPECT_NEAR(poses[0].keypoints[0].x, 66.f, 1e-3f);
}

// CenterNet: 8x8 grid at stride 4 (32x32 model), 3 classes, sigmoid already applied.
SyntheticHeads centernet_heads() {
  SyntheticHeads h;
  h.add("keypoints", 8, 8, 3, 0.01f);
  h.add("wh", 8, 8, 4, 0.f);
  h.at("keypoints", 2, 3, 0) = 0.9f;   // box x 12-4..12+8, y 8-6..8+10
  h.at("keypoints", 2, 4, 0) = 0.8f;   // next to the 0.9 peak of its class: not a peak
  h.at("keypoints", 2, 4, 1) = 0.6f;   // same cell, other class: a peak
  h.at("keypoints", 5, 5, 2) = 0.7f;
  for (int y : {2}) {
    for (int x : {3, 4}) {
      h.at("wh", y, x, 0) = 4.f;
      h.at("wh", y, x, 1) = 6.f;
      h.at("wh", y, x, 2) = 8.f;
      h.at("wh", y, x, 3) = 10.f;
    }
  }
  h.at("wh", 5, 5, 0) = 2.f;
  h.at("wh", 5, 5, 1) = 2.f;
  h.at("wh", 5, 5, 2) = 30.f;  // runs off the right edge: clipped
  h.at("wh", 5, 5, 3) = 2.f;
  return h;
}

DecoderConfig centernet_config() {
  DecoderConfig c;
  c.kind = DecoderKind::CenterNet;
  c.output_stride = 4;
  c.max_objects = 100;
  c.nms_iou = 0.5f;
  return c;
}

TEST(CenterNet, PeaksBoxesLabelsAndClipping) {
  const SyntheticHeads h = centernet_heads();
  const auto dec = dcnn::make_decoder(centernet_config(), h.names());
  const auto g = FrameGeometry::make(64, 64, 32, 32, ResizeKind::Stretch);
  const auto d = dec->decode(h.views(), g, 0.5f);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].label, "person");
  EXPECT_EQ(d[0].label_id, 0);
  EXPECT_NEAR(d[0].confidence, 0.9f, 1e-6f);
  EXPECT_NEAR(d[0].x_min, 16.f, 1e-4f);
  EXPECT_NEAR(d[0].y_min, 4.f, 1e-4f);
  EXPECT_NEAR(d[0].x_max, 40.f, 1e-4f);
  EXPECT_NEAR(d[0].y_max, 36.f, 1e-4f);
  EXPECT_EQ(d[1].label, "car");  // class 2 in COCO order
  EXPECT_NEAR(d[1].x_min, 36.f, 1e-4f);
  EXPECT_NEAR(d[1].x_max, 64.f, 1e-4f);  // 20 + 30 = 50 model px, clipped to 32 -> 64
  EXPECT_EQ(d[2].label, "bicycle");
  EXPECT_NEAR(d[2].confidence, 0.6f, 1e-6f);
  EXPECT_TRUE(d[0].keypoints.empty());
  EXPECT_EQ(dec->info().task, dcnn::Task::Detection);
  EXPECT_EQ(dec->info().labels.size(), 80u);
}

TEST(CenterNet, ThresholdMaxObjectsLabelsAndLetterbox) {
  const SyntheticHeads h = centernet_heads();
  auto cfg = centernet_config();
  cfg.labels = {"a", "b", "c"};
  cfg.max_objects = 2;
  const auto dec = dcnn::make_decoder(cfg, h.names());
  // 64x32 frame letterboxed into 32x32: scale 0.5, 8 rows of padding.
  const auto g = FrameGeometry::make(64, 32, 32, 32, ResizeKind::Letterbox);
  const auto d = dec->decode(h.views(), g, 0.5f);
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].label, "a");
  EXPECT_EQ(d[1].label, "c");
  EXPECT_NEAR(d[0].y_min, 0.f, 1e-4f);   // model y 2 is in the padding: clipped to the frame
  EXPECT_NEAR(d[0].y_max, 20.f, 1e-4f);  // (18 - 8) / 0.5
  EXPECT_NEAR(d[0].x_min, 16.f, 1e-4f);
  EXPECT_EQ(dec->decode(h.views(), g, 0.95f).size(), 0u);
}

TEST(CenterNet, NmsSuppressesOverlappingBoxesOfOneClass) {
  SyntheticHeads h = centernet_heads();
  // Class 0 peak at (2, 6): box x 24-14..24+0 = 10..24, y 2..18; IoU with the 0.9 box
  // (8..20 x 2..18) = 10 / 16 = 0.625.
  h.at("keypoints", 2, 6, 0) = 0.75f;
  h.at("wh", 2, 6, 0) = 14.f;
  h.at("wh", 2, 6, 1) = 6.f;
  h.at("wh", 2, 6, 3) = 10.f;
  auto cfg = centernet_config();
  const auto g = FrameGeometry::make(32, 32, 32, 32, ResizeKind::Stretch);
  EXPECT_EQ(dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.5f).size(), 3u);
  cfg.nms_iou = 0.f;
  EXPECT_EQ(dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.5f).size(), 4u);
  cfg.nms_iou = 0.7f;
  EXPECT_EQ(dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.5f).size(), 4u);
}

}  // namespace
