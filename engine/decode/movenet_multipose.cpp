// MoveNet MultiPose: CenterNet-style keypoint decoding, ported from the post-processing the
// TF.js graph itself runs after its heads (so results match the model's `Identity` output):
//   1. person centres: sigmoid(center), 5x5 max-pool NMS, top-6;
//   2. per centre: box from box_offset +- box_scale/2 (clipped to the grid), joints regressed
//      as centre + kpt_regress;
//   3. per joint: argmax over the grid of sigmoid(heatmap) * exp(-d^2 / (0.3 * min(H, W))),
//      d = distance to the regressed joint, restricted to the person's box; + kpt_offset;
//   4. joint score = max over the 6 people of that weighted, box-masked heat at the chosen
//      cell; person score = centre score * mean of its joint scores above 0.127.
// Grid units times output_stride are model-input pixels.
#include <algorithm>
#include <cmath>

#include "engine/decode/coco.h"
#include "engine/decode/decode_util.h"
#include "engine/decode/decoders.h"

namespace dcnn {
namespace {

constexpr int kPeople = 6;               // the graph's top_k: fixed, joint scores depend on it
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
  // Read at the six centres and the joints' chosen cells: 6 + 6 * 17 cells of 144x192.
  std::vector<std::string> cell_heads() const override {
    return {"kpt_regress", "kpt_offset", "box_scale", "box_offset"};
  }

  std::vector<Detection> decode(const std::vector<HeadView>& heads, const FrameGeometry& geometry,
                                float score_threshold) const override {
    const HeadView& heat = find_head(heads, "kpt_heatmap", kCocoKeypoints);
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
    const std::vector<Peak> centers =
        top_k_peaks(center.data, center.shape, kCenterNmsRadius, 0.f, kPeople, sigmoid);
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
    // Weighted, box-masked heat of joint k of person p at grid cell (y, x).
    auto weighted = [&](const Person& p, int k, int y, int x) -> float {
      const float fy = float(y), fx = float(x);
      if (!(fy >= p.y_min && fy < p.y_max && fx >= p.x_min && fx < p.x_max)) return 0.f;
      const float dy = fy - p.reg_y[k], dx = fx - p.reg_x[k];
      const float h = sigmoid(heat.data[(int64_t(y) * W + x) * kCocoKeypoints + k]);
      return h * std::exp(-(dy * dy + dx * dx) * inv_spread);
    };

    std::vector<Detection> poses;
    for (const Person& p : people) {
      Detection pose;
      pose.label_id = 0;
      pose.label = info_.labels.empty() ? "person" : info_.labels[0];
      pose.keypoints.resize(kCocoKeypoints);
      float score_sum = 0.f;
      int score_count = 0;
      for (int k = 0; k < kCocoKeypoints; ++k) {
        // 3. argmax in raster order, first maximum wins (TF ArgMax). Cells outside the box
        // weigh 0, so only the box is scanned; cell 0 is the answer when nothing beats it.
        int best_y = 0, best_x = 0;
        float best = weighted(p, k, 0, 0);
        const int y0 = std::max(0, int(std::ceil(p.y_min)));
        const int x0 = std::max(0, int(std::ceil(p.x_min)));
        for (int y = y0; y < H && float(y) < p.y_max; ++y)
          for (int x = x0; x < W && float(x) < p.x_max; ++x) {
            const float v = weighted(p, k, y, x);
            if (v > best) best = v, best_y = y, best_x = x;
          }
        // 4. Joint score: the max over all people at that cell.
        float score = 0.f;
        for (const Person& q : people) score = std::max(score, weighted(q, k, best_y, best_x));
        const float* off = offset.cell(int64_t(best_y) * W + best_x);
        const float model_y = (float(best_y) + off[2 * k]) * stride;
        const float model_x = (float(best_x) + off[2 * k + 1]) * stride;
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
