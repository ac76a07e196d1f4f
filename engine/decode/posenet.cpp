// PoseNet multi-person decoding (the public PoseNet algorithm):
//   1. candidate roots: every (cell, part) whose sigmoid(heatmap) score is >= the score
//      threshold and a local maximum in its 3x3 neighbourhood, strongest first;
//   2. a root too close (nms radius) to the same part of an accepted pose is skipped;
//   3. otherwise the pose grows along the 16-edge part tree: backwards (child -> parent) with
//      displacement_bwd, then forwards (parent -> child) with displacement_fwd, each hop
//      refined twice with the target part's offsets;
//   4. pose score = mean over the 17 parts of the scores of parts not within the nms radius
//      of the same part of an earlier pose.
// Positions: cell * output_stride + offset, in model-input pixels. Offsets hold 17 y then 17 x
// channels; displacements 16 y then 16 x.
#include <algorithm>
#include <cmath>

#include "engine/decode/coco.h"
#include "engine/decode/decode_util.h"
#include "engine/decode/decoders.h"

namespace dcnn {
namespace {

constexpr int kEdges = 16;
// (parent, child) part ids of the tree rooted at the nose.
constexpr int kTree[kEdges][2] = {{0, 1},  {1, 3},   {0, 2},   {2, 4},   {0, 5},   {5, 7},
                                  {7, 9},  {5, 11},  {11, 13}, {13, 15}, {0, 6},   {6, 8},
                                  {8, 10}, {6, 12},  {12, 14}, {14, 16}};
constexpr int kLocalMaxRadius = 1;
constexpr int kRefineSteps = 2;
// Keypoint-distance NMS radius in model pixels at nms_iou = 0.5 (PoseNet's customary 20 px);
// it scales linearly with nms_iou so the config's single NMS knob also tunes PoseNet.
constexpr float kNmsRadiusAtHalf = 20.f;

struct Point {
  float y = 0.f, x = 0.f;
};
struct Part {
  bool set = false;
  Point pos;
  float score = 0.f;
};

class PoseNetDecoder final : public Decoder {
 public:
  explicit PoseNetDecoder(const DecoderConfig& config)
      : config_(config), info_(pose_model_info(config)) {}

  const ModelInfo& info() const override { return info_; }

  std::vector<Detection> decode(const std::vector<HeadView>& heads, const FrameGeometry& geometry,
                                float score_threshold) const override {
    const HeadView& heat = find_head(heads, "heatmap", kCocoKeypoints);
    const HeadView& offset = find_head(heads, "offset", 2 * kCocoKeypoints);
    const HeadView& fwd = find_head(heads, "displacement_fwd", 2 * kEdges);
    const HeadView& bwd = find_head(heads, "displacement_bwd", 2 * kEdges);
    for (const HeadView* h : {&offset, &fwd, &bwd}) check_same_grid(*h, heat);
    const int H = heat.shape.h, W = heat.shape.w;
    const float stride = float(config_.output_stride);
    const float radius = kNmsRadiusAtHalf * config_.nms_iou / 0.5f;
    const float radius2 = radius * radius;

    auto score_at = [&](int y, int x, int k) {
      return sigmoid(heat.data[(int64_t(y) * W + x) * kCocoKeypoints + k]);
    };
    auto offset_at = [&](int y, int x, int k) {
      const float* o = offset.data + (int64_t(y) * W + x) * offset.shape.c;
      return Point{o[k], o[k + kCocoKeypoints]};
    };
    auto nearest_cell = [&](Point p, int& y, int& x) {
      y = std::clamp(int(std::lround(p.y / stride)), 0, H - 1);
      x = std::clamp(int(std::lround(p.x / stride)), 0, W - 1);
    };
    auto follow = [&](int edge, const Part& source, int target, const HeadView& disp) {
      int y, x;
      nearest_cell(source.pos, y, x);
      const float* d = disp.data + (int64_t(y) * W + x) * disp.shape.c;
      Point p{source.pos.y + d[edge], source.pos.x + d[edge + kEdges]};
      for (int step = 0; step < kRefineSteps; ++step) {
        nearest_cell(p, y, x);
        const Point o = offset_at(y, x, target);
        p = {float(y) * stride + o.y, float(x) * stride + o.x};
      }
      nearest_cell(p, y, x);
      return Part{true, p, score_at(y, x, target)};
    };

    std::vector<Peak> roots = top_k_peaks(heat.data, heat.shape, kLocalMaxRadius, score_threshold,
                                          H * W * kCocoKeypoints, sigmoid);
    std::vector<std::vector<Part>> poses;
    std::vector<float> pose_scores;
    auto near_existing = [&](const Point& p, int k) {
      for (const auto& pose : poses) {
        const float dy = pose[k].pos.y - p.y, dx = pose[k].pos.x - p.x;
        if (dy * dy + dx * dx <= radius2) return true;
      }
      return false;
    };
    for (const Peak& root : roots) {
      if (int(poses.size()) >= config_.max_objects) break;
      const Point o = offset_at(root.y, root.x, root.c);
      const Point root_pos{float(root.y) * stride + o.y, float(root.x) * stride + o.x};
      if (radius > 0.f && near_existing(root_pos, root.c)) continue;
      std::vector<Part> parts(kCocoKeypoints);
      parts[root.c] = {true, root_pos, root.score};
      for (int e = kEdges - 1; e >= 0; --e) {
        const int parent = kTree[e][0], child = kTree[e][1];
        if (parts[child].set && !parts[parent].set) parts[parent] = follow(e, parts[child], parent, bwd);
      }
      for (int e = 0; e < kEdges; ++e) {
        const int parent = kTree[e][0], child = kTree[e][1];
        if (parts[parent].set && !parts[child].set) parts[child] = follow(e, parts[parent], child, fwd);
      }
      float sum = 0.f;
      for (int k = 0; k < kCocoKeypoints; ++k)
        if (radius <= 0.f || !near_existing(parts[k].pos, k)) sum += parts[k].score;
      poses.push_back(std::move(parts));
      pose_scores.push_back(sum / float(kCocoKeypoints));
    }

    std::vector<Detection> out;
    for (size_t i = 0; i < poses.size(); ++i) {
      if (pose_scores[i] < score_threshold) continue;
      Detection d;
      d.label_id = 0;
      d.label = info_.labels.empty() ? "person" : info_.labels[0];
      d.confidence = pose_scores[i];
      for (const Part& p : poses[i])
        d.keypoints.push_back({frame_x(geometry, p.pos.x), frame_y(geometry, p.pos.y), p.score});
      box_from_keypoints(d, config_.keypoint_threshold);
      out.push_back(std::move(d));
    }
    keep_best(out, config_.max_objects);
    return out;
  }

 private:
  DecoderConfig config_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Decoder> make_posenet_decoder(const DecoderConfig& config) {
  return std::make_unique<PoseNetDecoder>(config);
}

}  // namespace dcnn
