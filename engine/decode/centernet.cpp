// CenterNet (MB3-CenterNet) detection, as the TF.js graph decodes its heads:
//   class heatmap `keypoints` (sigmoid already applied in-graph) -> 3x3 max-pool NMS -> top-K
//   over all (cell, class) -> box = stride * (x, y) -/+ wh, with wh = (left, top, right,
//   bottom) distances in model pixels. Then score threshold, optional per-class IoU NMS, frame
//   pixels through the geometry.
#include "engine/decode/coco.h"
#include "engine/decode/decode_util.h"
#include "engine/decode/decoders.h"

namespace dcnn {
namespace {

constexpr int kPeakRadius = 1;  // 3x3 max pool

class CenterNetDecoder final : public Decoder {
 public:
  explicit CenterNetDecoder(const DecoderConfig& config) : config_(config) {
    info_.task = Task::Detection;
    info_.labels = config.labels.empty() ? coco_labels() : config.labels;
  }

  const ModelInfo& info() const override { return info_; }

  std::vector<Detection> decode(const std::vector<HeadView>& heads, const FrameGeometry& geometry,
                                float score_threshold) const override {
    const HeadView& classes = find_head(heads, "keypoints", -1);
    const HeadView& wh = find_head(heads, "wh", 4);
    check_same_grid(wh, classes);
    const float stride = float(config_.output_stride);
    const std::vector<Peak> peaks = top_k_peaks(classes.data, classes.shape, kPeakRadius,
                                                score_threshold, config_.max_objects);
    std::vector<Detection> out;
    for (const Peak& p : peaks) {
      const float* d = wh.data + (int64_t(p.y) * wh.shape.w + p.x) * 4;
      const float cx = float(p.x) * stride, cy = float(p.y) * stride;
      Detection det;
      det.label_id = p.c;
      det.label = p.c < int(info_.labels.size()) ? info_.labels[p.c] : "class_" + std::to_string(p.c);
      det.confidence = p.score;
      det.x_min = frame_x(geometry, cx - d[0]);
      det.y_min = frame_y(geometry, cy - d[1]);
      det.x_max = frame_x(geometry, cx + d[2]);
      det.y_max = frame_y(geometry, cy + d[3]);
      out.push_back(std::move(det));
    }
    nms_per_label(out, config_.nms_iou);
    keep_best(out, config_.max_objects);
    return out;
  }

 private:
  DecoderConfig config_;
  ModelInfo info_;
};

}  // namespace

std::unique_ptr<Decoder> make_centernet_decoder(const DecoderConfig& config) {
  return std::make_unique<CenterNetDecoder>(config);
}

}  // namespace dcnn
