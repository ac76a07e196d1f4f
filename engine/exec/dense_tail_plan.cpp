#include "engine/exec/dense_tail_plan.h"

#include <algorithm>
#include <numeric>

#include "engine/core/error.h"

namespace dcnn {

bool DenseTailNodes::produces(int tensor) const {
  return std::find(produced.begin(), produced.end(), tensor) != produced.end();
}

DenseTailNodes select_dense_tail(const ir::Graph& g, const std::vector<int64_t>& node_macs,
                                 float break_even) {
  if (node_macs.size() != g.nodes.size())
    throw Error(ErrorKind::Internal, "dense tail: " + std::to_string(node_macs.size()) +
                                         " MAC counts for a graph of " +
                                         std::to_string(g.nodes.size()) + " nodes");
  DenseTailNodes tail;
  const size_t n = g.nodes.size();
  tail.in_tail.assign(n, false);
  // break_even >= 1 can never be exceeded: the tail would only ever run in delta mode.
  if (!(break_even < 1.f) || n == 0) return tail;

  std::vector<std::vector<size_t>> consumers(g.tensors.size());
  for (size_t k = 0; k < n; ++k)
    for (int t : g.nodes[k].inputs) consumers[size_t(t)].push_back(k);
  std::vector<bool> is_output(g.tensors.size(), false);
  for (int id : g.outputs) is_output[size_t(id)] = true;

  const double total = double(std::accumulate(node_macs.begin(), node_macs.end(), int64_t{0}));
  const double budget = kDenseTailMaxMacShare * total;
  double macs = 0.0;
  // Reverse topological order: every consumer of a node is decided before the node.
  for (size_t k = n; k-- > 0;) {
    const ir::Node& node = g.nodes[k];
    const auto& users = consumers[size_t(node.output)];
    if (users.empty() && !is_output[size_t(node.output)]) continue;  // dead end
    if (node.inputs.size() != 1) continue;
    if (!std::all_of(users.begin(), users.end(), [&](size_t u) { return bool(tail.in_tail[u]); }))
      continue;
    if (macs + double(node_macs[k]) > budget) continue;
    macs += double(node_macs[k]);
    tail.in_tail[k] = true;
  }
  for (size_t k = 0; k < n; ++k) {
    if (!tail.in_tail[k]) continue;
    tail.nodes.push_back(k);
    tail.produced.push_back(g.nodes[k].output);
    for (int t : g.nodes[k].inputs) {
      const bool listed = std::find(tail.frontier.begin(), tail.frontier.end(), t) != tail.frontier.end();
      if (!tail.produces(t) && !listed) tail.frontier.push_back(t);
    }
  }
  // A tail that reaches the graph input would run the whole model dense: leave it off.
  if (std::find(tail.frontier.begin(), tail.frontier.end(), g.input) != tail.frontier.end()) {
    tail = DenseTailNodes{};
    tail.in_tail.assign(n, false);
  }
  return tail;
}

TailPlan choose_tail_plan(float frontier_active, float break_even, bool state_valid) {
  if (frontier_active == 0.f) return TailPlan::Skip;
  if (frontier_active > break_even) return TailPlan::DenseStateless;
  return state_valid ? TailPlan::Delta : TailPlan::DenseReinit;
}

}  // namespace dcnn
