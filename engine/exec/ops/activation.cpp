// Standalone nonlinear activation (one the fusion pass could not fold into its producer).
// Delta semantics: the truncating step of activation_step.h on the input's active pixels.
#include "engine/exec/ops/activation.h"

#include <cstring>

#include "engine/core/error.h"
#include "engine/exec/ops/activation_step.h"

namespace dcnn {
namespace {

class ActivationOp : public Op {
 public:
  ActivationOp(const ir::Node& node, const ir::Graph& graph)
      : Op(node, graph), act_(node.as<ir::ActivationParams>().act) {
    if (inputs().size() != 1 || input_shape(0) != output_shape())
      throw Error(ErrorKind::Model, where() + "expected one input of the output's shape " +
                                        output_shape().str());
  }
  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    return act_.make_state(output_shape(), options);
  }
  bool has_threshold() const override { return act_.enabled(); }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    std::memcpy(o.values(), in(ctx, 0).values(), sizeof(float) * size_t(o.shape().size()));
    act_.dense(o, ctx);
  }
  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    o.copy_mask_from(i);
    if (!act_.enabled()) {
      std::memcpy(o.values_for_full_write(), i.values(), sizeof(float) * size_t(o.shape().size()));
      return;
    }
    act_.delta_from(i, o, ctx);
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    std::memcpy(o.mask(), i.mask(), size_t(o.pixels()));
    const float eps = act_.runs(ctx) ? ctx.eps : 0.f;
    const int candidates = recompute_candidates(ctx, eps);
    if (candidates < 0) return;
    // Pointwise: the candidates' new values are the activation of the stored input map.
    fire_candidates(ctx, act_.spec(), i.values(), candidates, eps);
  }

 private:
  ActivationStep act_;
};

}  // namespace

std::unique_ptr<Op> make_activation_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<ActivationOp>(node, graph);
}

}  // namespace dcnn
