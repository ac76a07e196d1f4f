// Constructors of the concrete decoders (one per file); make_decoder picks one by config.
#pragma once

#include <memory>

#include "engine/decode/decoder.h"

namespace dcnn {

std::unique_ptr<Decoder> make_movenet_multipose_decoder(const DecoderConfig& config);
std::unique_ptr<Decoder> make_movenet_singlepose_decoder(const DecoderConfig& config);
std::unique_ptr<Decoder> make_posenet_decoder(const DecoderConfig& config);
std::unique_ptr<Decoder> make_centernet_decoder(const DecoderConfig& config);

// ModelInfo for a person-pose decoder: label "person" (or the config's first label), COCO
// keypoint names and skeleton.
ModelInfo pose_model_info(const DecoderConfig& config);

}  // namespace dcnn
