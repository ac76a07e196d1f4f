// MaxPool and AveragePool. AveragePool is linear: the mean of the deltas over the window.
// MaxPool is not: it keeps the accumulated input and the last emitted maximum, and emits
// max(acc + d) - prev_max at every output whose window holds an active input; outputs whose
// maximum did not move at all are masked off (their delta is exactly zero).
#include "engine/exec/ops/pool.h"

#include <cstring>

#include "engine/core/aligned_buffer.h"
#include "engine/core/error.h"
#include "kernels/cpu/densify.h"
#include "kernels/cpu/mask.h"
#include "kernels/cpu/pool.h"

namespace dcnn {
namespace {

struct MaxPoolState : OpState {
  AlignedBuffer<float> acc_in;
  AlignedBuffer<float> prev_out;
};

class PoolOp : public Op {
 public:
  PoolOp(const ir::Node& node, const ir::Graph& graph)
      : Op(node, graph), params_(node.as<ir::PoolParams>()) {
    const Shape& is = input_shape(0);
    const Shape& os = output_shape();
    if (inputs().size() != 1 || is.c != os.c)
      throw Error(ErrorKind::Model, where() + "expected one input with the output's " +
                                        std::to_string(os.c) + " channels, got " + is.str());
    if (params_.kh < 1 || params_.kw < 1 || params_.stride_h < 1 || params_.stride_w < 1)
      throw Error(ErrorKind::Unsupported, where() + "kernel " + std::to_string(params_.kh) + "x" +
                                              std::to_string(params_.kw) + " stride " +
                                              std::to_string(params_.stride_h) + "x" +
                                              std::to_string(params_.stride_w) +
                                              ": expected positive sizes");
    rows_ = cpu::window_footprint(is.h, os.h, params_.kh, params_.stride_h, 1, params_.pad_top);
    cols_ = cpu::window_footprint(is.w, os.w, params_.kw, params_.stride_w, 1, params_.pad_left);
    for (int o = 0; o < os.h * (params_.kind == ir::PoolKind::Max ? 1 : 0); ++o)
      if (rows_.begin[o + 1] == rows_.begin[o])
        throw Error(ErrorKind::Unsupported, where() + "output row " + std::to_string(o) +
                                                " has a window entirely in the padding");
  }
  std::unique_ptr<OpState> make_state(const StateOptions& options) const override {
    if (params_.kind != ir::PoolKind::Max || !options.keeps_state) return nullptr;
    auto st = std::make_unique<MaxPoolState>();
    st->acc_in.resize(size_t(input_shape(0).size()));
    st->prev_out.resize(size_t(output_shape().size()));
    return st;
  }
  size_t mask_scratch_bytes() const override { return size_t(input_shape(0).h) * size_t(output_shape().w); }

  void run_dense(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (params_.kind == ir::PoolKind::Average) {
      cpu::avg_pool(i.values(), i.shape().w, i.shape().c, rows_, cols_, kernel_area(), o.values(),
                    nullptr, o.pixels());
      return;
    }
    float* prev = nullptr;
    if (ctx.keep_state) {
      MaxPoolState& st = state(ctx);
      std::memcpy(st.acc_in.data(), i.values(), sizeof(float) * size_t(i.shape().size()));
      prev = st.prev_out.data();
    }
    cpu::max_pool(i.values(), i.shape().w, i.shape().c, rows_, cols_, prev, false, o.values(),
                  nullptr, nullptr, o.pixels());
  }

  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
    o.list_from_mask();
    if (params_.kind == ir::PoolKind::Average) {
      cpu::avg_pool(i.values(), i.shape().w, i.shape().c, rows_, cols_, kernel_area(), o.values(),
                    o.list(), o.active());
      return;
    }
    MaxPoolState& st = state(ctx);
    cpu::accumulate_pixels(st.acc_in.data(), i.values(), i.list(), i.active(), i.shape().c);
    cpu::max_pool(st.acc_in.data(), i.shape().w, i.shape().c, rows_, cols_, st.prev_out.data(),
                  true, o.values(), o.mask(), o.list(), o.active());
    o.compact_list();
  }

  bool can_recompute() const override { return true; }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::footprint_mask(i.mask(), i.shape().h, i.shape().w, rows_, cols_, ctx.mask_scratch, o.mask());
    const int candidates = recompute_candidates(ctx, 0.f);
    if (candidates < 0) return;
    if (params_.kind == ir::PoolKind::Average)
      cpu::avg_pool(i.values(), i.shape().w, i.shape().c, rows_, cols_, kernel_area(), ctx.map_scratch, o.list(),
                    candidates);
    else
      cpu::max_pool(i.values(), i.shape().w, i.shape().c, rows_, cols_, nullptr, false, ctx.map_scratch, nullptr,
                    o.list(), candidates);
    fire_candidates(ctx, kern::ActSpec{}, ctx.map_scratch, candidates, 0.f);
  }

 private:
  int kernel_area() const { return params_.count_include_pad ? params_.kh * params_.kw : 0; }
  MaxPoolState& state(OpContext& ctx) const {
    auto* st = dynamic_cast<MaxPoolState*>(ctx.state);
    if (!st) throw Error(ErrorKind::Internal, where() + "run without its state");
    return *st;
  }
  ir::PoolParams params_;
  cpu::Footprint1D rows_, cols_;
};

}  // namespace

std::unique_ptr<Op> make_pool_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<PoolOp>(node, graph);
}

}  // namespace dcnn
