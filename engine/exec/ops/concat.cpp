// Channel concatenation. Linear and stateless: masks union, and an input inactive at a pixel
// contributes its zeros (the delta invariant) for its channel slice.
#include "engine/exec/ops/concat.h"

#include "engine/core/error.h"
#include "engine/exec/op_checks.h"
#include "kernels/cpu/concat.h"
#include "kernels/cpu/mask.h"

namespace dcnn {
namespace {

// Input pointer table, reserved once so a frame allocates nothing.
struct ConcatState : OpState {
  std::vector<const float*> inputs;
};

class ConcatOp : public Op {
 public:
  ConcatOp(const ir::Node& node, const ir::Graph& graph) : Op(node, graph) {
    check_concat_inputs(*this);
    for (size_t k = 0; k < inputs().size(); ++k) channels_.push_back(input_shape(k).c);
  }

  std::unique_ptr<OpState> make_state(const StateOptions&) const override {
    auto st = std::make_unique<ConcatState>();
    st->inputs.reserve(inputs().size());
    return st;
  }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    const std::vector<const float*>& ptrs = pointers(ctx);
    cpu::concat(ptrs.data(), channels_.data(), int(ptrs.size()), o.values(), o.shape().c, nullptr,
                o.pixels());
  }
  void run_delta(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    if (!mark_changed(ctx)) return;
    o.list_from_mask();
    const std::vector<const float*>& ptrs = pointers(ctx);
    cpu::concat(ptrs.data(), channels_.data(), int(ptrs.size()), o.values(), o.shape().c, o.list(),
                o.active());
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    if (!mark_changed(ctx)) return;
    const int candidates = recompute_candidates(ctx, 0.f);
    if (candidates < 0) return;
    const std::vector<const float*>& ptrs = pointers(ctx);
    cpu::concat(ptrs.data(), channels_.data(), int(ptrs.size()), ctx.map_scratch, o.shape().c, o.list(),
                candidates);
    fire_candidates(ctx, kern::ActSpec{}, ctx.map_scratch, candidates, 0.f);
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
  std::vector<int> channels_;
};

}  // namespace

std::unique_ptr<Op> make_concat_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<ConcatOp>(node, graph);
}

}  // namespace dcnn
