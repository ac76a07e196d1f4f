// y = coef_a * a + coef_b * b (+ fused activation). Linear: deltas add, masks union. A 1x1xC
// operand broadcast over the map makes every output pixel active when it changes.
#include "engine/exec/ops/add.h"

#include <algorithm>

#include "engine/exec/op_checks.h"
#include "engine/exec/ops/activation_step.h"
#include "kernels/cpu/add.h"
#include "kernels/cpu/mask.h"

namespace dcnn {
namespace {

class AddOp : public Op {
 public:
  AddOp(const ir::Node& node, const ir::Graph& graph)
      : Op(node, graph),
        act_(node.as<ir::AddParams>().act),
        args_(add_operands(*this, node.as<ir::AddParams>())) {}
  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options);
  }
  bool can_truncate_linear() const override { return !act_.enabled(); }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    cpu::add(in(ctx, args_.full).values(), in(ctx, 1 - args_.full).values(), args_.broadcast,
             args_.coef_full, args_.coef_other, o.values(), nullptr, o.pixels(), o.shape().c);
    act_.dense(o, ctx);
  }
  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& a = in(ctx, args_.full);
    const TensorBuffer& b = in(ctx, 1 - args_.full);
    TensorBuffer& o = out(ctx);
    if (!mark_changed(ctx)) return;
    o.list_from_mask();
    cpu::add(a.values(), b.values(), args_.broadcast, args_.coef_full, args_.coef_other, o.values(),
             o.list(), o.active(), o.shape().c);
    act_.delta(o, ctx);
  }

  int residual_partner(int operand) const override {
    if (act_.enabled() || args_.broadcast || args_.coef_full != 1.f || args_.coef_other != 1.f) return -1;
    const int a = inputs()[0], b = inputs()[1];
    if (a == b) return -1;
    return operand == a ? b : operand == b ? a : -1;
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& a = in(ctx, args_.full);
    const TensorBuffer& b = in(ctx, 1 - args_.full);
    TensorBuffer& o = out(ctx);
    if (!mark_changed(ctx)) return;
    const float eps = act_.runs(ctx) ? ctx.eps : 0.f;
    // At any activity the candidates' sums are fired block by block while in cache: a dense form
    // would write the whole map to scratch and read it back (MultiPose's FPN adds, 78 % candidates
    // on 2.6 MB maps, took it in 98 % of delta frames).
    const int candidates = o.take_candidates();
    const float *av = a.values(), *bv = b.values();
    const bool broadcast = args_.broadcast;
    const float ca = args_.coef_full, cb = args_.coef_other;
    const int c = o.shape().c;
    fire_computed_candidates(ctx, act_.spec(), candidates, eps, [=](const int32_t* pixels, int m, float* rows) {
      cpu::add_rows(av, bv, broadcast, ca, cb, pixels, m, c, rows);
    });
  }

 private:
  // The output's mask = the pixels where an input changed (all of them when a broadcast operand
  // did); false when nothing changed.
  bool mark_changed(OpContext& ctx) const {
    const TensorBuffer& a = in(ctx, args_.full);
    const TensorBuffer& b = in(ctx, 1 - args_.full);
    TensorBuffer& o = out(ctx);
    if (args_.broadcast && b.active() > 0) {
      std::fill(o.mask(), o.mask() + o.pixels(), uint8_t{1});
      return true;
    }
    if (a.active() == 0 && b.active() == 0) return false;
    std::copy(a.mask(), a.mask() + o.pixels(), o.mask());
    if (!args_.broadcast) cpu::mask_or(o.mask(), b.mask(), o.pixels());
    return true;
  }

  ActivationStep act_;
  AddOperands args_;  // which input is full, whether the other is broadcast, coefficients
};

}  // namespace

std::unique_ptr<Op> make_add_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<AddOp>(node, graph);
}

}  // namespace dcnn
