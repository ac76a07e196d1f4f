// Picks the decoder for the config and checks, before the first frame, that the model has
// every head that decoder reads.
#include <algorithm>

#include "engine/core/error.h"
#include "engine/decode/coco.h"
#include "engine/decode/decoders.h"

namespace dcnn {
namespace {

std::vector<std::string> required_heads(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::MoveNetMultiPose:
      return {"kpt_heatmap", "center", "kpt_regress", "kpt_offset", "box_scale", "box_offset"};
    case DecoderKind::MoveNetSinglePose:
      return {"kpt_heatmap", "center", "kpt_regress", "kpt_offset"};
    case DecoderKind::PoseNet:
      return {"heatmap", "offset", "displacement_fwd", "displacement_bwd"};
    case DecoderKind::CenterNet:
      return {"keypoints", "wh"};
  }
  return {};
}

}  // namespace

const char* decoder_name(DecoderKind kind) {
  switch (kind) {
    case DecoderKind::MoveNetMultiPose: return "movenet_multipose";
    case DecoderKind::MoveNetSinglePose: return "movenet_singlepose";
    case DecoderKind::PoseNet: return "posenet";
    case DecoderKind::CenterNet: return "centernet";
  }
  return "?";
}

ModelInfo pose_model_info(const DecoderConfig& config) {
  ModelInfo info;
  info.task = Task::Pose;
  info.labels = config.labels.empty() ? std::vector<std::string>{"person"} : config.labels;
  info.keypoint_names = coco_keypoint_names();
  info.skeleton = coco_skeleton();
  return info;
}

std::unique_ptr<Decoder> make_decoder(const DecoderConfig& config,
                                      const std::vector<std::string>& available_heads) {
  for (const std::string& head : required_heads(config.kind)) {
    if (std::find(available_heads.begin(), available_heads.end(), head) != available_heads.end())
      continue;
    std::string names;
    for (const auto& h : available_heads) names += (names.empty() ? "" : ", ") + h;
    throw Error(ErrorKind::Model, std::string("decoder ") + decoder_name(config.kind) +
                                      ": the model has no output '" + head + "' (outputs: [" +
                                      names + "]); expected the heads of a " +
                                      decoder_name(config.kind) +
                                      " model as written by tools/tfjs2onnx.py");
  }
  std::unique_ptr<Decoder> decoder;
  switch (config.kind) {
    case DecoderKind::MoveNetMultiPose: decoder = make_movenet_multipose_decoder(config); break;
    case DecoderKind::MoveNetSinglePose: decoder = make_movenet_singlepose_decoder(config); break;
    case DecoderKind::PoseNet: decoder = make_posenet_decoder(config); break;
    case DecoderKind::CenterNet: decoder = make_centernet_decoder(config); break;
  }
  return decoder;
}

}  // namespace dcnn
