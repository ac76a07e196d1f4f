// GlobalAveragePool / ReduceMean over H, W: output 1x1xC.
// Delta semantics: the mean of the accumulated map changes by exactly sum(d) / (H*W), summed
// over the active pixels only (every other pixel's accumulated value did not change), so the
// linear form below *is* the computation from accumulated values. The output pixel is active
// iff any input pixel is; the gate built from it is thresholded by its downstream activation.
#include "engine/exec/ops/global_pool.h"

#include "engine/core/error.h"
#include "kernels/cpu/global_pool.h"

namespace dcnn {
namespace {

class GlobalPoolOp : public Op {
 public:
  GlobalPoolOp(const ir::Node& node, const ir::Graph& graph) : Op(node, graph) {
    const Shape& os = output_shape();
    if (inputs().size() != 1 || os.h != 1 || os.w != 1 || input_shape(0).c != os.c)
      throw Error(ErrorKind::Model, where() + "expected one input with " + std::to_string(os.c) +
                                        " channels and a 1x1 output, got " +
                                        input_shape(0).str() + " -> " + os.str());
  }

  void run_dense(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    cpu::global_sum(i.values(), nullptr, i.pixels(), i.shape().c, 1.0f / float(i.pixels()),
                    ctx.sum_scratch, out(ctx).values());
  }
  void run_delta(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::global_sum(i.values(), i.list(), i.active(), i.shape().c, 1.0f / float(i.pixels()),
                    ctx.sum_scratch, o.values());
    o.activate_all();
  }

  // Recompute form: the stored input map holds only new values, so the mean is recomputed
  // over the whole (small) map whenever an input pixel fired; the 1x1 output fires when any
  // channel changed (the gate built from it thresholds downstream).
  bool can_recompute() const override { return true; }
  size_t recompute_scratch_floats() const override { return size_t(output_shape().c); }
  void run_recompute(OpContext& ctx) const override {
    const TensorBuffer& i = in(ctx, 0);
    TensorBuffer& o = out(ctx);
    if (i.active() == 0) return;
    cpu::global_sum(i.values(), nullptr, i.pixels(), i.shape().c, 1.0f / float(i.pixels()), ctx.sum_scratch,
                    ctx.map_scratch);
    o.mask()[0] = 1;  // the one output pixel is the candidate
    fire_candidates(ctx, kern::ActSpec{}, ctx.map_scratch, o.take_candidates(), 0.f);
  }
};

}  // namespace

std::unique_ptr<Op> make_global_pool_op(const ir::Node& node, const ir::Graph& graph) {
  return std::make_unique<GlobalPoolOp>(node, graph);
}

}  // namespace dcnn
