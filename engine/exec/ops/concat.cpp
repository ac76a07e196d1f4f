// Channel concatenation (+ fused activation). Linear: masks union, and an input inactive at a
// pixel contributes its zeros (the delta invariant) for its channel slice; a fused activation
// (ReLU after the concat, CenterNet's head) runs on the whole output as Add's does, instead of
// a pass of its own over the widest maps of that head.
#include "engine/exec/ops/concat.h"

#include "engine/core/error.h"
#include "engine/exec/op_checks.h"
#include "engine/exec/ops/activation_step.h"
#include "kernels/cpu/concat.h"
#include "kernels/cpu/mask.h"

namespace dcnn {
namespace {

// Input pointer table, reserved once so a frame allocates nothing; the activation's state
// (empty where it keeps none).
struct ConcatState : ActivationState {
  std::vector<const float*> inputs;
};

class ConcatOp : public Op {
 public:
  ConcatOp(const ir::Node& node, const ir::Graph& graph) : Op(node, graph), act_(node.as<ir::ConcatParams>().act) {
    check_concat_inputs(*this);
    for (size_t k = 0; k < inputs().size(); ++k) channels_.push_back(input_shape(k).c);
  }

  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    auto st = std::make_unique<ConcatState>();
    st->inputs.reserve(inputs().size());
    if (auto act = act_.make_state(output_shape(), options)) {
      st->acc = std::move(act->acc);
      st->res = std::move(act->res);
    }
    return st;
  }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    const std::vector<const float*>& ptrs = pointers(ctx);
    cpu::concat(ptrs.data(), channels_.data(), int(ptrs.size()), o.values(), o.shape().c, nullptr,
                o.pixels());
    act_.dense(o, ctx);
  }
  void run_delta(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    if (!mark_changed(ctx)) return;
    o.list_from_mask();
    const std::vector<const float*>& ptrs = pointers(ctx);
    cpu::concat(ptrs.data(), channels_.data(), int(ptrs.size()), o.values(), o.shape().c, o.list(),
                o.active());
    act_.delta(o, ctx);
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    if (!mark_changed(ctx)) return;
    const float eps = act_.runs(ctx) ? ctx.eps : 0.f;
    const int candidates = recompute_candidates(ctx, eps);
    if (candidates < 0) return;
    const std::vector<const float*>& ptrs = pointers(ctx);
    cpu::concat(ptrs.data(), channels_.data(), int(ptrs.size()), ctx.map_scratch, o.shape().c, o.list(),
                candidates);
    fire_candidates(ctx, act_.spec(), ctx.map_scratch, candidates, eps);
  }

 private:
  // The output's mask |= every input's mask; false when no input changed.
  bool mark_changed(OpContext& ctx) const {
    TensorBuffer& o = out(ctx);
    bool any = false;
    for (size_t k = 0; k < inputs().size(); ++k) {
      const TensorBuffer& i = in(ctx, k);
      if (i.active() == 0) continue;
      cpu::mask_or(o.mask(), i.mask(), o.pixels());
      any = true;
    }
    return any;
  }
  const std::vector<const float*>& pointers(OpContext& ctx) const {
    auto* st = dynamic_cast<ConcatState*>(ctx.state);
    if (!st) throw Error(ErrorKind::Internal, where() + "run without its state");
    st->inputs.clear();
    for (size_t k = 0; k < inputs().size(); ++k) st->inputs.push_back(in(ctx, k).values());
    return st->inputs;
  }
  ActivationStep act_;
  std::vector<int> channels_;
};

}  // namespace

std::unique_ptr<Op> make_concat_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<ConcatOp>(node, graph);
}

}  // namespace dcnn
