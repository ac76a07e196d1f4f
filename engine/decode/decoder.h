// Decoders turn the model's dense head tensors into poses or boxes in *frame* pixels.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/api/results.h"
#include "engine/config/config.h"
#include "engine/core/image.h"
#include "engine/core/shape.h"

namespace dcnn {

// One dense head tensor, NHWC (N = 1), as the engine accumulated it. Head names are the ONNX
// graph output names the converter writes (see tools/tfjs2onnx.py):
//   MoveNet MultiPose: kpt_heatmap(17) center(1) kpt_regress(34) kpt_offset(34) box_scale(2) box_offset(2)
//   MoveNet SinglePose: kpt_heatmap(17) center(1) kpt_regress(34) kpt_offset(34)
//   PoseNet: heatmap(17) offset(34) displacement_fwd(32) displacement_bwd(32)
//   CenterNet: keypoints(80, sigmoid applied in-graph) wh(4)
// MoveNet heads are raw logits (the decoder applies sigmoid).
// A head the decoder reads at a few cells only (Decoder::cell_heads) may come without data and
// with `at` instead, which computes a cell's values on demand (Executor::output_at); cell()
// reads either way. need() announces many cells at once (a region the decoder will scan), so
// that they are computed in one batch rather than one by one; it does nothing for whole maps.
struct HeadView {
  std::string name;
  Shape shape;
  const float* data = nullptr;
  // Cell y * W + x -> its shape.c values, valid until the next frame.
  std::function<const float*(int64_t cell)> at;
  // Computes the listed cells (any order, repeats allowed) for later cell() reads; optional.
  std::function<void(const int32_t* cells, int n)> prefetch;
  const float* cell(int64_t c) const { return data ? data + c * shape.c : at(c); }
  void need(const int32_t* cells, int n) const {
    if (!data && prefetch) prefetch(cells, n);
  }
};

// Model-input pixels -> frame pixels: x_frame = (x_model - pad_x) / scale_x (same for y).
// Stretch: pad 0, scale = model/frame per axis. Letterbox: one scale, centred padding.
struct FrameGeometry {
  int frame_width = 0, frame_height = 0;
  int model_width = 0, model_height = 0;
  float scale_x = 1.f, scale_y = 1.f;
  float pad_x = 0.f, pad_y = 0.f;

  static FrameGeometry make(int frame_w, int frame_h, int model_w, int model_h, ResizeKind kind);
  float to_frame_x(float model_x) const { return (model_x - pad_x) / scale_x; }
  float to_frame_y(float model_y) const { return (model_y - pad_y) / scale_y; }
};

// Where a frame of frame_w x frame_h lands in the model input `input` describes (stretch: the
// whole input; letterbox: the content of FrameGeometry::make, centred), with the border value and
// channel order: what the CPU pre-processing fills and the CUDA executor is told.
FramePlacement frame_placement(const InputConfig& input, int frame_w, int frame_h);

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Objects with confidence >= score_threshold (the stream's, which defaults to the config's),
  // at most config.max_objects, in frame pixels, clipped to the frame, id = -1.
  virtual std::vector<Detection> decode(const std::vector<HeadView>& heads,
                                        const FrameGeometry& geometry,
                                        float score_threshold) const = 0;
  // Task, labels, keypoint names and skeleton (input size filled by the caller).
  virtual const ModelInfo& info() const = 0;
  // Heads this decoder reads at a few cells only (through HeadView::cell), which the engine may
  // then compute at those cells alone; the others must come whole.
  virtual std::vector<std::string> cell_heads() const { return {}; }
};

// The YAML's name of a decoder type (decoder.type), for messages.
const char* decoder_name(DecoderKind kind);

// Throws dcnn::Error(Model) naming the missing head and the heads the model has.
std::unique_ptr<Decoder> make_decoder(const DecoderConfig& config,
                                      const std::vector<std::string>& available_heads);

// Assigns stable ids across frames by greedy IoU matching with the previous frame's objects
// (same label, IoU >= min_iou); unmatched objects get fresh ids. One per stream.
class IdAssigner {
 public:
  explicit IdAssigner(float min_iou = 0.3f) : min_iou_(min_iou) {}
  void assign(std::vector<Detection>& objects);
  void reset();

 private:
  float min_iou_;
  int next_id_ = 0;
  std::vector<Detection> previous_;
};

}  // namespace dcnn
