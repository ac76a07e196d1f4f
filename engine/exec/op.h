// The interface every compiled CPU op implements. An Op is immutable and shared by every stream
// of a model (weights re-laid out once); what a stream needs per op lives in its OpState,
// created by make_state() when the Executor is built. Ops do no math themselves: they pick the
// backend's kernels (kernels/cpu). The CUDA op set (cuda/cuda_op.h) has its own interface and
// shares the node half (op_node.h) and the shape checks (op_checks.h).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/api/results.h"
#include "engine/exec/layer_path.h"
#include "engine/exec/op_node.h"
#include "engine/exec/tensor_buffer.h"
#include "engine/ir/graph.h"
#include "kernels/common/activation.h"
#include "kernels/cpu/fire.h"

namespace dcnn {

class Op;

// Per-stream, per-op state (accumulators, residuals). Ops define their own subclasses.
struct OpState {
  virtual ~OpState() = default;
};

// What a stream asks of its ops' state.
struct StateOptions {
  bool truncate_linear = false;  // ops with an activation slot but no activation truncate too
  // False for a stream in ExecMode::Dense: run_dense is only ever called with keep_state false,
  // so the state holds at most scratch (no accumulators, residuals or previous outputs).
  bool keeps_state = true;
};

// Everything one op call needs from the stream that runs it.
struct OpContext {
  std::vector<TensorBuffer>& tensors;  // indexed by graph tensor id
  OpState* state = nullptr;            // this op's state (nullptr when it has none)
  float eps = 0.f;                     // truncation threshold of this node, already scaled
  float dense_break_even = 0.4f;       // run a conv dense when its output active fraction is above
  // Recompute form with delta.path_choice: measured: this layer's measured costs, which decide
  // instead of dense_break_even (engine/exec/layer_path.h); null: the fixed fraction decides.
  const LayerPathCost* path_cost = nullptr;
  int candidates = -1;                 // set by the op: its candidates this frame (-1: none taken)
  bool keep_state = true;              // false in ExecMode::Dense: no stateful buffer needed
  uint8_t* mask_scratch = nullptr;     // at least mask_scratch_bytes() of this op
  double* sum_scratch = nullptr;       // at least max channels doubles
  LayerStat* stat = nullptr;           // set `dense` (active is filled by the executor)
  // DeltaForm::Recompute: at least the largest output of an op whose recompute computes its
  // candidates into a full-size map before the fire step (recompute_scratch_floats()).
  float* map_scratch = nullptr;
  bool truncate_linear = false;        // this op truncates its output even without activation
  // Tensors the stream never holds (Op::can_compute_input_from): this op's output is one (its
  // consumer computes the values where it reads them), or input 0 is one and this is the op
  // that writes it. Set in dense passes and recompute passes of the streams that fuse.
  bool output_unstored = false;
  const Op* input_producer = nullptr;
  // Set with input_producer when that producer computes its own input from this op too (a chain
  // of three, Op::can_compute_input_from_chain): the chain's first op.
  const Op* chain_head = nullptr;
  // Recompute passes of an op that fires the sum after it (Op::can_fire_residual_sum):
  // the add's other operand (a stored map; its mask names its fired pixels) and the add's output,
  // which this op's fire step compares with and writes instead of its own (out() returns it).
  // eps and truncate_linear are then the add's.
  const TensorBuffer* residual = nullptr;
  TensorBuffer* fired_into = nullptr;
};

class Op : public OpNode {
 public:
  Op(const ir::Node& node, const ir::Graph& graph) : OpNode(node, graph) {}
  virtual ~Op() = default;

  virtual std::unique_ptr<OpState> make_state(const StateOptions&) const { return nullptr; }
  // Full values in, full values out (bias applied); initialises the state when keep_state.
  virtual void run_dense(OpContext& ctx) const = 0;
  // Deltas in, deltas out. The output tensor has been cleared (no active pixel, all zero).
  virtual void run_delta(OpContext& ctx) const = 0;

  // DeltaForm::Recompute (docs/cpu-engine.md). Tensors hold their propagated maps; the input
  // tensors' masks and lists name the pixels that fired this frame. The op computes its
  // candidates (the pixels whose inputs' footprint holds a fired pixel) from the stored input
  // maps, writes into its stored output map the ones that differ by more than ctx.eps (0 for a
  // linear op that does not truncate) and leaves exactly those in its output's mask and list.
  // The output's mask and list have been cleared; its values hold last frame's map.
  virtual bool can_recompute() const { return false; }
  virtual void run_recompute(OpContext& ctx) const;
  // Floats of ctx.map_scratch this op needs in recompute form: its output (the dense fallback
  // of recompute_candidates) unless it overrides this.
  virtual size_t recompute_scratch_floats() const { return size_t(output_shape().size()); }
  // Whether this op can compute its input 0 itself, from `producer` (the op that writes it) and
  // the producer's input map, at just the pixels it reads, so that the stream never holds that
  // tensor. The stream then runs the producer with ctx.output_unstored (a dense pass does
  // nothing; a recompute pass only passes its input's fired pixels on: threshold 0) and this op
  // with ctx.input_producer. Streams that keep per-tensor delta state (the propagate form)
  // never do this.
  virtual bool can_compute_input_from(const Op& /*producer*/) const { return false; }
  // Whether dense passes should run that pair fused too (it pays where the inner tensor does
  // not stay in cache between the two ops); the others run the two ops apart in dense passes.
  virtual bool fuses_dense_pass_with(const Op& /*producer*/) const { return false; }
  // Whether this op, which computes its input 0 from `producer`, can also compute the
  // producer's input from `head` (the op before the producer, whose output only the producer
  // reads), so that neither tensor is held. Such chains run fused in every pass.
  virtual bool can_compute_input_from_chain(const Op& /*head*/, const Op& /*producer*/) const { return false; }
  // Whether this op can compute its input 0 from a pair (`producer` computes its input from
  // `head`) in recompute passes, so that neither of the pair's tensors is held there (a whole
  // inverted-residual block: expand -> depthwise -> projection). Dense passes run this op apart
  // from the pair.
  virtual bool can_compute_input_from_pair(const Op& /*head*/, const Op& /*producer*/) const { return false; }
  // can_compute_input_from for a producer that pairs only where no pair or chain above takes it
  // (a depthwise conv before a 1x1 conv: MoveNet's heads lead their chains with one). Dense
  // passes run such pairs apart.
  virtual bool can_compute_input_from_after_chains(const Op& /*producer*/) const { return false; }

  // Whether this op is y = `operand` + r exactly (no activation, coefficients 1, no broadcast),
  // so that the producer of `operand` may fire y itself: returns r's tensor id, else -1.
  virtual int residual_partner(int /*operand*/) const { return -1; }
  // Whether this op, run with `producer` / `head` as the executor paired them (null: none), can
  // add a residual map before its fire step and fire its residual add's output instead of its
  // own (ctx.residual, ctx.fired_into) in recompute passes, so that its output has no map and
  // the add no pass of its own. Dense passes run the two apart.
  virtual bool can_fire_residual_sum(const Op* /*producer*/, const Op* /*head*/) const { return false; }

  // Whether rows_at can compute this op's activated output at any listed pixels from maps the
  // stream holds (its input's, or its pair's or chain's first input's; ctx as for run_recompute),
  // so that an output a decoder reads at a few cells need not be computed everywhere
  // (Executor::set_queried_outputs).
  virtual bool computes_rows_at(const OpContext& /*ctx*/) const { return false; }
  // rows: n * output channels floats, row i the output at pixels[i].
  virtual void rows_at(const OpContext& /*ctx*/, const int32_t* /*pixels*/, int /*n*/, float* /*rows*/) const {}

  // Multiply-accumulates of a dense pass (weights the mean active fraction); 0 for cheap ops.
  virtual int64_t macs() const { return 0; }
  virtual size_t mask_scratch_bytes() const { return 0; }
  // Whether the node truncates (has a nonlinear activation) and so takes a threshold.
  virtual bool has_threshold() const { return false; }
  // Whether the node can truncate its linear output (an identity activation step: DeltaCNN's
  // "pure truncation layer") when DeltaSettings::truncate_linear asks for it.
  virtual bool can_truncate_linear() const { return false; }

 protected:
  // Recompute form, once the op has marked its candidates in its output's mask: lists them and
  // returns how many (their mask bytes cleared for the fire step). When more than
  // ctx.dense_break_even of the map are candidates, one dense pass costs less than recomputing
  // them a list at a time: the op's dense pass runs into ctx.map_scratch, the candidates fire
  // from it with threshold `eps` exactly as the sparse path would, and -1 is returned.
  int recompute_candidates(OpContext& ctx, float eps) const;
  // Whether this frame's candidates (already taken from the output) run the dense form:
  // ctx.path_cost's prediction where it has one, else candidates above ctx.dense_break_even.
  static bool takes_dense_form(OpContext& ctx, const TensorBuffer& out, int candidates);
  // The fire step of the recompute form: the candidates' new values are act(values) at their
  // own pixels of the full-size map `values`; the ones differing from the stored output by more
  // than eps are written and stay in the output's mask and list.
  void fire_candidates(OpContext& ctx, const kern::ActSpec& act, const float* values, int candidates,
                       float eps) const;

  // The same fire step with the candidates' values computed block by block into a tile in cache
  // (kernels/cpu/fire.h, fire_computed) instead of a full-size map.
  void fire_computed_candidates(OpContext& ctx, const kern::ActSpec& act, int candidates, float eps,
                                const cpu::RowsCompute& compute) const;

  TensorBuffer& in(OpContext& ctx, size_t i) const { return ctx.tensors[size_t(inputs()[i])]; }
  // The tensor this op writes: its own, or in a recompute pass that fires the sum after it,
  // the sum's (OpContext::fired_into).
  TensorBuffer& out(OpContext& ctx) const { return ctx.fired_into ? *ctx.fired_into : ctx.tensors[size_t(output())]; }
  // The residual map the fire step adds (OpContext::residual), or null.
  static const float* residual_values(const OpContext& ctx) { return ctx.residual ? ctx.residual->values() : nullptr; }
  // Whether the residual fired this frame: the sum changes then even where this op's input did
  // not, so a recompute pass may not return early on an unchanged input.
  static bool residual_fired(const OpContext& ctx) { return ctx.residual && ctx.residual->active() > 0; }
  // Adds the residual's fired pixels (if any) to the candidates marked in the output's mask.
  void mark_residual_candidates(OpContext& ctx) const;
};

}  // namespace dcnn
