// MoveNet MultiPose: CenterNet-style keypoint decoding, ported from the post-processing the
// TF.js graph itself runs after its heads (so results match the model's `Identity` output):
//   1. person centres: sigmoid(center), 5x5 max-pool NMS, top-6;
//   2. per centre: box from box_offset +- box_scale/2 (clipped to the grid), joints regressed
//      as centre + kpt_regress;
//   3. per joint: argmax over the grid of sigmoid(heatmap) * exp(-d^2 / (0.3 * min(H, W))),
//      d = distance to the regressed joint, restricted to the person's box; + kpt_offset;
//   4. joint score = max over the 6 people of that weighted, box-masked heat at the chosen
//      cell; person score = centre score * mean of its joint scores above 0.127.
// Beyond the graph: with decoder.max_objects above 6, more centres are decoded (top-N), each
// extra person in steps 2-4 like the first six, its joint scores the max over the graph's six
// and itself. The first six people stay exactly the graph's; a crowd's seventh person is no
// longer dropped by a 0.01 difference in centre score between two frames (or two streams).
// Grid units times output_stride are model-input pixels.
#include <algorithm>
#include <cmath>

#include "engine/decode/coco.h"
#include "engine/decode/decode_util.h"
#include "engine/decode/decoders.h"

namespace dcnn {
namespace {

constexpr int kPeople = 6;               // the graph's top_k: the joint scores' max runs over these
constexpr int kCenterNmsRadius = 2;      // 5x5 max pool
constexpr float kSpreadFactor = 0.300048828125f;  // fp16 constant of the graph
constexpr float kJointScoreFloor = 0.126953125f;  // joints counted in the person score

struct Person {
  int cy = 0, cx = 0;
  float center_score = 0.f;
  float y_min = 0.f, x_min = 0.f, y_max = 0.f, x_max = 0.f;  // grid units, clipped
  float reg_y[kCocoKeypoints] = {}, reg_x[kCocoKeypoints] = {};
};

class MoveNetMultiPoseDecoder final : public Decoder {
 public:
  explicit MoveNetMultiPoseDecoder(const DecoderConfig& config)
      : config_(config), info_(pose_model_info(config)) {}

  const ModelInfo& info() const override { return info_; }
  // Read at the six centres and the joints' chosen cells (6 + 6 * 17 cells of 144x192), and the
  // heatmap inside the boxes of the people who can reach the score threshold (about 900 cells
  // a frame on vtest: a thirtieth of the map).
  std::vector<std::string> cell_heads() const override {
    return {"kpt_regress", "kpt_offset", "box_scale", "box_offset", "kpt_heatmap"};
  }

  std::vector<Detection> decode(const std::vector<HeadView>& heads, const FrameGeometry& geometry,
                                float score_threshold) const override {
    const HeadView& heat = find_cell_head(heads, "kpt_heatmap", kCocoKeypoints);
    const HeadView& center = find_head(heads, "center", 1);
    const HeadView& regress = find_cell_head(heads, "kpt_regress", 2 * kCocoKeypoints);
    const HeadView& offset = find_cell_head(heads, "kpt_offset", 2 * kCocoKeypoints);
    const HeadView& box_scale = find_cell_head(heads, "box_scale", 2);
    const HeadView& box_offset = find_cell_head(heads, "box_offset", 2);
    for (const HeadView* h : {&center, &regress, &offset, &box_scale, &box_offset})
      check_same_grid(*h, heat);
    const int H = heat.shape.h, W = heat.shape.w;
    const float stride = float(config_.output_stride);

    // 1. Centres. Every top-6 centre takes part in the joint scores (step 4) even when its own
    // score is low, so the threshold is applied only at the end.
    const int wanted = std::max(kPeople, config_.max_objects);
    const std::vector<Peak> centers =
        top_k_peaks(center.data, center.shape, kCenterNmsRadius, 0.f, wanted, sigmoid);
    std::vector<Person> people(centers.size());
    for (size_t i = 0; i < centers.size(); ++i) {
      Person& p = people[i];
      p.cy = centers[i].y;
      p.cx = centers[i].x;
      p.center_score = centers[i].score;
      const int64_t cell = int64_t(p.cy) * W + p.cx;
      // 2. Box and regressed joints.
      const float* scale = box_scale.cell(cell);
      const float sy = std::max(scale[0], 0.f);
      const float sx = std::max(scale[1], 0.f);
      const float* box = box_offset.cell(cell);
      const float by = float(p.cy) + box[0];
      const float bx = float(p.cx) + box[1];
      p.y_min = std::clamp(by - 0.5f * sy, 0.f, float(H));
      p.x_min = std::clamp(bx - 0.5f * sx, 0.f, float(W));
      p.y_max = std::clamp(by + 0.5f * sy, 0.f, float(H));
      p.x_max = std::clamp(bx + 0.5f * sx, 0.f, float(W));
      const float* reg = regress.cell(cell);
      for (int k = 0; k < kCocoKeypoints; ++k) {
        p.reg_y[k] = float(p.cy) + reg[2 * k];
        p.reg_x[k] = float(p.cx) + reg[2 * k + 1];
      }
    }

    const float inv_spread = 1.f / (float(std::min(H, W)) * kSpreadFactor);
    auto in_box = [](const Person& p, int y, int x) {
      const float fy = float(y), fx = float(x);
      return fy >= p.y_min && fy < p.y_max && fx >= p.x_min && fx < p.x_max;
    };
    // Weighted, box-masked heat of joint k of person p at grid cell (y, x), from that cell's
    // heatmap values `h` (read only inside the box).
    auto weighted_from = [&](const Person& p, int k, int y, int x, const float* h) -> float {
      if (!in_box(p, y, x)) return 0.f;
      const float dy = float(y) - p.reg_y[k], dx = float(x) - p.reg_x[k];
      return sigmoid(h[k]) * std::exp(-(dy * dy + dx * dx) * inv_spread);
    };
    auto weighted = [&](const Person& p, int k, int y, int x) -> float {
      if (!in_box(p, y, x)) return 0.f;
      return weighted_from(p, k, y, x, heat.cell(int64_t(y) * W + x));
    };
    // f(y, x) for the cells of p's box, in raster order: the only cells where its weighted heat
    // is not 0 (what the heatmap batch asks for and what the argmax scans: one definition).
    auto for_each_box_cell = [&](const Person& p, auto&& f) {
      for (int y = std::max(0, int(std::ceil(p.y_min))); y < H && float(y) < p.y_max; ++y)
        for (int x = std::max(0, int(std::ceil(p.x_min))); x < W && float(x) < p.x_max; ++x) f(y, x);
    };
    // A person's score is its centre score times a mean of joint scores <= 1: below the
    // threshold already, it cannot be published, and its joints are never searched. Its box
    // still weighs in the joint scores of the others (step 4), at their chosen cells.
    auto can_pass = [&](const Person& p) { return !(p.center_score < score_threshold); };
    // A heatmap computed on demand (delta frames: HeadView::need) is computed in one batch, at
    // the cells of the boxes searched.
    if (!heat.data) {
      std::vector<int32_t> cells;
      for (const Person& p : people)
        if (can_pass(p)) for_each_box_cell(p, [&](int y, int x) { cells.push_back(int32_t(y * W + x)); });
      heat.need(cells.data(), int(cells.size()));
    }

    std::vector<Detection> poses;
    for (size_t pi = 0; pi < people.size(); ++pi) {
      const Person& p = people[pi];
      if (!can_pass(p)) continue;
      Detection pose;
      pose.label_id = 0;
      pose.label = info_.labels.empty() ? "person" : info_.labels[0];
      pose.keypoints.resize(kCocoKeypoints);
      float score_sum = 0.f;
      int score_count = 0;
      // 3. Per joint, argmax in raster order, first maximum wins (TF ArgMax). Cells outside the
      // box weigh 0, so only the box is scanned, each cell's values read once for all joints;
      // cell 0 is the answer when nothing beats it.
      float best[kCocoKeypoints];
      int best_y[kCocoKeypoints] = {}, best_x[kCocoKeypoints] = {};
      for (int k = 0; k < kCocoKeypoints; ++k) best[k] = weighted(p, k, 0, 0);
      for_each_box_cell(p, [&](int y, int x) {
        const float* h = heat.cell(int64_t(y) * W + x);
        for (int k = 0; k < kCocoKeypoints; ++k) {
          const float v = weighted_from(p, k, y, x, h);
          if (v > best[k]) best[k] = v, best_y[k] = y, best_x[k] = x;
        }
      });
      for (int k = 0; k < kCocoKeypoints; ++k) {
        // 4. Joint score: the max over the graph's six people (and p itself, when it is an
        // extra one) at that cell.
        float score = 0.f;
        for (size_t qi = 0; qi < people.size(); ++qi)
          if (qi < size_t(kPeople) || qi == pi) score = std::max(score, weighted(people[qi], k, best_y[k], best_x[k]));
        const float* off = offset.cell(int64_t(best_y[k]) * W + best_x[k]);
        const float model_y = (float(best_y[k]) + off[2 * k]) * stride;
        const float model_x = (float(best_x[k]) + off[2 * k + 1]) * stride;
        pose.keypoints[k] = {frame_x(geometry, model_x), frame_y(geometry, model_y), score};
        if (score > kJointScoreFloor) score_sum += score, ++score_count;
      }
      pose.confidence = p.center_score * score_sum / float(std::max(score_count, 1));
      if (pose.confidence < score_threshold) continue;
      pose.x_min = frame_x(geometry, p.x_min * stride);
      pose.y_min = frame_y(geometry, p.y_min * stride);
      pose.x_max = frame_x(geometry, p.x_max * stride);
      pose.y_max = frame_y(geometry, p.y_max * stride);
      poses.push_back(std::move(pose));
    }
    nms_per_label(poses, config_.nms_iou);
    keep_best(poses, config_.max_objects);
    return poses;
  }

 private:
  DecoderConfig config_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Decoder> make_movenet_multipose_decoder(const DecoderConfig& config) {
  return std::make_unique<MoveNetMultiPoseDecoder>(config);
}

}  // namespace dcnn
