#include "engine/decode/greedy_match.h"

#include <algorithm>

namespace dcnn {

std::vector<std::pair<size_t, size_t>> greedy_match(std::vector<ScoredPair> pairs,
                                                    size_t n_current, size_t n_previous) {
  std::sort(pairs.begin(), pairs.end(), [](const ScoredPair& a, const ScoredPair& b) {
    if (a.score != b.score) return a.score > b.score;
    return std::make_pair(a.current, a.previous) < std::make_pair(b.current, b.previous);
  });
  std::vector<bool> used_current(n_current, false), used_previous(n_previous, false);
  std::vector<std::pair<size_t, size_t>> links;
  for (const ScoredPair& p : pairs) {
    if (used_current[p.current] || used_previous[p.previous]) continue;
    used_current[p.current] = used_previous[p.previous] = true;
    links.emplace_back(p.current, p.previous);
  }
  return links;
}

}  // namespace dcnn
