// delta.layer_thresholds entries that a fused unit of the recompute form never reads. A unit
// (an expanded tensor computed inside its depthwise conv, a whole inverted-residual block, a
// projection that fires its residual sum) stores and fire-tests one tensor only, with the
// threshold of the node that writes it; the nodes computed inside it have no fire test of their
// own. Their entries still matter to the propagate form and the CUDA backend, which test every
// node, so one YAML serves all three: an entry equal to its unit's threshold is what such a file
// holds (the shipped MultiPose config sets a block's nodes alike) and is not worth a word, while
// a different one is a tuning that silently does nothing here, which the user is told.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace dcnn {

// names[k]: node k's name. governing[k]: the node whose threshold node k's unit fires with (k
// itself where node k fires its own output). eps[k]: that node's threshold before scaling (the
// entry, or the default). One message per entry that differs from its unit's threshold, naming
// the entry, its value, the node that governs it and that node's threshold.
std::vector<std::string> inert_threshold_warnings(const std::vector<std::string>& names,
                                                  const std::vector<int>& governing,
                                                  const std::vector<float>& eps,
                                                  const std::map<std::string, float>& layer_thresholds);

}  // namespace dcnn
