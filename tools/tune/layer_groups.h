// The per-layer knobs of a compiled model: the nodes that take a threshold (a nonlinear
// activation, or a linear output when truncate_linear is on), grouped by network stage so that
// the greedy refinement needs few trials.
#pragma once

#include <string>
#include <vector>

#include "engine/api/deltacnn.h"

namespace dcnn::tune {

struct LayerGroup {
  std::string key;                 // e.g. "model/block_3" or "MobilenetV3/expanded_conv_4"
  std::vector<std::string> nodes;  // engine node names (the keys of delta.layer_thresholds)
  double macs_share = 0.0;         // share of the model's MACs in the group's nodes
};

// Stage of a node name: its first two path components, cut after a "block_<n>" /
// "expanded_conv_<n>" stage name (so expand, depthwise and project of one block form one group).
// tunable_groups() puts a stage's squeeze-excite gate nodes (1x1 outputs) in a group of their own.
std::string stage_of(const std::string& node_name);

// Tunable nodes in execution order, grouped by stage (groups ordered by their first node).
std::vector<LayerGroup> tunable_groups(const Model& model, bool truncate_linear);

}  // namespace dcnn::tune
