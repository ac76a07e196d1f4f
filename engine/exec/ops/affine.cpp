// Per-channel y = scale * x + shift (+ fused activation). Linear: on deltas the shift cancels,
// the mask passes through unchanged, and the activation step (if any) truncates.
#include "engine/exec/ops/affine.h"

#include <algorithm>

#include "engine/core/error.h"
#include "engine/exec/ops/activation_step.h"
#include "kernels/cpu/affine.h"

namespace dcnn {
namespace {

class AffineOp : public Op {
 public:
  AffineOp(const ir::Node& node, const ir::Graph& graph)
      : Op(node, graph), params_(node.as<ir::AffineParams>()), act_(params_.act) {
    const int c = output_shape().c;
    if (inputs().size() != 1 || input_shape(0) != output_shape())
      throw Error(ErrorKind::Model, where() + "expected one input of the output's shape " +
                                        output_shape().str());
    if (params_.scale.size() != size_t(c) || params_.shift.size() != size_t(c))
      throw Error(ErrorKind::Model, where() + "scale/shift hold " +
                                        std::to_string(params_.scale.size()) + "/" +
                                        std::to_string(params_.shift.size()) +
                                        " values, expected one per channel (" + std::to_string(c) + ")");
  }
  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options);
  }
  bool can_truncate_linear() const override { return !act_.enabled(); }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    cpu::affine(in(ctx, 0).values(), o.values(), params_.scale.data(), params_.shift.data(),
                nullptr, o.pixels(), o.shape().c);
    act_.dense(o, ctx);
  }
  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    o.copy_mask_from(i);
    cpu::affine(i.values(), o.values(), params_.scale.data(), nullptr, o.list(), o.active(),
                o.shape().c);
    act_.delta(o, ctx);
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    std::copy(i.mask(), i.mask() + o.pixels(), o.mask());
    const float eps = act_.runs(ctx) ? ctx.eps : 0.f;
    const int candidates = recompute_candidates(ctx, eps);
    if (candidates < 0) return;
    const float* x = i.values();
    const float* scale = params_.scale.data();
    const float* shift = params_.shift.empty() ? nullptr : params_.shift.data();
    const int c = o.shape().c;
    fire_computed_candidates(ctx, act_.spec(), candidates, eps, [=](const int32_t* pixels, int m, float* rows) {
      cpu::affine_rows(x, scale, shift, pixels, m, c, rows);
    });
  }

 private:
  ir::AffineParams params_;
  ActivationStep act_;
};

}  // namespace

std::unique_ptr<Op> make_affine_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<AffineOp>(node, graph);
}

}  // namespace dcnn
