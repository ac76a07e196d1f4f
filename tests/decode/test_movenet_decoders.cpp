// MoveNet MultiPose and SinglePose decoders on synthetic heads with hand-worked results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/core/error.h"
#include "engine/decode/decoder.h"
#include "tests/decode/synthetic_heads.h"

using dcnn::DecoderConfig;
using dcnn::DecoderKind;
using dcnn::FrameGeometry;
using dcnn::ResizeKind;
using dcnn::test::logit;
using dcnn::test::SyntheticHeads;

namespace {

constexpr int H = 12, W = 16;  // heads of a 64x48 model at stride 4

// A person's centre at cell (y, x) scoring `score`, with a box of box_h x box_w cells around it.
void add_centre(SyntheticHeads& h, int y, int x, float score, float box_h, float box_w) {
  h.at("center", y, x, 0) = logit(score);
  h.at("box_scale", y, x, 0) = box_h;
  h.at("box_scale", y, x, 1) = box_w;
}

// MultiPose's six heads with nothing in them (heat and centres at p ~ 0).
SyntheticHeads empty_multipose_heads() {
  SyntheticHeads h;
  h.add("kpt_heatmap", H, W, 17, -10.f);
  h.add("center", H, W, 1, -10.f);
  h.add("kpt_regress", H, W, 34, 0.f);
  h.add("kpt_offset", H, W, 34, 0.f);
  h.add("box_scale", H, W, 2, 0.f);
  h.add("box_offset", H, W, 2, 0.f);
  return h;
}

// One person: centre cell (5, 8); box centre (5.5, 7.5) size 6x4 cells -> y 2.5..8.5,
// x 5.5..9.5; joint k regressed to cell (4 + k % 3, 7 + k % 2) where its heat peak (p = 0.9)
// sits, offset (+0.25, -0.25) cells.
SyntheticHeads multipose_heads() {
  SyntheticHeads h = empty_multipose_heads();
  add_centre(h, 5, 8, 0.8f, 6.f, 4.f);
  h.at("box_offset", 5, 8, 0) = 0.5f;
  h.at("box_offset", 5, 8, 1) = -0.5f;
  for (int k = 0; k < 17; ++k) {
    const int ry = 4 + k % 3, rx = 7 + k % 2;
    h.at("kpt_regress", 5, 8, 2 * k) = float(ry - 5);
    h.at("kpt_regress", 5, 8, 2 * k + 1) = float(rx - 8);
    h.at("kpt_heatmap", ry, rx, k) = logit(0.9f);
    h.at("kpt_offset", ry, rx, 2 * k) = 0.25f;
    h.at("kpt_offset", ry, rx, 2 * k + 1) = -0.25f;
  }
  return h;
}

DecoderConfig config(DecoderKind kind) {
  DecoderConfig c;
  c.kind = kind;
  c.output_stride = 4;
  c.max_objects = 6;
  c.nms_iou = 0.f;
  return c;
}

TEST(MoveNetMultiPose, DecodesOnePersonInFramePixelsUnderStretch) {
  const SyntheticHeads h = multipose_heads();
  const auto dec = dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose), h.names());
  // Frame 128x96 stretched to the 64x48 model: frame = 2 * model = 8 * cell.
  const auto g = FrameGeometry::make(128, 96, 64, 48, ResizeKind::Stretch);
  const auto people = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(people.size(), 1u);
  const auto& p = people[0];
  EXPECT_EQ(p.label, "person");
  EXPECT_NEAR(p.confidence, 0.8f * 0.9f, 1e-5f);  // centre score * mean joint score
  EXPECT_NEAR(p.y_min, 2.5f * 8, 1e-4f);
  EXPECT_NEAR(p.y_max, 8.5f * 8, 1e-4f);
  EXPECT_NEAR(p.x_min, 5.5f * 8, 1e-4f);
  EXPECT_NEAR(p.x_max, 9.5f * 8, 1e-4f);
  ASSERT_EQ(p.keypoints.size(), 17u);
  for (int k = 0; k < 17; ++k) {
    EXPECT_NEAR(p.keypoints[k].y, (4 + k % 3 + 0.25f) * 8, 1e-4f) << k;
    EXPECT_NEAR(p.keypoints[k].x, (7 + k % 2 - 0.25f) * 8, 1e-4f) << k;
    EXPECT_NEAR(p.keypoints[k].score, 0.9f, 1e-5f) << k;
  }
  EXPECT_EQ(dec->info().task, dcnn::Task::Pose);
  EXPECT_EQ(dec->info().keypoint_names.size(), 17u);
  EXPECT_EQ(dec->info().keypoint_names[9], "left_wrist");
}

// The heads it names as cell heads may come without data (computed at the cells it asks for,
// as the engine's delta frames give them): the same poses, and only a few cells are asked. The
// heatmap is asked for in one batch, the cells of the boxes of the people who can reach the
// threshold, and read nowhere else.
TEST(MoveNetMultiPose, ReadsItsCellHeadsAtAFewCellsOnly) {
  SyntheticHeads h = multipose_heads();
  // A second centre whose score (0.2) cannot reach the threshold 0.3, with a box of its own:
  // its joints are never searched, so its box's heatmap cells are never asked for.
  add_centre(h, 9, 2, 0.2f, 4.f, 4.f);
  const auto dec = dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose), h.names());
  const std::vector<std::string> cell_heads = dec->cell_heads();
  EXPECT_EQ(cell_heads.size(), 5u);
  std::vector<dcnn::HeadView> views = h.views();
  std::map<std::string, int> asked;
  std::set<int64_t> batched;  // heatmap cells asked for through need()
  int batches = 0, read_outside_batch = 0;
  for (auto& v : views) {
    if (std::find(cell_heads.begin(), cell_heads.end(), v.name) == cell_heads.end()) continue;
    const float* data = v.data;
    v.data = nullptr;
    const bool heatmap = v.name == "kpt_heatmap";
    v.at = [&, data, heatmap, c = v.shape.c, &n = asked[v.name]](int64_t cell) {
      ++n;
      if (heatmap && !batched.count(cell)) ++read_outside_batch;
      return data + cell * c;
    };
    if (heatmap)
      v.prefetch = [&](const int32_t* cells, int n) {
        ++batches;
        batched.insert(cells, cells + n);
      };
  }
  const auto g = FrameGeometry::make(128, 96, 64, 48, ResizeKind::Stretch);
  const auto want = dec->decode(h.views(), g, 0.3f);
  const auto got = dec->decode(views, g, 0.3f);
  ASSERT_EQ(got.size(), want.size());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].confidence, want[0].confidence);
  for (int k = 0; k < 17; ++k) {
    EXPECT_EQ(got[0].keypoints[k].x, want[0].keypoints[k].x) << k;
    EXPECT_EQ(got[0].keypoints[k].y, want[0].keypoints[k].y) << k;
    EXPECT_EQ(got[0].keypoints[k].score, want[0].keypoints[k].score) << k;
  }
  // Six centres (box and regression), 6 x 17 chosen joint cells (offsets): of 12 x 16 cells.
  EXPECT_LE(asked["box_scale"], 6);
  EXPECT_LE(asked["kpt_regress"], 6);
  EXPECT_LE(asked["kpt_offset"], 6 * 17);
  // The heatmap: one batch, the first person's box (rows 3..8, columns 6..9 of the 12 x 16
  // grid: 24 cells), and no read outside it.
  EXPECT_EQ(batches, 1);
  EXPECT_EQ(batched.size(), 24u);
  for (const int64_t cell : batched) {
    EXPECT_GE(cell / W, 3) << cell;
    EXPECT_LE(cell / W, 8) << cell;
    EXPECT_GE(cell % W, 6) << cell;
    EXPECT_LE(cell % W, 9) << cell;
  }
  EXPECT_EQ(read_outside_batch, 0);
  // With the threshold at 0.1 the second person is searched too, and found.
  batched.clear();
  EXPECT_EQ(dec->decode(views, g, 0.1f).size(), dec->decode(h.views(), g, 0.1f).size());
  EXPECT_GT(batched.size(), 24u);
  // Any other head without data is refused: the decoder reads those whole.
  views = h.views();
  for (auto& v : views)
    if (v.name == "center") v.data = nullptr, v.at = [](int64_t) { return static_cast<const float*>(nullptr); };
  EXPECT_THROW(dec->decode(views, g, 0.3f), dcnn::Error);
}

TEST(MoveNetMultiPose, UndoesLetterbox) {
  const SyntheticHeads h = multipose_heads();
  const auto dec = dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose), h.names());
  // 128x64 frame letterboxed into 64x48: scale 0.5, content 64x32, 8 rows of padding on top.
  const auto g = FrameGeometry::make(128, 64, 64, 48, ResizeKind::Letterbox);
  ASSERT_FLOAT_EQ(g.pad_y, 8.f);
  const auto people = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(people.size(), 1u);
  // joint 0: cell (4.25, 6.75) -> model (17, 27) -> frame ((27-0)/0.5, (17-8)/0.5).
  EXPECT_NEAR(people[0].keypoints[0].x, 54.f, 1e-4f);
  EXPECT_NEAR(people[0].keypoints[0].y, 18.f, 1e-4f);
  // box top at cell 2.5 -> model 10 -> frame 4; bottom cell 8.5 -> model 34 -> frame 52.
  EXPECT_NEAR(people[0].y_min, 4.f, 1e-4f);
  EXPECT_NEAR(people[0].y_max, 52.f, 1e-4f);
}

TEST(MoveNetMultiPose, DistanceWeightingAndBoxMaskPickTheJoint) {
  SyntheticHeads h = multipose_heads();
  // A stronger joint-0 peak 3 cells from the regressed joint, inside the box: the distance
  // weight exp(-9 / (0.3 * 12)) = 0.08 makes it lose to the regressed one.
  h.at("kpt_heatmap", 7, 7, 0) = logit(0.99f);
  // An even stronger one right next to it but outside the box (x = 10 >= 9.5) is ignored.
  h.at("kpt_heatmap", 4, 10, 0) = logit(0.999f);
  const auto dec = dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose), h.names());
  const auto g = FrameGeometry::make(64, 48, 64, 48, ResizeKind::Stretch);
  const auto people = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_NEAR(people[0].keypoints[0].y, 4.25f * 4, 1e-4f);
  EXPECT_NEAR(people[0].keypoints[0].x, 6.75f * 4, 1e-4f);
  // Move the regressed joint next to the strong inside peak: now it wins, with its weighted
  // score (distance 0 -> weight 1).
  h.at("kpt_regress", 5, 8, 0) = 2.f;   // -> row 7
  h.at("kpt_regress", 5, 8, 1) = -1.f;  // -> column 7
  const auto moved = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(moved.size(), 1u);
  EXPECT_NEAR(moved[0].keypoints[0].y, 7.f * 4, 1e-4f);
  EXPECT_NEAR(moved[0].keypoints[0].x, 7.f * 4, 1e-4f);
  EXPECT_NEAR(moved[0].keypoints[0].score, 0.99f, 1e-5f);
}

TEST(MoveNetMultiPose, ThresholdAndMaxObjects) {
  SyntheticHeads h = multipose_heads();
  // A second, weaker person at centre (9, 2) with a box around it and joints on its centre.
  add_centre(h, 9, 2, 0.6f, 4.f, 4.f);
  for (int k = 0; k < 17; ++k) h.at("kpt_heatmap", 9, 2, k) = logit(0.7f);
  auto cfg = config(DecoderKind::MoveNetMultiPose);
  const auto g = FrameGeometry::make(64, 48, 64, 48, ResizeKind::Stretch);
  auto dec = dcnn::make_decoder(cfg, h.names());
  auto people = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(people.size(), 2u);
  EXPECT_NEAR(people[0].confidence, 0.72f, 1e-5f);
  EXPECT_NEAR(people[1].confidence, 0.6f * 0.7f, 1e-5f);
  EXPECT_NEAR(people[1].keypoints[3].x, 8.f, 1e-4f);
  EXPECT_NEAR(people[1].keypoints[3].y, 36.f, 1e-4f);
  EXPECT_EQ(dec->decode(h.views(), g, 0.5f).size(), 1u);  // score threshold
  EXPECT_EQ(dec->decode(h.views(), g, 0.8f).size(), 0u);
  cfg.max_objects = 1;
  dec = dcnn::make_decoder(cfg, h.names());
  people = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_NEAR(people[0].confidence, 0.72f, 1e-5f);
}

// A crowd of eight on a 3 x 4 grid of centres (NMS keeps all: 4 cells apart), person i at
// centre score 0.9 - 0.05 i, a 2 x 2 cell box and its joints regressed onto its centre cell,
// where each joint's heat is 0.7.
SyntheticHeads crowd_heads() {
  SyntheticHeads h = empty_multipose_heads();
  for (int i = 0; i < 8; ++i) {
    const int y = 1 + 4 * (i / 4) + 1, x = 1 + 4 * (i % 4) + 1;
    add_centre(h, y, x, 0.9f - 0.05f * float(i), 2.f, 2.f);
    for (int k = 0; k < 17; ++k) h.at("kpt_heatmap", y, x, k) = logit(0.7f);
  }
  return h;
}

TEST(MoveNetMultiPose, MaxObjectsAboveSixDecodesMoreCentresAndKeepsTheGraphsSix) {
  SyntheticHeads h = crowd_heads();
  const auto g = FrameGeometry::make(64, 48, 64, 48, ResizeKind::Stretch);
  auto cfg = config(DecoderKind::MoveNetMultiPose);  // max_objects 6: the graph's top-6
  const auto six = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.3f);
  ASSERT_EQ(six.size(), 6u);
  cfg.max_objects = 10;
  const auto all = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.3f);
  ASSERT_EQ(all.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_NEAR(all[i].confidence, (0.9f - 0.05f * float(i)) * 0.7f, 1e-5f) << i;

  // The seventh person's joints regressed onto person 0's centre cell, its box grown over it:
  // in a max over all people its weight there (1) would lift person 0's joint scores, whose
  // own joints are regressed one cell off (weight exp(-1 / (0.3 * 12)) = 0.757). The first
  // six are the graph's: their scores do not change when more centres are decoded.
  h.at("box_scale", 6, 10, 0) = 12.f;
  h.at("box_scale", 6, 10, 1) = 20.f;
  for (int k = 0; k < 17; ++k) {
    h.at("kpt_regress", 6, 10, 2 * k) = -4.f;      // -> row 2
    h.at("kpt_regress", 6, 10, 2 * k + 1) = -8.f;  // -> column 2
    h.at("kpt_regress", 2, 2, 2 * k) = 1.f;        // person 0's joints: row 3, one cell off
  }
  cfg.max_objects = 6;
  const auto graph = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.3f);
  cfg.max_objects = 10;
  const auto more = dcnn::make_decoder(cfg, h.names())->decode(h.views(), g, 0.3f);
  ASSERT_EQ(graph.size(), 6u);
  ASSERT_EQ(more.size(), 8u);
  // The same person in `more`: the one whose box has the same corners.
  auto same_box = [&](const dcnn::Detection& p) -> const dcnn::Detection* {
    for (const auto& q : more)
      if (q.x_min == p.x_min && q.y_min == p.y_min && q.x_max == p.x_max && q.y_max == p.y_max) return &q;
    return nullptr;
  };
  bool saw_person_0 = false;
  for (const auto& p : graph) {
    const dcnn::Detection* q = same_box(p);
    ASSERT_NE(q, nullptr) << "a graph person is missing with more centres";
    EXPECT_EQ(q->confidence, p.confidence);
    for (int k = 0; k < 17; ++k) EXPECT_EQ(q->keypoints[k].score, p.keypoints[k].score) << k;
    if (p.x_min == 4.f && p.y_min == 4.f) {
      saw_person_0 = true;
      EXPECT_NEAR(p.confidence, 0.9f * 0.7f * std::exp(-1.f / (0.300048828125f * 12.f)), 1e-4f);
    }
  }
  EXPECT_TRUE(saw_person_0);
}

TEST(MoveNetMultiPose, CentreNmsKeepsOnePeakPer5x5Window) {
  SyntheticHeads h = multipose_heads();
  // A slightly weaker centre two cells away is inside the 5x5 window: suppressed.
  add_centre(h, 5, 10, 0.79f, 6.f, 4.f);
  const auto dec = dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose), h.names());
  const auto g = FrameGeometry::make(64, 48, 64, 48, ResizeKind::Stretch);
  EXPECT_EQ(dec->decode(h.views(), g, 0.3f).size(), 1u);
  // Three cells away it is its own local maximum and becomes a second person.
  h.at("center", 5, 10, 0) = -10.f;
  add_centre(h, 5, 11, 0.79f, 6.f, 4.f);
  for (int k = 0; k < 17; ++k) h.at("kpt_heatmap", 5, 11, k) = logit(0.7f);
  EXPECT_EQ(dec->decode(h.views(), g, 0.3f).size(), 2u);
}

TEST(MoveNetMultiPose, MissingHeadIsAModelErrorListingTheHeads) {
  try {
    dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose),
                       {"kpt_heatmap", "center", "kpt_regress", "kpt_offset", "box_scale"});
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_EQ(e.kind(), dcnn::ErrorKind::Model);
    const std::string m = e.what();
    EXPECT_NE(m.find("no output 'box_offset'"), std::string::npos) << m;
    EXPECT_NE(m.find("[kpt_heatmap, center, kpt_regress, kpt_offset, box_scale]"), std::string::npos) << m;
  }
  // A head with the wrong channel count is caught at decode time with its shape.
  SyntheticHeads h = multipose_heads();
  auto views = h.views();
  for (auto& v : views)
    if (v.name == "kpt_offset") v.shape.c = 17;
  const auto dec = dcnn::make_decoder(config(DecoderKind::MoveNetMultiPose), h.names());
  try {
    dec->decode(views, FrameGeometry::make(64, 48, 64, 48, ResizeKind::Stretch), 0.3f);
    FAIL() << "no error";
  } catch (const dcnn::Error& e) {
    EXPECT_NE(std::string(e.what()).find("head 'kpt_offset' has shape 12x16x17"), std::string::npos) << e.what();
  }
}

// SinglePose: 12x12 grid of a 48x48 model. Person centre (4, 7); joint k regressed to
// (2 + k % 5, 5 + k % 4) with its heat peak (0.8) there and offset (0.5, 0.25).
TEST(MoveNetSinglePose, DecodesTheCentralPerson) {
  SyntheticHeads h;
  h.add("kpt_heatmap", 12, 12, 17, -10.f);
  h.add("center", 12, 12, 1, -10.f);
  h.add("kpt_regress", 12, 12, 34, 0.f);
  h.add("kpt_offset", 12, 12, 34, 0.f);
  h.at("center", 4, 7, 0) = logit(0.95f);
  // A more confident person in the corner loses: 0.99 / (8.5 + 1.8) < 0.95 / (2.2 + 1.8).
  h.at("center", 0, 0, 0) = logit(0.99f);
  for (int k = 0; k < 17; ++k) {
    const int ry = 2 + k % 5, rx = 5 + k % 4;
    h.at("kpt_regress", 4, 7, 2 * k) = float(ry - 4);
    h.at("kpt_regress", 4, 7, 2 * k + 1) = float(rx - 7);
    h.at("kpt_heatmap", ry, rx, k) = logit(0.8f);
    h.at("kpt_offset", ry, rx, 2 * k) = 0.5f;
    h.at("kpt_offset", ry, rx, 2 * k + 1) = 0.25f;
  }
  auto cfg = config(DecoderKind::MoveNetSinglePose);
  const auto dec = dcnn::make_decoder(cfg, h.names());
  // 96x48 frame stretched to 48x48: x doubles, y stays.
  const auto g = FrameGeometry::make(96, 48, 48, 48, ResizeKind::Stretch);
  const auto people = dec->decode(h.views(), g, 0.3f);
  ASSERT_EQ(people.size(), 1u);
  EXPECT_NEAR(people[0].confidence, 0.8f, 1e-5f);
  float x_min = 1e9f, x_max = -1e9f;
  for (int k = 0; k < 17; ++k) {
    const float x = (5 + k % 4 + 0.25f) * 4 * 2, y = (2 + k % 5 + 0.5f) * 4;
    EXPECT_NEAR(people[0].keypoints[k].x, x, 1e-4f) << k;
    EXPECT_NEAR(people[0].keypoints[k].y, y, 1e-4f) << k;
    EXPECT_NEAR(people[0].keypoints[k].score, 0.8f, 1e-5f) << k;
    x_min = std::min(x_min, x), x_max = std::max(x_max, x);
  }
  EXPECT_NEAR(people[0].x_min, x_min, 1e-4f);
  EXPECT_NEAR(people[0].x_max, x_max, 1e-4f);
  EXPECT_TRUE(dec->decode(h.views(), g, 0.85f).empty());
}

}  // namespace
