// The per-layer knobs of a compiled model: the nodes that take a threshold (a nonlinear
// activation, or a linear output when truncate_linear is on), grouped by network stage so that
// the greedy refinement needs few trials.
#pragma once

#include <functional>
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

// Which node's threshold decides when a node fires (Executor::threshold_owner): the node itself
// unless the recompute form computes it inside a fused unit.
using ThresholdOwner = std::function<std::string(const std::string&)>;

// The owners in the fused units a stream of `model` with `settings` runs: an executor plans the
// units and is released before this returns (its delta state is not kept for the lookups).
ThresholdOwner fused_unit_owners(const Model& model, const DeltaSettings& settings);

// Tunable nodes in execution order, grouped by stage (groups ordered by their first node). With
// `owner`, a node whose threshold another node's decides joins that node's group (so that the
// unit's entries are tuned together and stay equal), and is left out when that node takes no
// threshold (a graph output): in the recompute form its entry would change nothing.
std::vector<LayerGroup> tunable_groups(const Model& model, bool truncate_linear,
                                       const ThresholdOwner& owner = {});

}  // namespace dcnn::tune
