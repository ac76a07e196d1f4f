// Greedy one-to-one matching of scored pairs, best first: what IdAssigner and the tracker
// (engine/track) use to link this frame's objects to earlier ones. Greedy instead of optimal
// (Hungarian) because a static camera's few objects rarely compete, and greedy is easy to reason
// about: the most similar pair always links.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace dcnn {

struct ScoredPair {
  float score = 0.f;  // higher is more similar
  size_t current = 0;   // index in this frame's list
  size_t previous = 0;  // index in the earlier list
};

// Takes pairs in any order; returns (current, previous) links, each index used once. Highest
// score first, ties broken by (current, previous) ascending so the result is deterministic.
std::vector<std::pair<size_t, size_t>> greedy_match(std::vector<ScoredPair> pairs,
                                                    size_t n_current, size_t n_previous);

}  // namespace dcnn
