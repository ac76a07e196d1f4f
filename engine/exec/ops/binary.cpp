// y = a * b or a / b, tensor by tensor with broadcasting (1x1xC gates, HxWx1 maps). Nonlinear in
// its inputs, so it runs on accumulated values: the op keeps acc_a, acc_b and prev_out, and at
// every output pixel touched by a change of either input emits f(acc_a, acc_b) - prev_out.
// A changed 1x1 operand touches every pixel; that only happens when the gate's upstream
// activation fired, so the gate's threshold is what keeps small global changes sparse.
#include "engine/exec/ops/binary.h"

#include <algorithm>
#include <cstring>

#include "engine/core/aligned_buffer.h"
#include "engine/core/error.h"
#include "engine/exec/op_checks.h"
#include "kernels/cpu/binary.h"
#include "kernels/cpu/densify.h"
#include "kernels/cpu/mask.h"

namespace dcnn {
namespace {

struct BinaryState : OpState {
  AlignedBuffer<float> acc_a, acc_b, prev_out;
};

class BinaryOp : public Op {
 public:
  BinaryOp(const ir::Node& node, const ir::Graph& graph) : Op(node, graph) {
    fn_ = node.as<ir::BinaryParams>().kind == ir::BinaryKind::Mul ? cpu::BinaryFn::Mul
                                                                  : cpu::BinaryFn::Div;
    check_binary_inputs(*this);
  }
  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    if (!options.keeps_state) return nullptr;
    auto st = std::make_unique<BinaryState>();
    st->acc_a.resize(size_t(input_shape(0).size()));
    st->acc_b.resize(size_t(input_shape(1).size()));
    st->prev_out.resize(size_t(output_shape().size()));
    return st;
  }

  void run_dense(OpContext& ctx) const override {
    TensorBuffer& o = out(ctx);
    const TensorBuffer& a = in(ctx, 0);
    const TensorBuffer& b = in(ctx, 1);
    float* prev = nullptr;
    if (ctx.keep_state) {
      BinaryState& st = state(ctx);
      std::memcpy(st.acc_a.data(), a.values(), sizeof(float) * size_t(a.shape().size()));
      std::memcpy(st.acc_b.data(), b.values(), sizeof(float) * size_t(b.shape().size()));
      prev = st.prev_out.data();
    }
    cpu::binary(fn_, view(a.values(), a.shape()), view(b.values(), b.shape()), o.shape().w,
                o.shape().c, prev, false, o.values(), nullptr, o.pixels());
  }

  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& a = in(ctx, 0);
    const TensorBuffer& b = in(ctx, 1);
    TensorBuffer& o = out(ctx);
    if (a.active() == 0 && b.active() == 0) return;
    BinaryState& st = state(ctx);
    cpu::accumulate_pixels(st.acc_a.data(), a.values(), a.list(), a.active(), a.shape().c);
    cpu::accumulate_pixels(st.acc_b.data(), b.values(), b.list(), b.active(), b.shape().c);
    mark_changed(ctx);
    o.list_from_mask();
    cpu::binary(fn_, view(st.acc_a.data(), a.shape()), view(st.acc_b.data(), b.shape()),
                o.shape().w, o.shape().c, st.prev_out.data(), true, o.values(), o.list(), o.active());
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& a = in(ctx, 0);
    const TensorBuffer& b = in(ctx, 1);
    TensorBuffer& o = out(ctx);
    if (a.active() == 0 && b.active() == 0) return;
    mark_changed(ctx);
    const int candidates = recompute_candidates(ctx, 0.f);
    if (candidates < 0) return;
    cpu::binary(fn_, view(a.values(), a.shape()), view(b.values(), b.shape()), o.shape().w, o.shape().c, nullptr,
                false, ctx.map_scratch, o.list(), candidates);
    fire_candidates(ctx, kern::ActSpec{}, ctx.map_scratch, candidates, 0.f);
  }

 private:
  // The output's mask = the pixels where an operand changed; all of them when a changed operand
  // is 1x1 (a squeeze-excite gate multiplies every pixel).
  void mark_changed(OpContext& ctx) const {
    const TensorBuffer& a = in(ctx, 0);
    const TensorBuffer& b = in(ctx, 1);
    TensorBuffer& o = out(ctx);
    const bool a_global = a.pixels() == 1, b_global = b.pixels() == 1;
    if ((a_global && a.active() > 0) || (b_global && b.active() > 0)) {
      std::fill(o.mask(), o.mask() + o.pixels(), uint8_t{1});
      return;
    }
    if (!a_global) cpu::mask_or(o.mask(), a.mask(), o.pixels());
    if (!b_global) cpu::mask_or(o.mask(), b.mask(), o.pixels());
  }

  static BinaryState& state(OpContext& ctx) {
    auto* st = dynamic_cast<BinaryState*>(ctx.state);
    if (!st) throw Error(ErrorKind::Internal, "binary op run without its state");
    return *st;
  }
  cpu::BroadcastView view(const float* data, const Shape& s) const {
    cpu::BroadcastView v;
    v.data = data;
    v.sc = s.c == 1 ? 0 : 1;
    v.sx = s.w == 1 && output_shape().w != 1 ? 0 : s.c;
    v.sy = s.h == 1 && output_shape().h != 1 ? 0 : int64_t(s.w) * s.c;
    return v;
  }
  cpu::BinaryFn fn_ = cpu::BinaryFn::Mul;
};

}  // namespace

std::unique_ptr<Op> make_binary_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<BinaryOp>(node, graph);
}

}  // namespace dcnn
