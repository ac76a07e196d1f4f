// The dense tail: the output heads of a model, run dense from their accumulated input when much
// of that input changed.
//
// Why: the heads of a detector or pose model (MoveNet's six 96-channel 1x1 + ReLU branches on the
// stride-4 map) are cheap convs with wide outputs. In delta mode each of their activations keeps
// an accumulator and a residual per value, and on a busy frame the truncation step's memory
// traffic costs about three times the conv itself. The heads' outputs are densified anyway, so
// nothing downstream needs their deltas: running them dense on the accumulated input costs only
// the (small) dense conv and is exact with respect to that input.
//
// Which nodes: walking back from the graph outputs, a node joins the tail when every consumer of
// its output is in the tail, it has a single input (the walk stops at merges such as the FPN's
// last Add) and the tail's MACs stay within a small share of the model. The tensors the tail reads
// from outside are its frontier: the tail keeps their accumulated (dense) values.
//
// Per delta frame, with f the largest active fraction among the frontier tensors:
//  - f == 0: nothing the tail reads changed, the heads stay as they are;
//  - f > break_even: the tail runs dense on the accumulated frontier, without keeping state (its
//    delta state becomes stale);
//  - otherwise the tail runs in delta mode; if its state is stale it first re-initialises it with
//    one dense pass that keeps state (the same pass a keyframe does for the whole graph).
//
// The selection and the per-frame rule are backend-neutral (dense_tail_plan.h, also used by the
// CUDA executor); this class is the CPU executor's side: frontier buffers and the plan from this
// frame's host-side active fractions.
#pragma once

#include <memory>
#include <vector>

#include "engine/exec/dense_tail_plan.h"
#include "engine/exec/tensor_buffer.h"

namespace dcnn {

class CompiledModel;

class DenseTail {
 public:
  static constexpr double kMaxMacShare = kDenseTailMaxMacShare;

  DenseTail(const CompiledModel& model, float break_even);

  bool empty() const { return nodes_.empty(); }
  bool contains(size_t op) const { return nodes_.in_tail[op]; }
  const std::vector<size_t>& ops() const { return nodes_.nodes; }  // in graph order
  bool produces(int tensor) const { return nodes_.produces(tensor); }

  // How the tail runs this delta frame (see the header comment).
  using Plan = TailPlan;
  Plan plan(const std::vector<TensorBuffer>& tensors) const;

  // Keyframe: the frontier tensors hold full values; copy them and mark the tail state valid.
  void on_dense_pass(const std::vector<TensorBuffer>& tensors);
  // Delta frame: add the frontier deltas into the accumulated values (before the tail runs).
  void accumulate(const std::vector<TensorBuffer>& tensors);
  // Swaps the accumulated frontier values into the graph's tensors (so the tail's ops read them as
  // a dense pass would) and back; call twice around a dense tail pass.
  void swap_frontier(std::vector<TensorBuffer>& tensors);
  void set_state_valid(bool valid) { state_valid_ = valid; }

 private:
  float break_even_;
  DenseTailNodes nodes_;
  std::vector<TensorBuffer> accumulated_;  // per frontier tensor: full values
  bool state_valid_ = false;
};

}  // namespace dcnn
