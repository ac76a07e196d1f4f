// The parts of a deployment file that Model::load builds into a model (the ONNX file, the
// input size and pre-processing, the decoder), as against what each stream of a model sets for
// itself (delta thresholds, score threshold, tracker, zones, stabilize). Streams that share one
// loaded model (the element's model-instance-id) must agree on the former: a stream configured
// for 768x576 would otherwise run silently at another element's 384x288.
#pragma once

#include <string>

#include "engine/config/config.h"

namespace dcnn {

// "" when `a` and `b` build the same model; else the first key that differs with both values,
// e.g. "input.width 768 against 384" or "decoder.max_objects 10 against 1".
std::string model_settings_difference(const DeploymentConfig& a, const DeploymentConfig& b);

}  // namespace dcnn
