#include "engine/exec/dense_tail.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "engine/exec/compiled_model.h"
#include "kernels/cpu/densify.h"

namespace dcnn {

DenseTail::DenseTail(const CompiledModel& model, float break_even) : break_even_(break_even) {
  const ir::Graph& g = model.graph();
  nodes_ = select_dense_tail(g, model.node_macs(), break_even);
  accumulated_.resize(nodes_.frontier.size());
  for (size_t j = 0; j < nodes_.frontier.size(); ++j)
    accumulated_[j].allocate(g.tensors[size_t(nodes_.frontier[j])].shape);
}

DenseTail::Plan DenseTail::plan(const std::vector<TensorBuffer>& tensors) const {
  float f = 0.f;
  for (int t : nodes_.frontier) f = std::max(f, tensors[size_t(t)].active_fraction());
  return choose_tail_plan(f, break_even_, state_valid_);
}

void DenseTail::on_dense_pass(const std::vector<TensorBuffer>& tensors) {
  for (size_t j = 0; j < nodes_.frontier.size(); ++j) {
    const TensorBuffer& src = tensors[size_t(nodes_.frontier[j])];
    std::memcpy(accumulated_[j].values_for_full_write(), src.values(),
                sizeof(float) * size_t(src.shape().size()));
  }
  state_valid_ = true;
}

void DenseTail::accumulate(const std::vector<TensorBuffer>& tensors) {
  for (size_t j = 0; j < nodes_.frontier.size(); ++j) {
    const TensorBuffer& d = tensors[size_t(nodes_.frontier[j])];
    cpu::accumulate_pixels(accumulated_[j].values_for_full_write(), d.values(), d.list(), d.active(),
                           d.shape().c);
  }
}

void DenseTail::swap_frontier(std::vector<TensorBuffer>& tensors) {
  for (size_t j = 0; j < nodes_.frontier.size(); ++j)
    std::swap(tensors[size_t(nodes_.frontier[j])], accumulated_[j]);
}

}  // namespace dcnn
