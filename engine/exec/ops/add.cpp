// y = coef_a * a + coef_b * b (+ fused activation). Linear: deltas add, masks union. A 1x1xC
// operand broadcast over the map makes every output pixel active when it changes.
#include "engine/exec/ops/add.h"

#include "engine/core/error.h"
#include "engine/exec/ops/activation_step.h"
#include "kernels/cpu/add.h"
#include "kernels/cpu/mask.h"

namespace dcnn {
namespace {

class AddOp : public Op {
 public:
  AddOp(const ir::Node& node, const ir::Graph& graph)
      : Op(node, graph), params_(node.as<ir::AddParams>()), act_(params_.act) {
    if (inputs().size() != 2)
      throw Error(ErrorKind::Model, where() + "expected 2 inputs, got " + std::to_string(inputs().size()));
    const Shape& os = output_shape();
    auto full = [&](const Shape& s) { return s == os; };
    auto vec = [&](const Shape& s) { return s.h == 1 && s.w == 1 && s.c == os.c; };
    if (full(input_shape(0)) && (full(input_shape(1)) || vec(input_shape(1)))) {
      full_ = 0;
    } else if (vec(input_shape(0)) && full(input_shape(1))) {
      full_ = 1;  // the broadcast operand comes first: swap roles (and coefficients)
    } else {
      throw Error(ErrorKind::Unsupported,
                  where() + "input shapes " + input_shape(0).str() + " and " + input_shape(1).str() +
                      " are not supported for output " + os.str() +
                      "; expected equal shapes or one operand 1x1xC");
    }
    broadcast_ = !full(input_shape(1 - full_));
    coef_full_ = full_ == 0 ? params_.coef_a : params_.coef_b;
    coef_other_ = full_ == 0 ? params_.coef_b : params_.coef_a;
  }
  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options);
  }
  bool can_truncate_linear() const override { return !act_.enabled(); }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    cpu::add(in(ctx, full_).values(), in(ctx, 1 - full_).values(), broadcast_, coef_full_,
             coef_other_, o.values(), nullptr, o.pixels(), o.shape().c);
    act_.dense(o, ctx);
  }
  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& a = in(ctx, full_);
    const TensorBuffer& b = in(ctx, 1 - full_);
    TensorBuffer& o = out(ctx);
    if (broadcast_ && b.active() > 0) {
      o.activate_all();
    } else {
      if (a.active() == 0 && b.active() == 0) return;
      std::copy(a.mask(), a.mask() + o.pixels(), o.mask());
      if (!broadcast_) cpu::mask_or(o.mask(), b.mask(), o.pixels());
      o.list_from_mask();
    }
    cpu::add(a.values(), b.values(), broadcast_, coef_full_, coef_other_, o.values(), o.list(),
             o.active(), o.shape().c);
    act_.delta(o, ctx);
  }

 private:
  ir::AddParams params_;
  ActivationStep act_;
  size_t full_ = 0;  // which input has the output's shape
  bool broadcast_ = false;
  float coef_full_ = 1.f, coef_other_ = 1.f;
};

}  // namespace

std::unique_ptr<Op> make_add_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<AddOp>(node, graph);
}

}  // namespace dcnn
