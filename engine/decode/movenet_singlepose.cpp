// MoveNet SinglePose (Lightning/Thunder), ported from the post-processing in the TF.js graph:
//   1. the person: argmax of sigmoid(center) / (distance to the grid centre + 1.8), so the
//      most central confident person wins;
//   2. joints regressed as centre + kpt_regress;
//   3. per joint: argmax of sigmoid(heatmap) / (distance to the regressed joint + 1.8);
//      score = sigmoid(heatmap) there; position = cell + kpt_offset.
// The person's score is the mean joint score; its box is the extent of its confident joints.
#include <cmath>

#include "engine/decode/coco.h"
#include "engine/decode/decode_util.h"
#include "engine/decode/decoders.h"

namespace dcnn {
namespace {

constexpr float kDistanceBias = 1.7998046875f;  // fp16 constant of the graph

class MoveNetSinglePoseDecoder final : public Decoder {
 public:
  explicit MoveNetSinglePoseDecoder(const DecoderConfig& config)
      : config_(config), info_(pose_model_info(config)) {}

  const ModelInfo& info() const override { return info_; }

  std::vector<Detection> decode(const std::vector<HeadView>& heads, const FrameGeometry& geometry,
                                float score_threshold) const override {
    const HeadView& heat = find_head(heads, "kpt_heatmap", kCocoKeypoints);
    const HeadView& center = find_head(heads, "center", 1);
    const HeadView& regress = find_head(heads, "kpt_regress", 2 * kCocoKeypoints);
    const HeadView& offset = find_head(heads, "kpt_offset", 2 * kCocoKeypoints);
    for (const HeadView* h : {&center, &regress, &offset}) check_same_grid(*h, heat);
    const int H = heat.shape.h, W = heat.shape.w;
    const float stride = float(config_.output_stride);

    // 1. Most central person. The graph weighs against the cell (H/2, W/2).
    const float mid_y = float(H / 2), mid_x = float(W / 2);
    int cy = 0, cx = 0;
    float best = -1.f;
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        const float d = std::hypot(float(y) - mid_y, float(x) - mid_x);
        const float v = sigmoid(center.data[int64_t(y) * W + x]) / (d + kDistanceBias);
        if (v > best) best = v, cy = y, cx = x;
      }

    Detection pose;
    pose.label_id = 0;
    pose.label = info_.labels.empty() ? "person" : info_.labels[0];
    pose.keypoints.resize(kCocoKeypoints);
    const float* reg = regress.data + (int64_t(cy) * W + cx) * regress.shape.c;
    float score_sum = 0.f;
    for (int k = 0; k < kCocoKeypoints; ++k) {
      const float ry = float(cy) + reg[2 * k], rx = float(cx) + reg[2 * k + 1];
      int ky = 0, kx = 0;
      float kbest = -1.f;
      for (int y = 0; y < H; ++y)
        for (int x = 0; x < W; ++x) {
          const float d = std::hypot(float(y) - ry, float(x) - rx);
          const float v = sigmoid(heat.data[(int64_t(y) * W + x) * kCocoKeypoints + k]) /
                          (d + kDistanceBias);
          if (v > kbest) kbest = v, ky = y, kx = x;
        }
      const int64_t cell = int64_t(ky) * W + kx;
      const float score = sigmoid(heat.data[cell * kCocoKeypoints + k]);
      const float* off = offset.data + cell * offset.shape.c;
      pose.keypoints[k] = {frame_x(geometry, (float(kx) + off[2 * k + 1]) * stride),
                           frame_y(geometry, (float(ky) + off[2 * k]) * stride), score};
      score_sum += score;
    }
    pose.confidence = score_sum / float(kCocoKeypoints);
    if (pose.confidence < score_threshold) return {};
    box_from_keypoints(pose, config_.keypoint_threshold);
    return {pose};
  }

 private:
  DecoderConfig config_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Decoder> make_movenet_singlepose_decoder(const DecoderConfig& config) {
  return std::make_unique<MoveNetSinglePoseDecoder>(config);
}

}  // namespace dcnn
