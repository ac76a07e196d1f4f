// The dense tail's planning, shared by every backend (the CPU's DenseTail, the CUDA GpuStream):
// which nodes form the tail (from the graph and per-node MACs alone) and how the tail runs on
// one delta frame. What the tail is and why: engine/exec/dense_tail.h.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/ir/graph.h"

namespace dcnn {

// Share of the model's MACs the tail may hold: beyond it, running the tail dense on a frame with
// moderate change would cost more than the truncation steps it saves.
inline constexpr double kDenseTailMaxMacShare = 0.15;

struct DenseTailNodes {
  std::vector<bool> in_tail;  // per graph node
  std::vector<size_t> nodes;  // tail node indices, in graph order
  std::vector<int> produced;  // tensor ids written by tail nodes
  std::vector<int> frontier;  // tensor ids the tail reads from outside (never the graph input)

  bool empty() const { return frontier.empty(); }
  bool produces(int tensor) const;
};

// Walking back from the graph outputs, a node joins when every consumer of its output is in the
// tail, it has a single input, and the tail's MACs stay within kDenseTailMaxMacShare of
// sum(node_macs). Empty when break_even >= 1 (it could never be exceeded) or when the tail would
// reach the graph input (it would run the whole model dense). node_macs: one per graph node.
DenseTailNodes select_dense_tail(const ir::Graph& graph, const std::vector<int64_t>& node_macs,
                                 float break_even);

// How the tail runs one delta frame, given f, the largest active fraction among the frontier
// tensors:
//  - Skip (f == 0): nothing the tail reads changed, the heads stay as they are;
//  - DenseStateless (f > break_even): dense on the accumulated frontier, without keeping state
//    (the tail's delta state becomes stale);
//  - DenseReinit: delta mode is due but the state is stale; one dense pass that keeps state;
//  - Delta: delta mode on valid state.
enum class TailPlan { Skip, DenseStateless, DenseReinit, Delta };
TailPlan choose_tail_plan(float frontier_active, float break_even, bool state_valid);

inline bool runs_dense(TailPlan plan) {
  return plan == TailPlan::DenseStateless || plan == TailPlan::DenseReinit;
}

}  // namespace dcnn
