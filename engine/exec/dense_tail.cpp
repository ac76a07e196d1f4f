#include "engine/exec/dense_tail.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/exec/compiled_model.h"
#include "kernels/cpu/densify.h"

namespace dcnn {

DenseTail::DenseTail(const CompiledModel& model, float break_even) : break_even_(break_even) {
  const auto& ops = model.ops();
  const ir::Graph& g = model.graph();
  in_tail_.assign(ops.size(), false);
  // break_even >= 1 can never be exceeded: the tail would only ever run in delta mode.
  if (!(break_even < 1.f) || ops.empty()) return;

  std::vector<std::vector<size_t>> consumers(g.tensors.size());
  for (size_t k = 0; k < ops.size(); ++k)
    for (int t : ops[k]->inputs()) consumers[size_t(t)].push_back(k);
  std::vector<bool> is_output(g.tensors.size(), false);
  for (int id : g.outputs) is_output[size_t(id)] = true;

  const double budget = kMaxMacShare * double(model.total_macs());
  double macs = 0.0;
  // Reverse topological order: every consumer of a node is decided before the node.
  for (size_t k = ops.size(); k-- > 0;) {
    const auto& users = consumers[size_t(ops[k]->output())];
    if (users.empty() && !is_output[size_t(ops[k]->output())]) continue;  // dead end
    if (ops[k]->inputs().size() != 1) continue;
    if (!std::all_of(users.begin(), users.end(), [&](size_t u) { return in_tail_[u]; })) continue;
    if (macs + double(ops[k]->macs()) > budget) continue;
    macs += double(ops[k]->macs());
    in_tail_[k] = true;
  }
  for (size_t k = 0; k < ops.size(); ++k) {
    if (!in_tail_[k]) continue;
    tail_ops_.push_back(k);
    produced_.push_back(ops[k]->output());
    for (int t : ops[k]->inputs()) {
      if (!produces(t) && std::find(frontier_.begin(), frontier_.end(), t) == frontier_.end())
        frontier_.push_back(t);
    }
  }
  // A tail that reaches the graph input would run the whole model dense: leave it off.
  if (std::find(frontier_.begin(), frontier_.end(), g.input) != frontier_.end()) {
    in_tail_.assign(ops.size(), false);
    tail_ops_.clear();
    produced_.clear();
    frontier_.clear();
    return;
  }
  accumulated_.resize(frontier_.size());
  for (size_t j = 0; j < frontier_.size(); ++j)
    accumulated_[j].allocate(g.tensors[size_t(frontier_[j])].shape);
}

bool DenseTail::produces(int tensor) const {
  return std::find(produced_.begin(), produced_.end(), tensor) != produced_.end();
}

DenseTail::Plan DenseTail::plan(const std::vector<TensorBuffer>& tensors) const {
  float f = 0.f;
  for (int t : frontier_) f = std::max(f, tensors[size_t(t)].active_fraction());
  if (f == 0.f) return Plan::Skip;
  if (f > break_even_) return Plan::DenseStateless;
  return state_valid_ ? Plan::Delta : Plan::DenseReinit;
}

void DenseTail::on_dense_pass(const std::vector<TensorBuffer>& tensors) {
  for (size_t j = 0; j < frontier_.size(); ++j) {
    const TensorBuffer& src = tensors[size_t(frontier_[j])];
    std::memcpy(accumulated_[j].values_for_full_write(), src.values(),
                sizeof(float) * size_t(src.shape().size()));
  }
  state_valid_ = true;
}

void DenseTail::accumulate(const std::vector<TensorBuffer>& tensors) {
  for (size_t j = 0; j < frontier_.size(); ++j) {
    const TensorBuffer& d = tensors[size_t(frontier_[j])];
    cpu::accumulate_pixels(accumulated_[j].values_for_full_write(), d.values(), d.list(), d.active(),
                           d.shape().c);
  }
}

void DenseTail::swap_frontier(std::vector<TensorBuffer>& tensors) {
  for (size_t j = 0; j < frontier_.size(); ++j) std::swap(tensors[size_t(frontier_[j])], accumulated_[j]);
}

}  // namespace dcnn
